/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's state on disk: <root>/<id>/ holding state.json (kura's own
 * record, written atomically), exec.fifo while created, and a lock file.
 * `kura state` prints the OCI state built from it (state_oci_json).
 */
#ifndef KURA_STATE_H
#define KURA_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "util/kerr.h"

struct cgroup;

enum container_status {
	STATUS_CREATING,
	STATUS_CREATED,
	STATUS_RUNNING,
	STATUS_PAUSED,
	STATUS_STOPPED,
};

struct container {
	char *root;          /* --root */
	char *id;
	char *dir;           /* <root>/<id> */
	char *bundle;        /* absolute */
	char *rootfs;        /* absolute */
	char *config_path;   /* <bundle>/config.json */
	pid_t pid;           /* host pid of the init, 0 if never started */
	uint64_t start_time; /* field 22 of /proc/pid/stat: a reused pid is not ours */
	char *created;       /* RFC 3339 with nanoseconds, UTC */
	char *owner;         /* loaded: the state dir's owner ("root"); at create "" */
	json_t *annotations;  /* object or NULL */
	struct cgroup *cg;   /* NULL when kura made none */
	bool systemd_cgroup;
	/*
	 * create has not finished: state.json is written at each step of create
	 * (the cgroups it is about to make, then the init's pid and start time)
	 * with "creating": true, so a create killed half-way leaves a record
	 * `delete --force` undoes exactly.  Also true when there is no
	 * state.json yet (the dir is made and locked, nothing else).
	 */
	bool creating;
	uint64_t rootfs_mnt; /* mount id at the rootfs before create (0: unknown) */
	int lock_fd;         /* flock on <dir>/lock while held, else -1 */
};

/* Runc's id rule: [A-Za-z0-9_+.-]+, not "." or "..", <= 255 bytes, no leading '-'. */
int state_validate_id(const char *id, struct kerr *err);

/*
 * --root as every verb that keeps state uses it: "" and "/" refused (as
 * runc 1.2), a relative path made absolute against the cwd (as runc), an
 * existing non-directory refused.  A missing root is fine (nothing in it
 * yet; create makes it).  *abs is malloc'd.
 */
int state_root_resolve(const char *root, char **abs, struct kerr *err);

/*
 * Load <root>/<id>.  "container does not exist" is the error text engines
 * match when there is no such container (errnum ENOENT).
 */
int state_load(const char *root, const char *id, struct container *c, struct kerr *err);
/* Take the per-container lock (flock LOCK_EX on <dir>/lock). */
int state_lock(struct container *c, struct kerr *err);
/*
 * Lock, then load: what is read is what no other kura changes until
 * state_free.  A dir removed (or replaced) while we waited for the lock
 * is "container does not exist" (ENOENT), or the new one.
 */
int state_load_locked(const char *root, const char *id, struct container *c,
		      struct kerr *err);
/*
 * A create of c is running: its record says creating and another kura
 * holds the lock (a create killed half-way holds none).  False when we
 * hold the lock ourselves.
 */
bool state_create_running(const struct container *c);
int state_save(const struct container *c, struct kerr *err);
void state_free(struct container *c);

/* Status from the init's liveness, the exec FIFO and the freezer. */
enum container_status state_status(const struct container *c);
const char *state_status_name(enum container_status s);
/* True when c->pid still is the init we started (pid and start time match). */
bool state_init_alive(const struct container *c);

/* Start time (field 22) and state letter of /proc/PID/stat; -1 if gone. */
int state_proc_stat(pid_t pid, uint64_t *start_time, char *pstate);

/* The OCI state JSON (ociVersion, id, status, pid, bundle, ...) as runc prints it. */
json_t *state_oci_json(const struct container *c, enum container_status s);

/* Remove the files kura keeps in the state dir, then the dir (gone already: 0). */
int state_dir_remove(const char *dir, struct kerr *err);

#endif
