/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lifecycle operations behind the verbs: create, start, exec, wait,
 * kill, destroy (one file each in container/).  create/run/exec/delete in
 * supervisor/cmd/ are thin over these.
 */
#ifndef KURA_CONTAINER_H
#define KURA_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/global.h"
#include "util/kerr.h"
#include "specs/spec.h"
#include "state.h"

struct create_opts {
	const char *id;
	const char *bundle;         /* default "." */
	const char *console_socket; /* --console-socket */
	const char *pid_file;
	bool no_pivot;
	bool no_new_keyring;
	int preserve_fds;
	bool detach;                /* create, run -d */
	/* run in the foreground with a terminal and no console socket: */
	int console_fd;             /* kura's own console socket end, or -1 */
};

/*
 * `create`: everything up to the init half waiting on the exec FIFO.  On
 * failure nothing is left behind (state dir, cgroups, processes).  On
 * success *c holds the loaded, locked container and *s the parsed config.
 */
int container_create(struct kura_global *g, const struct create_opts *o, struct container *c,
		     struct spec *s, struct kerr *err);

/* `start`: open the exec FIFO so the init execs the process. */
int container_start(struct container *c, struct kerr *err);

/*
 * The poststart hooks of a container container_start has just started.  A
 * failing hook fails start (runtime-spec 1.3): the container is killed and
 * removed as `delete --force` removes it (poststop hooks run), and *err names
 * the hook.  s is the container's parsed config.
 */
int container_poststart(struct container *c, const struct spec *s, struct kerr *err);

struct exec_opts {
	const char *process_json; /* the effective .process, as JSON text */
	const char *config_text;  /* the container's config.json, as read */
	size_t config_len;
	const struct spec_doc *config_doc; /* the same, parsed (container_config_doc) */
	bool terminal;
	const char *console_socket;
	int console_fd;           /* foreground tty: kura's own socket end, or -1 */
	bool detach;
	const char *pid_file;
	int preserve_fds;
	char **cgroup_subs;       /* --cgroup values: the sub-cgroup to run in */
	size_t n_cgroup_subs;
};

/*
 * `exec`: a new process in a running container's namespaces and cgroup.
 * Returns the process's host pid (the caller waits for it unless detached),
 * or -1 with *err.
 */
pid_t container_exec(struct container *c, const struct exec_opts *o, struct kerr *err);

/* Kill (SIGKILL, every process) and wait until the init is gone. */
int container_kill_wait(struct container *c, struct kerr *err);

/*
 * Remove a stopped container: poststop hooks (warnings only), cgroups, the
 * state dir.  Safe on a half-made container.  s is its config when the
 * caller has it parsed already (run), else NULL: read from the state dir.
 */
int container_destroy(struct container *c, const struct spec *s, struct kerr *err);

/* config.json text read once as a document (spec.h); the first error names the field. */
struct spec_doc *container_config_doc(const char *text, size_t len, struct kerr *err);

/* The spec stored at create, parsed (for hooks and exec). */
int container_load_spec(const struct container *c, struct spec *s, struct kerr *err);

/* OCI state JSON text with a given status (for hooks); malloc'd. */
char *container_state_text(const struct container *c, const char *status);

/* Wait for pid (our child) forwarding signals; exit status as a shell gives it. */
int container_wait_forward(pid_t pid, int proxy_master, struct kerr *err);

#endif
