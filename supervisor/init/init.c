/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The init half: `kura init <syncfd> <datafd>`, exec'd by kura-shim inside
 * the container's new namespaces (or, for exec, the joined ones).  It builds
 * what the container sees and becomes the container process.  Every failure
 * goes to kura as one SYNC_ERROR message; kura shows it and cleans up.
 *
 * The data fd holds the init data line written by kura (initdata.h: mode,
 * fds, paths, strictly decoded), then config.json exactly as the bundle had
 * it.
 */
#include <jansson.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "init.h"
#include "console.h"
#include "hooks.h"
#include "container/initdata.h"
#include "util/phase.h"
#include "process/process.h"
#include "rootfs/rootfs.h"
#include "specs/spec.h"
#include "process/process_seccomp.h"
#include "bootstrap/sync.h"
#include "util/testpause.h"
#include "util/util.h"

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

static int sync_fd = -1;
/* --debug (sync.h): when each step ended, sent to kura with READY; 0: off */
static uint64_t phase_t[4];
enum { PH_MAIN, PH_MOUNTS, PH_PIVOT, PH_PROCESS };

static void init_phase(int which)
{
	if (phase_t[PH_MAIN])
		phase_t[which] = phase_now();
}

static void __attribute__((noreturn)) init_fail(const struct kerr *err)
{
	/* kura prints it; if kura is gone there is no one else to tell */
	if (sync_send(sync_fd, SYNC_ERROR, 0, err->msg) < 0)
		fprintf(stderr, "kura init: %s\n", err->msg);
	_exit(1);
}

/*
 * Read the data fd: the init data line into d (strict: initdata.c), the
 * config.json text after it into *config (in *text, which the caller frees).
 */
static int data_read(int fd, struct initdata *d, char **text, char **config, size_t *config_len,
		     struct kerr *err)
{
	size_t len;
	char *nl;

	*text = util_read_fd(fd, &len, err);
	if (!*text)
		return kerr_wrap(err, "init data");
	nl = memchr(*text, '\n', len);
	if (!nl)
		return kerr_set(err, "init data: no config");
	*config = nl + 1;
	*config_len = len - (size_t)(nl + 1 - *text);
	return initdata_decode(*text, (size_t)(nl - *text), d, err);
}

/* The v1 hierarchies as rootfs/ takes them: views of d's strings. */
static struct rootfs_cgroup_v1 *cgroups_view(const struct initdata *d)
{
	struct rootfs_cgroup_v1 *v = calloc(d->n_cgroups_v1 + 1, sizeof(*v));

	for (size_t i = 0; v && i < d->n_cgroups_v1; i++) {
		v[i].controller = d->cgroups_v1[i].controller;
		v[i].host_path = d->cgroups_v1[i].path;
	}
	return v;
}

/* LISTEN_FDS from the caller pass through: the fds are 3.., pid 1 in here. */
static int env_add_listen_fds(struct spec_process *p, int n, struct kerr *err)
{
	char **v = realloc(p->env.v, (p->env.n + 3) * sizeof(char *));

	if (!v)
		return kerr_errno(err, ENOMEM, "env");
	p->env.v = v;
	if (asprintf(&v[p->env.n], "LISTEN_FDS=%d", n) < 0)
		return kerr_errno(err, ENOMEM, "env");
	p->env.n++;
	v[p->env.n] = strdup("LISTEN_PID=1");
	if (!v[p->env.n])
		return kerr_errno(err, ENOMEM, "env");
	p->env.n++;
	v[p->env.n] = NULL;
	return 0;
}

static bool has_new_ns(const struct spec *s, enum spec_ns_type t)
{
	const struct spec_namespace *ns = spec_find_ns(s, t);

	return ns && !ns->path;
}

static bool any_hooks(const struct spec *s)
{
	return s->hooks.prestart.n || s->hooks.create_runtime.n || s->hooks.create_container.n ||
	       s->hooks.start_container.n;
}

/* Ask kura to run prestart + createRuntime; returns the state JSON for ours. */
static char *hooks_exchange(struct kerr *err)
{
	struct sync_msg m;

	if (sync_send(sync_fd, SYNC_HOOKS, 0, NULL) < 0) {
		kerr_errno(err, errno, "sync hooks");
		return NULL;
	}
	if (sync_recv(sync_fd, &m) <= 0 || m.type != SYNC_HOOKS_DONE) {
		kerr_set(err, "sync hooks: no answer from kura");
		return NULL;
	}
	if (m.value != 0)
		_exit(1); /* kura has the error and shows it */
	return strdup(m.text);
}

