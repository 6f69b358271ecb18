/* SPDX-License-Identifier: Apache-2.0 */
/* OCI hooks: each one a child with the state JSON on stdin, waited with a timeout. */
#include "hooks.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* What a finished hook child did; the caller turns it into one message. */
struct hook_result {
	bool timed_out;
	int exec_errno; /* execve failed in the child, 0 if it ran */
	siginfo_t info;
};

static void hook_fd_close(int *fd)
{
	util_closep(fd);
	*fd = -1;
}

static int hook_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int hook_pidfd_kill(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

/* argv and envp as NULL-terminated arrays, built before fork. */
static char **hook_strv_dup(const struct spec_strv *s, const char *first)
{
	size_t n = s->n ? s->n : (first ? 1 : 0);
	char **v = calloc(n + 1, sizeof(*v));

	if (!v)
		return NULL;
	if (s->n)
		memcpy(v, s->v, s->n * sizeof(*v));
	else if (first)
		v[0] = (char *)first;
	return v;
}

static int64_t hook_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Never returns: the child side of fork. */
static void hook_child_exec(const struct spec_hook *h, char **argv, char **envp, int in_fd,
			    int errpipe)
{
	sigset_t none;
	int e;

	/* The supervisor may block signals for a signalfd or ignore SIGPIPE;
	 * the hook starts with the dispositions a fresh process would have. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(in_fd, STDIN_FILENO) < 0)
		goto fail;
	/* Only stdio reaches the hook, whatever the caller left inheritable. */
	syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
	execve(h->path, argv, envp);
fail:
	e = errno;
	(void)!write(errpipe, &e, sizeof(e));
	_exit(127);
}

/*
 * Feed the JSON and wait for the child, killing it at the deadline.  The
 * write end is non-blocking and polled with the pidfd, so a hook that never
 * reads a large state cannot hang us past its timeout.
 */
static int hook_wait(int pidfd, int wfd, const char *json, int timeout_s,
		     struct hook_result *res, struct kerr *err)
{
	size_t len = json ? strlen(json) : 0, off = 0;
	int64_t deadline = timeout_s > 0 ? hook_now_ms() + (int64_t)timeout_s * 1000 : -1;
	_cleanup_close_ int w = wfd;

	if (len == 0)
		hook_fd_close(&w);
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = pidfd, .events = POLLIN },
			{ .fd = w, .events = POLLOUT },
		};
		int wait_ms = -1, r;

		if (deadline >= 0) {
			int64_t left = deadline - hook_now_ms();
			wait_ms = left > 0 ? (int)left : 0;
		}
		r = poll(p, w >= 0 ? 2 : 1, wait_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return kerr_errno(err, errno, "poll");
		if (r == 0) {
			res->timed_out = true;
			hook_pidfd_kill(pidfd, SIGKILL);
			break;
		}
		if (p[0].revents)
			break;
		if (w >= 0 && p[1].revents) {
			ssize_t n;

			/* A pipe has no MSG_NOSIGNAL: the caller blocks SIGPIPE. */
			n = write(w, json + off, len - off);
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			/* EPIPE: the hook does not want its stdin; that is its right. */
			if (n < 0 || (off += (size_t)n) == len)
				hook_fd_close(&w);
		}
	}
	for (;;) {
		memset(&res->info, 0, sizeof(res->info));
		if (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &res->info, WEXITED) == 0)
			return 0;
		if (errno != EINTR)
			return kerr_errno(err, errno, "waitid");
	}
}

