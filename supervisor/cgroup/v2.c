/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources on cgroup v2, with runc's conversions from the v1-shaped spec. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_internal.h"
#include "util/util.h"

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

static int put_u64(const char *dir, const char *ctl, const char *file, uint64_t v,
		   const char *field, struct kerr *err)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return put(dir, ctl, file, buf, field, err);
}

static int v2_memory(const char *dir, const struct spec_memory *m, struct kerr *err)
{
	int64_t swap = 0;
	char buf[32];

	if (!m->has_limit && !m->has_swap && !m->has_reservation)
		return 0;
	if (cgroup_swap_to_v2(m->has_swap ? m->swap : 0, m->has_limit ? m->limit : 0, &swap,
			      err) < 0)
		return kerr_wrap(err, "linux.resources.memory.swap");
	if (m->has_check_before_update && m->check_before_update && m->has_limit &&
	    m->limit > 0) {
		uint64_t cur;

		if (cgroup_read_u64(dir, "memory.current", &cur) == 0 && (uint64_t)m->limit < cur)
			return kerr_set(err, "linux.resources.memory.limit: %" PRId64
					     " is below the current usage %" PRIu64
					     " (checkBeforeUpdate)", m->limit, cur);
	}
	/* swap first: memory.max may then shrink without pushing pages to a swap now capped */
	if (swap != 0) {
		cgroup_fmt_limit(buf, sizeof(buf), swap);
		if (put(dir, "memory", "memory.swap.max", buf, "linux.resources.memory.swap",
			err) < 0)
			return -1;
	}
	if (m->has_limit && m->limit != 0) {
		cgroup_fmt_limit(buf, sizeof(buf), m->limit);
		if (put(dir, "memory", "memory.max", buf, "linux.resources.memory.limit", err) < 0)
			return -1;
	}
	if (m->has_reservation && m->reservation != 0) {
		cgroup_fmt_limit(buf, sizeof(buf), m->reservation);
		if (put(dir, "memory", "memory.low", buf, "linux.resources.memory.reservation",
			err) < 0)
			return -1;
	}
	return 0;
}

static int v2_cpu(const char *dir, const struct spec_cpu *c, struct kerr *err)
{
	char buf[64];

	if ((c->has_realtime_runtime && c->realtime_runtime) ||
	    (c->has_realtime_period && c->realtime_period))
		return kerr_set(err, "linux.resources.cpu.realtimeRuntime: realtime scheduling "
				     "limits are not supported on cgroup v2");
	if (c->has_idle && put_u64(dir, "cpu", "cpu.idle", (uint64_t)c->idle,
				   "linux.resources.cpu.idle", err) < 0)
		return -1;
	if (c->has_shares && c->shares &&
	    put_u64(dir, "cpu", "cpu.weight", cgroup_cpu_shares_to_weight(c->shares),
		    "linux.resources.cpu.shares", err) < 0)
		return -1;
	if (c->has_burst && put_u64(dir, "cpu", "cpu.max.burst", c->burst,
				    "linux.resources.cpu.burst", err) < 0)
		return -1;
	if (cgroup_fmt_cpu_max(buf, sizeof(buf), c->has_quota, c->quota, c->has_period,
			       c->period) &&
	    put(dir, "cpu", "cpu.max", buf, "linux.resources.cpu.quota", err) < 0)
		return -1;
	if (c->cpus && *c->cpus &&
	    put(dir, "cpuset", "cpuset.cpus", c->cpus, "linux.resources.cpu.cpus", err) < 0)
		return -1;
	if (c->mems && *c->mems &&
	    put(dir, "cpuset", "cpuset.mems", c->mems, "linux.resources.cpu.mems", err) < 0)
		return -1;
	return 0;
}

static int v2_throttle(const char *dir, const struct spec_throttle_list *l, const char *key,
		       const char *name, struct kerr *err)
{
	for (size_t i = 0; i < l->n; i++) {
		char buf[128], field[96];

		snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %s=%" PRIu64, l->v[i].major,
			 l->v[i].minor, key, l->v[i].rate);
		snprintf(field, sizeof(field), "linux.resources.blockIO.%s[%zu]", name, i);
		if (put(dir, "io", "io.max", buf, field, err) < 0)
			return -1;
	}
	return 0;
}

static int v2_io(const char *dir, const struct spec_blkio *b, struct kerr *err)
{
	/* io.bfq.weight takes blkio's own scale; io.weight needs the conversion */
	bool bfq = cgroup_file_exists(dir, "io.bfq.weight");

	if (b->has_weight && b->weight) {
		uint64_t w = bfq ? b->weight : cgroup_blkio_weight_to_io_weight(b->weight);

		if (put_u64(dir, "io", bfq ? "io.bfq.weight" : "io.weight", w,
			    "linux.resources.blockIO.weight", err) < 0)
			return -1;
	}
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct spec_weight_device *wd = &b->weight_device[i];
		char buf[96], field[96];
		uint64_t w;

		if (!wd->has_weight)
			continue;
		w = bfq ? wd->weight : cgroup_blkio_weight_to_io_weight(wd->weight);
		snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %" PRIu64, wd->major, wd->minor,
			 w);
		snprintf(field, sizeof(field), "linux.resources.blockIO.weightDevice[%zu]", i);
		if (put(dir, "io", bfq ? "io.bfq.weight" : "io.weight", buf, field, err) < 0)
			return -1;
	}
	if (v2_throttle(dir, &b->throttle_read_bps, "rbps", "throttleReadBpsDevice", err) < 0 ||
	    v2_throttle(dir, &b->throttle_write_bps, "wbps", "throttleWriteBpsDevice", err) < 0 ||
	    v2_throttle(dir, &b->throttle_read_iops, "riops", "throttleReadIOPSDevice", err) < 0 ||
	    v2_throttle(dir, &b->throttle_write_iops, "wiops", "throttleWriteIOPSDevice", err) < 0)
		return -1;
	return 0;
}

