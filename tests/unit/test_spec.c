/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The config parser: a rich config lands in the expected struct values, the
 * default spec matches runc's, and every file of tests/data/bad/ produces
 * exactly the messages stored beside it (NN-name.err, one per line).
 * Run from the repo root (as `make unit` does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "specs/spec.h"
#include "util/util.h"

#ifndef SPEC_TEST_DATA
#define SPEC_TEST_DATA "tests/data"
#endif

static void load_ok(const char *path, struct spec *s)
{
	struct spec_errors e = { 0 };
	int r = spec_load_file(path, "config.json", s, &e);

	for (size_t i = 0; i < e.n; i++)
		print_error("unexpected: %s\n", e.msg[i]);
	assert_int_equal(r, 0);
	assert_int_equal(e.n, 0);
	spec_errors_free(&e);
}

static void parse_str_ok(const char *text, struct spec *s)
{
	struct spec_errors e = { 0 };
	int r = spec_parse(text, strlen(text), "config.json", s, &e);

	for (size_t i = 0; i < e.n; i++)
		print_error("unexpected: %s\n", e.msg[i]);
	assert_int_equal(r, 0);
	spec_errors_free(&e);
}

static bool is_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* ---- the rich fixture, section by section ---- */

static void test_full_top(void **state)
{
	struct spec s;

	load_ok(SPEC_TEST_DATA "/full.json", &s);
	assert_string_equal(s.oci_version, "1.2.0");
	assert_string_equal(s.root.path, "rootfs");
	assert_true(s.root.readonly);
	assert_string_equal(s.hostname, "box");
	assert_string_equal(s.domainname, "example.org");
	assert_int_equal(s.annotations.n, 2);
	assert_string_equal(s.annotations.v[0].key, "org.example.key");
	assert_string_equal(s.annotations.v[0].value, "value");
	assert_string_equal(s.annotations.v[1].key, "b");

	assert_int_equal(s.n_mounts, 2);
	assert_string_equal(s.mounts[0].destination, "/proc");
	assert_string_equal(s.mounts[0].type, "proc");
	assert_int_equal(s.mounts[0].options.n, 0);
	assert_string_equal(s.mounts[1].source, "/srv/data");
	assert_int_equal(s.mounts[1].options.n, 3);
	assert_string_equal(s.mounts[1].options.v[0], "rbind");
	assert_string_equal(s.mounts[1].options.v[2], "nosuid");
	assert_int_equal(s.mounts[1].n_uid_mappings, 1);
	assert_int_equal(s.mounts[1].uid_mappings[0].host_id, 100000);
	assert_int_equal(s.mounts[1].uid_mappings[0].size, 65536);
	assert_int_equal(s.mounts[1].gid_mappings[0].host_id, 200000);
	assert_int_equal(s.mounts[1].gid_mappings[0].size, 1000);

	assert_int_equal(s.hooks.prestart.n, 1);
	assert_string_equal(s.hooks.prestart.v[0].path, "/usr/bin/pre");
	assert_int_equal(s.hooks.prestart.v[0].args.n, 2);
	assert_string_equal(s.hooks.prestart.v[0].args.v[1], "x");
	assert_string_equal(s.hooks.prestart.v[0].env.v[0], "A=1");
	assert_true(s.hooks.prestart.v[0].has_timeout);
	assert_int_equal(s.hooks.prestart.v[0].timeout, 5);
	assert_int_equal(s.hooks.create_runtime.n, 2);
	assert_string_equal(s.hooks.create_runtime.v[1].path, "/usr/bin/cr2");
	assert_false(s.hooks.create_runtime.v[1].has_timeout);
	assert_string_equal(s.hooks.create_container.v[0].path, "/usr/bin/cc");
	assert_string_equal(s.hooks.start_container.v[0].path, "/usr/bin/sc");
	assert_string_equal(s.hooks.poststart.v[0].path, "/usr/bin/ps");
	assert_int_equal(s.hooks.poststop.v[0].timeout, 30);
	spec_free(&s);
	assert_true(is_zero(&s, sizeof(s)));
}

static void test_full_process(void **state)
{
	struct spec s;
	struct spec_process *p = &s.process;

	load_ok(SPEC_TEST_DATA "/full.json", &s);
	assert_true(s.has_process);
	assert_true(p->terminal);
	assert_true(p->has_console_size);
	assert_int_equal(p->console_height, 25);
	assert_int_equal(p->console_width, 80);
	assert_int_equal(p->user.uid, 1000);
	assert_int_equal(p->user.gid, 1001);
	assert_true(p->user.has_umask);
	assert_int_equal(p->user.umask, 022);
	assert_int_equal(p->user.n_additional_gids, 2);
	assert_int_equal(p->user.additional_gids[0], 5);
	assert_int_equal(p->user.additional_gids[1], UINT32_MAX - 1);
	assert_string_equal(p->user.username, "alice");
	assert_int_equal(p->args.n, 3);
	assert_string_equal(p->args.v[2], "echo hi");
	assert_null(p->args.v[3]); /* NULL-terminated for execve */
	assert_string_equal(p->env.v[1], "TERM=xterm");
	assert_string_equal(p->cwd, "/home/alice");
	assert_true(p->caps.present);
	assert_int_equal(p->caps.bounding.n, 2);
	assert_string_equal(p->caps.bounding.v[0], "CAP_CHOWN");
	assert_int_equal(p->caps.effective.n, 1);
	assert_int_equal(p->caps.permitted.n, 2);
	assert_string_equal(p->caps.permitted.v[1], "CAP_NET_RAW");
	assert_int_equal(p->caps.inheritable.n, 0);
	assert_string_equal(p->caps.ambient.v[0], "CAP_NET_BIND_SERVICE");
	assert_int_equal(p->n_rlimits, 2);
	assert_int_equal(p->rlimits[0].resource, RLIMIT_NOFILE);
	assert_string_equal(p->rlimits[0].type, "RLIMIT_NOFILE");
	assert_int_equal(p->rlimits[0].hard, 4096);
	assert_int_equal(p->rlimits[0].soft, 1024);
	assert_int_equal(p->rlimits[1].resource, RLIMIT_CORE);
	assert_true(p->rlimits[1].hard == UINT64_MAX); /* RLIM_INFINITY survives doubles */
	assert_true(p->no_new_privileges);
	assert_string_equal(p->apparmor_profile, "kura-default");
	assert_true(p->has_oom_score_adj);
	assert_int_equal(p->oom_score_adj, -500);
	assert_true(p->scheduler.present);
	assert_int_equal(p->scheduler.policy, SCHED_DEADLINE);
	assert_int_equal(p->scheduler.nice, -5);
	assert_int_equal(p->scheduler.flags, 0x01 | 0x02);
	assert_int_equal(p->scheduler.runtime, 10000000);
	assert_int_equal(p->scheduler.deadline, 20000000);
	assert_int_equal(p->scheduler.period, 30000000);
	assert_string_equal(p->selinux_label, "system_u:system_r:container_t:s0");
	assert_true(p->io_priority.present);
	assert_int_equal(p->io_priority.class_, 2);
	assert_int_equal(p->io_priority.priority, 4);
	assert_string_equal(p->exec_cpu_affinity_initial, "0-1");
	assert_string_equal(p->exec_cpu_affinity_final, "1");
	spec_free(&s);
}

static void test_full_linux(void **state)
{
	struct spec s;
	struct spec_linux *l = &s.linux_;

	load_ok(SPEC_TEST_DATA "/full.json", &s);
	assert_true(s.has_linux);
	assert_int_equal(l->n_namespaces, 8);
	assert_int_equal(l->namespaces[0].type, SPEC_NS_PID);
	assert_null(l->namespaces[0].path);
	assert_int_equal(l->namespaces[1].type, SPEC_NS_NETWORK);
	assert_string_equal(l->namespaces[1].path, "/var/run/netns/x");
	assert_int_equal(l->namespaces[7].type, SPEC_NS_TIME);
	assert_ptr_equal(spec_find_ns(&s, SPEC_NS_USER), &l->namespaces[5]);
	assert_int_equal(l->n_uid_mappings, 2);
	assert_int_equal(l->uid_mappings[1].container_id, 1);
	assert_int_equal(l->uid_mappings[1].host_id, 100000);
	assert_int_equal(l->uid_mappings[1].size, 65535);
	assert_int_equal(l->n_gid_mappings, 1);
	assert_true(l->time_monotonic.present);
	assert_int_equal(l->time_monotonic.secs, -86400);
	assert_int_equal(l->time_monotonic.nanosecs, 500);
	assert_true(l->time_boottime.present);
	assert_int_equal(l->time_boottime.secs, 3600);
	assert_int_equal(l->n_devices, 2);
	assert_string_equal(l->devices[0].path, "/dev/fuse");
	assert_int_equal(l->devices[0].type, 'c');
	assert_int_equal(l->devices[0].major, 10);
	assert_int_equal(l->devices[0].minor, 229);
	assert_true(l->devices[0].has_file_mode);
	assert_int_equal(l->devices[0].file_mode, 0666);
	assert_true(l->devices[0].has_uid);
	assert_int_equal(l->devices[1].type, 'p');
	assert_false(l->devices[1].has_major);
	assert_string_equal(l->cgroups_path, "/kura/test");
	assert_true(l->intel_rdt.present);
	assert_string_equal(l->intel_rdt.clos_id, "guaranteed");
	assert_string_equal(l->intel_rdt.l3_cache_schema, "L3:0=7f0");
	assert_string_equal(l->intel_rdt.mem_bw_schema, "MB:0=20");
	assert_true(l->intel_rdt.enable_cmt);
	assert_false(l->intel_rdt.enable_mbm);
	assert_int_equal(l->sysctl.n, 2);
	assert_string_equal(l->sysctl.v[0].key, "net.ipv4.ip_forward");
	assert_string_equal(l->sysctl.v[0].value, "1");
	assert_string_equal(l->rootfs_propagation, "rslave");
	assert_int_equal(spec_propagation_flags(l->rootfs_propagation), MS_SLAVE | MS_REC);
	assert_int_equal(l->masked_paths.n, 2);
	assert_string_equal(l->masked_paths.v[1], "/sys/firmware");
	assert_string_equal(l->readonly_paths.v[0], "/proc/sys");
	assert_string_equal(l->mount_label, "system_u:object_r:container_file_t:s0");
	assert_true(l->personality.present);
	assert_string_equal(l->personality.domain, "LINUX32");
	spec_free(&s);
}

static void test_full_resources(void **state)
{
	struct spec s;
	struct spec_resources *r = &s.linux_.resources;

	load_ok(SPEC_TEST_DATA "/full.json", &s);
	assert_true(r->present);
	assert_int_equal(r->n_devices, 3);
	assert_false(r->devices[0].allow);
	assert_int_equal(r->devices[0].type, 0);
	assert_int_equal(r->devices[0].major, -1);
	assert_false(r->devices[0].has_major);
	assert_string_equal(r->devices[0].access, "rwm");
	assert_true(r->devices[1].allow);
	assert_int_equal(r->devices[1].type, 'c');
	assert_int_equal(r->devices[1].major, 10);
	assert_int_equal(r->devices[1].minor, 229);
	assert_int_equal(r->devices[2].type, 'b');
	assert_false(r->devices[2].has_minor);
	assert_int_equal(r->devices[2].minor, -1);

	assert_true(r->memory.present);
	assert_int_equal(r->memory.limit, 536870912);
	assert_int_equal(r->memory.reservation, 268435456);
	assert_true(r->memory.has_swap);
	assert_int_equal(r->memory.swap, -1);
	assert_true(r->memory.has_kernel);
	assert_int_equal(r->memory.kernel_tcp, 1024);
	assert_int_equal(r->memory.swappiness, 60);
	assert_true(r->memory.has_disable_oom_killer && r->memory.disable_oom_killer);
	assert_true(r->memory.has_use_hierarchy && !r->memory.use_hierarchy);
	assert_true(r->memory.has_check_before_update && r->memory.check_before_update);

	assert_true(r->cpu.present);
	assert_int_equal(r->cpu.shares, 1024);
	assert_int_equal(r->cpu.quota, 50000);
	assert_int_equal(r->cpu.burst, 1000);
	assert_int_equal(r->cpu.period, 100000);
	assert_int_equal(r->cpu.realtime_runtime, 950000);
	assert_int_equal(r->cpu.realtime_period, 1000000);
	assert_true(r->cpu.has_idle);
	assert_int_equal(r->cpu.idle, 1);
	assert_string_equal(r->cpu.cpus, "0-1");
	assert_string_equal(r->cpu.mems, "0");

	assert_true(r->has_pids_limit);
	assert_int_equal(r->pids_limit, 100);

	assert_true(r->blkio.present);
	assert_int_equal(r->blkio.weight, 500);
	assert_int_equal(r->blkio.leaf_weight, 300);
	assert_int_equal(r->blkio.n_weight_device, 2);
	assert_int_equal(r->blkio.weight_device[0].major, 8);
	assert_true(r->blkio.weight_device[0].has_weight);
	assert_false(r->blkio.weight_device[0].has_leaf_weight);
	assert_int_equal(r->blkio.weight_device[0].weight, 600);
	assert_int_equal(r->blkio.weight_device[1].minor, 16);
	assert_int_equal(r->blkio.weight_device[1].leaf_weight, 100);
	assert_int_equal(r->blkio.throttle_read_bps.n, 1);
	assert_int_equal(r->blkio.throttle_read_bps.v[0].rate, 1048576);
	assert_int_equal(r->blkio.throttle_write_bps.v[0].rate, 2097152);
	assert_int_equal(r->blkio.throttle_read_iops.v[0].rate, 100);
	assert_int_equal(r->blkio.throttle_write_iops.n, 2);
	assert_int_equal(r->blkio.throttle_write_iops.v[1].rate, 300);

	assert_int_equal(r->n_hugepage_limits, 1);
	assert_string_equal(r->hugepage_limits[0].page_size, "2MB");
	assert_int_equal(r->hugepage_limits[0].limit, 209715200);
	assert_true(r->network.present);
	assert_true(r->network.has_class_id);
	assert_int_equal(r->network.class_id, 1048577);
	assert_string_equal(r->network.priorities[0].name, "eth0");
	assert_int_equal(r->network.priorities[0].priority, 500);
	assert_int_equal(r->n_rdma, 2);
	assert_string_equal(r->rdma[0].device, "mlx5_1");
	assert_int_equal(r->rdma[0].hca_handles, 3);
	assert_int_equal(r->rdma[0].hca_objects, 10000);
	assert_false(r->rdma[1].has_hca_handles);
	assert_int_equal(r->rdma[1].hca_objects, 1000);
	assert_int_equal(r->unified.n, 2);
	assert_string_equal(r->unified.v[1].key, "io.weight");
	assert_string_equal(r->unified.v[1].value, "default 100");
	spec_free(&s);
}

static void test_full_seccomp(void **state)
{
	struct spec s;
	struct spec_seccomp *sc = &s.linux_.seccomp;

	load_ok(SPEC_TEST_DATA "/full.json", &s);
	assert_true(sc->present);
	assert_int_equal(sc->default_action, SCMP_ACT_ERRNO(0));
	assert_string_equal(sc->default_action_name, "SCMP_ACT_ERRNO");
	assert_true(sc->has_default_errno_ret);
	assert_int_equal(sc->default_errno_ret, 1);
	assert_int_equal(sc->architectures.n, 3);
	assert_string_equal(sc->architectures.v[0], "SCMP_ARCH_X86_64");
	assert_int_equal(spec_seccomp_arch_from_name(sc->architectures.v[0]), SCMP_ARCH_X86_64);
	assert_int_equal(sc->flags.n, 2);
	assert_string_equal(sc->listener_path, "/run/seccomp-agent.sock");
	assert_string_equal(sc->listener_metadata, "meta");
	assert_int_equal(sc->n_syscalls, 10);
	assert_int_equal(sc->syscalls[0].names.n, 2);
	assert_string_equal(sc->syscalls[0].names.v[1], "write");
	assert_int_equal(sc->syscalls[0].action, SCMP_ACT_ALLOW);
	assert_false(sc->syscalls[0].has_errno_ret);
	assert_int_equal(sc->syscalls[1].n_args, 2);
	assert_int_equal(sc->syscalls[1].args[0].index, 0);
	assert_int_equal(sc->syscalls[1].args[0].value, 8);
	assert_int_equal(sc->syscalls[1].args[0].op, SCMP_CMP_EQ);
	assert_int_equal(sc->syscalls[1].args[1].index, 5);
	assert_int_equal(sc->syscalls[1].args[1].value, 4294967295u);
	assert_int_equal(sc->syscalls[1].args[1].value_two, 255);
	assert_int_equal(sc->syscalls[1].args[1].op, SCMP_CMP_MASKED_EQ);
	assert_int_equal(sc->syscalls[2].action, SCMP_ACT_ERRNO(0));
	assert_true(sc->syscalls[2].has_errno_ret);
	assert_int_equal(sc->syscalls[2].errno_ret, 38);
	assert_int_equal(sc->syscalls[3].action, SCMP_ACT_NOTIFY);
	assert_int_equal(sc->syscalls[4].action, SCMP_ACT_KILL_PROCESS);
	assert_int_equal(sc->syscalls[5].action, SCMP_ACT_TRACE(0));
	assert_int_equal(sc->syscalls[5].errno_ret, 7);
	assert_int_equal(sc->syscalls[6].action, SCMP_ACT_TRAP);
	assert_int_equal(sc->syscalls[7].action, SCMP_ACT_LOG);
	assert_int_equal(sc->syscalls[8].action, SCMP_ACT_KILL);
	assert_int_equal(sc->syscalls[9].action, SCMP_ACT_KILL_THREAD);
	assert_string_equal(sc->syscalls[9].action_name, "SCMP_ACT_KILL_THREAD");
	spec_free(&s);
}

/* ---- process.json of `kura exec --process` ---- */

static void test_process_parse(void **state)
{
	static const char ok[] =
		"{\"args\":[\"ls\",\"-l\"],\"cwd\":\"/tmp\",\"user\":{\"uid\":5,\"gid\":6},"
		"\"env\":[\"X=1\"],\"terminal\":false,\"capabilities\":{\"bounding\":[\"CAP_KILL\"]},"
		"\"noNewPrivileges\":true,\"oomScoreAdj\":10}";
	static const char bad[] = "{\"args\":[],\"cwd\":\"tmp\",\"user\":{\"uid\":-5,\"gid\":6}}";
	struct spec_process p;
	struct spec_errors e = { 0 };

	assert_int_equal(spec_process_parse(ok, strlen(ok), "process.json", &p, &e), 0);
	assert_int_equal(e.n, 0);
	assert_int_equal(p.args.n, 2);
	assert_string_equal(p.args.v[1], "-l");
	assert_string_equal(p.cwd, "/tmp");
	assert_int_equal(p.user.uid, 5);
	assert_int_equal(p.user.gid, 6);
	assert_string_equal(p.env.v[0], "X=1");
	assert_string_equal(p.caps.bounding.v[0], "CAP_KILL");
	assert_true(p.no_new_privileges);
	assert_int_equal(p.oom_score_adj, 10);
	spec_process_free(&p);
	assert_true(is_zero(&p, sizeof(p)));

	assert_int_equal(spec_process_parse(bad, strlen(bad), "process.json", &p, &e), -1);
	assert_true(is_zero(&p, sizeof(p)));
	assert_int_equal(e.n, 3);
	assert_string_equal(e.msg[0],
			    "process.json: .user.uid: must be between 0 and 4294967294, not -5");
	assert_string_equal(e.msg[1], "process.json: .args: must be a non-empty array");
	assert_string_equal(e.msg[2], "process.json: .cwd: must be an absolute path, not \"tmp\"");
	spec_errors_free(&e);
	assert_int_equal(spec_process_parse("{", 1, "process.json", &p, &e), -1);
	assert_string_equal(e.msg[0], "process.json: invalid JSON at line 1, column 1: string or '}' expected near end of file");
	spec_errors_free(&e);
}

/* ---- the default config ---- */

static void test_default_rootful(void **state)
{
	static const enum spec_ns_type runc_ns[] = { SPEC_NS_PID, SPEC_NS_NETWORK, SPEC_NS_IPC,
						      SPEC_NS_UTS, SPEC_NS_MOUNT };
	static const char *const runc_mounts[] = { "/proc",	  "/dev",	 "/dev/pts",
						   "/dev/shm",	  "/dev/mqueue", "/sys",
						   "/sys/fs/cgroup" };
	static const char *const runc_caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL",
						 "CAP_NET_BIND_SERVICE" };
	_cleanup_free_ char *j = spec_default_json(false);
	struct spec s;

	assert_non_null(j);
	parse_str_ok(j, &s);
	assert_string_equal(s.oci_version, SPEC_OCI_VERSION);
	assert_string_equal(s.hostname, "kura");
	assert_string_equal(s.root.path, "rootfs");
	assert_true(s.root.readonly);
	assert_true(s.process.terminal);
	assert_int_equal(s.process.args.n, 1);
	assert_string_equal(s.process.args.v[0], "sh");
	assert_string_equal(s.process.cwd, "/");
	assert_true(s.process.no_new_privileges);
	assert_int_equal(s.process.n_rlimits, 1);
	assert_int_equal(s.process.rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(s.process.rlimits[0].hard, 1024);
	assert_int_equal(s.process.rlimits[0].soft, 1024);
	assert_int_equal(s.linux_.n_namespaces, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(s.linux_.namespaces[i].type, runc_ns[i]);
		assert_null(s.linux_.namespaces[i].path);
	}
	assert_int_equal(s.n_mounts, 7);
	for (size_t i = 0; i < 7; i++)
		assert_string_equal(s.mounts[i].destination, runc_mounts[i]);
	assert_string_equal(s.mounts[5].type, "sysfs");
	assert_string_equal(s.mounts[2].options.v[5], "gid=5");
	assert_int_equal(s.process.caps.bounding.n, 3);
	assert_int_equal(s.process.caps.inheritable.n, 0);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(s.process.caps.bounding.v[i], runc_caps[i]);
		assert_string_equal(s.process.caps.effective.v[i], runc_caps[i]);
		assert_string_equal(s.process.caps.permitted.v[i], runc_caps[i]);
		assert_string_equal(s.process.caps.ambient.v[i], runc_caps[i]);
	}
	assert_int_equal(s.linux_.masked_paths.n, 10);
	assert_string_equal(s.linux_.masked_paths.v[2], "/proc/kcore");
	assert_int_equal(s.linux_.readonly_paths.n, 5);
	assert_string_equal(s.linux_.readonly_paths.v[4], "/proc/sysrq-trigger");
	assert_int_equal(s.linux_.resources.n_devices, 1);
	assert_false(s.linux_.resources.devices[0].allow);
	assert_string_equal(s.linux_.resources.devices[0].access, "rwm");
	assert_int_equal(s.linux_.n_uid_mappings, 0);
	spec_free(&s);
}

