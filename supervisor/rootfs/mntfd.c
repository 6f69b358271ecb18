/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mounts made through file descriptors: the target is an fd resolved
 * inside the rootfs (never a path the container could swap), the source a
 * detached tree from open_tree(), flags changed on the mount the fd holds.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bootstrap/fdpass.h"
#include "rootfs_internal.h"
#include "util/util.h"

const char *mntfd_path(int fd, char buf[static 32])
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

int mntfd_clone(int dfd, const char *path, bool recursive, struct kerr *err)
{
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
	int fd;

	if (recursive)
		flags |= AT_RECURSIVE;
	if (path[0] == '\0')
		flags |= AT_EMPTY_PATH;
	fd = open_tree(dfd, path, flags);
	if (fd < 0)
		return kerr_errno(err, errno, "open_tree %s", path[0] ? path : "(fd)");
	return fd;
}

int mntfd_attach(int treefd, int targetfd, struct kerr *err)
{
	if (move_mount(treefd, "", targetfd, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return kerr_errno(err, errno, "move_mount");
	return 0;
}

/* statvfs f_flag bits have the values of their MS_* twins */
#define LOCKABLE_FLAGS                                                              \
	(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | \
	 MS_RELATIME)

int mntfd_remount_bind(int fd, unsigned long flags, struct kerr *err)
{
	char p[32];
	struct statvfs sv;
	unsigned long locked;

	flags &= ~(unsigned long)(MS_REC | MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE);
	if (mount(NULL, mntfd_path(fd, p), NULL, MS_BIND | MS_REMOUNT | flags, NULL) == 0)
		return 0;
	if (errno != EPERM)
		return kerr_errno(err, errno, "remount");
	/*
	 * In a user namespace the kernel locks the flags the source had
	 * (nosuid, ro, ...): a remount must keep them or it is refused.
	 */
	if (fstatvfs(fd, &sv) < 0)
		return kerr_errno(err, errno, "statvfs");
	locked = sv.f_flag & LOCKABLE_FLAGS;
	if (flags & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME))
		locked &= ~(unsigned long)(MS_NOATIME | MS_RELATIME);
	if (mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | flags | locked, NULL) < 0)
		return kerr_errno(err, errno, "remount");
	return 0;
}

int mntfd_set_propagation(int fd, const struct mount_opts *mo, struct kerr *err)
{
	char p[32];

	for (size_t i = 0; i < mo->n_propagation; i++)
		if (mount(NULL, mntfd_path(fd, p), NULL, mo->propagation[i], NULL) < 0)
			return kerr_errno(err, errno, "set propagation");
	return 0;
}

uint64_t mntfd_attr_from_ms(unsigned long ms)
{
	return ((ms & MS_RDONLY) ? MOUNT_ATTR_RDONLY : 0) |
	       ((ms & MS_NOSUID) ? MOUNT_ATTR_NOSUID : 0) |
	       ((ms & MS_NODEV) ? MOUNT_ATTR_NODEV : 0) |
	       ((ms & MS_NOEXEC) ? MOUNT_ATTR_NOEXEC : 0);
}

int mntfd_setattr(int fd, bool recursive, uint64_t set, uint64_t clr, int userns_fd,
		  struct kerr *err)
{
	struct mount_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.attr_set = set;
	attr.attr_clr = clr;
	if (userns_fd >= 0)
		attr.userns_fd = (uint64_t)userns_fd;
	if (mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr,
			  sizeof(attr)) < 0)
		return kerr_errno(err, errno, "mount_setattr");
	return 0;
}

/* ---- idmapped mounts: a user namespace carrying the mount's maps ---- */

static int idmap_write(int procdirfd, const char *file, const struct spec_idmap *v,
		       size_t n, struct kerr *err)
{
	char buf[4096];
	size_t len = 0;
	_cleanup_close_ int fd = -1;

	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n",
				 v[i].container_id, v[i].host_id, v[i].size);
		if (w < 0 || (size_t)w >= sizeof(buf) - len)
			return kerr_set(err, "%s: too many mappings", file);
		len += (size_t)w;
	}
	fd = openat(procdirfd, file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return kerr_errno(err, errno, "open %s", file);
	if (write(fd, buf, len) != (ssize_t)len)
		return kerr_errno(err, errno, "write %s", file);
	return 0;
}

/*
 * The child sends its /proc/self: this process may be in a new pid
 * namespace while /proc is still the host's, where its pid means nothing.
 */
static void userns_child(int sock)
{
	char c = 0;
	int dfd;

	if (unshare(CLONE_NEWUSER) < 0)
		_exit(1);
	dfd = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fdpass_send(sock, &c, 1, dfd) < 0)
		_exit(1);
	/* hold the namespace until the parent has its fd and closes the socket */
	while (read(sock, &c, 1) > 0)
		;
	_exit(0);
}

