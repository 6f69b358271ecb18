/* SPDX-License-Identifier: Apache-2.0 */
/* The sealed fd of kura the init half runs from (CVE-2019-5736, CVE-2016-9962). */
#include "spawn_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <elf.h>
#include <link.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/mount.h>

#include "util/util.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

/*
 * A read-only detached bind mount of our own binary: a container that
 * reopens /proc/<init>/exe for writing gets EROFS, and the init keeps
 * sharing the page cache of kura's file.  Measured per create on the test VM
 * (1000 runs): open_tree + mount_setattr 7 us; the close that dissolves the
 * mount waits for an RCU grace period, 20 us idle but 250-500 us under load.
 * A sealed memfd copy costs 27 us for 85 KiB, 75 us for kura stripped
 * (280 KiB) and 300 us for kura with debug info (1.2 MiB), plus that much
 * memory while the init half waits for `start`.  End to end (spawn_start to
 * the init's main, loaded VM, 200 runs) bind 10.6-10.8 ms, memfd 10.9-12.3.
 * The dissolve is not on the start's critical path: it happens when kura
 * closes this fd after the shim reported the init, or in the init's exec;
 * `run` of /bin/true with the seal against none (a test build that exec'd
 * /proc/self/exe itself) measured 15.27 vs 15.22 ms median (quiet 2-core
 * VM, kernel 6.18, 100 interleaved runs each).  Having the init exec a fresh
 * O_PATH fd, so that it never holds the last reference, measured 0.5 ms
 * slower (15.77): not done.
 */
static int seal_by_bind(struct kerr *err)
{
	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
	};
	_cleanup_close_ int fd = (int)syscall(SYS_open_tree, AT_FDCWD, "/proc/self/exe",
					      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (fd < 0)
		return kerr_errno(err, errno, "open_tree /proc/self/exe");
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return kerr_errno(err, errno, "mount_setattr read-only /proc/self/exe");
	return take_fd(&fd);
}

/*
 * How much of our file an exec needs: up to the end of the last loaded
 * segment.  What follows (debug info, the symbol and section tables: 1.3 of
 * kura's 2.9 MiB) no exec reads.
 */
static off_t seal_loaded_size(off_t file_size)
{
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
	size_t n = getauxval(AT_PHNUM);
	off_t end = 0;

	for (size_t i = 0; ph && i < n; i++)
		if (ph[i].p_type == PT_LOAD && (off_t)(ph[i].p_offset + ph[i].p_filesz) > end)
			end = (off_t)(ph[i].p_offset + ph[i].p_filesz);
	return end > 0 && end < file_size ? end : file_size;
}

/* Without CAP_SYS_ADMIN (rootless) there is no bind: copy into a sealed memfd. */
static int seal_by_memfd(struct kerr *err)
{
	_cleanup_close_ int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int fd = -1;
	struct stat st;
	off_t off = 0;

	if (src < 0 || fstat(src, &st) < 0)
		return kerr_errno(err, errno, "open /proc/self/exe");
	/*
	 * Only the loaded part: `run` of /bin/true in a user namespace (a 0111
	 * copy each) 16.83 -> 16.16 ms median (100 interleaved runs, quiet 2-core VM).
	 */
	st.st_size = seal_loaded_size(st.st_size);
	fd = memfd_create("kura", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL) /* kernels before 6.3 know no MFD_EXEC */
		fd = memfd_create("kura", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return kerr_errno(err, errno, "memfd_create");
	while (off < st.st_size) {
		ssize_t n = sendfile(fd, src, &off, (size_t)(st.st_size - off));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return kerr_errno(err, n < 0 ? errno : EIO, "copy /proc/self/exe to memfd");
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
		return kerr_errno(err, errno, "seal memfd");
	return take_fd(&fd);
}

/*
 * In a user namespace the init half must run from a file it cannot read.
 * kura-shim execs it after joining the container's user namespace, so the
 * new mm belongs to that namespace, and a container process with
 * CAP_SYS_PTRACE there (its own, by its config) could ptrace the init or
 * open its fds despite the init being non-dumpable.  An exec of a file the
 * process may run but not read makes the kernel tie the mm to the nearest
 * user namespace that owns the file (would_dump(): the host's, for a file of
 * the host's root, which is unmapped in the container) and keep it
 * non-dumpable.  A memfd can be 0111; kura's binary on disk is 0755.
 */
static int seal_unreadable(struct kerr *err)
{
	_cleanup_close_ int fd = seal_by_memfd(err);

	if (fd < 0)
		return -1;
	if (fchmod(fd, 0111) < 0)
		return kerr_errno(err, errno, "chmod 0111 sealed kura");
	return take_fd(&fd);
}

int spawn_seal_self(const struct spawn_req *req, struct kerr *err)
{
	struct kerr e1;
	int fd;

	if (req->spec && spec_find_ns(req->spec, SPEC_NS_USER) && geteuid() == 0)
		return seal_unreadable(err);
	fd = seal_by_bind(&e1);
	if (fd >= 0)
		return fd;
	fd = seal_by_memfd(err);
	if (fd < 0)
		return kerr_wrap(err, "seal kura (%s)", e1.msg);
	return fd;
}

