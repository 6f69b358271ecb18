/* SPDX-License-Identifier: Apache-2.0 */
#include "container.h"

#include <jansson.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "console.h"
#include "hooks.h"
#include "initdata.h"
#include "log.h"
#include "rootfs.h"
#include "seccomp_cache.h"
#include "spawn.h"
#include "sync.h"
#include "testpause.h"
#include "util.h"

/* ---- small helpers ---- */

int fd_move_above(int fd, int min)
{
	int nfd;

	if (fd < 0 || fd >= min)
		return fd;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, min);
	/* the old fd goes either way: callers overwrite it with the result */
	util_closep(&fd);
	return nfd;
}

char *container_now_rfc3339(void)
{
	struct timespec now;
	struct tm tm;
	char buf[64];
	int n;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	n = (int)strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, sizeof(buf) - (size_t)n, ".%09ldZ", now.tv_nsec);
	return strdup(buf);
}

int container_write_pid_file(const char *path, pid_t pid, struct kerr *err)
{
	char buf[32];
	char abspath[PATH_MAX];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);

	/* go-runc parses the file whole: digits only, no newline */
	if (path[0] != '/') {
		char cwd[PATH_MAX];

		if (!getcwd(cwd, sizeof(cwd)))
			return kerr_errno(err, errno, "getcwd");
		snprintf(abspath, sizeof(abspath), "%s/%s", cwd, path);
		path = abspath;
	}
	if (util_write_atomic(path, buf, (size_t)n, 0644, err) < 0)
		return kerr_wrap(err, "pid file");
	return 0;
}

char *container_state_text(const struct container *c, const char *status)
{
	json_t *j = state_oci_json(c, STATUS_RUNNING);
	char *text;

	if (!j)
		return NULL;
	/* the pid is state_oci_json's already: only the status is the hook's point */
	json_object_set_new(j, "status", json_string(status));
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return text;
}

/* Remove the files kura keeps in the state dir, then the dir. */
static int state_dir_remove(const char *dir, struct kerr *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		if (errno == ENOENT)
			return 0;
		return kerr_errno(err, errno, "open %s", dir);
	}
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) < 0 && errno != ENOENT) {
			int saved = errno;

			closedir(d);
			return kerr_errno(err, saved, "remove %s/%s", dir, e->d_name);
		}
	}
	closedir(d);
	if (rmdir(dir) < 0 && errno != ENOENT)
		return kerr_errno(err, errno, "remove %s", dir);
	return 0;
}

/* The container's config.json, as text already read: its first error names the field. */
static int parse_config(const char *text, size_t len, struct spec *s, struct kerr *err)
{
	struct spec_errors errs = { 0 };
	int r = spec_parse(text, len, "config.json", s, &errs);

	if (r < 0)
		kerr_set(err, "%s", errs.n ? errs.msg[0] : "config.json: invalid");
	spec_errors_free(&errs);
	return r;
}

int container_load_spec(const struct container *c, struct spec *s, struct kerr *err)
{
	char path[PATH_MAX];
	size_t len = 0;
	_cleanup_free_ char *text = NULL;

	snprintf(path, sizeof(path), "%s/config.json", c->dir);
	memset(s, 0, sizeof(*s));
	text = util_read_file(path, &len, err);
	if (!text)
		return kerr_wrap(err, "config.json");
	return parse_config(text, len, s, err);
}

/* ---- create ---- */

static int enter_cgroup(pid_t shim_pid, void *arg, struct kerr *err)
{
	struct container *c = arg;

	if (!c->cg)
		return 0;
	return cgroup_enter(c->cg, shim_pid, err);
}

static bool rootless_without_cgroup(const struct kura_global *g, const struct spec *s,
				    const struct kerr *err)
{
	bool rootless = g->rootless == 1 || (g->rootless == -1 && geteuid() != 0);
	int e = err->errnum;

	return rootless && !g->systemd_cgroup && (e == EACCES || e == EPERM || e == EROFS) &&
	       !(s->linux_.cgroups_path && *s->linux_.cgroups_path) &&
	       !cgroup_resources_limit(&s->linux_.resources);
}

