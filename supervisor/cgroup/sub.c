/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `exec --cgroup`: the exec'd process goes into a sub-cgroup of the
 * container's, which must already exist.  "PATH" names it in every
 * hierarchy; "CTRL[,CTRL...]:PATH" (cgroup v1 and hybrid) in the v1
 * hierarchies of those controllers, over a PATH given for the rest.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroup_internal.h"
#include "util/util.h"

/* The sub-path of one --cgroup value, relative ("" = the container's own); NULL on error. */
static char *sub_path(const char *arg, const char *path, struct kerr *err)
{
	_cleanup_free_ char *dup = strdup(path);
	char *save = NULL;
	char *clean;

	if (!dup) {
		kerr_set(err, "--cgroup: out of memory");
		return NULL;
	}
	if (!*path) {
		kerr_set(err, "--cgroup \"%s\": empty path (\"/\" is the container's own cgroup)",
			 arg);
		return NULL;
	}
	for (char *t = strtok_r(dup, "/", &save); t; t = strtok_r(NULL, "/", &save))
		if (!strcmp(t, "..")) {
			kerr_set(err, "--cgroup \"%s\": \"..\" would leave the container's cgroup",
				 arg);
			return NULL;
		}
	/* "/a//b/." -> "/a/b"; leading "/" is the container's cgroup, as runc reads it */
	{
		_cleanup_free_ char *abs = NULL;

		if (asprintf(&abs, "/%s", path) < 0 || !(clean = cgroup_clean_path(abs))) {
			kerr_set(err, "--cgroup: out of memory");
			return NULL;
		}
	}
	memmove(clean, clean + 1, strlen(clean));
	return clean;
}

/*
 * subs[i]: the sub-path for hierarchy i, or NULL for none given.  One
 * "CTRL,...:PATH" value into subs, refusing a controller no hierarchy has
 * and one hierarchy given two paths.
 */
static int sub_for_controllers(const struct cgroup *cg, const char *arg, const char *colon,
			       char **subs, struct kerr *err)
{
	_cleanup_free_ char *ctrls = strndup(arg, (size_t)(colon - arg));
	_cleanup_free_ char *path = sub_path(arg, colon + 1, err);
	char *save = NULL;

	if (!path)
		return -1;
	if (!ctrls)
		return kerr_set(err, "--cgroup: out of memory");
	if (cg->mode == CGROUP_V2)
		return kerr_set(err,
				"--cgroup \"%s\": CONTROLLER:PATH is for cgroup v1; on cgroup v2 give a PATH",
				arg);
	for (char *t = strtok_r(ctrls, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		const struct cgroup_hier *h = cgroup_v1_find(cg, t);
		size_t i;

		if (!h)
			return kerr_set(err, "--cgroup \"%s\": no cgroup v1 hierarchy has the controller \"%s\"",
					arg, t);
		i = (size_t)(h - cg->h);
		if (subs[i] && strcmp(subs[i], path) != 0)
			return kerr_set(err, "--cgroup \"%s\": the \"%s\" hierarchy is given two paths (\"%s\")",
					arg, h->controllers, subs[i]);
		free(subs[i]);
		if (!(subs[i] = strdup(path)))
			return kerr_set(err, "--cgroup: out of memory");
	}
	return 0;
}

/* The values into subs (one per hierarchy): CTRL:PATH first, then PATH for the rest. */
static int sub_collect(const struct cgroup *cg, char *const *args, size_t n, char **subs,
		       struct kerr *err)
{
	_cleanup_free_ char *all = NULL;
	const char *all_arg = NULL;

	for (size_t k = 0; k < n; k++) {
		const char *colon = strchr(args[k], ':');

		if (colon) {
			if (sub_for_controllers(cg, args[k], colon, subs, err) < 0)
				return -1;
			continue;
		}
		if (all)
			return kerr_set(err, "--cgroup: \"%s\" and \"%s\": only one PATH without a controller",
					all_arg, args[k]);
		if (!(all = sub_path(args[k], args[k], err)))
			return -1;
		all_arg = args[k];
	}
	for (size_t i = 0; all && i < cg->n; i++)
		if (!subs[i] && !(subs[i] = strdup(all)))
			return kerr_set(err, "--cgroup: out of memory");
	return 0;
}

/* dir/sub must be an existing cgroup directory. */
static int sub_exists(const char *dir, const char *sub, struct kerr *err)
{
	struct stat st;

	if (stat(dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
	} else if (errno != ENOENT && errno != ENOTDIR) {
		return kerr_errno(err, errno, "--cgroup: sub-cgroup \"%s\" (%s)", sub, dir);
	}
	return kerr_set(err, "--cgroup: sub-cgroup \"%s\" does not exist (%s)", sub, dir);
}

int cgroup_sub(const struct cgroup *cg, char *const *args, size_t n, struct cgroup **out,
	       struct kerr *err)
{
	struct cgroup *s = calloc(1, sizeof(*s));
	char **subs = calloc(cg->n ? cg->n : 1, sizeof(char *));
	int rc = -1;

	*out = NULL;
	if (!s || !subs || !(s->h = calloc(cg->n ? cg->n : 1, sizeof(*s->h)))) {
		kerr_set(err, "--cgroup: out of memory");
		goto out;
	}
	s->mode = cg->mode;
	s->systemd = cg->systemd;
	s->unit_started = cg->unit_started;
	if (sub_collect(cg, args, n, subs, err) < 0)
		goto out;
	/* resctrl has no sub-groups of the container's: the process joins its groups */
	if (cg->rdt && !(s->rdt = resctrl_dup(cg->rdt))) {
		kerr_set(err, "--cgroup: out of memory");
		goto out;
	}
	for (size_t i = 0; i < cg->n; i++, s->n++) {
		const struct cgroup_hier *h = &cg->h[i];
		struct cgroup_hier *d = &s->h[i];

		d->controllers = strdup(h->controllers);
		d->mount = strdup(h->mount);
		if (subs[i] && *subs[i]) {
			if (asprintf(&d->path, "%s/%s", h->path, subs[i]) < 0)
				d->path = NULL;
		} else {
			d->path = strdup(h->path);
		}
		if (!d->controllers || !d->mount || !d->path) {
			s->n++;
			kerr_set(err, "--cgroup: out of memory");
			goto out;
		}
		if (subs[i] && *subs[i] && sub_exists(d->path, subs[i], err) < 0) {
			s->n++;
			goto out;
		}
	}
	*out = s;
	s = NULL;
	rc = 0;
out:
	for (size_t i = 0; subs && i < cg->n; i++)
		free(subs[i]);
	free(subs);
	cgroup_free(s);
	return rc;
}
