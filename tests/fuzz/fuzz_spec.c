/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: config.json and the process JSON of `exec -p` (and the
 * resources JSON of `update -r`) are bytes a user hands kura.  Every input is
 * parsed or refused with messages naming the file; whatever a parse made is
 * freed (LeakSanitizer checks); a parsed process obeys the spec's rules; the
 * document `exec` reads (spec_doc) agrees with the text and dumps exactly.
 */
#include <stdio.h>

#include "fuzz.h"
#include "specs/spec.h"

static void check_errors(int r, const struct spec_errors *e, const char *prefix)
{
	size_t pl = strlen(prefix);

	/* a refusal always says why; an acceptance says nothing */
	FUZZ_ASSERT(r == 0 ? e->n == 0 : e->n > 0);
	for (size_t i = 0; i < e->n; i++)
		FUZZ_ASSERT(strncmp(e->msg[i], prefix, pl) == 0);
}

static void check_process(const struct spec_process *p)
{
	FUZZ_ASSERT(p->args.n > 0 && p->args.v && p->args.v[p->args.n] == NULL);
	FUZZ_ASSERT(p->cwd && p->cwd[0] == '/');
	/* (uid_t)-1 means "no change" to setresuid: never a process's id */
	FUZZ_ASSERT(p->user.uid != UINT32_MAX && p->user.gid != UINT32_MAX);
	for (size_t i = 0; i < p->user.n_additional_gids; i++)
		FUZZ_ASSERT(p->user.additional_gids[i] != UINT32_MAX);
	for (size_t i = 0; i < p->n_rlimits; i++)
		FUZZ_ASSERT(p->rlimits[i].soft <= p->rlimits[i].hard);
}

static int is_zero(const void *v, size_t n)
{
	const unsigned char *b = v;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct spec_errors e = { 0 };
	struct spec s;
	struct spec_process p;
	struct spec_resources res;
	int r;

	r = spec_parse(text, size, "config.json", &s, &e);
	check_errors(r, &e, "config.json: ");
	if (r == 0) {
		if (s.has_process)
			check_process(&s.process);
		spec_free(&s);
	} else {
		FUZZ_ASSERT(is_zero(&s, sizeof(s)));
	}
	spec_errors_free(&e);

	/* kura check: whatever parsed is kept, and freed by the caller */
	r = spec_parse_lenient(text, size, "config.json", &s, &e);
	check_errors(r, &e, "config.json: ");
	spec_free(&s);
	spec_errors_free(&e);

	/*
	 * `exec`: the document read once gives the same verdict as the text,
	 * and any dump of it reads back to itself (big integers exact).
	 */
	{
		struct spec_doc *d = spec_doc_load(text, size, "config.json", &e);
		int rt = spec_parse(text, size, "config.json", &s, NULL);

		check_errors(d ? 0 : -1, &e, "config.json: ");
		spec_errors_free(&e);
		if (rt == 0)
			spec_free(&s);
		if (d) {
			char *out = spec_doc_dump(d, spec_doc_root(d));

			FUZZ_ASSERT((spec_doc_parse(d, &s, NULL) == 0) == (rt == 0));
			if (rt == 0)
				spec_free(&s);
			if (out) {
				struct spec_doc *d2 = spec_doc_load(out, strlen(out), "config.json", NULL);
				char *out2 = d2 ? spec_doc_dump(d2, spec_doc_root(d2)) : NULL;

				FUZZ_ASSERT(out2 && strcmp(out, out2) == 0);
				free(out2);
				spec_doc_free(d2);
				free(out);
			}
			spec_doc_free(d);
		} else {
			FUZZ_ASSERT(rt < 0);
		}
	}

	r = spec_process_parse(text, size, "process.json", &p, &e);
	check_errors(r, &e, "process.json: ");
	if (r == 0) {
		check_process(&p);
		spec_process_free(&p);
	} else {
		FUZZ_ASSERT(is_zero(&p, sizeof(p)));
	}
	spec_errors_free(&e);

	r = spec_resources_parse(text, size, "resources.json", &res, &e);
	check_errors(r, &e, "resources.json: ");
	if (r == 0)
		spec_resources_free(&res);
	spec_errors_free(&e);
	free(text);
	return 0;
}
