/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: config.json and the process JSON of `exec -p` (and the
 * resources JSON of `update -r`) are bytes a user hands kura.  Every input is
 * parsed or refused with messages naming the file; whatever a parse made is
 * freed (LeakSanitizer checks); a parsed process obeys the spec's rules.
 */
#include <stdio.h>

#include "fuzz.h"
#include "spec.h"

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
