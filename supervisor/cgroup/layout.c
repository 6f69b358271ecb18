/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where the container's cgroups go: the mounted hierarchies from mountinfo
 * (never hardcoded paths) and cgroupsPath read as runc's cgroupfs driver
 * reads it — absolute under each hierarchy's root, relative under the
 * caller's own cgroup (its parent on v2), empty as the container id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_internal.h"
#include "util/util.h"

/* The v1 controllers kura knows; named hierarchies other than systemd's are not ours. */
static const char *const v1_known[] = {
	"blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "hugetlb", "memory",
	"misc", "net_cls", "net_prio", "perf_event", "pids", "rdma", "name=systemd",
};

static bool v1_is_known(const char *opt)
{
	for (size_t i = 0; i < sizeof(v1_known) / sizeof(v1_known[0]); i++)
		if (!strcmp(opt, v1_known[i]))
			return true;
	return false;
}

bool cgroup_has_controller(const char *list, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = list; p && *p;) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);

		if (l == len && !strncmp(p, name, len))
			return true;
		p = c ? c + 1 : NULL;
	}
	return false;
}

void cgroup_unescape_octal(char *s)
{
	char *w = s;

	for (char *r = s; *r;) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)(((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

/* The kept controllers of v1 super options, sorted as the kernel lists them. */
static char *v1_controllers(const char *superopts)
{
	char *out = calloc(1, strlen(superopts) + 1);
	char *dup = strdup(superopts), *save = NULL;

	if (!out || !dup) {
		free(out);
		free(dup);
		return NULL;
	}
	for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!v1_is_known(t))
			continue;
		if (*out)
			strcat(out, ",");
		strcat(out, t);
	}
	free(dup);
	return out;
}

void cgroup_mounts_free(struct cgroup_mount *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].controllers);
		free(m[i].mount);
		free(m[i].root);
	}
	free(m);
}

static bool path_covers(const char *outer, const char *inner)
{
	size_t l = strlen(outer);

	if (!strcmp(outer, "/"))
		return true;
	return !strncmp(outer, inner, l) && (inner[l] == '\0' || inner[l] == '/');
}

struct mi_line {
	char *root, *mount, *fstype, *superopts;
};

int cgroup_mounts_parse(const char *mountinfo, struct cgroup_mount **out, size_t *n,
			struct kerr *err)
{
	_cleanup_free_ char *text = strdup(mountinfo);
	struct mi_line *lines = NULL;
	size_t n_lines = 0, cap = 0;
	struct cgroup_mount *res = NULL;
	size_t n_res = 0;
	char *save = NULL;

	if (!text)
		return kerr_errno(err, ENOMEM, "mountinfo");
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *f[6], *sep, *p = l, *tail;
		int i;

		for (i = 0; i < 6; i++) {
			while (*p == ' ')
				p++;
			f[i] = p;
			p = strchr(p, ' ');
			if (!p)
				break;
			*p++ = '\0';
		}
		if (i < 6 || !p)
			continue;
		sep = strstr(p, " - ");
		if (!sep && !strncmp(p, "- ", 2))
			sep = p - 1;
		if (!sep)
			continue;
		tail = sep + 3;
		if (n_lines == cap) {
			struct mi_line *nl;

			cap = cap ? cap * 2 : 32;
			nl = realloc(lines, cap * sizeof(*lines));
			if (!nl) {
				free(lines);
				return kerr_errno(err, ENOMEM, "mountinfo");
			}
			lines = nl;
		}
		lines[n_lines].root = f[3];
		lines[n_lines].mount = f[4];
		lines[n_lines].fstype = strtok_r(tail, " ", &p);
		(void)strtok_r(NULL, " ", &p); /* source */
		lines[n_lines].superopts = strtok_r(NULL, " ", &p);
		if (!lines[n_lines].fstype)
			continue;
		if (!lines[n_lines].superopts)
			lines[n_lines].superopts = "";
		cgroup_unescape_octal(lines[n_lines].mount);
		cgroup_unescape_octal(lines[n_lines].root);
		n_lines++;
	}

	for (size_t i = 0; i < n_lines; i++) {
		struct mi_line *m = &lines[i];
		bool v2 = !strcmp(m->fstype, "cgroup2"), hidden = false, dup = false;
		char *ctl;

		if (!v2 && strcmp(m->fstype, "cgroup"))
			continue;
		/* a later mount on the same point or a parent hides this one */
		for (size_t j = i + 1; j < n_lines && !hidden; j++)
			hidden = path_covers(lines[j].mount, m->mount);
		if (hidden)
			continue;
		ctl = v2 ? strdup("") : v1_controllers(m->superopts);
		if (!ctl)
			goto oom;
		if (!v2 && !*ctl) {
			free(ctl);
			continue;
		}
		for (size_t k = 0; k < n_res && !dup; k++)
			dup = !strcmp(res[k].controllers, ctl);
		if (dup) {
			free(ctl);
			continue;
		}
		struct cgroup_mount *nr = realloc(res, (n_res + 1) * sizeof(*res));
		if (!nr) {
			free(ctl);
			goto oom;
		}
		res = nr;
		res[n_res].controllers = ctl;
		res[n_res].mount = strdup(m->mount);
		res[n_res].root = strdup(m->root);
		n_res++;
		if (!res[n_res - 1].mount || !res[n_res - 1].root)
			goto oom;
	}
	free(lines);
	*out = res;
	*n = n_res;
	return 0;
