/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Paths inside the container's rootfs.  The rootfs is not trusted: a
 * symlink in it must never lead a mount, mkdir or mknod out of it
 * (CVE-2021-30465, CVE-2024-45310).  openat2(RESOLVE_IN_ROOT) does the
 * lookups; where the kernel refuses it (ENOSYS, or a seccomp profile of
 * the caller), and whenever missing directories must be made, a walk in
 * user space does the same one component at a time with O_NOFOLLOW,
 * substituting symlink targets as text so that ".." and absolute targets
 * stay inside the root.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs_internal.h"
#include "util/util.h"

#define PATHRES_MAX_LINKS 40
#define PATHRES_MAX_DEPTH 256

char *pathres_clean(const char *path)
{
	size_t len = strlen(path);
	char *out = malloc(len + 2);
	size_t o = 0;
	const char *p = path;

	if (!out)
		return NULL;
	while (*p) {
		const char *s;
		size_t n;

		while (*p == '/')
			p++;
		s = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - s);
		if (n == 0 || (n == 1 && s[0] == '.'))
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			continue;
		}
		out[o++] = '/';
		memcpy(out + o, s, n);
		o += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

static int openat2_in_root(int rootfd, const char *rel, int oflags, unsigned flags)
{
	struct open_how how;
	int fd;

	/* the root itself: openat2 takes "" as ENOENT, as openat does */
	if (!*rel)
		rel = ".";
	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(oflags | O_PATH | O_CLOEXEC);
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	if (flags & PATHRES_NO_SYMLINKS)
		how.resolve |= RESOLVE_NO_SYMLINKS;
	/* EAGAIN: a rename raced the lookup; the kernel asks for a retry */
	for (int i = 0; i < 16; i++) {
		fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	return fd;
}

/* ENOSYS: old kernel; EPERM: a seccomp filter of the caller's parent. */
static bool openat2_refused(int e)
{
	return e == ENOSYS || e == EPERM || e == E2BIG;
}

struct walk {
	int fds[PATHRES_MAX_DEPTH]; /* fds[0]: the root; fds[depth]: where we are */
	int depth;
};

static void walk_release(struct walk *w)
{
	for (int i = 0; i <= w->depth; i++)
		if (w->fds[i] >= 0)
			close(w->fds[i]);
	w->depth = -1;
}

/* Replace *rem by target + "/" + rest (what is left after the link). */
static int rem_substitute(char **rem, const char *target, const char *rest)
{
	size_t tl = strlen(target), rl = strlen(rest);
	char *n = malloc(tl + rl + 2);

	if (!n)
		return -1;
	memcpy(n, target, tl);
	n[tl] = '/';
	memcpy(n + tl + 1, rest, rl + 1);
	free(*rem);
	*rem = n;
	return 0;
}

/*
 * The walk: returns the O_PATH fd of path, making missing directories when
 * mkdir_mode is not 0, and a missing last component as an empty file when
 * file_mode is not 0 (also where a dangling symlink leads, as runc and crun
 * do).  The last component is not followed when nofollow.
 */
static int walk_path(int rootfd, const char *path, mode_t mkdir_mode, mode_t file_mode,
		     unsigned flags, bool nofollow, struct kerr *err)
{
	struct walk w = { .depth = 0 };
	_cleanup_free_ char *rem = strdup(path);
	int links = 0, ret = -1;
	size_t off = 0;

	if (!rem)
		return kerr_errno(err, ENOMEM, "%s", path);
	w.fds[0] = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	if (w.fds[0] < 0)
		return kerr_errno(err, errno, "dup root fd");
	for (;;) {
		char *comp, *p = rem + off;
		struct stat st;
		bool last;
		int fd;

		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		comp = p;
		while (*p && *p != '/')
			p++;
		off = (size_t)(p - rem);
		if (*p)
			*p = '\0', off++;
		last = true;
		for (const char *q = rem + off; *q; q++)
			if (*q != '/') {
				last = false;
				break;
			}
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			/* the root is its own parent, as in the kernel */
			if (w.depth > 0)
				close(w.fds[w.depth--]);
			continue;
		}
		fd = openat(w.fds[w.depth], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && last && file_mode) {
			/* O_EXCL|O_NOFOLLOW: never written through a symlink planted meanwhile */
			fd = openat(w.fds[w.depth], comp,
				    O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, file_mode);
			if (fd < 0 && errno != EEXIST) {
				kerr_errno(err, errno, "create %s", comp);
				goto out;
			}
			if (fd >= 0)
				close(fd);
			fd = openat(w.fds[w.depth], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		} else if (fd < 0 && errno == ENOENT && mkdir_mode) {
			/* made relative to the verified parent fd, then opened without following */
			if (mkdirat(w.fds[w.depth], comp, mkdir_mode) < 0 && errno != EEXIST) {
				kerr_errno(err, errno, "mkdir %s", comp);
				goto out;
			}
			fd = openat(w.fds[w.depth], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0) {
			kerr_errno(err, errno, "open %s", comp);
			goto out;
		}
		if (fstat(fd, &st) < 0) {
			kerr_errno(err, errno, "stat %s", comp);
			close(fd);
			goto out;
		}
		if (S_ISLNK(st.st_mode) && !(last && nofollow)) {
			char target[PATH_MAX];
			ssize_t n;

			if ((flags & PATHRES_NO_SYMLINKS) || ++links > PATHRES_MAX_LINKS) {
				kerr_errno(err, ELOOP, "%s", comp);
				close(fd);
				goto out;
			}
			n = readlinkat(fd, "", target, sizeof(target) - 1);
			close(fd);
			if (n < 0) {
				kerr_errno(err, errno, "readlink %s", comp);
				goto out;
			}
			target[n] = '\0';
			if (target[0] == '/')
				while (w.depth > 0)
					close(w.fds[w.depth--]);
			if (rem_substitute(&rem, target, rem + off) < 0) {
				kerr_errno(err, ENOMEM, "%s", path);
				goto out;
			}
			off = 0;
			continue;
		}
		if (!last && !S_ISDIR(st.st_mode)) {
			kerr_errno(err, ENOTDIR, "%s", comp);
			close(fd);
			goto out;
		}
		if (w.depth + 1 >= PATHRES_MAX_DEPTH) {
			kerr_errno(err, ENAMETOOLONG, "%s", path);
			close(fd);
			goto out;
		}
		w.fds[++w.depth] = fd;
	}
	ret = w.fds[w.depth];
	w.fds[w.depth] = -1;
out:
	walk_release(&w);
	return ret;
}

int pathres_open(int rootfd, const char *path, int oflags, unsigned flags,
		 struct kerr *err)
{
	_cleanup_free_ char *clean = pathres_clean(path);
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (!clean)
		return kerr_errno(err, ENOMEM, "%s", path);
	fd = openat2_in_root(rootfd, clean + 1, oflags, flags);
	if (fd >= 0)
		return take_fd(&fd);
	if (!openat2_refused(errno))
		return kerr_errno(err, errno, "openat2 %s", clean);
	fd = walk_path(rootfd, clean, 0, 0, flags, (oflags & O_NOFOLLOW) != 0, err);
	if (fd < 0)
		return kerr_wrap(err, "resolve %s", clean);
	if ((oflags & O_DIRECTORY) && (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)))
		return kerr_errno(err, ENOTDIR, "resolve %s", clean);
	return take_fd(&fd);
}

/*
 * The common miss: only the last component is missing (/dev/pts on a fresh
 * /dev).  Its parent resolved by openat2, the directory made there and
 * opened without following: 5 syscalls where the walk takes 11.  -1: not
 * that case (the walk decides); -2: *err set.
 */
static int mkdir_last(int rootfd, const char *clean, mode_t mode, unsigned flags,
		      struct kerr *err)
{
	const char *base = strrchr(clean, '/') + 1;
	_cleanup_free_ char *parent = strndup(clean, (size_t)(base - clean));
	_cleanup_close_ int dir = -1;

	if (!parent || !*base)
		return -1;
	dir = openat2_in_root(rootfd, parent + 1, O_DIRECTORY, flags);
	if (dir < 0)
		return -1;
	if (mkdirat(dir, base, mode) < 0 && errno != EEXIST)
		return kerr_errno(err, errno, "mkdir %s: mkdir %s", clean, base), -2;
	/* a symlink put there meanwhile fails O_DIRECTORY|O_NOFOLLOW: the walk takes it */
	return openat(dir, base, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int pathres_mkdir_all(int rootfd, const char *path, mode_t mode, unsigned flags,
		      struct kerr *err)
{
	_cleanup_free_ char *clean = pathres_clean(path);
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (!clean)
		return kerr_errno(err, ENOMEM, "%s", path);
	fd = openat2_in_root(rootfd, clean + 1, O_DIRECTORY, flags);
	if (fd >= 0)
		return take_fd(&fd);
	if (errno != ENOENT && !openat2_refused(errno))
		return kerr_errno(err, errno, "openat2 %s", clean);
	if (errno == ENOENT) {
		fd = mkdir_last(rootfd, clean, mode ? mode : 0755, flags, err);
		if (fd >= 0 || fd == -2)
			return fd >= 0 ? take_fd(&fd) : -1;
	}
	fd = walk_path(rootfd, clean, mode ? mode : 0755, 0, flags, false, err);
	if (fd < 0)
		return kerr_wrap(err, "mkdir %s", clean);
	if (fstat(fd, &st) < 0)
		return kerr_errno(err, errno, "stat %s", clean);
	if (!S_ISDIR(st.st_mode))
		return kerr_errno(err, ENOTDIR, "mkdir %s", clean);
	return take_fd(&fd);
}

int pathres_create_file(int rootfd, const char *path, mode_t mode, struct kerr *err)
{
	_cleanup_free_ char *clean = pathres_clean(path);
	_cleanup_close_ int fd = -1;

	if (!clean)
		return kerr_errno(err, ENOMEM, "%s", path);
	if (strcmp(clean, "/") == 0)
		return kerr_errno(err, EISDIR, "%s", clean);
	/* something is there: use it as the kernel would, but inside the root */
	fd = openat2_in_root(rootfd, clean + 1, 0, 0);
	if (fd >= 0)
		return take_fd(&fd);
	if (errno != ENOENT && !openat2_refused(errno))
		return kerr_errno(err, errno, "openat2 %s", clean);
	/*
	 * The walk makes the parents and the file; a dangling symlink on the
	 * way (the last component included) leads to where it points, inside
	 * the root, and that is made.
	 */
	fd = walk_path(rootfd, clean, 0755, mode ? mode : 0644, 0, false, err);
	if (fd < 0)
		return kerr_wrap(err, "create %s", clean);
	return take_fd(&fd);
}
