/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The init half: `kura init <syncfd> <datafd>`, exec'd by kura-shim inside
 * the container's new namespaces (or, for exec, the joined ones).  It builds
 * what the container sees and becomes the container process.  Every failure
 * goes to kura as one SYNC_ERROR message; kura shows it and cleans up.
 *
 * The data fd holds one JSON line written by kura (mode, fds, paths), then
 * config.json exactly as the bundle had it.
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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cmd.h"
#include "console.h"
#include "hooks.h"
#include "process.h"
#include "rootfs.h"
#include "spec.h"
#include "process_seccomp.h"
#include "sync.h"
#include "util.h"

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

struct init_data {
	json_t *head;
	const char *mode;
	const char *id;
	const char *rootfs;
	bool no_pivot, no_new_keyring, cgroup_v2;
	int *idmap_fds;
	size_t n_idmap_fds;
	int fifo_fd, console_fd, mntns_fd;
	int preserve_fds, listen_fds;
	struct rootfs_cgroup_v1 *cgv1;
	size_t n_cgv1;
};

static int sync_fd = -1;

static void __attribute__((noreturn)) init_fail(const struct kerr *err)
{
	/* kura prints it; if kura is gone there is no one else to tell */
	if (sync_send(sync_fd, SYNC_ERROR, 0, err->msg) < 0)
		fprintf(stderr, "kura init: %s\n", err->msg);
	_exit(1);
}

static int data_int(const json_t *o, const char *key, int def)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (int)json_integer_value(v) : def;
}

