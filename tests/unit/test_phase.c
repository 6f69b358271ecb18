/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `kura --debug` start phases (util/phase.c): marks of other processes
 * arrive late and out of order; the report is in time order, each step the
 * time since the previous mark, and a total from the first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"
#include "util/phase.h"
#include "util/util.h"

static char *report_of(void (*marks)(uint64_t t0))
{
	char path[] = "/tmp/kura-test-phase.XXXXXX";
	int fd = mkstemp(path);
	char *text;

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(log_init(path, false, true), 0);
	phase_init(true);
	marks(phase_now());
	phase_report();
	text = util_read_file(path, NULL, NULL);
	unlink(path);
	assert_non_null(text);
	return text;
}

static void out_of_order(uint64_t t0)
{
	/* kura's own mark, then the init's two, which happened before it */
	phase_mark_at("kura: ready", t0 + 9000000);
	phase_mark_at("init: mounts", t0 + 3000000);
	phase_mark_at("init: pivot", t0 + 5500000);
	phase_mark_at("ignored: no time", 0);
}

static void test_sorted_deltas_and_total(void **state)
{
	_cleanup_free_ char *t = report_of(out_of_order);
	const char *a = strstr(t, "phase init: mounts"), *b = strstr(t, "phase init: pivot"),
		   *c = strstr(t, "phase kura: ready"), *tot = strstr(t, "phase total (from main)");

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_non_null(tot);
	assert_true(a < b && b < c && c < tot);
	/* the first step began at phase_init, a moment before t0 */
	assert_non_null(strstr(b, "2.500 ms"));
	assert_non_null(strstr(c, "3.500 ms"));
	assert_null(strstr(t, "ignored"));
	/* reported once: the report turns phases off */
	assert_false(phase_on());
}

static void from_text(uint64_t t0)
{
	static const char *const names[] = { "shim: a", "shim: b" };
	char text[64];

	snprintf(text, sizeof(text), "%llu %llu", (unsigned long long)(t0 + 1000000),
		 (unsigned long long)(t0 + 4000000));
	phase_mark_times(text, names, 2);
	/* not two numbers: nothing of it is marked */
	phase_mark_times("12 x", names, 2);
	phase_mark_times("", names, 2);
}

static void test_marks_from_text(void **state)
{
	_cleanup_free_ char *t = report_of(from_text);
	const char *b = strstr(t, "phase shim: b");

	(void)state;
	assert_non_null(strstr(t, "phase shim: a"));
	assert_non_null(b);
	assert_non_null(strstr(b, "3.000 ms"));
	/* one mark each: the refused texts added none */
	assert_null(strstr(strstr(t, "phase shim: a") + 1, "phase shim: a"));
}

static void no_marks(uint64_t t0)
{
	(void)t0;
}

static void test_off_and_empty(void **state)
{
	_cleanup_free_ char *t = report_of(no_marks);

	(void)state;
	assert_null(strstr(t, "phase"));
	phase_init(false);
	phase_mark("nothing");
	assert_false(phase_on());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorted_deltas_and_total),
		cmocka_unit_test(test_marks_from_text),
		cmocka_unit_test(test_off_and_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
