/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cgroup module without touching the host's cgroups: value conversions,
 * mountinfo and cgroupsPath resolution, and the control-file writes of v1 and
 * v2 against a temporary directory standing in for /sys/fs/cgroup (this host
 * has no v2 memory/cpu/io/pids controllers to write for real).  The device
 * filter is built and, as root, loaded through the real verifier.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <jansson.h>
#include <linux/bpf.h>

#include "cgroup/cgroup_internal.h"
#include "tmpdir.h"

TMPDIR_FIXTURE("cgroup")

/* An empty control file, as cgroupfs would show it. */

static char *slurp(const char *dir, const char *file)
{
	struct kerr err;
	char *s = cgroup_read(dir, file, &err);

	assert_non_null(s);
	return s;
}

#define assert_file(dir, file, want)                \
	do {                                        \
		char *s_ = slurp(dir, file);        \
		assert_string_equal(s_, want);      \
		free(s_);                           \
	} while (0)

/* ---- conversions ---- */

static void test_shares_to_weight(void **state)
{
	(void)state;
	assert_int_equal(cgroup_cpu_shares_to_weight(0), 0);
	assert_int_equal(cgroup_cpu_shares_to_weight(2), 1);
	assert_int_equal(cgroup_cpu_shares_to_weight(1024), 39);
	assert_int_equal(cgroup_cpu_shares_to_weight(262144), 10000);
}

static void test_blkio_to_io_weight(void **state)
{
	(void)state;
	assert_int_equal(cgroup_blkio_weight_to_io_weight(10), 1);
	assert_int_equal(cgroup_blkio_weight_to_io_weight(500), 4950);
	assert_int_equal(cgroup_blkio_weight_to_io_weight(1000), 10000);
}

static void test_swap_to_v2(void **state)
{
	struct kerr err;
	int64_t out = 7;

	(void)state;
	assert_int_equal(cgroup_swap_to_v2(200, 100, &out, &err), 0);
	assert_int_equal(out, 100);
	assert_int_equal(cgroup_swap_to_v2(0, -1, &out, &err), 0);
	assert_int_equal(out, -1);
	assert_int_equal(cgroup_swap_to_v2(-1, 100, &out, &err), 0);
	assert_int_equal(out, -1);
	assert_int_equal(cgroup_swap_to_v2(0, 100, &out, &err), 0);
	assert_int_equal(out, 0);
	assert_int_equal(cgroup_swap_to_v2(50, 100, &out, &err), -1);
	assert_non_null(strstr(err.msg, ">= memory limit"));
	assert_int_equal(cgroup_swap_to_v2(50, 0, &out, &err), -1);
	assert_non_null(strstr(err.msg, "without memory limit"));
}

static void test_cpu_max(void **state)
{
	char b[64];

	(void)state;
	assert_true(cgroup_fmt_cpu_max(b, sizeof(b), true, 50000, true, 100000));
	assert_string_equal(b, "50000 100000");
	assert_true(cgroup_fmt_cpu_max(b, sizeof(b), true, -1, true, 100000));
	assert_string_equal(b, "max 100000");
	assert_true(cgroup_fmt_cpu_max(b, sizeof(b), true, 20000, false, 0));
	assert_string_equal(b, "20000");
	assert_false(cgroup_fmt_cpu_max(b, sizeof(b), false, 0, false, 0));
}

