/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `create`: everything up to the init half waiting on the exec FIFO.  Each
 * step is on record in state.json before the next (a kill -9 of kura leaves
 * what `delete --force` needs), and a failing create undoes all it did.
 */
#include "container_internal.h"

#include <jansson.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "initdata.h"
#include "util/log.h"
#include "netdev.h"
#include "util/phase.h"
#include "preflight.h"
#include "rootfs/rootfs.h"
#include "seccomp_cache.h"
#include "spawn/spawn.h"
#include "util/testpause.h"
#include "util/util.h"

static bool rootless_without_cgroup(const struct kura_global *g, const struct spec *s,
				    const struct kerr *err)
{
	bool rootless = g->rootless == 1 || (g->rootless == -1 && geteuid() != 0);
	int e = err->errnum;

	return rootless && !g->systemd_cgroup && (e == EACCES || e == EPERM || e == EROFS) &&
	       !(s->linux_.cgroups_path && *s->linux_.cgroups_path) &&
	       !cgroup_resources_limit(&s->linux_.resources) && !s->linux_.intel_rdt.present;
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

/*
 * One create: what it was asked, what it made so far (for the undo), and
 * the fds it hands to the init half (closed whatever happens).
 */
struct create_ctx {
	struct kura_global *g;
	const struct create_opts *o;
	struct container *c;
	struct spec *s;
	char bundle[PATH_MAX], rootfs[PATH_MAX];
	char *config_text;
	size_t config_len;
	struct spec_doc *doc; /* config_text parsed, for the init's copy (container_init_config) */
	long long n_listen;
	int minfd;
	int fifo_fd;    /* exec.fifo, armed for the init's wait */
	int console_fd;
	int seccomp_fd; /* the compiled filter */
	int *idmap;     /* idmapped trees by .mounts index (-1: none); NULL when none */
	int dev_nodes;  /* user namespace: the device nodes, made here (-1: none) */
	struct spawn_result res;
	bool made_dir;
	uint64_t rootfs_mnt; /* mount id at the rootfs before the init binds it */
};

/* 1. config.json, read once and parsed; the rootfs it names */
static int create_read_config(struct create_ctx *x, struct kerr *err)
{
	const struct create_opts *o = x->o;
	struct spec_errors errs = { 0 };
	char path[PATH_MAX];

	if (!realpath(o->bundle ? o->bundle : ".", x->bundle))
		return kerr_errno(err, errno, "bundle %s", o->bundle ? o->bundle : ".");
	snprintf(path, sizeof(path), "%s/config.json", x->bundle);
	x->config_text = util_read_file(path, &x->config_len, err);
	if (!x->config_text)
		return -1;
	x->doc = spec_doc_load(x->config_text, x->config_len, "config.json", &errs);
	if (!x->doc || spec_doc_parse(x->doc, x->s, &errs) < 0) {
		if (errs.n > 1)
			kerr_set(err, "%s (and %zu more problems: see kura check)", errs.msg[0],
				 errs.n - 1);
		else
			kerr_set(err, "%s", errs.n ? errs.msg[0] : "config.json: invalid");
		spec_errors_free(&errs);
		return -1;
	}
	spec_errors_free(&errs);
	if (!x->s->has_process)
		return kerr_set(err, "config.json: .process: required to create a container");
	if (preflight_create(x->s, err) < 0)
		return -1;
	if (check_terminal(x->s, o, err) < 0)
		return -1;
	if (x->s->root.path[0] == '/')
		snprintf(path, sizeof(path), "%s", x->s->root.path);
	else
		snprintf(path, sizeof(path), "%s/%s", x->bundle, x->s->root.path);
	if (!realpath(path, x->rootfs))
		return kerr_errno(err, errno, "config.json: .root.path: %s", path);
	return 0;
}

/* 2. the state dir, locked for the whole create; config.json and the FIFO in it */
static int create_state_dir(struct create_ctx *x, struct kerr *err)
{
	struct container *c = x->c;
	const struct spec *s = x->s;
	char path[PATH_MAX];

	if (util_mkdir_p(x->g->root, 0700, err) < 0) {
		if (err->errnum != EACCES && err->errnum != EPERM && err->errnum != EROFS)
			return -1;
		/* the default root of a user without XDG_RUNTIME_DIR is /run/kura */
		return kerr_wrap(err, "state root %s is not writable (choose one with --root DIR, or "
				 "set XDG_RUNTIME_DIR: a user's default is $XDG_RUNTIME_DIR/kura)",
				 x->g->root);
	}
	c->root = strdup(x->g->root);
	c->id = strdup(x->o->id);
	c->bundle = strdup(x->bundle);
	c->rootfs = strdup(x->rootfs);
	x->rootfs_mnt = rootfs_mount_id(x->rootfs);
	if (asprintf(&c->dir, "%s/%s", x->g->root, x->o->id) < 0 || !c->root || !c->id ||
	    !c->bundle || !c->rootfs) {
		c->dir = NULL;
		return kerr_errno(err, ENOMEM, "create");
	}
	if (mkdir(c->dir, 0700) < 0) {
		if (errno == EEXIST)
			return kerr_set(err, "container with id exists: %s", x->o->id);
		return kerr_errno(err, errno, "mkdir %s", c->dir);
	}
	x->made_dir = true;
	if (state_lock(c, err) < 0) {
		/* a delete took the lock first and removed the dir: it is not ours now */
		if (err->errnum == ENOENT) {
			x->made_dir = false;
			kerr_set(err, "container %s was deleted while it was being created", x->o->id);
		}
		return -1;
	}
	c->lock_fd = fd_move_above(c->lock_fd, x->minfd);
	if (c->lock_fd < 0)
		return kerr_errno(err, errno, "lock %s", c->dir);
	c->config_path = strdup("config.json");
	c->owner = strdup("");
	c->created = util_now_rfc3339();
	c->systemd_cgroup = x->g->systemd_cgroup;
	if (s->annotations.n) {
		c->annotations = json_object();
		for (size_t i = 0; i < s->annotations.n; i++)
			json_object_set_new(c->annotations, s->annotations.v[i].key,
					    json_string(s->annotations.v[i].value));
	}
	snprintf(path, sizeof(path), "%s/config.json", c->dir);
	if (util_write_atomic(path, x->config_text, x->config_len, 0600, err) < 0)
		return -1;
	x->fifo_fd = exec_fifo_open(c->dir, x->minfd, err);
	return x->fifo_fd < 0 ? -1 : 0;
}

/*
 * 3. cgroups.  From here on state.json says "creating" and is never behind
 * the host: the cgroup dirs are on record before they are made, the init's
 * pid and start time as soon as it exists, so that `delete --force` after a
 * kill -9 of this create removes exactly what it made.
 */
static int create_cgroups(struct create_ctx *x, struct kerr *err)
{
	struct container *c = x->c;
	const struct spec *s = x->s;
	char w[512];
	int r;

	c->creating = true;
	c->rootfs_mnt = x->rootfs_mnt;
	test_pause("create-after-dir");
	if (!s->has_linux)
		return 0;
	r = cgroup_plan(s, x->o->id, x->g->systemd_cgroup, &c->cg, err);
	if (r == 0 && state_save(c, err) < 0)
		return -1;
	if (r == 0)
		r = cgroup_realize(c->cg, s, err);
	if (r < 0) {
		/* realize removed what it made */
		cgroup_free(c->cg);
		c->cg = NULL;
		/* rootless, nothing to limit, no cgroupsPath: no reason to fail (runc) */
		if (!rootless_without_cgroup(x->g, s, err))
			return kerr_wrap(err, "cgroup");
		log_debug("no cgroup for rootless container %s: %s", x->o->id, err->msg);
		kerr_clear(err);
	}
	if (c->cg && cgroup_resources_warning(cgroup_made_in(c->cg), &s->linux_.resources, w,
					      sizeof(w)))
		log_warn("%s", w);
	test_pause("create-after-cgroups");
	return 0;
}

/* 4. what the init half gets besides the FIFO: console, idmapped trees, seccomp */
static int create_fds(struct create_ctx *x, struct kerr *err)
{
	const struct create_opts *o = x->o;
	const struct spec *s = x->s;

	/* only a terminal uses the console socket (run passes its own regardless) */
	if (s->process.terminal && (o->console_socket || o->console_fd >= 0) &&
	    (x->console_fd = container_console_fd(o->console_socket, o->console_fd, x->minfd,
						  err)) < 0)
		return -1;
	/* idmapped bind mounts: made here, as root of the host */
	if (rootfs_idmap_prepare(s, x->bundle, &x->idmap, err) < 0)
		return -1;
	for (size_t i = 0; x->idmap && i < s->n_mounts; i++)
		if (x->idmap[i] >= 0 && (x->idmap[i] = fd_move_above(x->idmap[i], x->minfd)) < 0)
			return kerr_errno(err, errno, "idmapped mount");
	/*
	 * In a user namespace the init may not mknod: the nodes are made here,
	 * as root of the host, for it to bind (a rootless kura cannot either:
	 * the init binds the host's nodes then)
	 */
	if (spec_find_ns(s, SPEC_NS_USER) && geteuid() == 0 && devices_needed(s)) {
		x->dev_nodes = rootfs_devices_tree(s, err);
		if (x->dev_nodes < 0)
			return -1;
		if ((x->dev_nodes = fd_move_above(x->dev_nodes, x->minfd)) < 0)
			return kerr_errno(err, errno, "device nodes");
	}
	/* the seccomp filter, compiled (or cached) here */
	return seccomp_prepare(s, x->g->root, x->minfd, &x->seccomp_fd, err);
}

/* 5. the init data line (initdata.h) in a memfd with config.json after it */
static int create_data_fd(struct create_ctx *x, struct kerr *err)
{
	const struct container *c = x->c;
	struct initdata d = {
		.mode = INITDATA_CREATE,
		.id = (char *)x->o->id,
		.bundle = x->bundle,
		.rootfs = x->rootfs,
		.no_pivot = x->o->no_pivot,
		.no_new_keyring = x->o->no_new_keyring,
		.cgroup_v2 = (c->cg ? cgroup_made_in(c->cg) : cgroup_detect()) == CGROUP_V2,
		.fifo_fd = x->fifo_fd,
		.idmap_fds = x->idmap,
		.n_idmap_fds = x->idmap ? x->s->n_mounts : 0,
		.dev_nodes_fd = x->dev_nodes,
		.console_fd = x->console_fd,
		.seccomp_fd = x->seccomp_fd,
		.preserve_fds = x->o->preserve_fds,
		.listen_fds = (int)x->n_listen,
	};
	_cleanup_free_ char *line = NULL;

	if (init_data_cgroups(c->cg, &d, err) < 0)
		return -1;
	line = initdata_encode(&d, err);
	free(d.cgroups_v1);
	if (!line)
		return -1;
	return container_data_fd(line, x->doc, x->config_text, x->config_len, x->seccomp_fd >= 0,
				 x->minfd, err);
}

/* with --systemd-cgroup the unit is made around the shim here */
static int create_enter_cgroup(pid_t shim_pid, void *arg, struct kerr *err)
{
	const struct create_ctx *x = arg;

	if (cgroup_is_systemd(x->c->cg))
		return cgroup_systemd_start(x->c->cg, x->s, x->c->id, shim_pid, err);
	return container_enter_cgroup(shim_pid, x->c->cg, err);
}

/* 6. the shim, then the init half; its pid on record before we wait on it */
static int create_spawn(struct create_ctx *x, struct kerr *err)
{
	const struct spec *s = x->s;
	_cleanup_close_ int data_fd = create_data_fd(x, err);
	_cleanup_free_ int *keep = calloc(5 + (x->idmap ? s->n_mounts : 0), sizeof(int));
	int n_keep = 0;

	if (data_fd < 0)
		return -1;
	if (!keep)
		return kerr_errno(err, ENOMEM, "spawn");
	keep[n_keep++] = data_fd;
	keep[n_keep++] = x->fifo_fd;
	if (x->console_fd >= 0)
		keep[n_keep++] = x->console_fd;
	if (x->seccomp_fd >= 0)
		keep[n_keep++] = x->seccomp_fd;
	if (x->dev_nodes >= 0)
		keep[n_keep++] = x->dev_nodes;
	for (size_t i = 0; x->idmap && i < s->n_mounts; i++)
		if (x->idmap[i] >= 0)
			keep[n_keep++] = x->idmap[i];
	{
		struct spawn_req req = {
			.mode = SPAWN_CREATE,
			.spec = s,
			.has_oom_score_adj = s->process.has_oom_score_adj,
			.oom_score_adj = s->process.oom_score_adj,
			.keep_fds = keep,
			.n_keep_fds = n_keep,
			.data_fd = data_fd,
			.before_blob = create_enter_cgroup,
			.before_blob_arg = x,
		};

		if (container_spawn(&req, x->c->cg, &x->res, err) < 0)
			return -1;
	}
	/* the init has its own copies */
	rootfs_idmap_close(x->idmap, s->n_mounts);
	x->idmap = NULL;
	x->c->pid = x->res.init_pid;
	if (state_proc_stat(x->c->pid, &x->c->start_time, NULL) < 0)
		return kerr_set(err, "container init %d exited early", (int)x->c->pid);
	/* on record before we wait on it: the init may be left waiting if we die */
	if (state_save(x->c, err) < 0)
		return -1;
	/* linux.netDevices: moved once the init is on record (a kill -9 here is undone) */
	if (netdev_move_all(s, x->c->pid, err) < 0)
		return -1;
	test_pause("create-after-spawn");
	return 0;
}

/* 7. the init half READY; then the record engines read */
static int create_finish(struct create_ctx *x, struct kerr *err)
{
	struct container *c = x->c;

	if (container_serve_init(c, x->s, c->pid, x->res.sync_fd, false, err) < 0)
		return -1;
	util_closep(&x->res.sync_fd);
	test_pause("create-after-ready");
	/* killed meanwhile (a delete --force of it): what it said before it died is moot */
	if (!state_init_alive(c))
		return kerr_set(err, "container init %d died during create (deleted while being "
				     "created?)", (int)c->pid);
	c->creating = false;
	if (state_save(c, err) < 0)
		return -1;
	if (x->o->pid_file && util_write_pid_file(x->o->pid_file, c->pid, err) < 0)
		return -1;
	return 0;
}

/* A create that failed: undo what it made, newest first. */
static void create_undo(struct create_ctx *x, struct kerr *err)
{
	struct container *c = x->c;
	const struct spec *s = x->s;
	struct kerr e2;

	util_closep(&x->res.sync_fd);
	if (x->res.init_pid > 0) {
		kill(x->res.init_pid, SIGKILL);
		waitpid(x->res.init_pid, NULL, 0);
		/*
		 * Only our bind: an init that died before making it left the
		 * engine's own mount on top, which must stay.
		 */
		if (s->has_linux && !spec_find_ns(s, SPEC_NS_MOUNT) && c->rootfs &&
		    (!x->rootfs_mnt || rootfs_mount_id(c->rootfs) != x->rootfs_mnt))
			(void)rootfs_detach(c->rootfs);
	}
	if (c->cg) {
		cgroup_oom_explain(c->cg, s, err);
		if (cgroup_destroy(c->cg, &e2) < 0)
			log_warn("%s", e2.msg);
	}
	if (x->made_dir && state_dir_remove(c->dir, &e2) < 0)
		log_warn("%s", e2.msg);
	state_free(c);
	spec_free(x->s);
}

/* The steps in order; each one's end is a --debug phase mark (phase.h). */
static const struct {
	int (*fn)(struct create_ctx *x, struct kerr *err);
	const char *phase;
} create_steps[] = {
	{ create_read_config, "read config.json" },
	{ create_state_dir, "state dir, lock" },
	{ create_cgroups, "cgroups" },
	{ create_fds, "fifo, console, seccomp" },
	/* its end overlaps the init's own steps, which it reports itself */
	{ create_spawn, NULL },
	{ create_finish, "state.json: created" },
};

int container_create(struct kura_global *g, const struct create_opts *o, struct container *c,
		     struct spec *s, struct kerr *err)
{
	struct create_ctx x = {
		.g = g, .o = o, .c = c, .s = s,
		.fifo_fd = -1, .console_fd = -1, .seccomp_fd = -1, .dev_nodes = -1,
		.res = { .init_pid = -1, .sync_fd = -1 },
	};
	size_t i, n = sizeof(create_steps) / sizeof(create_steps[0]);

	memset(c, 0, sizeof(*c));
	c->lock_fd = -1;
	memset(s, 0, sizeof(*s));
	x.minfd = container_first_free_fd(o->preserve_fds, &x.n_listen);
	if (state_validate_id(o->id, err) < 0)
		return -1;
	for (i = 0; i < n && create_steps[i].fn(&x, err) == 0; i++)
		if (create_steps[i].phase)
			phase_mark(create_steps[i].phase);
	if (i < n)
		create_undo(&x, err);
	rootfs_idmap_close(x.idmap, s->n_mounts);
	util_closep(&x.fifo_fd);
	util_closep(&x.console_fd);
	util_closep(&x.seccomp_fd);
	util_closep(&x.dev_nodes);
	free(x.config_text);
	spec_doc_free(x.doc);
	return i < n ? -1 : 0;
}