/* create: with --systemd-cgroup the unit is made around the shim here */
struct create_cgroup {
	struct container *c;
	const struct spec *s;
};

static int create_enter_cgroup(pid_t shim_pid, void *arg, struct kerr *err)
{
	struct create_cgroup *cc = arg;

	if (cgroup_is_systemd(cc->c->cg))
		return cgroup_systemd_start(cc->c->cg, cc->s, cc->c->id, shim_pid, err);
	return enter_cgroup(shim_pid, cc->c, err);
}

/* The data fd of the init half: the init data line, then config.json. */
static int make_data_fd(const char *json_head, const char *config_text, size_t config_len,
			int minfd, struct kerr *err)
{
	_cleanup_close_ int fd = memfd_create("kura-init-data", MFD_CLOEXEC);
	size_t hl = strlen(json_head);

	if (fd < 0)
		return kerr_errno(err, errno, "memfd_create");
	/* line 1: the init data (initdata.h); then config.json as is */
	if (util_write_all(fd, json_head, hl) < 0 || util_write_all(fd, "\n", 1) < 0 ||
	    util_write_all(fd, config_text, config_len) < 0)
		return kerr_errno(err, errno, "write init data");
	if (lseek(fd, 0, SEEK_SET) < 0)
		return kerr_errno(err, errno, "lseek init data");
	if ((fd = fd_move_above(fd, minfd)) < 0)
		return kerr_errno(err, errno, "init data");
	return take_fd(&fd);
}

/* The v1 hierarchies of cg for the init data (views of cg's strings). */
static int init_data_cgroups(const struct cgroup *cg, struct initdata *d, struct kerr *err)
{
	const char **names = NULL, **paths = NULL;
	size_t n = cg ? cgroup_v1_paths(cg, &names, &paths) : 0;

	d->cgroups_v1 = calloc(n + 1, sizeof(*d->cgroups_v1));
	if (!d->cgroups_v1)
		return kerr_errno(err, ENOMEM, "init data");
	for (size_t i = 0; i < n; i++) {
		d->cgroups_v1[i].controller = (char *)names[i];
		d->cgroups_v1[i].path = (char *)paths[i];
	}
	d->n_cgroups_v1 = n;
	return 0;
}

/* Send the seccomp notify fd and the container process state to listenerPath. */
static int seccomp_forward(const struct container *c, const struct spec *s, int notify_fd,
			   const char *status, struct kerr *err)
{
	_cleanup_close_ int sock = -1;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	json_t *j, *st;
	char *text, *state;
	struct msghdr mh = { 0 };
	struct iovec iov;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct cmsghdr *cm;
	ssize_t n;

	if (strlen(s->linux_.seccomp.listener_path) >= sizeof(addr.sun_path))
		return kerr_set(err, "linux.seccomp.listenerPath: too long");
	strcpy(addr.sun_path, s->linux_.seccomp.listener_path);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return kerr_errno(err, errno, "socket");
	if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return kerr_errno(err, errno, "connect %s", addr.sun_path);
	state = container_state_text(c, status);
	st = state ? json_loads(state, 0, NULL) : NULL;
	free(state);
	/* the spec's containerProcessState */
	j = json_pack("{s:s, s:[s], s:i, s:s, s:o}", "ociVersion", SPEC_OCI_VERSION, "fds",
		      "seccompFd", "pid", (int)c->pid, "metadata",
		      s->linux_.seccomp.listener_metadata ? s->linux_.seccomp.listener_metadata : "",
		      "state", st ? st : json_object());
	text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!text)
		return kerr_errno(err, ENOMEM, "seccomp state");
	iov.iov_base = text;
	iov.iov_len = strlen(text);
	memset(&u, 0, sizeof(u));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &notify_fd, sizeof(int));
	n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	free(text);
	if (n < 0)
		return kerr_errno(err, errno, "send seccomp fd to %s", addr.sun_path);
	return 0;
}

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

