/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to specs/: the parse context and the typed getters every section
 * parser uses.  The context carries the JSON path of the value being read so
 * that each problem can be reported as "<file>: <path>: <problem>", and it
 * collects every problem instead of stopping at the first.
 */
#ifndef KURA_SPEC_PARSE_INTERNAL_H
#define KURA_SPEC_PARSE_INTERNAL_H

#include <jansson.h>

#include "spec.h"

/*
 * Every element e of the JSON array a, in order.  The index variable is
 * named after the line so that nested loops do not shadow one another.
 */
#define PJ_CAT_(a, b) a##b
#define PJ_CAT(a, b) PJ_CAT_(a, b)
#define PJ_ARRAY_FOREACH(a, e) PJ_ARRAY_FOREACH_(a, e, PJ_CAT(pj_k_, __LINE__))
#define PJ_ARRAY_FOREACH_(a, e, k) \
	for (size_t k = 0; k < json_array_size(a) && ((e) = json_array_get(a, k)); k++)

/* Every member (key, e) of the JSON object o, in document order. */
#define PJ_OBJECT_FOREACH(o, key, e) json_object_foreach ((json_t *)(o), key, e)

/*
 * An integer literal of the document outside int64, which jansson cannot
 * hold: its exact value, and the real ("mark") that stands for it in the
 * tree (see pctx_parse_json).
 */
struct pctx_big {
	double mark;
	bool negative;
	bool fits_u64; /* not negative and at most UINT64_MAX: value is exact */
	uint64_t value;
	char text[44]; /* the literal, cut short with "..." for messages */
};

struct pctx {
	const char *file;
	struct spec_errors *errs;
	size_t n_errs; /* problems recorded by this parse */
	char path[1024];
	size_t plen;
	struct pctx_big *big; /* from pctx_parse_json, freed by pctx_json_free */
	size_t n_big;
	struct pctx_keys *keys; /* the keys looked up, when misspelt ones are wanted */
};

/* Flags of the getters. */
enum {
	PJ_REQUIRED = 1 << 0, /* absent (or null) is an error */
	PJ_ABS_PATH = 1 << 1, /* string must start with '/' */
	PJ_NONEMPTY = 1 << 2, /* string or array must not be empty */
};

void pctx_init(struct pctx *c, const char *file, struct spec_errors *errs);
/* Record "<file>: <path>: <message>" (or "<file>: <message>" at the root). */
void pctx_error(struct pctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Path stack: each push returns the length to restore with pctx_pop(). */
size_t pctx_push_key(struct pctx *c, const char *key);
size_t pctx_push_index(struct pctx *c, size_t i);
void pctx_pop(struct pctx *c, size_t saved);

/* Memory: on failure records "out of memory" and returns NULL. */
void *pctx_calloc(struct pctx *c, size_t n, size_t size);
char *pctx_strdup(struct pctx *c, const char *s);

/*
 * Field lookup: NULL when absent or JSON null; with PJ_REQUIRED an absent
 * field is recorded as an error.
 */
const json_t *pj_field(struct pctx *c, const json_t *obj, const char *key, unsigned flags);

/*
 * Value checks (path already pushed): return 0, or -1 after recording why.
 * pv_object/pv_array only check the type.
 */
int pv_object(struct pctx *c, const json_t *v);
int pv_array(struct pctx *c, const json_t *v, unsigned flags);
int pv_string(struct pctx *c, const json_t *v, char **out, unsigned flags);
int pv_bool(struct pctx *c, const json_t *v, bool *out);
int pv_int_range(struct pctx *c, const json_t *v, int64_t min, int64_t max, int64_t *out);
int pv_u64(struct pctx *c, const json_t *v, uint64_t *out);
int pv_strv(struct pctx *c, const json_t *v, struct spec_strv *out, unsigned flags);

/*
 * Keyed getters: 1 when the field was present and valid, 0 when absent (out
 * untouched), -1 when it was wrong (already recorded).  pj_object returns the
 * child object or NULL (absent or wrong).
 */
const json_t *pj_object(struct pctx *c, const json_t *obj, const char *key, unsigned flags);
const json_t *pj_array(struct pctx *c, const json_t *obj, const char *key, unsigned flags);
int pj_string(struct pctx *c, const json_t *obj, const char *key, char **out, unsigned flags);
int pj_bool(struct pctx *c, const json_t *obj, const char *key, bool *out, unsigned flags);
int pj_u32(struct pctx *c, const json_t *obj, const char *key, uint32_t *out, unsigned flags);
int pj_u16(struct pctx *c, const json_t *obj, const char *key, uint16_t *out, unsigned flags);
int pj_int(struct pctx *c, const json_t *obj, const char *key, int64_t min, int64_t max,
	   int64_t *out, unsigned flags);
int pj_i64(struct pctx *c, const json_t *obj, const char *key, int64_t *out, unsigned flags);
int pj_u64(struct pctx *c, const json_t *obj, const char *key, uint64_t *out, unsigned flags);
int pj_strv(struct pctx *c, const json_t *obj, const char *key, struct spec_strv *out,
	    unsigned flags);
/* An object of string values (annotations, sysctl, unified). */
int pj_kv(struct pctx *c, const json_t *obj, const char *key, struct spec_kv_list *out);
int pj_idmaps(struct pctx *c, const json_t *obj, const char *key, struct spec_idmap **out,
	      size_t *n);

/* Section parsers (parse_process.c, parse_linux.c, parse_resources.c). */
void spec_parse_process_obj(struct pctx *c, const json_t *obj, struct spec_process *p);
void spec_parse_linux_obj(struct pctx *c, const json_t *obj, struct spec_linux *l);
void spec_parse_resources_obj(struct pctx *c, const json_t *obj, struct spec_resources *r);

/*
 * Parse text into a jansson tree, recording "invalid JSON at line L,
 * column C: jansson's reason".
 * Integers outside int64 (engines send 2^64-1 in uint64 fields) stay exact:
 * each becomes a marked real that the integer getters read back exactly,
 * so each field's own range check takes or refuses it.  Every other number
 * is jansson's own.  Free the tree and the marks with pctx_json_free().
 */
json_t *pctx_parse_json(struct pctx *c, const char *text, size_t len);
/*
 * j as compact JSON text with each mark of c written back as its literal;
 * NULL with errno (ERANGE: a literal outside uint64) (parse_json.c).
 */
char *pctx_dump_json(const struct pctx *c, const json_t *j);
void pctx_json_free(struct pctx *c, json_t *root);
/* The integer outside int64 that the real v of the tree stands for, or NULL (parse_json.c). */
const struct pctx_big *pctx_big_of(const struct pctx *c, const json_t *v);

/*
 * Misspelt keys (keys.c): pctx_keys_start makes pj_field record every key
 * it looks up; pctx_keys_finish appends to warns one line per unknown key
 * close to a known key of its object, naming both, and frees the record.
 */
int pctx_keys_start(struct pctx *c, struct spec_errors *warns);
void pctx_keys_record(struct pctx *c, const json_t *obj, const char *key);
void pctx_keys_finish(struct pctx *c, const json_t *root);

/* Frees of sub-structs shared by free.c and the section parsers. */
void spec_strv_free(struct spec_strv *v);
void spec_kv_list_free(struct spec_kv_list *l);
void spec_linux_free(struct spec_linux *l);

#endif