static void test_sizes(void **state)
{
	int64_t v;

	(void)state;
	assert_int_equal(cgroup_size_parse("100m", &v), 0);
	assert_int_equal(v, 100LL << 20);
	assert_int_equal(cgroup_size_parse("1G", &v), 0);
	assert_int_equal(v, 1LL << 30);
	assert_int_equal(cgroup_size_parse("512kb", &v), 0);
	assert_int_equal(v, 512LL << 10);
	assert_int_equal(cgroup_size_parse("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(cgroup_size_parse("-1", &v), 0);
	assert_int_equal(v, -1);
	assert_int_equal(cgroup_size_parse("10x", &v), -1);
	assert_int_equal(cgroup_size_parse("", &v), -1);
	assert_int_equal(cgroup_size_parse("-5", &v), -1);
	assert_int_equal(cgroup_page_size_parse("2MB"), 2u << 20);
	assert_int_equal(cgroup_page_size_parse("1GB"), 1u << 30);
	assert_int_equal(cgroup_page_size_parse("2M"), 0);
}

static void test_device_rule_format(void **state)
{
	char b[64];
	struct spec_device_cgroup all = { .allow = false, .access = "rwm" };
	struct spec_device_cgroup null = { .allow = true, .type = 'c', .has_major = true, .major = 1,
					   .has_minor = true, .minor = 3, .access = "rw" };
	struct spec_device_cgroup pts = { .allow = true, .type = 'c', .has_major = true,
					  .major = 136, .has_minor = true, .minor = -1 };

	(void)state;
	cgroup_fmt_device_rule(b, sizeof(b), &all);
	assert_string_equal(b, "a *:* rwm");
	cgroup_fmt_device_rule(b, sizeof(b), &null);
	assert_string_equal(b, "c 1:3 rw");
	cgroup_fmt_device_rule(b, sizeof(b), &pts);
	assert_string_equal(b, "c 136:* rwm");
}

/* ---- paths ---- */

static void test_clean_path(void **state)
{
	const char *cases[][2] = {
		{ "a/../../b", "b" },    { "/a/./b/../c", "/a/c" }, { "../..", "" },
		{ "/../x", "/x" },       { "//a//b/", "/a/b" },     { "kura/c1", "kura/c1" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *c = cgroup_clean_path(cases[i][0]);

		assert_string_equal(c, cases[i][1]);
		free(c);
	}
}

static const char hybrid_mi[] =
	"30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"32 30 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpuacct,cpu\n"
	"34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	"39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
	"41 30 0:38 / /sys/fs/cgroup/misc\\040dir rw,relatime - cgroup cgroup rw,name=other\n"
	"40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

static const char hybrid_self[] =
	"9:name=systemd:/\n4:memory:/process_api/abc\n2:cpu,cpuacct:/\n1:cpu:/x\n0::/user.slice/s1\n";

static void test_mounts_hybrid(void **state)
{
	struct cgroup_mount *m = NULL;
	size_t n = 0;
	struct kerr err;

	(void)state;
	assert_int_equal(cgroup_mounts_parse(hybrid_mi, &m, &n, &err), 0);
	/* the named hierarchy that is not systemd's is left out */
	assert_int_equal(n, 5);
	assert_string_equal(m[1].controllers, "cpuacct,cpu");
	assert_string_equal(m[1].mount, "/sys/fs/cgroup/cpu,cpuacct");
	assert_string_equal(m[3].controllers, "name=systemd");
	assert_string_equal(m[4].controllers, "");
	assert_int_equal(cgroup_mode_of(m, n), CGROUP_HYBRID);
	cgroup_mounts_free(m, n);
}

/* In `unshare -m` with unified bound over /sys/fs/cgroup, the v1 mounts are hidden. */
static void test_mounts_shadowed_v2(void **state)
{
	char mi[2048];
	struct cgroup_mount *m = NULL;
	size_t n = 0;
	struct kerr err;

	(void)state;
	snprintf(mi, sizeof(mi), "%s%s", hybrid_mi,
		 "90 30 0:37 / /sys/fs/cgroup rw,relatime - cgroup2 cgroup2 rw\n");
	assert_int_equal(cgroup_mounts_parse(mi, &m, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(m[0].mount, "/sys/fs/cgroup");
	assert_int_equal(cgroup_mode_of(m, n), CGROUP_V2);
	cgroup_mounts_free(m, n);
}

static void test_proc_path(void **state)
{
	char *p;

	(void)state;
	p = cgroup_proc_path(hybrid_self, "memory");
	assert_string_equal(p, "/process_api/abc");
	free(p);
	/* order of co-mounted controllers does not matter */
	p = cgroup_proc_path(hybrid_self, "cpuacct,cpu");
	assert_string_equal(p, "/");
	free(p);
	p = cgroup_proc_path(hybrid_self, "cpu");
	assert_string_equal(p, "/x");
	free(p);
	p = cgroup_proc_path(hybrid_self, "");
	assert_string_equal(p, "/user.slice/s1");
	free(p);
	assert_null(cgroup_proc_path(hybrid_self, "pids"));
}

static const struct cgroup_hier *hier(const struct cgroup *cg, const char *ctl)
{
	for (size_t i = 0; i < cg->n; i++)
		if (!strcmp(cg->h[i].controllers, ctl))
			return &cg->h[i];
	fail_msg("no hierarchy %s", ctl);
	return NULL;
}

static void test_layout_relative(void **state)
{
	struct cgroup *cg = NULL;
	struct kerr err;
	char *inner = cgroup_inner_path(NULL, "c1");

	(void)state;
	assert_string_equal(inner, "c1");
	assert_int_equal(cgroup_layout(hybrid_mi, hybrid_self, inner, &cg, &err), 0);
	assert_int_equal(cg->mode, CGROUP_HYBRID);
	/* v1: under kura's own cgroup */
	assert_string_equal(hier(cg, "memory")->path, "/sys/fs/cgroup/memory/process_api/abc/c1");
	assert_string_equal(hier(cg, "cpu")->path, "/sys/fs/cgroup/cpu/x/c1");
	assert_string_equal(hier(cg, "name=systemd")->path, "/sys/fs/cgroup/systemd/c1");
	/* v2: under its parent, which has no processes of its own */
	assert_string_equal(hier(cg, "")->path, "/sys/fs/cgroup/unified/user.slice/c1");
	cgroup_free(cg);
	free(inner);
}

static void test_layout_absolute(void **state)
{
	struct cgroup *cg = NULL;
	struct kerr err;
	char *inner = cgroup_inner_path("/kura/../pod1/./c1", "ignored");

	(void)state;
	assert_string_equal(inner, "/pod1/c1");
	assert_int_equal(cgroup_layout(hybrid_mi, hybrid_self, inner, &cg, &err), 0);
	assert_string_equal(hier(cg, "memory")->path, "/sys/fs/cgroup/memory/pod1/c1");
	assert_string_equal(hier(cg, "")->path, "/sys/fs/cgroup/unified/pod1/c1");
	cgroup_free(cg);
	free(inner);
	assert_int_equal(cgroup_layout(hybrid_mi, hybrid_self, "/", &cg, &err), -1);
	assert_non_null(strstr(err.msg, "root cgroup"));
}

/*
 * A process outside the cgroup namespace's root reads "0::/../../x": the
 * container's cgroup must still be inside the hierarchy (fuzz_cgroup).
 */
static void test_layout_outside_ns_root(void **state)
{
	static const char mi[] =
		"30 25 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
	struct cgroup *cg = NULL;
	struct kerr err;

	(void)state;
	assert_int_equal(cgroup_layout(mi, "0::/../../other/me\n", "c1", &cg, &err), 0);
	assert_string_equal(cg->h[0].path, "/sys/fs/cgroup/other/c1");
	cgroup_free(cg);
	assert_int_equal(cgroup_layout(mi, "0::/../../../../..\n", "c1", &cg, &err), 0);
	assert_string_equal(cg->h[0].path, "/sys/fs/cgroup/c1");
	cgroup_free(cg);
}

/* ---- v2 writes into a fake cgroup dir ---- */

static void test_v2_writes(void **state)
{
	static const char *const files[] = {
		"memory.max", "memory.swap.max", "memory.low", "cpu.weight", "cpu.max",
		"cpu.max.burst", "cpu.idle", "cpuset.cpus", "cpuset.mems", "io.weight",
		"io.max", "pids.max", "hugetlb.2MB.max", "memory.current",
	};
	struct spec_hugepage_limit hl = { .page_size = "2MB", .limit = 4194304 };
	struct spec_throttle_device td = { .major = 8, .minor = 0, .rate = 1048576 };
	struct spec_kv kv = { .key = "memory.high", .value = "90000000" };
	struct spec_resources r = { 0 };
	struct kerr err;

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		tmp_touch(tmp, files[i]);
	tmp_touch(tmp, "memory.high");
	r.memory.has_limit = true;
	r.memory.limit = 100 << 20;
	r.memory.has_swap = true;
	r.memory.swap = 300 << 20;
	r.memory.has_reservation = true;
	r.memory.reservation = 50 << 20;
	r.cpu.has_shares = true;
	r.cpu.shares = 1024;
	r.cpu.has_quota = true;
	r.cpu.quota = 50000;
	r.cpu.has_period = true;
	r.cpu.period = 100000;
	r.cpu.has_burst = true;
	r.cpu.burst = 1000;
	r.cpu.cpus = "0-1";
	r.cpu.mems = "0";
	r.blkio.has_weight = true;
	r.blkio.weight = 500;
	r.blkio.throttle_read_bps.v = &td;
	r.blkio.throttle_read_bps.n = 1;
	r.has_pids_limit = true;
	r.pids_limit = 0; /* unlimited */
	r.hugepage_limits = &hl;
	r.n_hugepage_limits = 1;
	r.unified.v = &kv;
	r.unified.n = 1;
	assert_int_equal(cgroup_v2_apply(tmp, &r, NULL, 0, &err), 0);
	assert_file(tmp, "memory.max", "104857600");
	assert_file(tmp, "memory.swap.max", "209715200");
	assert_file(tmp, "memory.low", "52428800");
	assert_file(tmp, "cpu.weight", "39");
	assert_file(tmp, "cpu.max", "50000 100000");
	assert_file(tmp, "cpu.max.burst", "1000");
	assert_file(tmp, "cpuset.cpus", "0-1");
	assert_file(tmp, "io.weight", "4950");
	assert_file(tmp, "io.max", "8:0 rbps=1048576");
	assert_file(tmp, "pids.max", "max");
	assert_file(tmp, "hugetlb.2MB.max", "4194304");
	assert_file(tmp, "memory.high", "90000000");
}

static void test_v2_errors(void **state)
{
	struct spec_resources r = { 0 };
	struct spec_kv bad = { .key = "../cgroup.procs", .value = "1" };
	struct kerr err;

	(void)state;
	/* no pids.max in the dir: the controller is missing */
	r.has_pids_limit = true;
	r.pids_limit = 10;
	assert_int_equal(cgroup_v2_apply(tmp, &r, NULL, 0, &err), -1);
	assert_non_null(strstr(err.msg, "linux.resources.pids.limit: pids controller not available"));
	assert_non_null(strstr(err.msg, "/pids.max)"));
	memset(&r, 0, sizeof(r));
	r.network.has_class_id = true;
	r.network.class_id = 1;
	assert_int_equal(cgroup_v2_apply(tmp, &r, NULL, 0, &err), -1);
	assert_non_null(strstr(err.msg, "linux.resources.network"));
	memset(&r, 0, sizeof(r));
	r.unified.v = &bad;
	r.unified.n = 1;
	assert_int_equal(cgroup_v2_apply(tmp, &r, NULL, 0, &err), -1);
	assert_non_null(strstr(err.msg, "not a settable"));
	memset(&r, 0, sizeof(r));
	r.cpu.has_realtime_runtime = true;
	r.cpu.realtime_runtime = 1000;
	assert_int_equal(cgroup_v2_apply(tmp, &r, NULL, 0, &err), -1);
	assert_non_null(strstr(err.msg, "realtimeRuntime"));
}

static void test_v2_check_before_update(void **state)
{
	struct spec_resources r = { 0 };
	struct kerr err;
	int fd;

	(void)state;
	tmp_touch(tmp, "memory.max");
	fd = open(strcat(strcpy((char[512]){ 0 }, tmp), "/memory.current"),
		  O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "5000000\n", 8), 8);
	close(fd);
	r.memory.has_limit = true;
	r.memory.limit = 1000000;
	r.memory.has_check_before_update = true;
	r.memory.check_before_update = true;
	assert_int_equal(cgroup_v2_apply(tmp, &r, NULL, 0, &err), -1);
	assert_non_null(strstr(err.msg, "below the current usage"));
}

/* ---- v1 writes into fake hierarchies ---- */

static struct cgroup *fake_v1(const char *const *ctls, size_t n)
{
	struct cgroup *cg = calloc(1, sizeof(*cg));

	cg->mode = CGROUP_V1;
	cg->inner = strdup("c1");
	cg->h = calloc(n, sizeof(*cg->h));
	for (size_t i = 0; i < n; i++) {
		char p[512];

		snprintf(p, sizeof(p), "%s/%s", tmp, ctls[i]);
		mkdir(p, 0755);
		cg->h[i].controllers = strdup(ctls[i]);
		cg->h[i].mount = strdup(p);
		strcat(p, "/c1");
		mkdir(p, 0755);
		cg->h[i].path = strdup(p);
		cg->n++;
	}
	return cg;
}

static void test_v1_writes(void **state)
{
	static const char *const ctls[] = { "memory", "cpu", "pids", "devices" };
	struct cgroup *cg = fake_v1(ctls, 4);
	struct spec_resources r = { 0 };
	struct spec_device_cgroup rules[] = {
		{ .allow = false, .access = "rwm" },
		{ .allow = true, .type = 'c', .has_major = true, .major = 1, .has_minor = true,
		  .minor = 3, .access = "rw" },
	};
	const char *mem = cg->h[0].path, *cpu = cg->h[1].path, *pids = cg->h[2].path,
		   *dev = cg->h[3].path;
	struct kerr err;

	(void)state;
	tmp_touch(mem, "memory.limit_in_bytes");
	tmp_touch(mem, "memory.memsw.limit_in_bytes");
	tmp_touch(mem, "memory.soft_limit_in_bytes");
	tmp_touch(mem, "memory.swappiness");
	tmp_touch(cpu, "cpu.shares");
	tmp_touch(cpu, "cpu.cfs_period_us");
	tmp_touch(cpu, "cpu.cfs_quota_us");
	tmp_touch(pids, "pids.max");
	tmp_touch(dev, "devices.allow");
	tmp_touch(dev, "devices.deny");
	r.memory.has_limit = true;
	r.memory.limit = 100 << 20;
	r.memory.has_swap = true;
	r.memory.swap = 200 << 20;
	r.memory.has_reservation = true;
	r.memory.reservation = 1 << 20;
	r.memory.has_swappiness = true;
	r.memory.swappiness = 10;
	r.cpu.has_shares = true;
	r.cpu.shares = 512;
	r.cpu.has_quota = true;
	r.cpu.quota = 20000;
	r.cpu.has_period = true;
	r.cpu.period = 100000;
	r.has_pids_limit = true;
	r.pids_limit = 42;
	assert_int_equal(cgroup_v1_apply(cg, &r, rules, 2, &err), 0);
	assert_file(mem, "memory.limit_in_bytes", "104857600");
	assert_file(mem, "memory.memsw.limit_in_bytes", "209715200");
	assert_file(mem, "memory.soft_limit_in_bytes", "1048576");
	assert_file(mem, "memory.swappiness", "10");
	assert_file(cpu, "cpu.shares", "512");
	assert_file(cpu, "cpu.cfs_quota_us", "20000");
	assert_file(cpu, "cpu.cfs_period_us", "100000");
	assert_file(pids, "pids.max", "42");
	/*
	 * one fd per file, each rule one write (a regular file keeps them all):
	 * deny-all once (the spec's own deny-all repeats it), then the allow
	 */
	assert_file(dev, "devices.deny", "a");
	assert_file(dev, "devices.allow", "c 1:3 rw");

	/* a controller this host lacks: the field and the missing path are named */
	memset(&r, 0, sizeof(r));
	r.network.has_class_id = true;
	r.network.class_id = 0x100001;
	assert_int_equal(cgroup_v1_apply(cg, &r, NULL, 0, &err), -1);
	assert_non_null(strstr(err.msg, "linux.resources.network.classID: net_cls controller not "
					"available (no "));
	assert_non_null(strstr(err.msg, "/net_cls)"));
	memset(&r, 0, sizeof(r));
	r.memory.has_swappiness = true;
	r.memory.swappiness = 101;
	assert_int_equal(cgroup_v1_apply(cg, &r, NULL, 0, &err), -1);
	assert_non_null(strstr(err.msg, "swappiness"));
	memset(&r, 0, sizeof(r));
	r.unified.v = &(struct spec_kv){ .key = "memory.high", .value = "1" };
	r.unified.n = 1;
	assert_int_equal(cgroup_v1_apply(cg, &r, NULL, 0, &err), -1);
	assert_non_null(strstr(err.msg, "linux.resources.unified: needs cgroup v2"));
	cgroup_free(cg);
}

/* ---- what kura made, and only that, goes ---- */

static void test_destroy_only_made(void **state)
{
	static const char *const ctls[] = { "pids" };
	struct cgroup *cg = fake_v1(ctls, 1);
	char parent[512], leaf[512];
	struct kerr err;
	json_t *j;
	struct cgroup *back = NULL;

	(void)state;
	/* pids/c1 existed before; kura made c1/k and c1/k/leaf */
	snprintf(parent, sizeof(parent), "%s/k", cg->h[0].path);
	snprintf(leaf, sizeof(leaf), "%s/leaf", parent);
	assert_int_equal(mkdir(parent, 0755), 0);
	assert_int_equal(mkdir(leaf, 0755), 0);
	free(cg->h[0].path);
	cg->h[0].path = strdup(leaf);
	cg->h[0].made = calloc(2, sizeof(char *));
	cg->h[0].made[0] = strdup(parent);
	cg->h[0].made[1] = strdup(leaf);
	cg->h[0].n_made = 2;

	/* through state.json and back, as `kura delete` sees it */
	j = cgroup_to_json(cg);
	assert_int_equal(cgroup_from_json(j, &back, &err), 0);
	json_decref(j);
	assert_int_equal(back->h[0].n_made, 2);
	/* a cgroup the container made inside its own goes with it */
	assert_int_equal(mkdir(strcat(strcpy((char[512]){ 0 }, leaf), "/nested"), 0755), 0);
	assert_int_equal(mkdir(strcat(strcpy((char[512]){ 0 }, leaf), "/nested/deeper"), 0755), 0);
	assert_int_equal(cgroup_destroy(back, &err), 0);
	assert_int_equal(access(leaf, F_OK), -1);
	assert_int_equal(access(parent, F_OK), -1);
	/* the pre-existing one stays */
	assert_int_equal(access(cg->h[0].mount, F_OK), 0);
	assert_int_equal(access(strcat(strcpy((char[512]){ 0 }, cg->h[0].mount), "/c1"), F_OK), 0);
	/* a second destroy has nothing left to do */
	assert_int_equal(cgroup_destroy(back, &err), 0);
	cgroup_free(back);
	cgroup_free(cg);
}

/* cgroup_create against hierarchies "mounted" in a tmp dir */
static void test_create_nested_and_destroy(void **state)
{
	char mi[1024], d[512];
	struct spec s;
	struct cgroup *cg = NULL;
	struct kerr err;

	(void)state;
	snprintf(mi, sizeof(mi),
		 "31 30 0:28 / %s/pids rw - cgroup cgroup rw,pids\n"
		 "40 30 0:37 / %s/unified rw - cgroup2 cgroup2 rw\n", tmp, tmp);
	snprintf(d, sizeof(d), "%s/pids", tmp);
	assert_int_equal(mkdir(d, 0755), 0);
	snprintf(d, sizeof(d), "%s/unified", tmp);
	assert_int_equal(mkdir(d, 0755), 0);
	/* pids/pre is someone else's */
	snprintf(d, sizeof(d), "%s/pids/pre", tmp);
	assert_int_equal(mkdir(d, 0755), 0);
	memset(&s, 0, sizeof(s));
	s.has_linux = true;
	s.linux_.cgroups_path = "/pre/kura/c1";

	/* a limit with no file to take it: create fails and takes back what it made */
	s.linux_.resources.has_pids_limit = true;
	s.linux_.resources.pids_limit = 5;
	assert_int_equal(cgroup_create_from(&s, "c1", mi, "8:pids:/\n0::/\n", &cg, &err), -1);
	assert_non_null(strstr(err.msg, "linux.resources.pids.limit: pids controller not available"));
	assert_int_equal(access(d, F_OK), 0);
	snprintf(d, sizeof(d), "%s/pids/pre/kura", tmp);
	assert_int_equal(access(d, F_OK), -1);
	snprintf(d, sizeof(d), "%s/unified/pre", tmp);
	assert_int_equal(access(d, F_OK), -1);

	s.linux_.resources.has_pids_limit = false;
	assert_int_equal(cgroup_create_from(&s, "c1", mi, "8:pids:/\n0::/\n", &cg, &err), 0);
	assert_int_equal(cg->mode, CGROUP_HYBRID);
	assert_int_equal(cg->n, 2);
	assert_int_equal(cg->h[0].n_made, 2); /* pre/kura, pre/kura/c1 */
	assert_int_equal(cg->h[1].n_made, 3); /* pre, pre/kura, pre/kura/c1 */
	snprintf(d, sizeof(d), "%s/pids/pre/kura/c1", tmp);
	assert_string_equal(cg->h[0].path, d);
	assert_int_equal(access(d, F_OK), 0);
	{
		/* hybrid: the v1 tasks file to write "0" to, and the v2 dir for clone3 */
		struct cgroup_entry e;
		char t[600];

		snprintf(t, sizeof(t), "%s/tasks", d);
		assert_int_equal(cgroup_entry_open(cg, &e, &err), -1); /* no tasks file yet */
		assert_non_null(strstr(err.msg, "join cgroup: open "));
		assert_int_equal(e.n, 0);
		assert_int_equal(e.v2_fd, -1);
		close(open(t, O_WRONLY | O_CREAT, 0644));
		assert_int_equal(cgroup_entry_open(cg, &e, &err), 0);
		assert_true(e.self);
		assert_int_equal(e.n, 1);
		assert_string_equal(e.dirs[0], d);
		assert_int_equal(write(e.tasks[0], "0", 1), 1);
		assert_true(e.v2_fd >= 0);
		cgroup_entry_close(&e);
		assert_int_equal(e.v2_fd, -1);
		assert_int_equal(unlink(t), 0);
	}
	assert_int_equal(cgroup_destroy(cg, &err), 0);
	assert_int_equal(access(d, F_OK), -1);
	snprintf(d, sizeof(d), "%s/pids/pre", tmp);
	assert_int_equal(access(d, F_OK), 0);
	snprintf(d, sizeof(d), "%s/unified/pre", tmp);
	assert_int_equal(access(d, F_OK), -1);
	cgroup_free(cg);
}

/* a leftover of the container's own cgroup is recorded as the container's, never joined silently */
static void test_create_records_leftover_leaf(void **state)
{
	char mi[512], d[512];
	struct spec s;
	struct cgroup *cg = NULL;
	struct kerr err;

	(void)state;
	snprintf(mi, sizeof(mi), "31 30 0:28 / %s/pids rw - cgroup cgroup rw,pids\n", tmp);
	snprintf(d, sizeof(d), "%s/pids", tmp);
	assert_int_equal(mkdir(d, 0755), 0);
	snprintf(d, sizeof(d), "%s/pids/c2", tmp);
	assert_int_equal(mkdir(d, 0755), 0);
	memset(&s, 0, sizeof(s));
	s.has_linux = true;
	assert_int_equal(cgroup_create_from(&s, "c2", mi, "8:pids:/\n", &cg, &err), 0);
	assert_int_equal(cg->h[0].n_made, 1);
	assert_string_equal(cg->h[0].made[0], d);
	assert_int_equal(cgroup_destroy(cg, &err), 0);
	assert_int_equal(access(d, F_OK), -1);
	cgroup_free(cg);
}

static void test_from_json_rejects_foreign_dirs(void **state)
{
	const char *bad[] = {
		"{\"mode\":\"v1\",\"path\":\"c\",\"hierarchies\":[{\"controllers\":\"pids\","
		"\"mount\":\"/sys/fs/cgroup/pids\",\"path\":\"/sys/fs/cgroup/pids/c\","
		"\"made\":[\"/etc\"]}]}",
		"{\"mode\":\"v1\",\"path\":\"c\",\"hierarchies\":[{\"controllers\":\"pids\","
		"\"mount\":\"/sys/fs/cgroup/pids\",\"path\":\"/sys/fs/cgroup/pids/c\","
		"\"made\":[\"/sys/fs/cgroup/pids/../../../etc\"]}]}",
		"{\"mode\":\"v1\"}",
	};
	struct kerr err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *j = json_loads(bad[i], 0, NULL);
		struct cgroup *cg = NULL;

		assert_non_null(j);
		assert_int_equal(cgroup_from_json(j, &cg, &err), -1);
		assert_null(cg);
		json_decref(j);
	}
}

static void test_stats_u64_max(void **state)
{
	json_t *o = json_object();
	char *text;

	(void)state;
	/* runc prints v2's "max" as the full uint64, never as a real */
	json_object_set_new(o, "limit", cgroup_json_u64(UINT64_MAX));
	json_object_set_new(o, "usage", cgroup_json_u64(4096));
	json_object_set_new(o, "big", cgroup_json_u64((uint64_t)INT64_MAX));
	json_object_set_new(o, "text", json_string("u64max"));
	text = cgroup_json_dumps(o);
	assert_string_equal(text, "{\"limit\":18446744073709551615,\"usage\":4096,"
				  "\"big\":9223372036854775807,\"text\":\"u64max\"}");
	free(text);
	json_decref(o);
}

static void test_resources_warning(void **state)
{
	struct spec_resources r = { 0 };
	char w[512];

	(void)state;
	assert_false(cgroup_resources_warning(CGROUP_V2, &r, w, sizeof(w)));
	r.memory.has_swappiness = true;
	r.memory.swappiness = 10;
	/* v1 has memory.swappiness: nothing to say */
	assert_false(cgroup_resources_warning(CGROUP_V1, &r, w, sizeof(w)));
	assert_false(cgroup_resources_warning(CGROUP_HYBRID, &r, w, sizeof(w)));
	assert_true(cgroup_resources_warning(CGROUP_V2, &r, w, sizeof(w)));
	assert_string_equal(w, "linux.resources.memory.swappiness ignored: cgroup v2 has no "
			       "file for them");
	r.memory.has_disable_oom_killer = r.memory.disable_oom_killer = true;
	r.blkio.has_leaf_weight = true;
	r.memory.has_kernel = true;
	assert_true(cgroup_resources_warning(CGROUP_V2, &r, w, sizeof(w)));
	assert_string_equal(w, "linux.resources.memory.kernel is ignored: the "
			       "kernel no longer supports kernel memory limits; "
			       "linux.resources.memory.swappiness linux.resources.memory."
			       "disableOOMKiller linux.resources.blockIO.leafWeight ignored: "
			       "cgroup v2 has no file for them");
	assert_true(cgroup_resources_warning(CGROUP_V1, &r, w, sizeof(w)));
	assert_null(strstr(w, "swappiness"));
	/* v1 writes kernelTCP (memory.kmem.tcp.limit_in_bytes): only v2 drops it */
	r.memory.has_kernel_tcp = true;
	assert_true(cgroup_resources_warning(CGROUP_V1, &r, w, sizeof(w)));
	assert_string_equal(w, "linux.resources.memory.kernel is ignored: the kernel no longer "
			       "supports kernel memory limits");
	r.memory.has_kernel = false;
	assert_false(cgroup_resources_warning(CGROUP_HYBRID, &r, w, sizeof(w)));
	assert_true(cgroup_resources_warning(CGROUP_V2, &r, w, sizeof(w)));
	assert_non_null(strstr(w, "linux.resources.memory.kernelTCP is ignored"));
}

/* ---- the systemd driver's pure parts ---- */

static void test_systemd_expand_slice(void **state)
{
	static const char *const ok[][2] = {
		{ "system.slice", "/system.slice" },
		{ "a-b-c.slice", "/a.slice/a-b.slice/a-b-c.slice" },
		{ "-.slice", "" },
		{ "user-1000.slice", "/user.slice/user-1000.slice" },
	};
	static const char *const bad[] = { "system", ".slice", "a--b.slice", "-a.slice",
					   "a-.slice", "a/b.slice", "a b.slice" };
	struct kerr err;
	char *out;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(cgroup_systemd_expand_slice(ok[i][0], &out, &err), 0);
		assert_string_equal(out, ok[i][1]);
		free(out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(cgroup_systemd_expand_slice(bad[i], &out, &err), -1);
		assert_non_null(strstr(err.msg, "invalid slice name"));
	}
}

static void test_systemd_unit(void **state)
{
	static const char *const ok[][5] = {
		/* cgroupsPath, id -> slice, unit, cgroup path */
		{ "system.slice:docker:abc", "x", "system.slice", "docker-abc.scope",
		  "/system.slice/docker-abc.scope" },
		{ "", "c1", "system.slice", "kura-c1.scope", "/system.slice/kura-c1.scope" },
		{ ":crio:c1", "x", "system.slice", "crio-c1.scope", "/system.slice/crio-c1.scope" },
		{ "a-b.slice::c1", "x", "a-b.slice", "c1.scope", "/a.slice/a-b.slice/c1.scope" },
		/* a slice is placed by its own name, as systemd does */
		{ "machine.slice:p:pod-x.slice", "x", "machine.slice", "pod-x.slice",
		  "/pod.slice/pod-x.slice" },
		/* systemd's escaping of names that look like control files */
		{ "cpu.slice:p:n", "x", "cpu.slice", "p-n.scope", "/_cpu.slice/p-n.scope" },
		{ "system.slice::_n", "x", "system.slice", "_n.scope", "/system.slice/__n.scope" },
		{ "system.slice:memory:n", "x", "system.slice", "memory-n.scope",
		  "/system.slice/memory-n.scope" },
		{ "-.slice:p:n", "x", "-.slice", "p-n.scope", "/p-n.scope" },
	};
	static const char *const bad[] = { "justaname", "a:b", "a:b:c:d", "system.slice:p:",
					   "system.slice:p/q:n", "nodot:p:n", "/abs/path" };
	struct kerr err;
	char *slice, *unit, *path;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(cgroup_systemd_unit(ok[i][0], ok[i][1], &slice, &unit, &path, &err),
				 0);
		assert_string_equal(slice, ok[i][2]);
		assert_string_equal(unit, ok[i][3]);
		assert_string_equal(path, ok[i][4]);
		free(slice);
		free(unit);
		free(path);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(cgroup_systemd_unit(bad[i], "x", &slice, &unit, &path, &err), -1);
		assert_null(slice);
		assert_null(unit);
		assert_null(path);
		assert_non_null(strstr(err.msg, ".linux.cgroupsPath"));
	}
	assert_int_equal(cgroup_systemd_unit("a:b", "x", &slice, &unit, &path, &err), -1);
	assert_non_null(strstr(err.msg, "\"slice:prefix:name\""));
}

static void test_systemd_values(void **state)
{
	static const char *const masks[][2] = {
		{ "0", "01" }, { "0-3", "0f" }, { "1,3", "0a" }, { "0-2,9", "0702" },
		{ "8", "0001" }, { "", "" },
	};
	static const char *const anns[][2] = {
		{ "uint64 123456789", "TimeoutStopUSec=t:123456789" },
		{ "int64 -5", "TimeoutStopUSec=x:-5" },
		{ "uint32 7", "TimeoutStopUSec=u:7" },
		{ "42", "TimeoutStopUSec=i:42" },
		{ "true", "TimeoutStopUSec=b:true" },
		{ "'inactive-or-failed'", "TimeoutStopUSec=s:inactive-or-failed" },
	};
	struct kerr err;
	char *out;

	(void)state;
	for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		assert_int_equal(cgroup_cpuset_mask(masks[i][0], &out, &err), 0);
		assert_string_equal(out, masks[i][1]);
		free(out);
	}
	assert_int_equal(cgroup_cpuset_mask("3-1", &out, &err), -1);
	assert_int_equal(cgroup_cpuset_mask("a", &out, &err), -1);
	assert_int_equal(cgroup_cpuset_mask("99999", &out, &err), -1);
	/* 50000/100000 is 50 %; 12345/100000 rounds up to 13 %; -1 is infinity */
	assert_int_equal(cgroup_systemd_quota_per_sec(50000, 100000), 500000);
	assert_int_equal(cgroup_systemd_quota_per_sec(12345, 100000), 130000);
	assert_int_equal(cgroup_systemd_quota_per_sec(20000, 0), 200000);
	assert_true(cgroup_systemd_quota_per_sec(-1, 100000) == UINT64_MAX);
	for (size_t i = 0; i < sizeof(anns) / sizeof(anns[0]); i++) {
		assert_int_equal(cgroup_systemd_annotation("org.systemd.property.TimeoutStopUSec",
							   anns[i][0], &out, &err), 0);
		assert_string_equal(out, anns[i][1]);
		free(out);
	}
	assert_int_equal(cgroup_systemd_annotation("org.systemd.property.X", "uint64 -1", &out,
						   &err), -1);
	assert_non_null(strstr(err.msg, "org.systemd.property.X"));
	assert_int_equal(cgroup_systemd_annotation("org.systemd.property.X", "@as []", &out,
						   &err), -1);
	assert_int_equal(cgroup_systemd_annotation("org.systemd.property.", "1", &out, &err), -1);
}

static void test_systemd_devices(void **state)
{
	static const char procdev[] = "Character devices:\n  1 mem\n  4 /dev/vc/0\n  4 tty\n"
				      "136 pts\n\nBlock devices:\n  8 sd\n136 notachar\n";
	struct spec_device_cgroup deny_all = { .allow = false, .type = 'a' };
	struct spec_device_cgroup allow_all = { .allow = true };
	struct spec_device_cgroup null_dev = { .allow = true, .type = 'c', .has_major = true,
					       .major = 1, .has_minor = true, .minor = 3,
					       .access = "rw" };
	struct spec_device_cgroup deny_null = null_dev;
	struct spec_device_cgroup pts = { .allow = true, .type = 'c', .has_major = true,
					  .major = 136, .access = "rwm" };
	struct spec_device_cgroup tty = { .allow = true, .type = 'c', .has_major = true,
					  .major = 4 };
	struct spec_device_cgroup sd = { .allow = true, .type = 'b', .has_major = true,
					 .major = 8, .has_minor = true, .minor = -1 };
	struct spec_device_cgroup unnamed = { .allow = true, .type = 'c', .has_major = true,
					      .major = 99 };
	struct spec_device_cgroup mknod = { .allow = true, .type = 'c', .access = "m" };
	struct spec_device_cgroup v[8];
	struct kerr err;
	char *out;

	(void)state;
	deny_null.allow = false;
	/* default deny, then allows: strict, each allow named as systemd reads it */
	v[0] = deny_all, v[1] = mknod, v[2] = null_dev, v[3] = pts, v[4] = tty, v[5] = sd,
	v[6] = unnamed;
	assert_int_equal(cgroup_systemd_device_props(v, 7, procdev, &out, &err), 1);
	assert_string_equal(out, "DeviceAllow=a(ss):char-* m,/dev/char/1:3 rw,char-pts rwm,"
				 "char-tty rwm,block-sd rwm");
	free(out);
	/* a later deny of the same device takes it out again */
	v[0] = deny_all, v[1] = null_dev, v[2] = deny_null;
	assert_int_equal(cgroup_systemd_device_props(v, 3, procdev, &out, &err), 1);
	assert_string_equal(out, "DeviceAllow=a(ss):");
	free(out);
	/* allow-all last: nothing for systemd to restrict */
	v[0] = deny_all, v[1] = null_dev, v[2] = allow_all;
	assert_int_equal(cgroup_systemd_device_props(v, 3, procdev, &out, &err), 0);
	assert_null(out);
	/* no rules at all is default deny */
	assert_int_equal(cgroup_systemd_device_props(v, 0, NULL, &out, &err), 1);
	assert_string_equal(out, "DeviceAllow=a(ss):");
	free(out);
}

static const char *find_prop(char **v, size_t n, const char *name)
{
	size_t l = strlen(name);

	for (size_t i = n; i-- > 0;)
		if (!strncmp(v[i], name, l) && v[i][l] == '=')
			return v[i] + l + 1;
	return NULL;
}

static void test_systemd_props(void **state)
{
	static const char cfg[] =
		"{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
		"\"process\":{\"args\":[\"true\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"
		"\"annotations\":{\"org.systemd.property.TimeoutStopUSec\":\"uint64 9\","
		"\"org.systemd.property.CPUWeight\":\"uint64 7\",\"other\":\"x\"},"
		"\"linux\":{\"resources\":{\"memory\":{\"limit\":1048576,\"swap\":3145728},"
		"\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000,\"cpus\":\"0-1\"},"
		"\"pids\":{\"limit\":-1},\"blockIO\":{\"weight\":500}}}}";
	struct spec_errors errs = { 0 };
	struct spec s = { 0 };
	struct kerr err;
	char **v;
	size_t n;

	(void)state;
	if (spec_parse(cfg, sizeof(cfg) - 1, "config.json", &s, &errs) < 0)
		fail_msg("%s", errs.n ? errs.msg[0] : "?");
	/* v2 scope */
	assert_int_equal(cgroup_systemd_props(&s, "c1", "system.slice", "kura-c1.scope", true, 42,
					      &v, &n, &err), 0);
	assert_null(v[n]);
	assert_string_equal(find_prop(v, n, "Description"), "s:kura container c1");
	assert_string_equal(find_prop(v, n, "Slice"), "s:system.slice");
	assert_string_equal(find_prop(v, n, "PIDs"), "au:42");
	assert_string_equal(find_prop(v, n, "Delegate"), "b:true");
	assert_string_equal(find_prop(v, n, "IOAccounting"), "b:true");
	assert_string_equal(find_prop(v, n, "MemoryMax"), "t:1048576");
	assert_string_equal(find_prop(v, n, "MemorySwapMax"), "t:2097152");
	/* the annotation comes last and wins over the converted shares */
	assert_string_equal(find_prop(v, n, "CPUWeight"), "t:7");
	assert_string_equal(find_prop(v, n, "CPUQuotaPerSecUSec"), "t:500000");
	assert_string_equal(find_prop(v, n, "CPUQuotaPeriodUSec"), "t:100000");
	assert_string_equal(find_prop(v, n, "AllowedCPUs"), "ay:03");
	assert_string_equal(find_prop(v, n, "TasksMax"), "t:18446744073709551615");
	assert_string_equal(find_prop(v, n, "IOWeight"), "t:4950");
	assert_string_equal(find_prop(v, n, "TimeoutStopUSec"), "t:9");
	assert_null(find_prop(v, n, "other"));
	assert_null(find_prop(v, n, "MemoryLimit"));
	/* no devices in the config: default deny plus runc's defaults */
	assert_string_equal(find_prop(v, n, "DevicePolicy"), "s:strict");
	assert_non_null(strstr(find_prop(v, n, "DeviceAllow"), "/dev/char/1:3 rwm"));
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	/* v1: the v1 names; a slice unit has no PIDs and no Slice */
	assert_int_equal(cgroup_systemd_props(&s, "c1", "system.slice", "c1.slice", false, 42, &v,
					      &n, &err), 0);
	assert_string_equal(find_prop(v, n, "MemoryLimit"), "t:1048576");
	assert_string_equal(find_prop(v, n, "CPUShares"), "t:1024");
	assert_string_equal(find_prop(v, n, "BlockIOWeight"), "t:500");
	assert_string_equal(find_prop(v, n, "BlockIOAccounting"), "b:true");
	assert_null(find_prop(v, n, "PIDs"));
	assert_null(find_prop(v, n, "Slice"));
	assert_null(find_prop(v, n, "MemorySwapMax"));
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	spec_free(&s);
	spec_errors_free(&errs);
}

/* ---- the v2 device filter ---- */

static void test_bpf_build(void **state)
{
	struct spec_device_cgroup *rules = NULL;
	size_t n = 0, n_insn = 0;
	struct bpf_insn *p = NULL;
	struct kerr err;
	struct spec_resources r = { 0 };
	struct spec_device_cgroup deny_all = { .allow = false, .access = "rwm" };
	struct spec_device_cgroup allow_all = { .allow = true, .type = 'a' };

	(void)state;
	r.devices = &deny_all;
	r.n_devices = 1;
	assert_int_equal(cgroup_device_rules(NULL, &r, &rules, &n), 0);
	assert_true(n > 1);
	assert_false(rules[0].allow);
	assert_int_equal(cgroup_bpf_devices_build(rules, n, &p, &n_insn, &err), 0);
	/* ends in the deny-all block: r0 = 0; exit */
	assert_int_equal(p[n_insn - 1].code, BPF_JMP | BPF_EXIT);
	assert_int_equal(p[n_insn - 2].imm, 0);
	/* every jump lands inside the program */
	for (size_t i = 0; i < n_insn; i++)
		if (BPF_CLASS(p[i].code) == BPF_JMP && BPF_OP(p[i].code) != BPF_EXIT)
			assert_true((long)i + 1 + p[i].off < (long)n_insn);
	if (geteuid() == 0) {
		union bpf_attr a;
		int fd;

		memset(&a, 0, sizeof(a));
		a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
		a.insns = (uint64_t)(uintptr_t)p;
		a.insn_cnt = (uint32_t)n_insn;
		a.license = (uint64_t)(uintptr_t)"Apache";
		fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
		assert_true(fd >= 0); /* the kernel's verifier accepts it */
		close(fd);
	}
	free(p);
	free(rules);
	/* an allow-all last makes everything before it dead code: one block only */
	assert_int_equal(cgroup_bpf_devices_build(&allow_all, 1, &p, &n_insn, &err), 0);
	assert_int_equal(p[n_insn - 2].imm, 1);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shares_to_weight),
		cmocka_unit_test(test_blkio_to_io_weight),
		cmocka_unit_test(test_swap_to_v2),
		cmocka_unit_test(test_cpu_max),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_device_rule_format),
		cmocka_unit_test(test_clean_path),
		cmocka_unit_test(test_mounts_hybrid),
		cmocka_unit_test(test_mounts_shadowed_v2),
		cmocka_unit_test(test_proc_path),
		cmocka_unit_test(test_layout_relative),
		cmocka_unit_test(test_layout_absolute),
		cmocka_unit_test(test_layout_outside_ns_root),
		cmocka_unit_test_setup_teardown(test_v2_writes, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_v2_errors, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_v2_check_before_update, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_v1_writes, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_destroy_only_made, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_create_nested_and_destroy, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_create_records_leftover_leaf, tmp_setup, tmp_teardown),
		cmocka_unit_test(test_from_json_rejects_foreign_dirs),
		cmocka_unit_test(test_bpf_build),
		cmocka_unit_test(test_stats_u64_max),
		cmocka_unit_test(test_resources_warning),
		cmocka_unit_test(test_systemd_expand_slice),
		cmocka_unit_test(test_systemd_unit),
		cmocka_unit_test(test_systemd_values),
		cmocka_unit_test(test_systemd_devices),
		cmocka_unit_test(test_systemd_props),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
