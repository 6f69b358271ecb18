/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /dev/console of a terminal container: the pty slave bound over it.  The
 * target is opened without following a symlink: a rootfs whose
 * /dev/console points elsewhere (/proc/sysrq-trigger...) would have the pty
 * bound there instead (CVE-2025-52565).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs_internal.h"
#include "util/util.h"

int rootfs_bind_console(const char *slave_path, struct kerr *err)
{
	_cleanup_close_ int rootfd = -1;
	_cleanup_close_ int dev = -1;
	_cleanup_close_ int slave = -1;
	_cleanup_close_ int target = -1;
	_cleanup_close_ int tree = -1;
	struct stat st;

	slave = open(slave_path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (slave < 0)
		return kerr_errno(err, errno, "/dev/console: open %s", slave_path);
	if (fstat(slave, &st) < 0 || !S_ISCHR(st.st_mode))
		return kerr_set(err, "/dev/console: %s is not a terminal device", slave_path);
	rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return kerr_errno(err, errno, "/dev/console: open /");
	dev = pathres_open(rootfd, "/dev", O_DIRECTORY, PATHRES_NO_SYMLINKS, err);
	if (dev < 0)
		return kerr_wrap(err, "/dev/console");
	target = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0 && errno == ENOENT) {
		int fd = openat(dev, "console",
				O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0600);

		if (fd < 0)
			return kerr_errno(err, errno, "/dev/console: create");
		close(fd);
		target = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	}
	if (target < 0)
		return kerr_errno(err, errno, "/dev/console: open");
	if (fstat(target, &st) < 0)
		return kerr_errno(err, errno, "/dev/console: stat");
	if (S_ISLNK(st.st_mode))
		return kerr_set(err, "/dev/console is a symlink: refusing to mount the terminal there");
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
		return kerr_set(err, "/dev/console is not a file or a character device");
	tree = mntfd_clone(slave, "", false, err);
	if (tree < 0 || mntfd_attach(tree, target, err) < 0)
		return kerr_wrap(err, "/dev/console");
	return 0;
}
