/* SPDX-License-Identifier: Apache-2.0 */
/* Host checks of a parsed config, shared by `kura check` and create (preflight.h). */
#include "preflight.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/util.h"

/* The spec's type names for what NS_GET_NSTYPE answers. */
static const char *ns_type_name(int clone_flag)
{
	for (int t = 0; t < SPEC_NS_COUNT; t++)
		if (spec_ns_clone_flag((enum spec_ns_type)t) == clone_flag)
			return spec_ns_name((enum spec_ns_type)t);
	return "unknown";
}

int preflight_namespace_path(const struct spec *s, size_t i, struct kerr *err)
{
	const struct spec_namespace *ns = &s->linux_.namespaces[i];
	_cleanup_close_ int fd = -1;
	int want, got;

	if (!ns->path || ns->type >= SPEC_NS_COUNT)
		return 0;
	fd = open(ns->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return kerr_errno(err, errno, "config.json: .linux.namespaces[%zu].path: %s", i,
				  ns->path);
	want = spec_ns_clone_flag(ns->type);
	got = ioctl(fd, NS_GET_NSTYPE);
	if (got < 0)
		return kerr_set(err, "config.json: .linux.namespaces[%zu].path: %s is not a namespace file",
				i, ns->path);
	if (got != want)
		return kerr_set(err,
				"config.json: .linux.namespaces[%zu].path: %s is a %s namespace, "
				"not a %s one (.type)",
				i, ns->path, ns_type_name(got), spec_ns_name(ns->type));
	return 0;
}

int preflight_privilege(const struct spec *s, struct kerr *err)
{
	uid_t euid = geteuid();

	if (euid == 0 || spec_find_ns(s, SPEC_NS_USER))
		return 0;
	return kerr_set(err,
			"config.json: .linux.namespaces: no user namespace, and kura runs as uid %u, "
			"not root: an unprivileged user needs a rootless config (kura spec --rootless)",
			(unsigned)euid);
}

int preflight_create(const struct spec *s, struct kerr *err)
{
	if (preflight_privilege(s, err) < 0)
		return -1;
	for (size_t i = 0; i < s->linux_.n_namespaces; i++)
		if (preflight_namespace_path(s, i, err) < 0)
			return -1;
	return 0;
}

/* A mount of the config lands on path or above it. */
static bool under_mount(const struct spec *s, const char *path)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const char *d = s->mounts[i].destination;
		size_t n;

		if (!d)
			continue;
		n = strlen(d);
		while (n > 1 && d[n - 1] == '/')
			n--;
		if (n == 1 && d[0] == '/')
			return true;
		if (strncmp(path, d, n) == 0 && (path[n] == '\0' || path[n] == '/'))
			return true;
	}
	return false;
}

/* 0: an executable file; else the errno execve would give (EACCES for a directory). */
static int exec_probe(int rootfd, const char *path)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	struct stat st;

	if (fd < 0)
		return errno;
	if (fstat(fd, &st) < 0)
		return errno;
	if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		return EACCES;
	return 0;
}

/* name relative to the process's cwd, as an absolute path in the container */
static void in_cwd(const struct spec *s, const char *name, char *out, size_t size)
{
	const char *cwd = s->process.cwd && *s->process.cwd ? s->process.cwd : "/";

	if (name[0] == '/')
		snprintf(out, size, "%s", name);
	else
		snprintf(out, size, "%s/%s", cwd, name);
}

int preflight_exec(const struct spec *s, const char *rootfs, struct kerr *err)
{
	const struct spec_process *p = &s->process;
	const char *name, *dirs = SPEC_DEFAULT_PATH;
	_cleanup_close_ int rootfd = -1;
	char cand[PATH_MAX];
	int e;

	if (!s->has_process || p->args.n == 0 || !p->args.v[0] || !*p->args.v[0])
		return 0; /* the parser reported it */
	name = p->args.v[0];
	rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return 0; /* .root.path is reported on its own */
	if (strchr(name, '/')) {
		in_cwd(s, name, cand, sizeof(cand));
		if (under_mount(s, cand) || (e = exec_probe(rootfd, cand)) == 0)
			return 0;
		return kerr_errno(err, e, "config.json: .process.args[0]: \"%s\" in rootfs %s", name,
				  rootfs);
	}
	for (size_t i = 0; i < p->env.n; i++)
		if (p->env.v[i] && strncmp(p->env.v[i], "PATH=", 5) == 0)
			dirs = p->env.v[i] + 5;
	for (const char *d = dirs; d;) {
		const char *colon = strchr(d, ':');
		int dlen = colon ? (int)(colon - d) : (int)strlen(d);
		char rel[PATH_MAX];

		/* an empty PATH entry is the cwd, as for the init half */
		snprintf(rel, sizeof(rel), "%.*s%s%s", dlen, d, dlen ? "/" : "", name);
		in_cwd(s, rel, cand, sizeof(cand));
		if (under_mount(s, cand) || exec_probe(rootfd, cand) == 0)
			return 0;
		d = colon ? colon + 1 : NULL;
	}
	return kerr_set(err,
			"config.json: .process.args[0]: \"%s\": executable file not found in $PATH "
			"(%s) of rootfs %s",
			name, dirs, rootfs);
}