/*
 * Talk to the init half until it is READY (create) or has exec'd (exec: the
 * socket closes on execve).  Serves hooks and the seccomp listener.
 */
static int serve_init(struct container *c, const struct spec *s, pid_t pid, int sync_fd,
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

			if (exec_mode)
				return 0; /* the socket closed on a successful execve */
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
			rc = seccomp_forward(c, s, fd, exec_mode ? "running" : "creating", err);
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
			return 0;
		default: /* SYNC_ERROR: init_may_say let nothing else through */
			return kerr_set(err, "%s", m.text);
		}
	}
}

/*
 * Make DIR/exec.fifo and return an fd of it for the init half's wait,
 * opened read-write here on the host (which never blocks) with its pipe
 * buffer full: the init's one-byte write then blocks until `kura start`
 * reads.  The init needs no path and no /proc to reach the FIFO, and a
 * container root mapped to another host uid (which could not search the
 * 0700 state dir) writes it all the same.
 */
static int exec_fifo_open(const char *dir, int minfd, struct kerr *err)
{
	static const char zeros[4096];
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/exec.fifo", dir);
	/* 0622 whatever our umask, as runc's: start reads it as any uid */
	if (mkfifo(path, 0622) < 0 || chmod(path, 0622) < 0)
		return kerr_errno(err, errno, "mkfifo %s", path);
	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || (fd = fd_move_above(fd, minfd)) < 0)
		return kerr_errno(err, errno, "open %s", path);
	/* one page is the least a pipe holds: 4 KiB of zeros per created container */
	(void)fcntl(fd, F_SETPIPE_SZ, (int)sizeof(zeros));
	while (write(fd, zeros, sizeof(zeros)) > 0)
		;
	if (errno != EAGAIN || fcntl(fd, F_SETFL, O_RDWR) < 0) {
		kerr_errno(err, errno, "fill %s", path);
		close(fd);
		return -1;
	}
	return fd;
}

static int check_terminal(const struct spec *s, const struct create_opts *o, struct kerr *err)
{
	bool terminal = s->has_process && s->process.terminal;

	if (terminal && o->detach && !o->console_socket)
		return kerr_set(err, "cannot allocate tty if kura will detach without setting console socket");
	if (!terminal && o->console_socket)
		return kerr_set(err, "cannot use console socket if kura will not detach or allocate tty");
	return 0;
}

static int console_socket_fd(const char *path, int own_fd, int minfd, struct kerr *err)
{
	int fd;

	if (path) {
		fd = console_connect(path, err);
		if (fd < 0)
			return -1;
		fd = fd_move_above(fd, minfd);
	} else {
		fd = fcntl(own_fd, F_DUPFD_CLOEXEC, minfd);
	}
	if (fd < 0)
		return kerr_errno(err, errno, "console socket");
	return fd;
}

/* The first fd kura may use: past stdio, the preserved fds and LISTEN_FDS. */
static int first_free_fd(int preserve_fds, long long *n_listen)
{
	const char *listen_fds = getenv("LISTEN_FDS");

	if (listen_fds && util_parse_long(listen_fds, n_listen) == 0 && *n_listen > 0)
		return 3 + preserve_fds + (int)*n_listen;
	*n_listen = 0;
	return 3 + preserve_fds;
}

