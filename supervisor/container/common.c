/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What create and exec share on the supervisor side: the config text
 * parsed, the fds a spawn hands on, the cgroup the shim enters, and the
 * state text hooks and listeners get.
 */
#include "container_internal.h"

#include <jansson.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "console.h"
#include "util/util.h"

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

/* The container's config.json, as text already read: its first error names the field. */
int container_parse_config(const char *text, size_t len, struct spec *s, struct kerr *err)
{
	struct spec_errors errs = { 0 };
	int r = spec_parse(text, len, "config.json", s, &errs);

	if (r < 0)
		kerr_set(err, "%s", errs.n ? errs.msg[0] : "config.json: invalid");
	spec_errors_free(&errs);
	return r;
}

struct spec_doc *container_config_doc(const char *text, size_t len, struct kerr *err)
{
	struct spec_errors errs = { 0 };
	struct spec_doc *d = spec_doc_load(text, len, "config.json", &errs);

	if (!d)
		kerr_set(err, "%s", errs.n ? errs.msg[0] : "config.json: invalid");
	spec_errors_free(&errs);
	return d;
}

int container_parse_doc(const struct spec_doc *d, struct spec *s, struct kerr *err)
{
	struct spec_errors errs = { 0 };
	int r = spec_doc_parse(d, s, &errs);

	if (r < 0)
		kerr_set(err, "%s", errs.n ? errs.msg[0] : "config.json: invalid");
	spec_errors_free(&errs);
	return r;
}

/*
 * Parsing podman's profile again in the init cost 0.54 ms of a `run` with
 * it: 13.97 -> 13.43 ms with the rules left out (one build, the copy
 * switched by an environment variable, 300 interleaved runs).  Shallow
 * copies of the objects on the way down: d stays as it is.
 */
int container_init_config(const struct spec_doc *d, bool prepared, char **text, size_t *len,
			  struct kerr *err)
{
	json_t *root = spec_doc_root(d), *lx, *sc, *rules, *rule, *kept = NULL, *copy = NULL;
	size_t i;

	*text = NULL;
	lx = json_object_get(root, "linux");
	sc = json_object_get(lx, "seccomp");
	rules = json_object_get(sc, "syscalls");
	if (!prepared || !json_is_array(rules))
		return 0;
	kept = json_array();
	if (!kept)
		goto oom;
	json_array_foreach(rules, i, rule) {
		const char *a = json_string_value(json_object_get(rule, "action"));

		if (a && !strcmp(a, "SCMP_ACT_NOTIFY") && json_array_append(kept, rule) < 0)
			goto oom;
	}
	if (json_array_size(kept) == json_array_size(rules)) {
		json_decref(kept);
		return 0;
	}
	{
		json_t *sc2 = json_copy(sc), *lx2 = json_copy(lx);

		copy = json_copy(root);
		if (!sc2 || !lx2 || !copy) {
			json_decref(sc2);
			json_decref(lx2);
			goto oom;
		}
		/* json_object_set_new takes the value, also when it fails */
		if (json_object_set_new(sc2, "syscalls", take_ptr(kept)) < 0) {
			json_decref(sc2);
			json_decref(lx2);
			goto oom;
		}
		if (json_object_set_new(lx2, "seccomp", sc2) < 0) {
			json_decref(lx2);
			goto oom;
		}
		if (json_object_set_new(copy, "linux", lx2) < 0)
			goto oom;
	}
	*text = spec_doc_dump(d, copy);
	json_decref(copy);
	if (!*text)
		return kerr_errno(err, ENOMEM, "config.json for the init");
	*len = strlen(*text);
	return 0;
oom:
	json_decref(kept);
	json_decref(copy);
	return kerr_errno(err, ENOMEM, "config.json for the init");
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
	return container_parse_config(text, len, s, err);
}

int container_spawn(struct spawn_req *req, const struct cgroup *cg, struct spawn_result *res,
		    struct kerr *err)
{
	struct cgroup_entry ce;
	int r;

	if (cgroup_entry_open(cg, &ce, err) < 0)
		return -1;
	req->cgroup_tasks = ce.tasks;
	req->cgroup_task_dirs = ce.dirs;
	req->n_cgroup_tasks = ce.n;
	req->cgroup_fd = ce.v2_fd;
	req->cgroup_self = ce.self;
	req->rdt_tasks = ce.rdt_tasks;
	req->rdt_task_dirs = ce.rdt_dirs;
	req->n_rdt_tasks = ce.n_rdt;
	r = spawn_start(req, res, err);
	cgroup_entry_close(&ce);
	return r;
}

int container_enter_cgroup(pid_t shim_pid, void *arg, struct kerr *err)
{
	const struct cgroup *cg = arg;

	return cg ? cgroup_enter(cg, shim_pid, err) : 0;
}

/* The data fd of the init half: the init data line, then config.json. */
int container_data_fd(const char *json_head, const struct spec_doc *doc, const char *config_text,
		      size_t config_len, bool seccomp_prepared, int minfd, struct kerr *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *copy = NULL;
	size_t hl = strlen(json_head);

	/* the init's own copy when it differs (container_init_config), else the text */
	if (container_init_config(doc, seccomp_prepared, &copy, &config_len, err) < 0)
		return -1;
	if (copy)
		config_text = copy;
	fd = memfd_create("kura-init-data", MFD_CLOEXEC);
	if (fd < 0)
		return kerr_errno(err, errno, "memfd_create");
	/* line 1: the init data (initdata.h); then config.json */
	if (util_write_all(fd, json_head, hl) < 0 || util_write_all(fd, "\n", 1) < 0 ||
	    util_write_all(fd, config_text, config_len) < 0)
		return kerr_errno(err, errno, "write init data");
	if (lseek(fd, 0, SEEK_SET) < 0)
		return kerr_errno(err, errno, "lseek init data");
	if ((fd = fd_move_above(fd, minfd)) < 0)
		return kerr_errno(err, errno, "init data");
	return take_fd(&fd);
}

int container_console_fd(const char *path, int own_fd, int minfd, struct kerr *err)
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
int container_first_free_fd(int preserve_fds, long long *n_listen)
{
	const char *listen_fds = getenv("LISTEN_FDS");

	if (listen_fds && util_parse_long(listen_fds, n_listen) == 0 && *n_listen > 0)
		return 3 + preserve_fds + (int)*n_listen;
	*n_listen = 0;
	return 3 + preserve_fds;
}
