/* SPDX-License-Identifier: Apache-2.0 */
/* The mount option table: flags, clears, propagation, recursive attrs, data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <seccomp.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process/process_internal.h"
#include "rootfs/rootfs_internal.h"
#include "util/util.h"

static int parse(struct mount_opts *mo, const char *csv)
{
	char *copy = strdup(csv), *save = NULL;
	char *v[64];
	struct spec_strv sv = { v, 0 };
	struct kerr err = { 0 };
	int r;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		v[sv.n++] = t;
	r = mountopts_parse(&sv, mo, &err);
	free(copy);
	return r;
}

static void test_every_name_found(void **state)
{
	static const char *const names[] = {
		"async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec",
		"idmap", "iversion", "lazytime", "loud", "mand", "noatime", "nodev",
		"nodiratime", "noexec", "noiversion", "nolazytime", "nomand", "norelatime",
		"nostrictatime", "nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev",
		"rdiratime", "relatime", "remount", "rexec", "ridmap", "rnoatime", "rnodev",
		"rnodiratime", "rnoexec", "rnorelatime", "rnostrictatime", "rnosuid",
		"rnosymfollow", "ro", "rprivate", "rrelatime", "rro", "rrw", "rshared",
		"rslave", "rstrictatime", "rsuid", "rsymfollow", "runbindable", "rw", "shared",
		"silent", "slave", "strictatime", "suid", "symfollow", "sync", "tmpcopyup",
		"unbindable",
	};

	(void)state;
	/* bsearch finds each only if the table is sorted */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct mountopt *e = mountopt_lookup(names[i]);

		assert_non_null(e);
		assert_string_equal(e->name, names[i]);
	}
	assert_null(mountopt_lookup("size=64k"));
	assert_null(mountopt_lookup("rro2"));
	assert_null(mountopt_lookup(""));
}

static void test_flags_set_and_clear(void **state)
{
	struct mount_opts mo;

	(void)state;
	assert_int_equal(parse(&mo, "nosuid,nodev,noexec,ro,strictatime"), 0);
	assert_int_equal(mo.flags,
			 MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY | MS_STRICTATIME);
	assert_int_equal(mo.cleared, 0);
	assert_null(mo.data);
	mountopts_free(&mo);

	/* the last word wins, and a clear is remembered */
	assert_int_equal(parse(&mo, "ro,nosuid,rw,suid,sync,async"), 0);
	assert_int_equal(mo.flags, 0);
	assert_int_equal(mo.cleared, MS_RDONLY | MS_NOSUID | MS_SYNCHRONOUS);
	mountopts_free(&mo);

	assert_int_equal(parse(&mo, "rw,ro"), 0);
	assert_int_equal(mo.flags, MS_RDONLY);
	assert_int_equal(mo.cleared, 0);
	mountopts_free(&mo);

	assert_int_equal(parse(&mo, "rbind,remount,mand,dirsync,noatime,nodiratime"), 0);
	assert_int_equal(mo.flags, MS_BIND | MS_REC | MS_REMOUNT | MS_MANDLOCK | MS_DIRSYNC |
					   MS_NOATIME | MS_NODIRATIME);
	mountopts_free(&mo);
}

static void test_propagation_in_order(void **state)
{
	struct mount_opts mo;

	(void)state;
	assert_int_equal(parse(&mo, "bind,rprivate,shared,rslave,unbindable"), 0);
	assert_int_equal(mo.flags, MS_BIND);
	assert_int_equal(mo.n_propagation, 4);
	assert_int_equal(mo.propagation[0], MS_PRIVATE | MS_REC);
	assert_int_equal(mo.propagation[1], MS_SHARED);
	assert_int_equal(mo.propagation[2], MS_SLAVE | MS_REC);
	assert_int_equal(mo.propagation[3], MS_UNBINDABLE);
	mountopts_free(&mo);

	assert_int_equal(parse(&mo, "private,private,private,private,private,private,"
				     "private,private,private"),
			 -1);
}