static int recv_fd(int sock)
{
	char c;
	int fd;
	ssize_t n = fdpass_recv(sock, &c, 1, &fd);

	if (n == 0)
		errno = EPERM; /* the child exited: it could not unshare(CLONE_NEWUSER) */
	if (n <= 0)
		return -1;
	if (fd < 0)
		return errno = EPROTO, -1;
	return fd;
}

int mntfd_userns(const struct spec_mount *m, struct kerr *err)
{
	int sv[2];
	_cleanup_close_ int sock = -1;
	_cleanup_close_ int procdir = -1;
	int nsfd = -1, status;
	pid_t pid;

	if (m->n_uid_mappings == 0 || m->n_gid_mappings == 0)
		return kerr_set(err, "idmap: uidMappings and gidMappings are required");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return kerr_errno(err, errno, "idmap: socketpair");
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return kerr_errno(err, errno, "idmap: fork");
	}
	if (pid == 0) {
		close(sv[0]);
		userns_child(sv[1]);
	}
	close(sv[1]);
	sock = sv[0];
	procdir = recv_fd(sock);
	if (procdir < 0) {
		kerr_errno(err, errno, "idmap: new user namespace");
		goto out;
	}
	if (idmap_write(procdir, "uid_map", m->uid_mappings, m->n_uid_mappings, err) < 0 ||
	    idmap_write(procdir, "gid_map", m->gid_mappings, m->n_gid_mappings, err) < 0) {
		kerr_wrap(err, "idmap");
		goto out;
	}
	nsfd = openat(procdir, "ns/user", O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		kerr_errno(err, errno, "idmap: open ns/user");
out:
	close(take_fd(&sock));
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return nsfd;
}

/* ---- tmpcopyup ---- */

static int copy_data(int src, int dst)
{
	for (;;) {
		ssize_t n = sendfile(dst, src, NULL, 1 << 20);

		if (n == 0)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
	}
}

static int copy_entry(int srcdir, int dstdir, const char *name, const struct stat *st,
		      int depth, struct kerr *err);

static int copy_dir(int srcdir, int dstdir, int depth, struct kerr *err)
{
	DIR *d;
	struct dirent *de;
	int fd, ret = 0;

	if (depth > 128)
		return kerr_errno(err, ELOOP, "copy");
	fd = openat(srcdir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return kerr_errno(err, errno, "open");
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return kerr_errno(err, errno, "opendir");
	}
	while ((errno = 0, de = readdir(d))) {
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(srcdir, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			ret = kerr_errno(err, errno, "stat %s", de->d_name);
			break;
		}
		if (copy_entry(srcdir, dstdir, de->d_name, &st, depth, err) < 0) {
			ret = -1;
			break;
		}
	}
	if (ret == 0 && errno)
		ret = kerr_errno(err, errno, "readdir");
	closedir(d);
	return ret;
}

static int copy_entry(int srcdir, int dstdir, const char *name, const struct stat *st,
		      int depth, struct kerr *err)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	mode_t perm = st->st_mode & 07777;

	switch (st->st_mode & S_IFMT) {
	case S_IFDIR: {
		_cleanup_close_ int s = -1, d = -1;

		if (mkdirat(dstdir, name, 0700) < 0 && errno != EEXIST)
			return kerr_errno(err, errno, "mkdir %s", name);
		s = openat(srcdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		d = openat(dstdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (s < 0 || d < 0)
			return kerr_errno(err, errno, "open %s", name);
		if (copy_dir(s, d, depth + 1, err) < 0)
			return kerr_wrap(err, "%s", name);
		break;
	}
	case S_IFREG: {
		_cleanup_close_ int s = -1, d = -1;

		s = openat(srcdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (s < 0)
			return kerr_errno(err, errno, "open %s", name);
		d = openat(dstdir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			   0600);
		if (d < 0)
			return kerr_errno(err, errno, "create %s", name);
		if (copy_data(s, d) < 0)
			return kerr_errno(err, errno, "copy %s", name);
		break;
	}
	case S_IFLNK: {
		char target[PATH_MAX];
		ssize_t n = readlinkat(srcdir, name, target, sizeof(target) - 1);

		if (n < 0)
			return kerr_errno(err, errno, "readlink %s", name);
		target[n] = '\0';
		if (symlinkat(target, dstdir, name) < 0)
			return kerr_errno(err, errno, "symlink %s", name);
		if (fchownat(dstdir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
			return kerr_errno(err, errno, "chown %s", name);
		return 0;
	}
	default:
		if (mknodat(dstdir, name, st->st_mode, st->st_rdev) < 0)
			return kerr_errno(err, errno, "mknod %s", name);
		break;
	}
	if (fchownat(dstdir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(dstdir, name, perm, 0) < 0 ||
	    utimensat(dstdir, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return kerr_errno(err, errno, "set attributes of %s", name);
	return 0;
}

int mntfd_copy_tree(int srcdirfd, int dstdirfd, struct kerr *err)
{
	if (copy_dir(srcdirfd, dstdirfd, 0, err) < 0)
		return kerr_wrap(err, "tmpcopyup");
	return 0;
}