int container_create(struct kura_global *g, const struct create_opts *o, struct container *c,
		     struct spec *s, struct kerr *err)
{
	char path[PATH_MAX], bundle[PATH_MAX], rootfs[PATH_MAX];
	struct spec_errors errs = { 0 };
	_cleanup_free_ char *config_text = NULL;
	_cleanup_free_ char *head = NULL;
	size_t config_len = 0;
	_cleanup_close_ int fifo_fd = -1; /* exec.fifo, armed for the init's wait */
	_cleanup_close_ int data_fd = -1;
	_cleanup_close_ int console_fd = -1;
	struct spawn_result res = { .init_pid = -1, .sync_fd = -1 };
	bool made_dir = false;
	uint64_t rootfs_mnt = 0;
	long long n_listen;
	int minfd = first_free_fd(o->preserve_fds, &n_listen);
	_cleanup_free_ int *keep = NULL; /* fds the init gets: data, FIFO, ..., idmapped trees */
	int n_keep = 0;
	/* idmapped trees for .mounts, by index (-1: none); NULL when none */
	int *idmap = NULL;
	_cleanup_close_ int seccomp_fd = -1;

	memset(c, 0, sizeof(*c));
	c->lock_fd = -1;
	memset(s, 0, sizeof(*s));
	if (state_validate_id(o->id, err) < 0)
		return -1;
	/* 1. the config */
	if (!realpath(o->bundle ? o->bundle : ".", bundle))
		return kerr_errno(err, errno, "bundle %s", o->bundle ? o->bundle : ".");
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	config_text = util_read_file(path, &config_len, err);
	if (!config_text)
		return -1;
	if (spec_parse(config_text, config_len, "config.json", s, &errs) < 0) {
		if (errs.n > 1)
			kerr_set(err, "%s (and %zu more problems: see kura check)", errs.msg[0],
				 errs.n - 1);
		else
			kerr_set(err, "%s", errs.n ? errs.msg[0] : "config.json: invalid");
		spec_errors_free(&errs);
		return -1;
	}
	spec_errors_free(&errs);
	if (!s->has_process) {
		kerr_set(err, "config.json: .process: required to create a container");
		goto fail;
	}
	if (check_terminal(s, o, err) < 0)
		goto fail;
	if (s->root.path[0] == '/')
		snprintf(path, sizeof(path), "%s", s->root.path);
	else
		snprintf(path, sizeof(path), "%s/%s", bundle, s->root.path);
	if (!realpath(path, rootfs)) {
		kerr_errno(err, errno, "config.json: .root.path: %s", path);
		goto fail;
	}

	/* 2. the state dir, locked for the whole create */
	if (util_mkdir_p(g->root, 0700, err) < 0)
		goto fail;
	c->root = strdup(g->root);
	c->id = strdup(o->id);
	c->bundle = strdup(bundle);
	c->rootfs = strdup(rootfs);
	rootfs_mnt = rootfs_mount_id(rootfs); /* what is there before the init binds it */
	if (asprintf(&c->dir, "%s/%s", g->root, o->id) < 0 || !c->root || !c->id || !c->bundle ||
	    !c->rootfs) {
		kerr_errno(err, ENOMEM, "create");
		goto fail;
	}
	if (mkdir(c->dir, 0700) < 0) {
		if (errno == EEXIST)
			kerr_set(err, "container with id exists: %s", o->id);
		else
			kerr_errno(err, errno, "mkdir %s", c->dir);
		goto fail;
	}
	made_dir = true;
	if (state_lock(c, err) < 0) {
		/* a delete took the lock first and removed the dir: it is not ours now */
		if (err->errnum == ENOENT) {
			made_dir = false;
			kerr_set(err, "container %s was deleted while it was being created", o->id);
		}
		goto fail;
	}
	c->lock_fd = fd_move_above(c->lock_fd, minfd);
	if (c->lock_fd < 0) {
		kerr_errno(err, errno, "lock %s", c->dir);
		goto fail;
	}
	c->config_path = strdup("config.json");
	c->owner = strdup("");
	c->created = container_now_rfc3339();
	c->systemd_cgroup = g->systemd_cgroup;
	if (s->annotations.n) {
		c->annotations = json_object();
		for (size_t i = 0; i < s->annotations.n; i++)
			json_object_set_new(c->annotations, s->annotations.v[i].key,
					    json_string(s->annotations.v[i].value));
	}
	snprintf(path, sizeof(path), "%s/config.json", c->dir);
	if (util_write_atomic(path, config_text, config_len, 0600, err) < 0)
		goto fail;
	fifo_fd = exec_fifo_open(c->dir, minfd, err);
	if (fifo_fd < 0)
		goto fail;

