/* SPDX-License-Identifier: Apache-2.0 */
/* `exec`: a new process in a running container, through kura-shim and the init half. */
#include "container_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "initdata.h"
#include "util/phase.h"
#include "seccomp_cache.h"
#include "spawn/spawn.h"
#include "util/testpause.h"
#include "util/util.h"

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
	int minfd = container_first_free_fd(o->preserve_fds, &n_listen);
	int keep[5];
	int n_keep = 0;
	_cleanup_close_ int seccomp_fd = -1;
	struct cgroup *sub = NULL;

	if (o->n_cgroup_subs) {
		if (!c->cg) {
			kerr_set(err, "--cgroup: the container has no cgroup of its own");
			return -1;
		}
		if (cgroup_sub(c->cg, o->cgroup_subs, o->n_cgroup_subs, &sub, err) < 0)
			return -1;
	}
	/* the config `exec` read and parsed once; its text goes to the init half */
	if (container_parse_doc(o->config_doc, &s, err) < 0) {
		cgroup_free(sub);
		return -1;
	}
	phase_mark("read state, config, process");
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)c->pid);
	mnt_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (mnt_fd < 0 || (mnt_fd = fd_move_above(mnt_fd, minfd)) < 0) {
		kerr_errno(err, errno, "open %s", path);
		goto fail;
	}
	if ((o->console_socket || o->console_fd >= 0) &&
	    (console_fd = container_console_fd(o->console_socket, o->console_fd, minfd, err)) < 0)
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
	data_fd = container_data_fd(head, o->config_doc, o->config_text, o->config_len,
				    seccomp_fd >= 0, minfd, err);
	if (data_fd < 0)
		goto fail;
	keep[n_keep++] = data_fd;
	keep[n_keep++] = mnt_fd;
	if (console_fd >= 0)
		keep[n_keep++] = console_fd;
	if (seccomp_fd >= 0)
		keep[n_keep++] = seccomp_fd;
	{
		const struct cgroup *cg = sub ? sub : c->cg;
		struct spawn_req req = {
			.mode = SPAWN_EXEC,
			.spec = &s,
			.join_pid = c->pid,
			.keep_fds = keep,
			.n_keep_fds = n_keep,
			.data_fd = data_fd,
			/* the container's cgroups, or the --cgroup sub-cgroups */
			.before_blob = container_enter_cgroup,
			.before_blob_arg = (void *)cg,
		};

		if (container_spawn(&req, cg, &res, err) < 0)
			goto fail;
	}
	test_pause("exec-after-spawn");
	if (container_serve_init(c, &s, res.init_pid, res.sync_fd, true, err) < 0)
		goto fail;
	close(res.sync_fd);
	if (o->pid_file && util_write_pid_file(o->pid_file, res.init_pid, err) < 0) {
		res.sync_fd = -1;
		goto fail;
	}
	spec_free(&s);
	cgroup_free(sub);
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
	cgroup_free(sub);
	return -1;
}
