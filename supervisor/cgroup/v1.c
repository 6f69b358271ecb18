/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources on cgroup v1 hierarchies, in runc's order of writes. */
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_internal.h"
#include "util/util.h"

bool cgroup_hybrid_has(const struct cgroup *cg, const char *controller)
{
	const struct cgroup_hier *u = cgroup_unified(cg);
	struct kerr err;
	_cleanup_free_ char *avail = NULL;

	if (cg->mode != CGROUP_HYBRID || !u)
		return false;
	avail = cgroup_read(u->mount, "cgroup.controllers", &err);
	if (!avail)
		return false;
	for (char *p = avail; *p; p++)
		if (*p == ' ')
			*p = ',';
	return cgroup_has_controller(avail, controller);
}

int cgroup_missing(const struct cgroup *cg, const char *field, const char *controller,
		   struct kerr *err)
{
	/* where the hierarchy would be mounted: beside the others */
	_cleanup_free_ char *base = NULL;

	for (size_t i = 0; i < cg->n && !base; i++)
		if (*cg->h[i].controllers)
			base = strdup(cg->h[i].mount);
	if (base)
		return kerr_set(err, "%s: %s controller not available (no %s/%s)", field,
				controller, dirname(base), controller);
	return kerr_set(err, "%s: %s controller not available (no %s hierarchy mounted)", field,
			controller, controller);
}

/* Write one value; a missing file becomes "controller not available (no FILE)". */
static int put(const char *dir, const char *ctl, const char *file, const char *val,
	       const char *field, struct kerr *err)
{
	if (!cgroup_file_exists(dir, file))
		return kerr_set(err, "%s: %s controller not available (no %s/%s)", field, ctl, dir,
				file);
	if (cgroup_write(dir, file, val, err) < 0)
		return kerr_wrap(err, "%s", field);
	return 0;
}

static int put_i64(const char *dir, const char *ctl, const char *file, int64_t v,
		   const char *field, struct kerr *err)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return put(dir, ctl, file, buf, field, err);
}

static const char *need(const struct cgroup *cg, const char *ctl, const char *field,
			struct kerr *err)
{
	const struct cgroup_hier *h = cgroup_v1_find(cg, ctl);

	if (!h) {
		cgroup_missing(cg, field, ctl, err);
		return NULL;
	}
	return h->path;
}

static int v1_devices(const struct cgroup *cg, const struct spec_device_cgroup *devs,
		      size_t n, struct kerr *err)
{
	const char *dir = need(cg, "devices", "linux.resources.devices", err);

	if (!dir)
		return -1;
	return cgroup_v1_devices_write(dir, devs, n, err);
}