static const char *data_string(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static bool data_bool(const json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

/* Read the data fd: the head line into d, config.json text into *config. */
static int data_read(int fd, struct init_data *d, char **text, char **config, size_t *config_len,
		     struct kerr *err)
{
	size_t len;
	char *nl;
	const json_t *cg, *e, *idm;
	size_t i;

	*text = util_read_fd(fd, &len, err);
	if (!*text)
		return kerr_wrap(err, "init data");
	nl = strchr(*text, '\n');
	if (!nl)
		return kerr_set(err, "init data: no config");
	*nl = '\0';
	*config = nl + 1;
	*config_len = len - (size_t)(nl + 1 - *text);
	d->head = json_loads(*text, 0, NULL);
	if (!d->head)
		return kerr_set(err, "init data: invalid JSON");
	d->mode = data_string(d->head, "mode");
	d->id = data_string(d->head, "id");
	d->rootfs = data_string(d->head, "rootfs");
	d->no_pivot = data_bool(d->head, "noPivot");
	d->no_new_keyring = data_bool(d->head, "noNewKeyring");
	d->cgroup_v2 = data_bool(d->head, "cgroupV2");
	d->fifo_fd = data_int(d->head, "fifoFd", -1);
	d->console_fd = data_int(d->head, "consoleSocketFd", -1);
	d->mntns_fd = data_int(d->head, "mntnsFd", -1);
	d->preserve_fds = data_int(d->head, "preserveFds", 0);
	d->listen_fds = data_int(d->head, "listenFds", 0);
	if (!d->mode || !d->id)
		return kerr_set(err, "init data: no mode or id");
	/* the seccomp program kura compiled, a sealed memfd */
	if (data_int(d->head, "seccompFd", -1) >= 0)
		seccomp_use_prepared(data_int(d->head, "seccompFd", -1));
	/* idmapped trees kura made on the host, by .mounts index (-1: none) */
	idm = json_object_get(d->head, "idmapFds");
	if (json_is_array(idm) && json_array_size(idm) > 0) {
		d->idmap_fds = malloc(json_array_size(idm) * sizeof(int));
		if (!d->idmap_fds)
			return kerr_errno(err, ENOMEM, "init data");
		json_array_foreach(idm, i, e)
			d->idmap_fds[i] = json_is_integer(e) ? (int)json_integer_value(e) : -1;
		d->n_idmap_fds = json_array_size(idm);
	}
	cg = json_object_get(d->head, "cgroupsV1");
	if (json_is_array(cg) && json_array_size(cg) > 0) {
		d->cgv1 = calloc(json_array_size(cg), sizeof(*d->cgv1));
		if (!d->cgv1)
			return kerr_errno(err, ENOMEM, "init data");
		json_array_foreach(cg, i, e) {
			d->cgv1[d->n_cgv1].controller = data_string(e, "controller");
			d->cgv1[d->n_cgv1].host_path = data_string(e, "path");
			if (d->cgv1[d->n_cgv1].controller && d->cgv1[d->n_cgv1].host_path)
				d->n_cgv1++;
		}
	}
	return 0;
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
 * The exec FIFO: reopen kura's O_PATH fd of it through the host's
 * /proc/self/fd, opened before pivot_root (proc_fd_dir), so it works in a
 * container without /proc and as any uid: the FIFO is 0622.  Returns the
 * open write end.
 */
static int fifo_wait(int proc_fd_dir, int fifo_path_fd, struct kerr *err)
{
	char name[16];
	int fd;

	snprintf(name, sizeof(name), "%d", fifo_path_fd);
	fd = openat(proc_fd_dir, name, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return kerr_errno(err, errno, "open exec fifo");
	if (write(fd, "0", 1) != 1) {
		int e = errno;

		close(fd);
		return kerr_errno(err, e, "write exec fifo");
	}
	/*
	 * Left open, CLOEXEC: it closes with the execve of the process, so
	 * `kura start` sees EOF only once the process runs and then runs the
	 * poststart hooks, after startContainer, as the spec orders them.
	 */
	return fd;
}

static void reset_signals(void)
{
	sigset_t none;

	/* kura blocks every signal while it creates; the container must not inherit that */
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * What both modes do for the process: its terminal (the first process also
 * gets /dev/console), the per-process settings, LISTEN_FDS, then the last
 * privileged steps.  Any failure ends the init half.
 */
static void init_process(struct init_data *d, struct spec *s, struct spec_process *p,
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
		close(d->console_fd);
	}
	if (process_setup(p, s, &err) < 0)
		init_fail(&err);
	if (d->listen_fds > 0 && env_add_listen_fds(p, d->listen_fds, &err) < 0)
		init_fail(&err);
	if (process_finalize(p, s, sync_fd, &err) < 0)
		init_fail(&err);
}

static void __attribute__((noreturn)) init_create(struct init_data *d, struct spec *s)
{
	struct kerr err;
	struct spec_process *p = &s->process;
	_cleanup_free_ char *state = NULL;
	int proc_fd_dir;
	const struct spec_namespace *mnt = spec_find_ns(s, SPEC_NS_MOUNT);
	struct rootfs_opts ro = {
		.spec = s,
		.rootfs = d->rootfs,
		.bundle = data_string(d->head, "bundle"),
		.no_pivot = d->no_pivot,
		.shared_mntns = !mnt,
		/* sysctls are written before /proc/sys turns read-only, as runc */
		.finalize_later = true,
		.new_userns = has_new_ns(s, SPEC_NS_USER),
		.new_netns = has_new_ns(s, SPEC_NS_NETWORK),
		.new_cgroupns = has_new_ns(s, SPEC_NS_CGROUP),
		.cgroups_v1 = d->cgv1,
		.n_cgroups_v1 = d->n_cgv1,
		.cgroup_v2 = d->cgroup_v2,
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
	/* the host's procfs, still visible before pivot_root: see fifo_wait() */
	proc_fd_dir = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (proc_fd_dir < 0 || d->fifo_fd < 0) {
		kerr_errno(&err, errno, "open /proc/self/fd");
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
	init_process(d, s, p, false);
	if (sync_send(sync_fd, SYNC_READY, 0, NULL) < 0)
		_exit(1);
	if (fifo_wait(proc_fd_dir, d->fifo_fd, &err) < 0)
		_exit(1); /* kura create has returned: nobody to tell */
	/* the returned write end stays open until the execve (CLOEXEC) */
	close(proc_fd_dir);
	close(d->fifo_fd);
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

static void __attribute__((noreturn)) init_exec(struct init_data *d, struct spec *s,
						struct spec_process *p)
{
	struct kerr err;

	if (d->mntns_fd < 0 || setns(d->mntns_fd, CLONE_NEWNS) < 0) {
		kerr_errno(&err, errno, "setns mnt");
		init_fail(&err);
	}
	close(d->mntns_fd);
	/* no one in the container may ptrace or open /proc/PID/exe of us (CVE-2019-5736) */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	init_process(d, s, p, true);
	/* on success the sync socket closes with the execve (CLOEXEC): kura's "ok" */
	process_exec(p, &err);
	init_fail(&err);
}

int cmd_init(struct kura_global *g, int argc, char **argv)
{
	struct init_data d = { 0 };
	struct spec s;
	struct spec_process p;
	struct spec_errors errs = { 0 };
	struct kerr err;
	char *text = NULL, *config = NULL;
	size_t config_len = 0;
	long long n;
	int data_fd;

	(void)g;
	reset_signals();
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
	if (strcmp(d.mode, "create") == 0)
		init_create(&d, &s);
	if (strcmp(d.mode, "exec") == 0) {
		json_t *pj = json_object_get(d.head, "process");
		char *ptext = pj ? json_dumps(pj, JSON_COMPACT) : NULL;

		if (!ptext || spec_process_parse(ptext, strlen(ptext), "process.json", &p, &errs) < 0) {
			kerr_set(&err, "%s", errs.n ? errs.msg[0] : "process: missing");
			init_fail(&err);
		}
		free(ptext);
		init_exec(&d, &s, &p);
	}
	kerr_set(&err, "init: unknown mode \"%s\"", d.mode);
	init_fail(&err);
}
