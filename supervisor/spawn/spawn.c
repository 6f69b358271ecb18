/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kura's side of kura-shim (spawn.h): seal the init half's binary, encode the
 * bootstrap blob, start the shim, write its id maps, learn the init's pid.
 */
#include "spawn_internal.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/mount.h>
#include <linux/sched.h>

#include "bootstrap/bootstrap.h"
#include "bootstrap/sync.h"
#include "util/phase.h"
#include "util/util.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#endif

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

extern char **environ;

/* ---- starting the shim ---- */

#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif

struct shim {
	pid_t pid;
	int pidfd;
	bool in_cgroup; /* entered every cgroup itself: no before_blob */
};

/* What the child needs to become kura-shim. */
struct shim_exec {
	const char *path;
	int sock;
	const struct spawn_req *req;
	int init_fd;
	char **envp;
	bool sighand_cleared; /* clone3 CLONE_CLEAR_SIGHAND did the handlers */
};

/* The child reports a failure on the sync socket, as the shim would. */
__attribute__((noreturn)) static void shim_child_fail(const struct shim_exec *x, const char *what,
						      const char *path)
{
	char text[PATH_MAX + 64];

	snprintf(text, sizeof(text), "%s %s: %s", what, path, strerror(errno));
	sync_send(x->sock, SYNC_ERROR, -1, text);
	_exit(127);
}

/*
 * The child, before execve.  In the vfork path it shares kura's memory:
 * only its own stack, syscalls and NUL-terminated formatting here.
 */
__attribute__((noreturn)) static void shim_child(const struct shim_exec *x)
{
	const struct spawn_req *req = x->req;
	char fdarg[16];
	char *argv[] = { "kura-shim", fdarg, NULL };
	sigset_t none;

	/*
	 * Caught signals must not run kura's handlers here (shared memory).
	 * Ignored ones may stay ignored up to the init half, which resets them
	 * before the container's process.
	 */
	if (!x->sighand_cleared)
		for (int sig = 1; sig < NSIG; sig++)
			if (sig != SIGKILL && sig != SIGSTOP)
				signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/*
	 * Into each v1 hierarchy by itself: a single-threaded process writing
	 * "0" to `tasks` skips cgroup_threadgroup_rwsem, whose write side can
	 * wait for an RCU grace period (seen at 0.6-1.9 ms for kura's 9
	 * cgroup.procs writes when the issue was filed).  Measured here since:
	 * `run` 15.07 ms with kura writing the pid, 14.99 with this (hybrid,
	 * 100 interleaved runs): no wait to avoid on this kernel today, and no
	 * cost either; it keeps the move off kura's side, where v2's clone3
	 * already is.
	 */
	for (int i = 0; i < req->n_cgroup_tasks; i++)
		if (write(req->cgroup_tasks[i], "0", 1) != 1)
			shim_child_fail(x, "join cgroup", req->cgroup_task_dirs[i]);
	if (req->n_rdt_tasks) {
		char pid[16];
		int n = snprintf(pid, sizeof(pid), "%d", (int)getpid());

		for (int i = 0; i < req->n_rdt_tasks; i++)
			if (write(req->rdt_tasks[i], pid, (size_t)n) < 0)
				shim_child_fail(x, "linux.intelRdt: join resctrl group",
						req->rdt_task_dirs[i]);
	}
	if (fcntl(x->sock, F_SETFD, 0) < 0 || fcntl(x->init_fd, F_SETFD, 0) < 0 ||
	    (req->data_fd >= 0 && fcntl(req->data_fd, F_SETFD, 0) < 0))
		shim_child_fail(x, "exec", x->path);
	for (int i = 0; i < req->n_keep_fds; i++)
		if (fcntl(req->keep_fds[i], F_SETFD, 0) < 0)
			shim_child_fail(x, "exec", x->path);
	snprintf(fdarg, sizeof(fdarg), "%d", x->sock);
	execve(x->path, argv, x->envp);
	shim_child_fail(x, "exec", x->path);
}

/*
 * Uninstrumented: ASan would announce the noreturn call to shim_child and,
 * not knowing this static stack, warn that it ignores it ("False positive
 * error reports may follow").  shim_spawn unpoisons the stack itself.
 */
