/* SPDX-License-Identifier: Apache-2.0 */
/* The init data codec: one field table, encoded and decoded (initdata.h). */
#include "initdata.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

enum field_kind {
	F_STRING,  /* a non-empty string */
	F_BOOL,    /* true or false */
	F_FD,      /* an fd number, at least min (-1: none) */
	F_COUNT,   /* how many fds: 0 to FD_COUNT_MAX */
	F_CGROUPS, /* [{"controller": s, "path": s}...] */
	F_FDS,     /* [fd or -1, ...] */
};

#define BOTH (INITDATA_CREATE | INITDATA_EXEC)
#define FD_COUNT_MAX 65536
#define ARRAY_MAX 4096

struct field {
	const char *key;
	enum field_kind kind;
	unsigned int modes;
	size_t off;   /* of the value in struct initdata */
	size_t n_off; /* of its length, for arrays */
	int min;      /* F_FD */
};

#define AT(m) offsetof(struct initdata, m)

static const struct field fields[] = {
	{ "id", F_STRING, BOTH, AT(id), 0, 0 },
	{ "bundle", F_STRING, INITDATA_CREATE, AT(bundle), 0, 0 },
	{ "rootfs", F_STRING, INITDATA_CREATE, AT(rootfs), 0, 0 },
	{ "noPivot", F_BOOL, INITDATA_CREATE, AT(no_pivot), 0, 0 },
	{ "noNewKeyring", F_BOOL, INITDATA_CREATE, AT(no_new_keyring), 0, 0 },
	{ "cgroupV2", F_BOOL, INITDATA_CREATE, AT(cgroup_v2), 0, 0 },
	{ "fifoFd", F_FD, INITDATA_CREATE, AT(fifo_fd), 0, 3 },
	{ "cgroupsV1", F_CGROUPS, INITDATA_CREATE, AT(cgroups_v1), AT(n_cgroups_v1), 0 },
	{ "idmapFds", F_FDS, INITDATA_CREATE, AT(idmap_fds), AT(n_idmap_fds), 0 },
	{ "devNodesFd", F_FD, INITDATA_CREATE, AT(dev_nodes_fd), 0, -1 },
	{ "mntnsFd", F_FD, INITDATA_EXEC, AT(mntns_fd), 0, 3 },
	/* its JSON text as a string: exact, whatever numbers it holds (2^64-1 rlimits) */
	{ "process", F_STRING, INITDATA_EXEC, AT(process), 0, 0 },
	{ "consoleSocketFd", F_FD, BOTH, AT(console_fd), 0, -1 },
	{ "seccompFd", F_FD, BOTH, AT(seccomp_fd), 0, -1 },
	{ "preserveFds", F_COUNT, BOTH, AT(preserve_fds), 0, 0 },
	{ "listenFds", F_COUNT, BOTH, AT(listen_fds), 0, 0 },
};

#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

static void *field_ptr(const struct initdata *d, size_t off)
{
	return (char *)d + off;
}

static const char *mode_name(enum initdata_mode m)
{
	return m == INITDATA_CREATE ? "create" : m == INITDATA_EXEC ? "exec" : NULL;
}

/* ---- encode ---- */

