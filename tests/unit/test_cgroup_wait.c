/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cgroup module's waits and its v1 device rule writes, against a
 * temporary directory: the backoff's steps and deadline, and the rules as
 * written to devices.deny / devices.allow (regular files here keep every
 * write, concatenated; cgroupfs takes each write() as one rule).
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
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup_internal.h"
#include "tmpdir.h"

TMPDIR_FIXTURE("cgwait")

static void touch(const char *file)
{
	tmp_touch(tmp, file);
}

static void assert_file(const char *file, const char *want)
{
	struct kerr err;
	char *s = cgroup_read(tmp, file, &err);

	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- backoff ---- */

static void test_backoff_steps(void **state)
{
	static const long want[] = { 1000, 2000, 4000, 8000, 8000 };
	struct backoff b;

	(void)state;
	backoff_start(&b, 10000);
	assert_int_equal(b.step_us, 500);
	/* 0.5 ms doubling to the 8 ms cap */
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_true(backoff_sleep(&b));
		assert_int_equal(b.step_us, want[i]);
	}
}

static void test_backoff_deadline(void **state)
{
	struct backoff b;
	long long t0 = mono_ms();
	int n = 0;

	(void)state;
	/* the deadline is kept: no sleep past it, and false once it passed */
	backoff_start(&b, 20);
	while (backoff_sleep(&b))
		n++;
	assert_true(mono_ms() - t0 >= 20);
	/* 0.5 + 1 + 2 + 4 + 8 + 4.5 at most: a loaded host oversleeps into fewer */
	assert_in_range(n, 1, 6);
	assert_false(backoff_sleep(&b));

	backoff_start(&b, 0);
	assert_false(backoff_sleep(&b));
}

/* ---- v1 device rules ---- */

static void test_v1_devices_rules(void **state)
{
	/* the spec's usual deny-all first: the "a" kura writes already said it */
	const struct spec_device_cgroup rules[] = {
		{ .allow = false, .access = "rwm" },
		{ .allow = true, .type = 'c', .has_major = true, .major = 1, .has_minor = true,
		  .minor = 3, .access = "rw" },
		{ .allow = false, .type = 'c', .has_major = true, .major = 1, .has_minor = true,
		  .minor = 3, .access = "w" },
		{ .allow = false, .type = 'a', .access = "rwm" },
		{ .allow = false, .type = 'a', .access = "r" },
		{ .allow = true, .type = 'b', .has_major = true, .major = 8, .access = "m" },
	};
	struct kerr err;

	(void)state;
	touch("devices.deny");
	touch("devices.allow");
	assert_int_equal(cgroup_v1_devices_write(tmp, rules, 6, &err), 0);
	/* one write per rule, in order; the deny-all after a deny-all is not repeated */
	assert_file("devices.deny", "a"
				    "c 1:3 w"
				    "a *:* rwm");
	assert_file("devices.allow", "c 1:3 rw"
				     "b 8:* m");
}

static void test_v1_devices_missing(void **state)
{
	const struct spec_device_cgroup deny_all = { .allow = false, .access = "rwm" };
	const struct spec_device_cgroup rules[] = {
		{ .allow = false, .access = "rwm" },
		{ .allow = true, .type = 'c', .has_major = true, .major = 1, .has_minor = true,
		  .minor = 3, .access = "rwm" },
	};
	char want[600];
	struct kerr err;

	(void)state;
	/* no devices.deny: the field and the file are named */
	assert_int_equal(cgroup_v1_devices_write(tmp, rules, 2, &err), -1);
	snprintf(want, sizeof(want),
		 "linux.resources.devices: devices controller not available (no %s/devices.deny)",
		 tmp);
	assert_string_equal(err.msg, want);

	/* only deny rules: devices.allow is never opened, so it need not exist */
	touch("devices.deny");
	assert_int_equal(cgroup_v1_devices_write(tmp, &deny_all, 1, &err), 0);
	assert_file("devices.deny", "a");

	/* an allow rule without devices.allow: that rule's index */
	assert_int_equal(cgroup_v1_devices_write(tmp, rules, 2, &err), -1);
	snprintf(want, sizeof(want),
		 "linux.resources.devices[1]: devices controller not available (no %s/devices.allow)",
		 tmp);
	assert_string_equal(err.msg, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff_steps),
		cmocka_unit_test(test_backoff_deadline),
		cmocka_unit_test_setup_teardown(test_v1_devices_rules, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_v1_devices_missing, tmp_setup, tmp_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