/*
 * The exec FIFO.  kura opened it read-write on the host, filled its pipe
 * buffer and passed the fd (exec_fifo_open in container/create.c): this one-byte
 * write blocks until `kura start` reads, so the wait needs no path, no
 * /proc and no other fd of the host (a reopen through /proc/self/fd would
 * keep a host /proc open across the wait).
 * The fd stays open, CLOEXEC: it closes with the execve of the process, so
 * `kura start` sees EOF only once the process runs and then runs the
 * poststart hooks, after startContainer, as the spec orders them.
 */
static int fifo_wait(int fifo_fd, struct kerr *err)
{
	ssize_t n;

	do
		n = write(fifo_fd, "0", 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return kerr_errno(err, n < 0 ? errno : EIO, "write exec fifo");
	return 0;
}

/* close_range every fd from first up but the n in keep (sorted here; -1s ignored) */
static int close_from_except(unsigned int first, int *keep, size_t n)
{
	unsigned int from = first;

	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];

			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < 0 || (unsigned int)keep[i] < from)
			continue;
		if ((unsigned int)keep[i] > from &&
		    syscall(SYS_close_range, from, (unsigned int)keep[i] - 1, 0) < 0)
			return -1;
		from = (unsigned int)keep[i] + 1;
	}
	return (int)syscall(SYS_close_range, from, ~0U, 0);
}

/*
 * Before the process settings and the FIFO wait, which can last for days in
 * a container that others see: keep stdio, the fds passed on to the
 * process, the FIFO, the sync socket (closed after READY), and what the
 * process settings still use (console socket, compiled seccomp filter);
 * close the rest.  Nothing that leads to the host, its /proc, kura's state
 * dir or binary stays open.  Here and not later: a seccomp profile may
 * refuse close_range to the process once loaded.
 */
static int close_all_but_needed(const struct initdata *d, struct kerr *err)
{
	unsigned int first = 3 + (unsigned int)d->preserve_fds + (unsigned int)d->listen_fds;
	int keep[] = { d->fifo_fd, sync_fd, d->console_fd, d->seccomp_fd };

	if (d->fifo_fd < (int)first)
		return kerr_set(err, "init data: exec fifo fd %d among the passed fds", d->fifo_fd);
	if (close_from_except(first, keep, sizeof(keep) / sizeof(keep[0])) < 0)
		return kerr_errno(err, errno, "close_range");
	return 0;
}

/*
 * jansson seeds its hash function on the first object from /dev/urandom
 * (open, read, close); one getrandom() does: 1 syscall instead of 3.
 */
static void json_seed(void)
{
	uint32_t seed = 0;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed) && seed)
		json_object_seed(seed);
}

/*
 * The ignored signals, from SigIgn of /proc/self/status (bit n-1: signal n);
 * false when it cannot be read.
 */
static bool signals_ignored(uint64_t *ign)
{
	char buf[4096];
	ssize_t n;
	const char *p;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strstr(buf, "\nSigIgn:");
	if (!p)
		return false;
	*ign = strtoull(p + strlen("\nSigIgn:"), NULL, 16);
	return true;
}

/*
 * execve resets every caught signal to its default and keeps only SIG_IGN
 * (and the blocked mask): the ignored ones kura inherited are all there is
 * to reset here (the spawn child already reset kura's handlers).  One read
 * of /proc/self/status instead of 64 signal() calls: 10 us against 70 us
 * (2-core VM, kernel 6.18: open+read+close of /proc/self/status vs a
 * signal(sig, SIG_DFL) loop over 1..64, each 2000 times in a C loop, mean).
 */
static void reset_signals(void)
{
	/*
	 * The kernel's sigaction, raw: glibc's refuses the two signals it keeps
	 * for itself (32 and 33), which a caller may still have left ignored.
	 */
	struct {
		void (*handler)(int);
		unsigned long flags;
		void (*restorer)(void);
		uint64_t mask;
	} dfl = { .handler = SIG_DFL };
	sigset_t none;
	uint64_t ign = ~UINT64_C(0);

	(void)signals_ignored(&ign);
	for (int sig = 1; sig <= 64; sig++)
		if ((ign & (UINT64_C(1) << (sig - 1))) && sig != SIGKILL && sig != SIGSTOP)
			(void)syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask));
	/* kura blocks every signal while it creates; the container must not inherit that */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * What both modes do for the process: its terminal (the first process also
 * gets /dev/console), the per-process settings, LISTEN_FDS, then the last
 * privileged steps.  Any failure ends the init half.
 */
