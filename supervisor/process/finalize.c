/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The last steps before the exec FIFO: seccomp (early when it needs
 * privilege), user, capabilities, no_new_privs, umask, cwd, seccomp (late).
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "process.h"
#include "process_internal.h"
#include "process_seccomp.h"
#include "util/util.h"

/*
 * Where the cwd came from, for its errors: the container's own process is
 * config.json's; an exec's is --cwd or its --process file unless it is the
 * one it inherited from config.json.
 */
static const char *cwd_origin(const struct spec_process *p, const struct spec *s)
{
	if (!s || p == &s->process || (s->process.cwd && strcmp(s->process.cwd, p->cwd) == 0))
		return "set in config.json";
	return "given to exec (--cwd or --process)";
}

/*
 * The container's cwd is made when missing (as runc), as root before the uid change;
 * chdir is tried then, and again as the container user when root was
 * refused (a root-squashed volume owned by that user).
 */
static int cwd_enter(const struct spec_process *p, const struct spec *s, bool *retry,
		     struct kerr *err)
{
	const char *cwd = p->cwd;

	*retry = false;
	if (!cwd || !*cwd)
		return 0;
	/* only the container's own process: an exec's missing cwd is a chdir error (runc) */
	if ((!s || p == &s->process) && cwd[strspn(cwd, "/")] && util_mkdir_p(cwd, 0755, err) < 0 &&
	    err->errnum != EACCES && err->errnum != EPERM)
		return kerr_wrap(err, "create cwd (\"%s\") %s", cwd, cwd_origin(p, s));
	if (chdir(cwd) == 0)
		return 0;
	if (errno == EACCES || errno == EPERM) {
		*retry = true;
		return 0;
	}
	return kerr_errno(err, errno, "chdir to cwd (\"%s\") %s failed", cwd, cwd_origin(p, s));
}

/*
 * CVE-2024-21626: a cwd reached through a leaked fd (/proc/self/fd/N) sits
 * outside the container's root, and getcwd() says so with ENOENT.  Any other
 * failure (a profile refusing getcwd) proves nothing either way.
 */
static int cwd_check(const char *cwd, struct kerr *err)
{
	char buf[PATH_MAX];

	if (!cwd || !*cwd)
		return 0;
	if (getcwd(buf, sizeof(buf)) ? buf[0] != '/' : errno == ENOENT)
		return kerr_set(err, "process.cwd \"%s\": current working directory is outside of the container's root",
				cwd);
	return 0;
}

int process_finalize(const struct spec_process *p, const struct spec *s, int sync_fd,
		     struct kerr *err)
{
	const struct spec_seccomp *sec = s ? &s->linux_.seccomp : NULL;
	bool have_seccomp = sec && sec->present;
	struct caps_masks masks;
	bool retry_cwd;

	/* all names checked before anything irreversible happens */
	if (p->caps.present && caps_masks_from_spec(&p->caps, caps_last_cap(), &masks, err) < 0)
		return -1;
	if (cwd_enter(p, s, &retry_cwd, err) < 0)
		return -1;
	if (!retry_cwd && cwd_check(p->cwd, err) < 0)
		return -1;

	/* without no_new_privs the kernel wants CAP_SYS_ADMIN: load while we have it */
	if (have_seccomp && !p->no_new_privileges && seccomp_apply(sec, sync_fd, err) < 0)
		return -1;

	/* as root, with CAP_SETPCAP still effective */
	if (p->caps.present && caps_apply_bounding(&masks, err) < 0)
		return -1;
	if (user_apply(&p->user, p->caps.present, err) < 0)
		return -1;
	if (p->caps.present && caps_apply_sets(&masks, err) < 0)
		return -1;

	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return kerr_errno(err, errno, "prctl PR_SET_NO_NEW_PRIVS");
	umask(p->user.has_umask ? (mode_t)p->user.umask : 0022);
	if (retry_cwd && chdir(p->cwd) < 0)
		return kerr_errno(err, errno, "chdir to cwd (\"%s\") %s failed", p->cwd,
				  cwd_origin(p, s));
	if (retry_cwd && cwd_check(p->cwd, err) < 0)
		return -1;

	/* before the filter: the lookup's stat calls are not the profile's business */
	if (exec_resolve(p, err) < 0)
		return -1;

	/* as close to the execve as can be, so profiles need few extra syscalls */
	if (have_seccomp && p->no_new_privileges && seccomp_apply(sec, sync_fd, err) < 0)
		return -1;
	return 0;
}