static void test_default_rootless(void **state)
{
	_cleanup_free_ char *j = spec_default_json(true);
	struct spec s;

	assert_non_null(j);
	parse_str_ok(j, &s);
	assert_null(spec_find_ns(&s, SPEC_NS_NETWORK));
	assert_non_null(spec_find_ns(&s, SPEC_NS_USER));
	assert_int_equal(s.linux_.n_uid_mappings, 1);
	assert_int_equal(s.linux_.uid_mappings[0].container_id, 0);
	assert_int_equal(s.linux_.uid_mappings[0].host_id, geteuid());
	assert_int_equal(s.linux_.gid_mappings[0].host_id, getegid());
	assert_int_equal(s.linux_.uid_mappings[0].size, 1);
	assert_false(s.linux_.resources.present);
	assert_string_equal(s.mounts[5].destination, "/sys");
	assert_string_equal(s.mounts[5].type, "none");
	assert_string_equal(s.mounts[5].options.v[0], "rbind");
	for (size_t i = 0; i < s.mounts[2].options.n; i++)
		assert_string_not_equal(s.mounts[2].options.v[i], "gid=5");
	spec_free(&s);
}

/* ---- the table of malformed configs ---- */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_bad_case(const char *json_path, const char *err_path)
{
	_cleanup_free_ char *want = NULL;
	struct spec_errors e = { 0 };
	struct spec s;
	struct kerr kerr;
	size_t len = 0, off = 0;
	int r;

	want = util_read_file(err_path, &len, &kerr);
	if (!want)
		fail_msg("%s: %s", json_path, kerr.msg);
	memset(&s, 0x5a, sizeof(s));
	r = spec_load_file(json_path, "config.json", &s, &e);
	if (r != -1)
		fail_msg("%s: parsed, but should fail", json_path);
	if (!is_zero(&s, sizeof(s)))
		fail_msg("%s: *out not zeroed on failure", json_path);
	for (size_t i = 0; i < e.n; i++) {
		const char *line = want + off;
		size_t n = strcspn(line, "\n");

		if (off >= len || strlen(e.msg[i]) != n || strncmp(e.msg[i], line, n) != 0)
			fail_msg("%s: message %zu\n   got: %s\n  want: %.*s", json_path, i,
				 e.msg[i], (int)n, off < len ? line : "(none)");
		off += n + 1;
	}
	if (off < len)
		fail_msg("%s: missing message: %s", json_path, want + off);
	spec_errors_free(&e);
}

