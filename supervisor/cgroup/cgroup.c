/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The life of a container's cgroups: make them (remembering exactly which
 * directories kura made), put processes in, and remove them again.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cgroup_internal.h"
#include "resctrl.h"
#include "util/util.h"

void cgroup_free(struct cgroup *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->n; i++) {
		struct cgroup_hier *h = &cg->h[i];

		free(h->controllers);
		free(h->mount);
		free(h->path);
		for (size_t k = 0; k < h->n_made; k++)
			free(h->made[k]);
		free(h->made);
	}
	free(cg->h);
	free(cg->inner);
	free(cg->unit);
	free(cg->slice);
	resctrl_free(cg->rdt);
	free(cg->v1_names);
	free(cg->v1_paths);
	free(cg);
}

const struct cgroup_hier *cgroup_v1_find(const struct cgroup *cg, const char *controller)
{
	for (size_t i = 0; i < cg->n; i++)
		if (*cg->h[i].controllers && cgroup_has_controller(cg->h[i].controllers, controller))
			return &cg->h[i];
	return NULL;
}

const struct cgroup_hier *cgroup_unified(const struct cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (!*cg->h[i].controllers)
			return &cg->h[i];
	return NULL;
}

int cgroup_made_push(struct cgroup_hier *h, const char *dir)
{
	char **nm = realloc(h->made, (h->n_made + 1) * sizeof(*nm));

	if (!nm)
		return -1;
	h->made = nm;
	h->made[h->n_made] = strdup(dir);
	if (!h->made[h->n_made])
		return -1;
	h->n_made++;
	return 0;
}

static bool made_has(const struct cgroup_hier *h, const char *dir)
{
	for (size_t k = 0; k < h->n_made; k++)
		if (!strcmp(h->made[k], dir))
			return true;
	return false;
}

static void made_drop(struct cgroup_hier *h, const char *dir)
{
	for (size_t k = 0; k < h->n_made; k++) {
		if (strcmp(h->made[k], dir))
			continue;
		free(h->made[k]);
		memmove(&h->made[k], &h->made[k + 1], (h->n_made - k - 1) * sizeof(*h->made));
		h->n_made--;
		return;
	}
}

/*
 * Before any mkdir: note as made every directory of h->path that does not
 * exist yet, so a record of them can be saved first (a kura killed between
 * a mkdir and its record would leak the directory).  The container's own
 * directory is its own even when it exists already (a leftover): recorded,
 * so delete removes it, never silently joined.
 */
static int hier_plan(struct cgroup_hier *h, struct kerr *err)
{
	size_t ml = strlen(h->mount);
	_cleanup_free_ char *cur = strdup(h->path);

	if (!cur)
		return kerr_errno(err, ENOMEM, "cgroup");
	if (strncmp(h->path, h->mount, ml) || (h->path[ml] != '/' && h->path[ml] != '\0'))
		return kerr_set(err, "cgroup %s is not under %s", h->path, h->mount);
	if (h->path[ml] == '\0')
		return 0;
	for (char *p = cur + ml + 1; p && *p;) {
		char *slash = strchr(p, '/');
		struct stat st;

		if (slash)
			*slash = '\0';
		if ((!slash || stat(cur, &st) < 0) && !made_has(h, cur) && cgroup_made_push(h, cur) < 0)
			return kerr_errno(err, ENOMEM, "cgroup");
		if (slash)
			*slash = '/';
		p = slash ? slash + 1 : NULL;
	}
	return 0;
}

/* v1 cpuset refuses tasks until cpus and mems are set: inherit the parent's. */
static int cpuset_inherit(const char *parent, const char *dir, struct kerr *err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };

	for (size_t i = 0; i < 2; i++) {
		_cleanup_free_ char *cur = cgroup_read(dir, files[i], err);
		_cleanup_free_ char *up = NULL;

		if (!cur)
			return -1;
		if (*cur)
			continue;
		up = cgroup_read(parent, files[i], err);
		if (!up)
			return -1;
		if (cgroup_write(dir, files[i], up, err) < 0)
			return -1;
	}
	return 0;
}

