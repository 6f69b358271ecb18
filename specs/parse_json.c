/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JSON text of a config or process file into a jansson tree, with every
 * integer exact (see below) and each syntax error named with its line and
 * column.
 */
#include "parse_internal.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Integers outside int64.  jansson refuses them (json_error_numeric_overflow)
 * and its only way around is document-wide, JSON_DECODE_INT_AS_REAL, which
 * would round every other integer above 2^53 as well: one 2^64-1 rlimit
 * (RLIM_INFINITY, which engines send) would turn a seccomp argument or a
 * memory limit of 9007199254740993 into ...992.  So when, and only when, the
 * plain parse overflows, one pass over the text (big_rewrite) finds each
 * integer literal outside int64 outside of strings, records its exact value,
 * and writes in its place a real literal: a "mark", a double at the top of
 * the range that no real of the document has (the pass reads those too).
 * Nothing else of the text changes, line numbers included.  The tree then
 * holds every other number exactly as jansson reads it, and the integer
 * getters (pv_integral) turn a mark back into its literal, for the field's
 * own range check: uint64 fields take up to 2^64-1, the rest refuse it with
 * the field's path.  A mark is a number to every other getter, so a type
 * error still says "not a number".
 */

/* Above this only marks and (rare) huge reals of the document live. */
#define BIG_MARK_FLOOR 1e308

struct big_scan {
	size_t n_out; /* length of the rewritten text */
	struct pctx_big *big;
	size_t n_big;
	double *huge; /* reals of the document at or above BIG_MARK_FLOOR */
	size_t n_huge;
	double next_mark;
};

/* The next double below a positive finite m (nextafter without libm). */
static double big_below(double m)
{
	uint64_t bits;

	memcpy(&bits, &m, sizeof(bits));
	bits--;
	memcpy(&m, &bits, sizeof(m));
	return m;
}

static bool big_mark_taken(const struct big_scan *b, double m)
{
	for (size_t i = 0; i < b->n_huge; i++)
		if (b->huge[i] == m)
			return true;
	return false;
}

static int big_push(void **v, size_t *n, size_t size, const void *e)
{
	char *nv = realloc(*v, (*n + 1) * size);

	if (!nv)
		return -1;
	memcpy(nv + *n * size, e, size);
	*v = nv;
	(*n)++;
	return 0;
}

/*
 * tok[0..n) is a JSON number token.  Returns 1 when it is an integer outside
 * int64 (*e filled), 0 when not, -1 when out of memory.
 */
static int big_classify(struct big_scan *b, const char *tok, size_t n, struct pctx_big *e)
{
	bool neg = tok[0] == '-';
	const char *d = tok + neg;
	size_t nd = n - neg;
	uint64_t v = 0;
	bool fits = true;

	if (nd == 0)
		return 0;
	for (size_t i = 0; i < nd; i++) {
		if (d[i] < '0' || d[i] > '9') {
			/* a real: remember it when it could collide with a mark */
			char *z = strndup(tok, n);
			double x;

			if (!z)
				return -1;
			x = strtod(z, NULL);
			free(z);
			if (fabs(x) >= BIG_MARK_FLOOR &&
			    big_push((void **)&b->huge, &b->n_huge, sizeof(x), &x) < 0)
				return -1;
			return 0;
		}
		if (fits && (v > UINT64_MAX / 10 || v * 10 > UINT64_MAX - (uint64_t)(d[i] - '0')))
			fits = false;
		else if (fits)
			v = v * 10 + (uint64_t)(d[i] - '0');
	}
	/* a leading zero is not JSON: leave it for jansson to refuse */
	if (nd > 1 && d[0] == '0')
		return 0;
	if (fits && (neg ? v <= (uint64_t)INT64_MAX + 1 : v <= (uint64_t)INT64_MAX))
		return 0;
	memset(e, 0, sizeof(*e));
	e->negative = neg;
	e->fits_u64 = fits && !neg;
	e->value = e->fits_u64 ? v : 0;
	if (n < sizeof(e->text))
		memcpy(e->text, tok, n);
	else
		snprintf(e->text, sizeof(e->text), "%.*s...", (int)sizeof(e->text) - 4, tok);
	return 1;
}