static void test_recursive_attrs(void **state)
{
	struct mount_opts mo;

	(void)state;
	assert_int_equal(parse(&mo, "rbind,rro,rnosuid,rnodev,rnoexec,rnosymfollow"), 0);
	assert_int_equal(mo.rec_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					     MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSYMFOLLOW);
	assert_int_equal(mo.rec_clr, 0);
	/* recursive options never touch the plain mount(2) flags */
	assert_int_equal(mo.flags, MS_BIND | MS_REC);
	mountopts_free(&mo);

	assert_int_equal(parse(&mo, "rro,rrw,rsuid,rexec,rdev,rsymfollow,rdiratime"), 0);
	assert_int_equal(mo.rec_set, 0);
	assert_int_equal(mo.rec_clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC |
					     MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSYMFOLLOW |
					     MOUNT_ATTR_NODIRATIME);
	mountopts_free(&mo);

	/* atime is one field: setting a mode clears the field, last one wins */
	assert_int_equal(parse(&mo, "rnoatime,rstrictatime"), 0);
	assert_int_equal(mo.rec_set, MOUNT_ATTR_STRICTATIME);
	assert_int_equal(mo.rec_clr, MOUNT_ATTR__ATIME);
	mountopts_free(&mo);

	assert_int_equal(parse(&mo, "rnoatime,ratime"), 0);
	assert_int_equal(mo.rec_set, 0);
	assert_int_equal(mo.rec_clr, MOUNT_ATTR__ATIME);
	mountopts_free(&mo);
}

static void test_special_and_data(void **state)
{
	struct mount_opts mo;

	(void)state;
	assert_int_equal(parse(&mo, "nosuid,mode=755,tmpcopyup,size=65536k,newinstance"), 0);
	assert_true(mo.tmpcopyup);
	assert_false(mo.idmap);
	assert_int_equal(mo.flags, MS_NOSUID);
	assert_non_null(mo.data);
	assert_string_equal(mo.data, "mode=755,size=65536k,newinstance");
	mountopts_free(&mo);
	assert_null(mo.data);

	assert_int_equal(parse(&mo, "bind,idmap"), 0);
	assert_true(mo.idmap);
	assert_false(mo.ridmap);
	mountopts_free(&mo);
	assert_int_equal(parse(&mo, "rbind,ridmap"), 0);
	assert_true(mo.ridmap);
	assert_false(mo.idmap);
	mountopts_free(&mo);
}

