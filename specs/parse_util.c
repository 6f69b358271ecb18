/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parse context and typed getters.  Every getter checks one JSON value
 * against the type the spec gives it and records a problem naming the value's
 * path; none stops the parse, so one run finds every problem.
 */
#include "parse_internal.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pctx_init(struct pctx *c, const char *file, struct spec_errors *errs)
{
	memset(c, 0, sizeof(*c));
	c->file = file ? file : "config.json";
	c->errs = errs;
}

void pctx_error(struct pctx *c, const char *fmt, ...)
{
	char problem[1024];
	char *msg = NULL;
	char **nv;
	va_list ap;
	int r;

	c->n_errs++;
	if (!c->errs)
		return;
	va_start(ap, fmt);
	vsnprintf(problem, sizeof(problem), fmt, ap);
	va_end(ap);
	if (c->plen)
		r = asprintf(&msg, "%s: %s: %s", c->file, c->path, problem);
	else
		r = asprintf(&msg, "%s: %s", c->file, problem);
	if (r < 0)
		return;
	nv = realloc(c->errs->msg, (c->errs->n + 1) * sizeof(*nv));
	if (!nv) {
		free(msg);
		return;
	}
	nv[c->errs->n++] = msg;
	c->errs->msg = nv;
}

void spec_errors_free(struct spec_errors *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n; i++)
		free(e->msg[i]);
	free(e->msg);
	e->msg = NULL;
	e->n = 0;
}