__attribute__((no_sanitize_address)) static int shim_child_fn(void *arg)
{
	shim_child(arg);
}

#if defined(__x86_64__)
/*
 * clone3 sharing kura's memory (glibc 2.36 has no clone3 wrapper): the
 * child starts on args->stack with no frame to return to, so it calls fn
 * right there and exits with its value if it ever returns.  Registers other
 * than rax, rcx and r11 survive the syscall, so fn and arg ride in r8/r9.
 */
__attribute__((no_sanitize_address)) static long clone3_vm(struct clone_args *args,
							   int (*fn)(void *), void *arg)
{
	register long rax __asm__("rax") = SYS_clone3;
	register int (*r8)(void *) __asm__("r8") = fn;
	register void *r9 __asm__("r9") = arg;

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "mov %%r9, %%rdi\n\t"
			 "call *%%r8\n\t"
			 "mov %%eax, %%edi\n\t"
			 "mov %[nr_exit], %%eax\n\t"
			 "syscall\n\t"
			 "ud2\n"
			 "1:"
			 : "+r"(rax)
			 : "D"(args), "S"(sizeof(*args)), "r"(r8), "r"(r9), [nr_exit] "i"(SYS_exit)
			 : "rcx", "r11", "memory", "cc");
	return rax;
}
#endif

/*
 * CLONE_VM|CLONE_VFORK, as posix_spawn does, because copying kura's page
 * tables is most of a fork's cost (3.6 ms against 1.1 ms for fork+exec
 * against vfork+exec on the 2-core test VM).  Through clone3 where it can:
 * born in the v2 cgroup (CLONE_INTO_CGROUP) and with kura's handlers
 * already reset (CLONE_CLEAR_SIGHAND: no 64 rt_sigaction calls).  Pure v2
 * used to fork through clone3 to be born in the cgroup: `run` 18.32 ->
 * 16.73 ms median with this (100 interleaved runs).  Else clone(), and
 * before_blob moves the shim into the cgroups.
 */
static int shim_spawn(const struct spawn_req *req, struct shim_exec *x, struct shim *sh,
		      struct kerr *err)
{
	static unsigned char stack[64 * 1024] __attribute__((aligned(16)));
	sigset_t all, old;
	long pid = -1;
	int e = ENOSYS;

#ifdef __SANITIZE_ADDRESS__
	/* a child that exec'd never returned: its frames' redzones stay poisoned */
	__asan_unpoison_memory_region(stack, sizeof(stack));
#endif
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
#if defined(__x86_64__)
	{
		struct clone_args args = {
			.flags = CLONE_VM | CLONE_VFORK | CLONE_PIDFD | CLONE_CLEAR_SIGHAND,
			.pidfd = (uint64_t)(uintptr_t)&sh->pidfd,
			.exit_signal = SIGCHLD,
			.stack = (uint64_t)(uintptr_t)stack,
			.stack_size = sizeof(stack),
		};

		if (req->cgroup_fd >= 0) {
			args.flags |= CLONE_INTO_CGROUP;
			args.cgroup = (uint64_t)req->cgroup_fd;
		}
		x->sighand_cleared = true;
		pid = clone3_vm(&args, shim_child_fn, x);
		e = (int)-pid;
		/* v2 refuses (a threaded or busy cgroup) or an old kernel */
		if (pid > 0)
			sh->in_cgroup = req->cgroup_self;
	}
#endif
	if (pid < 0) {
		x->sighand_cleared = false;
		pid = clone(shim_child_fn, stack + sizeof(stack),
			    CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, (void *)x, &sh->pidfd);
		e = errno;
		/* v1 the child did; v2 before_blob does (again, v1 alike) */
		sh->in_cgroup = req->cgroup_self && req->cgroup_fd < 0;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		return kerr_errno(err, e, "clone kura-shim");
	sh->pid = (pid_t)pid;
	return 0;
}

static int shim_wait(struct shim *sh, int *status)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	while (waitid((idtype_t)P_PIDFD, (id_t)sh->pidfd, &si, WEXITED) < 0)
		if (errno != EINTR)
			return -1;
	sh->pid = -1;
	/* killed by a signal reads as a shell would show it */
	*status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
	return 0;
}

