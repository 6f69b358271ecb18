/* SPDX-License-Identifier: Apache-2.0 */
/*
 * seccomp_build: refusals checked on the error text, and every filter that
 * builds is loaded for real in a child, which checks what its syscalls return.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process/process_seccomp.h"
#include "specs/spec.h"
#include "bootstrap/sync.h"
#include "util/util.h"

#define PODMAN_PROFILE "/usr/share/containers/seccomp.json"

/* ---- building specs by hand ---- */

static struct spec_syscall sc_rule(const char **names, size_t n, uint32_t action)
{
	struct spec_syscall sc;

	memset(&sc, 0, sizeof(sc));
	sc.names.v = (char **)names;
	sc.names.n = n;
	sc.action = action;
	return sc;
}

static struct spec_seccomp sec_spec(uint32_t def, struct spec_syscall *rules, size_t n)
{
	struct spec_seccomp s;

	memset(&s, 0, sizeof(s));
	s.present = true;
	s.default_action = def;
	s.syscalls = rules;
	s.n_syscalls = n;
	return s;
}

/* Build must fail; the message must contain want. */
static void assert_refused(const struct spec_seccomp *s, const char *want)
{
	scmp_filter_ctx ctx = NULL;
	struct kerr err = { 0 };

	assert_int_equal(seccomp_build(s, &ctx, &err), -1);
	assert_null(ctx);
	if (!strstr(err.msg, want))
		fail_msg("error \"%s\" lacks \"%s\"", err.msg, want);
}

static scmp_filter_ctx assert_builds(const struct spec_seccomp *s)
{
	scmp_filter_ctx ctx = NULL;
	struct kerr err = { 0 };

	if (seccomp_build(s, &ctx, &err) < 0)
		fail_msg("seccomp_build: %s", err.msg);
	assert_non_null(ctx);
	return ctx;
}

/* ---- running a filter in a child ---- */

/* One syscall the child makes after loading, and the errno it must see (0: success). */
struct probe {
	long nr;
	long a0, a1;
	int want_errno;
};

/*
 * The raw exit_group: the filter may deny what _exit()'s sanitizer hooks
 * would call first (sigaltstack under ASan).
 */
static void child_exit(int code)
{
	for (;;)
		syscall(SYS_exit_group, code);
}

/*
 * Fork; the child sets no_new_privs (so no privilege is needed), loads
 * the filter and runs the probes; exit 0 when all saw what they should,
 * else 10 + the index of the first that did not.
 */
static void run_probes(scmp_filter_ctx ctx, const struct probe *p, size_t n)
{
	pid_t pid;
	int status;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_load(ctx) < 0)
			child_exit(2);
		for (size_t i = 0; i < n; i++) {
			long r;

			errno = 0;
			r = syscall(p[i].nr, p[i].a0, p[i].a1, 0, 0, 0, 0);
			if (p[i].want_errno == 0 ? r < 0 : (r != -1 || errno != p[i].want_errno))
				child_exit((int)(10 + i));
		}
		child_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) != 0)
		fail_msg("child: exit %d (2: load failed, 10+i: probe i)", WEXITSTATUS(status));
}

static char probe_dir[64];

static int probe_dir_setup(void **state)
{
	strcpy(probe_dir, "/tmp/kura-test-seccomp-XXXXXX");
	assert_non_null(mkdtemp(probe_dir));
	return 0;
}

static int probe_dir_teardown(void **state)
{
	char sub[96];

	snprintf(sub, sizeof(sub), "%s/d", probe_dir);
	rmdir(sub);
	assert_int_equal(rmdir(probe_dir), 0);
	return 0;
}

/* ---- tests ---- */

static void test_errno_ret_reaches_the_caller(void **state)
{
	const char *names[] = { "mkdir", "mkdirat" };
	struct spec_syscall r = sc_rule(names, 2, SCMP_ACT_ERRNO(0));
	struct spec_seccomp s = sec_spec(SCMP_ACT_ALLOW, &r, 1);
	char sub[96];
	scmp_filter_ctx ctx;

	r.has_errno_ret = true;
	r.errno_ret = ENOSYS;
	snprintf(sub, sizeof(sub), "%s/d", probe_dir);
	ctx = assert_builds(&s);
	{
		struct probe p[] = {
			{ SYS_mkdirat, AT_FDCWD, (long)sub, ENOSYS },
			{ SYS_getpid, 0, 0, 0 },
		};
		run_probes(ctx, p, 2);
	}
	seccomp_release(ctx);
	/* the filter, not a real failure: the directory was never made */
	assert_int_equal(access(sub, F_OK), -1);
}

