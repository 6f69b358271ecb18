/* SPDX-License-Identifier: Apache-2.0 */
/* Reading and writing cgroup control files, with errors that name the file. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "util/util.h"

int cgroup_write(const char *dir, const char *file, const char *val, struct kerr *err)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;

	if (asprintf(&path, "%s/%s", dir, file) < 0)
		return kerr_errno(err, ENOMEM, "%s", file);
	/* O_TRUNC is a no-op on cgroupfs and keeps tmp-dir tests honest */
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return kerr_errno(err, errno, "open %s", path);
	if (util_write_all(fd, val, strlen(val)) < 0)
		return kerr_errno(err, errno, "write %s (\"%s\")", path, val);
	return 0;
}

char *cgroup_read(const char *dir, const char *file, struct kerr *err)
{
	_cleanup_free_ char *path = NULL;
	char *s;
	size_t len = 0;

	if (asprintf(&path, "%s/%s", dir, file) < 0) {
		kerr_errno(err, ENOMEM, "%s", file);
		return NULL;
	}
	s = util_read_file(path, &len, err);
	if (s && len && s[len - 1] == '\n')
		s[len - 1] = '\0';
	return s;
}

bool cgroup_file_exists(const char *dir, const char *file)
{
	_cleanup_free_ char *path = NULL;

	if (asprintf(&path, "%s/%s", dir, file) < 0)
		return false;
	return access(path, F_OK) == 0;
}

int cgroup_read_u64(const char *dir, const char *file, uint64_t *out)
{
	struct kerr err;
	_cleanup_free_ char *s = cgroup_read(dir, file, &err);
	char *end;

	if (!s)
		return -1;
	if (!strcmp(s, "max")) {
		*out = UINT64_MAX;
		return 0;
	}
	errno = 0;
	*out = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	return 0;
}