static int v2_hugetlb(const char *dir, const struct spec_resources *r, struct kerr *err)
{
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		char file[96], field[64];

		snprintf(file, sizeof(file), "hugetlb.%s.max", r->hugepage_limits[i].page_size);
		snprintf(field, sizeof(field), "linux.resources.hugepageLimits[%zu]", i);
		if (put_u64(dir, "hugetlb", file, r->hugepage_limits[i].limit, field, err) < 0)
			return -1;
	}
	return 0;
}

static int v2_rdma(const char *dir, const struct spec_resources *r, struct kerr *err)
{
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

/* Unified keys name files in the container's own cgroup, nothing else. */
static int v2_unified(const char *dir, const struct spec_kv_list *u, struct kerr *err)
{
	for (size_t i = 0; i < u->n; i++) {
		const char *k = u->v[i].key, *dot = strchr(k, '.');
		char field[256], ctl[64];

		snprintf(field, sizeof(field), "linux.resources.unified.%s", k);
		if (!dot || dot == k || strchr(k, '/') || !strcmp(k, "cgroup.procs") ||
		    !strcmp(k, "cgroup.threads") || !strcmp(k, "cgroup.subtree_control"))
			return kerr_set(err, "%s: not a settable cgroup v2 file", field);
		snprintf(ctl, sizeof(ctl), "%.*s", (int)(dot - k), k);
		if (put(dir, ctl, k, u->v[i].value ? u->v[i].value : "", field, err) < 0)
			return -1;
	}
	return 0;
}

int cgroup_v2_apply(const char *dir, const struct spec_resources *r,
		    const struct spec_device_cgroup *devs, size_t n_devs, struct kerr *err)
{
	if (r->network.has_class_id || r->network.n_priorities)
		return kerr_set(err, "linux.resources.network: net_cls/net_prio do not exist on "
				     "cgroup v2 (use an eBPF program of your own)");
	if (devs && cgroup_bpf_devices_apply(dir, devs, n_devs, err) < 0)
		return kerr_wrap(err, "linux.resources.devices");
	if (v2_memory(dir, &r->memory, err) < 0 || v2_cpu(dir, &r->cpu, err) < 0 ||
	    v2_io(dir, &r->blkio, err) < 0 || v2_hugetlb(dir, r, err) < 0 ||
	    v2_rdma(dir, r, err) < 0)
		return -1;
	if (r->has_pids_limit) {
		char buf[32];

		cgroup_fmt_limit(buf, sizeof(buf), r->pids_limit > 0 ? r->pids_limit : -1);
		if (put(dir, "pids", "pids.max", buf, "linux.resources.pids.limit", err) < 0)
			return -1;
	}
	/* last: an explicit unified value beats the converted one */
	return v2_unified(dir, &r->unified, err);
}

int cgroup_v2_apply_hybrid(const struct cgroup *cg, const struct spec_resources *r,
			   struct kerr *err)
{
	const struct cgroup_hier *u = cgroup_unified(cg);

	if (!u)
		return 0;
	if (!cgroup_v1_find(cg, "hugetlb") && r->n_hugepage_limits &&
	    v2_hugetlb(u->path, r, err) < 0)
		return -1;
	if (!cgroup_v1_find(cg, "rdma") && r->n_rdma && v2_rdma(u->path, r, err) < 0)
		return -1;
	return v2_unified(u->path, &r->unified, err);
}

void cgroup_v2_needed(const struct spec_resources *r, char *buf, size_t len)
{
	const struct spec_cpu *c = &r->cpu;
	size_t o = 0;

#define ADD(name)                                                                    \
	do {                                                                         \
		int k_ = snprintf(buf + o, len - o, "%s%s", o ? " " : "", name);     \
		if (k_ > 0 && (size_t)k_ < len - o)                                  \
			o += (size_t)k_;                                             \
	} while (0)
	buf[0] = '\0';
	if (r->memory.has_limit || r->memory.has_swap || r->memory.has_reservation)
		ADD("memory");
	if (c->has_shares || c->has_quota || c->has_period || c->has_burst || c->has_idle)
		ADD("cpu");
	if ((c->cpus && *c->cpus) || (c->mems && *c->mems))
		ADD("cpuset");
	if (r->blkio.has_weight || r->blkio.n_weight_device || r->blkio.throttle_read_bps.n ||
	    r->blkio.throttle_write_bps.n || r->blkio.throttle_read_iops.n ||
	    r->blkio.throttle_write_iops.n)
		ADD("io");
	if (r->n_hugepage_limits)
		ADD("hugetlb");
	if (r->has_pids_limit)
		ADD("pids");
	if (r->n_rdma)
		ADD("rdma");
	for (size_t i = 0; i < r->unified.n; i++) {
		const char *k = r->unified.v[i].key, *dot = strchr(k, '.');
		char ctl[64];

		if (!dot || !strncmp(k, "cgroup.", 7))
			continue;
		snprintf(ctl, sizeof(ctl), "%.*s", (int)(dot - k), k);
		if (!strstr(buf, ctl))
			ADD(ctl);
	}
#undef ADD
}

bool cgroup_resources_limit(const struct spec_resources *r)
{
	char wanted[256];

	if (!r)
		return false;
	cgroup_v2_needed(r, wanted, sizeof(wanted));
	return wanted[0] || r->network.has_class_id || r->network.n_priorities ||
	       r->memory.has_swappiness || r->memory.has_disable_oom_killer;
}