static void test_errno_defaults_to_eperm(void **state)
{
	const char *names[] = { "getppid" };
	struct spec_syscall r = sc_rule(names, 1, SCMP_ACT_ERRNO(0));
	struct spec_seccomp s = sec_spec(SCMP_ACT_ALLOW, &r, 1);
	scmp_filter_ctx ctx = assert_builds(&s);
	struct probe p[] = { { SYS_getppid, 0, 0, EPERM } };

	run_probes(ctx, p, 1);
	seccomp_release(ctx);
}

static void test_default_errno_ret(void **state)
{
	const char *names[] = { "exit_group", "exit", "getpid" };
	struct spec_syscall r = sc_rule(names, 3, SCMP_ACT_ALLOW);
	struct spec_seccomp s = sec_spec(SCMP_ACT_ERRNO(0), &r, 1);
	scmp_filter_ctx ctx;
	struct probe p[] = {
		{ SYS_getpid, 0, 0, 0 },
		{ SYS_getppid, 0, 0, ENOSYS },
		{ SYS_getuid, 0, 0, ENOSYS },
	};

	s.has_default_errno_ret = true;
	s.default_errno_ret = ENOSYS;
	ctx = assert_builds(&s);
	run_probes(ctx, p, 3);
	seccomp_release(ctx);
}

/*
 * A profile older than a syscall: the syscalls numbered above its highest
 * name answer ENOSYS (a libc falls back), the ones below keep the default.
 */
static void test_enosys_past_the_profile(void **state)
{
	/* exit_group is 231 on x86_64: everything above it is "newer" */
	const char *names[] = { "exit_group", "exit", "getpid" };
	struct spec_syscall r = sc_rule(names, 3, SCMP_ACT_ALLOW);
	struct spec_seccomp s = sec_spec(SCMP_ACT_ERRNO(0), &r, 1);
	scmp_filter_ctx ctx;
	struct probe p[] = {
		{ SYS_getpid, 0, 0, 0 },
		{ SYS_getppid, 0, 0, EPERM },         /* 110: below, the default */
		{ SYS_close_range, 1000, 1001, ENOSYS }, /* 436: newer */
		{ SYS_faccessat2, 0, 0, ENOSYS },     /* 439: newer */
	};

	(void)state;
	ctx = assert_builds(&s);
	run_probes(ctx, p, 4);
	seccomp_release(ctx);

	/* an allow-by-default profile needs no stub: a newer syscall is allowed */
	{
		const char *deny[] = { "getppid" };
		struct spec_syscall d = sc_rule(deny, 1, SCMP_ACT_ERRNO(0));
		struct spec_seccomp a = sec_spec(SCMP_ACT_ALLOW, &d, 1);
		struct probe q[] = {
			{ SYS_getppid, 0, 0, EPERM },
			{ SYS_close_range, 1000, 1001, 0 },
		};

		ctx = assert_builds(&a);
		run_probes(ctx, q, 2);
		seccomp_release(ctx);
	}
}

static void test_unknown_syscall_skipped(void **state)
{
	const char *names[] = { "no_such_syscall_kura", "getppid" };
	struct spec_syscall r = sc_rule(names, 2, SCMP_ACT_ERRNO(0));
	struct spec_seccomp s = sec_spec(SCMP_ACT_ALLOW, &r, 1);
	scmp_filter_ctx ctx;
	struct probe p[] = { { SYS_getppid, 0, 0, EXDEV } };

	r.has_errno_ret = true;
	r.errno_ret = EXDEV;
	ctx = assert_builds(&s);
	/* the rest of the rule still applies */
	run_probes(ctx, p, 1);
	seccomp_release(ctx);
}

static void test_rule_equal_to_default_skipped(void **state)
{
	const char *names[] = { "getppid" };
	struct spec_syscall r[2] = {
		sc_rule(names, 1, SCMP_ACT_ALLOW),
		sc_rule(names, 1, SCMP_ACT_ERRNO(0)),
	};
	struct spec_seccomp s = sec_spec(SCMP_ACT_ERRNO(0), r, 2);
	scmp_filter_ctx raw = seccomp_init(SCMP_ACT_ERRNO(EPERM));

	/* what kura must work around: libseccomp refuses such a rule */
	assert_non_null(raw);
	assert_true(seccomp_rule_add(raw, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(getppid), 0) < 0);
	seccomp_release(raw);

	seccomp_release(assert_builds(&s));
	/* ERRNO(1) vs a default of ERRNO(38): different actions, both kept */
	s.has_default_errno_ret = true;
	s.default_errno_ret = ENOSYS;
	seccomp_release(assert_builds(&s));
}

