/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.json -> struct spec: the top-level fields, then the checks that
 * span sections (namespaces against mappings, hostname, time offsets).
 */
#include "parse_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* MAJOR.MINOR.PATCH with an optional -prerelease/+build tail (semver). */
static void check_oci_version(struct pctx *c, const char *v)
{
	const char *p = v;
	unsigned long major = 0;
	int parts = 0;

	for (;;) {
		const char *start = p;
		unsigned long n = 0;

		while (isdigit((unsigned char)*p) && n < 100000)
			n = n * 10 + (unsigned long)(*p++ - '0');
		if (p == start || isdigit((unsigned char)*p))
			break;
		if (parts++ == 0)
			major = n;
		if (parts == 3 || *p != '.')
			break;
		p++;
	}
	if (parts != 3 || (*p && *p != '-' && *p != '+')) {
		pctx_error(c, "malformed version \"%s\" (want MAJOR.MINOR.PATCH)", v);
		return;
	}
	if (major != 1)
		pctx_error(c, "unsupported version \"%s\" (kura supports 1.x)", v);
}

/* Whether an absolute path is lexically "/" ("/", "//", "/.", "/a/.."). */
static bool path_is_slash(const char *p)
{
	int depth = 0;

	if (p[0] != '/')
		return false;
	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			depth -= depth > 0;
		else if (n && !(n == 1 && p[0] == '.'))
			depth++;
		p += n;
	}
	return depth == 0;
}

static void parse_root(struct pctx *c, const json_t *obj, struct spec_root *root)
{
	const json_t *o = pj_object(c, obj, "root", PJ_REQUIRED);
	size_t saved;

	if (!o)
		return;
	saved = pctx_push_key(c, "root");
	/* the host's own root as the container's: every mount would land on the host */
	if (pj_string(c, o, "path", &root->path, PJ_REQUIRED | PJ_NONEMPTY) > 0 &&
	    path_is_slash(root->path)) {
		size_t s2 = pctx_push_key(c, "path");

		pctx_error(c, "must not be \"%s\", the host's root directory", root->path);
		pctx_pop(c, s2);
	}
	pj_bool(c, o, "readonly", &root->readonly, 0);
	pctx_pop(c, saved);
}

static void parse_mount(struct pctx *c, const json_t *e, struct spec_mount *m)
{
	if (pv_object(c, e) < 0)
		return;
	pj_string(c, e, "destination", &m->destination, PJ_REQUIRED | PJ_ABS_PATH);
	pj_string(c, e, "type", &m->type, 0);
	pj_string(c, e, "source", &m->source, 0);
	pj_strv(c, e, "options", &m->options, 0);
	pj_idmaps(c, e, "uidMappings", &m->uid_mappings, &m->n_uid_mappings);
	pj_idmaps(c, e, "gidMappings", &m->gid_mappings, &m->n_gid_mappings);
	/* An idmapped mount needs both maps (mount_setattr takes one user ns). */
	if (!!pj_field(c, e, "uidMappings", 0) != !!pj_field(c, e, "gidMappings", 0)) {
		const char *missing = pj_field(c, e, "uidMappings", 0) ? "gidMappings"
								       : "uidMappings";
		size_t saved = pctx_push_key(c, missing);

		pctx_error(c, "is required with %s", strcmp(missing, "gidMappings") == 0
							      ? "uidMappings"
							      : "gidMappings");
		pctx_pop(c, saved);
	}
}

static void parse_mounts(struct pctx *c, const json_t *obj, struct spec *s)
{
	const json_t *a = pj_array(c, obj, "mounts", 0);
	const json_t *e;
	size_t saved, i = 0;

	if (!a)
		return;
	s->mounts = pctx_calloc(c, json_array_size(a), sizeof(*s->mounts));
	if (!s->mounts)
		return;
	s->n_mounts = json_array_size(a);
	saved = pctx_push_key(c, "mounts");
	PJ_ARRAY_FOREACH(a, e) {
		size_t s2 = pctx_push_index(c, i);

		parse_mount(c, e, &s->mounts[i++]);
		pctx_pop(c, s2);
	}
	pctx_pop(c, saved);
}

static void parse_hook_list(struct pctx *c, const json_t *obj, const char *key,
			    struct spec_hook_list *l)
{
	const json_t *a = pj_array(c, obj, key, 0);
	const json_t *e;
	size_t saved, i = 0;