/* CLONE_PARENT made the init our child: anything else is no init of ours. */
static bool spawn_is_child(pid_t pid)
{
	siginfo_t si = { 0 };

	return pid > 0 && waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0;
}

/*
 * Whatever happened, leave nothing running: kill and reap the shim, and an
 * init it may already have forked (its pid is queued behind what we read).
 */
static void shim_abort(struct shim *sh, int sock)
{
	struct sync_msg m;
	int status, r;
	pid_t from;

	if (sh->pid > 0) {
		syscall(SYS_pidfd_send_signal, sh->pidfd, SIGKILL, NULL, 0);
		shim_wait(sh, &status);
	}
	/* a malformed message (EBADMSG) is skipped; the queue ends with EAGAIN */
	while ((r = sync_recv_pid(sock, &m, &from, MSG_DONTWAIT)) != 0) {
		if (r < 0 && errno != EBADMSG)
			break;
		if (r > 0 && m.type == SYNC_PID && from > 0 && spawn_is_child(from)) {
			kill(from, SIGKILL);
			waitpid(from, NULL, 0);
		}
	}
}

/* --debug: the steps the shim's times end (sync.h) */
static const char *const shim_phases[] = { "exec kura-shim", "shim: namespaces" };

static int shim_converse(const struct spawn_req *req, const struct blob_parts *p,
			 struct shim *sh, int sock, pid_t *init_pid, struct kerr *err)
{
	struct sync_msg m;
	bool mapped = false;
	pid_t from;

	for (;;) {
		struct pollfd pf[2] = { { .fd = sock, .events = POLLIN },
					{ .fd = sh->pidfd, .events = POLLIN } };
		int status, r;

		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return kerr_errno(err, errno, "poll kura-shim");
		}
		if (!(pf[0].revents & (POLLIN | POLLHUP))) {
			/* exited, and nothing queued from it */
			if (shim_wait(sh, &status) < 0)
				return kerr_errno(err, errno, "wait kura-shim");
			return kerr_set(err, "kura-shim exited with status %d", status);
		}
		r = sync_recv_pid(sock, &m, &from, 0);
		if (r < 0)
			return kerr_errno(err, errno, "read from kura-shim");
		if (r == 0) {
			if (shim_wait(sh, &status) < 0)
				return kerr_errno(err, errno, "wait kura-shim");
			return kerr_set(err, "kura-shim exited with status %d", status);
		}
		switch (m.type) {
		case SYNC_MAP_IDS:
			if (req->mode != SPAWN_CREATE || !p->uid_map || mapped) {
				sync_send(sock, SYNC_MAP_IDS_DONE, -1, "unexpected");
				return kerr_set(err, "kura-shim: unexpected map-ids");
			}
			/* the shim pid we know, not the value: it is not to be trusted */
			if (spawn_map_ids(p, req->spec, sh->pid, err) < 0) {
				sync_send(sock, SYNC_MAP_IDS_DONE, -1, err->msg);
				return kerr_wrap(err, "user namespace");
			}
			if (sync_send(sock, SYNC_MAP_IDS_DONE, 0, NULL) < 0)
				return kerr_errno(err, errno, "write to kura-shim");
			mapped = true;
			break;
		case SYNC_PID: {
			int off = 0;

			/* the sender's pid, by the kernel; its text is for --debug only */
			if (!spawn_is_child(from))
				return kerr_set(err, "kura-shim: pid %d is not its init", (int)from);
			*init_pid = from;
			if (setsockopt(sock, SOL_SOCKET, SO_PASSCRED, &off, sizeof(off)) < 0)
				return kerr_errno(err, errno, "sync socket");
			phase_mark_times(m.text, shim_phases, 2);
			return 0;
		}
		case SYNC_ERROR:
			return kerr_set(err, "%s", m.text);
		default:
			return kerr_set(err, "kura-shim: unexpected message type %u", m.type);
		}
	}
}

/* If the shim already said why it failed, that is the error to report. */
static void shim_pending_error(int sock, struct kerr *err)
{
	struct sync_msg m;
	ssize_t n = recv(sock, &m, sizeof(m), MSG_DONTWAIT | MSG_PEEK);

	if (n > (ssize_t)offsetof(struct sync_msg, text) && m.type == SYNC_ERROR) {
		m.text[sizeof(m.text) - 1] = '\0';
		kerr_set(err, "%s", m.text);
	}
}