static void test_args_conditions(void **state)
{
	const char *names[] = { "getpriority" };
	struct spec_syscall_arg masked = {
		.index = 0, .op = SCMP_CMP_MASKED_EQ, .value = 0xf0, .value_two = 0x10
	};
	struct spec_syscall r = sc_rule(names, 1, SCMP_ACT_ERRNO(0));
	struct spec_seccomp s = sec_spec(SCMP_ACT_ALLOW, &r, 1);
	scmp_filter_ctx ctx;
	struct probe p[] = {
		{ SYS_getpriority, 0x13, 0, ENOSYS },         /* 0x13 & 0xf0 == 0x10 */
		{ SYS_getpriority, PRIO_PROCESS, 0, 0 },      /* not matched: allowed */
		{ SYS_getpriority, 0x23, 0, EINVAL },         /* the kernel's own answer */
	};

	r.has_errno_ret = true;
	r.errno_ret = ENOSYS;
	r.args = &masked;
	r.n_args = 1;
	ctx = assert_builds(&s);
	run_probes(ctx, p, 3);
	seccomp_release(ctx);
}

static void test_args_two_on_one_index_are_ored(void **state)
{
	const char *names[] = { "getpriority" };
	struct spec_syscall_arg args[] = {
		{ .index = 0, .op = SCMP_CMP_EQ, .value = 5 },
		{ .index = 0, .op = SCMP_CMP_EQ, .value = 6 },
	};
	struct spec_syscall r = sc_rule(names, 1, SCMP_ACT_ERRNO(0));
	struct spec_seccomp s = sec_spec(SCMP_ACT_ALLOW, &r, 1);
	scmp_filter_ctx ctx;
	struct probe p[] = {
		{ SYS_getpriority, 5, 0, ENOSYS },
		{ SYS_getpriority, 6, 0, ENOSYS },
		{ SYS_getpriority, 7, 0, EINVAL },
	};

	r.has_errno_ret = true;
	r.errno_ret = ENOSYS;
	r.args = args;
	r.n_args = 2;
	ctx = assert_builds(&s);
	run_probes(ctx, p, 3);
	seccomp_release(ctx);
}

static void test_args_on_two_indexes_are_anded(void **state)
{
	const char *names[] = { "getpriority" };
	struct spec_syscall_arg args[] = {
		{ .index = 0, .op = SCMP_CMP_EQ, .value = 5 },
		{ .index = 1, .op = SCMP_CMP_GT, .value = 100 },
	};
	struct spec_syscall r = sc_rule(names, 1, SCMP_ACT_ERRNO(0));
	struct spec_seccomp s = sec_spec(SCMP_ACT_ALLOW, &r, 1);
	scmp_filter_ctx ctx;
	struct probe p[] = {
		{ SYS_getpriority, 5, 101, ENOSYS },
		{ SYS_getpriority, 5, 100, EINVAL },
		{ SYS_getpriority, 4, 101, EINVAL },
	};

	r.has_errno_ret = true;
	r.errno_ret = ENOSYS;
	r.args = args;
	r.n_args = 2;
	ctx = assert_builds(&s);
	run_probes(ctx, p, 3);
	seccomp_release(ctx);
}