/* Run with SIGPIPE blocked; a SIGPIPE we raised is consumed, not delivered. */
static int hook_spawn_wait(const struct spec_hook *h, char **argv, char **envp,
			   const char *json, struct hook_result *res, struct kerr *err)
{
	_cleanup_close_ int in_r = -1, in_w = -1, err_r = -1, err_w = -1, pidfd = -1;
	int in[2], ep[2], r;
	sigset_t pipe_set, old;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0)
		return kerr_errno(err, errno, "pipe");
	in_r = in[0], in_w = in[1];
	if (pipe2(ep, O_CLOEXEC) < 0)
		return kerr_errno(err, errno, "pipe");
	err_r = ep[0], err_w = ep[1];

	pid = fork();
	if (pid < 0)
		return kerr_errno(err, errno, "fork");
	if (pid == 0)
		hook_child_exec(h, argv, envp, in_r, err_w);
	hook_fd_close(&in_r);
	hook_fd_close(&err_w);

	/* Our child, not yet reaped: the pid cannot have been reused. */
	pidfd = hook_pidfd_open(pid);
	if (pidfd < 0) {
		int e = errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return kerr_errno(err, e, "pidfd_open");
	}
	if (fcntl(in_w, F_SETFL, O_NONBLOCK) < 0) {
		int e = errno;
		hook_pidfd_kill(pidfd, SIGKILL);
		waitpid(pid, NULL, 0);
		return kerr_errno(err, e, "fcntl");
	}

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	r = hook_wait(pidfd, take_fd(&in_w), json, h->has_timeout ? h->timeout : 0, res, err);
	if (!sigismember(&old, SIGPIPE)) {
		const struct timespec zero = { 0, 0 };
		while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
			;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r < 0) {
		hook_pidfd_kill(pidfd, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	if (read(err_r, &res->exec_errno, sizeof(res->exec_errno)) != sizeof(res->exec_errno))
		res->exec_errno = 0;
	return 0;
}

static int hook_run_one(const struct spec_hook *h, const char *kind, size_t i,
			const char *json, struct kerr *err)
{
	_cleanup_free_ char **argv = NULL;
	_cleanup_free_ char **envp = NULL;
	struct hook_result res = { 0 };
	int st;

	if (!h->path)
		return kerr_set(err, "%s hook #%zu: no path", kind, i);
	argv = hook_strv_dup(&h->args, h->path);
	/* A hook that names no env inherits kura's, as runc and crun run it. */
	envp = h->env.n ? hook_strv_dup(&h->env, NULL) : NULL;
	if (!argv || (h->env.n && !envp))
		return kerr_errno(err, ENOMEM, "%s hook #%zu %s", kind, i, h->path);
	if (hook_spawn_wait(h, argv, envp ? envp : environ, json, &res, err) < 0)
		return kerr_wrap(err, "%s hook #%zu %s", kind, i, h->path);

	st = res.info.si_status;
	if (res.timed_out)
		return kerr_set(err, "%s hook #%zu %s: timed out after %ds", kind, i, h->path,
				h->timeout);
	if (res.exec_errno)
		return kerr_errno(err, res.exec_errno, "%s hook #%zu %s: exec", kind, i, h->path);
	if (res.info.si_code == CLD_EXITED && st != 0)
		return kerr_set(err, "%s hook #%zu %s: exit status %d", kind, i, h->path, st);
	if (res.info.si_code == CLD_KILLED || res.info.si_code == CLD_DUMPED)
		return kerr_set(err, "%s hook #%zu %s: killed by signal %d (%s)", kind, i,
				h->path, st, strsignal(st));
	return 0;
}

int hooks_run(const struct spec_hook_list *l, const char *kind, const char *state_json,
	      struct kerr *err)
{
	size_t i;

	if (!l)
		return 0;
	for (i = 0; i < l->n; i++)
		if (hook_run_one(&l->v[i], kind, i, state_json, err) < 0)
			return -1;
	return 0;
}

int hooks_run_all(const struct spec_hook_list *l, const char *kind, const char *state_json,
		  struct kerr *err)
{
	size_t failed = 0;
	struct kerr one;

	if (!l)
		return 0;
	for (size_t i = 0; i < l->n; i++) {
		if (hook_run_one(&l->v[i], kind, i, state_json, &one) == 0)
			continue;
		if (failed++ == 0)
			*err = one;
	}
	if (failed > 1)
		kerr_wrap(err, "%zu %s hooks failed, the first", failed, kind);
	return failed ? -1 : 0;
}
