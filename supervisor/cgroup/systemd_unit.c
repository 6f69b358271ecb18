/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --systemd-cgroup names: cgroupsPath "slice:prefix:name" to the unit and
 * its slice, and the cgroup path systemd makes for them, with systemd's
 * escapes (see systemd.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_internal.h"
#include "util/util.h"

/* systemd's unit name characters: [A-Za-z0-9:_.\-] (and \ escapes) */
bool systemd_unit_chars_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr(":_.-\\", *s)))
			return false;
	return true;
}

/*
 * A cgroup directory name as systemd writes it (its cg_escape): a name that
 * could be taken for a control file ("cpu.slice", "tasks", "_x") gets "_".
 */
static bool needs_escape(const char *p, size_t len)
{
	static const char *const ctl[] = { "cpu", "cpuacct", "cpuset", "io", "blkio", "memory",
					   "devices", "pids", "bpf-firewall", "bpf-devices",
					   "bpf-foreign", "bpf-socket-bind",
					   "bpf-restrict-network-interfaces" };
	const char *dot = memrchr(p, '.', len);

	if (!len || p[0] == '_' || p[0] == '.' || (len >= 7 && !strncmp(p, "cgroup.", 7)))
		return true;
	if ((len == 5 && !strncmp(p, "tasks", 5)) ||
	    (len == 17 && !strncmp(p, "notify_on_release", 17)) ||
	    (len == 13 && !strncmp(p, "release_agent", 13)))
		return true;
	for (size_t i = 0; dot && i < sizeof(ctl) / sizeof(ctl[0]); i++)
		if (strlen(ctl[i]) == (size_t)(dot - p) && !strncmp(p, ctl[i], (size_t)(dot - p)))
			return true;
	return false;
}

/* Append "/" + the escaped component: w must have room for len + 2 more. */
static char *put_component(char *w, const char *p, size_t len)
{
	*w++ = '/';
	if (needs_escape(p, len))
		*w++ = '_';
	memcpy(w, p, len);
	w[len] = '\0';
	return w + len;
}

bool systemd_is_slice(const char *name)
{
	size_t nl = strlen(name);

	return nl > 6 && !strcmp(name + nl - 6, ".slice");
}

int cgroup_systemd_expand_slice(const char *slice, char **out, struct kerr *err)
{
	size_t len = strlen(slice), plen;
	char *buf, *w;

	/* systemd_unit_chars_ok refuses '/' too */
	if (!systemd_is_slice(slice) || !systemd_unit_chars_ok(slice))
		return kerr_set(err, "invalid slice name %s", slice);
	plen = len - 6;
	if (plen == 1 && slice[0] == '-') { /* the root slice */
		*out = strdup("");
		return *out ? 0 : kerr_errno(err, ENOMEM, "slice");
	}
	if (slice[0] == '-' || slice[plen - 1] == '-' || strstr(slice, "--"))
		return kerr_set(err, "invalid slice name %s", slice);
	/* each level: "/" + the prefix up to that dash + ".slice" */
	buf = malloc((plen + 9) * (plen + 1));
	if (!buf)
		return kerr_errno(err, ENOMEM, "slice");
	w = buf;
	*w = '\0';
	for (size_t i = 0; i <= plen; i++) {
		char level[512];

		if (i < plen && slice[i] != '-')
			continue;
		if ((size_t)snprintf(level, sizeof(level), "%.*s.slice", (int)i, slice) >=
		    sizeof(level)) {
			free(buf);
			return kerr_set(err, "invalid slice name %s", slice);
		}
		w = put_component(w, level, strlen(level));
	}
	*out = buf;
	return 0;
}

int cgroup_systemd_unit(const char *cgroups_path, const char *id, char **slice, char **unit,
			char **path, struct kerr *err)
{
	_cleanup_free_ char *dup = NULL, *parent = NULL, *u = NULL, *pth = NULL;
	const char *sl = "", *prefix = "kura", *name = id;

	*slice = *unit = *path = NULL;
	if (cgroups_path && *cgroups_path) {
		char *c1, *c2;

		dup = strdup(cgroups_path);
		if (!dup)
			return kerr_errno(err, ENOMEM, "cgroupsPath");
		c1 = strchr(dup, ':');
		c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2 || strchr(c2 + 1, ':'))
			return kerr_set(err, "config.json: .linux.cgroupsPath: \"%s\" is not of the "
					     "form \"slice:prefix:name\" the systemd cgroup driver "
					     "needs", cgroups_path);
		*c1 = *c2 = '\0';
		sl = dup;
		prefix = c1 + 1;
		name = c2 + 1;
	}
	if (!*sl)
		sl = "system.slice";
	if (!*name || !systemd_unit_chars_ok(prefix) || !systemd_unit_chars_ok(name))
		return kerr_set(err, "config.json: .linux.cgroupsPath: \"%s\": prefix and name must "
				     "be a non-empty systemd unit name ([A-Za-z0-9:_.-])",
				cgroups_path ? cgroups_path : "");
	if (cgroup_systemd_expand_slice(sl, &parent, err) < 0)
		return kerr_wrap(err, "config.json: .linux.cgroupsPath");
	if (systemd_is_slice(name)) {
		/* systemd places a slice by its own name, whoever it Wants= */
		u = strdup(name);
		if (cgroup_systemd_expand_slice(name, &pth, err) < 0)
			return kerr_wrap(err, "config.json: .linux.cgroupsPath");
	} else {
		if (asprintf(&u, *prefix ? "%s-%s.scope" : "%s%s.scope", prefix, name) < 0)
			u = NULL;
		if (u && (pth = malloc(strlen(parent) + strlen(u) + 3)))
			put_component(stpcpy(pth, parent), u, strlen(u));
	}
	if (!u || !pth)
		return kerr_errno(err, ENOMEM, "cgroupsPath");
	if (strlen(u) > 255)
		return kerr_set(err, "config.json: .linux.cgroupsPath: unit name %s is longer than "
				     "255", u);
	*slice = strdup(sl);
	if (!*slice)
		return kerr_errno(err, ENOMEM, "cgroupsPath");
	*unit = take_ptr(u);
	*path = take_ptr(pth);
	return 0;
}