static int v1_memory(const struct cgroup *cg, const struct spec_memory *m, struct kerr *err)
{
	const char *dir;
	int64_t limit = m->limit, swap = m->swap;
	/* 0 is "not set" to runc: writing it would OOM the container at once */
	bool has_limit = m->has_limit && m->limit != 0, has_swap = m->has_swap;

	if (!has_limit && !has_swap && !m->has_reservation && !m->has_swappiness &&
	    !m->has_disable_oom_killer && !m->has_use_hierarchy && !m->has_kernel_tcp)
		return 0;
	dir = need(cg, "memory", "linux.resources.memory", err);
	if (!dir)
		return -1;
	/* unlimited memory with swap unset means unlimited swap too */
	if (has_limit && limit == -1 && (!has_swap || swap == 0)) {
		has_swap = cgroup_file_exists(dir, "memory.memsw.limit_in_bytes");
		swap = -1;
	}
	if (has_limit && has_swap && swap != 0) {
		uint64_t cur = 0;

		/* memsw must stay >= limit at every step: order the writes to suit */
		cgroup_read_u64(dir, "memory.limit_in_bytes", &cur);
		if (swap == -1 || cur < (uint64_t)swap) {
			if (put_i64(dir, "memory", "memory.memsw.limit_in_bytes", swap,
				    "linux.resources.memory.swap", err) < 0 ||
			    put_i64(dir, "memory", "memory.limit_in_bytes", limit,
				    "linux.resources.memory.limit", err) < 0)
				return -1;
		} else if (put_i64(dir, "memory", "memory.limit_in_bytes", limit,
				   "linux.resources.memory.limit", err) < 0 ||
			   put_i64(dir, "memory", "memory.memsw.limit_in_bytes", swap,
				   "linux.resources.memory.swap", err) < 0) {
			return -1;
		}
	} else {
		if (has_limit && put_i64(dir, "memory", "memory.limit_in_bytes", limit,
					 "linux.resources.memory.limit", err) < 0) {
			/* the kernel keeps limit <= memory+swap and just says EINVAL */
			if (err->errnum == EINVAL &&
			    cgroup_file_exists(dir, "memory.memsw.limit_in_bytes")) {
				size_t l = strlen(err->msg);

				snprintf(err->msg + l, sizeof(err->msg) - l,
					 " (is it above the memory+swap limit? set swap too)");
			}
			return -1;
		}
		if (has_swap && swap != 0 &&
		    put_i64(dir, "memory", "memory.memsw.limit_in_bytes", swap,
			    "linux.resources.memory.swap", err) < 0)
			return -1;
	}
	if (m->has_reservation && m->reservation != 0 &&
	    put_i64(dir, "memory", "memory.soft_limit_in_bytes", m->reservation,
		    "linux.resources.memory.reservation", err) < 0)
		return -1;
	if (m->has_swappiness) {
		if (m->swappiness > 100)
			return kerr_set(err, "linux.resources.memory.swappiness: invalid value %" PRIu64
					     " (valid range is 0-100)", m->swappiness);
		if (put_i64(dir, "memory", "memory.swappiness", (int64_t)m->swappiness,
			    "linux.resources.memory.swappiness", err) < 0)
			return -1;
	}
	if (m->has_disable_oom_killer && m->disable_oom_killer &&
	    put(dir, "memory", "memory.oom_control", "1", "linux.resources.memory.disableOOMKiller",
		err) < 0)
		return -1;
	if (m->has_use_hierarchy &&
	    put(dir, "memory", "memory.use_hierarchy", m->use_hierarchy ? "1" : "0",
		"linux.resources.memory.useHierarchy", err) < 0)
		return -1;
	/* v1 still limits TCP buffer memory (only memory.kmem.limit_in_bytes is gone), as crun */
	if (m->has_kernel_tcp && m->kernel_tcp != 0 &&
	    put_i64(dir, "memory", "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp,
		    "linux.resources.memory.kernelTCP", err) < 0)
		return -1;
	return 0;
}

static int v1_cpu(const struct cgroup *cg, const struct spec_cpu *c, struct kerr *err)
{
	const char *dir;

	if (!c->has_shares && !c->has_quota && !c->has_period && !c->has_burst &&
	    !c->has_realtime_runtime && !c->has_realtime_period && !c->has_idle)
		return 0;
	dir = need(cg, "cpu", "linux.resources.cpu", err);
	if (!dir)
		return -1;
	/* rt: the period first, as the runtime is checked against it */
	if (c->has_realtime_period && c->realtime_period &&
	    put_i64(dir, "cpu", "cpu.rt_period_us", (int64_t)c->realtime_period,
		    "linux.resources.cpu.realtimePeriod", err) < 0)
		return -1;
	if (c->has_realtime_runtime && c->realtime_runtime &&
	    put_i64(dir, "cpu", "cpu.rt_runtime_us", c->realtime_runtime,
		    "linux.resources.cpu.realtimeRuntime", err) < 0)
		return -1;
	if (c->has_shares && c->shares &&
	    put_i64(dir, "cpu", "cpu.shares", (int64_t)c->shares, "linux.resources.cpu.shares",
		    err) < 0)
		return -1;
	if (c->has_period && c->period) {
		struct kerr first;

		/* a new period below the current quota is refused: quota first, then again */
		if (put_i64(dir, "cpu", "cpu.cfs_period_us", (int64_t)c->period,
			    "linux.resources.cpu.period", &first) < 0) {
			if (!(c->has_quota && c->quota) || first.errnum != EINVAL) {
				*err = first;
				return -1;
			}
			if (put_i64(dir, "cpu", "cpu.cfs_quota_us", c->quota,
				    "linux.resources.cpu.quota", err) < 0 ||
			    put_i64(dir, "cpu", "cpu.cfs_period_us", (int64_t)c->period,
				    "linux.resources.cpu.period", err) < 0)
				return -1;
		}
	}
	if (c->has_quota && c->quota &&
	    put_i64(dir, "cpu", "cpu.cfs_quota_us", c->quota, "linux.resources.cpu.quota", err) < 0)
		return -1;
	if (c->has_burst && put_i64(dir, "cpu", "cpu.cfs_burst_us", (int64_t)c->burst,
				    "linux.resources.cpu.burst", err) < 0)
		return -1;
	if (c->has_idle && put_i64(dir, "cpu", "cpu.idle", c->idle, "linux.resources.cpu.idle",
				   err) < 0)
		return -1;
	return 0;
}

