/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /dev of the container: the default nodes every runtime provides, the
 * nodes of linux.devices, the /dev/fd... links and /dev/ptmx.  In a new user
 * namespace mknod is refused, so the host's node is bind-mounted instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "rootfs_internal.h"
#include "util/util.h"

struct default_device {
	const char *path;
	unsigned major, minor;
};

static const struct default_device default_devices[] = {
	{ "/dev/null", 1, 3 },    { "/dev/zero", 1, 5 },    { "/dev/full", 1, 7 },
	{ "/dev/random", 1, 8 }, { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

static const struct {
	const char *target, *name;
} dev_links[] = {
	{ "/proc/self/fd", "fd" },
	{ "/proc/self/fd/0", "stdin" },
	{ "/proc/self/fd/1", "stdout" },
	{ "/proc/self/fd/2", "stderr" },
};

bool devices_needed(const struct spec *s)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];
		_cleanup_free_ char *dest = NULL;
		bool bind = m->type && strcmp(m->type, "bind") == 0;

		for (size_t j = 0; !bind && j < m->options.n; j++)
			bind = strcmp(m->options.v[j], "bind") == 0 ||
			       strcmp(m->options.v[j], "rbind") == 0;
		if (!bind || !m->destination)
			continue;
		dest = pathres_clean(m->destination);
		if (dest && strcmp(dest, "/dev") == 0)
			return false;
	}
	return true;
}

struct device_node {
	const char *path; /* cleaned, inside the rootfs; also the host's node to bind */
	mode_t type;      /* S_IFCHR, S_IFBLK, S_IFIFO */
	dev_t dev;
	mode_t mode;
	uid_t uid;
	gid_t gid;
};

/*
 * A node bound onto a file at dir/base, never through a symlink there: the
 * one kura made for it (node k of the tree at nodes, see
 * rootfs_devices_tree), else the host's node of the same path.
 */
static int device_bind(int dir, const char *base, const struct device_node *d, int nodes,
		       size_t k, struct kerr *err)
{
	char name[24];
	_cleanup_close_ int dst = -1;
	_cleanup_close_ int tree = -1;
	struct stat st;

	dst = openat(dir, base, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0);
	if (dst < 0 && errno != EEXIST)
		return kerr_errno(err, errno, "create");
	if (dst >= 0)
		close(dst);
	dst = openat(dir, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (dst < 0)
		return kerr_errno(err, errno, "open");
	if (fstat(dst, &st) < 0)
		return kerr_errno(err, errno, "stat");
	if (S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode))
		return kerr_set(err, "a symlink or directory is in the way");
	snprintf(name, sizeof(name), "%zu", k);
	tree = nodes >= 0 ? mntfd_clone(nodes, name, false, err)
			  : mntfd_clone(AT_FDCWD, d->path, false, err);
	if (tree < 0)
		return -1;
	return mntfd_attach(tree, dst, err);
}

/*
 * A symlink of the image where a node is to be: removed, never followed.
 * mknod would keep it (EEXIST) and the bind refuse it, leaving the
 * container a /dev/null that leads wherever the image chose
 * (CVE-2026-41579).  unlinkat removes the link itself, in the rootfs.
 */
