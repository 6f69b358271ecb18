/* SPDX-License-Identifier: Apache-2.0 */
/* linux.intelRdt: the container's resctrl groups (resctrl.h). */
#include "resctrl.h"
#include "cgroup_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

char *resctrl_schemata_text(const struct spec_intel_rdt *r, bool *oom)
{
	size_t len = 0, at = 0;
	char *text;

	*oom = false;
	if (r->l3_cache_schema)
		len += strlen(r->l3_cache_schema) + 1;
	if (r->mem_bw_schema)
		len += strlen(r->mem_bw_schema) + 1;
	for (size_t i = 0; i < r->schemata.n; i++)
		len += strlen(r->schemata.v[i]) + 1;
	if (!r->l3_cache_schema && !r->mem_bw_schema && !r->schemata.n)
		return NULL;
	text = malloc(len + 1);
	if (!text) {
		*oom = true;
		return NULL;
	}
	/* l3CacheSchema first, memBwSchema after it, schemata last */
	if (r->l3_cache_schema)
		at += (size_t)sprintf(text + at, "%s\n", r->l3_cache_schema);
	if (r->mem_bw_schema)
		at += (size_t)sprintf(text + at, "%s\n", r->mem_bw_schema);
	for (size_t i = 0; i < r->schemata.n; i++)
		at += (size_t)sprintf(text + at, "%s\n", r->schemata.v[i]);
	text[at] = '\0';
	return text;
}

/* [s, e) without the spaces around it */
static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

/* One domain "id=value" of a line's "0=v0;1=v1" part, both trimmed. */
struct domain {
	const char *id, *id_end, *val, *val_end;
};

/*
 * The domain at *p (before end), *p moved past it: 1, or 0 at the end, or -1
 * for a part with no '=' (skipped, *p moved past it too).
 */
static int domain_next(const char **p, const char *end, struct domain *d)
{
	const char *semi, *de, *eq;

	if (*p >= end)
		return 0;
	semi = memchr(*p, ';', (size_t)(end - *p));
	de = semi ? semi : end;
	eq = memchr(*p, '=', (size_t)(de - *p));
	d->id = *p;
	*p = semi ? semi + 1 : end;
	if (!eq)
		return -1;
	d->id_end = eq;
	d->val = eq + 1;
	d->val_end = de;
	trim(&d->id, &d->id_end);
	trim(&d->val, &d->val_end);
	return 1;
}

/* Domain want->id of a line's domains [doms, end), or false. */
static bool domain_find(const char *doms, const char *end, const struct domain *want,
			struct domain *out)
{
	size_t len = (size_t)(want->id_end - want->id);
	int r;

	while ((r = domain_next(&doms, end, out)) != 0)
		if (r > 0 && (size_t)(out->id_end - out->id) == len && !memcmp(out->id, want->id, len))
			return true;
	return false;
}

/* Two values of one resource: masks are hex, MB (bandwidth) decimal; else as text. */
static bool value_equal(const char *a, const char *ae, const char *b, const char *be, int base)
{
	char x[64], y[64], *xe, *ye;
	unsigned long long u, v;

	if ((size_t)(ae - a) >= sizeof(x) || (size_t)(be - b) >= sizeof(y))
		return false;
	memcpy(x, a, (size_t)(ae - a));
	x[ae - a] = '\0';
	memcpy(y, b, (size_t)(be - b));
	y[be - b] = '\0';
	errno = 0;
	u = strtoull(x, &xe, base);
	v = strtoull(y, &ye, base);
	if (!errno && xe != x && !*xe && ye != y && !*ye)
		return u == v;
	return !strcmp(x, y);
}

