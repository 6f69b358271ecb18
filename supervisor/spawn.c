/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kura's side of kura-shim (spawn.h): seal the init half's binary, encode the
 * bootstrap blob, start the shim, write its id maps, learn the init's pid.
 */
#include "spawn.h"

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

#include "bootstrap.h"
#include "sync.h"
#include "util.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#endif

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

extern char **environ;

/* ---- the sealed fd of kura (CVE-2019-5736) ---- */

/*
 * A read-only detached bind mount of our own binary: a container that
 * reopens /proc/<init>/exe for writing gets EROFS, and the init keeps
 * sharing the page cache of kura's file.  Measured per create on the test VM
 * (1000 runs): open_tree + mount_setattr 7 us; the close that dissolves the
 * mount waits for an RCU grace period, 20 us idle but 250-500 us under load.
 * A sealed memfd copy costs 27 us for 85 KiB, 75 us for kura stripped
 * (280 KiB) and 300 us for kura with debug info (1.2 MiB), plus that much
 * memory while the init half waits for `start`.  End to end (spawn_start to
 * the init's main, loaded VM, 200 runs) bind 10.6-10.8 ms, memfd 10.9-12.3.
 */
static int seal_by_bind(struct kerr *err)
{
	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
	};
	_cleanup_close_ int fd = (int)syscall(SYS_open_tree, AT_FDCWD, "/proc/self/exe",
					      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (fd < 0)
		return kerr_errno(err, errno, "open_tree /proc/self/exe");
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return kerr_errno(err, errno, "mount_setattr read-only /proc/self/exe");
	return take_fd(&fd);
}

/* Without CAP_SYS_ADMIN (rootless) there is no bind: copy into a sealed memfd. */
static int seal_by_memfd(struct kerr *err)
{
	_cleanup_close_ int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int fd = -1;
	struct stat st;
	off_t off = 0;

	if (src < 0 || fstat(src, &st) < 0)
		return kerr_errno(err, errno, "open /proc/self/exe");
	fd = memfd_create("kura", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL) /* kernels before 6.3 know no MFD_EXEC */
		fd = memfd_create("kura", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return kerr_errno(err, errno, "memfd_create");
	while (off < st.st_size) {
		ssize_t n = sendfile(fd, src, &off, (size_t)(st.st_size - off));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return kerr_errno(err, n < 0 ? errno : EIO, "copy /proc/self/exe to memfd");
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
		return kerr_errno(err, errno, "seal memfd");
	return take_fd(&fd);
}

/*
 * In a user namespace the init half must run from a file it cannot read.
 * kura-shim execs it after joining the container's user namespace, so the
 * new mm belongs to that namespace, and a container process with
 * CAP_SYS_PTRACE there (its own, by its config) could ptrace the init or
 * open its fds despite the init being non-dumpable.  An exec of a file the
 * process may run but not read makes the kernel tie the mm to the nearest
 * user namespace that owns the file (would_dump(): the host's, for a file of
 * the host's root, which is unmapped in the container) and keep it
 * non-dumpable.  A memfd can be 0111; kura's binary on disk is 0755.
 */
static int seal_unreadable(struct kerr *err)
{
	_cleanup_close_ int fd = seal_by_memfd(err);

	if (fd < 0)
		return -1;
	if (fchmod(fd, 0111) < 0)
		return kerr_errno(err, errno, "chmod 0111 sealed kura");
	return take_fd(&fd);
}

static int spawn_seal_self(const struct spawn_req *req, struct kerr *err)
{
	struct kerr e1;
	int fd;

	if (req->spec && spec_find_ns(req->spec, SPEC_NS_USER) && geteuid() == 0)
		return seal_unreadable(err);
	fd = seal_by_bind(&e1);
	if (fd >= 0)
		return fd;
	fd = seal_by_memfd(err);
	if (fd < 0)
		return kerr_wrap(err, "seal kura (%s)", e1.msg);
	return fd;
}

/* ---- the blob ---- */

struct blob_parts {
	struct bootstrap b;
	char paths[BOOTSTRAP_JOIN_MAX][64]; /* exec mode: /proc/<pid>/ns/<x> */
	char *uid_map, *gid_map;
	bool use_newuidmap, use_newgidmap;
};

static void blob_parts_free(struct blob_parts *p)
{
	free(p->uid_map);
	free(p->gid_map);
}

static char *idmap_text(const struct spec_idmap *m, size_t n, struct kerr *err)
{
	size_t cap = n * 36 + 1, len = 0;
	char *t = malloc(cap);

	if (!t) {
		kerr_errno(err, ENOMEM, "id map");
		return NULL;
	}
	t[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(t + len, cap - len, "%u %u %u\n", m[i].container_id,
					m[i].host_id, m[i].size);
	return t;
}

/*
 * Unprivileged kura may write only a one-line map of its own id; anything
 * else needs the setuid helpers (and /etc/subuid).
 */
static bool idmap_needs_helper(const struct spec_idmap *m, size_t n, uint32_t self)
{
	if (geteuid() == 0)
		return false;
	return n > 1 || (n == 1 && (m[0].size != 1 || m[0].host_id != self));
}

static const char *find_helper(const char *name)
{
	static char buf[2][PATH_MAX];
	static const char *const dirs[] = { "/usr/bin", "/bin", "/usr/sbin", "/sbin" };
	char *b = buf[strcmp(name, "newuidmap") == 0 ? 0 : 1];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(b, PATH_MAX, "%s/%s", dirs[i], name);
		if (access(b, X_OK) == 0)
			return b;
	}
	return NULL;
}

static int ns_same_as_ours(pid_t pid, const char *name, bool *same)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	if (stat(path, &a) < 0)
		return errno == ENOENT ? (*same = true, 0) : -1;
	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	if (stat(path, &b) < 0)
		return errno == ENOENT ? (*same = true, 0) : -1;
	*same = a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	return 0;
}

/* Exec mode: join every namespace of the container that is not ours, but mnt. */
static int blob_exec_joins(struct blob_parts *p, pid_t pid, struct kerr *err)
{
	static const uint32_t order[] = { CLONE_NEWUSER, CLONE_NEWIPC, CLONE_NEWUTS,
					  CLONE_NEWNET,  CLONE_NEWPID, CLONE_NEWCGROUP,
					  0x00000080 /* CLONE_NEWTIME */ };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const char *name = bootstrap_ns_name(order[i]);
		bool same;

		if (ns_same_as_ours(pid, name, &same) < 0)
			return kerr_errno(err, errno, "namespace %s of pid %d", name, (int)pid);
		if (same)
			continue;
		snprintf(p->paths[p->b.n_join], sizeof(p->paths[0]), "/proc/%d/ns/%s", (int)pid,
			 name);
		p->b.join[p->b.n_join].type = order[i];
		p->b.join[p->b.n_join].path = p->paths[p->b.n_join];
		p->b.n_join++;
	}
	return 0;
}

