/* SPDX-License-Identifier: Apache-2.0 */
/* Opening files under /proc that must really be procfs (CVE-2019-16884). */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "process_internal.h"
#include "util/util.h"

static int fd_is_procfs(int fd)
{
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0)
		return -1;
	return sfs.f_type == PROC_SUPER_MAGIC ? 1 : 0;
}

int proc_open_file(const char *relpath, int flags, struct kerr *err)
{
	struct open_how how;
	_cleanup_close_ int procfd = -1;
	_cleanup_close_ int fd = -1;
	int r;

	procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return kerr_errno(err, errno, "open /proc");
	r = fd_is_procfs(procfd);
	if (r < 0)
		return kerr_errno(err, errno, "fstatfs /proc");
	if (r == 0)
		return kerr_set(err, "/proc is not procfs");

	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW);
	/* NO_XDEV: a bind mount over /proc/sys/... must not catch the write */
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
	fd = (int)syscall(SYS_openat2, procfd, relpath, &how, sizeof(how));
	if (fd < 0)
		return kerr_errno(err, errno, "open /proc/%s", relpath);
	r = fd_is_procfs(fd);
	if (r < 0)
		return kerr_errno(err, errno, "fstatfs /proc/%s", relpath);
	if (r == 0)
		return kerr_set(err, "/proc/%s is not on procfs", relpath);
	return take_fd(&fd);
}

int proc_write_file(const char *relpath, const char *value, struct kerr *err)
{
	_cleanup_close_ int fd = proc_open_file(relpath, O_WRONLY, err);

	if (fd < 0)
		return -1;
	if (util_write_all(fd, value, strlen(value)) < 0)
		return kerr_errno(err, errno, "write /proc/%s", relpath);
	return 0;
}