static void test_bad_table(void **state)
{
	DIR *d = opendir(SPEC_TEST_DATA "/bad");
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0) {
			names = realloc(names, (n + 1) * sizeof(*names));
			assert_non_null(names);
			names[n] = strndup(de->d_name, l - 5);
			assert_non_null(names[n++]);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	assert_true(n >= 50);
	for (size_t i = 0; i < n; i++) {
		char jp[PATH_MAX], ep[PATH_MAX];

		snprintf(jp, sizeof(jp), "%s/bad/%s.json", SPEC_TEST_DATA, names[i]);
		snprintf(ep, sizeof(ep), "%s/bad/%s.err", SPEC_TEST_DATA, names[i]);
		check_bad_case(jp, ep);
		free(names[i]);
	}
	free(names);
}

/* ---- odd inputs ---- */

static void test_unknown_fields_and_nulls(void **state)
{
	static const char j[] =
		"{\"ociVersion\":\"1.0.2-dev\",\"root\":{\"path\":\"r\",\"x\":1},\"future\":[1,2],"
		"\"hostname\":null,\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\","
		"\"user\":{\"uid\":0,\"gid\":0},\"newThing\":{}}}";
	struct spec s;

	parse_str_ok(j, &s);
	assert_null(s.hostname);
	assert_false(s.has_linux);
	assert_string_equal(s.oci_version, "1.0.2-dev");
	spec_free(&s);
}

