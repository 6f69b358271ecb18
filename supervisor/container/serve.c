/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The supervisor's side of the sync socket once the init half runs: hooks,
 * the seccomp listener, READY or the close of a successful exec; only what
 * the mode and phase allow (bootstrap/sync.h).
 */
#include "container_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hooks.h"
#include "util/phase.h"
#include "bootstrap/sync.h"
#include "util/util.h"

/* Exit status of a child as text, for "init exited ..." messages. */
static void describe_status(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, len, "status %d", status);
}

/*
 * Whether the init half may say TYPE now, having said SEEN (a bit per
 * type) so far.  create: HOOKS (once, first), SECCOMP_FD (once), READY;
 * exec: SECCOMP_FD (once), then the socket closes with the execve.  ERROR
 * always.  Anything else ends the create or exec: the init is kura's own
 * code, and a message out of turn means it is not talking to us as itself.
 */
static bool init_may_say(bool exec_mode, unsigned int seen, uint32_t type)
{
	switch (type) {
	case SYNC_HOOKS:
		return !exec_mode && !seen;
	case SYNC_SECCOMP_FD:
		return !(seen & (1U << SYNC_SECCOMP_FD));
	case SYNC_READY:
		return !exec_mode;
	case SYNC_ERROR:
		return true;
	default:
		return false;
	}
}

/* --debug: the steps the init's times end (sync.h) */
static const char *const init_phases[] = { "exec kura init", "init: rootfs mounts",
					   "init: pivot_root, masks", "init: process setup" };

/*
 * Talk to the init half until it is READY (create) or has exec'd (exec: the
 * socket closes on execve).  Serves hooks and the seccomp listener.
 */
int container_serve_init(struct container *c, const struct spec *s, pid_t pid, int sync_fd,
		      bool exec_mode, struct kerr *err)
{
	unsigned int seen = 0;

	for (;;) {
		struct sync_msg m;
		int fd = -1;
		int r = sync_recv_fd(sync_fd, &m, &fd);

		if (r < 0)
			return kerr_errno(err, errno, "read from init");
		if (r == 0) {
			int status;

			if (exec_mode) {
				phase_mark("init: join, setup, execve");
				return 0; /* the socket closed on a successful execve */
			}
			if (waitpid(pid, &status, WNOHANG) == pid) {
				char why[64];

				describe_status(status, why, sizeof(why));
				return kerr_set(err, "container init exited (%s)", why);
			}
			return kerr_set(err, "container init closed the sync socket");
		}
		if (!init_may_say(exec_mode, seen, m.type) || (fd >= 0 && m.type != SYNC_SECCOMP_FD)) {
			if (fd >= 0)
				close(fd);
			return kerr_set(err, "unexpected message %u from init", m.type);
		}
		seen |= 1U << m.type;
		switch (m.type) {
		case SYNC_HOOKS: {
			_cleanup_free_ char *state = container_state_text(c, "creating");

			if (hooks_run(&s->hooks.prestart, "prestart", state, err) < 0 ||
			    hooks_run(&s->hooks.create_runtime, "createRuntime", state, err) < 0) {
				sync_send(sync_fd, SYNC_HOOKS_DONE, -1, err->msg);
				return -1;
			}
			/* the init half runs createContainer hooks with this state */
			if (sync_send(sync_fd, SYNC_HOOKS_DONE, 0,
				      state && strlen(state) < SYNC_TEXT_MAX ? state : "") < 0)
				return kerr_errno(err, errno, "write to init");
			break;
		}
		case SYNC_SECCOMP_FD: {
			int rc;

			if (fd < 0)
				return kerr_set(err, "init sent no seccomp fd");
			/* an exec'd process joins a running container */
			rc = seccomp_notify_forward(c, s, fd, exec_mode ? "running" : "creating", err);
			close(fd);
			if (rc < 0) {
				sync_send(sync_fd, SYNC_SECCOMP_DONE, -1, err->msg);
				return -1;
			}
			if (sync_send(sync_fd, SYNC_SECCOMP_DONE, 0, NULL) < 0)
				return kerr_errno(err, errno, "write to init");
			break;
		}
		case SYNC_READY:
			phase_mark_times(m.text, init_phases, 4);
			return 0;
		default: /* SYNC_ERROR: init_may_say let nothing else through */
			return kerr_set(err, "%s", m.text);
		}
	}
}
