/* SPDX-License-Identifier: Apache-2.0 */
/* hooks_run: real children, real pipes, real timeouts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hooks.h"
#include "util/util.h"

struct hook_fixture {
	char dir[64];
	char out[96];
};

static int fixture_setup(void **state)
{
	struct hook_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->dir, "/tmp/kura-test-hooks-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->out, sizeof(f->out), "%s/out", f->dir);
	*state = f;
	return 0;
}

static int fixture_teardown(void **state)
{
	struct hook_fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* A hook "/bin/sh -c SCRIPT [extra...]" with an optional environment. */
static struct spec_hook sh_hook(const char *script, char **extra, size_t n_extra, char **env,
				size_t n_env)
{
	struct spec_hook h = { .path = (char *)"/bin/sh" };
	char **argv = calloc(3 + n_extra, sizeof(*argv));

	assert_non_null(argv);
	argv[0] = (char *)"sh";
	argv[1] = (char *)"-c";
	argv[2] = (char *)script;
	if (n_extra)
		memcpy(argv + 3, extra, n_extra * sizeof(*argv));
	h.args.v = argv;
	h.args.n = 3 + n_extra;
	h.env.v = env;
	h.env.n = n_env;
	return h;
}

static char *slurp(const char *path)
{
	struct kerr err = { 0 };
	char *s = util_read_file(path, NULL, &err);

	assert_non_null(s);
	return s;
}

static void test_hooks_success(void **state)
{
	struct spec_hook h[2] = { { .path = (char *)"/bin/true" }, { .path = (char *)"/bin/true" } };
	struct spec_hook_list l = { h, 2 };
	struct kerr err = { 0 };

	assert_int_equal(hooks_run(&l, "prestart", "{}", &err), 0);
	assert_int_equal(hooks_run(NULL, "prestart", "{}", &err), 0);
}

static void test_hooks_exit_status(void **state)
{
	struct spec_hook h[2] = { { .path = (char *)"/bin/true" }, { .path = (char *)"/bin/false" } };
	struct spec_hook_list l = { h, 2 };
	struct kerr err = { 0 };

	assert_int_equal(hooks_run(&l, "prestart", "{}", &err), -1);
	assert_string_equal(err.msg, "prestart hook #1 /bin/false: exit status 1");
}

static void test_hooks_stops_at_first_failure(void **state)
{
	struct hook_fixture *f = *state;
	char script[160];
	struct spec_hook h[2];
	struct spec_hook_list l = { h, 2 };
	struct kerr err = { 0 };

	snprintf(script, sizeof(script), "echo ran > %s", f->out);
	h[0] = (struct spec_hook){ .path = (char *)"/bin/false" };
	h[1] = sh_hook(script, NULL, 0, NULL, 0);
	assert_int_equal(hooks_run(&l, "poststop", "{}", &err), -1);
	assert_string_equal(err.msg, "poststop hook #0 /bin/false: exit status 1");
	assert_int_equal(access(f->out, F_OK), -1);
	free(h[1].args.v);
}

static void test_hooks_signal(void **state)
{
	struct spec_hook h = sh_hook("kill -TERM $$", NULL, 0, NULL, 0);
	struct spec_hook_list l = { &h, 1 };
	struct kerr err = { 0 };

	assert_int_equal(hooks_run(&l, "createRuntime", "{}", &err), -1);
	assert_non_null(strstr(err.msg, "createRuntime hook #0 /bin/sh: killed by signal 15"));
	free(h.args.v);
}

static void test_hooks_exec_failure(void **state)
{
	struct spec_hook h = { .path = (char *)"/nonexistent/hook" };
	struct spec_hook_list l = { &h, 1 };
	struct kerr err = { 0 };

	assert_int_equal(hooks_run(&l, "prestart", "{}", &err), -1);
	assert_string_equal(err.msg,
			    "prestart hook #0 /nonexistent/hook: exec: No such file or directory");
}