/*
 * Unknown keys stay allowed; one a letter or two from a key of its object
 * is warned of (kura check), naming the key meant.  Free maps (annotations)
 * and unknown keys far from any known one are not.
 */
static void test_misspelt_keys_warned(void **state)
{
	static const char j[] =
		"{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\",\"readonly\":true},"
		"\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
		"\"capabilites\":{\"bounding\":[]}},\"annotations\":{\"hostnme\":\"x\"},"
		"\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\",\"optoins\":[]}],"
		"\"HostName\":\"h\",\"org.example.extension\":{\"args\":1}}";
	struct spec_errors e = { 0 }, w = { 0 };
	struct spec s;

	assert_int_equal(spec_parse_check(j, strlen(j), "config.json", &s, &e, &w), 0);
	assert_int_equal(e.n, 0);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.msg[0], "config.json: .process.capabilites: unknown key, ignored: "
				      "did you mean \"capabilities\"?");
	assert_string_equal(w.msg[1], "config.json: .mounts[0].optoins: unknown key, ignored: "
				      "did you mean \"options\"?");
	assert_string_equal(w.msg[2], "config.json: .HostName: unknown key, ignored: "
				      "did you mean \"hostname\"?");
	assert_false(s.process.caps.present);
	spec_errors_free(&w);
	spec_free(&s);
	/* the plain parse says nothing of them */
	assert_int_equal(spec_parse_lenient(j, strlen(j), "config.json", &s, &e), 0);
	spec_free(&s);
}

static void test_lenient_keeps_parsed(void **state)
{
	static const char j[] =
		"{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"sh\"],"
		"\"cwd\":\"rel\",\"user\":{\"uid\":0,\"gid\":0},"
		"\"capabilities\":{\"bounding\":[\"CAP_FOO\"]}}}";
	struct spec_errors e = { 0 };
	struct spec s;

	assert_int_equal(spec_parse_lenient(j, strlen(j), "config.json", &s, &e), -1);
	assert_int_equal(e.n, 1);
	assert_string_equal(s.root.path, "r");
	assert_string_equal(s.process.caps.bounding.v[0], "CAP_FOO");
	spec_free(&s);
	spec_errors_free(&e);
}

static void test_missing_file(void **state)
{
	struct spec_errors e = { 0 };
	struct spec s;

	assert_int_equal(spec_load_file("/nonexistent/kura/config.json", "config.json", &s, &e), -1);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.msg[0], "config.json: open /nonexistent/kura/config.json: "
				      "No such file or directory");
	spec_errors_free(&e);
}

static void test_resources_parse(void **state)
{
	static const char ok[] = "{\"memory\":{\"limit\":1048576},\"pids\":{\"limit\":-1},"
				 "\"cpu\":{\"cpus\":\"0\"}}";
	static const char bad[] = "{\"memory\":{\"limit\":\"1M\"},\"cpu\":[]}";
	struct spec_errors e = { 0 };
	struct spec_resources r;

	assert_int_equal(spec_resources_parse(ok, strlen(ok), "resources.json", &r, &e), 0);
	assert_true(r.present);
	assert_true(r.memory.has_limit);
	assert_int_equal(r.memory.limit, 1048576);
	assert_true(r.has_pids_limit);
	assert_int_equal(r.pids_limit, -1);
	assert_string_equal(r.cpu.cpus, "0");
	spec_resources_free(&r);

	assert_int_equal(spec_resources_parse(bad, strlen(bad), "resources.json", &r, &e), -1);
	assert_true(is_zero(&r, sizeof(r)));
	assert_int_equal(e.n, 2);
	assert_string_equal(e.msg[0], "resources.json: .memory.limit: must be an integer, not a string");
	assert_string_equal(e.msg[1], "resources.json: .cpu: must be an object, not an array");
	spec_errors_free(&e);
	/* runc reads swappiness 2^64-1 (-1 as uint64) as "unset"; engines send it. */
	static const char unset[] = "{\"memory\":{\"swappiness\":18446744073709551615}}";

	assert_int_equal(spec_resources_parse(unset, strlen(unset), NULL, &r, NULL), 0);
	assert_true(r.memory.present);
	assert_false(r.memory.has_swappiness);
	spec_resources_free(&r);
	/* Without a list only the verdict comes back. */
	assert_int_equal(spec_resources_parse("[]", 2, NULL, &r, NULL), -1);
}

