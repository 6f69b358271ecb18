/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Files under /proc that kura writes after pivot_root (apparmor, oom,
 * sysctl): the container could have put another filesystem there, so the
 * opened file must be on procfs (CVE-2019-16884).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs.h"
#include "util.h"

static int fd_on_procfs(int fd)
{
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0)
		return -1;
	return sfs.f_type == PROC_SUPER_MAGIC;
}

int rootfs_open_proc_file(const char *path, int flags, struct kerr *err)
{
	_cleanup_close_ int procfd = -1;
	_cleanup_close_ int fd = -1;
	struct open_how how;
	const char *rel;
	int r;

	if (strncmp(path, "/proc/", 6) != 0 || !path[6])
		return kerr_set(err, "%s: not a path under /proc", path);
	rel = path + 6;
	procfd = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (procfd < 0)
		return kerr_errno(err, errno, "open /proc");
	r = fd_on_procfs(procfd);
	if (r < 0)
		return kerr_errno(err, errno, "statfs /proc");
	if (!r)
		return kerr_set(err, "open %s: /proc is not procfs", path);
	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW);
	/* /proc/self is a plain symlink and stays allowed; fd/N magic links not */
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	fd = (int)syscall(SYS_openat2, procfd, rel, &how, sizeof(how));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		fd = openat(procfd, rel, flags | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return kerr_errno(err, errno, "open %s", path);
	r = fd_on_procfs(fd);
	if (r < 0)
		return kerr_errno(err, errno, "statfs %s", path);
	if (!r)
		return kerr_set(err, "open %s: not on procfs", path);
	return take_fd(&fd);
}
