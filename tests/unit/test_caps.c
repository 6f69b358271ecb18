/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capability names, and the sets as a child really ends up with them
 * (/proc/self/status) after process_finalize(): needs root for that part.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cap-ng.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process/caps.h"
#include "process/process.h"
#include "util/util.h"

static void test_names_match_the_kernel_numbers(void **state)
{
	/* libcap-ng's table is an independent source of the same numbers */
	for (unsigned int c = 0; c <= 40; c++) {
		const char *lower = capng_capability_to_name(c);
		char name[64] = "CAP_";
		size_t i;

		assert_non_null(lower);
		for (i = 0; lower[i] && i < sizeof(name) - 5; i++)
			name[4 + i] = (char)toupper((unsigned char)lower[i]);
		name[4 + i] = '\0';
		if (process_cap_from_name(name) != (int)c)
			fail_msg("%s: got %d, want %u", name, process_cap_from_name(name), c);
	}
}

static void test_unknown_names(void **state)
{
	assert_int_equal(process_cap_from_name("CAP_SYS_ADMIN"), 21);
	assert_int_equal(process_cap_from_name("CAP_FOO"), -1);
	assert_int_equal(process_cap_from_name("cap_chown"), -1);
	assert_int_equal(process_cap_from_name("CHOWN"), -1);
	assert_int_equal(process_cap_from_name(""), -1);
	assert_int_equal(process_cap_from_name(NULL), -1);
}

static void test_mask_error_names_the_field(void **state)
{
	char *names[] = { (char *)"CAP_CHOWN", (char *)"CAP_KILL", (char *)"CAP_NET_RAW",
			  (char *)"CAP_FOO" };
	struct spec_strv sv = { names, 4 };
	struct kerr err = { 0 };
	uint64_t mask = 0xdead;

	assert_int_equal(caps_mask_from_names(&sv, ".process.capabilities.bounding", 40, &mask,
					      &err), -1);
	assert_string_equal(err.msg,
			    ".process.capabilities.bounding[3]: unknown capability \"CAP_FOO\"");
	/* never clobbered on failure */
	assert_int_equal(mask, 0xdead);

	sv.n = 3;
	assert_int_equal(caps_mask_from_names(&sv, ".process.capabilities.bounding", 40, &mask,
					      &err), 0);
	assert_int_equal(mask, (1u << 0) | (1u << 5) | (1u << 13));
}