/* ---- numbers: jansson's exact integers, and 2^64-1 from engines ---- */

/* A minimal valid config with `extra` spliced into .process and `linux` as .linux. */
#define MINI(extra, linux_)                                                             \
	"{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"sh\"]," \
	"\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}" extra "},\"linux\":" linux_ "}"

static void parse_str_errors(const char *text, struct spec_errors *e)
{
	struct spec s;

	assert_int_equal(spec_parse(text, strlen(text), "config.json", &s, e), -1);
	assert_true(is_zero(&s, sizeof(s)));
}

/* runtime-spec 1.3: netDevices, memoryPolicy, intelRdt schemata; 1.0-1.3 all load */
static void test_spec_13(void **state)
{
	static const char *const versions[] = { "1.0.0", "1.0.2", "1.1.0", "1.2.1", "1.3.0" };
	static const char j[] = MINI(
		"", "{\"namespaces\":[{\"type\":\"network\"}],"
		    "\"netDevices\":{\"veth1\":{\"name\":\"eth0\"},\"enp0s3\":{}},"
		    "\"memoryPolicy\":{\"mode\":\"MPOL_INTERLEAVE\",\"nodes\":\"0-2,7\","
		    "\"flags\":[\"MPOL_F_STATIC_NODES\"]},"
		    "\"intelRdt\":{\"closID\":\"g\",\"schemata\":[\"L2:0=f\",\"MB:0=20\"],"
		    "\"enableMonitoring\":true}}");
	static const struct {
		const char *linux_, *msg;
	} bad[] = {
		{ "{\"namespaces\":[{\"type\":\"network\"}],\"netDevices\":{\"a/b\":{}}}",
		  "config.json: .linux.netDevices[\"a/b\"]: not a valid network interface name" },
		{ "{\"namespaces\":[{\"type\":\"network\"}],\"netDevices\":{\"v\":"
		  "{\"name\":\"0123456789abcdef\"}}}",
		  "config.json: .linux.netDevices.v.name: not a valid network interface name" },
		{ "{\"namespaces\":[{\"type\":\"network\"}],\"netDevices\":{\"a\":"
		  "{\"name\":\"x\"},\"b\":{\"name\":\"x\"}}}",
		  "config.json: .linux.netDevices.b: name \"x\" is also the name of \"a\"" },
		{ "{\"netDevices\":{\"v\":{}}}",
		  "config.json: .linux.netDevices: is set but there is no network namespace" },
		{ "{\"memoryPolicy\":{\"mode\":\"MPOL_NOPE\"}}",
		  "config.json: .linux.memoryPolicy.mode: unknown memory policy mode (want one of "
		  "MPOL_DEFAULT, MPOL_BIND, MPOL_INTERLEAVE, MPOL_WEIGHTED_INTERLEAVE, "
		  "MPOL_PREFERRED, MPOL_PREFERRED_MANY, MPOL_LOCAL)" },
		{ "{\"memoryPolicy\":{\"nodes\":\"0\"}}",
		  "config.json: .linux.memoryPolicy.mode: is required" },
		{ "{\"memoryPolicy\":{\"mode\":\"MPOL_BIND\"}}",
		  "config.json: .linux.memoryPolicy.nodes: needs at least one node with this mode" },
		{ "{\"memoryPolicy\":{\"mode\":\"MPOL_LOCAL\",\"nodes\":\"1\"}}",
		  "config.json: .linux.memoryPolicy.nodes: must be empty with MPOL_DEFAULT and "
		  "MPOL_LOCAL" },
		{ "{\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"3-1\"}}",
		  "config.json: .linux.memoryPolicy.nodes: not a node list such as \"0-3,7\" "
		  "(nodes below 1024)" },
		{ "{\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\",\"flags\":"
		  "[\"MPOL_F_STATIC_NODES\",\"MPOL_F_RELATIVE_NODES\"]}}",
		  "config.json: .linux.memoryPolicy.flags: MPOL_F_RELATIVE_NODES and "
		  "MPOL_F_STATIC_NODES exclude each other" },
		{ "{\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\",\"flags\":"
		  "[\"MPOL_F_X\"]}}",
		  "config.json: .linux.memoryPolicy.flags[0]: unknown memory policy flag "
		  "\"MPOL_F_X\"" },
		{ "{\"intelRdt\":{\"schemata\":[\"L3:0=f\\nMB:0=1\"]}}",
		  "config.json: .linux.intelRdt.schemata[0]: must not contain a newline" },
		{ "{\"intelRdt\":{\"memBwSchema\":\"L3:0=f\"}}",
		  "config.json: .linux.intelRdt.memBwSchema: must start with \"MB:\" and hold no "
		  "newline" },
		{ "{\"intelRdt\":{\"closID\":\"../x\"}}",
		  "config.json: .linux.intelRdt.closID: must be \"/\" or one directory name" },
		{ "{\"sysctl\":{\"kernel.hostname\":\"x\"}}",
		  "config.json: .linux.sysctl[\"kernel.hostname\"]: is not allowed: set .hostname "
		  "instead" },
		{ "{\"sysctl\":{\"kernel.domainname\":\"x\"}}",
		  "config.json: .linux.sysctl[\"kernel.domainname\"]: is not allowed: set "
		  ".domainname instead" },
	};
	unsigned long mask[SPEC_MEMPOLICY_MAX_NODES / (8 * sizeof(unsigned long))];
	const struct spec_linux *l;
	unsigned highest;
	struct spec s;

	(void)state;
	parse_str_ok(j, &s);
	l = &s.linux_;
	assert_int_equal(l->n_net_devices, 2);
	assert_string_equal(l->net_devices[0].host_name, "veth1");
	assert_string_equal(l->net_devices[0].name, "eth0");
	assert_string_equal(l->net_devices[1].host_name, "enp0s3");
	assert_null(l->net_devices[1].name);
	assert_true(l->memory_policy.present);
	assert_int_equal(l->memory_policy.mode, 3);
	assert_int_equal(l->memory_policy.flags, 1 << 15);
	assert_string_equal(l->memory_policy.nodes, "0-2,7");
	assert_int_equal(l->intel_rdt.schemata.n, 2);
	assert_string_equal(l->intel_rdt.schemata.v[1], "MB:0=20");
	assert_true(l->intel_rdt.enable_monitoring);
	spec_free(&s);
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		char text[128];

		snprintf(text, sizeof(text), "{\"ociVersion\":\"%s\",\"root\":{\"path\":\"r\"}}",
			 versions[i]);
		parse_str_ok(text, &s);
		spec_free(&s);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		_cleanup_free_ char *text = NULL;
		struct spec_errors e = { 0 };

		assert_true(asprintf(&text, "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},"
					    "\"linux\":%s}", bad[i].linux_) > 0);
		parse_str_errors(text, &e);
		if (e.n != 1 || strcmp(e.msg[0], bad[i].msg) != 0)
			fail_msg("case %zu: got %zu: %s\n want: %s", i, e.n, e.n ? e.msg[0] : "",
				 bad[i].msg);
		spec_errors_free(&e);
	}
	assert_int_equal(spec_nodes_parse("0-3,7", mask, 16, &highest), 0);
	assert_int_equal(highest, 8);
	assert_true(mask[0] == 0x8f);
	assert_int_equal(spec_nodes_parse("", mask, 16, &highest), 0);
	assert_int_equal(highest, 0);
	assert_int_equal(spec_nodes_parse("1,", mask, 16, &highest), -1);
	assert_int_equal(spec_nodes_parse("1024", mask, 16, &highest), -1);
	assert_int_equal(spec_nodes_parse("a", mask, 16, &highest), -1);
	assert_true(spec_ifname_valid("eth%d"));
	assert_false(spec_ifname_valid(".."));
	assert_false(spec_ifname_valid("a b"));
	assert_false(spec_ifname_valid("a:b"));
	assert_false(spec_ifname_valid(""));
}

