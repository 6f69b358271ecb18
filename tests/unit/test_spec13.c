/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runtime-spec 1.3's runtime side in pure functions: HOME from /etc/passwd
 * (linux.intelRdt's are in test_resctrl.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "process/process.h"

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
		cmocka_unit_test(test_passwd_home),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
