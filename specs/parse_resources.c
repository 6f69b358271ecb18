/* SPDX-License-Identifier: Apache-2.0 */
/* .linux.resources: the cgroup settings (shared by create and `kura update`). */
#include "parse_internal.h"

#include <stdlib.h>
#include <string.h>

/*
 * Walk the elements e (index i) of arr, the JSON value of key, with ".key"
 * pushed on the path for the whole loop (popped after it; no break inside).
 */
#define FOR_EACH_IN(c, arr, key, i, e)                                               \
	for (size_t _saved = pctx_push_key(c, key), i = 0, _once = 1; _once;          \
	     _once = 0, pctx_pop(c, _saved))                                          \
		for (const json_t *e; i < json_array_size(arr) && (e = json_array_get(arr, i)); i++)

static int parse_major_minor(struct pctx *c, const json_t *o, int64_t *major, int64_t *minor,
			     bool *has_major, bool *has_minor, unsigned flags)
{
	/* -1 is the wildcard ("*") of the devices cgroup. */
	int a = pj_int(c, o, "major", -1, INT64_MAX, major, flags);
	int b = pj_int(c, o, "minor", -1, INT64_MAX, minor, flags);

	if (has_major)
		*has_major = a > 0;
	if (has_minor)
		*has_minor = b > 0;
	return (a < 0 || b < 0) ? -1 : 0;
}

static void parse_device_rules(struct pctx *c, const json_t *obj, struct spec_resources *r)
{
	const json_t *a = pj_array(c, obj, "devices", 0);

	if (!a)
		return;
	r->devices = pctx_calloc(c, json_array_size(a), sizeof(*r->devices));
	if (!r->devices)
		return;
	r->n_devices = json_array_size(a);
	FOR_EACH_IN(c, a, "devices", i, e) {
		struct spec_device_cgroup *d = &r->devices[i];
		size_t s2 = pctx_push_index(c, i);
		char *type = NULL;

		d->major = d->minor = -1;
		if (pv_object(c, e) == 0) {
			pj_bool(c, e, "allow", &d->allow, PJ_REQUIRED);
			if (pj_string(c, e, "type", &type, 0) > 0) {
				size_t s3 = pctx_push_key(c, "type");

				if (strlen(type) == 1 && strchr("acb", type[0]))
					d->type = type[0];
				else
					pctx_error(c, "unknown device type \"%s\" (want a, c or b)", type);
				pctx_pop(c, s3);
			}
			free(type);
			parse_major_minor(c, e, &d->major, &d->minor, &d->has_major, &d->has_minor, 0);
			if (pj_string(c, e, "access", &d->access, 0) > 0) {
				size_t s3 = pctx_push_key(c, "access");

				if (d->access[strspn(d->access, "rwm")] != '\0')
					pctx_error(c, "invalid access \"%s\" (want a subset of \"rwm\")",
						   d->access);
				pctx_pop(c, s3);
			}
		}
		pctx_pop(c, s2);
	}
}

static void parse_memory(struct pctx *c, const json_t *obj, struct spec_memory *m)
{
	const json_t *o = pj_object(c, obj, "memory", 0);
	size_t saved;

	if (!o)
		return;
	m->present = true;
	saved = pctx_push_key(c, "memory");
	m->has_limit = pj_i64(c, o, "limit", &m->limit, 0) > 0;
	m->has_reservation = pj_i64(c, o, "reservation", &m->reservation, 0) > 0;
	m->has_swap = pj_i64(c, o, "swap", &m->swap, 0) > 0;
	m->has_kernel = pj_i64(c, o, "kernel", &m->kernel, 0) > 0;
	m->has_kernel_tcp = pj_i64(c, o, "kernelTCP", &m->kernel_tcp, 0) > 0;
	if (pj_u64(c, o, "swappiness", &m->swappiness, 0) > 0) {
		/* -1 cast to uint64 means "unset" to runc; engines rely on it. */
		m->has_swappiness = m->swappiness != UINT64_MAX;
		if (m->has_swappiness && m->swappiness > 100) {
			size_t s2 = pctx_push_key(c, "swappiness");

			pctx_error(c, "must be between 0 and 100, not %llu",
				   (unsigned long long)m->swappiness);
			pctx_pop(c, s2);
		}
	}
	m->has_disable_oom_killer =
		pj_bool(c, o, "disableOOMKiller", &m->disable_oom_killer, 0) > 0;
	m->has_use_hierarchy = pj_bool(c, o, "useHierarchy", &m->use_hierarchy, 0) > 0;
	m->has_check_before_update =
		pj_bool(c, o, "checkBeforeUpdate", &m->check_before_update, 0) > 0;
	pctx_pop(c, saved);
}

