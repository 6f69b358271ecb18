/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The config `kura spec` writes: the same container `runc spec` describes
 * (engines and users compare the two), built as data rather than as text.
 */
#include "spec.h"

#include <jansson.h>
#include <stdlib.h>
#include <unistd.h>

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

struct default_mount {
	const char *destination, *type, *source;
	const char *options[8]; /* NULL-terminated */
	bool rootful_only;      /* left out of the rootless variant */
	bool rootless_only;
};

static const struct default_mount default_mounts[] = {
	{ "/proc", "proc", "proc", { NULL }, false, false },
	{ "/dev", "tmpfs", "tmpfs", { "nosuid", "strictatime", "mode=755", "size=65536k" }, false, false },
	{ "/dev/pts", "devpts", "devpts",
	  { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" }, true, false },
	/* Without a mapping for gid 5, devpts refuses gid=5 in a user namespace. */
	{ "/dev/pts", "devpts", "devpts",
	  { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620" }, false, true },
	{ "/dev/shm", "tmpfs", "shm", { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" }, false, false },
	{ "/dev/mqueue", "mqueue", "mqueue", { "nosuid", "noexec", "nodev" }, false, false },
	{ "/sys", "sysfs", "sysfs", { "nosuid", "noexec", "nodev", "ro" }, true, false },
	/* A user namespace that does not own the net ns may not mount sysfs: bind it. */
	{ "/sys", "none", "/sys", { "rbind", "nosuid", "noexec", "nodev", "ro" }, false, true },
	{ "/sys/fs/cgroup", "cgroup", "cgroup", { "nosuid", "noexec", "nodev", "relatime", "ro" }, false, false },
};

static const char *const default_caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" };

static const char *const default_masked[] = {
	"/proc/acpi",	    "/proc/asound",	"/proc/kcore",	    "/proc/keys",
	"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
	"/sys/firmware",    "/proc/scsi",
};

static const char *const default_readonly[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

/* The adders take ownership of v, also on failure (json_*_new steal it). */
static bool set(json_t *obj, const char *key, json_t *v)
{
	return json_object_set_new(obj, key, v) == 0;
}

static bool append(json_t *arr, json_t *v)
{
	return json_array_append_new(arr, v) == 0;
}

/* A new child of parent, owned by it: NULL when out of memory. */
static json_t *add_child(json_t *parent, const char *key, json_t *child)
{
	return set(parent, key, child) ? child : NULL;
}

static json_t *append_object(json_t *arr)
{
	json_t *o = json_object();

	return append(arr, o) ? o : NULL;
}

static bool add_strings(json_t *obj, const char *key, const char *const *v, size_t n)
{
	json_t *a = add_child(obj, key, json_array());

	if (!a)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!append(a, json_string(v[i])))
			return false;
	return true;
}

static bool add_process(json_t *root)
{
	static const char *const args[] = { "sh" };
	static const char *const env[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"TERM=xterm",
	};
	static const char *const sets[] = { "bounding", "effective", "permitted", "ambient" };
	json_t *p = add_child(root, "process", json_object());
	json_t *user, *caps, *rlimits, *nofile;

	if (!p || !set(p, "terminal", json_true()))
		return false;
	user = add_child(p, "user", json_object());
	if (!user || !set(user, "uid", json_integer(0)) || !set(user, "gid", json_integer(0)))
		return false;
	if (!add_strings(p, "args", args, N_OF(args)) || !add_strings(p, "env", env, N_OF(env)) ||
	    !set(p, "cwd", json_string("/")))
		return false;
	caps = add_child(p, "capabilities", json_object());
	if (!caps)
		return false;
	for (size_t i = 0; i < N_OF(sets); i++)
		if (!add_strings(caps, sets[i], default_caps, N_OF(default_caps)))
			return false;
	rlimits = add_child(p, "rlimits", json_array());
	nofile = rlimits ? append_object(rlimits) : NULL;
	if (!nofile || !set(nofile, "type", json_string("RLIMIT_NOFILE")) ||
	    !set(nofile, "hard", json_integer(1024)) || !set(nofile, "soft", json_integer(1024)))
		return false;
	return set(p, "noNewPrivileges", json_true());
}

static bool add_mounts(json_t *root, bool rootless)
{
	json_t *mounts = add_child(root, "mounts", json_array());

	if (!mounts)
		return false;
	for (size_t i = 0; i < N_OF(default_mounts); i++) {
		const struct default_mount *d = &default_mounts[i];
		json_t *m;
		size_t n = 0;

		if ((rootless && d->rootful_only) || (!rootless && d->rootless_only))
			continue;
		m = append_object(mounts);
		if (!m || !set(m, "destination", json_string(d->destination)) ||
		    !set(m, "type", json_string(d->type)) || !set(m, "source", json_string(d->source)))
			return false;
		while (n < N_OF(d->options) && d->options[n])
			n++;
		if (n && !add_strings(m, "options", d->options, n))
			return false;
	}
	return true;
}

static bool add_idmap(json_t *linux_, const char *key, unsigned int host_id)
{
	json_t *a = add_child(linux_, key, json_array());
	json_t *m = a ? append_object(a) : NULL;

	return m && set(m, "containerID", json_integer(0)) &&
	       set(m, "hostID", json_integer(host_id)) && set(m, "size", json_integer(1));
}

static bool add_linux(json_t *root, bool rootless)
{
	static const char *const rootful_ns[] = { "pid", "network", "ipc", "uts", "mount" };
	/* Rootless keeps the host network: an unprivileged user cannot plumb a new one. */
	static const char *const rootless_ns[] = { "pid", "ipc", "uts", "mount", "user" };
	const char *const *ns = rootless ? rootless_ns : rootful_ns;
	size_t n_ns = rootless ? N_OF(rootless_ns) : N_OF(rootful_ns);
	json_t *l = add_child(root, "linux", json_object());
	json_t *a;

	if (!l)
		return false;
	if (rootless) {
		if (!add_idmap(l, "uidMappings", geteuid()) || !add_idmap(l, "gidMappings", getegid()))
			return false;
	} else {
		/* Deny every device; the runtime allows its default set on top. */
		json_t *res = add_child(l, "resources", json_object());
		json_t *devs = res ? add_child(res, "devices", json_array()) : NULL;
		json_t *deny = devs ? append_object(devs) : NULL;

		if (!deny || !set(deny, "allow", json_false()) ||
		    !set(deny, "access", json_string("rwm")))
			return false;
	}
	a = add_child(l, "namespaces", json_array());
	if (!a)
		return false;
	for (size_t i = 0; i < n_ns; i++) {
		json_t *e = append_object(a);

		if (!e || !set(e, "type", json_string(ns[i])))
			return false;
	}
	return add_strings(l, "maskedPaths", default_masked, N_OF(default_masked)) &&
	       add_strings(l, "readonlyPaths", default_readonly, N_OF(default_readonly));
}

/*
 * runc writes its config indented with tabs (Go's MarshalIndent "\t");
 * jansson indents with spaces only: dump one space per level, then turn the
 * leading spaces of each line into tabs.  Strings cannot hold a raw newline
 * in JSON, so every leading space is indentation.
 */
static char *indent_with_tabs(char *text)
{
	bool line_start = true;

	for (char *p = text; *p; p++) {
		if (*p == '\n')
			line_start = true;
		else if (line_start && *p == ' ')
			*p = '\t';
		else
			line_start = false;
	}
	return text;
}

char *spec_default_json(bool rootless)
{
	json_t *root = json_object();
	json_t *r;
	char *text = NULL;
	bool ok;

	if (!root)
		return NULL;
	ok = set(root, "ociVersion", json_string(SPEC_OCI_VERSION)) && add_process(root);
	if (ok) {
		r = add_child(root, "root", json_object());
		ok = r && set(r, "path", json_string("rootfs")) && set(r, "readonly", json_true());
	}
	ok = ok && set(root, "hostname", json_string("kura")) && add_mounts(root, rootless) &&
	     add_linux(root, rootless);
	if (ok)
		text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return text ? indent_with_tabs(text) : NULL;
}
