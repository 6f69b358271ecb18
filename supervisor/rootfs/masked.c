/* SPDX-License-Identifier: Apache-2.0 */
/*
 * maskedPaths and readonlyPaths, after pivot_root.  Each path is resolved
 * inside the root to an fd and the mount goes onto that fd, so a symlink or
 * a rename in the container cannot redirect it (CVE-2025-52881); a missing
 * path is no error.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "rootfs_internal.h"
#include "util/util.h"

/*
 * The container's /dev/null, but only if it really is the null device: a
 * rootfs could make it a symlink to /proc/sys/kernel/core_pattern or a
 * file, and binding that over a masked path would unmask or expose it
 * (CVE-2025-31133).
 */
static int devnull_open(int rootfd, struct kerr *err)
{
	_cleanup_close_ int fd = pathres_open(rootfd, "/dev/null", O_NOFOLLOW,
					      PATHRES_NO_SYMLINKS, err);
	struct stat st;

	if (fd < 0)
		return kerr_wrap(err, "/dev/null");
	if (fstat(fd, &st) < 0)
		return kerr_errno(err, errno, "stat /dev/null");
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
		return kerr_set(err, "/dev/null is not the null device (1:3)");
	return take_fd(&fd);
}

/* A read-only empty tmpfs, made detached and attached onto the fd. */
static int mask_dir(int target, struct kerr *err)
{
	_cleanup_close_ int fsfd = fsopen("tmpfs", FSOPEN_CLOEXEC);
	_cleanup_close_ int mnt = -1;

	if (fsfd < 0)
		return kerr_errno(err, errno, "fsopen tmpfs");
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return kerr_errno(err, errno, "fsconfig tmpfs");
	mnt = fsmount(fsfd, FSMOUNT_CLOEXEC,
		      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			      MOUNT_ATTR_NOEXEC);
	if (mnt < 0)
		return kerr_errno(err, errno, "fsmount tmpfs");
	return mntfd_attach(mnt, target, err);
}

int masked_paths_apply(int rootfd, const struct spec_strv *paths, struct kerr *err)
{
	_cleanup_close_ int devnull = -1;

	for (size_t i = 0; i < paths->n; i++) {
		_cleanup_close_ int fd = pathres_open(rootfd, paths->v[i], 0, 0, err);
		_cleanup_close_ int tree = -1;
		struct stat st;

		if (fd < 0 && err && err->errnum == ENOENT)
			continue;
		if (fd < 0)
			return kerr_wrap(err, "maskedPaths: %s", paths->v[i]);
		if (fstat(fd, &st) < 0)
			return kerr_errno(err, errno, "maskedPaths: stat %s", paths->v[i]);
		if (S_ISDIR(st.st_mode)) {
			if (mask_dir(fd, err) < 0)
				return kerr_wrap(err, "maskedPaths: %s", paths->v[i]);
			continue;
		}
		if (devnull < 0) {
			devnull = devnull_open(rootfd, err);
			if (devnull < 0)
				return kerr_wrap(err, "maskedPaths");
		}
		tree = mntfd_clone(devnull, "", false, err);
		if (tree < 0 || mntfd_attach(tree, fd, err) < 0)
			return kerr_wrap(err, "maskedPaths: %s", paths->v[i]);
	}
	return 0;
}

int readonly_paths_apply(int rootfd, const struct spec_strv *paths, struct kerr *err)
{
	for (size_t i = 0; i < paths->n; i++) {
		_cleanup_close_ int fd = pathres_open(rootfd, paths->v[i], 0, 0, err);
		_cleanup_close_ int tree = -1;

		if (fd < 0 && err && err->errnum == ENOENT)
			continue;
		if (fd < 0)
			return kerr_wrap(err, "readonlyPaths: %s", paths->v[i]);
		/*
		 * A clone of the tree there, read-only with its submounts before
		 * it is attached: no moment where it is visible writable.
		 */
		tree = mntfd_clone(fd, "", true, err);
		if (tree < 0 ||
		    mntfd_setattr(tree, true, MOUNT_ATTR_RDONLY, 0, -1, err) < 0 ||
		    mntfd_attach(tree, fd, err) < 0)
			return kerr_wrap(err, "readonlyPaths: %s", paths->v[i]);
	}
	return 0;
}