/* The text with every integer outside int64 replaced by its mark; NULL: out of memory. */
static char *big_rewrite(const char *text, size_t len, struct big_scan *b)
{
	size_t cap = len + 1, i = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	while (i < len) {
		size_t j = i + 1;
		struct pctx_big e;
		char mark[40];
		int r, m;

		if (text[i] == '"') {
			/* a string (or key), escapes and all: copied as it is */
			while (j < len && text[j] != '"')
				j += text[j] == '\\' ? 2 : 1;
			j = j < len ? j + 1 : len;
		} else if (text[i] == '-' || (text[i] >= '0' && text[i] <= '9')) {
			while (j < len && text[j] && strchr("0123456789+-.eE", text[j]))
				j++;
			r = big_classify(b, text + i, j - i, &e);
			if (r < 0)
				goto oom;
			if (r == 1) {
				/* marks start at DBL_MAX and go down, past any real of the document */
				while (big_mark_taken(b, b->next_mark))
					b->next_mark = big_below(b->next_mark);
				e.mark = b->next_mark;
				b->next_mark = big_below(b->next_mark);
				if (big_push((void **)&b->big, &b->n_big, sizeof(e), &e) < 0)
					goto oom;
				m = snprintf(mark, sizeof(mark), "%.17g", e.mark);
				if (m <= 0 || (size_t)m >= sizeof(mark))
					goto oom;
				/* a mark is at most 23 characters, a literal outside int64 at least 19 */
				if (b->n_out + (size_t)m + 1 > cap) {
					char *no = realloc(out, cap += (size_t)m + len);

					if (!no)
						goto oom;
					out = no;
				}
				memcpy(out + b->n_out, mark, (size_t)m);
				b->n_out += (size_t)m;
				i = j;
				continue;
			}
		}
		if (b->n_out + (j - i) + 1 > cap) {
			char *no = realloc(out, cap += (j - i) + len);

			if (!no)
				goto oom;
			out = no;
		}
		memcpy(out + b->n_out, text + i, j - i);
		b->n_out += j - i;
		i = j;
	}
	out[b->n_out] = '\0';
	return out;
oom:
	free(out);
	return NULL;
}

json_t *pctx_parse_json(struct pctx *c, const char *text, size_t len)
{
	/* A scalar document is reported by the caller as "must be an object". */
	const size_t flags = JSON_DECODE_ANY;
	json_error_t jerr;
	json_t *root;

	/* A NUL ends the text, as it always has for a C string read from a file. */
	len = text ? strnlen(text, len) : 0;
	if (len == 0) {
		pctx_error(c, "invalid JSON: empty document");
		return NULL;
	}
	root = json_loadb(text, len, flags, &jerr);
	if (!root && json_error_code(&jerr) == json_error_numeric_overflow) {
		struct big_scan b = { .next_mark = DBL_MAX };
		char *marked = big_rewrite(text, len, &b);

		free(b.huge);
		if (!marked) {
			free(b.big);
			pctx_error(c, "out of memory");
			return NULL;
		}
		root = json_loadb(marked, b.n_out, flags, &jerr);
		free(marked);
		if (root) {
			c->big = b.big;
			c->n_big = b.n_big;
		} else {
			free(b.big);
		}
	}
	if (!root) {
		/* line and column are 1-based; jansson says 0 or -1 where it has none */
		pctx_error(c, "invalid JSON at line %d, column %d: %s", jerr.line > 0 ? jerr.line : 1,
			   jerr.column > 0 ? jerr.column : 1, jerr.text);
		return NULL;
	}
	return root;
}

void pctx_json_free(struct pctx *c, json_t *root)
{
	json_decref(root);
	free(c->big);
	c->big = NULL;
	c->n_big = 0;
}

/* The integer outside int64 that the real v stands for, or NULL. */
const struct pctx_big *pctx_big_of(const struct pctx *c, const json_t *v)
{
	double d = json_real_value(v);

	for (size_t i = 0; i < c->n_big && d >= BIG_MARK_FLOOR; i++)
		if (c->big[i].mark == d)
			return &c->big[i];
	return NULL;
}


/* The entry of c whose mark the number text tok (n bytes) writes, or NULL. */
static const struct pctx_big *big_of_text(const struct pctx *c, const char *tok, size_t n)
{
	char num[64];
	double d;

	if (n >= sizeof(num))
		return NULL;
	memcpy(num, tok, n);
	num[n] = '\0';
	d = strtod(num, NULL);
	for (size_t i = 0; i < c->n_big && d >= BIG_MARK_FLOOR; i++)
		if (c->big[i].mark == d)
			return &c->big[i];
	return NULL;
}

/*
 * jansson writes a real with 17 significant digits, which read back to the
 * same double: each number token outside strings that reads as a mark is
 * that mark, and its literal goes in its place.
 */
char *pctx_dump_json(const struct pctx *c, const json_t *j)
{
	char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	char *out;
	size_t len, o = 0;

	if (!text) {
		errno = ENOMEM;
		return NULL;
	}
	if (!c->n_big)
		return text;
	len = strlen(text);
	/* a mark (>= 22 bytes) never writes shorter than its uint64 (<= 20) */
	out = malloc(len + 1);
	if (!out) {
		free(text);
		errno = ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < len;) {
		const struct pctx_big *e;
		size_t n = 1;

		if (text[i] == '"') {
			/* a string (or key), escapes and all: copied as it is */
			while (i + n < len && text[i + n] != '"')
				n += text[i + n] == '\\' ? 2 : 1;
			n = i + n < len ? n + 1 : len - i;
		} else if (text[i] == '-' || (text[i] >= '0' && text[i] <= '9')) {
			while (i + n < len && strchr("0123456789+-.eE", text[i + n]))
				n++;
			e = big_of_text(c, text + i, n);
			if (e && !e->fits_u64) {
				free(text);
				free(out);
				errno = ERANGE;
				return NULL;
			}
			if (e) {
				o += (size_t)sprintf(out + o, "%llu", (unsigned long long)e->value);
				i += n;
				continue;
			}
		}
		memcpy(out + o, text + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	free(text);
	return out;
}