/* The shim and the init half see PATH and kura's own settings, nothing else. */
static char **shim_env(void)
{
	size_t n = 0, k = 0;
	char **env;

	for (char **e = environ; e && *e; e++)
		n++;
	env = calloc(n + 3, sizeof(char *));
	if (!env)
		return NULL;
	env[k++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	if (phase_on())
		env[k++] = SYNC_PHASES_ENV "=1";
	for (char **e = environ; e && *e; e++)
		if (strncmp(*e, "KURA_", 5) == 0 || strncmp(*e, "_KURA_", 6) == 0)
			env[k++] = *e;
	env[k] = NULL;
	return env;
}

int spawn_start(const struct spawn_req *req, struct spawn_result *res, struct kerr *err)
{
	static unsigned char blob[BOOTSTRAP_MSG_MAX] __attribute__((aligned(8)));
	char shim_path[PATH_MAX];
	struct blob_parts parts;
	struct shim sh = { .pid = -1, .pidfd = -1 };
	_cleanup_close_ int init_fd = -1;
	_cleanup_close_ int sock = -1;
	_cleanup_close_ int peer = -1;
	_cleanup_free_ char **envp = NULL;
	pid_t init_pid = -1;
	size_t len;
	int sv[2], status;

	res->init_pid = -1;
	res->sync_fd = -1;
	if (util_find_libexec("kura-shim", shim_path, sizeof(shim_path), err) < 0)
		return -1;
	init_fd = spawn_seal_self(req, err);
	if (init_fd < 0)
		return -1;
	if (blob_build(&parts, req, init_fd, err) < 0)
		goto fail_parts;
	if (bootstrap_encode(&parts.b, blob, sizeof(blob), &len) < 0) {
		kerr_set(err, "bootstrap: message larger than %d bytes", BOOTSTRAP_MSG_MAX);
		goto fail_parts;
	}
	envp = shim_env();
	if (!envp) {
		kerr_errno(err, ENOMEM, "environment");
		goto fail_parts;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		kerr_errno(err, errno, "socketpair");
		goto fail_parts;
	}
	sock = sv[0];
	peer = sv[1];
	/* until SYNC_PID: its sender's pid comes with it (sync.h) */
	{
		int on = 1;

		if (setsockopt(sock, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) < 0) {
			kerr_errno(err, errno, "sync socket");
			goto fail_parts;
		}
	}
	phase_mark("spawn: seal, blob");
	{
		struct shim_exec x = { shim_path, peer, req, init_fd, envp, false };

		if (shim_spawn(req, &x, &sh, err) < 0)
			goto fail_parts;
	}
	close(take_fd(&peer));

	/* in its cgroups by itself: no second move through cgroup.procs */
	if (req->before_blob && !sh.in_cgroup &&
	    req->before_blob(sh.pid, req->before_blob_arg, err) < 0) {
		/* a shim that failed to exec is the cause, not the cgroup's ESRCH */
		shim_pending_error(sock, err);
		goto fail;
	}
	if (send(sock, blob, len, MSG_NOSIGNAL) < 0) {
		/* EPIPE: it died already (failed exec): its message says why */
		if (errno != EPIPE) {
			kerr_errno(err, errno, "send bootstrap to kura-shim");
			goto fail;
		}
	}
	if (shim_converse(req, &parts, &sh, sock, &init_pid, err) < 0)
		goto fail;
	if (shim_wait(&sh, &status) < 0) {
		kerr_errno(err, errno, "wait kura-shim");
		goto fail_init;
	}
	if (status != 0) {
		kerr_set(err, "kura-shim exited with status %d", status);
		goto fail_init;
	}
	close(sh.pidfd);
	blob_parts_free(&parts);
	res->init_pid = init_pid;
	res->sync_fd = take_fd(&sock);
	return 0;

fail_init:
	kill(init_pid, SIGKILL);
	waitpid(init_pid, NULL, 0);
fail:
	shim_abort(&sh, sock);
	if (sh.pidfd >= 0)
		close(sh.pidfd);
fail_parts:
	blob_parts_free(&parts);
	return -1;
}