static int v1_cpuset(const struct cgroup *cg, const struct spec_cpu *c, struct kerr *err)
{
	const char *dir;

	if (!(c->cpus && *c->cpus) && !(c->mems && *c->mems))
		return 0;
	dir = need(cg, "cpuset", "linux.resources.cpu.cpus", err);
	if (!dir)
		return -1;
	if (c->cpus && *c->cpus &&
	    put(dir, "cpuset", "cpuset.cpus", c->cpus, "linux.resources.cpu.cpus", err) < 0)
		return -1;
	if (c->mems && *c->mems &&
	    put(dir, "cpuset", "cpuset.mems", c->mems, "linux.resources.cpu.mems", err) < 0)
		return -1;
	return 0;
}

static int v1_throttle(const char *dir, const struct spec_throttle_list *l, const char *file,
		       const char *name, struct kerr *err)
{
	for (size_t i = 0; i < l->n; i++) {
		char buf[96], field[96];

		snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %" PRIu64, l->v[i].major,
			 l->v[i].minor, l->v[i].rate);
		snprintf(field, sizeof(field), "linux.resources.blockIO.%s[%zu]", name, i);
		if (put(dir, "blkio", file, buf, field, err) < 0)
			return -1;
	}
	return 0;
}

static int v1_blkio(const struct cgroup *cg, const struct spec_blkio *b, struct kerr *err)
{
	const char *dir, *wfile;
	bool bfq;

	if (!b->has_weight && !b->has_leaf_weight && !b->n_weight_device &&
	    !b->throttle_read_bps.n && !b->throttle_write_bps.n && !b->throttle_read_iops.n &&
	    !b->throttle_write_iops.n)
		return 0;
	dir = need(cg, "blkio", "linux.resources.blockIO", err);
	if (!dir)
		return -1;
	/* CFQ is gone from modern kernels; BFQ takes the same weights under its own name */
	bfq = !cgroup_file_exists(dir, "blkio.weight") &&
	      cgroup_file_exists(dir, "blkio.bfq.weight");
	wfile = bfq ? "blkio.bfq.weight" : "blkio.weight";
	if (b->has_weight && b->weight && put_i64(dir, "blkio", wfile, b->weight,
				     "linux.resources.blockIO.weight", err) < 0)
		return -1;
	if (b->has_leaf_weight && b->leaf_weight && put_i64(dir, "blkio", "blkio.leaf_weight", b->leaf_weight,
					  "linux.resources.blockIO.leafWeight", err) < 0)
		return -1;
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct spec_weight_device *w = &b->weight_device[i];
		char buf[96], field[96];

		snprintf(field, sizeof(field), "linux.resources.blockIO.weightDevice[%zu]", i);
		if (w->has_weight) {
			snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %u", w->major, w->minor,
				 w->weight);
			if (put(dir, "blkio", bfq ? "blkio.bfq.weight_device" : "blkio.weight_device",
				buf, field, err) < 0)
				return -1;
		}
		if (w->has_leaf_weight) {
			snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %u", w->major, w->minor,
				 w->leaf_weight);
			if (put(dir, "blkio", "blkio.leaf_weight_device", buf, field, err) < 0)
				return -1;
		}
	}
	if (v1_throttle(dir, &b->throttle_read_bps, "blkio.throttle.read_bps_device",
			"throttleReadBpsDevice", err) < 0 ||
	    v1_throttle(dir, &b->throttle_write_bps, "blkio.throttle.write_bps_device",
			"throttleWriteBpsDevice", err) < 0 ||
	    v1_throttle(dir, &b->throttle_read_iops, "blkio.throttle.read_iops_device",
			"throttleReadIOPSDevice", err) < 0 ||
	    v1_throttle(dir, &b->throttle_write_iops, "blkio.throttle.write_iops_device",
			"throttleWriteIOPSDevice", err) < 0)
		return -1;
	return 0;
}