static void init_process(struct initdata *d, struct spec *s, struct spec_process *p,
			 bool exec_mode)
{
	struct kerr err;
	uint32_t h = p->has_console_size ? p->console_height : 0;
	uint32_t w = p->has_console_size ? p->console_width : 0;

	if (p->terminal) {
		if (d->console_fd < 0) {
			kerr_set(&err, "terminal: true but no console socket");
			init_fail(&err);
		}
		if ((exec_mode ? console_setup_exec(d->console_fd, h, w, &err)
			       : console_setup(d->console_fd, h, w, &err)) < 0)
			init_fail(&err);
	}
	if (d->console_fd >= 0)
		close(d->console_fd);
	if (process_setup(p, s, &err) < 0 || process_env_home(p, &err) < 0)
		init_fail(&err);
	if (d->listen_fds > 0 && env_add_listen_fds(p, d->listen_fds, &err) < 0)
		init_fail(&err);
	if (process_finalize(p, s, sync_fd, &err) < 0)
		init_fail(&err);
}

/*
 * Issue 16, what the init half of `kura run` of /bin/true on the default
 * spec costs (2-core VM, kernel 6.18, v1 cgroups): 458 -> 307 syscalls from
 * its execveat to its execve (strace -f -tt -T, counted per syscall), and
 * from its execveat to READY a median of 6.05 -> 5.53 ms (perf trace -a -e
 * execveat,sendto around each run, old and new binary alternating, 91/93
 * runs, other test suites loading the host).
 */
static void __attribute__((noreturn)) init_create(struct initdata *d, struct spec *s)
{
	struct kerr err;
	struct spec_process *p = &s->process;
	_cleanup_free_ char *state = NULL;
	_cleanup_free_ struct rootfs_cgroup_v1 *cgv1 = cgroups_view(d);
	char times[96] = "";
	const struct spec_namespace *mnt = spec_find_ns(s, SPEC_NS_MOUNT);
	struct rootfs_opts ro = {
		.spec = s,
		.rootfs = d->rootfs,
		.bundle = d->bundle,
		.no_pivot = d->no_pivot,
		.shared_mntns = !mnt,
		.new_userns = has_new_ns(s, SPEC_NS_USER),
		.new_netns = has_new_ns(s, SPEC_NS_NETWORK),
		.new_cgroupns = has_new_ns(s, SPEC_NS_CGROUP),
		.cgroups_v1 = cgv1,
		.n_cgroups_v1 = d->n_cgroups_v1,
		.cgroup_v2 = d->cgroup_v2,
		.dev_nodes_fd = d->dev_nodes_fd,
	};

	/* the config kura made the trees for is this one: same mounts, same order */
	if (d->idmap_fds && d->n_idmap_fds == s->n_mounts)
		ro.idmap_fds = d->idmap_fds;

	if (mnt && mnt->path) {
		int fd = open(mnt->path, O_RDONLY | O_CLOEXEC);

		if (fd < 0 || setns(fd, CLONE_NEWNS) < 0) {
			kerr_errno(&err, errno, "setns mnt %s", mnt->path);
			init_fail(&err);
		}
		close(fd);
	}
	if (!cgv1) {
		kerr_errno(&err, ENOMEM, "init");
		init_fail(&err);
	}
	if (!d->no_new_keyring) {
		char name[128];

		/* a session keyring of its own, as runc gives each container */
		snprintf(name, sizeof(name), "_ses.%.100s", d->id);
		(void)syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name, 0, 0, 0);
	}
	if (rootfs_prepare(&ro, &err) < 0)
		init_fail(&err);
	init_phase(PH_MOUNTS);
	if (any_hooks(s)) {
		state = hooks_exchange(&err);
		if (!state)
			init_fail(&err);
		if (hooks_run(&s->hooks.create_container, "createContainer", state, &err) < 0)
			init_fail(&err);
	}
	if (rootfs_pivot(&ro, &err) < 0)
		init_fail(&err);
	if (process_setup_container(s, &err) < 0)
		init_fail(&err);
	if (rootfs_finalize(&ro, &err) < 0)
		init_fail(&err);
	init_phase(PH_PIVOT);
	if (close_all_but_needed(d, &err) < 0)
		init_fail(&err);
	init_process(d, s, p, false);
	if (d->seccomp_fd >= 0)
		close(d->seccomp_fd);
	init_phase(PH_PROCESS);
	if (phase_t[PH_MAIN])
		snprintf(times, sizeof(times), "%llu %llu %llu %llu",
			 (unsigned long long)phase_t[PH_MAIN], (unsigned long long)phase_t[PH_MOUNTS],
			 (unsigned long long)phase_t[PH_PIVOT], (unsigned long long)phase_t[PH_PROCESS]);
	/* the last word to kura: the FIFO is all the init holds from here on */
	if (sync_send(sync_fd, SYNC_READY, 0, times) < 0)
		_exit(1);
	close(sync_fd);
	sync_fd = -1;
	if (fifo_wait(d->fifo_fd, &err) < 0)
		_exit(1); /* kura create has returned: nobody to tell */
	if (s->hooks.start_container.n) {
		/* the spec's state for startContainer: created, the process not yet run */
		json_t *st = json_loads(state ? state : "{}", 0, NULL);
		char *text;

		if (st)
			json_object_set_new(st, "status", json_string("created"));
		text = st ? json_dumps(st, JSON_COMPACT) : NULL;
		json_decref(st);
		if (hooks_run(&s->hooks.start_container, "startContainer", text ? text : "{}",
			      &err) < 0) {
			fprintf(stderr, "kura: %s\n", err.msg);
			_exit(1);
		}
		free(text);
	}
	process_exec(p, &err);
	fprintf(stderr, "kura: %s\n", err.msg);
	_exit(127);
}

