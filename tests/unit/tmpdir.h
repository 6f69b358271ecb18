/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A scratch directory per test group, for the unit tests that point code at
 * a directory tree instead of /sys/fs/cgroup:
 *     TMPDIR_FIXTURE("cgroup")  ->  static char tmp[]; tmp_setup; tmp_teardown
 * (/tmp/kura-test-cgroup.XXXXXX, removed with everything in it), and
 * tmp_touch to make a file there.
 */
#ifndef KURA_TEST_TMPDIR_H
#define KURA_TEST_TMPDIR_H

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* An empty file DIR/FILE (include after cmocka.h). */
static inline void tmp_touch(const char *dir, const char *file)
{
	char p[512];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	close(fd);
}

#define TMPDIR_FIXTURE(name)                                                              \
	static char tmp[256];                                                             \
                                                                                          \
	static int rm_cb(const char *p, const struct stat *st, int flag, struct FTW *f) \
	{                                                                                 \
		(void)st;                                                                 \
		(void)flag;                                                               \
		(void)f;                                                                  \
		return remove(p);                                                         \
	}                                                                                 \
                                                                                          \
	static int tmp_setup(void **state)                                                \
	{                                                                                 \
		(void)state;                                                              \
		snprintf(tmp, sizeof(tmp), "/tmp/kura-test-" name ".XXXXXX");            \
		return mkdtemp(tmp) ? 0 : -1;                                             \
	}                                                                                 \
                                                                                          \
	static int tmp_teardown(void **state)                                             \
	{                                                                                 \
		(void)state;                                                              \
		return nftw(tmp, rm_cb, 16, FTW_DEPTH | FTW_PHYS);                        \
	}

#endif