static void parse_cpu(struct pctx *c, const json_t *obj, struct spec_cpu *cpu)
{
	const json_t *o = pj_object(c, obj, "cpu", 0);
	size_t saved;

	if (!o)
		return;
	cpu->present = true;
	saved = pctx_push_key(c, "cpu");
	cpu->has_shares = pj_u64(c, o, "shares", &cpu->shares, 0) > 0;
	/* the kernel's -1 is "no limit" (v1 cfs_quota_us, v2 "max"); other negatives mean nothing */
	cpu->has_quota = pj_int(c, o, "quota", -1, INT64_MAX, &cpu->quota, 0) > 0;
	cpu->has_burst = pj_u64(c, o, "burst", &cpu->burst, 0) > 0;
	cpu->has_period = pj_u64(c, o, "period", &cpu->period, 0) > 0;
	cpu->has_realtime_runtime = pj_i64(c, o, "realtimeRuntime", &cpu->realtime_runtime, 0) > 0;
	cpu->has_realtime_period = pj_u64(c, o, "realtimePeriod", &cpu->realtime_period, 0) > 0;
	cpu->has_idle = pj_i64(c, o, "idle", &cpu->idle, 0) > 0;
	pj_string(c, o, "cpus", &cpu->cpus, 0);
	pj_string(c, o, "mems", &cpu->mems, 0);
	pctx_pop(c, saved);
}

static void parse_throttle(struct pctx *c, const json_t *obj, const char *key,
			   struct spec_throttle_list *l)
{
	const json_t *a = pj_array(c, obj, key, 0);

	if (!a)
		return;
	l->v = pctx_calloc(c, json_array_size(a), sizeof(*l->v));
	if (!l->v)
		return;
	l->n = json_array_size(a);
	FOR_EACH_IN(c, a, key, i, e) {
		size_t s2 = pctx_push_index(c, i);

		if (pv_object(c, e) == 0) {
			parse_major_minor(c, e, &l->v[i].major, &l->v[i].minor, NULL, NULL,
					  PJ_REQUIRED);
			pj_u64(c, e, "rate", &l->v[i].rate, PJ_REQUIRED);
		}
		pctx_pop(c, s2);
	}
}

static void parse_blkio(struct pctx *c, const json_t *obj, struct spec_blkio *b)
{
	const json_t *o = pj_object(c, obj, "blockIO", 0);
	const json_t *a;
	size_t saved;

	if (!o)
		return;
	b->present = true;
	saved = pctx_push_key(c, "blockIO");
	b->has_weight = pj_u16(c, o, "weight", &b->weight, 0) > 0;
	b->has_leaf_weight = pj_u16(c, o, "leafWeight", &b->leaf_weight, 0) > 0;
	a = pj_array(c, o, "weightDevice", 0);
	if (a) {
		b->weight_device = pctx_calloc(c, json_array_size(a),
					       sizeof(*b->weight_device));
		if (b->weight_device) {
			b->n_weight_device = json_array_size(a);
			FOR_EACH_IN(c, a, "weightDevice", i, e) {
				struct spec_weight_device *w = &b->weight_device[i];
				size_t s2 = pctx_push_index(c, i);

				if (pv_object(c, e) == 0) {
					parse_major_minor(c, e, &w->major, &w->minor, NULL, NULL,
							  PJ_REQUIRED);
					w->has_weight = pj_u16(c, e, "weight", &w->weight, 0) > 0;
					w->has_leaf_weight =
						pj_u16(c, e, "leafWeight", &w->leaf_weight, 0) > 0;
				}
				pctx_pop(c, s2);
			}
		}
	}
	parse_throttle(c, o, "throttleReadBpsDevice", &b->throttle_read_bps);
	parse_throttle(c, o, "throttleWriteBpsDevice", &b->throttle_write_bps);
	parse_throttle(c, o, "throttleReadIOPSDevice", &b->throttle_read_iops);
	parse_throttle(c, o, "throttleWriteIOPSDevice", &b->throttle_write_iops);
	pctx_pop(c, saved);
}

/* The cgroup file is hugetlb.<size>.limit_in_bytes: "2MB", "1GB", never "2mb". */
static void check_page_size(struct pctx *c, const char *size)
{
	size_t digits = strspn(size, "0123456789");
	size_t saved;

	if (digits > 0 && size[0] != '0' && strchr("KMG", size[digits]) && size[digits] &&
	    strcmp(size + digits + 1, "B") == 0)
		return;
	saved = pctx_push_key(c, "pageSize");
	pctx_error(c, "invalid page size \"%s\" (want a number and KB, MB or GB, e.g. \"2MB\")",
		   size);
	pctx_pop(c, saved);
}

