/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kura-shim: the namespace dance, in a tiny static single-threaded process.
 *
 *   kura-shim <syncfd>
 *
 * Reads the bootstrap blob (bootstrap.h) from the sync socket, joins the
 * namespaces it lists (user first), unshares a new user namespace and lets
 * kura write its id maps, unshares the other new namespaces, then forks the
 * init with CLONE_PARENT so that kura is its parent and, with a new pid
 * namespace, it is PID 1 there.  The init reports itself (SYNC_PID) and
 * execveat()s the sealed fd of kura as `kura init <syncfd> <datafd>`; the
 * shim exits once it has; every failure reaches kura as one SYNC_ERROR
 * message.
 *
 * No malloc: one static receive buffer and the stack.  Single-threaded, which
 * setns(CLONE_NEWUSER) requires.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bootstrap/bootstrap.h"
#include "bootstrap/sync.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

extern char **environ;

static int sync_fd = -1;
/* nlmsghdr alignment: the decoder refuses a misaligned buffer. */
static unsigned char blob[BOOTSTRAP_MSG_MAX] __attribute__((aligned(8)));

/* One SYNC_ERROR to kura, then exit 1: kura turns the text into its error. */
__attribute__((noreturn, format(printf, 2, 3))) static void shim_die(int errnum,
								   const char *fmt, ...)
{
	char text[SYNC_TEXT_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (errnum && n >= 0 && (size_t)n < sizeof(text))
		snprintf(text + n, sizeof(text) - (size_t)n, ": %s", strerror(errnum));
	if (sync_fd < 0 || sync_send(sync_fd, SYNC_ERROR, -1, text) < 0)
		dprintf(2, "kura-shim: %s\n", text);
	_exit(1);
}

/* --debug: CLOCK_MONOTONIC ns for kura's phase report (sync.h); 0 when off. */
static unsigned long long shim_now(int on)
{
	struct timespec ts;

	if (!on || clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 0;
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

static int shim_parse_fd(const char *s)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 1000000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return (int)v;
}

static size_t shim_recv_blob(void)
{
	ssize_t n;

	do
		n = recv(sync_fd, blob, sizeof(blob), MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		shim_die(errno, "read bootstrap blob");
	if (n == 0)
		_exit(1); /* kura went away: nobody to tell */
	if ((size_t)n > sizeof(blob))
		shim_die(0, "bootstrap: message of %zd bytes: larger than %zu", n, sizeof(blob));
	return (size_t)n;
}

/*
 * All opens come before any setns: after joining a user or pid namespace
 * the paths may no longer be reachable or permitted.  The user namespace is
 * joined first so that the others are joined with its capabilities.
 */
static void shim_join(const struct bootstrap *b)
{
	int fds[BOOTSTRAP_JOIN_MAX];

	for (size_t i = 0; i < b->n_join; i++) {
		fds[i] = open(b->join[i].path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			shim_die(errno, "open %s namespace %s", bootstrap_ns_name(b->join[i].type),
				 b->join[i].path);
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < b->n_join; i++) {
			const struct bootstrap_join *j = &b->join[i];

			if ((pass == 0) != (j->type == CLONE_NEWUSER))
				continue;
			if (setns(fds[i], (int)j->type) < 0)
				shim_die(errno, "setns %s %s", bootstrap_ns_name(j->type), j->path);
			close(fds[i]);
			if (j->type == CLONE_NEWUSER && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
				shim_die(errno, "setresuid 0 in user namespace %s", j->path);
		}
	}
}

static void shim_dumpable(int on)
{
	if (prctl(PR_SET_DUMPABLE, on, 0, 0, 0) < 0)
		shim_die(errno, "prctl PR_SET_DUMPABLE %d", on);
}

static void shim_new_user(void)
{
	struct sync_msg m;
	int r;

	if (unshare(CLONE_NEWUSER) < 0)
		shim_die(errno, "unshare user namespace");
	/* a rootless kura may open /proc/<shim>/uid_map only of a dumpable process */
	shim_dumpable(1);
	if (sync_send(sync_fd, SYNC_MAP_IDS, (int32_t)getpid(), NULL) < 0)
		shim_die(errno, "send map-ids");
	r = sync_recv(sync_fd, &m);
	if (r < 0)
		shim_die(errno, "wait for id maps");
	if (r == 0)
		_exit(1);
	if (m.type != SYNC_MAP_IDS_DONE)
		shim_die(0, "wait for id maps: unexpected message %u", m.type);
	if (m.value != 0)
		_exit(1); /* kura failed writing them and reports that itself */
	/* Root inside, so the init half can set up the rootfs as root. */
	if (setresgid(0, 0, 0) < 0)
		shim_die(errno, "setresgid 0 in new user namespace");
	if (setresuid(0, 0, 0) < 0)
		shim_die(errno, "setresuid 0 in new user namespace");
	shim_dumpable(0);
}

static void shim_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(text);
	ssize_t n;

	if (fd < 0)
		shim_die(errno, "open %s", path);
	n = write(fd, text, len);
	if (n < 0 || (size_t)n != len)
		shim_die(n < 0 ? errno : EIO, "write %s", path);
	close(fd);
}

/* Offsets must be written before the namespace has its first process. */
static void shim_time_offsets(const struct bootstrap *b)
{
	char text[128];
	int n = 0;

	if (b->time_monotonic.present)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "monotonic %lld %u\n",
			      (long long)b->time_monotonic.secs, b->time_monotonic.nsecs);
	if (b->time_boottime.present)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "boottime %lld %u\n",
			      (long long)b->time_boottime.secs, b->time_boottime.nsecs);
	if (n == 0)
		return;
	/*
	 * Not dumpable, /proc/self/ belongs to the host's root, which a shim in
	 * a new user namespace is not: dumpable for the one write.
	 */
	shim_dumpable(1);
	shim_write("/proc/self/timens_offsets", text);
	shim_dumpable(0);
}

/*
 * The init half must be non-dumpable from its first instruction: a dumpable
 * init lets any process of the container that shares its uid and holds a
 * superset of its capabilities open /proc/<init>/fd, mem, root and cwd, or
 * ptrace it (runc's CVE-2016-9962).  execve resets dumpability to "user",
 * and `kura init` can only set it back once it runs, so the kernel must do
 * it at the execve: commit_creds() marks the new mm with fs.suid_dumpable
 * (0, or 2 for systemd-coredump; ptrace and /proc/PID/fd refuse both to
 * anyone without CAP_SYS_PTRACE over the mm's user namespace) whenever an
 * exec raises the permitted capabilities.  Root's exec raises permitted to
 * the bounding set, so one bounding capability dropped from permitted here
 * (the highest: nothing from here to the execve needs it) is enough.  With
 * none to drop the process has no capabilities to protect; the init's own
 * prctl at its first line still holds.
 */
static void shim_nondumpable_exec(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &h, d) < 0)
		shim_die(errno, "capget");
	for (int cap = 63; cap >= 0; cap--) {
		uint32_t bit = 1U << (cap % 32);

		if (!(d[cap / 32].permitted & bit) || prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 1)
			continue;
		d[cap / 32].permitted &= ~bit;
		d[cap / 32].effective &= ~bit;
		d[cap / 32].inheritable &= ~bit;
		if (syscall(SYS_capset, &h, d) < 0)
			shim_die(errno, "capset");
		return;
	}
}