static void test_numbers_exact(void **state)
{
	/* Above 2^53 a double would round these; json_int_t keeps them. */
	static const char j[] = MINI(
		",\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":9007199254740993,\"soft\":1}]",
		"{\"resources\":{\"memory\":{\"limit\":9223372036854775807,"
		"\"swap\":-9223372036854775807},\"cpu\":{\"quota\":9007199254740993}}}");
	struct spec s;

	parse_str_ok(j, &s);
	assert_true(s.process.rlimits[0].hard == 9007199254740993ULL);
	assert_true(s.linux_.resources.memory.limit == INT64_MAX);
	assert_true(s.linux_.resources.memory.swap == -INT64_MAX);
	assert_true(s.linux_.resources.cpu.quota == 9007199254740993LL);
	spec_free(&s);
}

static void test_numbers_u64_max(void **state)
{
	/*
	 * 18446744073709551615 is above INT64_MAX: jansson refuses it as an
	 * integer, kura marks it and reads it back exactly.  RLIM_INFINITY must
	 * come out as UINT64_MAX, -1-as-uint64 swappiness as "unset", and the
	 * other numbers of the same document must still be read right.
	 */
	static const char j[] = MINI(
		",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":18446744073709551615,"
		"\"soft\":18446744073709551615},{\"type\":\"RLIMIT_CORE\",\"hard\":4096,\"soft\":0}],"
		"\"oomScoreAdj\":-999",
		"{\"resources\":{\"memory\":{\"limit\":1048576,\"swappiness\":18446744073709551615},"
		"\"pids\":{\"limit\":-1}}}");
	struct spec s;

	parse_str_ok(j, &s);
	assert_true(s.process.rlimits[0].hard == UINT64_MAX);
	assert_true(s.process.rlimits[0].soft == UINT64_MAX);
	assert_true(s.process.rlimits[1].hard == 4096);
	assert_true(s.process.rlimits[1].soft == 0);
	assert_int_equal(s.process.oom_score_adj, -999);
	assert_true(s.linux_.resources.memory.present);
	assert_false(s.linux_.resources.memory.has_swappiness);
	assert_true(s.linux_.resources.memory.limit == 1048576);
	assert_true(s.linux_.resources.pids_limit == -1);
	spec_free(&s);
}

static void test_numbers_wrong(void **state)
{
	/* Out of range, in both readings of the document. */
	static const char exact[] = MINI(
		",\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":-9223372036854775808,\"soft\":0}]",
		"{\"resources\":{\"memory\":{\"swappiness\":9223372036854775807}}}");
	static const char as_real[] = MINI(
		",\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":1e20,\"soft\":0},"
		"{\"type\":\"RLIMIT_AS\",\"hard\":18446744073709551615,\"soft\":-1}]",
		"{\"resources\":{\"memory\":{\"limit\":18446744073709551615}}}");
	/* A whole real is an integer; a fraction is not. */
	static const char reals[] = MINI(",\"oomScoreAdj\":1e3", "{\"sysctl\":{}}");
	static const char fraction[] = MINI(",\"oomScoreAdj\":0.5", "{}");
	struct spec_errors e = { 0 };
	struct spec s;

	parse_str_errors(exact, &e);
	assert_int_equal(e.n, 2);
	assert_string_equal(e.msg[0], "config.json: .process.rlimits[0].hard: must be between 0 "
				      "and 18446744073709551615, not -9223372036854775808");
	assert_string_equal(e.msg[1], "config.json: .linux.resources.memory.swappiness: must be "
				      "between 0 and 100, not 9223372036854775807");
	spec_errors_free(&e);

	parse_str_errors(as_real, &e);
	assert_int_equal(e.n, 3);
	assert_string_equal(e.msg[0], "config.json: .process.rlimits[0].hard: must be between 0 "
				      "and 18446744073709551615, not 100000000000000000000");
	assert_string_equal(e.msg[1], "config.json: .process.rlimits[1].soft: must be between 0 "
				      "and 18446744073709551615, not -1");
	assert_string_equal(e.msg[2],
			    "config.json: .linux.resources.memory.limit: must be between "
			    "-9223372036854775808 and 9223372036854775807, not 18446744073709551615");
	spec_errors_free(&e);

	parse_str_ok(reals, &s);
	assert_int_equal(s.process.oom_score_adj, 1000);
	spec_free(&s);

	parse_str_errors(fraction, &e);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.msg[0], "config.json: .process.oomScoreAdj: must be an integer, not 0.5");
	spec_errors_free(&e);
}

/*
 * Issue 12: one number above INT64_MAX made the whole document read as
 * doubles, so 9007199254740993 (2^53+1) beside a 2^64-1 rlimit became
 * ...992.  Now each integer outside int64 is handled by its own field.
 */
