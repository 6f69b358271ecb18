/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: paths inside a container's rootfs (mount destinations,
 * masked and read-only paths, device paths: config.json's, so a user's; and
 * the rootfs's own symlinks: a container's).  pathres_clean must give an
 * absolute clean path; pathres_open's user-space walk (the fallback when
 * openat2 is refused) must never leave the root, and must agree with the
 * kernel's RESOLVE_IN_ROOT on where a path leads.
 *
 * The root is a small tree made once under /tmp, full of hostile symlinks,
 * with a sibling directory "outside" it must never reach.  To make
 * pathres_open take its walk, a seccomp filter refuses openat2 with ENOSYS
 * on one fd number (WALK_FD), a dup of the root; the root's other fd gets
 * the kernel's answer.  The walk that makes directories (pathres_mkdir_all,
 * pathres_create_file) must make nothing outside the root either.
 * Input: one flags byte (1 O_NOFOLLOW, 2 O_DIRECTORY, 4 no symlinks,
 * 8 mkdir -p, 16 create a file), then the path.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/openat2.h>
#include <seccomp.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fuzz.h"
#include "rootfs/rootfs_internal.h"

#define WALK_FD 900

static char base[64], rootdir[128];
static int root_fd = -1;

static void mk(const char *rel, const char *link_target)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	if (!link_target) {
		if (mkdir(p, 0755) < 0)
			abort();
	} else if (!strcmp(link_target, "<file>")) {
		int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

		if (fd < 0)
			abort();
		close(fd);
	} else if (symlink(link_target, p) < 0) {
		abort();
	}
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	return remove(p);
}