oom:
	free(lines);
	cgroup_mounts_free(res, n_res);
	return kerr_errno(err, ENOMEM, "mountinfo");
}

enum cgroup_mode cgroup_mode_of(const struct cgroup_mount *m, size_t n)
{
	bool v1 = false, v2 = false;

	for (size_t i = 0; i < n; i++) {
		if (!*m[i].controllers)
			v2 = true;
		else if (strcmp(m[i].controllers, "name=systemd"))
			v1 = true;
	}
	if (v1 && v2)
		return CGROUP_HYBRID;
	return v1 ? CGROUP_V1 : CGROUP_V2;
}

/* Same set of controllers, whatever the order ("cpuacct,cpu" == "cpu,cpuacct"). */
static bool same_controllers(const char *a, const char *b)
{
	size_t na = 0, nb = 0;

	for (const char *p = a; p; p = strchr(p, ','), p = p ? p + 1 : NULL) {
		char one[64];
		size_t l = strcspn(p, ",");

		if (l >= sizeof(one))
			return false;
		memcpy(one, p, l);
		one[l] = '\0';
		if (!cgroup_has_controller(b, one))
			return false;
		na++;
	}
	for (const char *p = b; p; p = strchr(p, ','), p = p ? p + 1 : NULL)
		nb++;
	return na == nb;
}

char *cgroup_proc_path(const char *proc_cgroup, const char *controllers)
{
	for (const char *l = proc_cgroup; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		_cleanup_free_ char *line = strndup(l, len);
		char *c1, *c2;

		l = nl ? nl + 1 : NULL;
		if (!line)
			return NULL;
		c1 = strchr(line, ':');
		if (!c1)
			continue;
		c2 = strchr(c1 + 1, ':');
		if (!c2)
			continue;
		*c1 = '\0';
		*c2 = '\0';
		if (!*controllers) {
			if (!strcmp(line, "0") && c1[1] == '\0')
				return strdup(c2 + 1);
			continue;
		}
		if (c1[1] && same_controllers(c1 + 1, controllers))
			return strdup(c2 + 1);
	}
	return NULL;
}

