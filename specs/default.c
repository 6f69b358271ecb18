/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The config `kura spec` writes: the same container `runc spec` describes
 * (engines and users compare the two), built as data rather than as text.
 */
#include "spec.h"

#include <cjson/cJSON.h>
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

static bool add_strings(cJSON *obj, const char *key, const char *const *v, size_t n)
{
	cJSON *a = cJSON_CreateStringArray(v, (int)n);

	return a && cJSON_AddItemToObject(obj, key, a);
}

static bool add_process(cJSON *root)
{
	static const char *const args[] = { "sh" };
	static const char *const env[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"TERM=xterm",
	};
	static const char *const sets[] = { "bounding", "effective", "permitted", "ambient" };
	cJSON *p = cJSON_AddObjectToObject(root, "process");
	cJSON *user, *caps, *rlimits, *nofile;

	if (!p || !cJSON_AddBoolToObject(p, "terminal", true))
		return false;
	user = cJSON_AddObjectToObject(p, "user");
	if (!user || !cJSON_AddNumberToObject(user, "uid", 0) ||
	    !cJSON_AddNumberToObject(user, "gid", 0))
		return false;
	if (!add_strings(p, "args", args, N_OF(args)) || !add_strings(p, "env", env, N_OF(env)) ||
	    !cJSON_AddStringToObject(p, "cwd", "/"))
		return false;
	caps = cJSON_AddObjectToObject(p, "capabilities");
	if (!caps)
		return false;
	for (size_t i = 0; i < N_OF(sets); i++)
		if (!add_strings(caps, sets[i], default_caps, N_OF(default_caps)))
			return false;
	rlimits = cJSON_AddArrayToObject(p, "rlimits");
	nofile = cJSON_CreateObject();
	if (!rlimits || !nofile || !cJSON_AddItemToArray(rlimits, nofile))
		return false;
	if (!cJSON_AddStringToObject(nofile, "type", "RLIMIT_NOFILE") ||
	    !cJSON_AddNumberToObject(nofile, "hard", 1024) ||
	    !cJSON_AddNumberToObject(nofile, "soft", 1024))
		return false;
	return cJSON_AddBoolToObject(p, "noNewPrivileges", true) != NULL;
}

static bool add_mounts(cJSON *root, bool rootless)
{
	cJSON *mounts = cJSON_AddArrayToObject(root, "mounts");

	if (!mounts)
		return false;
	for (size_t i = 0; i < N_OF(default_mounts); i++) {
		const struct default_mount *d = &default_mounts[i];
		cJSON *m;
		size_t n = 0;

		if ((rootless && d->rootful_only) || (!rootless && d->rootless_only))
			continue;
		m = cJSON_CreateObject();
		if (!m || !cJSON_AddItemToArray(mounts, m))
			return false;
		if (!cJSON_AddStringToObject(m, "destination", d->destination) ||
		    !cJSON_AddStringToObject(m, "type", d->type) ||
		    !cJSON_AddStringToObject(m, "source", d->source))
			return false;
		while (n < N_OF(d->options) && d->options[n])
			n++;
		if (n && !add_strings(m, "options", d->options, n))
			return false;
	}
	return true;
}

static bool add_idmap(cJSON *linux_, const char *key, unsigned int host_id)
{
	cJSON *a = cJSON_AddArrayToObject(linux_, key);
	cJSON *m = cJSON_CreateObject();

	if (!a || !m || !cJSON_AddItemToArray(a, m))
		return false;
	return cJSON_AddNumberToObject(m, "containerID", 0) &&
	       cJSON_AddNumberToObject(m, "hostID", host_id) &&
	       cJSON_AddNumberToObject(m, "size", 1);
}

static bool add_linux(cJSON *root, bool rootless)
{
	static const char *const rootful_ns[] = { "pid", "network", "ipc", "uts", "mount" };
	/* Rootless keeps the host network: an unprivileged user cannot plumb a new one. */
	static const char *const rootless_ns[] = { "pid", "ipc", "uts", "mount", "user" };
	const char *const *ns = rootless ? rootless_ns : rootful_ns;
	size_t n_ns = rootless ? N_OF(rootless_ns) : N_OF(rootful_ns);
	cJSON *l = cJSON_AddObjectToObject(root, "linux");
	cJSON *a;

	if (!l)
		return false;
	if (rootless) {
		if (!add_idmap(l, "uidMappings", geteuid()) || !add_idmap(l, "gidMappings", getegid()))
			return false;
	} else {
		/* Deny every device; the runtime allows its default set on top. */
		cJSON *res = cJSON_AddObjectToObject(l, "resources");
		cJSON *devs = res ? cJSON_AddArrayToObject(res, "devices") : NULL;
		cJSON *deny = cJSON_CreateObject();

		if (!devs || !deny || !cJSON_AddItemToArray(devs, deny))
			return false;
		if (!cJSON_AddBoolToObject(deny, "allow", false) ||
		    !cJSON_AddStringToObject(deny, "access", "rwm"))
			return false;
	}
	a = cJSON_AddArrayToObject(l, "namespaces");
	if (!a)
		return false;
	for (size_t i = 0; i < n_ns; i++) {
		cJSON *e = cJSON_CreateObject();

		if (!e || !cJSON_AddItemToArray(a, e) || !cJSON_AddStringToObject(e, "type", ns[i]))
			return false;
	}
	return add_strings(l, "maskedPaths", default_masked, N_OF(default_masked)) &&
	       add_strings(l, "readonlyPaths", default_readonly, N_OF(default_readonly));
}

char *spec_default_json(bool rootless)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *r;
	char *text = NULL;
	bool ok;

	if (!root)
		return NULL;
	ok = cJSON_AddStringToObject(root, "ociVersion", SPEC_OCI_VERSION) && add_process(root);
	if (ok) {
		r = cJSON_AddObjectToObject(root, "root");
		ok = r && cJSON_AddStringToObject(r, "path", "rootfs") &&
		     cJSON_AddBoolToObject(r, "readonly", true);
	}
	ok = ok && cJSON_AddStringToObject(root, "hostname", "kura") && add_mounts(root, rootless) &&
	     add_linux(root, rootless);
	if (ok)
		text = cJSON_Print(root);
	cJSON_Delete(root);
	return text;
}