static json_t *encode_cgroups(const struct initdata *d)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < d->n_cgroups_v1; i++)
		if (json_array_append_new(a, json_pack("{s:s, s:s}", "controller",
						       d->cgroups_v1[i].controller, "path",
						       d->cgroups_v1[i].path)) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *encode_fds(const int *fds, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_integer(fds[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *encode_field(const struct initdata *d, const struct field *f)
{
	void *p = field_ptr(d, f->off);

	switch (f->kind) {
	case F_STRING:
		return *(char **)p ? json_string(*(char **)p) : NULL;
	case F_BOOL:
		return json_boolean(*(bool *)p);
	case F_FD:
	case F_COUNT:
		return json_integer(*(int *)p);
	case F_CGROUPS:
		return encode_cgroups(d);
	case F_FDS:
		return encode_fds(*(int **)p, *(size_t *)field_ptr(d, f->n_off));
	}
	return NULL;
}

char *initdata_encode(const struct initdata *d, struct kerr *err)
{
	json_t *o = json_pack("{s:s}", "mode", mode_name(d->mode) ? mode_name(d->mode) : "");
	char *text = NULL;

	for (size_t i = 0; o && i < N_FIELDS; i++) {
		json_t *v;

		if (!(fields[i].modes & d->mode))
			continue;
		v = encode_field(d, &fields[i]);
		if (!v || json_object_set_new(o, fields[i].key, v) < 0) {
			kerr_set(err, "init data: cannot encode .%s", fields[i].key);
			json_decref(o);
			return NULL;
		}
	}
	if (o)
		text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!text)
		kerr_errno(err, ENOMEM, "init data");
	return text;
}

/* ---- decode ---- */

static int decode_fd(const json_t *v, int min, int *out)
{
	json_int_t n;

	if (!json_is_integer(v))
		return -1;
	n = json_integer_value(v);
	if (n < min || n > INT_MAX || (n < 0 && n != -1))
		return -1;
	*out = (int)n;
	return 0;
}

static int decode_cgroups(const json_t *v, struct initdata *d, const char *key, struct kerr *err)
{
	size_t i;
	const json_t *e;

	if (!json_is_array(v) || json_array_size(v) > ARRAY_MAX)
		return kerr_set(err, "init data: .%s: must be an array of at most %d", key, ARRAY_MAX);
	d->cgroups_v1 = calloc(json_array_size(v) + 1, sizeof(*d->cgroups_v1));
	if (!d->cgroups_v1)
		return kerr_errno(err, ENOMEM, "init data");
	json_array_foreach(v, i, e) {
		const char *c = json_string_value(json_object_get(e, "controller"));
		const char *p = json_string_value(json_object_get(e, "path"));

		if (!json_is_object(e) || json_object_size(e) != 2 || !c || !*c || !p || *p != '/')
			return kerr_set(err, "init data: .%s[%zu]: must be {\"controller\": name, "
					     "\"path\": absolute path}", key, i);
		d->cgroups_v1[i].controller = strdup(c);
		d->cgroups_v1[i].path = strdup(p);
		d->n_cgroups_v1 = i + 1;
		if (!d->cgroups_v1[i].controller || !d->cgroups_v1[i].path)
			return kerr_errno(err, ENOMEM, "init data");
	}
	return 0;
}

static int decode_fds(const json_t *v, int **fds, size_t *n, const char *key, struct kerr *err)
{
	size_t i;
	const json_t *e;

	if (!json_is_array(v) || json_array_size(v) > ARRAY_MAX)
		return kerr_set(err, "init data: .%s: must be an array of at most %d", key, ARRAY_MAX);
	*fds = calloc(json_array_size(v) + 1, sizeof(int));
	if (!*fds)
		return kerr_errno(err, ENOMEM, "init data");
	json_array_foreach(v, i, e)
		if (decode_fd(e, -1, &(*fds)[i]) < 0)
			return kerr_set(err, "init data: .%s[%zu]: must be an fd number or -1", key,
					i);
	*n = json_array_size(v);
	return 0;
}

static int decode_field(const json_t *v, const struct field *f, struct initdata *d,
			struct kerr *err)
{
	void *p = field_ptr(d, f->off);
	const char *s;

	switch (f->kind) {
	case F_STRING:
		s = json_string_value(v);
		if (!s || !*s)
			return kerr_set(err, "init data: .%s: must be a non-empty string", f->key);
		*(char **)p = strdup(s);
		return *(char **)p ? 0 : kerr_errno(err, ENOMEM, "init data");
	case F_BOOL:
		if (!json_is_boolean(v))
			return kerr_set(err, "init data: .%s: must be true or false", f->key);
		*(bool *)p = json_is_true(v);
		return 0;
	case F_FD:
		if (decode_fd(v, f->min, p) < 0)
			return kerr_set(err, "init data: .%s: must be an fd number%s", f->key,
					f->min < 0 ? " or -1" : " above stdio");
		return 0;
	case F_COUNT:
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > FD_COUNT_MAX)
			return kerr_set(err, "init data: .%s: must be 0 to %d", f->key, FD_COUNT_MAX);
		*(int *)p = (int)json_integer_value(v);
		return 0;
	case F_CGROUPS:
		return decode_cgroups(v, d, f->key, err);
	case F_FDS:
		return decode_fds(v, p, field_ptr(d, f->n_off), f->key, err);
	}
	return kerr_set(err, "init data: .%s: unknown kind", f->key);
}

static int decode_mode(const json_t *o, struct initdata *d, struct kerr *err)
{
	const char *m = json_string_value(json_object_get(o, "mode"));

	if (m && strcmp(m, "create") == 0)
		d->mode = INITDATA_CREATE;
	else if (m && strcmp(m, "exec") == 0)
		d->mode = INITDATA_EXEC;
	else
		return kerr_set(err, "init data: .mode: must be \"create\" or \"exec\"");
	return 0;
}

/* every key is "mode" or a field of d's mode */
static int decode_no_extra(const json_t *o, const struct initdata *d, struct kerr *err)
{
	const char *key;
	const json_t *v;

	json_object_foreach((json_t *)o, key, v) {
		size_t i;

		if (strcmp(key, "mode") == 0)
			continue;
		for (i = 0; i < N_FIELDS; i++)
			if ((fields[i].modes & d->mode) && strcmp(fields[i].key, key) == 0)
				break;
		if (i == N_FIELDS)
			return kerr_set(err, "init data: .%s: not a field of %s mode", key,
					mode_name(d->mode));
	}
	return 0;
}

static int decode_object(const json_t *o, struct initdata *d, struct kerr *err)
{
	if (!json_is_object(o))
		return kerr_set(err, "init data: must be a JSON object");
	if (decode_mode(o, d, err) < 0 || decode_no_extra(o, d, err) < 0)
		return -1;
	for (size_t i = 0; i < N_FIELDS; i++) {
		const json_t *v;

		if (!(fields[i].modes & d->mode))
			continue;
		v = json_object_get(o, fields[i].key);
		if (!v)
			return kerr_set(err, "init data: .%s: missing", fields[i].key);
		if (decode_field(v, &fields[i], d, err) < 0)
			return -1;
	}
	return 0;
}

int initdata_decode(const char *text, size_t len, struct initdata *d, struct kerr *err)
{
	json_error_t jerr;
	json_t *o;
	int r;

	memset(d, 0, sizeof(*d));
	d->fifo_fd = d->mntns_fd = d->console_fd = d->seccomp_fd = -1;
	o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!o)
		return kerr_set(err, "init data: invalid JSON: %s", jerr.text);
	r = decode_object(o, d, err);
	json_decref(o);
	if (r < 0)
		initdata_free(d);
	return r;
}

void initdata_free(struct initdata *d)
{
	free(d->id);
	free(d->bundle);
	free(d->rootfs);
	free(d->process);
	for (size_t i = 0; i < d->n_cgroups_v1; i++) {
		free(d->cgroups_v1[i].controller);
		free(d->cgroups_v1[i].path);
	}
	free(d->cgroups_v1);
	free(d->idmap_fds);
	memset(d, 0, sizeof(*d));
	d->fifo_fd = d->mntns_fd = d->console_fd = d->seccomp_fd = -1;
}
