/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The strict number parsers of command-line words: `exec --user UID[:GID]`
 * and `--additional-gids` (crun's CVE-2026-30892: " 1000", "+1000" and
 * (uid_t)-1 must never become an id), `kill ID SIGNAL`, and the same id
 * ranges in a process JSON (`exec -p`, config.json's .process.user).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "util/signals.h"
#include "specs/spec.h"
#include "util/util.h"

static void test_uid_gid_accepted(void **state)
{
	static const struct {
		const char *in;
		uint32_t uid, gid;
		bool has_gid;
	} ok[] = {
		{ "0", 0, 99, false },
		{ "1000", 1000, 99, false },
		{ "1000:1000", 1000, 1000, true },
		{ "0:0", 0, 0, true },
		{ "4294967294", 4294967294u, 99, false },
		{ "4294967294:4294967294", 4294967294u, 4294967294u, true },
		{ "007", 7, 99, false }, /* decimal with leading zeros */
		{ "00000000000000000000001000:5", 1000, 5, true },
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint32_t uid = 99, gid = 99;
		bool has_gid = !ok[i].has_gid;

		if (util_parse_uid_gid(ok[i].in, &uid, &gid, &has_gid) != 0)
			fail_msg("\"%s\" refused", ok[i].in);
		assert_int_equal(uid, ok[i].uid);
		assert_int_equal(gid, ok[i].gid);
		assert_int_equal(has_gid, ok[i].has_gid);
	}
}

static void test_uid_gid_refused(void **state)
{
	static const char *const bad[] = {
		"", " 1000", "1000 ", "\t1000", "1000\n", "+1000", "-1", "-0", "1000:", ":1000",
		":", "1000:1000:1000", "1000::1000", "1000: 1000", "1000:+1", "1000:-1", "0x10",
		"1e3", "1000a", "a", "root", "root:root", "1,000", "１０００",
		"4294967295",           /* (uid_t)-1: "no change" to setresuid */
		"0:4294967295",         /* (gid_t)-1 */
		"4294967296",           /* 2^32 */
		"18446744073709551616", /* 2^64: must not wrap */
		"18446744073709551615", "99999999999999999999999999",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t uid = 99, gid = 99;
		bool has_gid = false;

		if (util_parse_uid_gid(bad[i], &uid, &gid, &has_gid) == 0)
			fail_msg("\"%s\" accepted as %u:%u", bad[i], uid, gid);
		/* nothing is written on failure */
		assert_int_equal(uid, 99);
		assert_int_equal(gid, 99);
	}
	assert_int_equal(util_parse_uid_gid(NULL, NULL, NULL, NULL), -1);
}

static void test_parse_id_and_udec(void **state)
{
	uint32_t id = 1;
	unsigned long long v = 1;

	assert_int_equal(util_parse_id("4294967294", &id), 0);
	assert_int_equal(id, 4294967294u);
	assert_int_equal(util_parse_id("4294967295", &id), -1);
	assert_int_equal(util_parse_id(" 5", &id), -1);
	assert_int_equal(util_parse_id("5 ", &id), -1);
	assert_int_equal(util_parse_id("", &id), -1);
	assert_int_equal(util_parse_id(NULL, &id), -1);
	assert_int_equal(id, 4294967294u);

	assert_int_equal(util_parse_udec("18446744073709551615", UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(util_parse_udec("18446744073709551616", UINT64_MAX, &v), -1);
	assert_int_equal(util_parse_udec("64", 64, &v), 0);
	assert_int_equal(util_parse_udec("65", 64, &v), -1);
	assert_int_equal(util_parse_udec("0", 0, &v), 0);
	assert_int_equal(util_parse_udec("1", 0, &v), -1);
}

static void test_parse_long_strict(void **state)
{
	long long n = 0;

	assert_int_equal(util_parse_long("42", &n), 0);
	assert_int_equal(n, 42);
	assert_int_equal(util_parse_long("-42", &n), 0);
	assert_int_equal(n, -42);
	assert_int_equal(util_parse_long("9223372036854775807", &n), 0);
	assert_int_equal(util_parse_long("9223372036854775808", &n), -1);
	n = -42;
	/* strtoll alone takes all of these */
	assert_int_equal(util_parse_long(" 42", &n), -1);
	assert_int_equal(util_parse_long("\t42", &n), -1);
	assert_int_equal(util_parse_long("+42", &n), -1);
	assert_int_equal(util_parse_long("- 42", &n), -1);
	assert_int_equal(util_parse_long("-", &n), -1);
	assert_int_equal(util_parse_long("42 ", &n), -1);
	assert_int_equal(util_parse_long("", &n), -1);
	assert_int_equal(n, -42);
}

static void test_signal_names(void **state)
{
	assert_int_equal(signal_parse("9"), SIGKILL);
	assert_int_equal(signal_parse("KILL"), SIGKILL);
	assert_int_equal(signal_parse("SIGKILL"), SIGKILL);
	assert_int_equal(signal_parse("kill"), SIGKILL);
	assert_int_equal(signal_parse("sigterm"), SIGTERM);
	assert_int_equal(signal_parse("15"), SIGTERM);
	assert_int_equal(signal_parse("64"), 64);
	assert_int_equal(signal_parse("RTMIN"), SIGRTMIN);
	assert_int_equal(signal_parse("RTMIN+3"), SIGRTMIN + 3);
	assert_int_equal(signal_parse("SIGRTMAX-2"), SIGRTMAX - 2);
	assert_int_equal(signal_parse("RTMAX"), SIGRTMAX);
}

static void test_signal_refused(void **state)
{
	static const char *const bad[] = {
		"", " 9", "9 ", "+9", "-9", "0x9", "0", "99999", "65", "18446744073709551625",
		"SIG", "SIGNOPE", "SIG9", " KILL", "KILL ", "RTMIN3", "RTMIN 3", "RTMIN+ 3",
		"RTMIN+-3", "RTMIN-1", "RTMAX+1", "RTMIN+", "RTMIN+0x1",
		"RTMIN+9223372036854775807", /* used to overflow base + off */
		"RTMAX-9223372036854775808",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (signal_parse(bad[i]) != -1)
			fail_msg("\"%s\" accepted as %d", bad[i], signal_parse(bad[i]));
	assert_int_equal(signal_parse(NULL), -1);
}

/* process.json's ids: 0..2^32-2, the field named when refused */
static void process_refused(const char *user, const char *want)
{
	char text[512];
	struct spec_process p;
	struct spec_errors e = { 0 };

	snprintf(text, sizeof(text), "{\"args\":[\"id\"],\"cwd\":\"/\",\"user\":%s}", user);
	if (spec_process_parse(text, strlen(text), "process.json", &p, &e) == 0)
		fail_msg("%s accepted", user);
	assert_true(e.n >= 1);
	assert_string_equal(e.msg[0], want);
	spec_errors_free(&e);
}

static void test_process_json_ids(void **state)
{
	static const char ok[] = "{\"args\":[\"id\"],\"cwd\":\"/\",\"user\":{\"uid\":4294967294,"
				 "\"gid\":0,\"additionalGids\":[4294967294,0]}}";
	struct spec_process p;
	struct spec_errors e = { 0 };

	assert_int_equal(spec_process_parse(ok, strlen(ok), "process.json", &p, &e), 0);
	assert_int_equal(p.user.uid, 4294967294u);
	assert_int_equal(p.user.additional_gids[0], 4294967294u);
	spec_process_free(&p);

	process_refused("{\"uid\":-1,\"gid\":0}",
			"process.json: .user.uid: must be between 0 and 4294967294, not -1");
	process_refused("{\"uid\":4294967295,\"gid\":0}",
			"process.json: .user.uid: must be between 0 and 4294967294, not 4294967295");
	process_refused("{\"uid\":4294967296,\"gid\":0}",
			"process.json: .user.uid: must be between 0 and 4294967294, not 4294967296");
	process_refused("{\"uid\":1.5,\"gid\":0}",
			"process.json: .user.uid: must be an integer, not 1.5");
	process_refused("{\"uid\":0,\"gid\":4294967295}",
			"process.json: .user.gid: must be between 0 and 4294967294, not 4294967295");
	process_refused("{\"uid\":0,\"gid\":-7}",
			"process.json: .user.gid: must be between 0 and 4294967294, not -7");
	process_refused("{\"uid\":0,\"gid\":0,\"additionalGids\":[1,4294967295]}",
			"process.json: .user.additionalGids[1]: must be between 0 and 4294967294, "
			"not 4294967295");
	process_refused("{\"uid\":0,\"gid\":0,\"additionalGids\":[-1]}",
			"process.json: .user.additionalGids[0]: must be between 0 and 4294967294, "
			"not -1");
	process_refused("{\"uid\":0,\"gid\":0,\"additionalGids\":[0.5]}",
			"process.json: .user.additionalGids[0]: must be an integer, not 0.5");
	process_refused("{\"uid\":\"1000\",\"gid\":0}",
			"process.json: .user.uid: must be an integer, not a string");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uid_gid_accepted),
		cmocka_unit_test(test_uid_gid_refused),
		cmocka_unit_test(test_parse_id_and_udec),
		cmocka_unit_test(test_parse_long_strict),
		cmocka_unit_test(test_signal_names),
		cmocka_unit_test(test_signal_refused),
		cmocka_unit_test(test_process_json_ids),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