	/*
	 * 3. cgroups.  From here on state.json says "creating" and is never
	 * behind the host: the cgroup dirs are on record before they are made,
	 * the init's pid and start time as soon as it exists, so that `delete
	 * --force` after a kill -9 of this create removes exactly what it made.
	 */
	c->creating = true;
	c->rootfs_mnt = rootfs_mnt;
	test_pause("create-after-dir");
	if (s->has_linux) {
		char w[512];
		int r = cgroup_plan(s, o->id, g->systemd_cgroup, &c->cg, err);

		if (r == 0 && state_save(c, err) < 0)
			goto fail;
		if (r == 0)
			r = cgroup_realize(c->cg, s, err);
		if (r < 0) {
			/* realize removed what it made */
			cgroup_free(c->cg);
			c->cg = NULL;
			/*
			 * Rootless with nothing to limit and no cgroupsPath asked
			 * for: a cgroup it may not make is no reason to fail (runc).
			 */
			if (!rootless_without_cgroup(g, s, err)) {
				kerr_wrap(err, "cgroup");
				goto fail;
			}
			log_debug("no cgroup for rootless container %s: %s", o->id, err->msg);
			kerr_clear(err);
		}
		if (c->cg && cgroup_resources_warning(cgroup_made_in(c->cg), &s->linux_.resources,
						      w, sizeof(w)))
			log_warn("%s", w);
	}

	test_pause("create-after-cgroups");

	/* 4. console socket: only a terminal uses it (run passes its own regardless) */
	if (s->has_process && s->process.terminal && (o->console_socket || o->console_fd >= 0) &&
	    (console_fd = console_socket_fd(o->console_socket, o->console_fd, minfd, err)) < 0)
		goto fail;

	/* 4b. idmapped bind mounts: made here, as root of the host */
	if (rootfs_idmap_prepare(s, bundle, &idmap, err) < 0)
		goto fail;
	for (size_t i = 0; idmap && i < s->n_mounts; i++)
		if (idmap[i] >= 0 && (idmap[i] = fd_move_above(idmap[i], minfd)) < 0) {
			kerr_errno(err, errno, "idmapped mount");
			goto fail;
		}

	/* 4c. the seccomp filter, compiled (or cached) here */
	if (seccomp_prepare(s, g->root, minfd, &seccomp_fd, err) < 0)
		goto fail;

	/* 5. init data */
	{
		struct initdata d = {
			.mode = INITDATA_CREATE,
			.id = (char *)o->id,
			.bundle = bundle,
			.rootfs = rootfs,
			.no_pivot = o->no_pivot,
			.no_new_keyring = o->no_new_keyring,
			.cgroup_v2 = (c->cg ? cgroup_made_in(c->cg) : cgroup_detect()) == CGROUP_V2,
			.fifo_fd = fifo_fd,
			.idmap_fds = idmap,
			.n_idmap_fds = idmap ? s->n_mounts : 0,
			.console_fd = console_fd,
			.seccomp_fd = seccomp_fd,
			.preserve_fds = o->preserve_fds,
			.listen_fds = (int)n_listen,
		};

		if (init_data_cgroups(c->cg, &d, err) < 0)
			goto fail;
		head = initdata_encode(&d, err);
		free(d.cgroups_v1);
		if (!head)
			goto fail;
	}
	data_fd = make_data_fd(head, config_text, config_len, minfd, err);
	if (data_fd < 0)
		goto fail;