static void test_path_clean(void **state)
{
	static const char *const cases[][2] = {
		{ "/", "/" },           { "", "/" },           { "a/b", "/a/b" },
		{ "//a//b/", "/a/b" },  { "/a/./b/.", "/a/b" }, { "/a/../b", "/b" },
		{ "/../../etc", "/etc" }, { "/a/b/../../..", "/" }, { "/dev/../proc", "/proc" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *c = pathres_clean(cases[i][0]);

		assert_non_null(c);
		assert_string_equal(c, cases[i][1]);
		free(c);
	}
}

/* Symlinks pointing out of the root resolve inside it, for lookup and mkdir. */
static void test_resolve_stays_in_root(void **state)
{
	char dir[] = "/tmp/kura-test-pathres-XXXXXX";
	char p[256];
	struct kerr err = { 0 };
	struct stat st;
	int root, fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/root", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/outside", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	/* root/escape -> ../outside and root/abs -> /tmp: both must stay in root */
	snprintf(p, sizeof(p), "%s/root/escape", dir);
	assert_int_equal(symlink("../outside", p), 0);
	snprintf(p, sizeof(p), "%s/root/abs", dir);
	assert_int_equal(symlink("/tmp", p), 0);
	snprintf(p, sizeof(p), "%s/root", dir);
	root = open(p, O_PATH | O_DIRECTORY);
	assert_true(root >= 0);

	fd = pathres_mkdir_all(root, "/escape/made", 0755, 0, &err);
	assert_true(fd >= 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/outside/made", dir);
	assert_int_equal(stat(p, &st), -1);
	snprintf(p, sizeof(p), "%s/root/outside/made", dir);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));

	/* the name is unique: dir's random suffix */
	snprintf(p, sizeof(p), "/abs/%s.f", strrchr(dir, '/') + 1);
	fd = pathres_create_file(root, p, 0644, &err);
	assert_true(fd >= 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/root/tmp/%s.f", dir, strrchr(dir, '/') + 1);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	snprintf(p, sizeof(p), "/tmp/%s.f", strrchr(dir, '/') + 1);
	assert_int_equal(stat(p, &st), -1);

	fd = pathres_open(root, "/escape", O_DIRECTORY, PATHRES_NO_SYMLINKS, &err);
	assert_int_equal(fd, -1);
	assert_int_equal(err.errnum, ELOOP);
	fd = pathres_open(root, "/nope/x", 0, 0, &err);
	assert_int_equal(fd, -1);
	assert_int_equal(err.errnum, ENOENT);
	/* the root itself (fuzz_pathres: openat2 took "" as ENOENT) */
	fd = pathres_open(root, "/", O_DIRECTORY, 0, &err);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	{
		struct stat rs;

		assert_int_equal(fstat(root, &rs), 0);
		assert_true(st.st_ino == rs.st_ino && st.st_dev == rs.st_dev);
	}
	close(fd);

	close(root);
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	assert_int_equal(system(p), 0);
}

/*
 * The user-space walk, as used where openat2 is refused: a seccomp filter
 * makes openat2 fail with ENOSYS in a child, which checks the same rules.
 */
static void test_resolve_fallback_walk(void **state)
{
	char dir[] = "/tmp/kura-test-walk-XXXXXX";
	char p[256];
	pid_t pid;
	int status;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/root/a/b", dir);
	assert_int_equal(util_mkdir_p(p, 0755, NULL), 0);
	snprintf(p, sizeof(p), "%s/root/a/up", dir);
	assert_int_equal(symlink("../../../..", p), 0); /* climbs past the root */
	snprintf(p, sizeof(p), "%s/root/a/loop", dir);
	assert_int_equal(symlink("loop", p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
		struct kerr err = { 0 };
		struct stat st1, st2;
		int root, fd;

		if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
					     seccomp_syscall_resolve_name("openat2"), 0) < 0 ||
		    seccomp_load(ctx) < 0)
			_exit(10);
		snprintf(p, sizeof(p), "%s/root", dir);
		root = open(p, O_PATH | O_DIRECTORY);
		/* /a/up/a/b: ".." stops at the root, so it is /a/b again */
		fd = pathres_open(root, "/a/up/a/b", O_DIRECTORY, 0, &err);
		if (fd < 0)
			_exit(11);
		snprintf(p, sizeof(p), "%s/root/a/b", dir);
		if (fstat(fd, &st1) < 0 || stat(p, &st2) < 0 || st1.st_ino != st2.st_ino)
			_exit(12);
		close(fd);
		if (pathres_open(root, "/a/loop", 0, 0, &err) >= 0 || err.errnum != ELOOP)
			_exit(13);
		if (pathres_open(root, "/a/up", 0, PATHRES_NO_SYMLINKS, &err) >= 0 ||
		    err.errnum != ELOOP)
			_exit(14);
		if (pathres_open(root, "/a/missing", 0, 0, &err) >= 0 || err.errnum != ENOENT)
			_exit(15);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	assert_int_equal(system(p), 0);
}

/*
 * A dangling symlink as the last component: the file (or directory) is made
 * where it points, inside the root, as runc and crun do; with openat2 and
 * with the walk alone (a child whose seccomp filter refuses openat2).
 */
/* 0, or the line of the first check that failed (usable in a forked child) */
#define DCHECK(c) do { if (!(c)) return __LINE__; } while (0)
static int check_dangling(const char *dir, int root)
{
	char p[256];
	struct kerr err = { 0 };
	struct stat st;
	int fd;

	fd = pathres_create_file(root, "/flink", 0640, &err);
	DCHECK(fd >= 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/root/data/f", dir);
	DCHECK(stat(p, &st) == 0);
	DCHECK(S_ISREG(st.st_mode));
	DCHECK((st.st_mode & 07777) == 0640);
	fd = pathres_create_file(root, "/rellink", 0644, &err);
	DCHECK(fd >= 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/root/data/rel", dir);
	DCHECK(stat(p, &st) == 0);
	DCHECK(S_ISREG(st.st_mode));
	/* out of the root: made inside it, under the same name */
	fd = pathres_create_file(root, "/out", 0644, &err);
	DCHECK(fd >= 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/root%s/outside/f", dir, dir);
	DCHECK(stat(p, &st) == 0);
	snprintf(p, sizeof(p), "%s/outside", dir);
	DCHECK(stat(p, &st) == -1);
	fd = pathres_mkdir_all(root, "/dlink", 0755, 0, &err);
	DCHECK(fd >= 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/root/data/d", dir);
	DCHECK(stat(p, &st) == 0);
	DCHECK(S_ISDIR(st.st_mode));
	/* what is there is used, never replaced */
	fd = pathres_create_file(root, "/flink", 0600, &err);
	DCHECK(fd >= 0);
	DCHECK(fstat(fd, &st) == 0);
	DCHECK((st.st_mode & 07777) == 0640);
	close(fd);
	return 0;
}
#undef DCHECK

static int dangling_setup(char *dir)
{
	char p[256];

	if (!mkdtemp(dir))
		return -1;
	snprintf(p, sizeof(p), "%s/root/data", dir);
	if (util_mkdir_p(p, 0755, NULL) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/root/flink", dir);
	if (symlink("/data/f", p) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/root/rellink", dir);
	if (symlink("./data/../data/rel", p) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/root/dlink", dir);
	if (symlink("data/d", p) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/root/out", dir);
	snprintf(p + 200, 56, "%s/outside/f", dir);
	if (symlink(p + 200, p) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/root", dir);
	return open(p, O_PATH | O_DIRECTORY);
}

static void test_create_through_dangling_links(void **state)
{
	char dir[] = "/tmp/kura-test-dangle-XXXXXX";
	char dir2[] = "/tmp/kura-test-dangle-XXXXXX";
	char p[256];
	mode_t old = umask(0);
	pid_t pid;
	int status, root;

	(void)state;
	root = dangling_setup(dir);
	assert_true(root >= 0);
	assert_int_equal(check_dangling(dir, root), 0);
	close(root);
	root = dangling_setup(dir2);
	assert_true(root >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

		if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
					     seccomp_syscall_resolve_name("openat2"), 0) < 0 ||
		    seccomp_load(ctx) < 0)
			_exit(10);
		status = check_dangling(dir2, root);
		_exit(status ? 100 + status % 100 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(root);
	umask(old);
	snprintf(p, sizeof(p), "rm -rf %s %s", dir, dir2);
	assert_int_equal(system(p), 0);
}

/*
 * proc_open_file (process/procfs.c, what the init half writes sysctls,
 * oom_score_adj and LSM attributes through): a real procfs file opens; a
 * path climbing out of /proc, a magic link, or a filesystem mounted over
 * part of /proc is refused (CVE-2019-16884, CVE-2025-52881).  The
 * over-mount is made in a child's own mount ns.
 */
static void test_open_proc_file(void **state)
{
	struct kerr err = { 0 };
	pid_t pid;
	int fd, status;

	(void)state;
	fd = proc_open_file("self/status", O_RDONLY, &err);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(proc_open_file("../etc/passwd", O_RDONLY, &err), -1);
	assert_int_equal(proc_open_file("/etc/passwd", O_RDONLY, &err), -1);
	assert_int_equal(proc_open_file("self/fd/0", O_RDONLY, &err), -1);
	if (geteuid() != 0)
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("tmpfs", "/proc/fs", "tmpfs", 0, NULL) < 0)
			_exit(10);
		fd = open("/proc/fs/fake", O_CREAT | O_WRONLY, 0644);
		if (fd < 0)
			_exit(11);
		close(fd);
		if (proc_open_file("fs/fake", O_WRONLY, &err) >= 0)
			_exit(12);
		if (!strstr(err.msg, "/proc/fs/fake"))
			_exit(13);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_name_found),
		cmocka_unit_test(test_flags_set_and_clear),
		cmocka_unit_test(test_propagation_in_order),
		cmocka_unit_test(test_recursive_attrs),
		cmocka_unit_test(test_special_and_data),
		cmocka_unit_test(test_path_clean),
		cmocka_unit_test(test_resolve_stays_in_root),
		cmocka_unit_test(test_resolve_fallback_walk),
		cmocka_unit_test(test_create_through_dangling_links),
		cmocka_unit_test(test_open_proc_file),
	};

	return cmocka_run_group_tests_name("mountopts", tests, NULL, NULL);
}