	if (!a)
		return;
	l->v = pctx_calloc(c, json_array_size(a), sizeof(*l->v));
	if (!l->v)
		return;
	l->n = json_array_size(a);
	saved = pctx_push_key(c, key);
	PJ_ARRAY_FOREACH(a, e) {
		struct spec_hook *h = &l->v[i];
		size_t s2 = pctx_push_index(c, i++);
		int64_t t;

		if (pv_object(c, e) == 0) {
			pj_string(c, e, "path", &h->path, PJ_REQUIRED | PJ_ABS_PATH);
			pj_strv(c, e, "args", &h->args, 0);
			pj_strv(c, e, "env", &h->env, 0);
			if (pj_int(c, e, "timeout", 1, INT32_MAX, &t, 0) > 0) {
				h->has_timeout = true;
				h->timeout = (int)t;
			}
		}
		pctx_pop(c, s2);
	}
	pctx_pop(c, saved);
}

static void parse_hooks(struct pctx *c, const json_t *obj, struct spec_hooks *h)
{
	const json_t *o = pj_object(c, obj, "hooks", 0);
	size_t saved;

	if (!o)
		return;
	saved = pctx_push_key(c, "hooks");
	parse_hook_list(c, o, "prestart", &h->prestart);
	parse_hook_list(c, o, "createRuntime", &h->create_runtime);
	parse_hook_list(c, o, "createContainer", &h->create_container);
	parse_hook_list(c, o, "startContainer", &h->start_container);
	parse_hook_list(c, o, "poststart", &h->poststart);
	parse_hook_list(c, o, "poststop", &h->poststop);
	pctx_pop(c, saved);
}

static void error_at(struct pctx *c, const char *p1, const char *p2, const char *msg)
{
	size_t saved = pctx_push_key(c, p1);

	if (p2)
		pctx_push_key(c, p2);
	pctx_error(c, "%s", msg);
	pctx_pop(c, saved);
}

/* Checks that need more than one section. */
static void check_cross(struct pctx *c, const json_t *root, const struct spec *s)
{
	const struct spec_namespace *user = spec_find_ns(s, SPEC_NS_USER);
	const struct spec_linux *l = &s->linux_;
	const json_t *lj = json_object_get(root, "linux");

	if (user && !user->path) {
		/* A new user ns with no maps leaves every id unmapped (nobody). */
		if (!l->n_uid_mappings && !pj_field(c, lj, "uidMappings", 0))
			error_at(c, "linux", "uidMappings",
				 "is required with a new user namespace");
		if (!l->n_gid_mappings && !pj_field(c, lj, "gidMappings", 0))
			error_at(c, "linux", "gidMappings",
				 "is required with a new user namespace");
	} else if (!user) {
		if (pj_field(c, lj, "uidMappings", 0))
			error_at(c, "linux", "uidMappings", "is set but there is no user namespace");
		if (pj_field(c, lj, "gidMappings", 0))
			error_at(c, "linux", "gidMappings", "is set but there is no user namespace");
	}
	if ((l->time_monotonic.present || l->time_boottime.present) &&
	    !spec_find_ns(s, SPEC_NS_TIME))
		error_at(c, "linux", "timeOffsets", "is set but there is no time namespace");
	/* a device moved out of the host's own namespace would stay lost to it */
	if (l->n_net_devices && !spec_find_ns(s, SPEC_NS_NETWORK))
		error_at(c, "linux", "netDevices", "is set but there is no network namespace");
	if (s->hostname && *s->hostname && !spec_find_ns(s, SPEC_NS_UTS))
		error_at(c, "hostname", NULL, "is set but there is no uts namespace");
	if (s->domainname && *s->domainname && !spec_find_ns(s, SPEC_NS_UTS))
		error_at(c, "domainname", NULL, "is set but there is no uts namespace");
}

static void parse_spec_obj(struct pctx *c, const json_t *root, struct spec *s)
{
	const json_t *o;

	if (pv_object(c, root) < 0)
		return;
	if (pj_string(c, root, "ociVersion", &s->oci_version, PJ_REQUIRED) > 0) {
		size_t saved = pctx_push_key(c, "ociVersion");

		check_oci_version(c, s->oci_version);
		pctx_pop(c, saved);
	}
	parse_root(c, root, &s->root);
	parse_mounts(c, root, s);
	o = pj_object(c, root, "process", 0);
	if (o) {
		size_t saved = pctx_push_key(c, "process");

		s->has_process = true;
		spec_parse_process_obj(c, o, &s->process);
		pctx_pop(c, saved);
	}
	pj_string(c, root, "hostname", &s->hostname, 0);
	pj_string(c, root, "domainname", &s->domainname, 0);
	parse_hooks(c, root, &s->hooks);
	pj_kv(c, root, "annotations", &s->annotations);
	o = pj_object(c, root, "linux", 0);
	if (o) {
		size_t saved = pctx_push_key(c, "linux");

		s->has_linux = true;
		spec_parse_linux_obj(c, o, &s->linux_);
		pctx_pop(c, saved);
	}
	check_cross(c, root, s);
}