static void test_capability_newer_than_kernel_warns(void **state)
{
	char *names[] = { (char *)"CAP_CHOWN", (char *)"CAP_BPF", (char *)"CAP_KILL" };
	struct spec_strv sv = { names, 3 };
	struct kerr err = { 0 };
	uint64_t mask = 0;
	int memfd = memfd_create("stderr", 0);
	int saved = dup(STDERR_FILENO);
	char buf[512] = "";

	assert_true(memfd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(memfd, STDERR_FILENO);
	/* a kernel whose last capability is CAP_PERFMON (38) */
	assert_int_equal(caps_mask_from_names(&sv, ".process.capabilities.effective", 38, &mask,
					      &err), 0);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	assert_true(pread(memfd, buf, sizeof(buf) - 1, 0) > 0);
	close(memfd);
	assert_int_equal(mask, (1u << 0) | (1u << 5));
	if (!strstr(buf, "kura: warning: .process.capabilities.effective[1]: capability CAP_BPF"))
		fail_msg("stderr: \"%s\"", buf);
}

static void test_inheritable_empty_unless_asked(void **state)
{
	char *all[] = { (char *)"CAP_CHOWN", (char *)"CAP_KILL" };
	struct spec_capabilities c;
	struct caps_masks m;
	struct kerr err = { 0 };

	memset(&c, 0, sizeof(c));
	c.present = true;
	c.bounding = c.effective = c.permitted = (struct spec_strv){ all, 2 };
	assert_int_equal(caps_masks_from_spec(&c, 40, &m, &err), 0);
	assert_int_equal(m.bounding, 0x21);
	assert_int_equal(m.inheritable, 0);
	assert_int_equal(m.ambient, 0);

	c.ambient = (struct spec_strv){ all + 1, 1 };
	c.inheritable = (struct spec_strv){ (char *[]){ (char *)"CAP_NOPE" }, 1 };
	assert_int_equal(caps_masks_from_spec(&c, 40, &m, &err), -1);
	assert_string_equal(err.msg,
			    ".process.capabilities.inheritable[0]: unknown capability \"CAP_NOPE\"");
}

/* ---- the real thing, in a child ---- */

struct status {
	char cap_inh[32], cap_prm[32], cap_eff[32], cap_bnd[32], cap_amb[32];
	char uid[64], gid[64], groups[128];
	int no_new_privs;
	unsigned int umask;
	char cwd[256];
	char err[KERR_MAX];
};

static void status_field(const char *text, const char *key, char *out, size_t size)
{
	const char *p = strstr(text, key);
	size_t n;

	out[0] = '\0';
	if (!p)
		return;
	p += strlen(key);
	while (*p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, "\n");
	if (n >= size)
		n = size - 1;
	memcpy(out, p, n);
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* Run process_finalize() in a child; what it then is comes back in *st. */
static int finalize_in_child(const struct spec_process *p, struct status *st)
{
	struct status *shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct spec s;
	pid_t pid;
	int status;

	assert_true(shared != MAP_FAILED);
	memset(shared, 0, sizeof(*shared));
	memset(&s, 0, sizeof(s));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct kerr err = { 0 };
		_cleanup_free_ char *text = NULL;
		char nnp[8];

		/* the container's own process: its missing cwd is made (an exec's is not) */
		s.process = *p;
		if (process_finalize(&s.process, &s, -1, &err) < 0) {
			snprintf(shared->err, sizeof(shared->err), "%s", err.msg);
			_exit(1);
		}
		text = util_read_file("/proc/self/status", NULL, &err);
		if (!text)
			_exit(2);
		status_field(text, "CapInh:", shared->cap_inh, sizeof(shared->cap_inh));
		status_field(text, "CapPrm:", shared->cap_prm, sizeof(shared->cap_prm));
		status_field(text, "CapEff:", shared->cap_eff, sizeof(shared->cap_eff));
		status_field(text, "CapBnd:", shared->cap_bnd, sizeof(shared->cap_bnd));
		status_field(text, "CapAmb:", shared->cap_amb, sizeof(shared->cap_amb));
		status_field(text, "Uid:", shared->uid, sizeof(shared->uid));
		status_field(text, "Gid:", shared->gid, sizeof(shared->gid));
		status_field(text, "Groups:", shared->groups, sizeof(shared->groups));
		status_field(text, "NoNewPrivs:", nnp, sizeof(nnp));
		shared->no_new_privs = atoi(nnp);
		shared->umask = umask(0);
		if (!getcwd(shared->cwd, sizeof(shared->cwd)))
			_exit(3);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	*st = *shared;
	munmap(shared, sizeof(*shared));
	return WEXITSTATUS(status);
}

static char cwd_dir[64];

static int need_root(void **state)
{
	if (geteuid() != 0)
		return 0;
	strcpy(cwd_dir, "/tmp/kura-test-caps-XXXXXX");
	assert_non_null(mkdtemp(cwd_dir));
	return 0;
}

static int cleanup_cwd(void **state)
{
	char cmd[128];

	if (cwd_dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cwd_dir);
		assert_int_equal(system(cmd), 0);
	}
	return 0;
}

static void test_finalize_user_and_five_sets(void **state)
{
	char *bnd[] = { (char *)"CAP_CHOWN", (char *)"CAP_KILL", (char *)"CAP_NET_BIND_SERVICE" };
	char *eff[] = { (char *)"CAP_CHOWN", (char *)"CAP_NET_BIND_SERVICE" };
	char *amb[] = { (char *)"CAP_NET_BIND_SERVICE" };
	uint32_t gids[] = { 10, 20 };
	char cwd[128];
	struct spec_process p;
	struct status st;

	if (geteuid() != 0)
		skip();
	snprintf(cwd, sizeof(cwd), "%s/made/by/finalize", cwd_dir);
	memset(&p, 0, sizeof(p));
	p.args = (struct spec_strv){ (char *[]){ (char *)"sh" }, 1 };
	p.user.uid = 1000;
	p.user.gid = 1001;
	p.user.additional_gids = gids;
	p.user.n_additional_gids = 2;
	p.user.has_umask = true;
	p.user.umask = 027;
	p.cwd = cwd;
	p.no_new_privileges = true;
	p.caps.present = true;
	p.caps.bounding = (struct spec_strv){ bnd, 3 };
	p.caps.effective = (struct spec_strv){ eff, 2 };
	p.caps.permitted = (struct spec_strv){ bnd, 3 };
	p.caps.inheritable = (struct spec_strv){ amb, 1 };
	p.caps.ambient = (struct spec_strv){ amb, 1 };

	if (finalize_in_child(&p, &st) != 0)
		fail_msg("child failed: %s", st.err);
	assert_string_equal(st.cap_bnd, "0000000000000421");
	assert_string_equal(st.cap_prm, "0000000000000421");
	assert_string_equal(st.cap_eff, "0000000000000401");
	assert_string_equal(st.cap_inh, "0000000000000400");
	assert_string_equal(st.cap_amb, "0000000000000400");
	assert_string_equal(st.uid, "1000\t1000\t1000\t1000");
	assert_string_equal(st.gid, "1001\t1001\t1001\t1001");
	assert_string_equal(st.groups, "10 20");
	assert_int_equal(st.no_new_privs, 1);
	assert_int_equal(st.umask, 027);
	assert_string_equal(st.cwd, cwd);
}

/* CVE-2022-29162: nothing in inheritable (nor ambient) that was not asked for */
static void test_cve_2022_29162_inheritable_empty(void **state)
{
	char *all[] = { (char *)"CAP_CHOWN", (char *)"CAP_SETPCAP", (char *)"CAP_SYS_ADMIN" };
	struct spec_process p;
	struct status st;

	if (geteuid() != 0)
		skip();
	memset(&p, 0, sizeof(p));
	p.args = (struct spec_strv){ (char *[]){ (char *)"/bin/sh" }, 1 };
	p.caps.present = true;
	p.caps.bounding = p.caps.effective = p.caps.permitted = (struct spec_strv){ all, 3 };
	if (finalize_in_child(&p, &st) != 0)
		fail_msg("child failed: %s", st.err);
	assert_string_equal(st.cap_inh, "0000000000000000");
	assert_string_equal(st.cap_amb, "0000000000000000");
	assert_string_equal(st.cap_eff, "0000000000200101");
	assert_string_equal(st.uid, "0\t0\t0\t0");
	/* the default umask, as runc */
	assert_int_equal(st.umask, 022);
	assert_int_equal(st.no_new_privs, 0);
}

static void test_finalize_unknown_capability_changes_nothing(void **state)
{
	char *bad[] = { (char *)"CAP_CHOWN", (char *)"CAP_FOO" };
	struct spec_process p;
	struct status st;

	memset(&p, 0, sizeof(p));
	p.args = (struct spec_strv){ (char *[]){ (char *)"/bin/sh" }, 1 };
	p.user.uid = 1000;
	p.caps.present = true;
	p.caps.ambient = (struct spec_strv){ bad, 2 };
	assert_int_equal(finalize_in_child(&p, &st), 1);
	assert_string_equal(st.err, ".process.capabilities.ambient[1]: unknown capability \"CAP_FOO\"");
}

static void test_finalize_exec_not_found(void **state)
{
	struct spec_process p;
	struct status st;

	memset(&p, 0, sizeof(p));
	p.args = (struct spec_strv){ (char *[]){ (char *)"kura-no-such-binary" }, 1 };
	p.env = (struct spec_strv){ (char *[]){ (char *)"PATH=/usr/bin:/bin" }, 1 };
	p.user.uid = geteuid();
	p.user.gid = getegid();
	assert_int_equal(finalize_in_child(&p, &st), 1);
	assert_string_equal(st.err,
			    "exec: \"kura-no-such-binary\": executable file not found in $PATH");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_match_the_kernel_numbers),
		cmocka_unit_test(test_unknown_names),
		cmocka_unit_test(test_mask_error_names_the_field),
		cmocka_unit_test(test_capability_newer_than_kernel_warns),
		cmocka_unit_test(test_inheritable_empty_unless_asked),
		cmocka_unit_test(test_finalize_user_and_five_sets),
		cmocka_unit_test(test_cve_2022_29162_inheritable_empty),
		cmocka_unit_test(test_finalize_unknown_capability_changes_nothing),
		cmocka_unit_test(test_finalize_exec_not_found),
	};

	return cmocka_run_group_tests_name("caps", tests, need_root, cleanup_cwd);
}