/* The file's line for resource [name, name_end): its domains part, or NULL. */
static const char *file_line(const char *file, const char *name, size_t len, const char **end)
{
	for (const char *p = file; p && *p;) {
		const char *nl = strchr(p, '\n'), *le = nl ? nl : p + strlen(p);
		const char *colon = memchr(p, ':', (size_t)(le - p));

		if (colon) {
			const char *n = p, *ne = colon;

			trim(&n, &ne);
			if ((size_t)(ne - n) == len && !memcmp(n, name, len)) {
				*end = le;
				return colon + 1;
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

bool resctrl_schemata_matches(const char *want, const char *file)
{
	for (const char *p = want; p && *p;) {
		const char *nl = strchr(p, '\n'), *le = nl ? nl : p + strlen(p);
		const char *colon = memchr(p, ':', (size_t)(le - p));
		const char *n = p, *ne = colon, *have, *have_end;
		struct domain w, h;
		int base, r;

		if (!colon)
			return false;
		trim(&n, &ne);
		have = file_line(file, n, (size_t)(ne - n), &have_end);
		if (!have)
			return false;
		base = (size_t)(ne - n) >= 2 && !memcmp(n, "MB", 2) ? 10 : 16;
		for (const char *d = colon + 1; (r = domain_next(&d, le, &w)) != 0;)
			if (r < 0 || !domain_find(have, have_end, &w, &h) ||
			    !value_equal(w.val, w.val_end, h.val, h.val_end, base))
				return false;
		p = nl ? nl + 1 : NULL;
	}
	return true;
}

char *resctrl_mount_of(const char *mountinfo)
{
	for (const char *p = mountinfo; p && *p;) {
		const char *nl = strchr(p, '\n'), *le = nl ? nl : p + strlen(p);
		const char *fs = strstr(p, " - resctrl ");

		if (fs && fs < le) {
			/* fields: id parent major:minor root mountpoint ... */
			const char *f = p;

			for (int i = 0; i < 4 && f; i++) {
				f = memchr(f, ' ', (size_t)(le - f));
				f = f ? f + 1 : NULL;
			}
			if (f) {
				const char *e = memchr(f, ' ', (size_t)(le - f));
				char *m = e ? strndup(f, (size_t)(e - f)) : NULL;

				if (m)
					cgroup_unescape_octal(m);
				return m;
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

int resctrl_check(const struct spec *s, const char *mountinfo, char **mount, struct kerr *err)
{
	*mount = NULL;
	if (!s->has_linux || !s->linux_.intel_rdt.present)
		return 0;
	*mount = resctrl_mount_of(mountinfo);
	if (!*mount)
		return kerr_set(err, "linux.intelRdt: no resctrl filesystem is mounted on this "
				     "host (Intel RDT unsupported or not mounted at /sys/fs/resctrl)");
	return 0;
}

void resctrl_free(struct cgroup_rdt *g)
{
	if (!g)
		return;
	free(g->mount);
	free(g->group);
	free(g->mon);
	free(g);
}

struct cgroup_rdt *resctrl_dup(const struct cgroup_rdt *g)
{
	struct cgroup_rdt *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->mount = strdup(g->mount);
	d->group = strdup(g->group);
	d->mon = g->mon ? strdup(g->mon) : NULL;
	d->remove_group = g->remove_group;
	if (!d->mount || !d->group || (g->mon && !d->mon)) {
		resctrl_free(d);
		return NULL;
	}
	return d;
}

int resctrl_plan(const struct spec_intel_rdt *r, const char *mount, const char *id,
		 struct cgroup_rdt **out, struct kerr *err)
{
	struct cgroup_rdt *g = calloc(1, sizeof(*g));
	struct stat st;
	int n;

	*out = NULL;
	if (!g)
		return kerr_errno(err, ENOMEM, "linux.intelRdt");
	g->mount = strdup(mount);
	if (r->clos_id && !strcmp(r->clos_id, "/"))
		g->group = strdup(mount);
	else if (asprintf(&g->group, "%s/%s", mount, r->clos_id ? r->clos_id : id) < 0)
		g->group = NULL;
	n = r->enable_monitoring && g->group ? asprintf(&g->mon, "%s/mon_groups/%s", g->group, id)
					     : 0;
	if (!g->mount || !g->group || n < 0) {
		resctrl_free(g);
		return kerr_errno(err, ENOMEM, "linux.intelRdt");
	}
	/*
	 * Delete removes the MON group: one that exists already is someone
	 * else's, refused before its path is on record.
	 */
	if (g->mon && stat(g->mon, &st) == 0) {
		kerr_set(err, "linux.intelRdt.enableMonitoring: MON group %s exists already", g->mon);
		resctrl_free(g);
		return -1;
	}
	/* 1.3: kura removes the group only when it made it, for a container without closID */
	g->remove_group = !r->clos_id && stat(g->group, &st) < 0 && errno == ENOENT;
	*out = g;
	return 0;
}

/*
 * Write text to dir/file.  O_CREAT is a no-op on resctrl, where the kernel
 * made the file with its directory; in the unit tests' plain directory it
 * makes it.
 */
static int rdt_write(const char *dir, const char *file, const char *text, struct kerr *err)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;

	if (asprintf(&path, "%s/%s", dir, file) < 0)
		return kerr_errno(err, ENOMEM, "%s", file);
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 || util_write_all(fd, text, strlen(text)) < 0)
		return kerr_errno(err, errno, "%s %s", fd < 0 ? "open" : "write", path);
	return 0;
}

/* The kernel's own words for the last refused write (info/last_cmd_status), if any. */
static void add_last_status(const struct cgroup_rdt *g, struct kerr *err)
{
	_cleanup_free_ char *path = NULL, *st = NULL;
	struct kerr e2;
	size_t len = 0;

	if (asprintf(&path, "%s/info/last_cmd_status", g->mount) < 0)
		return;
	st = util_read_file(path, &len, &e2);
	if (!st)
		return;
	while (len && (st[len - 1] == '\n' || st[len - 1] == ' '))
		st[--len] = '\0';
	if (*st) {
		size_t at = strlen(err->msg);

		snprintf(err->msg + at, sizeof(err->msg) - at, " (resctrl: %s)", st);
	}
}

int resctrl_write_schemata(const struct cgroup_rdt *g, const char *text, struct kerr *err)
{
	if (rdt_write(g->group, "schemata", text, err) < 0) {
		add_last_status(g, err);
		return -1;
	}
	return 0;
}

int resctrl_realize(struct cgroup_rdt *g, const struct spec_intel_rdt *r, struct kerr *err)
{
	_cleanup_free_ char *text = NULL;
	bool oom, existed = true;

	text = resctrl_schemata_text(r, &oom);
	if (oom)
		return kerr_errno(err, ENOMEM, "linux.intelRdt");
	if (strcmp(g->group, g->mount)) {
		/* a closID with no schemata names a group set up beforehand: join it only */
		if (r->clos_id && !text) {
			struct stat st;

			if (stat(g->group, &st) < 0)
				return kerr_errno(err, errno, "linux.intelRdt.closID: resctrl group %s "
							      "(no schemata given to make it)", g->group);
		} else if (mkdir(g->group, 0755) == 0) {
			existed = false;
		} else if (errno != EEXIST) {
			return kerr_errno(err, errno, "linux.intelRdt: mkdir %s", g->group);
		}
	}
	if (text && r->clos_id && existed) {
		/* 1.3: a closID group that exists keeps its schemata; they must be ours */
		_cleanup_free_ char *path = NULL, *have = NULL;

		if (asprintf(&path, "%s/schemata", g->group) < 0)
			return kerr_errno(err, ENOMEM, "linux.intelRdt");
		have = util_read_file(path, NULL, err);
		if (!have)
			return kerr_wrap(err, "linux.intelRdt.closID");
		if (!resctrl_schemata_matches(text, have))
			return kerr_set(err, "linux.intelRdt: closID group %s exists with other "
					     "schemata than the config's", g->group);
	} else if (text && resctrl_write_schemata(g, text, err) < 0) {
		return kerr_wrap(err, "linux.intelRdt.schemata");
	}
	if (g->mon && mkdir(g->mon, 0755) < 0) {
		int e = errno;

		kerr_errno(err, e, "linux.intelRdt.enableMonitoring: MON group %s", g->mon);
		/* made by another since the plan: not ours to remove */
		if (e == EEXIST) {
			free(g->mon);
			g->mon = NULL;
		}
		return -1;
	}
	return 0;
}

int resctrl_remove(struct cgroup_rdt *g, struct kerr *err)
{
	if (!g)
		return 0;
	/* rmdir of a resctrl group with tasks left moves them to its parent: no EBUSY */
	if (g->mon) {
		if (rmdir(g->mon) < 0 && errno != ENOENT)
			return kerr_errno(err, errno, "resctrl: rmdir %s", g->mon);
		free(g->mon);
		g->mon = NULL;
	}
	if (g->remove_group) {
		if (rmdir(g->group) < 0 && errno != ENOENT)
			return kerr_errno(err, errno, "resctrl: rmdir %s", g->group);
		g->remove_group = false;
	}
	return 0;
}