__attribute__((noreturn)) static void shim_exec_init(const struct bootstrap *b,
						     const char *syncfd_arg)
{
	char datafd_arg[16];
	char *argv[] = { "kura", "init", (char *)syncfd_arg, datafd_arg, NULL };

	snprintf(datafd_arg, sizeof(datafd_arg), "%d", (int)b->data_fd);
	shim_nondumpable_exec();
	syscall(SYS_execveat, b->init_fd, "", argv, environ, AT_EMPTY_PATH);
	shim_die(errno, "execveat kura init (fd %d)", (int)b->init_fd);
}

/* What the init's first instructions need, on the shim's memory (CLONE_VM). */
struct init_child {
	const struct bootstrap *b;
	const char *syncfd_arg;
	const char *times;
};

/*
 * The init until its execveat, on its own stack in the shim's memory: only
 * syscalls, its stack and NUL-terminated formatting here (the shim waits,
 * CLONE_VFORK, and only exits after).
 */
__attribute__((noreturn)) static int init_child_fn(void *arg)
{
	const struct init_child *c = arg;

	if (sync_send(sync_fd, SYNC_PID, 0, c->times) < 0)
		shim_die(errno, "send pid");
	shim_exec_init(c->b, c->syncfd_arg);
}

int main(int argc, char **argv)
{
	static char init_stack[32 * 1024] __attribute__((aligned(16)));
	int phases = getenv(SYNC_PHASES_ENV) != NULL;
	unsigned long long t_main = shim_now(phases);
	struct bootstrap b;
	char errbuf[256], times[64] = "";
	uint32_t rest;
	size_t len;
	long pid;

	if (argc != 2 || (sync_fd = shim_parse_fd(argv[1])) < 0) {
		dprintf(2, "usage: kura-shim SYNCFD (started by kura, not by hand)\n");
		return 1;
	}
	len = shim_recv_blob();
	if (bootstrap_decode(blob, len, &b, errbuf, sizeof(errbuf)) < 0)
		shim_die(0, "%s", errbuf);

	/*
	 * First, while the shim holds kura's credentials and is dumpable (its
	 * /proc/self/ files are its own): lowering the score needs
	 * CAP_SYS_RESOURCE in the initial user namespace.
	 */
	if (b.has_oom_score_adj) {
		char v[16];

		snprintf(v, sizeof(v), "%d", (int)b.oom_score_adj);
		shim_write("/proc/self/oom_score_adj", v);
	}
	/*
	 * Non-dumpable until the exec: in exec mode the clone below sits in the
	 * container's pid namespace, and a process there must not reach this
	 * host binary through /proc/<pid>/exe (CVE-2019-5736, for the shim).
	 */
	shim_dumpable(0);
	shim_join(&b);
	if (b.clone_flags & CLONE_NEWUSER)
		shim_new_user();
	rest = b.clone_flags & ~(uint32_t)CLONE_NEWUSER;
	if (rest && unshare((int)rest) < 0)
		shim_die(errno, "unshare namespaces 0x%x", rest);
	if (b.clone_flags & CLONE_NEWTIME)
		shim_time_offsets(&b);
	/* Once it runs, the init half keeps no fd of kura's binary. */
	if (fcntl(b.init_fd, F_SETFD, FD_CLOEXEC) < 0)
		shim_die(errno, "init fd %d", (int)b.init_fd);

	if (phases)
		snprintf(times, sizeof(times), "%llu %llu", t_main, shim_now(phases));
	/*
	 * CLONE_PARENT: kura becomes the init's parent.  The init says SYNC_PID
	 * itself, before its execve, so it is on the socket before anything
	 * `kura init` says; kura takes the pid from the kernel's
	 * SCM_CREDENTIALS, not from the text.  CLONE_VFORK: the init runs at
	 * once and the shim exits only once it has exec'd (its PID queued).
	 * Against the shim sending the pid and then releasing the init through
	 * a pipe: shim's clone to the init's main 3.45 -> 3.15 ms median (`kura
	 * --debug run`, 40 interleaved runs), `run` 16.08 -> 15.92 ms (100
	 * interleaved).  CLONE_VM: the init borrows the shim's memory until its
	 * execveat, so no page tables are copied at the clone, no page is
	 * copied on write after it, and the execveat has no copy to tear down;
	 * that teardown alone was 0.49 ms a run (perf record -g of 150 runs: the
	 * page table frees in begin_new_exec's mmput), the copy 0.16 ms.
	 * Credentials stay per process: the init's capset
	 * (shim_nondumpable_exec) is its own.
	 */
	{
		struct init_child c = { .b = &b, .syncfd_arg = argv[1], .times = times };

		pid = clone(init_child_fn, init_stack + sizeof(init_stack),
			    CLONE_VM | CLONE_PARENT | CLONE_VFORK | SIGCHLD, &c);
	}
	if (pid < 0)
		shim_die(errno, "clone init");
	return 0;
}
