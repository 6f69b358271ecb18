/* SPDX-License-Identifier: Apache-2.0 */
/* A container's cgroups as state.json records them, and back. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cgroup_internal.h"
#include "util/util.h"

static const char *mode_name(enum cgroup_mode m)
{
	return m == CGROUP_V1 ? "v1" : m == CGROUP_V2 ? "v2" : "hybrid";
}

json_t *cgroup_to_json(const struct cgroup *cg)
{
	json_t *hs = json_array();
	json_t *j = json_pack("{s:s, s:b, s:s, s:o}", "mode", mode_name(cg->mode), "systemd",
			      cg->systemd, "path", cg->inner, "hierarchies", hs);

	if (!j)
		return NULL;
	if (cg->systemd && cg->unit_started) {
		json_object_set_new(j, "unit", json_string(cg->unit));
	}
	if (cg->rdt) {
		json_t *r = json_pack("{s:s, s:s, s:b}", "mount", cg->rdt->mount, "group",
				      cg->rdt->group, "removeGroup", cg->rdt->remove_group);

		if (r && cg->rdt->mon)
			json_object_set_new(r, "mon", json_string(cg->rdt->mon));
		json_object_set_new(j, "resctrl", r);
	}
	for (size_t i = 0; i < cg->n; i++) {
		json_t *made = json_array();

		for (size_t k = 0; k < cg->h[i].n_made; k++)
			json_array_append_new(made, json_string(cg->h[i].made[k]));
		json_array_append_new(hs, json_pack("{s:s, s:s, s:s, s:o}", "controllers",
						    cg->h[i].controllers, "mount", cg->h[i].mount,
						    "path", cg->h[i].path, "made", made));
	}
	return j;
}

static char *json_str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? strdup(v) : NULL;
}

/* path is dir itself (when may_equal) or below it, with no ".." to climb out */
static bool path_under(const char *path, const char *dir, bool may_equal)
{
	size_t l = strlen(dir);

	if (strncmp(path, dir, l) || strstr(path, "/.."))
		return false;
	return path[l] == '/' ? path[l + 1] != '\0' : may_equal && path[l] == '\0';
}

/*
 * The resctrl groups (resctrl.h): delete removes what this names, so each
 * must be inside the resctrl mount it records, the MON group in mon_groups.
 */
static int rdt_from_json(const json_t *j, struct cgroup_rdt **out)
{
	struct cgroup_rdt *g = calloc(1, sizeof(*g));
	_cleanup_free_ char *mons = NULL;

	if (!g)
		return -1;
	g->mount = json_str(j, "mount");
	g->group = json_str(j, "group");
	g->mon = json_str(j, "mon");
	g->remove_group = json_is_true(json_object_get(j, "removeGroup"));
	*out = g;
	if (!g->mount || *g->mount != '/' || !g->group || !path_under(g->group, g->mount, true))
		return -1;
	if (g->remove_group && !strcmp(g->group, g->mount))
		return -1;
	if (g->mon && (asprintf(&mons, "%s/mon_groups", g->group) < 0 ||
		       !path_under(g->mon, mons, false) || strchr(g->mon + strlen(mons) + 1, '/')))
		return -1;
	return 0;
}

int cgroup_from_json(const json_t *j, struct cgroup **out, struct kerr *err)
{
	const char *mode = json_string_value(json_object_get(j, "mode"));
	const json_t *hs = json_object_get(j, "hierarchies"), *o, *m;
	struct cgroup *cg;
	size_t n, i, k;

	if (!mode || !json_is_array(hs))
		return kerr_set(err, "state.json: .cgroup: missing mode or hierarchies");
	cg = calloc(1, sizeof(*cg));
	n = json_array_size(hs);
	if (!cg || !(cg->h = calloc(n + 1, sizeof(*cg->h))))
		goto oom;
	cg->mode = !strcmp(mode, "v1") ? CGROUP_V1 : !strcmp(mode, "v2") ? CGROUP_V2 : CGROUP_HYBRID;
	cg->systemd = json_is_true(json_object_get(j, "systemd"));
	cg->inner = json_str(j, "path");
	cg->unit = json_str(j, "unit");
	cg->unit_started = cg->systemd && cg->unit;
	if (!cg->inner)
		goto bad;
	if (json_is_object(json_object_get(j, "resctrl")) &&
	    rdt_from_json(json_object_get(j, "resctrl"), &cg->rdt) < 0) {
		cgroup_free(cg);
		return kerr_set(err, "state.json: .cgroup.resctrl: malformed");
	}
	json_array_foreach(hs, i, o) {
		struct cgroup_hier *h = &cg->h[cg->n];
		const json_t *made = json_object_get(o, "made");

		h->controllers = json_str(o, "controllers");
		h->mount = json_str(o, "mount");
		h->path = json_str(o, "path");
		cg->n++;
		if (!h->controllers || !h->mount || !h->path)
			goto bad;
		/* every write later goes to path: it must be inside its hierarchy */
		if (!path_under(h->path, h->mount, false))
			goto bad;
		json_array_foreach(made, k, m) {
			const char *mv = json_string_value(m);

			if (!mv)
				goto bad;
			/* only ever remove directories under this hierarchy */
			if (!path_under(mv, h->mount, false))
				goto bad;
			if (cgroup_made_push(h, mv) < 0)
				goto oom;
		}
	}
	*out = cg;
	return 0;
bad:
	cgroup_free(cg);
	return kerr_set(err, "state.json: .cgroup: malformed hierarchy");
oom:
	cgroup_free(cg);
	return kerr_errno(err, ENOMEM, "state.json: .cgroup");
}