/* A key that is not a plain identifier is shown quoted: .annotations["a.b"]. */
static bool key_is_plain(const char *key)
{
	if (!*key)
		return false;
	for (const char *p = key; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

static size_t pctx_append(struct pctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static size_t pctx_append(struct pctx *c, const char *fmt, ...)
{
	size_t saved = c->plen;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(c->path + c->plen, sizeof(c->path) - c->plen, fmt, ap);
	va_end(ap);
	if (r > 0)
		c->plen += (size_t)r;
	if (c->plen >= sizeof(c->path))
		c->plen = sizeof(c->path) - 1;
	return saved;
}

size_t pctx_push_key(struct pctx *c, const char *key)
{
	if (key_is_plain(key))
		return pctx_append(c, ".%s", key);
	return pctx_append(c, "[\"%s\"]", key);
}

size_t pctx_push_index(struct pctx *c, size_t i)
{
	return pctx_append(c, "[%zu]", i);
}

void pctx_pop(struct pctx *c, size_t saved)
{
	c->plen = saved;
	c->path[saved] = '\0';
}

void *pctx_calloc(struct pctx *c, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		pctx_error(c, "out of memory");
	return p;
}

char *pctx_strdup(struct pctx *c, const char *s)
{
	char *p = strdup(s);

	if (!p)
		pctx_error(c, "out of memory");
	return p;
}

/* ---- values ---- */

static const char *json_type_name(const json_t *v)
{
	if (json_is_string(v))
		return "a string";
	if (json_is_number(v))
		return "a number";
	if (json_is_boolean(v))
		return "a boolean";
	if (json_is_array(v))
		return "an array";
	if (json_is_object(v))
		return "an object";
	return "null";
}

int pv_object(struct pctx *c, const json_t *v)
{
	if (json_is_object(v))
		return 0;
	pctx_error(c, "must be an object, not %s", json_type_name(v));
	return -1;
}

int pv_array(struct pctx *c, const json_t *v, unsigned flags)
{
	if (!json_is_array(v)) {
		if (flags & PJ_NONEMPTY)
			pctx_error(c, "must be a non-empty array");
		else
			pctx_error(c, "must be an array, not %s", json_type_name(v));
		return -1;
	}
	if ((flags & PJ_NONEMPTY) && json_array_size(v) == 0) {
		pctx_error(c, "must be a non-empty array");
		return -1;
	}
	return 0;
}

int pv_string(struct pctx *c, const json_t *v, char **out, unsigned flags)
{
	const char *s = json_string_value(v);
	char *dup;

	if (!s) {
		pctx_error(c, "must be a string, not %s", json_type_name(v));
		return -1;
	}
	if ((flags & PJ_NONEMPTY) && !*s) {
		pctx_error(c, "must not be empty");
		return -1;
	}
	if ((flags & PJ_ABS_PATH) && s[0] != '/') {
		pctx_error(c, "must be an absolute path, not \"%s\"", s);
		return -1;
	}
	dup = pctx_strdup(c, s);
	if (!dup)
		return -1;
	free(*out);
	*out = dup;
	return 0;
}

int pv_bool(struct pctx *c, const json_t *v, bool *out)
{
	if (!json_is_boolean(v)) {
		pctx_error(c, "must be a boolean, not %s", json_type_name(v));
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

/*
 * A number as an integer: jansson's json_int_t is exact; a real counts when
 * it is whole (1e3, 1.0); a mark is the exact integer outside int64 it
 * stands for.  Returns 1 with *i set, 0 with *d set (a whole real outside
 * int64), 2 with *big set, -1 after recording why.
 */
static int pv_integral(struct pctx *c, const json_t *v, json_int_t *i, double *d,
		       const struct pctx_big **big)
{
	if (json_is_integer(v)) {
		*i = json_integer_value(v);
		return 1;
	}
	if (!json_is_real(v)) {
		pctx_error(c, "must be an integer, not %s", json_type_name(v));
		return -1;
	}
	*big = pctx_big_of(c, v);
	if (*big)
		return 2;
	*d = json_real_value(v);
	if (!isfinite(*d) || floor(*d) != *d) {
		pctx_error(c, "must be an integer, not %g", *d);
		return -1;
	}
	/* 2^63 is exact as a double; compare before converting. */
	if (*d >= -9223372036854775808.0 && *d < 9223372036854775808.0) {
		*i = (json_int_t)*d;
		return 1;
	}
	return 0;
}

int pv_int_range(struct pctx *c, const json_t *v, int64_t min, int64_t max, int64_t *out)
{
	const struct pctx_big *big = NULL;
	json_int_t i = 0;
	double d = 0;
	int r = pv_integral(c, v, &i, &d, &big);

	if (r < 0)
		return -1;
	if (r == 0 || r == 2) {
		char num[400]; /* DBL_MAX is 309 digits */

		if (big)
			snprintf(num, sizeof(num), "%s", big->text);
		else
			snprintf(num, sizeof(num), "%.0f", d);
		pctx_error(c, "must be between %lld and %lld, not %s", (long long)min,
			   (long long)max, num);
		return -1;
	}
	if (i < min || i > max) {
		pctx_error(c, "must be between %lld and %lld, not %lld", (long long)min,
			   (long long)max, (long long)i);
		return -1;
	}
	*out = (int64_t)i;
	return 0;
}

int pv_u64(struct pctx *c, const json_t *v, uint64_t *out)
{
	const struct pctx_big *big = NULL;
	json_int_t i = 0;
	double d = 0;
	int r = pv_integral(c, v, &i, &d, &big);

	if (r < 0)
		return -1;
	if (r == 1) {
		if (i < 0) {
			pctx_error(c, "must be between 0 and 18446744073709551615, not %lld",
				   (long long)i);
			return -1;
		}
		*out = (uint64_t)i;
		return 0;
	}
	if (r == 2) {
		if (!big->fits_u64) {
			pctx_error(c, "must be between 0 and 18446744073709551615, not %s",
				   big->text);
			return -1;
		}
		*out = big->value;
		return 0;
	}
	/* a whole real: 2^64 and above do not fit */
	if (d < 0 || d >= 18446744073709551616.0) {
		pctx_error(c, "must be between 0 and 18446744073709551615, not %.0f", d);
		return -1;
	}
	*out = (uint64_t)d;
	return 0;
}

int pv_strv(struct pctx *c, const json_t *v, struct spec_strv *out, unsigned flags)
{
	struct spec_strv r = { 0 };
	const json_t *e;
	int bad = 0;
	size_t i = 0;

	if (pv_array(c, v, flags & PJ_NONEMPTY) < 0)
		return -1;
	r.v = pctx_calloc(c, json_array_size(v) + 1, sizeof(char *));
	if (!r.v)
		return -1;
	PJ_ARRAY_FOREACH(v, e) {
		size_t saved = pctx_push_index(c, i++);

		if (pv_string(c, e, &r.v[r.n], flags & PJ_ABS_PATH) == 0)
			r.n++;
		else
			bad = -1;
		pctx_pop(c, saved);
	}
	spec_strv_free(out);
	*out = r;
	return bad;
}

/* ---- keyed getters ---- */

const json_t *pj_field(struct pctx *c, const json_t *obj, const char *key, unsigned flags)
{
	const json_t *v = obj ? json_object_get(obj, key) : NULL;

	pctx_keys_record(c, obj, key);
	if (json_is_null(v))
		v = NULL;
	if (!v && (flags & PJ_REQUIRED)) {
		size_t saved = pctx_push_key(c, key);

		pctx_error(c, "is required");
		pctx_pop(c, saved);
	}
	return v;
}

const json_t *pj_object(struct pctx *c, const json_t *obj, const char *key, unsigned flags)
{
	const json_t *v = pj_field(c, obj, key, flags);
	size_t saved;
	int r;

	if (!v)
		return NULL;
	saved = pctx_push_key(c, key);
	r = pv_object(c, v);
	pctx_pop(c, saved);
	return r < 0 ? NULL : v;
}

const json_t *pj_array(struct pctx *c, const json_t *obj, const char *key, unsigned flags)
{
	const json_t *v = pj_field(c, obj, key, flags);
	size_t saved;
	int r;

	if (!v)
		return NULL;
	saved = pctx_push_key(c, key);
	r = pv_array(c, v, flags);
	pctx_pop(c, saved);
	return r < 0 ? NULL : v;
}

/* Shared shape of the keyed scalar getters. */
#define PJ_BODY(call)                                          \
	do {                                                   \
		const json_t *v = pj_field(c, obj, key, flags); \
		size_t saved;                                  \
		int r;                                         \
		if (!v)                                        \
			return (flags & PJ_REQUIRED) ? -1 : 0; \
		saved = pctx_push_key(c, key);                 \
		r = (call);                                    \
		pctx_pop(c, saved);                            \
		return r < 0 ? -1 : 1;                         \
	} while (0)

int pj_string(struct pctx *c, const json_t *obj, const char *key, char **out, unsigned flags)
{
	PJ_BODY(pv_string(c, v, out, flags));
}

int pj_bool(struct pctx *c, const json_t *obj, const char *key, bool *out, unsigned flags)
{
	PJ_BODY(pv_bool(c, v, out));
}

int pj_strv(struct pctx *c, const json_t *obj, const char *key, struct spec_strv *out,
	    unsigned flags)
{
	PJ_BODY(pv_strv(c, v, out, flags));
}

int pj_int(struct pctx *c, const json_t *obj, const char *key, int64_t min, int64_t max,
	   int64_t *out, unsigned flags)
{
	PJ_BODY(pv_int_range(c, v, min, max, out));
}

int pj_i64(struct pctx *c, const json_t *obj, const char *key, int64_t *out, unsigned flags)
{
	return pj_int(c, obj, key, INT64_MIN, INT64_MAX, out, flags);
}

int pj_u64(struct pctx *c, const json_t *obj, const char *key, uint64_t *out, unsigned flags)
{
	PJ_BODY(pv_u64(c, v, out));
}

int pj_u32(struct pctx *c, const json_t *obj, const char *key, uint32_t *out, unsigned flags)
{
	int64_t x;
	int r = pj_int(c, obj, key, 0, UINT32_MAX, &x, flags);

	if (r == 1)
		*out = (uint32_t)x;
	return r;
}

int pj_u16(struct pctx *c, const json_t *obj, const char *key, uint16_t *out, unsigned flags)
{
	int64_t x;
	int r = pj_int(c, obj, key, 0, UINT16_MAX, &x, flags);

	if (r == 1)
		*out = (uint16_t)x;
	return r;
}

int pj_kv(struct pctx *c, const json_t *obj, const char *key, struct spec_kv_list *out)
{
	const json_t *o = pj_object(c, obj, key, 0);
	const json_t *e;
	const char *k0;
	size_t saved;
	int bad = 0;

	if (!o)
		return pj_field(c, obj, key, 0) ? -1 : 0;
	out->v = pctx_calloc(c, json_object_size(o), sizeof(*out->v));
	if (!out->v)
		return -1;
	saved = pctx_push_key(c, key);
	PJ_OBJECT_FOREACH(o, k0, e) {
		size_t s2 = pctx_push_key(c, k0);
		char *value = NULL;

		if (pv_string(c, e, &value, 0) == 0) {
			char *k = pctx_strdup(c, k0);

			if (k) {
				out->v[out->n].key = k;
				out->v[out->n++].value = value;
			} else {
				free(value);
				bad = -1;
			}
		} else {
			bad = -1;
		}
		pctx_pop(c, s2);
	}
	pctx_pop(c, saved);
	return bad < 0 ? -1 : 1;
}

int pj_idmaps(struct pctx *c, const json_t *obj, const char *key, struct spec_idmap **out,
	      size_t *n)
{
	const json_t *a = pj_array(c, obj, key, 0);
	const json_t *e;
	size_t saved, i = 0;
	int bad = 0;

	if (!a)
		return pj_field(c, obj, key, 0) ? -1 : 0;
	*out = pctx_calloc(c, json_array_size(a), sizeof(**out));
	if (!*out)
		return -1;
	saved = pctx_push_key(c, key);
	PJ_ARRAY_FOREACH(a, e) {
		size_t s2 = pctx_push_index(c, i++);
		struct spec_idmap m = { 0 };

		if (pv_object(c, e) == 0) {
			int ok = pj_u32(c, e, "containerID", &m.container_id, PJ_REQUIRED) > 0;

			ok &= pj_u32(c, e, "hostID", &m.host_id, PJ_REQUIRED) > 0;
			ok &= pj_u32(c, e, "size", &m.size, PJ_REQUIRED) > 0;
			if (ok && m.size == 0) {
				size_t s3 = pctx_push_key(c, "size");

				pctx_error(c, "must be greater than 0");
				pctx_pop(c, s3);
				ok = 0;
			}
			if (ok)
				(*out)[(*n)++] = m;
			else
				bad = -1;
		} else {
			bad = -1;
		}
		pctx_pop(c, s2);
	}
	pctx_pop(c, saved);
	return bad < 0 ? -1 : 1;
}
