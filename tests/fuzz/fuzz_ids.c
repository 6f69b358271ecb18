/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the small parsers of command-line words — `exec
 * --user UID[:GID]`, `--additional-gids`, `kill ID SIGNAL` — and the strict
 * decimal helpers under them.  Each answer is checked against a reference
 * written the slow, obvious way.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "util/signals.h"
#include "fuzz.h"
#include "util/util.h"

/* digits only, non-empty, value at most max: the reference */
static bool ref_udec(const char *s, size_t n, unsigned long long max, unsigned long long *v)
{
	unsigned __int128 x = 0;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (unsigned)(s[i] - '0');
		if (x > max)
			return false;
	}
	*v = (unsigned long long)x;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	size_t len = strlen(s); /* the words kura gets are C strings */
	const char *colon = strchr(s, ':');
	unsigned long long ref_u, ref_g, v;
	uint32_t uid = 7, gid = 7, id;
	bool has_gid = false, ok;
	long long ll;
	int sig;

	/* UID[:GID] */
	ok = ref_udec(s, colon ? (size_t)(colon - s) : len, 4294967294ULL, &ref_u) &&
	     (!colon || ref_udec(colon + 1, strlen(colon + 1), 4294967294ULL, &ref_g));
	FUZZ_ASSERT((util_parse_uid_gid(s, &uid, &gid, &has_gid) == 0) == ok);
	if (ok) {
		FUZZ_ASSERT(uid == ref_u && has_gid == (colon != NULL));
		FUZZ_ASSERT(colon ? gid == ref_g : gid == 7);
	}
	/* one id */
	ok = ref_udec(s, len, 4294967294ULL, &ref_u);
	FUZZ_ASSERT((util_parse_id(s, &id) == 0) == ok);
	if (ok)
		FUZZ_ASSERT(id == ref_u && id != UINT32_MAX);
	ok = ref_udec(s, len, UINT64_MAX, &ref_u);
	FUZZ_ASSERT((util_parse_udec(s, UINT64_MAX, &v) == 0) == ok);
	if (ok)
		FUZZ_ASSERT(v == ref_u);

	/* signed: an optional '-', then digits, in range */
	if (util_parse_long(s, &ll) == 0) {
		FUZZ_ASSERT(len > 0 && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9')));
		for (size_t i = s[0] == '-'; i < len; i++)
			FUZZ_ASSERT(s[i] >= '0' && s[i] <= '9');
	}

	/* signals: a real one, or -1 */
	sig = signal_parse(s);
	FUZZ_ASSERT(sig == -1 || (sig > 0 && sig < NSIG));
	if (sig > 0 && len > 0) {
		/* never whitespace, a '+' in front, or hex */
		FUZZ_ASSERT(s[0] != ' ' && s[0] != '+' && s[0] != '\t' && s[0] != '-');
		FUZZ_ASSERT(!(s[0] == '0' && (s[1] == 'x' || s[1] == 'X')));
		if (s[0] >= '0' && s[0] <= '9')
			FUZZ_ASSERT(ref_udec(s, len, NSIG - 1, &v) && (int)v == sig);
	}
	free(s);
	return 0;
}