int spec_parse_check(const char *text, size_t len, const char *file, struct spec *out,
		     struct spec_errors *errs, struct spec_errors *warns)
{
	struct pctx c;
	json_t *root;

	memset(out, 0, sizeof(*out));
	pctx_init(&c, file, errs);
	root = pctx_parse_json(&c, text, len);
	if (!root)
		return -1;
	if (pctx_keys_start(&c, warns) < 0)
		pctx_error(&c, "out of memory");
	parse_spec_obj(&c, root, out);
	pctx_keys_finish(&c, root);
	pctx_json_free(&c, root);
	return c.n_errs ? -1 : 0;
}

struct spec_doc {
	json_t *root;
	struct pctx_big *big;
	size_t n_big;
	char *file;
};

struct spec_doc *spec_doc_load(const char *text, size_t len, const char *file,
			       struct spec_errors *errs)
{
	struct spec_doc *d = calloc(1, sizeof(*d));
	struct pctx c;

	pctx_init(&c, file, errs);
	if (!d || !(d->file = strdup(file))) {
		free(d);
		pctx_error(&c, "out of memory");
		return NULL;
	}
	d->root = pctx_parse_json(&c, text, len);
	if (!d->root) {
		spec_doc_free(d);
		return NULL;
	}
	/* the marks' table now belongs to the document */
	d->big = c.big;
	d->n_big = c.n_big;
	return d;
}

int spec_doc_parse(const struct spec_doc *d, struct spec *out, struct spec_errors *errs)
{
	struct pctx c;

	memset(out, 0, sizeof(*out));
	pctx_init(&c, d->file, errs);
	c.big = d->big;
	c.n_big = d->n_big;
	parse_spec_obj(&c, d->root, out);
	if (c.n_errs) {
		spec_free(out);
		return -1;
	}
	return 0;
}

json_t *spec_doc_root(const struct spec_doc *d)
{
	return d->root;
}

char *spec_doc_dump(const struct spec_doc *d, const json_t *j)
{
	struct pctx c = { .big = d->big, .n_big = d->n_big };

	return pctx_dump_json(&c, j);
}

void spec_doc_free(struct spec_doc *d)
{
	if (!d)
		return;
	json_decref(d->root);
	free(d->big);
	free(d->file);
	free(d);
}

int spec_parse_lenient(const char *text, size_t len, const char *file, struct spec *out,
		       struct spec_errors *errs)
{
	return spec_parse_check(text, len, file, out, errs, NULL);
}

int spec_parse(const char *text, size_t len, const char *file, struct spec *out,
	       struct spec_errors *errs)
{
	if (spec_parse_lenient(text, len, file, out, errs) < 0) {
		spec_free(out);
		return -1;
	}
	return 0;
}

/* All of path, NUL-terminated, in *text (malloc'd); -1 with errno.  specs/ is a leaf: no util. */
static int read_whole(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "re");
	size_t cap = 4096, n = 0;
	char *buf = f ? malloc(cap) : NULL;

	while (buf) {
		n += fread(buf + n, 1, cap - n - 1, f);
		if (n < cap - 1 || ferror(f))
			break;
		char *nb = realloc(buf, cap *= 2);

		if (!nb) {
			free(buf);
			buf = NULL;
		}
		buf = nb;
	}
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
		errno = EIO;
	}
	if (f)
		fclose(f);
	if (!buf)
		return -1;
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

int spec_load_file(const char *path, const char *file, struct spec *out,
		   struct spec_errors *errs)
{
	struct pctx c;
	char *text = NULL;
	size_t len = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if (read_whole(path, &text, &len) < 0) {
		pctx_init(&c, file ? file : path, errs);
		pctx_error(&c, "open %s: %s", path, strerror(errno));
		return -1;
	}
	r = spec_parse(text, len, file ? file : path, out, errs);
	free(text);
	return r;
}
