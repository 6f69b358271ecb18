/* SPDX-License-Identifier: Apache-2.0 */
/* .process.user: supplementary groups, gid, uid; capabilities survive. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "process_internal.h"
#include "util/util.h"

/* "deny" once a user namespace's owner wrote it (rootless): setgroups fails. */
static bool setgroups_denied(void)
{
	char buf[16] = "";
	_cleanup_close_ int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	return n > 0 && strncmp(buf, "deny", 4) == 0;
}

int user_apply(const struct spec_user *u, bool keep_caps, struct kerr *err)
{
	gid_t *groups = NULL;
	size_t n = u->n_additional_gids;

	/* as runc: exactly additionalGids (an empty list clears the host's) */
	if (n > 0) {
		groups = calloc(n, sizeof(*groups));
		if (!groups)
			return kerr_errno(err, ENOMEM, "setgroups");
		for (size_t i = 0; i < n; i++)
			groups[i] = (gid_t)u->additional_gids[i];
	}
	/*
	 * Tried first, /proc/self/setgroups read only when it fails: an empty
	 * list where setgroups is denied is no error.  3 syscalls less in the
	 * common case than reading it before.
	 */
	if (setgroups(n, groups) < 0) {
		int e = errno;

		free(groups);
		if (n > 0 || e != EPERM || !setgroups_denied())
			return kerr_errno(err, e, "setgroups");
		groups = NULL;
	}
	free(groups);

	/*
	 * Without it, leaving uid 0 empties the permitted set; with no
	 * capabilities in the spec the kernel's rule stands (all are dropped).
	 */
	if (keep_caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return kerr_errno(err, errno, "prctl PR_SET_KEEPCAPS");
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return kerr_errno(err, errno, "setresgid %u", u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return kerr_errno(err, errno, "setresuid %u", u->uid);
	if (keep_caps && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return kerr_errno(err, errno, "prctl PR_SET_KEEPCAPS");
	return 0;
}