	/* 6. the shim, then the init half */
	keep = calloc(4 + (idmap ? s->n_mounts : 0), sizeof(int));
	if (!keep) {
		kerr_errno(err, ENOMEM, "spawn");
		goto fail;
	}
	keep[n_keep++] = data_fd;
	keep[n_keep++] = fifo_fd;
	if (console_fd >= 0)
		keep[n_keep++] = console_fd;
	if (seccomp_fd >= 0)
		keep[n_keep++] = seccomp_fd;
	for (size_t i = 0; idmap && i < s->n_mounts; i++)
		if (idmap[i] >= 0)
			keep[n_keep++] = idmap[i];
	{
		/* pure v2: the shim is born in the cgroup (clone3 CLONE_INTO_CGROUP) */
		_cleanup_close_ int cg_fd = c->cg ? cgroup_v2_fd(c->cg) : -1;
		struct create_cgroup cc = { .c = c, .s = s };
		struct spawn_req req = {
			.mode = SPAWN_CREATE,
			.spec = s,
			.join_pid = 0,
			.has_oom_score_adj = s->process.has_oom_score_adj,
			.oom_score_adj = s->process.oom_score_adj,
			.keep_fds = keep,
			.n_keep_fds = n_keep,
			.data_fd = data_fd,
			.before_blob = create_enter_cgroup,
			.before_blob_arg = &cc,
			.cgroup_fd = cg_fd,
		};

		if (spawn_start(&req, &res, err) < 0)
			goto fail;
	}
	close(data_fd);
	data_fd = -1;
	/* the init has its own copies */
	rootfs_idmap_close(idmap, s->n_mounts);
	idmap = NULL;
	c->pid = res.init_pid;
	if (state_proc_stat(c->pid, &c->start_time, NULL) < 0) {
		kerr_set(err, "container init %d exited early", (int)c->pid);
		goto fail;
	}
	/* on record before we wait on it: the init may be left waiting if we die */
	if (state_save(c, err) < 0)
		goto fail;
	test_pause("create-after-spawn");
	if (serve_init(c, s, c->pid, res.sync_fd, false, err) < 0)
		goto fail;
	close(res.sync_fd);
	res.sync_fd = -1;
	test_pause("create-after-ready");
	/* killed meanwhile (a delete --force of it): what it said before it died is moot */
	if (!state_init_alive(c)) {
		kerr_set(err, "container init %d died during create (deleted while being created?)",
			 (int)c->pid);
		goto fail;
	}

	/* 7. the record engines read */
	c->creating = false;
	if (state_save(c, err) < 0)
		goto fail;
	if (o->pid_file && container_write_pid_file(o->pid_file, c->pid, err) < 0)
		goto fail;
	return 0;

fail:
	rootfs_idmap_close(idmap, s->n_mounts);
	if (res.sync_fd >= 0)
		close(res.sync_fd);
	if (res.init_pid > 0) {
		kill(res.init_pid, SIGKILL);
		waitpid(res.init_pid, NULL, 0);
		/*
		 * Only our bind: an init that died before making it left the
		 * engine's own mount on top, which must stay.
		 */
		if (s->has_linux && !spec_find_ns(s, SPEC_NS_MOUNT) && c->rootfs &&
		    (!rootfs_mnt || rootfs_mount_id(c->rootfs) != rootfs_mnt))
			(void)rootfs_detach(c->rootfs);
	}
	if (c->cg) {
		struct kerr e2;

		cgroup_oom_explain(c->cg, s, err);

		if (cgroup_destroy(c->cg, &e2) < 0)
			log_warn("%s", e2.msg);
	}
	if (made_dir) {
		struct kerr e2;

		if (state_dir_remove(c->dir, &e2) < 0)
			log_warn("%s", e2.msg);
	}
	state_free(c);
	spec_free(s);
	return -1;
}

/* ---- start ---- */