/* Enable controllers one by one: one the parent lacks must not stop the others. */
static void subtree_enable(const char *dir, const char *wanted)
{
	struct kerr err;
	_cleanup_free_ char *avail = cgroup_read(dir, "cgroup.controllers", &err);
	_cleanup_free_ char *dup = NULL;
	char *save = NULL;

	if (!avail)
		return;
	dup = strdup(wanted ? wanted : avail);
	if (!dup)
		return;
	for (char *t = strtok_r(dup, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
		char buf[64];

		snprintf(buf, sizeof(buf), "+%s", t);
		(void)cgroup_write(dir, "cgroup.subtree_control", buf, &err);
	}
}

/*
 * mkdir every component below the hierarchy's mount, noting the ones kura
 * made.  wanted: v2 controllers to enable in each ancestor (NULL = all).
 */
static int hier_make(struct cgroup_hier *h, const char *wanted, struct kerr *err)
{
	size_t ml = strlen(h->mount);
	_cleanup_free_ char *cur = strdup(h->path);
	bool v2 = !*h->controllers, cpuset = !v2 && cgroup_has_controller(h->controllers, "cpuset");

	if (!cur)
		return kerr_errno(err, ENOMEM, "cgroup");
	if (strncmp(h->path, h->mount, ml) || (h->path[ml] != '/' && h->path[ml] != '\0'))
		return kerr_set(err, "cgroup %s is not under %s", h->path, h->mount);
	for (char *p = cur + ml + 1; p && *p;) {
		char *slash = strchr(p, '/');
		_cleanup_free_ char *parent = NULL;

		if (slash)
			*slash = '\0';
		parent = strndup(cur, (size_t)(p - cur - 1));
		if (!parent)
			return kerr_errno(err, ENOMEM, "cgroup");
		if (v2)
			subtree_enable(parent, wanted);
		if (mkdir(cur, 0755) == 0) {
			if (!made_has(h, cur) && cgroup_made_push(h, cur) < 0) {
				rmdir(cur);
				return kerr_errno(err, ENOMEM, "cgroup");
			}
		} else if (errno == EEXIST) {
			/* planned as ours, but another made it first: it is not ours */
			if (slash)
				made_drop(h, cur);
		} else {
			return kerr_errno(err, errno, "mkdir %s", cur);
		}
		if (cpuset && cpuset_inherit(parent, cur, err) < 0)
			return kerr_wrap(err, "cpuset of %s", cur);
		if (slash)
			*slash = '/';
		p = slash ? slash + 1 : NULL;
	}
	return 0;
}

static int cgroup_apply(const struct cgroup *cg, const struct spec_linux *lx,
			const struct spec_resources *r, struct kerr *err)
{
	_cleanup_free_ struct spec_device_cgroup *devs = NULL;
	size_t n_devs = 0;
	const struct cgroup_hier *u = cgroup_unified(cg);

	if (cgroup_device_rules(lx, r, &devs, &n_devs) < 0)
		return kerr_errno(err, ENOMEM, "devices");
	if (cg->mode == CGROUP_V2)
		return cgroup_v2_apply(u->path, r, devs, n_devs, err);
	if (cgroup_v1_apply(cg, r, devs, n_devs, err) < 0)
		return -1;
	if (u && cgroup_v2_apply_hybrid(cg, r, err) < 0)
		return -1;
	return 0;
}

int cgroup_make(struct cgroup *cg, const struct spec *s, struct kerr *err)
{
	const struct spec_resources *r = s->has_linux ? &s->linux_.resources : NULL;
	struct spec_resources none = { 0 };
	char wanted[256];

	if (!r)
		r = &none;
	cgroup_v2_needed(r, wanted, sizeof(wanted));
	for (size_t i = 0; i < cg->n; i++) {
		/* pure v2: every controller, as runc, so `update` finds them later */
		const char *w = cg->mode == CGROUP_V2 ? NULL : wanted;

		if (hier_make(&cg->h[i], w, err) < 0)
			return -1;
	}
	return cgroup_apply(cg, s->has_linux ? &s->linux_ : NULL, r, err);
}

/* The layout, and in each hierarchy the directories to make (hier_plan). */
static int plan_from(const struct spec *s, const char *id, const char *mountinfo,
		     const char *proc_cgroup, struct cgroup **out, struct kerr *err)
{
	_cleanup_free_ char *inner = NULL;
	struct cgroup *cg = NULL;

	inner = cgroup_inner_path(s->has_linux ? s->linux_.cgroups_path : NULL, id);
	if (!inner)
		return kerr_errno(err, ENOMEM, "cgroup");
	if (cgroup_layout(mountinfo, proc_cgroup, inner, &cg, err) < 0)
		return -1;
	for (size_t i = 0; i < cg->n; i++) {
		if (hier_plan(&cg->h[i], err) < 0) {
			cgroup_free(cg);
			return -1;
		}
	}
	*out = cg;
	return 0;
}

int cgroup_realize(struct cgroup *cg, const struct spec *s, struct kerr *err)
{
	/* --systemd-cgroup: systemd makes the unit once there is a pid */
	if ((cg->rdt && resctrl_realize(cg->rdt, &s->linux_.intel_rdt, err) < 0) ||
	    (!cg->systemd && cgroup_make(cg, s, err) < 0)) {
		struct kerr ignored;

		cgroup_destroy(cg, &ignored);
		return -1;
	}
	return 0;
}

int cgroup_create_from(const struct spec *s, const char *id, const char *mountinfo,
		       const char *proc_cgroup, struct cgroup **out, struct kerr *err)
{
	struct cgroup *cg = NULL;

	if (plan_from(s, id, mountinfo, proc_cgroup, &cg, err) < 0)
		return -1;
	if (cgroup_realize(cg, s, err) < 0) {
		cgroup_free(cg);
		return -1;
	}
	*out = cg;
	return 0;
}

/* --systemd-cgroup: only the paths; systemd makes the unit once there is a pid. */
static int create_systemd(const struct spec *s, const char *id, const char *mi,
			  const char *own, struct cgroup **out, struct kerr *err)
{
	_cleanup_free_ char *slice = NULL, *unit = NULL, *path = NULL;

	if (cgroup_systemd_check(err) < 0)
		return -1;
	if (cgroup_systemd_unit(s->has_linux ? s->linux_.cgroups_path : NULL, id, &slice, &unit,
				&path, err) < 0)
		return -1;
	if (cgroup_layout(mi, own, path, out, err) < 0)
		return -1;
	(*out)->systemd = true;
	(*out)->slice = take_ptr(slice);
	(*out)->unit = take_ptr(unit);
	return 0;
}

int cgroup_plan(const struct spec *s, const char *id, bool systemd, struct cgroup **out,
		struct kerr *err)
{
	_cleanup_free_ char *mi = NULL, *own = NULL, *rdt_mount = NULL;

	mi = util_read_file("/proc/self/mountinfo", NULL, err);
	if (!mi)
		return -1;
	own = util_read_file("/proc/self/cgroup", NULL, err);
	if (!own)
		return -1;
	/* intelRdt is a resource control too: refused here, before anything is made */
	if (resctrl_check(s, mi, &rdt_mount, err) < 0)
		return -1;
	if ((systemd ? create_systemd(s, id, mi, own, out, err)
		     : plan_from(s, id, mi, own, out, err)) < 0)
		return -1;
	if (rdt_mount && resctrl_plan(&s->linux_.intel_rdt, rdt_mount, id, &(*out)->rdt, err) < 0) {
		cgroup_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int cgroup_create(const struct spec *s, const char *id, bool systemd,
		  struct cgroup **out, struct kerr *err)
{
	struct cgroup *cg = NULL;

	if (cgroup_plan(s, id, systemd, &cg, err) < 0)
		return -1;
	if (cgroup_realize(cg, s, err) < 0) {
		cgroup_free(cg);
		return -1;
	}
	*out = cg;
	return 0;
}

int cgroup_rdt_update(const struct cgroup *cg, const char *l3, const char *mb,
		      struct kerr *err)
{
	struct spec_intel_rdt r = { .present = true, .l3_cache_schema = (char *)l3,
				    .mem_bw_schema = (char *)mb };
	_cleanup_free_ char *text = NULL;
	bool oom;

	if (!cg || !cg->rdt)
		return kerr_set(err, "the container has no linux.intelRdt (no resctrl group)");
	text = resctrl_schemata_text(&r, &oom);
	if (!text)
		return oom ? kerr_errno(err, ENOMEM, "resctrl") : 0;
	return resctrl_write_schemata(cg->rdt, text, err);
}

bool cgroup_is_systemd(const struct cgroup *cg)
{
	return cg && cg->systemd;
}

/* Enable v2 controllers in every ancestor of an existing cgroup (for update). */
static void hier_enable(const struct cgroup_hier *h, const char *wanted)
{
	size_t ml = strlen(h->mount);
	_cleanup_free_ char *cur = strdup(h->path);

	if (!cur || strncmp(cur, h->mount, ml) || cur[ml] != '/')
		return;
	for (char *p = cur + ml; p; p = strchr(p + 1, '/')) {
		char c = *p;

		*p = '\0';
		subtree_enable(p == cur + ml ? h->mount : cur, wanted);
		*p = c;
	}
}

int cgroup_update(const struct cgroup *cg, const struct spec_resources *r, struct kerr *err)
{
	const struct cgroup_hier *u = cgroup_unified(cg);
	char wanted[256];

	/* a limit the container was created without may need its controller now */
	cgroup_v2_needed(r, wanted, sizeof(wanted));
	if (u && *wanted)
		hier_enable(u, wanted);

	/* systemd first, so it does not later put back what the unit says */
	if (cg->systemd && cg->unit_started && cgroup_systemd_set(cg, r, err) < 0)
		return kerr_wrap(err, "systemd");
	/* devices are the container's for good: update, as runc's, leaves them */
	if (cg->mode == CGROUP_V2)
		return cgroup_v2_apply(u->path, r, NULL, 0, err);
	if (cgroup_v1_apply(cg, r, NULL, 0, err) < 0)
		return -1;
	if (u && cgroup_v2_apply_hybrid(cg, r, err) < 0)
		return -1;
	return 0;
}

int cgroup_enter(const struct cgroup *cg, pid_t pid, struct kerr *err)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < cg->n; i++)
		if (cgroup_write(cg->h[i].path, "cgroup.procs", buf, err) < 0)
			return kerr_wrap(err, "join cgroup");
	return 0;
}

enum cgroup_mode cgroup_made_in(const struct cgroup *cg)
{
	return cg->mode;
}

/* Cgroups the container made inside its own go first, deepest first (as runc). */
static void rmdir_children(const char *dir, int depth)
{
	DIR *d;
	struct dirent *de;

	if (depth > 32 || !(d = opendir(dir)))
		return;
	while ((de = readdir(d))) {
		_cleanup_free_ char *sub = NULL;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (asprintf(&sub, "%s/%s", dir, de->d_name) < 0)
			break;
		rmdir_children(sub, depth + 1);
		(void)rmdir(sub);
	}
	closedir(d);
}

int cgroup_destroy(struct cgroup *cg, struct kerr *err)
{
	int ret = 0;

	if (!cg)
		return 0;
	/* systemd kills what is left in the unit and removes its cgroups */
	if (cg->systemd && cg->unit_started) {
		if (cgroup_systemd_stop(cg, err) < 0)
			ret = kerr_wrap(err, "systemd");
		else
			cg->unit_started = false;
	}
	for (size_t i = 0; i < cg->n; i++) {
		struct cgroup_hier *h = &cg->h[i];

		while (h->n_made > 0) {
			char *d = h->made[h->n_made - 1];
			bool leaf = !strcmp(d, h->path);
			struct backoff b;
			int e = 0;

			/*
			 * EBUSY: the last task is still on its way out; 1 s as the
			 * 100 x 10 ms this was, paced by backoff, not a fixed 10 ms.
			 */
			backoff_start(&b, 1000);
			for (;;) {
				if (rmdir(d) == 0 || errno == ENOENT) {
					e = 0;
					break;
				}
				e = errno;
				/* only when it has some: the sub-cgroups, then again */
				if (leaf && (e == EBUSY || e == ENOTEMPTY)) {
					rmdir_children(d, 0);
					if (rmdir(d) == 0 || errno == ENOENT) {
						e = 0;
						break;
					}
					e = errno;
				}
				if (!leaf || e != EBUSY || !backoff_sleep(&b))
					break;
			}
			/* a parent kura made may now hold another container: it stays */
			if (e && (leaf || (e != EBUSY && e != ENOTEMPTY))) {
				if (ret == 0)
					ret = kerr_errno(err, e, "remove cgroup %s", d);
				break;
			}
			free(d);
			h->n_made--;
		}
	}
	/* the container's tasks are gone with its cgroups: its resctrl groups go too */
	if (cg->rdt) {
		struct kerr e2;

		if (resctrl_remove(cg->rdt, &e2) < 0 && ret == 0) {
			*err = e2;
			ret = -1;
		}
	}
	return ret;
}

size_t cgroup_v1_paths(const struct cgroup *cg, const char ***names, const char ***paths)
{
	struct cgroup *m = (struct cgroup *)cg; /* the views are a cache */

	if (!m->v1_names) {
		m->v1_names = calloc(cg->n + 1, sizeof(char *));
		m->v1_paths = calloc(cg->n + 1, sizeof(char *));
		m->n_v1 = 0;
		if (!m->v1_names || !m->v1_paths) {
			free(m->v1_names);
			free(m->v1_paths);
			m->v1_names = m->v1_paths = NULL;
			*names = *paths = NULL;
			return 0;
		}
		for (size_t i = 0; i < cg->n; i++) {
			if (!*cg->h[i].controllers)
				continue;
			m->v1_names[m->n_v1] = cg->h[i].controllers;
			m->v1_paths[m->n_v1] = cg->h[i].path;
			m->n_v1++;
		}
	}
	*names = m->v1_names;
	*paths = m->v1_paths;
	return m->n_v1;
}