static int device_unlink_symlink(int dir, const char *base, struct kerr *err)
{
	struct stat st;

	if (fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : kerr_errno(err, errno, "stat");
	if (S_ISLNK(st.st_mode) && unlinkat(dir, base, 0) < 0)
		return kerr_errno(err, errno, "remove the symlink");
	return 0;
}

/*
 * mknod first, a look only when something is in the way: one syscall less
 * per node than a stat before each (6 default nodes).  A symlink there is
 * removed and the node made in its place, as device_unlink_symlink() would.
 * 1: made; 0: something else is there, kept; -1: mknod failed (errno);
 * -2: *err set.
 */
static int device_mknod(int dir, const char *base, const struct device_node *d,
			struct kerr *err)
{
	struct stat st;

	if (mknodat(dir, base, d->type | (d->mode & 07777), d->dev) == 0)
		return 1;
	if (errno != EEXIST)
		return -1;
	if (fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return kerr_errno(err, errno, "stat"), -2;
	if (!S_ISLNK(st.st_mode))
		return 0; /* runc keeps what is there; masking checks /dev/null itself */
	if (unlinkat(dir, base, 0) < 0)
		return kerr_errno(err, errno, "remove the symlink"), -2;
	if (mknodat(dir, base, d->type | (d->mode & 07777), d->dev) == 0)
		return 1;
	return errno == EEXIST ? 0 : -1;
}

/* devfd: the container's /dev, already resolved, for nodes right in it */
static int device_create(int rootfd, int devfd, const struct device_node *d, bool bind,
			 int nodes, size_t k, struct kerr *err)
{
	_cleanup_free_ char *parent = strdup(d->path);
	_cleanup_close_ int own = -1;
	const char *base;
	char *slash;
	int dir, r;

	if (!parent)
		return kerr_errno(err, ENOMEM, "device");
	slash = strrchr(parent, '/');
	base = d->path + (slash - parent) + 1;
	if (!*base)
		return kerr_set(err, "not a device path");
	*slash = '\0';
	if (devfd >= 0 && strcmp(parent, "/dev") == 0) {
		dir = devfd;
	} else {
		own = pathres_mkdir_all(rootfd, parent[0] ? parent : "/", 0755, 0, err);
		if (own < 0)
			return -1;
		dir = own;
	}
	if (bind) {
		if (device_unlink_symlink(dir, base, err) < 0)
			return -1;
		return device_bind(dir, base, d, nodes, k, err);
	}
	r = device_mknod(dir, base, d, err);
	if (r == 0 || r == -2)
		return r == 0 ? 0 : -1;
	if (r < 0 && errno == EPERM)
		return device_bind(dir, base, d, nodes, k, err);
	if (r < 0)
		return kerr_errno(err, errno, "mknod");
	if (fchownat(dir, base, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return kerr_errno(err, errno, "chown");
	if (fchmodat(dir, base, d->mode & 07777, 0) < 0)
		return kerr_errno(err, errno, "chmod");
	return 0;
}

static int spec_device_node(const struct spec_device *sd, struct device_node *n,
			    struct kerr *err)
{
	switch (sd->type) {
	case 'c':
	case 'u':
		n->type = S_IFCHR;
		break;
	case 'b':
		n->type = S_IFBLK;
		break;
	case 'p':
		n->type = S_IFIFO;
		break;
	default:
		return kerr_set(err, "unknown device type '%c'", sd->type);
	}
	if (n->type != S_IFIFO && (!sd->has_major || !sd->has_minor))
		return kerr_set(err, "major and minor are required");
	n->dev = n->type == S_IFIFO ? 0 : makedev((unsigned)sd->major, (unsigned)sd->minor);
	n->mode = sd->has_file_mode ? sd->file_mode : 0666;
	n->uid = sd->has_uid ? sd->uid : 0;
	n->gid = sd->has_gid ? sd->gid : 0;
	return 0;
}

static bool spec_has_device(const struct spec *s, const char *path)
{
	for (size_t i = 0; s->has_linux && i < s->linux_.n_devices; i++) {
		_cleanup_free_ char *p = pathres_clean(s->linux_.devices[i].path);

		if (p && strcmp(p, path) == 0)
			return true;
	}
	return false;
}

static int dev_links_make(int dev, struct kerr *err)
{
	struct stat st;

	for (size_t i = 0; i < sizeof(dev_links) / sizeof(dev_links[0]); i++)
		if (symlinkat(dev_links[i].target, dev, dev_links[i].name) < 0 &&
		    errno != EEXIST)
			return kerr_errno(err, errno, "symlink /dev/%s", dev_links[i].name);
	if (stat("/proc/kcore", &st) == 0 && symlinkat("/proc/kcore", dev, "core") < 0 &&
	    errno != EEXIST)
		return kerr_errno(err, errno, "symlink /dev/core");
	/* the devpts instance of the container, not a host /dev/ptmx node */
	if (unlinkat(dev, "ptmx", 0) < 0 && errno != ENOENT)
		return kerr_errno(err, errno, "remove /dev/ptmx");
	if (symlinkat("pts/ptmx", dev, "ptmx") < 0)
		return kerr_errno(err, errno, "symlink /dev/ptmx");
	return 0;
}

/*
 * /dev itself must be a real directory: the nodes and links below are the
 * runtime's, and a /dev symlink would put them where the image chose, and
 * have anything walking "$rootfs/dev" on the host follow it out
 * (CVE-2026-41579).  Made when the image has none.  Its fd serves every
 * node and link made right in /dev: one lookup instead of one per node.
 */
static int dev_dir_open(int rootfd, struct kerr *err)
{
	int dev = pathres_mkdir_all(rootfd, "/dev", 0755, PATHRES_NO_SYMLINKS, err);

	if (dev < 0 && err->errnum == ELOOP)
		return kerr_set(err, "/dev is a symlink in the rootfs: the devices must be "
				     "made in a real directory");
	return dev;
}

/*
 * Every node the container gets, in one order for kura and the init: the
 * default devices the spec does not list, then linux.devices.  fn gets the
 * node and its place k in that order.
 */
typedef int (*device_fn)(const struct device_node *n, size_t k, void *arg, struct kerr *err);

static int devices_each(const struct spec *s, device_fn fn, void *arg, struct kerr *err)
{
	size_t k = 0;

	for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++) {
		const struct default_device *dd = &default_devices[i];
		struct device_node n = { dd->path, S_IFCHR, makedev(dd->major, dd->minor),
					 0666, 0, 0 };

		if (spec_has_device(s, dd->path))
			continue;
		if (fn(&n, k++, arg, err) < 0)
			return kerr_wrap(err, "device %s", dd->path);
	}
	for (size_t i = 0; s->has_linux && i < s->linux_.n_devices; i++) {
		const struct spec_device *sd = &s->linux_.devices[i];
		_cleanup_free_ char *path = NULL;
		struct device_node n;

		if (!sd->path)
			return kerr_set(err, "linux.devices[%zu]: no path", i);
		path = pathres_clean(sd->path);
		if (!path)
			return kerr_errno(err, ENOMEM, "device");
		if (strcmp(path, "/") == 0)
			return kerr_set(err, "device %s: not a device path", sd->path);
		n.path = path;
		if (spec_device_node(sd, &n, err) < 0 || fn(&n, k++, arg, err) < 0)
			return kerr_wrap(err, "device %s", sd->path);
	}
	return 0;
}

struct setup_ctx {
	const struct rootfs_opts *o;
	int rootfd, dev;
};

static int setup_one(const struct device_node *n, size_t k, void *arg, struct kerr *err)
{
	const struct setup_ctx *c = arg;

	return device_create(c->rootfd, c->dev, n, c->o->new_userns, c->o->dev_nodes_fd, k, err);
}

int devices_setup(const struct rootfs_opts *o, int rootfd, struct kerr *err)
{
	_cleanup_close_ int dev = dev_dir_open(rootfd, err);
	struct setup_ctx c = { o, rootfd, dev };

	if (dev < 0 || devices_each(o->spec, setup_one, &c, err) < 0)
		return -1;
	return dev_links_make(dev, err);
}

/* The host id the container's id maps to (the host's root when unmapped). */
static uint32_t host_id(const struct spec_idmap *m, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].container_id && id - m[i].container_id < m[i].size)
			return m[i].host_id + (id - m[i].container_id);
	return 0;
}

struct tree_ctx {
	int tree;
	const struct spec *s;
};

/* Node k of the tree, owned by the host ids of the container's owner. */
static int tree_one(const struct device_node *n, size_t k, void *arg, struct kerr *err)
{
	const struct tree_ctx *c = arg;
	const struct spec_linux *lx = &c->s->linux_;
	char name[24];

	snprintf(name, sizeof(name), "%zu", k);
	if (mknodat(c->tree, name, n->type | (n->mode & 07777), n->dev) < 0)
		return kerr_errno(err, errno, "mknod");
	if (fchownat(c->tree, name, host_id(lx->uid_mappings, lx->n_uid_mappings, n->uid),
		     host_id(lx->gid_mappings, lx->n_gid_mappings, n->gid), 0) < 0)
		return kerr_errno(err, errno, "chown");
	/* mknod's mode went through our umask */
	if (fchmodat(c->tree, name, n->mode & 07777, 0) < 0)
		return kerr_errno(err, errno, "chmod");
	return 0;
}

int rootfs_devices_tree(const struct spec *s, struct kerr *err)
{
	_cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	struct tree_ctx c = { -1, s };

	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0755", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return kerr_errno(err, errno, "devices: tmpfs");
	c.tree = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
	if (c.tree < 0)
		return kerr_errno(err, errno, "devices: fsmount");
	if (devices_each(s, tree_one, &c, err) < 0) {
		close(c.tree);
		return -1;
	}
	return c.tree;
}
