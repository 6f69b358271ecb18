/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.json read once as a document (spec_doc_*): `kura exec` builds its
 * process from the tree and parses the spec from the same tree.  Integers
 * outside int64 (RLIM_INFINITY as engines send it) must survive a dump of
 * any part of the tree exactly; strings that look like numbers are left
 * alone; the spec parsed from the document is the spec parsed from the text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "specs/spec.h"
#include "container/container_internal.h"

#define DOC(process_extra, linux_)                                                          \
	"{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"sh\"],"  \
	"\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}" process_extra "},\"linux\":" linux_ "}"

static struct spec_doc *load_ok(const char *text)
{
	struct spec_errors e = { 0 };
	struct spec_doc *d = spec_doc_load(text, strlen(text), "config.json", &e);

	assert_non_null(d);
	assert_int_equal(e.n, 0);
	return d;
}

static void test_big_integers_dump_exactly(void **state)
{
	static const char text[] = DOC(
		",\"env\":[\"X=1.7976931348623157e+308\",\"Y=18446744073709551615\"],"
		"\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":18446744073709551615,\"soft\":1024},"
		"{\"type\":\"RLIMIT_NOFILE\",\"hard\":9007199254740993,\"soft\":9007199254740993}]",
		"{\"resources\":{\"memory\":{\"swappiness\":18446744073709551615}}}");
	struct spec_doc *d = load_ok(text);
	struct spec s;
	json_t *p = json_object_get(spec_doc_root(d), "process");
	char *out;

	(void)state;
	out = spec_doc_dump(d, p);
	assert_non_null(out);
	assert_non_null(strstr(out, "\"hard\":18446744073709551615,\"soft\":1024"));
	/* 2^53+1 is an int64: jansson holds it exactly, no mark */
	assert_non_null(strstr(out, "\"hard\":9007199254740993"));
	/* text that reads like a mark or a big number, inside strings: untouched */
	assert_non_null(strstr(out, "\"X=1.7976931348623157e+308\""));
	assert_non_null(strstr(out, "\"Y=18446744073709551615\""));
	assert_null(strstr(out, "e+308,"));
	/* what was dumped reads back to the same process */
	{
		struct spec_errors e = { 0 };
		struct spec_process sp;

		assert_int_equal(spec_process_parse(out, strlen(out), "process", &sp, &e), 0);
		assert_true(sp.rlimits[0].hard == UINT64_MAX);
		assert_true(sp.rlimits[1].hard == 9007199254740993ULL);
		spec_process_free(&sp);
	}
	free(out);
	/* the spec of the document is the spec of the text */
	assert_int_equal(spec_doc_parse(d, &s, NULL), 0);
	assert_true(s.process.rlimits[0].hard == UINT64_MAX);
	assert_false(s.linux_.resources.memory.has_swappiness);
	spec_free(&s);
	/* twice: the document is not used up */
	assert_int_equal(spec_doc_parse(d, &s, NULL), 0);
	spec_free(&s);
	spec_doc_free(d);
}

static void test_errors(void **state)
{
	static const char bad_json[] = "{\"ociVersion\": \"1.3.0\",";
	static const char bad_field[] = DOC(",\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":1,"
					    "\"soft\":2}]", "{}");
	/* outside uint64: no field takes it, so a dump that meets it refuses */
	static const char huge[] = DOC(",\"x-vendor\":100000000000000000000", "{}");
	struct spec_errors e = { 0 };
	struct spec_doc *d;
	struct spec s;

	(void)state;
	assert_null(spec_doc_load(bad_json, strlen(bad_json), "config.json", &e));
	assert_int_equal(e.n, 1);
	assert_non_null(strstr(e.msg[0], "config.json: invalid JSON at line 1"));
	spec_errors_free(&e);

	d = load_ok(bad_field);
	assert_int_equal(spec_doc_parse(d, &s, &e), -1);
	assert_non_null(strstr(e.msg[0], "config.json: .process.rlimits[0]"));
	spec_errors_free(&e);
	spec_doc_free(d);

	d = load_ok(huge);
	errno = 0;
	assert_null(spec_doc_dump(d, json_object_get(spec_doc_root(d), "process")));
	assert_int_equal(errno, ERANGE);
	/* the rest of the document still dumps */
	{
		char *root = spec_doc_dump(d, json_object_get(spec_doc_root(d), "root"));

		assert_string_equal(root, "{\"path\":\"r\"}");
		free(root);
	}
	spec_doc_free(d);
	spec_doc_free(NULL);
}

/*
 * The init's copy of config.json with a compiled seccomp program: the rules
 * go but the NOTIFY ones, the rest of the document is as it was (integers
 * exact), and the document itself is untouched.
 */
static void test_init_config(void **state)
{
	static const char text[] = DOC(
		",\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":18446744073709551615,\"soft\":1}]",
		"{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],"
		"\"listenerPath\":\"/run/agent.sock\",\"syscalls\":["
		"{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},"
		"{\"names\":[\"write\"],\"action\":\"SCMP_ACT_NOTIFY\"},"
		"{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}}");
	struct spec_doc *d = load_ok(text);
	struct spec_errors e = { 0 };
	struct spec from_copy, from_doc;
	struct spec_doc *c;
	char *out = NULL;
	size_t len = 0;
	struct kerr err;
	json_t *sc;

	(void)state;
	/* no program compiled: the init compiles the rules itself, it gets them all */
	assert_int_equal(container_init_config(d, false, &out, &len, &err), 0);
	assert_null(out);
	assert_int_equal(container_init_config(d, true, &out, &len, &err), 0);
	assert_non_null(out);
	assert_int_equal(len, strlen(out));
	assert_non_null(strstr(out, "\"hard\":18446744073709551615"));
	c = spec_doc_load(out, len, "config.json", &e);
	assert_non_null(c);
	sc = json_object_get(json_object_get(spec_doc_root(c), "linux"), "seccomp");
	assert_int_equal(json_array_size(json_object_get(sc, "syscalls")), 1);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(sc, "syscalls"), 0), "action")),
			    "SCMP_ACT_NOTIFY");
	assert_string_equal(json_string_value(json_object_get(sc, "listenerPath")), "/run/agent.sock");
	/* what the init parses: the same spec but for the rules */
	assert_int_equal(spec_doc_parse(c, &from_copy, &e), 0);
	assert_int_equal(spec_doc_parse(d, &from_doc, &e), 0);
	assert_true(from_copy.linux_.seccomp.present);
	assert_int_equal(from_copy.linux_.seccomp.n_syscalls, 1);
	assert_int_equal(from_doc.linux_.seccomp.n_syscalls, 3);
	assert_true(from_copy.process.rlimits[0].hard == UINT64_MAX);
	spec_free(&from_copy);
	spec_free(&from_doc);
	spec_doc_free(c);
	free(out);
	/* the document itself keeps its three rules */
	sc = json_object_get(json_object_get(spec_doc_root(d), "linux"), "seccomp");
	assert_int_equal(json_array_size(json_object_get(sc, "syscalls")), 3);
	spec_doc_free(d);

	/* nothing to leave out: the text as it is */
	d = load_ok(DOC("", "{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}}"));
	out = NULL;
	assert_int_equal(container_init_config(d, true, &out, &len, &err), 0);
	assert_null(out);
	spec_doc_free(d);
	d = load_ok(DOC("", "{}"));
	assert_int_equal(container_init_config(d, true, &out, &len, &err), 0);
	assert_null(out);
	spec_doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_big_integers_dump_exactly),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_init_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