static void test_numbers_big_keeps_others_exact(void **state)
{
	static const char j[] = MINI(
		",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":18446744073709551615,"
		"\"soft\":9007199254740993}]",
		"{\"resources\":{\"memory\":{\"limit\":9007199254740993},"
		"\"cpu\":{\"quota\":9007199254740993}},"
		"\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
		"\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":9007199254740993,"
		"\"valueTwo\":18446744073709551615,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]}}");
	/* big integers inside strings and keys are text, left alone */
	static const char in_strings[] = MINI(
		",\"env\":[\"N=18446744073709551616\",\"Q=\\\"99999999999999999999\"],"
		"\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":18446744073709551615,"
		"\"soft\":9007199254740993}]",
		"{\"sysctl\":{\"99999999999999999999\":\"1\"}}");
	/* a real of the document at the top of the range is not taken for a mark */
	static const char huge_real[] = MINI(
		",\"x\":1.7976931348623157e308,\"rlimits\":[{\"type\":\"RLIMIT_CORE\","
		"\"hard\":18446744073709551615,\"soft\":1.7976931348623157e308}]",
		"{}");
	/* one more than 2^64-1, and negatives: each refused by its own field */
	static const char over[] = MINI(
		",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":18446744073709551616,"
		"\"soft\":18446744073709551615}]",
		"{\"resources\":{\"memory\":{\"limit\":9223372036854775808,"
		"\"swap\":-9223372036854775809}},"
		"\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
		"\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":-1,"
		"\"valueTwo\":-18446744073709551615,\"op\":\"SCMP_CMP_EQ\"}]}]}}");
	/* a literal of any length is named, cut short */
	static const char long_literal[] = MINI(
		",\"oomScoreAdj\":1234567890123456789012345678901234567890123456789012345678901234567890",
		"{}");
	/* not a type the field takes: still "a number" */
	static const char wrong_type[] = MINI(",\"cwd\":18446744073709551615", "{}");
	struct spec_errors e = { 0 };
	struct spec s;

	(void)state;
	parse_str_ok(j, &s);
	assert_true(s.process.rlimits[0].hard == UINT64_MAX);
	assert_true(s.process.rlimits[0].soft == 9007199254740993ULL);
	assert_true(s.linux_.resources.memory.limit == 9007199254740993LL);
	assert_true(s.linux_.resources.cpu.quota == 9007199254740993LL);
	assert_int_equal(s.linux_.seccomp.n_syscalls, 1);
	assert_int_equal(s.linux_.seccomp.syscalls[0].n_args, 1);
	assert_true(s.linux_.seccomp.syscalls[0].args[0].value == 9007199254740993ULL);
	assert_true(s.linux_.seccomp.syscalls[0].args[0].value_two == UINT64_MAX);
	spec_free(&s);

	parse_str_ok(in_strings, &s);
	assert_string_equal(s.process.env.v[0], "N=18446744073709551616");
	assert_string_equal(s.process.env.v[1], "Q=\"99999999999999999999");
	assert_true(s.process.rlimits[0].hard == UINT64_MAX);
	assert_true(s.process.rlimits[0].soft == 9007199254740993ULL);
	assert_string_equal(s.linux_.sysctl.v[0].key, "99999999999999999999");
	spec_free(&s);

	parse_str_errors(huge_real, &e);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.msg[0], "config.json: .process.rlimits[0].soft: must be between 0 "
				      "and 18446744073709551615, not 179769313486231570814527423731704"
				      "356798070567525844996598917476803157260780028538760589558632766"
				      "878171540458953514382464234321326889464182768467546703537516986"
				      "049910576551282076245490090389328944075868508455133942304583236"
				      "903222948165808559332123348274797826204144723168738177180919299"
				      "881250404026184124858368");
	spec_errors_free(&e);

	parse_str_errors(over, &e);
	assert_int_equal(e.n, 5);
	assert_string_equal(e.msg[0], "config.json: .process.rlimits[0].hard: must be between 0 "
				      "and 18446744073709551615, not 18446744073709551616");
	assert_string_equal(e.msg[1], "config.json: .linux.resources.memory.limit: must be between "
				      "-9223372036854775808 and 9223372036854775807, not "
				      "9223372036854775808");
	assert_string_equal(e.msg[2], "config.json: .linux.resources.memory.swap: must be between "
				      "-9223372036854775808 and 9223372036854775807, not "
				      "-9223372036854775809");
	assert_string_equal(e.msg[3], "config.json: .linux.seccomp.syscalls[0].args[0].value: must "
				      "be between 0 and 18446744073709551615, not -1");
	assert_string_equal(e.msg[4], "config.json: .linux.seccomp.syscalls[0].args[0].valueTwo: "
				      "must be between 0 and 18446744073709551615, not "
				      "-18446744073709551615");
	spec_errors_free(&e);

	parse_str_errors(long_literal, &e);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.msg[0], "config.json: .process.oomScoreAdj: must be between -1000 "
				      "and 1000, not 1234567890123456789012345678901234567890...");
	spec_errors_free(&e);

	parse_str_errors(wrong_type, &e);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.msg[0], "config.json: .process.cwd: must be a string, not a number");
	spec_errors_free(&e);

	/* the overflowing text is still checked as JSON: a leading zero stays refused */
	parse_str_errors(MINI(",\"oomScoreAdj\":018446744073709551615", "{}"), &e);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.msg[0], "config.json: invalid JSON at line 1, column 117: invalid token near '0'");
	spec_errors_free(&e);
}

/* Issue 12: -1 is the only negative that means "no limit"; "/" is not a rootfs. */
static void test_negative_limits_and_root_slash(void **state)
{
	static const char neg[] = MINI(
		"", "{\"resources\":{\"pids\":{\"limit\":-2},\"cpu\":{\"quota\":-100000}}}");
	static const char minus_one[] = MINI(
		"", "{\"resources\":{\"pids\":{\"limit\":-1},\"cpu\":{\"quota\":-1}}}");
	static const char zero[] = MINI(
		"", "{\"resources\":{\"pids\":{\"limit\":0},\"cpu\":{\"quota\":0}}}");
	static const char *const slash[] = { "/", "//", "/.", "/tmp/..", "/./../" };
	static const char *const not_slash[] = { "/r", "r", ".", "/tmp/../r" };
	struct spec_errors e = { 0 };
	struct spec_resources r;
	struct spec s;

	(void)state;
	parse_str_errors(neg, &e);
	assert_int_equal(e.n, 2);
	assert_string_equal(e.msg[0], "config.json: .linux.resources.cpu.quota: must be between -1 "
				      "and 9223372036854775807, not -100000");
	assert_string_equal(e.msg[1], "config.json: .linux.resources.pids.limit: must be between -1 "
				      "and 9223372036854775807, not -2");
	spec_errors_free(&e);
	/* the same rule for `kura update --resources` */
	assert_int_equal(spec_resources_parse("{\"pids\":{\"limit\":-3}}", 23, NULL, &r, &e), -1);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.msg[0], "resources.json: .pids.limit: must be between -1 and "
				      "9223372036854775807, not -3");
	spec_errors_free(&e);

	parse_str_ok(minus_one, &s);
	assert_true(s.linux_.resources.has_pids_limit);
	assert_true(s.linux_.resources.pids_limit == -1);
	assert_true(s.linux_.resources.cpu.quota == -1);
	spec_free(&s);
	parse_str_ok(zero, &s);
	assert_true(s.linux_.resources.pids_limit == 0);
	spec_free(&s);

	for (size_t i = 0; i < sizeof(slash) / sizeof(slash[0]); i++) {
		char text[512], want[256];

		snprintf(text, sizeof(text),
			 "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"%s\"}}", slash[i]);
		snprintf(want, sizeof(want),
			 "config.json: .root.path: must not be \"%s\", the host's root directory",
			 slash[i]);
		parse_str_errors(text, &e);
		assert_int_equal(e.n, 1);
		assert_string_equal(e.msg[0], want);
		spec_errors_free(&e);
	}
	for (size_t i = 0; i < sizeof(not_slash) / sizeof(not_slash[0]); i++) {
		char text[512];

		snprintf(text, sizeof(text),
			 "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"%s\"}}", not_slash[i]);
		parse_str_ok(text, &s);
		spec_free(&s);
	}
}

/* ---- documents jansson reads differently from a plain C string parser ---- */

static void test_document_edges(void **state)
{
	/* Go (runc) keeps the last of duplicate keys; jansson does the same. */
	static const char dup[] = MINI(",\"cwd\":\"/second\"",
				       "{\"sysctl\":{\"net.a\":\"1\",\"net.a\":\"2\"}}");
	/* A NUL byte ends the document, as when it was read as a C string. */
	static const char nul[] = "{\"x\":1}\0garbage";
	static const char nul_in_string[] = "{\"x\":\"a\\u0000b\"}";
	struct spec_errors e = { 0 };
	struct spec s;
	struct spec_resources r;

	parse_str_ok(dup, &s);
	assert_string_equal(s.process.cwd, "/second");
	assert_int_equal(s.linux_.sysctl.n, 1);
	assert_string_equal(s.linux_.sysctl.v[0].key, "net.a");
	assert_string_equal(s.linux_.sysctl.v[0].value, "2");
	spec_free(&s);

	/* A scalar document is a wrong type, not a syntax error. */
	parse_str_errors("\"config\"", &e);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.msg[0], "config.json: must be an object, not a string");
	spec_errors_free(&e);

	assert_int_equal(spec_resources_parse(nul, sizeof(nul) - 1, NULL, &r, &e), 0);
	spec_resources_free(&r);
	/* A NUL inside a string would cut a path short: refused. */
	assert_int_equal(spec_resources_parse(nul_in_string, strlen(nul_in_string), NULL, &r, &e),
			 -1);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.msg[0], "resources.json: invalid JSON at line 1, column 15: \\u0000 is not allowed without JSON_ALLOW_NUL near '\"a\\u0000b\"'");
	spec_errors_free(&e);

	parse_str_errors("{\n\"ociVersion\": \"1.2.0\",\n\n  \"root\": tru\n}", &e);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.msg[0], "config.json: invalid JSON at line 4, column 13: invalid token near 'tru'");
	spec_errors_free(&e);
	parse_str_errors(" \n\n", &e);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.msg[0], "config.json: invalid JSON at line 3, column 1: unexpected token near end of file");
	spec_errors_free(&e);
}