static int blob_create_namespaces(struct blob_parts *p, const struct spec *s,
				  struct kerr *err)
{
	const struct spec_linux *l = &s->linux_;

	if (!s->has_linux)
		return 0;
	for (size_t i = 0; i < l->n_namespaces; i++) {
		const struct spec_namespace *ns = &l->namespaces[i];
		uint32_t flag = (uint32_t)spec_ns_clone_flag(ns->type);

		if (!ns->path) {
			p->b.clone_flags |= flag;
			continue;
		}
		/* the init half joins a mount namespace path itself (spawn.h) */
		if (ns->type == SPEC_NS_MOUNT)
			continue;
		if (p->b.n_join >= BOOTSTRAP_JOIN_MAX)
			return kerr_set(err, "config.json: .linux.namespaces: too many");
		p->b.join[p->b.n_join].type = flag;
		p->b.join[p->b.n_join].path = ns->path;
		p->b.n_join++;
	}
	if (p->b.clone_flags & CLONE_NEWUSER) {
		p->uid_map = idmap_text(l->uid_mappings, l->n_uid_mappings, err);
		p->gid_map = p->uid_map ? idmap_text(l->gid_mappings, l->n_gid_mappings, err) : NULL;
		if (!p->gid_map)
			return -1;
		p->b.uid_map.text = p->uid_map;
		p->b.uid_map.len = strlen(p->uid_map);
		p->b.gid_map.text = p->gid_map;
		p->b.gid_map.len = strlen(p->gid_map);
		p->use_newuidmap = idmap_needs_helper(l->uid_mappings, l->n_uid_mappings, geteuid());
		p->use_newgidmap = idmap_needs_helper(l->gid_mappings, l->n_gid_mappings, getegid());
		if (p->use_newuidmap && !(p->b.newuidmap = find_helper("newuidmap")))
			return kerr_set(err, "uid mappings beyond kura's own uid need "
					     "newuidmap (uidmap package)");
		if (p->use_newgidmap && !(p->b.newgidmap = find_helper("newgidmap")))
			return kerr_set(err, "gid mappings beyond kura's own gid need "
					     "newgidmap (uidmap package)");
		/* the kernel lets an unprivileged writer set gid_map only so */
		p->b.setgroups_deny = geteuid() != 0 && !p->use_newgidmap;
	}
	if (p->b.clone_flags & 0x00000080 /* CLONE_NEWTIME */) {
		if (l->time_monotonic.present)
			p->b.time_monotonic = (struct bootstrap_time){
				true, l->time_monotonic.secs, l->time_monotonic.nanosecs };
		if (l->time_boottime.present)
			p->b.time_boottime = (struct bootstrap_time){
				true, l->time_boottime.secs, l->time_boottime.nanosecs };
	}
	return 0;
}