/*
 * The next event on the read end of the exec FIFO: 1 when bytes came, or
 * with eof_ends 0 at EOF (the writer was there and is gone, what it wrote
 * read and dropped), -1 with *err.  The init's liveness is checked every
 * 100 ms so a dead init never hangs us.
 */
static int fifo_next(int fd, const struct container *c, bool eof_ends, struct kerr *err)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, 100);
		char buf[8192]; /* the FIFO holds kura's one-page fill and the init's byte */

		if (r < 0 && errno != EINTR)
			return kerr_errno(err, errno, "poll exec fifo");
		if (r > 0) {
			ssize_t n = read(fd, buf, sizeof(buf));

			if (n > 0 && !eof_ends)
				return 1;
			if (n > 0)
				continue; /* the rest of the fill, the init's byte */
			if (n == 0 && eof_ends)
				return 0;
			if (n < 0 && errno != EAGAIN)
				return kerr_errno(err, errno, "read exec fifo");
		}
		if (!state_init_alive(c))
			return eof_ends ? 0 : kerr_set(err, "container init exited before start");
	}
}

int container_start(struct container *c, struct kerr *err)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;

	snprintf(path, sizeof(path), "%s/exec.fifo", c->dir);
	/* non-blocking: the init may have died; poll instead of hanging */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return kerr_errno(err, errno, "open exec fifo");
	test_pause("start-after-open");
	if (fifo_next(fd, c, false, err) < 0)
		return -1;
	unlink(path);
	/* EOF once the init's end closes with its execve: the process runs */
	return fifo_next(fd, c, true, err) < 0 ? -1 : 0;
}

/* ---- kill, destroy ---- */

/* SIGKILL what is left in the cgroup (nothing to do when nobody is). */
static void cgroup_kill_remaining(const struct cgroup *cg)
{
	struct kerr e2;

	(void)cgroup_kill_all(cg, SIGKILL, &e2);
}

int container_kill_wait(struct container *c, struct kerr *err)
{
	int pidfd;

	if (c->cg)
		cgroup_kill_remaining(c->cg);
	if (!state_init_alive(c))
		return 0;
	pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	if (kill(c->pid, SIGKILL) < 0 && errno != ESRCH) {
		if (pidfd >= 0)
			close(pidfd);
		return kerr_errno(err, errno, "kill %d", (int)c->pid);
	}
	if (pidfd >= 0) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };

		(void)poll(&p, 1, 10000);
		close(pidfd);
	}
	/* the init may be our child (run): reap it so it is not a zombie */
	(void)waitpid(c->pid, NULL, WNOHANG);
	for (int i = 0; i < 100 && state_init_alive(c); i++)
		usleep(10000);
	if (state_init_alive(c))
		return kerr_set(err, "container init %d did not die", (int)c->pid);
	return 0;
}

int container_destroy(struct container *c, const struct spec *known, struct kerr *err)
{
	struct spec loaded;
	const struct spec *s = known;
	struct kerr e2;

	if (!s && c->bundle && container_load_spec(c, &loaded, &e2) == 0)
		s = &loaded;
	if (s) {
		_cleanup_free_ char *state = container_state_text(c, "stopped");

		/*
		 * A failing poststop hook is a warning; the others still run.
		 * A create killed half-way never became a container: as for a
		 * create that failed, no poststop hooks.
		 */
		if (!c->creating && hooks_run_all(&s->hooks.poststop, "poststop", state, &e2) < 0)
			log_warn("%s", e2.msg);
		/*
		 * Without a mount namespace of its own the container's mounts
		 * were made in ours, under the rootfs: detach them all, when
		 * the top mount there is the init's bind (not the engine's
		 * own mount an init that died early left on top).
		 */
		if (!spec_find_ns(s, SPEC_NS_MOUNT) && c->rootfs &&
		    (!c->rootfs_mnt || rootfs_mount_id(c->rootfs) != c->rootfs_mnt))
			(void)rootfs_detach(c->rootfs);
		if (s == &loaded)
			spec_free(&loaded);
	}
	if (c->cg) {
		cgroup_kill_remaining(c->cg);
		if (cgroup_destroy(c->cg, err) < 0)
			return kerr_wrap(err, "cgroup");
	}
	test_pause("delete-after-cgroups");
	return state_dir_remove(c->dir, err);
}