static int v1_hugetlb(const struct cgroup *cg, const struct spec_resources *r, struct kerr *err)
{
	const char *dir;

	if (!r->n_hugepage_limits)
		return 0;
	if (!cgroup_v1_find(cg, "hugetlb") && cgroup_hybrid_has(cg, "hugetlb"))
		return 0; /* the unified hierarchy has it: cgroup_v2_apply_hybrid */
	dir = need(cg, "hugetlb", "linux.resources.hugepageLimits", err);
	if (!dir)
		return -1;
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		char file[96], field[64];

		snprintf(file, sizeof(file), "hugetlb.%s.limit_in_bytes",
			 r->hugepage_limits[i].page_size);
		snprintf(field, sizeof(field), "linux.resources.hugepageLimits[%zu]", i);
		if (put_i64(dir, "hugetlb", file, (int64_t)r->hugepage_limits[i].limit, field,
			    err) < 0)
			return -1;
	}
	return 0;
}

static int v1_network(const struct cgroup *cg, const struct spec_network *n, struct kerr *err)
{
	const char *dir;

	if (n->has_class_id) {
		dir = need(cg, "net_cls", "linux.resources.network.classID", err);
		if (!dir || put_i64(dir, "net_cls", "net_cls.classid", n->class_id,
				    "linux.resources.network.classID", err) < 0)
			return -1;
	}
	if (n->n_priorities) {
		dir = need(cg, "net_prio", "linux.resources.network.priorities", err);
		if (!dir)
			return -1;
		for (size_t i = 0; i < n->n_priorities; i++) {
			char buf[128], field[64];

			snprintf(buf, sizeof(buf), "%s %u", n->priorities[i].name,
				 n->priorities[i].priority);
			snprintf(field, sizeof(field), "linux.resources.network.priorities[%zu]", i);
			if (put(dir, "net_prio", "net_prio.ifpriomap", buf, field, err) < 0)
				return -1;
		}
	}
	return 0;
}

static int v1_rdma(const struct cgroup *cg, const struct spec_resources *r, struct kerr *err)
{
	const char *dir;

	if (!r->n_rdma)
		return 0;
	if (!cgroup_v1_find(cg, "rdma") && cgroup_hybrid_has(cg, "rdma"))
		return 0;
	dir = need(cg, "rdma", "linux.resources.rdma", err);
	if (!dir)
		return -1;
	for (size_t i = 0; i < r->n_rdma; i++) {
		const struct spec_rdma *d = &r->rdma[i];
		char buf[256], field[64];
		int k;

		if (!d->has_hca_handles && !d->has_hca_objects)
			continue;
		k = snprintf(buf, sizeof(buf), "%s", d->device);
		if (d->has_hca_handles)
			k += snprintf(buf + k, sizeof(buf) - (size_t)k, " hca_handle=%u", d->hca_handles);
		if (d->has_hca_objects)
			snprintf(buf + k, sizeof(buf) - (size_t)k, " hca_object=%u", d->hca_objects);
		snprintf(field, sizeof(field), "linux.resources.rdma.%s", d->device);
		if (put(dir, "rdma", "rdma.max", buf, field, err) < 0)
			return -1;
	}
	return 0;
}

int cgroup_v1_apply(const struct cgroup *cg, const struct spec_resources *r,
		    const struct spec_device_cgroup *devs, size_t n_devs, struct kerr *err)
{
	/* without a devices hierarchy all is allowed anyway: only asked-for rules must fail */
	if (devs && (r->n_devices || cgroup_v1_find(cg, "devices")) &&
	    v1_devices(cg, devs, n_devs, err) < 0)
		return -1;
	if (v1_memory(cg, &r->memory, err) < 0 || v1_cpu(cg, &r->cpu, err) < 0 ||
	    v1_cpuset(cg, &r->cpu, err) < 0 || v1_blkio(cg, &r->blkio, err) < 0 ||
	    v1_hugetlb(cg, r, err) < 0 || v1_network(cg, &r->network, err) < 0 ||
	    v1_rdma(cg, r, err) < 0)
		return -1;
	if (r->has_pids_limit) {
		const char *dir = need(cg, "pids", "linux.resources.pids.limit", err);
		char buf[32];

		if (!dir)
			return -1;
		cgroup_fmt_limit(buf, sizeof(buf), r->pids_limit > 0 ? r->pids_limit : -1);
		if (put(dir, "pids", "pids.max", buf, "linux.resources.pids.limit", err) < 0)
			return -1;
	}
	if (r->unified.n && cg->mode == CGROUP_V1)
		return kerr_set(err, "linux.resources.unified: needs cgroup v2, and this host "
				     "has only cgroup v1 hierarchies");
	return 0;
}