static int blob_build(struct blob_parts *p, const struct spawn_req *req, int init_fd,
		      struct kerr *err)
{
	char why[256];

	memset(p, 0, sizeof(*p));
	p->b.mode = req->mode == SPAWN_EXEC ? BOOTSTRAP_MODE_EXEC : BOOTSTRAP_MODE_CREATE;
	p->b.init_fd = init_fd;
	p->b.data_fd = req->data_fd;
	p->b.has_oom_score_adj = req->has_oom_score_adj;
	p->b.oom_score_adj = req->oom_score_adj;
	if (req->mode == SPAWN_EXEC) {
		if (blob_exec_joins(p, req->join_pid, err) < 0)
			return -1;
	} else if (req->spec && blob_create_namespaces(p, req->spec, err) < 0) {
		return -1;
	}
	/* The decoder's rules, checked here so the user reads them from kura. */
	if (bootstrap_check(&p->b, why, sizeof(why)) < 0)
		return kerr_set(err, "%s", why);
	return 0;
}

/* ---- id maps ---- */

static int run_idmap_helper(const char *helper, pid_t pid, const struct spec_idmap *m,
			    size_t n, struct kerr *err)
{
	char **argv = calloc(3 * n + 3, sizeof(char *));
	char *nums = malloc((3 * n + 1) * 12);
	size_t k = 0;
	int r;

	if (!argv || !nums) {
		free(argv);
		free(nums);
		return kerr_errno(err, ENOMEM, "%s", helper);
	}
	argv[k++] = (char *)helper;
	snprintf(nums, 12, "%d", (int)pid);
	argv[k++] = nums;
	for (size_t i = 0; i < n; i++) {
		uint32_t v[3] = { m[i].container_id, m[i].host_id, m[i].size };

		for (int j = 0; j < 3; j++) {
			char *slot = nums + 12 * (3 * i + (size_t)j + 1);

			snprintf(slot, 12, "%u", v[j]);
			argv[k++] = slot;
		}
	}
	argv[k] = NULL;
	r = util_run(helper, argv, NULL, err);
	free(argv);
	free(nums);
	return r < 0 ? kerr_wrap(err, "%s %d", helper, (int)pid) : 0;
}

static int write_proc(pid_t pid, const char *file, const char *text, struct kerr *err)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	if (util_write_file(path, text, strlen(text), err) < 0)
		return kerr_wrap(err, "write %s", file);
	return 0;
}

static int spawn_map_ids(const struct blob_parts *p, const struct spec *s, pid_t pid,
			 struct kerr *err)
{
	const struct spec_linux *l = &s->linux_;

	if (p->b.setgroups_deny && write_proc(pid, "setgroups", "deny", err) < 0)
		return -1;
	if (p->use_newuidmap) {
		if (run_idmap_helper(p->b.newuidmap, pid, l->uid_mappings, l->n_uid_mappings, err) < 0)
			return -1;
	} else if (p->uid_map[0] && write_proc(pid, "uid_map", p->uid_map, err) < 0) {
		return -1;
	}
	if (p->use_newgidmap) {
		if (run_idmap_helper(p->b.newgidmap, pid, l->gid_mappings, l->n_gid_mappings, err) < 0)
			return -1;
	} else if (p->gid_map[0] && write_proc(pid, "gid_map", p->gid_map, err) < 0) {
		return -1;
	}
	return 0;
}

/* ---- starting the shim ---- */

struct shim {
	pid_t pid;
	int pidfd;
	bool in_cgroup; /* born there by clone3 CLONE_INTO_CGROUP */
};

/* What the child needs to become kura-shim. */
struct shim_exec {
	const char *path;
	int sock;
	const struct spawn_req *req;
	int init_fd;
	char **envp;
};

/*
 * The child, before execve.  In the vfork path it shares kura's memory:
 * only its own stack, syscalls and NUL-terminated formatting here.
 */