/* ---- exec ---- */

pid_t container_exec(struct container *c, const struct exec_opts *o, struct kerr *err)
{
	char path[PATH_MAX];
	struct spec s;
	_cleanup_free_ char *head = NULL;
	_cleanup_close_ int data_fd = -1;
	_cleanup_close_ int mnt_fd = -1;
	_cleanup_close_ int console_fd = -1;
	struct spawn_result res = { .init_pid = -1, .sync_fd = -1 };
	long long n_listen;
	int minfd = first_free_fd(o->preserve_fds, &n_listen);
	int keep[5];
	int n_keep = 0;
	_cleanup_close_ int seccomp_fd = -1;

	/* the config `exec` read once: parsed here, and it goes to the init half */
	if (parse_config(o->config_text, o->config_len, &s, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)c->pid);
	mnt_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (mnt_fd < 0 || (mnt_fd = fd_move_above(mnt_fd, minfd)) < 0) {
		kerr_errno(err, errno, "open %s", path);
		goto fail;
	}
	if ((o->console_socket || o->console_fd >= 0) &&
	    (console_fd = console_socket_fd(o->console_socket, o->console_fd, minfd, err)) < 0)
		goto fail;
	if (seccomp_prepare(&s, c->root, minfd, &seccomp_fd, err) < 0)
		goto fail;
	{
		struct initdata d = {
			.mode = INITDATA_EXEC,
			.id = c->id,
			.mntns_fd = mnt_fd,
			.process = (char *)o->process_json,
			.console_fd = console_fd,
			.seccomp_fd = seccomp_fd,
			.preserve_fds = o->preserve_fds,
			.listen_fds = (int)n_listen,
		};

		head = initdata_encode(&d, err);
		if (!head)
			goto fail;
	}
	data_fd = make_data_fd(head, o->config_text, o->config_len, minfd, err);
	if (data_fd < 0)
		goto fail;
	keep[n_keep++] = data_fd;
	keep[n_keep++] = mnt_fd;
	if (console_fd >= 0)
		keep[n_keep++] = console_fd;
	if (seccomp_fd >= 0)
		keep[n_keep++] = seccomp_fd;
	{
		_cleanup_close_ int cg_fd = c->cg ? cgroup_v2_fd(c->cg) : -1;
		struct spawn_req req = {
			.mode = SPAWN_EXEC,
			.spec = &s,
			.join_pid = c->pid,
			.keep_fds = keep,
			.n_keep_fds = n_keep,
			.data_fd = data_fd,
			.before_blob = enter_cgroup,
			.before_blob_arg = c,
			.cgroup_fd = cg_fd,
		};

		if (spawn_start(&req, &res, err) < 0)
			goto fail;
	}
	test_pause("exec-after-spawn");
	if (serve_init(c, &s, res.init_pid, res.sync_fd, true, err) < 0)
		goto fail;
	close(res.sync_fd);
	if (o->pid_file && container_write_pid_file(o->pid_file, res.init_pid, err) < 0) {
		res.sync_fd = -1;
		goto fail;
	}
	spec_free(&s);
	return res.init_pid;
fail:
	if (res.sync_fd >= 0)
		close(res.sync_fd);
	if (res.init_pid > 0) {
		int status;

		/* an error after the exec'd process started: it is ours to end */
		if (waitpid(res.init_pid, &status, WNOHANG) == 0) {
			kill(res.init_pid, SIGKILL);
			waitpid(res.init_pid, NULL, 0);
		}
	}
	spec_free(&s);
	return -1;
}