static void test_hooks_timeout(void **state)
{
	struct spec_hook h = sh_hook("sleep 10", NULL, 0, NULL, 0);
	struct spec_hook_list l = { &h, 1 };
	struct kerr err = { 0 };
	struct timespec a, b;

	h.has_timeout = true;
	h.timeout = 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(hooks_run(&l, "prestart", "{}", &err), -1);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_string_equal(err.msg, "prestart hook #0 /bin/sh: timed out after 1s");
	assert_true(b.tv_sec - a.tv_sec < 3);
	assert_true((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 >= 900);
	free(h.args.v);
}

static void test_hooks_timeout_not_reached(void **state)
{
	struct spec_hook h = sh_hook("sleep 0.1", NULL, 0, NULL, 0);
	struct spec_hook_list l = { &h, 1 };
	struct kerr err = { 0 };

	h.has_timeout = true;
	h.timeout = 5;
	assert_int_equal(hooks_run(&l, "prestart", "{}", &err), 0);
	free(h.args.v);
}

static void test_hooks_state_on_stdin(void **state)
{
	struct hook_fixture *f = *state;
	const char *json = "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"creating\"}";
	char script[160];
	_cleanup_free_ char *got = NULL;
	struct spec_hook h;
	struct spec_hook_list l = { &h, 1 };
	struct kerr err = { 0 };

	snprintf(script, sizeof(script), "cat > %s", f->out);
	h = sh_hook(script, NULL, 0, NULL, 0);
	assert_int_equal(hooks_run(&l, "prestart", json, &err), 0);
	got = slurp(f->out);
	assert_string_equal(got, json);
	free(h.args.v);
}

/* A state bigger than a pipe buffer that the hook never reads: no hang, no SIGPIPE. */
static void test_hooks_state_unread(void **state)
{
	_cleanup_free_ char *big = malloc(1 << 20);
	struct spec_hook h = { .path = (char *)"/bin/true" };
	struct spec_hook_list l = { &h, 1 };
	struct spec_hook s = sh_hook("sleep 10", NULL, 0, NULL, 0);
	struct spec_hook_list ls = { &s, 1 };
	struct kerr err = { 0 };

	assert_non_null(big);
	memset(big, 'x', (1 << 20) - 1);
	big[(1 << 20) - 1] = '\0';
	assert_int_equal(hooks_run(&l, "poststop", big, &err), 0);
	s.has_timeout = true;
	s.timeout = 1;
	assert_int_equal(hooks_run(&ls, "poststop", big, &err), -1);
	assert_string_equal(err.msg, "poststop hook #0 /bin/sh: timed out after 1s");
	free(s.args.v);
}

static void test_hooks_args_env(void **state)
{
	struct hook_fixture *f = *state;
	char script[200];
	char *extra[] = { (char *)"zero", (char *)"one" };
	char *env[] = { (char *)"FOO=bar", (char *)"BAZ=qux quux" };
	_cleanup_free_ char *got = NULL;
	struct spec_hook h;
	struct spec_hook_list l = { &h, 1 };
	struct kerr err = { 0 };

	snprintf(script, sizeof(script), "printf '%%s|%%s|%%s|%%s|%%s' \"$0\" \"$1\" \"$FOO\" \"$BAZ\" \"$HOME\" > %s",
		 f->out);
	setenv("HOME", "/leaked", 1);
	h = sh_hook(script, extra, 2, env, 2);
	assert_int_equal(hooks_run(&l, "prestart", "{}", &err), 0);
	got = slurp(f->out);
	assert_string_equal(got, "zero|one|bar|qux quux|");
	free(h.args.v);
}

/* No args: argv is {path}; no env: kura's environment, as runc and crun run hooks. */
static void test_hooks_defaults(void **state)
{
	struct hook_fixture *f = *state;
	char path[96], body[256];
	_cleanup_free_ char *got = NULL;
	struct spec_hook h = { .path = path };
	struct spec_hook_list l = { &h, 1 };
	struct kerr err = { 0 };
	FILE *fp;

	snprintf(path, sizeof(path), "%s/hook.sh", f->dir);
	snprintf(body, sizeof(body), "#!/bin/sh\nprintf '%%s|%%s|%%s' \"$0\" \"$#\" \"$HOME\" > %s\n",
		 f->out);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(body, fp);
	fclose(fp);
	assert_int_equal(chmod(path, 0755), 0);
	setenv("HOME", "/leaked", 1);
	assert_int_equal(hooks_run(&l, "poststart", "{}", &err), 0);
	got = slurp(f->out);
	{
		char want[160];
		snprintf(want, sizeof(want), "%s|0|/leaked", path);
		assert_string_equal(got, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hooks_success),
		cmocka_unit_test(test_hooks_exit_status),
		cmocka_unit_test_setup_teardown(test_hooks_stops_at_first_failure, fixture_setup,
						fixture_teardown),
		cmocka_unit_test(test_hooks_signal),
		cmocka_unit_test(test_hooks_exec_failure),
		cmocka_unit_test(test_hooks_timeout),
		cmocka_unit_test(test_hooks_timeout_not_reached),
		cmocka_unit_test_setup_teardown(test_hooks_state_on_stdin, fixture_setup,
						fixture_teardown),
		cmocka_unit_test(test_hooks_state_unread),
		cmocka_unit_test_setup_teardown(test_hooks_args_env, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_hooks_defaults, fixture_setup,
						fixture_teardown),
	};

	/* A SIGPIPE leaking out of hooks_run would kill this runner. */
	signal(SIGPIPE, SIG_DFL);
	return cmocka_run_group_tests_name("hooks", tests, NULL, NULL);
}
