/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The foreground of `run` and `exec`: forward every signal to the process,
 * copy a terminal if there is one, and return its exit status as a shell
 * reports it (128+N when killed by signal N).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "console.h"
#include "container.h"
#include "util/util.h"

int container_wait_forward(pid_t pid, int proxy_master, struct kerr *err)
{
	sigset_t all;
	_cleanup_close_ int sfd = -1;
	pid_t proxy = -1;
	int status = 0;

	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGFPE);
	sigprocmask(SIG_BLOCK, &all, NULL);
	sfd = signalfd(-1, &all, SFD_CLOEXEC);
	if (sfd < 0)
		return kerr_errno(err, errno, "signalfd");
	if (proxy_master >= 0) {
		proxy = fork();
		if (proxy < 0)
			return kerr_errno(err, errno, "fork");
		if (proxy == 0) {
			struct kerr e2;
			sigset_t none;

			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
			_exit(console_proxy(proxy_master, &e2) < 0 ? 1 : 0);
		}
		close(proxy_master);
	}
	for (;;) {
		struct signalfd_siginfo si;
		ssize_t n;
		pid_t w;

		/* reap first: the child may be gone before SIGCHLD is read */
		while ((w = waitpid(-1, &status, WNOHANG)) > 0) {
			if (w == pid)
				goto done;
		}
		n = read(sfd, &si, sizeof(si));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(si))
			return kerr_errno(err, errno, "read signalfd");
		if (si.ssi_signo == SIGCHLD || si.ssi_signo == SIGWINCH)
			continue;
		kill(pid, (int)si.ssi_signo);
	}
done:
	if (proxy > 0)
		waitpid(proxy, NULL, 0);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

