/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The switch to the container's root, then what must happen once "/" is
 * the container's: readonlyPaths, maskedPaths, read-only /dev and root.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs_internal.h"
#include "util/util.h"

/*
 * pivot_root(".", "."): the old root ends up stacked under the new one and
 * is detached from there, with no directory needed for it in the image.
 */
static int root_pivot(const char *rootfs, struct kerr *err)
{
	_cleanup_close_ int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);

	if (oldroot < 0)
		return kerr_errno(err, errno, "open /");
	/* the same lookup an open + fchdir would do, in one syscall */
	if (chdir(rootfs) < 0)
		return kerr_errno(err, errno, "chdir %s", rootfs);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return kerr_errno(err, errno, "pivot_root %s", rootfs);
	if (fchdir(oldroot) < 0)
		return kerr_errno(err, errno, "chdir old root");
	/* a slave first: the detach below must not propagate to the host */
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return kerr_errno(err, errno, "make old root rslave");
	if (umount2(".", MNT_DETACH) < 0)
		return kerr_errno(err, errno, "detach old root");
	if (chdir("/") < 0)
		return kerr_errno(err, errno, "chdir /");
	return 0;
}

/* --no-pivot: for a root on a ramfs, where pivot_root is refused. */
static int root_move(const char *rootfs, struct kerr *err)
{
	if (chdir(rootfs) < 0)
		return kerr_errno(err, errno, "chdir %s", rootfs);
	if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
		return kerr_errno(err, errno, "move %s to /", rootfs);
	if (chroot(".") < 0)
		return kerr_errno(err, errno, "chroot");
	if (chdir("/") < 0)
		return kerr_errno(err, errno, "chdir /");
	return 0;
}

/* No mount namespace of its own: only a chroot, the caller's "/" untouched. */
static int root_chroot(const char *rootfs, struct kerr *err)
{
	if (chdir(rootfs) < 0)
		return kerr_errno(err, errno, "chdir %s", rootfs);
	if (chroot(".") < 0)
		return kerr_errno(err, errno, "chroot");
	if (chdir("/") < 0)
		return kerr_errno(err, errno, "chdir /");
	return 0;
}

static bool dev_wants_ro(const struct spec *s)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];
		_cleanup_free_ char *dest = NULL;
		struct mount_opts mo;
		bool ro;

		if (!m->destination || (m->type && strcmp(m->type, "bind") == 0))
			continue;
		dest = pathres_clean(m->destination);
		if (!dest || strcmp(dest, "/dev") != 0)
			continue;
		if (mountopts_parse(&m->options, &mo, NULL) < 0)
			continue;
		ro = (mo.flags & MS_RDONLY) && !(mo.flags & MS_BIND);
		mountopts_free(&mo);
		return ro;
	}
	return false;
}

/* rootfsPropagation on the new root: unbindable ones only when `last`. */
static int root_propagation(const struct rootfs_opts *o, bool last, struct kerr *err)
{
	const struct spec *s = o->spec;
	const char *prop = s->has_linux ? s->linux_.rootfs_propagation : NULL;
	/* the parser refused unknown names: 0 means none given */
	unsigned long flag = prop ? spec_propagation_flags(prop) : 0;

	if (!flag || o->shared_mntns || !!(flag & MS_UNBINDABLE) != last)
		return 0;
	if (mount(NULL, "/", NULL, flag, NULL) < 0)
		return kerr_errno(err, errno, "rootfsPropagation %s", prop);
	return 0;
}

int rootfs_finalize(const struct rootfs_opts *o, struct kerr *err)
{
	const struct spec *s = o->spec;
	_cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (rootfd < 0)
		return kerr_errno(err, errno, "open /");
	if (s->has_linux) {
		if (readonly_paths_apply(rootfd, &s->linux_.readonly_paths, err) < 0)
			return -1;
		if (masked_paths_apply(rootfd, &s->linux_.masked_paths, err) < 0)
			return -1;
	}
	if (dev_wants_ro(s)) {
		_cleanup_close_ int dev = pathres_open(rootfd, "/dev", O_DIRECTORY, 0, err);

		if (dev < 0 || mntfd_setattr(dev, false, MOUNT_ATTR_RDONLY, 0, -1, err) < 0)
			return kerr_wrap(err, "read-only /dev");
	}
	if (s->root.readonly && mntfd_setattr(rootfd, false, MOUNT_ATTR_RDONLY, 0, -1, err) < 0)
		return kerr_wrap(err, "root.readonly");
	return root_propagation(o, true, err);
}

int rootfs_pivot(const struct rootfs_opts *o, struct kerr *err)
{
	if (o->shared_mntns) {
		if (root_chroot(o->rootfs, err) < 0)
			return -1;
		return 0;
	}
	if ((o->no_pivot ? root_move(o->rootfs, err) : root_pivot(o->rootfs, err)) < 0)
		return -1;
	/*
	 * Only now: set before the pivot, a shared propagation would reach the
	 * host through the rootfs bind's peers.  Unbindable waits for the end
	 * of rootfs_finalize: the read-only and masked paths are binds.
	 */
	return root_propagation(o, false, err);
}

uint64_t rootfs_mount_id(const char *rootfs)
{
	struct statx stx;

	if (statx(AT_FDCWD, rootfs, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return 0;
	return stx.stx_mnt_id;
}

int rootfs_detach(const char *rootfs)
{
	/*
	 * Our bind of the rootfs onto itself is the top mount there; the
	 * container's mounts are below it and go with it.  Exactly one layer:
	 * under it may be the engine's own mount (an overlay), not ours.
	 */
	return umount2(rootfs, MNT_DETACH | UMOUNT_NOFOLLOW);
}
