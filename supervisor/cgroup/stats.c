/* SPDX-License-Identifier: Apache-2.0 */
/* `kura events --stats`: the "data" object of runc's stats event, v1 or v2. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cgroup_internal.h"
#include "util/util.h"

#define USER_HZ 100ULL /* cpuacct.stat counts in clock ticks */

static uint64_t rd(const char *dir, const char *file)
{
	uint64_t v = 0;

	if (cgroup_read_u64(dir, file, &v) < 0 || v == UINT64_MAX)
		return 0;
	return v;
}

/* A value of a "key value" list (memory.stat, cpu.stat, cgroup.events). */
static bool kv_get(const char *text, const char *key, uint64_t *out)
{
	size_t kl = strlen(key);

	for (const char *p = text; p && *p;) {
		if (!strncmp(p, key, kl) && p[kl] == ' ') {
			*out = strtoull(p + kl + 1, NULL, 10);
			return true;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

static uint64_t kv_file(const char *dir, const char *file, const char *key)
{
	struct kerr err;
	_cleanup_free_ char *t = cgroup_read(dir, file, &err);
	uint64_t v = 0;

	if (t)
		kv_get(t, key, &v);
	return v;
}

/*
 * jansson's integers stop at INT64_MAX; a v2 "max" read as UINT64_MAX must
 * still print as runc prints it, 18446744073709551615 (Go's encoding/json
 * cannot read 1.8e+19 into a uint64).  It travels as this string and
 * cgroup_json_dumps() writes the number in its place.
 */
#define U64_MAX_MARK "\x01u64max"
#define U64_MAX_DUMPED "\"\\u0001u64max\""

json_t *cgroup_json_u64(uint64_t v)
{
	return v <= (uint64_t)INT64_MAX ? json_integer((json_int_t)v) : json_string(U64_MAX_MARK);
}

char *cgroup_json_dumps(const json_t *j)
{
	_cleanup_free_ char *s = json_dumps(j, JSON_COMPACT);
	const char *num = "18446744073709551615", *p;
	size_t ml = strlen(U64_MAX_DUMPED), nl = strlen(num), n = 0;
	char *out, *w;

	if (!s || !strstr(s, U64_MAX_DUMPED))
		return take_ptr(s);
	for (p = s; (p = strstr(p, U64_MAX_DUMPED)); p += ml)
		n++;
	out = malloc(strlen(s) + n * nl + 1);
	if (!out)
		return NULL;
	w = out;
	for (p = s;;) {
		const char *at = strstr(p, U64_MAX_DUMPED);

		if (!at) {
			strcpy(w, p);
			break;
		}
		memcpy(w, p, (size_t)(at - p));
		w += at - p;
		memcpy(w, num, nl);
		w += nl;
		p = at + ml;
	}
	return out;
}

static json_t *obj_add(json_t *o, const char *k)
{
	json_t *n = json_object();

	json_object_set_new(o, k, n);
	return n;
}

static json_t *arr_add(json_t *o, const char *k)
{
	json_t *n = json_array();

	json_object_set_new(o, k, n);
	return n;
}

static void add_u64(json_t *o, const char *k, uint64_t v)
{
	json_object_set_new(o, k, cgroup_json_u64(v));
}

static json_t *kv_object(const char *dir, const char *file)
{
	struct kerr err;
	_cleanup_free_ char *t = cgroup_read(dir, file, &err);
	json_t *o = json_object();
	char *save = NULL;

	if (!t || !o)
		return o;
	for (char *l = strtok_r(t, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(l, ' ');

		if (!sp)
			continue;
		*sp = '\0';
		add_u64(o, l, strtoull(sp + 1, NULL, 10));
	}
	return o;
}

static json_t *u64_list(const char *dir, const char *file)
{
	struct kerr err;
	_cleanup_free_ char *t = cgroup_read(dir, file, &err);
	json_t *a = json_array();

	for (char *p = t; p && *p;) {
		char *end;
		unsigned long long v = strtoull(p, &end, 10);

		if (end == p)
			break;
		json_array_append_new(a, cgroup_json_u64(v));
		p = end;
	}
	return a;
}

static void cpu_v1(json_t *data, const struct cgroup *cg)
{
	const struct cgroup_hier *acct = cgroup_v1_find(cg, "cpuacct");
	const struct cgroup_hier *cpu = cgroup_v1_find(cg, "cpu");
	json_t *c = obj_add(data, "cpu"), *u, *t;

	u = obj_add(c, "usage");
	if (acct) {
		add_u64(u, "total", rd(acct->path, "cpuacct.usage"));
		json_object_set_new(u, "percpu", u64_list(acct->path, "cpuacct.usage_percpu"));
		json_object_set_new(u, "percpu_kernel",
				      u64_list(acct->path, "cpuacct.usage_percpu_sys"));
		json_object_set_new(u, "percpu_user",
				      u64_list(acct->path, "cpuacct.usage_percpu_user"));
		add_u64(u, "kernel", kv_file(acct->path, "cpuacct.stat", "system") * (1000000000ULL / USER_HZ));
		add_u64(u, "user", kv_file(acct->path, "cpuacct.stat", "user") * (1000000000ULL / USER_HZ));
	}
	t = obj_add(c, "throttling");
	if (cpu) {
		add_u64(t, "periods", kv_file(cpu->path, "cpu.stat", "nr_periods"));
		add_u64(t, "throttled_periods", kv_file(cpu->path, "cpu.stat", "nr_throttled"));
		add_u64(t, "throttled_time", kv_file(cpu->path, "cpu.stat", "throttled_time"));
	}
}

static void cpu_v2(json_t *data, const char *dir)
{
	json_t *c = obj_add(data, "cpu"), *u, *t;

	u = obj_add(c, "usage");
	add_u64(u, "total", kv_file(dir, "cpu.stat", "usage_usec") * 1000);
	add_u64(u, "kernel", kv_file(dir, "cpu.stat", "system_usec") * 1000);
	add_u64(u, "user", kv_file(dir, "cpu.stat", "user_usec") * 1000);
	t = obj_add(c, "throttling");
	add_u64(t, "periods", kv_file(dir, "cpu.stat", "nr_periods"));
	add_u64(t, "throttled_periods", kv_file(dir, "cpu.stat", "nr_throttled"));
	add_u64(t, "throttled_time", kv_file(dir, "cpu.stat", "throttled_usec") * 1000);
}

static void mem_entry(json_t *m, const char *name, const char *dir, const char *prefix,
		      bool v1)
{
	json_t *e = obj_add(m, name);
	char f[128];
	uint64_t limit;

	if (v1) {
		snprintf(f, sizeof(f), "%s.usage_in_bytes", prefix);
		add_u64(e, "usage", rd(dir, f));
		snprintf(f, sizeof(f), "%s.max_usage_in_bytes", prefix);
		add_u64(e, "max", rd(dir, f));
		snprintf(f, sizeof(f), "%s.failcnt", prefix);
		add_u64(e, "failcnt", rd(dir, f));
		snprintf(f, sizeof(f), "%s.limit_in_bytes", prefix);
		add_u64(e, "limit", rd(dir, f));
		return;
	}
	snprintf(f, sizeof(f), "%s.current", prefix);
	add_u64(e, "usage", rd(dir, f));
	snprintf(f, sizeof(f), "%s.peak", prefix);
	add_u64(e, "max", rd(dir, f));
	snprintf(f, sizeof(f), "%s.events", prefix);
	add_u64(e, "failcnt", kv_file(dir, f, "max"));
	snprintf(f, sizeof(f), "%s.max", prefix);
	/* "max" reads as the largest value, as runc reports an unlimited v2 limit */
	limit = 0;
	if (cgroup_read_u64(dir, f, &limit) < 0)
		limit = 0;
	add_u64(e, "limit", limit);
}

static void memory_stats(json_t *data, const char *dir, bool v1)
{
	json_t *m = obj_add(data, "memory");
	json_t *raw = kv_object(dir, "memory.stat");
	uint64_t cache = 0;
	const json_t *c = json_object_get(raw, v1 ? "total_cache" : "file");

	if (json_is_integer(c))
		cache = (uint64_t)json_integer_value(c);
	add_u64(m, "cache", cache);
	mem_entry(m, "usage", dir, "memory", v1);
	mem_entry(m, "swap", dir, v1 ? "memory.memsw" : "memory.swap", v1);
	if (v1) {
		mem_entry(m, "kernel", dir, "memory.kmem", v1);
		mem_entry(m, "kernelTCP", dir, "memory.kmem.tcp", v1);
		json_object_set_new(m, "use_hierarchy", json_boolean(rd(dir, "memory.use_hierarchy") == 1));
	}
	json_object_set_new(m, "raw", raw);
}

static void pids_stats(json_t *data, const char *dir)
{
	json_t *p = obj_add(data, "pids");
	uint64_t lim = 0;

	add_u64(p, "current", rd(dir, "pids.current"));
	/* runc reports "max" as 0 */
	if (cgroup_read_u64(dir, "pids.max", &lim) < 0 || lim == UINT64_MAX)
		lim = 0;
	add_u64(p, "limit", lim);
}

static void blkio_entry(json_t *a, unsigned maj, unsigned min, const char *op, uint64_t v)
{
	json_t *e = json_object();

	add_u64(e, "major", maj);
	add_u64(e, "minor", min);
	json_object_set_new(e, "op", json_string(op));
	add_u64(e, "value", v);
	json_array_append_new(a, e);
}

/* v1 "8:0 Read 4096" lines */
static json_t *blkio_v1_list(const char *dir, const char *file)
{
	struct kerr err;
	_cleanup_free_ char *t = cgroup_read(dir, file, &err);
	json_t *a = json_array();
	char *save = NULL;

	for (char *l = t ? strtok_r(t, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
		unsigned maj, min;
		char op[32];
		unsigned long long v;

		if (sscanf(l, "%u:%u %31s %llu", &maj, &min, op, &v) == 4)
			blkio_entry(a, maj, min, op, v);
	}
	return a;
}

static void blkio_v2(json_t *data, const char *dir)
{
	struct kerr err;
	_cleanup_free_ char *t = cgroup_read(dir, "io.stat", &err);
	json_t *b = obj_add(data, "blkio");
	json_t *bytes = arr_add(b, "ioServiceBytesRecursive");
	json_t *ios = arr_add(b, "ioServicedRecursive");
	char *save = NULL;

	for (char *l = t ? strtok_r(t, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
		unsigned maj, min;
		char *sp;

		if (sscanf(l, "%u:%u", &maj, &min) != 2 || !(sp = strchr(l, ' ')))
			continue;
		char *save2 = NULL;

		for (char *kv = strtok_r(sp + 1, " ", &save2); kv; kv = strtok_r(NULL, " ", &save2)) {
			char *eq = strchr(kv, '=');
			uint64_t v;

			if (!eq)
				continue;
			*eq = '\0';
			v = strtoull(eq + 1, NULL, 10);
			if (!strcmp(kv, "rbytes"))
				blkio_entry(bytes, maj, min, "Read", v);
			else if (!strcmp(kv, "wbytes"))
				blkio_entry(bytes, maj, min, "Write", v);
			else if (!strcmp(kv, "rios"))
				blkio_entry(ios, maj, min, "Read", v);
			else if (!strcmp(kv, "wios"))
				blkio_entry(ios, maj, min, "Write", v);
		}
	}
}

/* "hugepages-2048kB" -> "2MB", the name the cgroup files use */
static bool page_name(const char *dirent, char *out, size_t len)
{
	unsigned long long kb;

	if (sscanf(dirent, "hugepages-%llukB", &kb) != 1)
		return false;
	if (kb >= 1048576)
		snprintf(out, len, "%lluGB", kb / 1048576);
	else if (kb >= 1024)
		snprintf(out, len, "%lluMB", kb / 1024);
	else
		snprintf(out, len, "%lluKB", kb);
	return true;
}

static void hugetlb_stats(json_t *data, const char *dir, bool v1)
{
	json_t *h = obj_add(data, "hugetlb");
	DIR *d = opendir("/sys/kernel/mm/hugepages");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char name[32], f[96];
		json_t *e;

		if (!page_name(de->d_name, name, sizeof(name)))
			continue;
		e = obj_add(h, name);
		if (v1) {
			snprintf(f, sizeof(f), "hugetlb.%s.usage_in_bytes", name);
			add_u64(e, "usage", rd(dir, f));
			snprintf(f, sizeof(f), "hugetlb.%s.max_usage_in_bytes", name);
			add_u64(e, "max", rd(dir, f));
			snprintf(f, sizeof(f), "hugetlb.%s.failcnt", name);
			add_u64(e, "failcnt", rd(dir, f));
		} else {
			snprintf(f, sizeof(f), "hugetlb.%s.current", name);
			add_u64(e, "usage", rd(dir, f));
			snprintf(f, sizeof(f), "hugetlb.%s.max", name);
			add_u64(e, "max", rd(dir, f));
			snprintf(f, sizeof(f), "hugetlb.%s.events", name);
			add_u64(e, "failcnt", kv_file(dir, f, "max"));
		}
	}
	closedir(d);
}

json_t *cgroup_stats(const struct cgroup *cg, struct kerr *err)
{
	json_t *data = json_object();
	const struct cgroup_hier *u = cgroup_unified(cg), *h;

	if (!data) {
		kerr_errno(err, ENOMEM, "stats");
		return NULL;
	}
	if (cg->mode == CGROUP_V2) {
		/* only the controllers this cgroup has: zeros would read as real numbers */
		cpu_v2(data, u->path);
		if (cgroup_file_exists(u->path, "memory.current"))
			memory_stats(data, u->path, false);
		if (cgroup_file_exists(u->path, "pids.current"))
			pids_stats(data, u->path);
		if (cgroup_file_exists(u->path, "io.stat"))
			blkio_v2(data, u->path);
		if (cgroup_hybrid_has(cg, "hugetlb") || cg->mode == CGROUP_V2)
			hugetlb_stats(data, u->path, false);
		return data;
	}
	cpu_v1(data, cg);
	if ((h = cgroup_v1_find(cg, "memory")))
		memory_stats(data, h->path, true);
	if ((h = cgroup_v1_find(cg, "pids")))
		pids_stats(data, h->path);
	if ((h = cgroup_v1_find(cg, "blkio"))) {
		json_t *b = obj_add(data, "blkio");

		json_object_set_new(b, "ioServiceBytesRecursive",
				      blkio_v1_list(h->path, "blkio.throttle.io_service_bytes_recursive"));
		json_object_set_new(b, "ioServicedRecursive",
				      blkio_v1_list(h->path, "blkio.throttle.io_serviced_recursive"));
	}
	if ((h = cgroup_v1_find(cg, "hugetlb")))
		hugetlb_stats(data, h->path, true);
	else if (u && cgroup_hybrid_has(cg, "hugetlb"))
		hugetlb_stats(data, u->path, false);
	return data;
}

uint64_t cgroup_oom_count(const struct cgroup *cg, bool *under_oom)
{
	const struct cgroup_hier *h;

	*under_oom = false;
	if (cg->mode != CGROUP_V2 && (h = cgroup_v1_find(cg, "memory"))) {
		struct kerr err;
		_cleanup_free_ char *t = cgroup_read(h->path, "memory.oom_control", &err);
		uint64_t v = 0, u = 0;

		if (!t)
			return 0;
		kv_get(t, "oom_kill", &v);
		/* with the OOM killer disabled nothing is killed: the task just waits */
		if (kv_get(t, "under_oom", &u))
			*under_oom = u != 0;
		return v;
	}
	if ((h = cgroup_unified(cg)))
		return kv_file(h->path, "memory.events", "oom_kill");
	return 0;
}

/* Times the memory limit refused a charge (v1 memory.failcnt, v2 events "max"). */
static uint64_t mem_limit_hits(const struct cgroup *cg)
{
	const struct cgroup_hier *h;

	if (cg->mode != CGROUP_V2 && (h = cgroup_v1_find(cg, "memory"))) {
		struct kerr err;
		_cleanup_free_ char *t = cgroup_read(h->path, "memory.failcnt", &err);

		return t ? strtoull(t, NULL, 10) : 0;
	}
	if ((h = cgroup_unified(cg)))
		return kv_file(h->path, "memory.events", "max");
	return 0;
}

void cgroup_oom_explain(const struct cgroup *cg, const struct spec *s, struct kerr *err)
{
	const struct spec_memory *m = s && s->has_linux ? &s->linux_.resources.memory : NULL;
	bool under = false;

	/* a fresh cgroup: any OOM kill in it happened during this create */
	if (!cg)
		return;
	if (cgroup_oom_count(cg, &under) == 0 && !under) {
		/*
		 * Nothing killed, but a charge was refused: the shim's exec (its
		 * new mm is the first charge there) failed with ENOMEM.
		 */
		if (m && m->has_limit && m->limit > 0 && mem_limit_hits(cg) > 0)
			kerr_wrap(err, "the container hit its memory limit during create: "
				       ".linux.resources.memory.limit (%lld bytes) is too small to start it",
				  (long long)m->limit);
		return;
	}
	if (m && m->has_limit && m->limit > 0)
		kerr_wrap(err, "the container was OOM-killed during create: "
			       ".linux.resources.memory.limit (%lld bytes) is too small to start it",
			  (long long)m->limit);
	else
		kerr_wrap(err, "the container was OOM-killed during create");
}
