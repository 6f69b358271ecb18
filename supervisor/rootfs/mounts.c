/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rootfs_prepare(): the mount tree of the container, built in its own
 * mount namespace before pivot_root.  Every destination is resolved inside
 * the rootfs (pathres.c) and mounted onto that fd, never onto a path.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "rootfs_internal.h"
#include "util/util.h"

struct mount_ctx {
	const struct rootfs_opts *o;
	int rootfd;
	const struct spec_mount *m;
	const char *dest; /* cleaned */
	struct mount_opts mo;
};

static bool str_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static bool path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/*
 * What may be mounted under /proc: procfs itself at /proc, and the files
 * lxcfs and friends bind over (runc's list).  Anything else there could
 * hide the files kura later writes (CVE-2019-16884).
 */
static int proc_dest_check(const struct mount_ctx *c, bool is_bind, bool on_procfs)
{
	static const char *const allowed[] = {
		"/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat",
		"/proc/swaps",   "/proc/uptime",    "/proc/loadavg", "/proc/slabinfo",
		"/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
	};
	struct statfs sfs;

	if (!path_under(c->dest, "/proc") && !on_procfs)
		return 0;
	if (strcmp(c->dest, "/proc") == 0) {
		if (!is_bind && str_eq(c->m->type, "proc"))
			return 0;
		if (is_bind && c->m->source && statfs(c->m->source, &sfs) == 0 &&
		    sfs.f_type == PROC_SUPER_MAGIC)
			return 0;
	}
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (strcmp(c->dest, allowed[i]) == 0)
			return 0;
	return -1;
}

/*
 * The destination as resolved: a symlink in the rootfs may lead a path that
 * does not say /proc into the procfs mounted earlier (/evil -> /proc/sys).
 */
static int dest_fd_check(const struct mount_ctx *c, int dstfd, bool is_bind,
			 struct kerr *err)
{
	struct statfs sfs;

	if (fstatfs(dstfd, &sfs) < 0)
		return kerr_errno(err, errno, "statfs");
	if (sfs.f_type == PROC_SUPER_MAGIC && proc_dest_check(c, is_bind, true) < 0)
		return kerr_set(err, "%s resolves into /proc, where it cannot be mounted",
				c->dest);
	return 0;
}

/* Re-resolve the destination after a mount(2): the fd now names the new mount. */
static int dest_reopen(const struct mount_ctx *c, struct kerr *err)
{
	return pathres_open(c->rootfd, c->dest, O_DIRECTORY, 0, err);
}

/* Whether mount_finish() has anything to do (else no fd of the new mount is needed). */
static bool mount_finish_needed(const struct mount_ctx *c)
{
	return c->mo.rec_set || c->mo.rec_clr || c->mo.n_propagation;
}

/* After the mount exists: recursive attributes, then propagation. */
static int mount_finish(const struct mount_ctx *c, int mntfd, struct kerr *err)
{
	if ((c->mo.rec_set || c->mo.rec_clr) &&
	    mntfd_setattr(mntfd, true, c->mo.rec_set, c->mo.rec_clr, -1, err) < 0)
		return -1;
	return mntfd_set_propagation(mntfd, &c->mo, err);
}

/*
 * A tmpfs given no mode= takes the mountpoint directory's mode, as runc and
 * crun mount it: *out is data with that mode= added, or stays NULL.
 */
static int tmpfs_mode_data(const char *data, int dst, char **out, struct kerr *err)
{
	struct stat st;

	for (const char *o = data; o && *o; o += strcspn(o, ","), o += *o == ',')
		if (strncmp(o, "mode=", 5) == 0)
			return 0;
	if (fstat(dst, &st) < 0)
		return kerr_errno(err, errno, "stat mountpoint");
	if (asprintf(out, "%s%smode=%o", data ? data : "", data && *data ? "," : "",
		     (unsigned)(st.st_mode & 07777)) < 0) {
		*out = NULL;
		return kerr_errno(err, ENOMEM, "tmpfs");
	}
	return 0;
}