static void parse_hugepages(struct pctx *c, const json_t *obj, struct spec_resources *r)
{
	const json_t *a = pj_array(c, obj, "hugepageLimits", 0);

	if (!a)
		return;
	r->hugepage_limits = pctx_calloc(c, json_array_size(a),
					 sizeof(*r->hugepage_limits));
	if (!r->hugepage_limits)
		return;
	r->n_hugepage_limits = json_array_size(a);
	FOR_EACH_IN(c, a, "hugepageLimits", i, e) {
		size_t s2 = pctx_push_index(c, i);

		if (pv_object(c, e) == 0) {
			if (pj_string(c, e, "pageSize", &r->hugepage_limits[i].page_size,
				      PJ_REQUIRED) > 0)
				check_page_size(c, r->hugepage_limits[i].page_size);
			pj_u64(c, e, "limit", &r->hugepage_limits[i].limit, PJ_REQUIRED);
		}
		pctx_pop(c, s2);
	}
}

static void parse_network(struct pctx *c, const json_t *obj, struct spec_network *n)
{
	const json_t *o = pj_object(c, obj, "network", 0);
	const json_t *a;
	size_t saved;

	if (!o)
		return;
	n->present = true;
	saved = pctx_push_key(c, "network");
	n->has_class_id = pj_u32(c, o, "classID", &n->class_id, 0) > 0;
	a = pj_array(c, o, "priorities", 0);
	if (a) {
		n->priorities = pctx_calloc(c, json_array_size(a), sizeof(*n->priorities));
		if (n->priorities) {
			n->n_priorities = json_array_size(a);
			FOR_EACH_IN(c, a, "priorities", i, e) {
				size_t s2 = pctx_push_index(c, i);

				if (pv_object(c, e) == 0) {
					pj_string(c, e, "name", &n->priorities[i].name,
						  PJ_REQUIRED | PJ_NONEMPTY);
					pj_u32(c, e, "priority", &n->priorities[i].priority,
					       PJ_REQUIRED);
				}
				pctx_pop(c, s2);
			}
		}
	}
	pctx_pop(c, saved);
}

static void parse_rdma(struct pctx *c, const json_t *obj, struct spec_resources *r)
{
	const json_t *o = pj_object(c, obj, "rdma", 0);
	const json_t *e;
	const char *dev;
	size_t saved;

	if (!o)
		return;
	r->rdma = pctx_calloc(c, json_object_size(o), sizeof(*r->rdma));
	if (!r->rdma)
		return;
	saved = pctx_push_key(c, "rdma");
	PJ_OBJECT_FOREACH(o, dev, e) {
		struct spec_rdma *d = &r->rdma[r->n_rdma];
		size_t s2 = pctx_push_key(c, dev);

		if (pv_object(c, e) == 0) {
			d->device = pctx_strdup(c, dev);
			if (d->device) {
				r->n_rdma++;
				d->has_hca_handles = pj_u32(c, e, "hcaHandles", &d->hca_handles, 0) > 0;
				d->has_hca_objects = pj_u32(c, e, "hcaObjects", &d->hca_objects, 0) > 0;
			}
		}
		pctx_pop(c, s2);
	}
	pctx_pop(c, saved);
}

void spec_parse_resources_obj(struct pctx *c, const json_t *obj, struct spec_resources *r)
{
	const json_t *pids;

	r->present = true;
	parse_device_rules(c, obj, r);
	parse_memory(c, obj, &r->memory);
	parse_cpu(c, obj, &r->cpu);
	pids = pj_object(c, obj, "pids", 0);
	if (pids) {
		size_t saved = pctx_push_key(c, "pids");

		/*
		 * runtime-spec 1.3: -1 is no limit ("max"); a negative other
		 * than -1 means nothing in any version (runc 1.1.5 silently
		 * took every value <= 0 as "max"): refused.  The same text says
		 * 0 SHOULD be a real limit of 0, but podman sends 0 for its
		 * --pids-limit -1 and runc 1.1.5 reads 0 as no limit: kura keeps
		 * reading 0 as no limit, for the engines.
		 */
		r->has_pids_limit =
			pj_int(c, pids, "limit", -1, INT64_MAX, &r->pids_limit, PJ_REQUIRED) > 0;
		pctx_pop(c, saved);
	}
	parse_blkio(c, obj, &r->blkio);
	parse_hugepages(c, obj, r);
	parse_network(c, obj, &r->network);
	parse_rdma(c, obj, r);
	pj_kv(c, obj, "unified", &r->unified);
}

int spec_resources_parse(const char *text, size_t len, const char *file,
			 struct spec_resources *out, struct spec_errors *errs)
{
	struct spec_resources r = { 0 };
	struct pctx c;
	json_t *root;

	memset(out, 0, sizeof(*out));
	pctx_init(&c, file ? file : "resources.json", errs);
	root = pctx_parse_json(&c, text, len);
	if (!root)
		return -1;
	if (pv_object(&c, root) == 0)
		spec_parse_resources_obj(&c, root, &r);
	pctx_json_free(&c, root);
	if (c.n_errs) {
		spec_resources_free(&r);
		return -1;
	}
	*out = r;
	return 0;
}
