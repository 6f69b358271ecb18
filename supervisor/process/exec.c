/* SPDX-License-Identifier: Apache-2.0 */
/* args[0] resolved against the process's PATH, then execve. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "process.h"
#include "process_internal.h"
#include "util/util.h"

/* Resolved by exec_resolve() before the seccomp filter and the exec FIFO. */
static char exec_path[PATH_MAX];

static const char *exec_env_path(const struct spec_process *p)
{
	for (size_t i = 0; i < p->env.n; i++)
		if (p->env.v[i] && strncmp(p->env.v[i], "PATH=", 5) == 0)
			return p->env.v[i] + 5;
	return SPEC_DEFAULT_PATH;
}

/* What Go's exec.LookPath accepts: a regular file with an x bit. */
static bool exec_is_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

/* Go's words for these errnos: dockerd picks exit codes 127/126 by them */
static const char *exec_strerror(int e)
{
	switch (e) {
	case ENOENT: return "no such file or directory";
	case EACCES: return "permission denied";
	case ENOTDIR: return "not a directory";
	case ELOOP: return "too many levels of symbolic links";
	default: return strerror(e);
	}
}

/*
 * As the container user, now: a directory, a file without an x bit or one
 * on a noexec mount fails at create time, not after `start` returned.
 */
static int exec_check(const char *name, const struct stat *st, struct kerr *err)
{
	/* a $PATH candidate passed exec_is_executable: a regular file already */
	if (st && S_ISDIR(st->st_mode)) {
		exec_path[0] = '\0';
		return kerr_set(err, "exec: \"%s\": is a directory", name);
	}
	/*
	 * execve's answer: the ids and capabilities are final here, and only
	 * AT_EACCESS keeps the effective set (plain access() drops it for a
	 * non-root uid, refusing uid 1000 with CAP_DAC_OVERRIDE under a 0700
	 * root, which docker's exec -u meets).  The raw syscall, not glibc's
	 * faccessat, whose fallback guesses from the mode bits.  EPERM or
	 * ENOSYS is a seccomp profile's (or an old kernel's), not an answer:
	 * execve will tell.
	 */
	if (syscall(SYS_faccessat2, AT_FDCWD, exec_path, X_OK, AT_EACCESS) < 0 &&
	    errno != EPERM && errno != ENOSYS) {
		int e = errno;

		exec_path[0] = '\0';
		kerr_set(err, "exec: \"%s\": %s", name, exec_strerror(e));
		if (err)
			err->errnum = e;
		return -1;
	}
	return 0;
}

int exec_resolve(const struct spec_process *p, struct kerr *err)
{
	const char *name, *dirs;
	struct stat st;

	exec_path[0] = '\0';
	if (p->args.n == 0 || !p->args.v[0] || !*p->args.v[0])
		return kerr_set(err, ".process.args: must not be empty");
	name = p->args.v[0];

	if (strchr(name, '/')) {
		if (stat(name, &st) < 0) {
			int e = errno;

			kerr_set(err, "exec: \"%s\": stat %s: %s", name, name, exec_strerror(e));
			if (err)
				err->errnum = e;
			return -1;
		}
		if (strlen(name) >= sizeof(exec_path))
			return kerr_set(err, "exec: \"%s\": path too long", name);
		strcpy(exec_path, name);
		return exec_check(name, &st, err);
	}

	dirs = exec_env_path(p);
	while (dirs) {
		const char *colon = strchr(dirs, ':');
		size_t dlen = colon ? (size_t)(colon - dirs) : strlen(dirs);
		char cand[PATH_MAX];
		int n;

		/* an empty PATH entry means the current directory */
		if (dlen == 0)
			n = snprintf(cand, sizeof(cand), "./%s", name);
		else
			n = snprintf(cand, sizeof(cand), "%.*s/%s", (int)dlen, dirs, name);
		if (n > 0 && (size_t)n < sizeof(cand) && exec_is_executable(cand)) {
			memcpy(exec_path, cand, (size_t)n + 1);
			return exec_check(name, NULL, err);
		}
		dirs = colon ? colon + 1 : NULL;
	}
	/* runc's words: engines and users match on them */
	kerr_set(err, "exec: \"%s\": executable file not found in $PATH", name);
	if (err)
		err->errnum = ENOENT;
	return -1;
}

/* spec_strv arrays are not NULL-terminated: execve needs them to be. */
static char **exec_argv(const struct spec_strv *sv)
{
	char **v = calloc(sv->n + 1, sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < sv->n; i++)
		v[i] = sv->v[i];
	return v;
}

int process_exec(const struct spec_process *p, struct kerr *err)
{
	_cleanup_free_ char **argv = NULL;
	_cleanup_free_ char **envp = NULL;

	if (!exec_path[0] && exec_resolve(p, err) < 0)
		return -1;
	if (p->exec_cpu_affinity_final &&
	    affinity_apply(p->exec_cpu_affinity_final, "execCPUAffinity.final", err) < 0)
		return -1;
	argv = exec_argv(&p->args);
	envp = exec_argv(&p->env);
	if (!argv || !envp)
		return kerr_errno(err, ENOMEM, "exec \"%s\"", p->args.v[0]);
	execve(exec_path, argv, envp);
	return kerr_errno(err, errno, "exec \"%s\"", exec_path);
}