__attribute__((noreturn)) static void shim_child(const struct shim_exec *x)
{
	const struct spawn_req *req = x->req;
	char fdarg[16];
	char *argv[] = { "kura-shim", fdarg, NULL };
	char text[PATH_MAX + 64];
	sigset_t none;

	/*
	 * Caught signals must not run kura's handlers here (shared memory), and
	 * ignored ones would stay ignored in the container's process.
	 */
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (fcntl(x->sock, F_SETFD, 0) < 0 || fcntl(x->init_fd, F_SETFD, 0) < 0 ||
	    (req->data_fd >= 0 && fcntl(req->data_fd, F_SETFD, 0) < 0))
		goto fail;
	for (int i = 0; i < req->n_keep_fds; i++)
		if (fcntl(req->keep_fds[i], F_SETFD, 0) < 0)
			goto fail;
	snprintf(fdarg, sizeof(fdarg), "%d", x->sock);
	execve(x->path, argv, x->envp);
fail:
	snprintf(text, sizeof(text), "exec %s: %s", x->path, strerror(errno));
	sync_send(x->sock, SYNC_ERROR, -1, text);
	_exit(127);
}

/*
 * Uninstrumented: ASan would announce the noreturn call to shim_child and,
 * not knowing this static stack, warn that it ignores it ("False positive
 * error reports may follow").  shim_vfork unpoisons the stack itself.
 */
__attribute__((no_sanitize_address)) static int shim_child_fn(void *arg)
{
	shim_child(arg);
}

/*
 * Without a cgroup to be born in: CLONE_VM|CLONE_VFORK, as posix_spawn
 * does, because copying kura's page tables is most of a fork's cost (3.6 ms
 * against 1.1 ms for fork+exec against vfork+exec on the 2-core test VM).
 */
static int shim_vfork(const struct shim_exec *x, struct shim *sh, struct kerr *err)
{
	static unsigned char stack[64 * 1024] __attribute__((aligned(16)));
	sigset_t all, old;
	int pid, e;

#ifdef __SANITIZE_ADDRESS__
	/* a child that exec'd never returned: its frames' redzones stay poisoned */
	__asan_unpoison_memory_region(stack, sizeof(stack));
#endif
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = clone(shim_child_fn, stack + sizeof(stack),
		    CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, (void *)x, &sh->pidfd);
	e = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		return kerr_errno(err, e, "clone kura-shim");
	sh->pid = pid;
	return 0;
}

/* clone3: a pidfd at birth, and born in the container's cgroup. */
static int shim_clone(const struct spawn_req *req, const struct shim_exec *x, struct shim *sh,
		      struct kerr *err)
{
	struct clone_args args;
	long pid;

	if (req->cgroup_fd < 0)
		return shim_vfork(x, sh, err);
	memset(&args, 0, sizeof(args));
	args.flags = CLONE_PIDFD | CLONE_INTO_CGROUP;
	args.pidfd = (uint64_t)(uintptr_t)&sh->pidfd;
	args.exit_signal = SIGCHLD;
	args.cgroup = (uint64_t)req->cgroup_fd;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	/* e.g. a threaded cgroup or an old kernel: before_blob moves it instead */
	if (pid < 0)
		return shim_vfork(x, sh, err);
	if (pid == 0)
		shim_child(x);
	sh->pid = (pid_t)pid;
	sh->in_cgroup = true;
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

/*
 * Whatever happened, leave nothing running: kill and reap the shim, and an
 * init it may already have forked (its pid is queued behind what we read).
 */
static void shim_abort(struct shim *sh, int sock)
{
	struct sync_msg m;
	int status;

	if (sh->pid > 0) {
		syscall(SYS_pidfd_send_signal, sh->pidfd, SIGKILL, NULL, 0);
		shim_wait(sh, &status);
	}
	for (;;) {
		ssize_t n = recv(sock, &m, sizeof(m), MSG_DONTWAIT);

		if (n <= 0)
			break;
		if ((size_t)n >= offsetof(struct sync_msg, text) && m.type == SYNC_PID &&
		    m.value > 0) {
			kill(m.value, SIGKILL);
			waitpid(m.value, NULL, 0);
		}
	}
}

static int shim_converse(const struct spawn_req *req, const struct blob_parts *p,
			 struct shim *sh, int sock, pid_t *init_pid, struct kerr *err)
{
	struct sync_msg m;
	bool mapped = false;

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
		r = sync_recv(sock, &m);
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
			siginfo_t si = { 0 };

			/* CLONE_PARENT made the init our child: anything else is no init of ours */
			if (m.value <= 0 || waitid(P_PID, (id_t)m.value, &si,
						   WEXITED | WNOHANG | WNOWAIT) < 0)
				return kerr_set(err, "kura-shim: pid %d is not its init", (int)m.value);
			*init_pid = m.value;
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
	env = calloc(n + 2, sizeof(char *));
	if (!env)
		return NULL;
	env[k++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
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
	{
		struct shim_exec x = { shim_path, peer, req, init_fd, envp };

		if (shim_clone(req, &x, &sh, err) < 0)
			goto fail_parts;
	}
	close(take_fd(&peer));

	/* born in the cgroup: no second move through cgroup.procs */
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
