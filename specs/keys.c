/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Misspelt keys.  Unknown keys stay allowed (the spec says so: extensions
 * live there), but one a letter or two from a key the parser reads in the
 * same object is a typo that silently drops a setting: `kura check` warns,
 * naming the path and the key meant.  The known keys of an object are the
 * ones the parser looked up in it (pj_field records them); an object the
 * parser never looked into (annotations, sysctl) is a free map.
 */
#include "parse_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pctx_key {
	const json_t *obj;
	const char *key;
};

struct pctx_keys {
	struct pctx_key *v;
	size_t n, cap;
	struct spec_errors *warns;
};

void pctx_keys_record(struct pctx *c, const json_t *obj, const char *key)
{
	struct pctx_keys *k = c->keys;

	if (!k || !obj)
		return;
	if (k->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 256;
		struct pctx_key *nv = realloc(k->v, cap * sizeof(*nv));

		if (!nv)
			return; /* a warning less, never a failure */
		k->v = nv;
		k->cap = cap;
	}
	k->v[k->n++] = (struct pctx_key){ obj, key };
}

/* Optimal string alignment distance, case-insensitive, capped at max + 1. */
static size_t key_distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[64][64];

	if (la >= 64 || lb >= 64 || (la > lb ? la - lb : lb - la) > max)
		return max + 1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t best = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

/* The known key of obj closest to key, or NULL when none is close. */
static const char *key_closest(const struct pctx_keys *k, const json_t *obj, const char *key,
			       bool *obj_known)
{
	/* short keys tolerate one slip, longer ones two */
	size_t max = strlen(key) < 5 ? 1 : 2, best = max + 1;
	const char *found = NULL;

	*obj_known = false;
	for (size_t i = 0; i < k->n; i++) {
		size_t d;

		if (k->v[i].obj != obj)
			continue;
		*obj_known = true;
		if (strcmp(k->v[i].key, key) == 0)
			return NULL; /* known: not misspelt */
		d = key_distance(key, k->v[i].key, max);
		if (d < best) {
			best = d;
			found = k->v[i].key;
		}
	}
	return found;
}

static void keys_walk(struct pctx *c, const json_t *v)
{
	const struct pctx_keys *k = c->keys;
	const char *key;
	json_t *e;

	if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++) {
			size_t saved = pctx_push_index(c, i);

			keys_walk(c, json_array_get(v, i));
			pctx_pop(c, saved);
		}
		return;
	}
	if (!json_is_object(v))
		return;
	PJ_OBJECT_FOREACH(v, key, e) {
		bool obj_known;
		const char *meant = key_closest(k, v, key, &obj_known);
		size_t saved = pctx_push_key(c, key);

		if (meant) {
			char *msg = NULL;
			char **nv;

			if (asprintf(&msg, "%s: %s: unknown key, ignored: did you mean \"%s\"?", c->file,
				     c->path, meant) >= 0 &&
			    (nv = realloc(k->warns->msg, (k->warns->n + 1) * sizeof(*nv)))) {
				nv[k->warns->n++] = msg;
				k->warns->msg = nv;
				msg = NULL;
			}
			free(msg);
		}
		/* a free map's values are not the parser's objects */
		if (obj_known)
			keys_walk(c, e);
		pctx_pop(c, saved);
	}
}

int pctx_keys_start(struct pctx *c, struct spec_errors *warns)
{
	if (!warns)
		return 0;
	c->keys = calloc(1, sizeof(*c->keys));
	if (!c->keys)
		return -1;
	c->keys->warns = warns;
	return 0;
}

void pctx_keys_finish(struct pctx *c, const json_t *root)
{
	if (!c->keys)
		return;
	if (root) {
		size_t saved = c->plen;

		keys_walk(c, root);
		pctx_pop(c, saved);
	}
	free(c->keys->v);
	free(c->keys);
	c->keys = NULL;
}
