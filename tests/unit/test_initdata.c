/* SPDX-License-Identifier: Apache-2.0 */
/* The init data codec: round trips, and the strict decoder's refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container/initdata.h"

static const char create_line[] =
	"{\"mode\":\"create\",\"id\":\"c1\",\"bundle\":\"/b\",\"rootfs\":\"/b/rootfs\","
	"\"noPivot\":false,\"noNewKeyring\":true,\"cgroupV2\":false,\"fifoFd\":7,"
	"\"cgroupsV1\":[{\"controller\":\"memory\",\"path\":\"/sys/fs/cgroup/memory/c1\"}],"
	"\"idmapFds\":[-1,9],\"devNodesFd\":10,\"consoleSocketFd\":-1,\"seccompFd\":8,"
	"\"preserveFds\":1,\"listenFds\":0}";

static const char exec_line[] =
	"{\"mode\":\"exec\",\"id\":\"c1\",\"mntnsFd\":5,"
	"\"process\":\"{\\\"args\\\":[\\\"true\\\"],\\\"rlimits\\\":[{\\\"type\\\":\\\"RLIMIT_NOFILE\\\","
	"\\\"hard\\\":18446744073709551615,\\\"soft\\\":18446744073709551615}]}\","
	"\"consoleSocketFd\":6,\"seccompFd\":-1,\"preserveFds\":0,\"listenFds\":2}";

static void decodes_create(void **state)
{
	struct initdata d;
	struct kerr err;

	(void)state;
	assert_int_equal(initdata_decode(create_line, strlen(create_line), &d, &err), 0);
	assert_int_equal(d.mode, INITDATA_CREATE);
	assert_string_equal(d.id, "c1");
	assert_string_equal(d.rootfs, "/b/rootfs");
	assert_true(d.no_new_keyring);
	assert_false(d.no_pivot);
	assert_int_equal(d.fifo_fd, 7);
	assert_int_equal(d.seccomp_fd, 8);
	assert_int_equal(d.console_fd, -1);
	assert_int_equal(d.n_cgroups_v1, 1);
	assert_string_equal(d.cgroups_v1[0].path, "/sys/fs/cgroup/memory/c1");
	assert_int_equal(d.n_idmap_fds, 2);
	assert_int_equal(d.idmap_fds[0], -1);
	assert_int_equal(d.idmap_fds[1], 9);
	assert_int_equal(d.dev_nodes_fd, 10);
	assert_int_equal(d.preserve_fds, 1);
	assert_null(d.process);
	initdata_free(&d);
}

/* what encode makes, decode gives back, field for field, for both modes */
static void round_trips(void **state)
{
	const char *lines[] = { create_line, exec_line };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct initdata a, b;
		struct kerr err;
		char *text;

		assert_int_equal(initdata_decode(lines[i], strlen(lines[i]), &a, &err), 0);
		text = initdata_encode(&a, &err);
		assert_non_null(text);
		assert_null(strchr(text, '\n'));
		assert_int_equal(initdata_decode(text, strlen(text), &b, &err), 0);
		assert_int_equal(a.mode, b.mode);
		assert_string_equal(a.id, b.id);
		assert_int_equal(a.console_fd, b.console_fd);
		assert_int_equal(a.listen_fds, b.listen_fds);
		assert_int_equal(a.n_idmap_fds, b.n_idmap_fds);
		assert_int_equal(a.dev_nodes_fd, b.dev_nodes_fd);
		if (a.process)
			assert_string_equal(a.process, b.process);
		free(text);
		initdata_free(&a);
		initdata_free(&b);
	}
}

/* one edit of a valid line each; the error names the field */
static void refuses(void **state)
{
	static const struct {
		const char *from, *to, *msg;
	} cases[] = {
		{ "\"fifoFd\":7,", "", ".fifoFd: missing" },
		{ "\"fifoFd\":7", "\"fifoFd\":2", ".fifoFd: must be an fd number above stdio" },
		{ "\"fifoFd\":7", "\"fifoFd\":\"7\"", ".fifoFd" },
		{ "\"seccompFd\":8", "\"seccompFd\":-2", ".seccompFd" },
		{ "\"seccompFd\":8", "\"seccompFd\":2147483648", ".seccompFd" },
		{ "\"preserveFds\":1", "\"preserveFds\":-1", ".preserveFds: must be 0 to 65536" },
		{ "\"noPivot\":false", "\"noPivot\":0", ".noPivot: must be true or false" },
		{ "\"id\":\"c1\"", "\"id\":\"\"", ".id: must be a non-empty string" },
		{ "\"mode\":\"create\"", "\"mode\":\"run\"", ".mode" },
		{ "\"listenFds\":0}", "\"listenFds\":0,\"extra\":1}", ".extra: not a field of create" },
		{ "\"bundle\":\"/b\"", "\"mntnsFd\":5", ".mntnsFd: not a field of create" },
		{ "\"idmapFds\":[-1,9]", "\"idmapFds\":[-1,null]", ".idmapFds[1]" },
		{ "\"idmapFds\":[-1,9]", "\"idmapFds\":{}", ".idmapFds: must be an array" },
		{ "\"devNodesFd\":10,", "", ".devNodesFd: missing" },
		{ "\"devNodesFd\":10", "\"devNodesFd\":-2", ".devNodesFd" },
		{ "\"path\":\"/sys/fs/cgroup/memory/c1\"", "\"path\":\"rel\"", ".cgroupsV1[0]" },
		{ "\"controller\":\"memory\",", "", ".cgroupsV1[0]" },
		{ "\"id\":\"c1\"", "\"id\":\"c1\",\"id\":\"c2\"", "invalid JSON" },
		{ "{", "[", "invalid JSON" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char line[1024];
		const char *at = strstr(create_line, cases[i].from);
		struct initdata d;
		struct kerr err;

		assert_non_null(at);
		snprintf(line, sizeof(line), "%.*s%s%s", (int)(at - create_line), create_line,
			 cases[i].to, at + strlen(cases[i].from));
		assert_int_equal(initdata_decode(line, strlen(line), &d, &err), -1);
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].msg);
		/* nothing left to free, and freeing again is harmless */
		assert_null(d.id);
		initdata_free(&d);
	}
}

/* the process travels as its text: its numbers stay exact (2^64-1 rlimits) */
static void exec_process_is_text(void **state)
{
	const char *bad = "{\"mode\":\"exec\",\"id\":\"c1\",\"mntnsFd\":5,\"process\":{},"
			  "\"consoleSocketFd\":6,\"seccompFd\":-1,\"preserveFds\":0,\"listenFds\":2}";
	struct initdata d;
	struct kerr err;

	(void)state;
	assert_int_equal(initdata_decode(bad, strlen(bad), &d, &err), -1);
	assert_non_null(strstr(err.msg, ".process: must be a non-empty string"));
	assert_int_equal(initdata_decode(exec_line, strlen(exec_line), &d, &err), 0);
	assert_non_null(strstr(d.process, "\"hard\":18446744073709551615"));
	initdata_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decodes_create),
		cmocka_unit_test(round_trips),
		cmocka_unit_test(refuses),
		cmocka_unit_test(exec_process_is_text),
	};

	return cmocka_run_group_tests_name("initdata", tests, NULL, NULL);
}