char *cgroup_clean_path(const char *p)
{
	size_t len = strlen(p);
	char *out = malloc(len + 2), *dup = strdup(p), *save = NULL;
	bool abs = p[0] == '/';
	size_t o = 0;

	if (!out || !dup) {
		free(out);
		free(dup);
		return NULL;
	}
	if (abs)
		out[o++] = '/';
	out[o] = '\0';
	for (char *t = strtok_r(dup, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (!strcmp(t, "."))
			continue;
		if (!strcmp(t, "..")) {
			/* drop the last component; never above the start */
			while (o > (abs ? 1u : 0u) && out[o - 1] != '/')
				o--;
			if (o > (abs ? 1u : 0u))
				o--;
			out[o] = '\0';
			continue;
		}
		if (o > (abs ? 1u : 0u))
			out[o++] = '/';
		memcpy(out + o, t, strlen(t));
		o += strlen(t);
		out[o] = '\0';
	}
	free(dup);
	return out;
}

char *cgroup_inner_path(const char *cgroups_path, const char *id)
{
	if (cgroups_path && *cgroups_path)
		return cgroup_clean_path(cgroups_path);
	return strdup(id);
}

/*
 * mount/b/c, cleaned: b and c are cleaned together as an absolute path
 * first, so that no ".." in them climbs above the mount.  (A process outside
 * our cgroup namespace's root shows as "0::/../../x" in /proc/PID/cgroup;
 * a path built from that must not leave the hierarchy: /sys/fs/cgroup/../..)
 */
static char *join3(const char *a, const char *b, const char *c)
{
	_cleanup_free_ char *raw = NULL;
	_cleanup_free_ char *under = NULL;
	_cleanup_free_ char *all = NULL;

	if (asprintf(&raw, "/%s/%s", b, c) < 0)
		return NULL;
	under = cgroup_clean_path(raw);
	if (!under || asprintf(&all, "%s%s", a, under) < 0)
		return NULL;
	return cgroup_clean_path(all);
}

char *cgroup_dir_for(const struct cgroup_mount *m, const char *inner, const char *own_path)
{
	_cleanup_free_ char *base = NULL;
	const char *b;

	if (inner[0] == '/')
		return join3(m->mount, "", inner);
	base = strdup(own_path ? own_path : "/");
	if (!base)
		return NULL;
	if (!*m->controllers) {
		char *slash = strrchr(base, '/');

		if (slash && slash != base)
			*slash = '\0';
		else if (slash)
			slash[1] = '\0';
	}
	b = base;
	/* the hierarchy may be mounted from below its root (a cgroup ns, a bind) */
	if (strcmp(m->root, "/") && path_covers(m->root, b))
		b += strlen(m->root);
	return join3(m->mount, b, inner);
}

int cgroup_layout(const char *mountinfo, const char *proc_cgroup, const char *inner,
		  struct cgroup **out, struct kerr *err)
{
	struct cgroup_mount *m = NULL;
	size_t n = 0;
	struct cgroup *cg;
	enum cgroup_mode mode;

	if (!*inner || !strcmp(inner, "/"))
		return kerr_set(err, "linux.cgroupsPath: \"%s\" is the root cgroup", inner);
	if (cgroup_mounts_parse(mountinfo, &m, &n, err) < 0)
		return -1;
	if (n == 0) {
		cgroup_mounts_free(m, n);
		return kerr_set(err, "no cgroup hierarchy mounted (none in /proc/self/mountinfo)");
	}
	mode = cgroup_mode_of(m, n);
	cg = calloc(1, sizeof(*cg));
	if (!cg || !(cg->h = calloc(n, sizeof(*cg->h))) || !(cg->inner = strdup(inner))) {
		cgroup_mounts_free(m, n);
		cgroup_free(cg);
		return kerr_errno(err, ENOMEM, "cgroup");
	}
	cg->mode = mode;
	for (size_t i = 0; i < n; i++) {
		struct cgroup_hier *h;
		_cleanup_free_ char *own = NULL;

		/* on pure v2 a leftover named v1 hierarchy is no business of ours */
		if (mode == CGROUP_V2 && *m[i].controllers)
			continue;
		own = cgroup_proc_path(proc_cgroup, m[i].controllers);
		h = &cg->h[cg->n];
		h->controllers = strdup(m[i].controllers);
		h->mount = strdup(m[i].mount);
		h->path = cgroup_dir_for(&m[i], inner, own);
		cg->n++;
		if (!h->controllers || !h->mount || !h->path) {
			cgroup_mounts_free(m, n);
			cgroup_free(cg);
			return kerr_errno(err, ENOMEM, "cgroup");
		}
	}
	cgroup_mounts_free(m, n);
	*out = cg;
	return 0;
}

enum cgroup_mode cgroup_detect(void)
{
	struct kerr err;
	_cleanup_free_ char *mi = util_read_file("/proc/self/mountinfo", NULL, &err);
	struct cgroup_mount *m = NULL;
	size_t n = 0;
	enum cgroup_mode mode;

	if (!mi || cgroup_mounts_parse(mi, &m, &n, &err) < 0)
		return CGROUP_V2;
	mode = cgroup_mode_of(m, n);
	cgroup_mounts_free(m, n);
	return mode;
}
