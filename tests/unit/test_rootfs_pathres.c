/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pathres_mkdir_all where only the last component is missing (the short
 * way: parent by openat2, mkdirat, open without following) must end where
 * the walk would: inside the root, through a dangling symlink too, and
 * never onto something that is not a directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/rootfs_internal.h"
#include "util/util.h"

struct tree {
	char dir[64];
	int root;
};

static void tree_make(struct tree *t)
{
	char p[256];

	snprintf(t->dir, sizeof(t->dir), "/tmp/kura-test-mkdirlast-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(p, sizeof(p), "%s/root/d", t->dir);
	assert_int_equal(util_mkdir_p(p, 0755, NULL), 0);
	snprintf(p, sizeof(p), "%s/outside", t->dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/root", t->dir);
	t->root = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(t->root >= 0);
}

static void tree_free(struct tree *t)
{
	char p[128];

	close(t->root);
	snprintf(p, sizeof(p), "rm -rf %s", t->dir);
	assert_int_equal(system(p), 0);
}

static void in_tree(const struct tree *t, const char *rel, char *p, size_t size)
{
	snprintf(p, size, "%s/%s", t->dir, rel);
}

static bool is_dir(const struct tree *t, const char *rel)
{
	char p[256];
	struct stat st;

	in_tree(t, rel, p, sizeof(p));
	return lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void test_last_component_made(void **state)
{
	struct tree t;
	struct kerr err = { 0 };
	struct stat st, want;
	char p[256];
	int fd;

	(void)state;
	tree_make(&t);
	/* right under the root, and one level down */
	fd = pathres_mkdir_all(t.root, "/top", 0711, 0, &err);
	assert_true(fd >= 0);
	close(fd);
	assert_true(is_dir(&t, "root/top"));
	fd = pathres_mkdir_all(t.root, "/d//new/", 0755, PATHRES_NO_SYMLINKS, &err);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	in_tree(&t, "root/d/new", p, sizeof(p));
	assert_int_equal(stat(p, &want), 0);
	assert_true(st.st_ino == want.st_ino && st.st_dev == want.st_dev);
	close(fd);
	/* made already: the same directory again */
	fd = pathres_mkdir_all(t.root, "/d/new", 0755, 0, &err);
	assert_true(fd >= 0);
	close(fd);
	tree_free(&t);
}

static void test_last_component_symlinks(void **state)
{
	struct tree t;
	struct kerr err = { 0 };
	char p[256];
	int fd;

	(void)state;
	tree_make(&t);
	/* a dangling link as the last component: its target is made, in the root */
	in_tree(&t, "root/d/dangling", p, sizeof(p));
	assert_int_equal(symlink("../../outside/made", p), 0);
	fd = pathres_mkdir_all(t.root, "/d/dangling", 0755, 0, &err);
	assert_true(fd >= 0);
	close(fd);
	assert_true(is_dir(&t, "root/outside/made"));
	assert_false(is_dir(&t, "outside/made"));
	/* refused when no symlink may be on the way */
	in_tree(&t, "root/d/dangling2", p, sizeof(p));
	assert_int_equal(symlink("/nowhere", p), 0);
	fd = pathres_mkdir_all(t.root, "/d/dangling2", 0755, PATHRES_NO_SYMLINKS, &err);
	assert_int_equal(fd, -1);
	assert_int_equal(err.errnum, ELOOP);
	/* a parent that is a symlink out of the root stays inside */
	in_tree(&t, "root/esc", p, sizeof(p));
	assert_int_equal(symlink("../outside", p), 0);
	fd = pathres_mkdir_all(t.root, "/esc/x", 0755, 0, &err);
	assert_true(fd >= 0);
	close(fd);
	assert_true(is_dir(&t, "root/outside/x"));
	assert_false(is_dir(&t, "outside/x"));
	/* a link to a file, or a file, is no directory */
	in_tree(&t, "root/d/file", p, sizeof(p));
	fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	close(fd);
	in_tree(&t, "root/d/flink", p, sizeof(p));
	assert_int_equal(symlink("file", p), 0);
	assert_int_equal(pathres_mkdir_all(t.root, "/d/flink", 0755, 0, &err), -1);
	assert_int_equal(err.errnum, ENOTDIR);
	assert_int_equal(pathres_mkdir_all(t.root, "/d/file", 0755, 0, &err), -1);
	assert_int_equal(err.errnum, ENOTDIR);
	tree_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_last_component_made),
		cmocka_unit_test(test_last_component_symlinks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