/*
 * A filesystem mounted with mount(2) onto the fd of its destination (known:
 * resolved by the caller already, else -1).  Resolved again after the mount
 * only when mount_finish() needs the new mount: one openat2 and one close
 * fewer for a plain /proc, /dev, /dev/pts...
 */
static int mount_fs(const struct mount_ctx *c, unsigned long flags, unsigned pflags, int known,
		    struct kerr *err)
{
	_cleanup_close_ int own = -1;
	_cleanup_close_ int olddir = -1;
	_cleanup_close_ int newfd = -1;
	_cleanup_free_ char *data = NULL;
	const char *type = c->m->type;
	char p[32];
	int dst = known;

	if (dst < 0) {
		own = pathres_mkdir_all(c->rootfd, c->dest, 0755, pflags, err);
		dst = own;
	}
	if (dst < 0 || dest_fd_check(c, dst, false, err) < 0)
		return -1;
	if (c->mo.tmpcopyup) {
		/* still names the old directory once the tmpfs covers it */
		olddir = openat(dst, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (olddir < 0)
			return kerr_errno(err, errno, "open");
	}
	flags &= ~(unsigned long)(MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE | MS_REC);
	if (str_eq(type, "tmpfs") && tmpfs_mode_data(c->mo.data, dst, &data, err) < 0)
		return -1;
	if (mount(c->m->source ? c->m->source : type, mntfd_path(dst, p), type, flags,
		  data ? data : c->mo.data) < 0)
		return kerr_errno(err, errno, "mount %s", type);
	if (olddir < 0 && !mount_finish_needed(c))
		return 0;
	newfd = dest_reopen(c, err);
	if (newfd < 0)
		return -1;
	if (olddir >= 0) {
		_cleanup_close_ int dirfd = openat(newfd, ".", O_RDONLY | O_DIRECTORY |
							      O_CLOEXEC);

		if (dirfd < 0)
			return kerr_errno(err, errno, "open");
		if (mntfd_copy_tree(olddir, dirfd, err) < 0)
			return -1;
	}
	return mount_finish(c, newfd, err);
}

/*
 * A bind mount: a detached clone of the source, idmapped and given its
 * recursive attributes before anyone can see it, then attached onto the
 * destination fd; flags need a remount (the first bind ignores them).
 */
/* The mount entry's index in .mounts, for its prepared idmapped tree. */
static int prepared_tree(const struct mount_ctx *c)
{
	const struct spec *s = c->o->spec;

	if (!c->o->idmap_fds || c->m < s->mounts || c->m >= s->mounts + s->n_mounts)
		return -1;
	return c->o->idmap_fds[c->m - s->mounts];
}

static int mount_bind_from(const struct mount_ctx *c, int srcdfd, const char *src,
			   bool recursive, unsigned long flags, struct kerr *err)
{
	_cleanup_close_ int dst = -1;
	_cleanup_close_ int tree = -1;
	int prepared = prepared_tree(c);
	struct stat st;

	/* a tree kura made on the host: its root is what the source was */
	if (prepared >= 0 ? fstat(prepared, &st) < 0
			  : src[0] ? fstatat(srcdfd, src, &st, 0) < 0 : fstat(srcdfd, &st) < 0)
		return kerr_errno(err, errno, "stat %s", src[0] ? src : "source");
	if (S_ISDIR(st.st_mode))
		dst = pathres_mkdir_all(c->rootfd, c->dest, 0755, 0, err);
	else
		dst = pathres_create_file(c->rootfd, c->dest, 0644, err);
	if (dst < 0 || dest_fd_check(c, dst, true, err) < 0)
		return -1;
	if (prepared >= 0)
		tree = fcntl(prepared, F_DUPFD_CLOEXEC, 3);
	else
		tree = rootfs_bind_tree(c->m, &c->mo, NULL, NULL, srcdfd, src, recursive, err);
	if (tree < 0)
		return prepared >= 0 ? kerr_errno(err, errno, "dup") : -1;
	if (mntfd_attach(tree, dst, err) < 0)
		return -1;
	flags &= ~(unsigned long)(MS_BIND | MS_REC | MS_REMOUNT);
	if (flags && mntfd_remount_bind(tree, flags, err) < 0)
		return -1;
	/* after the remount, which would reset the top mount's rro & co */
	return mount_finish(c, tree, err);
}

static int mount_bind(const struct mount_ctx *c, struct kerr *err)
{
	if (!c->m->source)
		return kerr_set(err, "bind mount without a source");
	_cleanup_close_ int bundle = -1;
	int dfd = AT_FDCWD;

	/* runc runs from the bundle: a relative source is the bundle's */
	if (c->m->source[0] != '/' && c->o->bundle) {
		bundle = open(c->o->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (bundle < 0)
			return kerr_errno(err, errno, "open bundle %s", c->o->bundle);
		dfd = bundle;
	}
	/* the source is the host's, named by the config: trusted like the config */
	return mount_bind_from(c, dfd, c->m->source, (c->mo.flags & MS_REC) != 0,
			       c->mo.flags, err);
}

/*
 * /proc, /sys and /dev belong to the runtime: they are mounted on real
 * directories only, never where a symlink of the image leads, even inside
 * it (CVE-2023-27561, CVE-2026-41579).  Made when missing.  Returns the
 * directory's fd, which the mount reuses: the same lookup
 * (PATHRES_NO_SYMLINKS) it would do again.
 */
static int real_dir_open(const struct mount_ctx *c, struct kerr *err)
{
	int probe = pathres_mkdir_all(c->rootfd, c->dest, 0755, PATHRES_NO_SYMLINKS, err);

	if (probe < 0 && err->errnum == ELOOP)
		return kerr_set(err, "%s (or a directory above it) is a symlink in the rootfs: "
				     "%s must be mounted on a real directory",
				c->dest, c->m->type ? c->m->type : "it");
	return probe;
}

/* proc and sysfs land on real directories only (CVE-2023-27561 family). */
static int mount_proc_sys(const struct mount_ctx *c, struct kerr *err)
{
	_cleanup_close_ int dir = real_dir_open(c, err);

	if (dir < 0)
		return -1;
	if (str_eq(c->m->type, "sysfs")) {
		struct mount_ctx rc = *c;

		if (c->o->new_netns) {
			struct kerr first;

			if (mount_fs(c, c->mo.flags, PATHRES_NO_SYMLINKS, dir, &first) == 0)
				return 0;
			/* a user namespace not owning the net ns may not mount sysfs (runc) */
			if (first.errnum != EPERM) {
				*err = first;
				return -1;
			}
		}
		/* sysfs of the host's network namespace cannot be mounted anew: bind it */

		/* read-only all the way down: the rbind brings the host's submounts */
		if (rc.mo.flags & MS_RDONLY) {
			rc.mo.rec_set |= MOUNT_ATTR_RDONLY;
			rc.mo.rec_clr &= ~(uint64_t)MOUNT_ATTR_RDONLY;
		}
		return mount_bind_from(&rc, AT_FDCWD, "/sys", true, rc.mo.flags, err);
	}
	return mount_fs(c, c->mo.flags, PATHRES_NO_SYMLINKS, dir, err);
}

/* ---- cgroup ---- */

static int cgroup_v2_own_path(char *buf, size_t size, struct kerr *err)
{
	_cleanup_free_ char *text = util_read_file("/proc/self/cgroup", NULL, err);
	char *line;

	if (!text)
		return -1;
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		if (strncmp(line, "0::", 3) == 0) {
			snprintf(buf, size, "%s", line + 3);
			return 0;
		}
	return kerr_set(err, "/proc/self/cgroup: no cgroup2 entry");
}

static int mount_cgroup_v2(const struct mount_ctx *c, struct kerr *err)
{
	_cleanup_close_ int dst = -1;
	_cleanup_close_ int fsfd = -1;
	_cleanup_close_ int root = -1;
	char own[4096], host[4200], p[32];
	unsigned long flags = c->mo.flags & ~(unsigned long)(MS_BIND | MS_REC);

	dst = pathres_mkdir_all(c->rootfd, c->dest, 0755, 0, err);
	if (dst < 0)
		return -1;
	if (c->o->new_cgroupns) {
		/* a fresh cgroup2 mount: its root is the container's cgroup */
		if (mount("cgroup2", mntfd_path(dst, p), "cgroup2", flags, c->mo.data) == 0) {
			_cleanup_close_ int newfd = dest_reopen(c, err);

			if (newfd < 0)
				return -1;
			return mount_finish(c, newfd, err);
		}
		if (errno != EPERM && errno != EBUSY)
			return kerr_errno(err, errno, "mount cgroup2");
	}
	/* no cgroup namespace: show only the container's own cgroup, bound */
	if (cgroup_v2_own_path(own, sizeof(own), err) < 0)
		return -1;
	fsfd = fsopen("cgroup2", FSOPEN_CLOEXEC);
	if (fsfd >= 0 && fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
		root = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
	if (root >= 0) {
		const char *rel = own[1] ? own + 1 : "";

		/* kernels before 6.15 refuse open_tree() inside a detached mount */
		if (mount_bind_from(c, root, rel, true, flags | MS_BIND, err) == 0)
			return 0;
	}
	snprintf(host, sizeof(host), "/sys/fs/cgroup%s", own);
	return mount_bind_from(c, AT_FDCWD, host, true, flags | MS_BIND, err);
}

/*
 * The flags of every hierarchy's bind at once: one recursive mount_setattr
 * over the tmpfs instead of one MS_BIND|MS_REMOUNT per hierarchy.  It sets
 * and clears what such a remount does (atime kept); on the tmpfs, which has
 * exactly sub, it changes nothing unless nosymfollow was asked for.  Then,
 * and on EPERM (flags a user namespace locked), each bind the old way.
 */
static int cgroup_v1_flags(const struct mount_ctx *c, int tmp, unsigned long flags,
			   struct kerr *err)
{
	unsigned long sub = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
	uint64_t set = mntfd_attr_from_ms(sub);
	uint64_t clr = (mntfd_attr_from_ms(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC) & ~set) |
		       MOUNT_ATTR_NOSYMFOLLOW;
	struct kerr first;

	if (!(flags & MS_NOSYMFOLLOW)) {
		if (mntfd_setattr(tmp, true, set, clr, -1, &first) == 0)
			return 0;
		if (first.errnum != EPERM) {
			*err = first;
			return -1;
		}
	}
	for (size_t i = 0; i < c->o->n_cgroups_v1; i++) {
		const char *name = c->o->cgroups_v1[i].controller;
		_cleanup_close_ int sd = -1;

		if (strncmp(name, "name=", 5) == 0)
			name += 5;
		sd = openat(tmp, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sd < 0)
			return kerr_errno(err, errno, "open %s", name);
		if (mntfd_remount_bind(sd, sub, err) < 0)
			return kerr_wrap(err, "%s", c->o->cgroups_v1[i].controller);
	}
	return 0;
}

/*
 * cgroup v1: a tmpfs holding, per hierarchy, a bind of the container's own
 * cgroup; "cpu,cpuacct" also reachable as "cpu" and "cpuacct" (links).
 * Each clone goes straight onto tmp/name, made just now in a tmpfs nobody
 * else reaches yet: no fd for it.  With cgroup_v1_flags: 63 -> 37 syscalls
 * for 9 hierarchies (strace -f of `kura run`), the container's mountinfo
 * the same but for mount ids.  Every clone is attached: closing a detached
 * one would cost an RCU grace period.
 */
static int mount_cgroup_v1(const struct mount_ctx *c, struct kerr *err)
{
	_cleanup_close_ int dst = -1;
	_cleanup_close_ int tmp = -1;
	unsigned long flags = c->mo.flags & ~(unsigned long)(MS_BIND | MS_REC);
	unsigned long sub = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
	char p[32];

	dst = pathres_mkdir_all(c->rootfd, c->dest, 0755, 0, err);
	if (dst < 0)
		return -1;
	if (mount("tmpfs", mntfd_path(dst, p), "tmpfs", flags & ~(unsigned long)MS_RDONLY,
		  "mode=755") < 0)
		return kerr_errno(err, errno, "mount tmpfs");
	tmp = pathres_open(c->rootfd, c->dest, O_DIRECTORY, 0, err);
	if (tmp < 0)
		return -1;
	for (size_t i = 0; i < c->o->n_cgroups_v1; i++) {
		const struct rootfs_cgroup_v1 *cg = &c->o->cgroups_v1[i];
		const char *name = cg->controller;
		_cleanup_close_ int tree = -1;

		if (strncmp(name, "name=", 5) == 0)
			name += 5;
		if (mkdirat(tmp, name, 0755) < 0 && errno != EEXIST)
			return kerr_errno(err, errno, "mkdir %s", name);
		tree = mntfd_clone(AT_FDCWD, cg->host_path, false, err);
		if (tree < 0)
			return kerr_wrap(err, "%s", cg->controller);
		if (move_mount(tree, "", tmp, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return kerr_errno(err, errno, "%s: move_mount", cg->controller);
		if (strchr(name, ',')) {
			_cleanup_free_ char *list = strdup(name);
			char *save = NULL;

			if (!list)
				return kerr_errno(err, ENOMEM, "cgroup");
			for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
				if (symlinkat(name, tmp, t) < 0 && errno != EEXIST)
					return kerr_errno(err, errno, "symlink %s", t);
		}
	}
	if (sub && c->o->n_cgroups_v1 && cgroup_v1_flags(c, tmp, flags, err) < 0)
		return -1;
	if ((flags & MS_RDONLY) &&
	    mount(NULL, mntfd_path(tmp, p), NULL, MS_REMOUNT | flags, "mode=755") < 0)
		return kerr_errno(err, errno, "remount read-only");
	return mount_finish(c, tmp, err);
}

/* ---- one entry of .mounts ---- */

static int mount_entry(const struct rootfs_opts *o, int rootfd, const struct spec_mount *m,
		       struct kerr *err)
{
	struct mount_ctx c = { .o = o, .rootfd = rootfd, .m = m };
	_cleanup_free_ char *dest = NULL;
	_cleanup_close_ int devdir = -1;
	bool is_bind;
	int r;

	if (!m->destination)
		return kerr_set(err, "mount without a destination");
	dest = pathres_clean(m->destination);
	if (!dest)
		return kerr_errno(err, ENOMEM, "mount");
	c.dest = dest;
	if (mountopts_parse(&m->options, &c.mo, err) < 0)
		return -1;
	is_bind = (c.mo.flags & MS_BIND) || str_eq(m->type, "bind");
	if (is_bind)
		c.mo.flags |= MS_BIND;
	if (proc_dest_check(&c, is_bind, false) < 0) {
		mountopts_free(&c.mo);
		return kerr_set(err, "%s cannot be mounted because it is inside /proc", dest);
	}
	/* whatever is mounted at /dev, bind included: never through a symlink */
	if (strcmp(dest, "/dev") == 0 && (devdir = real_dir_open(&c, err)) < 0) {
		mountopts_free(&c.mo);
		return -1;
	}
	if (is_bind)
		r = mount_bind(&c, err);
	else if (str_eq(m->type, "proc") || str_eq(m->type, "sysfs"))
		r = mount_proc_sys(&c, err);
	else if (str_eq(m->type, "cgroup") || str_eq(m->type, "cgroup2"))
		r = o->cgroup_v2 ? mount_cgroup_v2(&c, err) : mount_cgroup_v1(&c, err);
	else if (!m->type)
		r = kerr_set(err, "no type and not a bind mount");
	else if (str_eq(m->type, "mqueue")) {
		struct kerr first;

		r = mount_fs(&c, c.mo.flags, 0, -1, &first);
		/* no new IPC namespace of its own (rootless): runc binds the host's */
		if (r < 0 && first.errnum == EPERM)
			r = mount_bind_from(&c, AT_FDCWD, "/dev/mqueue", false,
					    c.mo.flags | MS_BIND, err);
		else if (r < 0)
			*err = first;
	} else if (strcmp(dest, "/dev") == 0)
		/* read-only only once the devices are made: rootfs_finalize() */
		r = mount_fs(&c, c.mo.flags & ~(unsigned long)MS_RDONLY, PATHRES_NO_SYMLINKS,
			     devdir, err);
	else
		r = mount_fs(&c, c.mo.flags, 0, -1, err);
	mountopts_free(&c.mo);
	return r;
}

/* ---- the root ---- */

/*
 * pivot_root refuses a new root whose parent mount is shared: with a
 * shared rootfsPropagation make just that parent private.
 */
static int rootfs_parent_private(const char *rootfs, struct kerr *err)
{
	_cleanup_free_ char *dir = pathres_clean(rootfs);
	char *slash;

	if (!dir)
		return kerr_errno(err, ENOMEM, "rootfs");
	for (;;) {
		struct statx stx;

		slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (statx(AT_FDCWD, dir, 0, 0, &stx) < 0)
			return kerr_errno(err, errno, "statx %s", dir);
		if ((stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) || strcmp(dir, "/") == 0)
			break;
	}
	if (mount(NULL, dir, NULL, MS_PRIVATE, NULL) < 0)
		return kerr_errno(err, errno, "make %s private", dir);
	return 0;
}

static int rootfs_prepare_(const struct rootfs_opts *o, struct kerr *err)
{
	const struct spec *s = o->spec;
	const char *prop = s->has_linux ? s->linux_.rootfs_propagation : NULL;
	_cleanup_close_ int rootfd = -1;
	unsigned long pflag;

	if (!o->rootfs || o->rootfs[0] != '/')
		return kerr_set(err, "root.path must be an absolute path");
	/* the parser refused unknown names; none given: runc's, nothing propagates out */
	pflag = prop ? spec_propagation_flags(prop) : 0;
	if (!pflag)
		pflag = MS_SLAVE | MS_REC;
	/*
	 * An unbindable / could not give the rootfs its bind below: slave
	 * until the pivot, after which rootfs_pivot makes the new / unbindable.
	 */
	if (pflag & MS_UNBINDABLE)
		pflag = MS_SLAVE | MS_REC;
	if (!o->shared_mntns && mount(NULL, "/", NULL, pflag, NULL) < 0)
		return kerr_errno(err, errno, "set propagation of /");
	if (!o->shared_mntns && (pflag & MS_SHARED) && rootfs_parent_private(o->rootfs, err) < 0)
		return -1;
	/* a mount of its own: pivot_root needs the new root to be a mount point */
	if (mount(o->rootfs, o->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return kerr_errno(err, errno, "bind %s", o->rootfs);
	rootfd = open(o->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return kerr_errno(err, errno, "open %s", o->rootfs);
	for (size_t i = 0; i < s->n_mounts; i++)
		if (mount_entry(o, rootfd, &s->mounts[i], err) < 0)
			return kerr_wrap(err, "mount %s", s->mounts[i].destination
							      ? s->mounts[i].destination
							      : "(none)");
	if (devices_needed(s) && devices_setup(o, rootfd, err) < 0)
		return -1;
	/* runc makes process.cwd, so images without it still start ("/" is there) */
	if (s->has_process && s->process.cwd && s->process.cwd[strspn(s->process.cwd, "/")]) {
		_cleanup_close_ int cwd = pathres_mkdir_all(rootfd, s->process.cwd, 0755, 0, err);

		if (cwd < 0)
			return kerr_wrap(err, "process.cwd");
	}
	return 0;
}

int rootfs_prepare(const struct rootfs_opts *o, struct kerr *err)
{
	/* modes are the config's, not filtered by the caller's umask */
	mode_t old = umask(0);
	int r = rootfs_prepare_(o, err);

	umask(old);
	return r;
}