static void cleanup(void)
{
	if (base[0])
		nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The tree (again): the mkdir walk adds to it, so it is remade every RESET runs. */
static void make_tree(void)
{
	char cmd[160];

	if (root_fd >= 0) {
		close(root_fd);
		snprintf(cmd, sizeof(cmd), "%s/root", base);
		nftw(cmd, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		snprintf(cmd, sizeof(cmd), "%s/outside", base);
		nftw(cmd, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	}
	mk("outside", NULL);
	mk("outside/secret", "<file>");
	mk("root", NULL);
	mk("root/a", NULL);
	mk("root/a/b", NULL);
	mk("root/a/b/c", NULL);
	mk("root/f", "<file>");
	mk("root/a/b/file", "<file>");
	mk("root/up", "..");
	mk("root/abs", "/");
	mk("root/escape", "../outside");
	mk("root/escape2", "../../../../outside/secret");
	mk("root/rootesc", "/../outside");
	mk("root/etc", "/etc");
	mk("root/loop", "loop");
	mk("root/loopa", "loopb");
	mk("root/loopb", "loopa");
	mk("root/self", ".");
	mk("root/a/b/back", "../../..");
	mk("root/a/b/back2", "../../../..");
	mk("root/a/rel", "b/c");
	mk("root/a/b/c/deep", "../../../../../../outside");
	mk("root/dangling", "nonexistent/x");
	mk("root/tofile", "f");
	mk("root/tofile2", "/a/b/file");
	mk("root/chain1", "chain2");
	mk("root/chain2", "a/rel");
	mk("root/slash", "/a/");
	mk("root/dotdir", "a/./b/../b/.");
	root_fd = open(rootdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0 || dup2(root_fd, WALK_FD) != WALK_FD)
		abort();
	{
		/* the root as the kernel names it (/tmp may be a symlink) */
		char link[64];
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", root_fd);
		n = readlink(link, rootdir, sizeof(rootdir) - 1);
		if (n <= 0)
			abort();
		rootdir[n] = '\0';
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	scmp_filter_ctx ctx;

	snprintf(base, sizeof(base), "/tmp/kura-fuzz-pathres.XXXXXX");
	if (!mkdtemp(base))
		abort();
	atexit(cleanup);
	snprintf(rootdir, sizeof(rootdir), "%s/root", base);
	make_tree();
	/* openat2 on WALK_FD: "no such syscall", as on an old kernel */
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx ||
	    seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(openat2), 1,
				   &(struct scmp_arg_cmp){ .arg = 0, .op = SCMP_CMP_EQ,
							   .datum_a = WALK_FD, .datum_b = 0 }) < 0 ||
	    seccomp_load(ctx) < 0)
		abort();
	seccomp_release(ctx);
	return 0;
}

/* where an O_PATH fd is: inside the root, or the test failed */
static void check_inside(int fd)
{
	char link[64], target[4096];
	ssize_t n;
	size_t rl = strlen(rootdir);

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	FUZZ_ASSERT(n > 0);
	target[n] = '\0';
	if (strncmp(target, rootdir, rl) != 0 || (target[rl] != '\0' && target[rl] != '/')) {
		fprintf(stderr, "fuzz: resolved outside the root: %s\n", target);
		abort();
	}
}

/* nothing was made beside the root, nor in "outside" */
static void check_nothing_outside(void)
{
	static const char *const want[][3] = { { "", "outside", "root" }, { "/outside", "secret", "" } };

	for (size_t i = 0; i < 2; i++) {
		char p[160];
		DIR *d;
		struct dirent *de;

		snprintf(p, sizeof(p), "%s%s", base, want[i][0]);
		d = opendir(p);
		FUZZ_ASSERT(d);
		while ((de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if (strcmp(de->d_name, want[i][1]) && strcmp(de->d_name, want[i][2])) {
				fprintf(stderr, "fuzz: made outside the root: %s/%s\n", p, de->d_name);
				abort();
			}
		}
		closedir(d);
	}
}

static void check_clean(const char *in, const char *out)
{
	size_t l = strlen(out);

	FUZZ_ASSERT(out[0] == '/');
	FUZZ_ASSERT(l <= strlen(in) + 1);
	FUZZ_ASSERT(!strstr(out, "//") && !strstr(out, "/./") && !strstr(out, "/../"));
	FUZZ_ASSERT(l == 1 || out[l - 1] != '/');
	FUZZ_ASSERT(!(l >= 2 && !strcmp(out + l - 2, "/.")));
	FUZZ_ASSERT(!(l >= 3 && !strcmp(out + l - 3, "/..")));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path, *clean, *again;
	int oflags = 0, kfd, wfd, kerrno;
	unsigned flags = 0;
	struct kerr err;
	struct stat ks, ws;

	if (size < 1 || size > 4096)
		return 0;
	if (data[0] & 1)
		oflags |= O_NOFOLLOW;
	if (data[0] & 2)
		oflags |= O_DIRECTORY;
	if (data[0] & 4)
		flags |= PATHRES_NO_SYMLINKS;
	path = fuzz_cstr(data + 1, size - 1);

	clean = pathres_clean(path);
	FUZZ_ASSERT(clean);
	check_clean(path, clean);
	again = pathres_clean(clean);
	FUZZ_ASSERT(again && !strcmp(again, clean)); /* a fixed point */
	free(again);
	free(clean);

	/* the kernel's answer (openat2 RESOLVE_IN_ROOT), then the walk's */
	kfd = pathres_open(root_fd, path, oflags, flags, &err);
	kerrno = kfd < 0 ? err.errnum : 0;
	wfd = pathres_open(WALK_FD, path, oflags, flags, &err);
	if (wfd >= 0) {
		check_inside(wfd);
		FUZZ_ASSERT(fstat(wfd, &ws) == 0);
	}
	if (kfd >= 0 && wfd >= 0) {
		FUZZ_ASSERT(fstat(kfd, &ks) == 0);
		if (ks.st_dev != ws.st_dev || ks.st_ino != ws.st_ino) {
			fprintf(stderr, "fuzz: the walk and openat2 disagree on \"%s\"\n", path);
			abort();
		}
	}
	if ((kfd >= 0) != (wfd >= 0)) {
		fprintf(stderr, "fuzz: \"%s\": openat2 %s (%d), the walk %s (%s)\n", path,
			kfd >= 0 ? "resolves" : "fails", kerrno, wfd >= 0 ? "resolves" : "fails",
			wfd >= 0 ? "" : err.msg);
		abort();
	}
	if (kfd >= 0)
		close(kfd);
	if (wfd >= 0)
		close(wfd);

	/* the walk that makes what is missing: mkdir -p, then a file */
	if (data[0] & 0x18) {
		static unsigned made;

		wfd = (data[0] & 8) ? pathres_mkdir_all(WALK_FD, path, 0755, flags, &err)
				    : pathres_create_file(WALK_FD, path, 0644, &err);
		if (wfd >= 0) {
			check_inside(wfd);
			close(wfd);
		}
		check_nothing_outside();
		if (++made % 512 == 0)
			make_tree();
	}
	free(path);
	return 0;
}
