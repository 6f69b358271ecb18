/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runtime-spec 1.3's runtime side in pure functions: the resctrl schemata
 * text and group rules (linux.intelRdt), HOME from /etc/passwd.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "process/process.h"
#include "cgroup/resctrl.h"

static void test_schemata_text(void **state)
{
	char *lines[] = { "L2:0=f;1=f", "MB:0=70" };
	struct spec_intel_rdt r = { .present = true };
	bool oom;
	char *t;

	(void)state;
	/* nothing set: nothing may be written */
	assert_null(resctrl_schemata_text(&r, &oom));
	assert_false(oom);
	r.mem_bw_schema = "MB:0=20";
	t = resctrl_schemata_text(&r, &oom);
	assert_string_equal(t, "MB:0=20\n");
	free(t);
	/* l3CacheSchema first, memBwSchema next, schemata last */
	r.l3_cache_schema = "L3:0=7f0;1=1f";
	r.schemata.v = lines;
	r.schemata.n = 2;
	t = resctrl_schemata_text(&r, &oom);
	assert_string_equal(t, "L3:0=7f0;1=1f\nMB:0=20\nL2:0=f;1=f\nMB:0=70\n");
	free(t);
	r.l3_cache_schema = r.mem_bw_schema = NULL;
	t = resctrl_schemata_text(&r, &oom);
	assert_string_equal(t, "L2:0=f;1=f\nMB:0=70\n");
	free(t);
}

static void test_group_rules(void **state)
{
	struct spec_intel_rdt r = { .present = true };
	char buf[64];

	(void)state;
	assert_int_equal(resctrl_group_dir(&r, "/sys/fs/resctrl", "c1", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/sys/fs/resctrl/c1");
	/* only a group kura made for a container without closID is removed (1.3) */
	assert_true(resctrl_group_is_ours(&r, true));
	assert_false(resctrl_group_is_ours(&r, false));
	r.clos_id = "guaranteed";
	assert_int_equal(resctrl_group_dir(&r, "/sys/fs/resctrl", "c1", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/sys/fs/resctrl/guaranteed");
	assert_false(resctrl_group_is_ours(&r, true));
	r.clos_id = "/";
	assert_int_equal(resctrl_group_dir(&r, "/sys/fs/resctrl", "c1", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/sys/fs/resctrl");
	assert_int_equal(resctrl_group_dir(&r, "/sys/fs/resctrl", "c1", buf, 8), -1);
}

static void test_resctrl_check(void **state)
{
	struct spec s = { .has_linux = true };
	struct kerr err;

	(void)state;
	assert_int_equal(resctrl_check(&s, "", &err), 0);
	s.linux_.intel_rdt.present = true;
	assert_int_equal(resctrl_check(&s, "22 1 0:20 / /sys rw - sysfs sysfs rw\n", &err), -1);
	assert_non_null(strstr(err.msg, "linux.intelRdt: no resctrl filesystem is mounted"));
}

static void test_passwd_home(void **state)
{
	static const char pw[] = "root:x:0:0:root:/root:/bin/sh\n"
				 "# a comment:x:5:5::/nope:\n"
				 "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
				 "short:x:7:7\n"
				 "nohome:x:8:8:::/bin/sh\n"
				 "last:x:1000:1000::/home/last";
	char *h;

	(void)state;
	h = process_passwd_home(pw, 0);
	assert_string_equal(h, "/root");
	free(h);
	h = process_passwd_home(pw, 1);
	assert_string_equal(h, "/usr/sbin");
	free(h);
	h = process_passwd_home(pw, 1000);
	assert_string_equal(h, "/home/last");
	free(h);
	assert_null(process_passwd_home(pw, 5));
	assert_null(process_passwd_home(pw, 7));
	assert_null(process_passwd_home(pw, 8));
	assert_null(process_passwd_home(pw, 4242));
	assert_null(process_passwd_home("", 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schemata_text),
		cmocka_unit_test(test_group_rules),
		cmocka_unit_test(test_resctrl_check),
		cmocka_unit_test(test_passwd_home),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