/* runc writes its config with tabs, keys in the order of its Go struct. */
static void test_default_layout(void **state)
{
	_cleanup_free_ char *j = spec_default_json(false);

	assert_non_null(j);
	assert_true(strncmp(j, "{\n\t\"ociVersion\": \"" SPEC_OCI_VERSION "\",\n\t\"process\": {\n"
			       "\t\t\"terminal\": true,\n\t\t\"user\": {\n\t\t\t\"uid\": 0,\n",
			    strlen("{\n\t\"ociVersion\": \"" SPEC_OCI_VERSION "\",\n\t\"process\": {\n"
				   "\t\t\"terminal\": true,\n\t\t\"user\": {\n\t\t\t\"uid\": 0,\n")) == 0);
	assert_non_null(strstr(j, "\n\t\"root\": {\n\t\t\"path\": \"rootfs\",\n"));
	assert_null(strstr(j, "\n "));
	assert_int_equal(j[strlen(j) - 1], '}');
}

static void test_names(void **state)
{
	uint32_t a = 1234, f = 0;
	unsigned int sf = 0;

	for (int t = 0; t < SPEC_NS_COUNT; t++)
		assert_int_equal(spec_ns_from_name(spec_ns_name((enum spec_ns_type)t)), t);
	assert_int_equal(spec_ns_from_name("netwrk"), -1);
	assert_string_equal(spec_ns_proc_name(SPEC_NS_NETWORK), "net");
	assert_string_equal(spec_ns_proc_name(SPEC_NS_MOUNT), "mnt");
	assert_int_equal(spec_ns_clone_flag(SPEC_NS_MOUNT), CLONE_NEWNS);
	assert_int_equal(spec_ns_clone_flag(SPEC_NS_TIME), CLONE_NEWTIME);
	assert_int_equal(spec_rlimit_from_name("RLIMIT_AS"), RLIMIT_AS);
	assert_int_equal(spec_rlimit_from_name("RLIMIT_STACK"), RLIMIT_STACK);
	assert_int_equal(spec_rlimit_from_name("RLIMIT_RTTIME"), RLIMIT_RTTIME);
	assert_int_equal(spec_rlimit_from_name("rlimit_nofile"), -1);
	assert_int_equal(spec_sched_policy_from_name("SCHED_OTHER"), SCHED_OTHER);
	assert_int_equal(spec_sched_policy_from_name("SCHED_IDLE"), SCHED_IDLE);
	assert_int_equal(spec_sched_policy_from_name("SCHED_ISO"), 4);
	assert_int_equal(spec_sched_flag_from_name("SCHED_FLAG_UTIL_CLAMP_MAX", &f), 0);
	assert_int_equal(f, 0x40);
	assert_int_equal(spec_ioprio_class_from_name("IOPRIO_CLASS_RT"), 1);
	assert_int_equal(spec_ioprio_class_from_name("IOPRIO_CLASS_IDLE"), 3);
	assert_int_equal(spec_seccomp_action_from_name("SCMP_ACT_LOG", &a), 0);
	assert_int_equal(a, SCMP_ACT_LOG);
	assert_int_equal(spec_seccomp_action_from_name("SCMP_ACT_KILL_PROCESS", &a), 0);
	assert_int_equal(a, SCMP_ACT_KILL_PROCESS);
	assert_int_equal(spec_seccomp_action_from_name("SCMP_ACT_NOPE", &a), -1);
	assert_int_equal(spec_seccomp_op_from_name("SCMP_CMP_NE"), SCMP_CMP_NE);
	assert_int_equal(spec_seccomp_op_from_name("SCMP_CMP_GT"), SCMP_CMP_GT);
	assert_int_equal(spec_seccomp_flag_from_name("SECCOMP_FILTER_FLAG_SPEC_ALLOW", &sf), 0);
	assert_int_equal(sf, 4);
	assert_int_equal(spec_seccomp_arch_from_name("SCMP_ARCH_AARCH64"), SCMP_ARCH_AARCH64);
	assert_int_equal(spec_seccomp_arch_from_name("SCMP_ARCH_"), 0);
	assert_int_equal(spec_seccomp_arch_from_name("x86_64"), 0);
	assert_int_equal(spec_propagation_flags("private"), MS_PRIVATE);
	assert_int_equal(spec_propagation_flags("runbindable"), MS_UNBINDABLE | MS_REC);
	assert_int_equal(spec_propagation_flags("rsharedd"), 0);
}

/* ---- `kura spec` and `kura check` as commands ---- */

static int run_cmd(cmd_fn fn, int argc, const char **argv)
{
	struct kura_global g = { .root = "/tmp", .rootless = -1 };
	int saved = dup(STDERR_FILENO), devnull = open("/dev/null", O_WRONLY);
	int r;

	/* The commands report on stderr; keep the test output readable. */
	dup2(devnull, STDERR_FILENO);
	r = fn(&g, argc, (char **)argv);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(devnull);
	return r;
}

static void test_cmd_spec_and_check(void **state)
{
	char dir[] = "/tmp/kura-test-spec-XXXXXX";
	char path[PATH_MAX], cmd[PATH_MAX + 16];
	const char *spec_argv[] = { "spec", "--bundle", dir, NULL };
	const char *bad_flag[] = { "spec", "--bogus", NULL };
	const char *check_argv[] = { "check", "-b", dir, NULL };
	struct stat st;
	struct spec s;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(run_cmd(cmd_spec, 3, spec_argv), 0);
	snprintf(path, sizeof(path), "%s/config.json", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	load_ok(path, &s);
	assert_string_equal(s.hostname, "kura");
	spec_free(&s);
	/* Never clobbers an existing config. */
	assert_int_equal(run_cmd(cmd_spec, 3, spec_argv), 1);
	assert_int_equal(run_cmd(cmd_spec, 2, bad_flag), 1);
	/* No rootfs yet: check fails; nor without the program to run; with both, passes. */
	assert_int_equal(run_cmd(cmd_check, 3, check_argv), 1);
	snprintf(path, sizeof(path), "%s/rootfs", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(run_cmd(cmd_check, 3, check_argv), 1);
	snprintf(path, sizeof(path), "%s/rootfs/bin", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/rootfs/bin/sh", dir);
	assert_int_equal(close(open(path, O_WRONLY | O_CREAT | O_EXCL, 0755)), 0);
	assert_int_equal(run_cmd(cmd_check, 3, check_argv), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_top),
		cmocka_unit_test(test_full_process),
		cmocka_unit_test(test_full_linux),
		cmocka_unit_test(test_full_resources),
		cmocka_unit_test(test_full_seccomp),
		cmocka_unit_test(test_process_parse),
		cmocka_unit_test(test_default_rootful),
		cmocka_unit_test(test_default_rootless),
		cmocka_unit_test(test_bad_table),
		cmocka_unit_test(test_unknown_fields_and_nulls),
		cmocka_unit_test(test_misspelt_keys_warned),
		cmocka_unit_test(test_lenient_keeps_parsed),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_resources_parse),
		cmocka_unit_test(test_numbers_exact),
		cmocka_unit_test(test_numbers_u64_max),
		cmocka_unit_test(test_numbers_wrong),
		cmocka_unit_test(test_numbers_big_keeps_others_exact),
		cmocka_unit_test(test_negative_limits_and_root_slash),
		cmocka_unit_test(test_document_edges),
		cmocka_unit_test(test_default_layout),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_spec_13),
		cmocka_unit_test(test_cmd_spec_and_check),
	};

	return cmocka_run_group_tests_name("spec", tests, NULL, NULL);
}