static void test_refusals(void **state)
{
	const char *names[] = { "getpid" };
	const char *write_names[] = { "getpid", "write" };
	struct spec_syscall_arg bad_index = { .index = 6, .op = SCMP_CMP_EQ };
	struct spec_syscall_arg bad_op = { .index = 0, .op = 99 };
	struct spec_syscall r = sc_rule(names, 1, SCMP_ACT_ERRNO(0));
	struct spec_seccomp s = sec_spec(SCMP_ACT_ALLOW, &r, 1);
	char *arch[] = { (char *)"SCMP_ARCH_X86_64", (char *)"SCMP_ARCH_VAX" };
	char *flag[] = { (char *)"SECCOMP_FILTER_FLAG_LOG", (char *)"SECCOMP_FILTER_FLAG_BOGUS" };

	r.args = &bad_index;
	r.n_args = 1;
	assert_refused(&s, ".linux.seccomp.syscalls[0].args[0].index: 6 is not below 6");
	r.args = &bad_op;
	assert_refused(&s, ".linux.seccomp.syscalls[0].args[0].op: unknown operator 99");
	r.args = NULL;
	r.n_args = 0;

	s.architectures.v = arch;
	s.architectures.n = 2;
	assert_refused(&s, ".linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_VAX\"");
	s.architectures.n = 0;

	s.flags.v = flag;
	s.flags.n = 2;
	assert_refused(&s, ".linux.seccomp.flags[1]: unknown flag \"SECCOMP_FILTER_FLAG_BOGUS\"");
	s.flags.n = 0;

	r.action = 0x12345678;
	assert_refused(&s, ".linux.seccomp.syscalls[0].action: unknown action");
	r.action = SCMP_ACT_ERRNO(0);

	/* a notifying filter needs somewhere to send its listener */
	r.action = SCMP_ACT_NOTIFY;
	assert_refused(&s, ".linux.seccomp.listenerPath: required by SCMP_ACT_NOTIFY");
	s.listener_path = (char *)"/run/agent.sock";
	seccomp_release(assert_builds(&s));
	/* the init half needs write/sendmsg/recv* to hand the listener over */
	r.names.v = (char **)write_names;
	r.names.n = 2;
	assert_refused(&s, ".linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY cannot be used for \"write\"");
	s.default_action = SCMP_ACT_NOTIFY;
	assert_refused(&s, ".linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
}

static void test_wait_killable_recv(void **state)
{
	char *flag[] = { (char *)"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" };
	const char *names[] = { "getppid" };
	struct spec_syscall r = sc_rule(names, 1, SCMP_ACT_NOTIFY);
	struct spec_seccomp s = sec_spec(SCMP_ACT_ALLOW, &r, 1);
	struct sync_msg m;
	int sv[2], fd = -1, status;
	pid_t pid;

	(void)state;
	s.flags.v = flag;
	s.flags.n = 1;
	s.listener_path = (char *)"/unused";
	seccomp_release(assert_builds(&s));

	/*
	 * Installed for real (libseccomp 2.5 cannot: kura loads the BPF with
	 * seccomp(2) and the flag itself): the child gets a listener, which it
	 * sends as the init half does; the parent plays kura.
	 */
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct kerr err;

		close(sv[0]);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			child_exit(2);
		child_exit(seccomp_apply(&s, sv[1], &err) < 0 ? 3 : 0);
	}
	close(sv[1]);
	assert_int_equal(sync_recv_fd(sv[0], &m, &fd), 1);
	assert_int_equal(m.type, SYNC_SECCOMP_FD);
	assert_true(fd >= 0);
	assert_int_equal(sync_send(sv[0], SYNC_SECCOMP_DONE, 0, NULL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(fd);
	close(sv[0]);
}

static void test_flags_arches_and_nnp_attrs(void **state)
{
	char *arch[] = { (char *)"SCMP_ARCH_X86_64", (char *)"SCMP_ARCH_X86", (char *)"SCMP_ARCH_X32" };
	char *flag[] = { (char *)"SECCOMP_FILTER_FLAG_TSYNC", (char *)"SECCOMP_FILTER_FLAG_LOG",
			 (char *)"SECCOMP_FILTER_FLAG_SPEC_ALLOW" };
	struct spec_seccomp s = sec_spec(SCMP_ACT_ALLOW, NULL, 0);
	scmp_filter_ctx ctx;
	uint32_t v;

	s.architectures.v = arch;
	s.architectures.n = 3;
	s.flags.v = flag;
	s.flags.n = 3;
	ctx = assert_builds(&s);
	assert_int_equal(seccomp_arch_exist(ctx, SCMP_ARCH_X86), 0);
	assert_int_equal(seccomp_arch_exist(ctx, SCMP_ARCH_X32), 0);
	assert_int_equal(seccomp_arch_exist(ctx, SCMP_ARCH_AARCH64), -EEXIST);
	assert_int_equal(seccomp_attr_get(ctx, SCMP_FLTATR_CTL_TSYNC, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(seccomp_attr_get(ctx, SCMP_FLTATR_CTL_LOG, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(seccomp_attr_get(ctx, SCMP_FLTATR_CTL_SSB, &v), 0);
	assert_int_equal(v, 1);
	/* noNewPrivileges decides, not libseccomp's default of setting it */
	assert_int_equal(seccomp_attr_get(ctx, SCMP_FLTATR_CTL_NNP, &v), 0);
	assert_int_equal(v, 0);
	seccomp_release(ctx);
}

static void test_every_action_builds(void **state)
{
	const char *names[] = { "getppid" };
	const uint32_t actions[] = { SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP,
				     SCMP_ACT_ERRNO(0), SCMP_ACT_TRACE(0), SCMP_ACT_LOG,
				     SCMP_ACT_NOTIFY };

	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		struct spec_syscall r = sc_rule(names, 1, actions[i]);
		struct spec_seccomp s = sec_spec(SCMP_ACT_ALLOW, &r, 1);

		s.listener_path = (char *)"/run/agent.sock";
		seccomp_release(assert_builds(&s));
	}
}

/*
 * podman's default profile, turned into the OCI form podman hands to a
 * runtime (by jq, so this test needs no JSON library of its own): entries
 * for other arches dropped, entries gated on a capability taken as for a
 * container without it (includes.caps dropped, excludes.caps kept),
 * archMap replaced by the native arches.
 */
/* tests/data/podman-seccomp.jq (shared with seccomp.bats), wrapped in a config */
#define PODMAN_TO_OCI                                                               \
	"jq -c -f tests/data/podman-seccomp.jq " PODMAN_PROFILE " | jq -c "          \
	"'{ociVersion: \"1.2.0\", root: {path: \"rootfs\"}, linux: {seccomp: .}}' 2>/dev/null"

static char *podman_profile_config(void)
{
	struct kerr err;
	FILE *f;
	char *json;
	int fd;

	if (access(PODMAN_PROFILE, R_OK) < 0)
		return NULL;
	f = popen(PODMAN_TO_OCI, "r");
	if (!f)
		return NULL;
	fd = fileno(f);
	json = util_read_fd(fd, NULL, &err);
	if (pclose(f) != 0) {
		free(json);
		return NULL;
	}
	return json;
}

static void test_podman_default_profile(void **state)
{
	_cleanup_free_ char *json = podman_profile_config();
	struct spec_errors errs = { 0 };
	struct spec sp;
	scmp_filter_ctx ctx;
	int memfd;
	struct stat st;

	if (!json)
		skip();
	if (spec_parse(json, strlen(json), "config.json", &sp, &errs) < 0)
		fail_msg("spec_parse: %s", errs.n ? errs.msg[0] : "?");
	assert_true(sp.linux_.seccomp.n_syscalls > 20);
	ctx = assert_builds(&sp.linux_.seccomp);

	/* exported without loading: a real BPF program comes out */
	memfd = memfd_create("bpf", MFD_CLOEXEC);
	assert_true(memfd >= 0);
	assert_int_equal(seccomp_export_bpf(ctx, memfd), 0);
	assert_int_equal(fstat(memfd, &st), 0);
	assert_true(st.st_size > 100 * 8);
	close(memfd);

	{
		struct probe p[] = {
			{ SYS_getpid, 0, 0, 0 },
			{ SYS_add_key, 0, 0, ENOSYS },   /* unlisted: defaultErrnoRet 38 */
			{ SYS_swapon, 0, 0, EPERM },     /* listed with errnoRet 1 */
			{ SYS_bpf, 0, 0, EPERM },        /* CAP_SYS_ADMIN absent */
			{ SYS_personality, 0xffffffff, 0, 0 }, /* allowed by its args rule */
			{ SYS_personality, 0x12345, 0, ENOSYS },
		};
		run_probes(ctx, p, sizeof(p) / sizeof(p[0]));
	}
	seccomp_release(ctx);
	spec_free(&sp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_errno_ret_reaches_the_caller, probe_dir_setup,
						probe_dir_teardown),
		cmocka_unit_test(test_errno_defaults_to_eperm),
		cmocka_unit_test(test_default_errno_ret),
		cmocka_unit_test(test_enosys_past_the_profile),
		cmocka_unit_test(test_unknown_syscall_skipped),
		cmocka_unit_test(test_rule_equal_to_default_skipped),
		cmocka_unit_test(test_args_conditions),
		cmocka_unit_test(test_args_two_on_one_index_are_ored),
		cmocka_unit_test(test_args_on_two_indexes_are_anded),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_wait_killable_recv),
		cmocka_unit_test(test_flags_arches_and_nnp_attrs),
		cmocka_unit_test(test_every_action_builds),
		cmocka_unit_test(test_podman_default_profile),
	};

	return cmocka_run_group_tests_name("seccomp", tests, NULL, NULL);
}