static void __attribute__((noreturn)) init_exec(struct initdata *d, struct spec *s,
						struct spec_process *p)
{
	struct kerr err;

	if (d->mntns_fd < 0 || setns(d->mntns_fd, CLONE_NEWNS) < 0) {
		kerr_errno(&err, errno, "setns mnt");
		init_fail(&err);
	}
	close(d->mntns_fd);
	/* its own process group, as runc and crun (a terminal's setsid does that) */
	if (!p->terminal && setpgid(0, 0) < 0) {
		kerr_errno(&err, errno, "setpgid");
		init_fail(&err);
	}
	/* non-dumpable since the execve (main.c): nothing of ours is reachable */
	init_process(d, s, p, true);
	/* on success the sync socket closes with the execve (CLOEXEC): kura's "ok" */
	process_exec(p, &err);
	init_fail(&err);
}

int cmd_init(struct kura_global *g, int argc, char **argv)
{
	struct initdata d = { 0 };
	struct spec s;
	struct spec_process p;
	struct spec_errors errs = { 0 };
	struct kerr err;
	char *text = NULL, *config = NULL;
	size_t config_len = 0;
	long long n;
	int data_fd;

	(void)g;
	if (getenv(SYNC_PHASES_ENV))
		phase_t[PH_MAIN] = phase_now();
	test_pause("init-start");
	reset_signals();
	json_seed();
	if (argc != 3 || util_parse_long(argv[1], &n) < 0) {
		fprintf(stderr, "kura init is internal: kura-shim runs it\n");
		return 1;
	}
	sync_fd = (int)n;
	if (util_parse_long(argv[2], &n) < 0) {
		kerr_set(&err, "init: bad data fd");
		init_fail(&err);
	}
	data_fd = (int)n;
	if (data_read(data_fd, &d, &text, &config, &config_len, &err) < 0)
		init_fail(&err);
	close(data_fd);
	/* the seccomp program kura compiled, a sealed memfd */
	if (d.seccomp_fd >= 0)
		seccomp_use_prepared(d.seccomp_fd);
	/*
	 * Nothing of kura's may reach the container (CVE-2024-21626): every fd
	 * past stdio and the preserved ones closes on execve.
	 */
	syscall(SYS_close_range, 3 + d.preserve_fds + d.listen_fds, ~0U, CLOSE_RANGE_CLOEXEC);
	if (fcntl(sync_fd, F_SETFD, FD_CLOEXEC) < 0) {
		kerr_errno(&err, errno, "sync fd");
		init_fail(&err);
	}
	if (spec_parse(config, config_len, "config.json", &s, &errs) < 0) {
		kerr_set(&err, "%s", errs.n ? errs.msg[0] : "config.json: invalid");
		init_fail(&err);
	}
	spec_errors_free(&errs);
	if (d.mode == INITDATA_CREATE)
		init_create(&d, &s);
	if (spec_process_parse(d.process, strlen(d.process), "process.json", &p, &errs) < 0) {
		kerr_set(&err, "%s", errs.n ? errs.msg[0] : "process.json: invalid");
		init_fail(&err);
	}
	init_exec(&d, &s, &p);
}
