/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kura's side of the shim: seal the init half, encode the bootstrap blob,
 * start kura-shim, answer it (id maps) and learn the init's pid.
 */
#ifndef KURA_SPAWN_H
#define KURA_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/kerr.h"
#include "specs/spec.h"

enum spawn_mode {
	SPAWN_CREATE, /* new namespaces per spec; the init is PID 1 of a new pid ns */
	SPAWN_EXEC,   /* join the namespaces of join_pid (all but mnt: see below) */
};

struct spawn_req {
	enum spawn_mode mode;
	const struct spec *spec; /* namespaces, uid/gid maps, timeOffsets */
	pid_t join_pid;          /* SPAWN_EXEC: the container's init */
	int oom_score_adj;       /* applied by the shim when has_oom_score_adj */
	bool has_oom_score_adj;
	/*
	 * fds that must reach the init half open (not CLOEXEC) at the same
	 * numbers: the data memfd, the exec FIFO, console socket, seccomp filter,
	 * idmapped trees...
	 * Every other fd kura holds is CLOEXEC and never reaches the shim.
	 */
	const int *keep_fds;
	int n_keep_fds;
	int data_fd;        /* passed to the init half as argv[3] */
	/*
	 * The container's cgroups, entered by the shim's own process before its
	 * exec when cgroup_self: it writes "0" to each of cgroup_tasks (the v1
	 * hierarchies' tasks files; cgroup_task_dirs name them in errors) and is
	 * born in cgroup_fd (the v2 directory, or -1) by clone3
	 * CLONE_INTO_CGROUP.  A process that moves itself through `tasks` takes
	 * no global lock; kura writing its pid to cgroup.procs takes the
	 * threadgroup rwsem and waits for an RCU grace period.
	 */
	const int *cgroup_tasks;
	const char *const *cgroup_task_dirs;
	int n_cgroup_tasks;
	int cgroup_fd;
	bool cgroup_self;
	/*
	 * linux.intelRdt: the resctrl groups' tasks files (rdt_task_dirs name
	 * them in errors).  They take a pid, not "0": the shim's process writes
	 * its own before its exec, so the init and the container's processes,
	 * its descendants, are born in the groups.
	 */
	const int *rdt_tasks;
	const char *const *rdt_task_dirs;
	int n_rdt_tasks;
	/*
	 * Called with the shim's pid before the blob is sent, i.e. before the
	 * shim unshares anything, unless the shim entered its cgroups itself:
	 * kura puts it in the container's cgroups here (--systemd-cgroup: the
	 * unit is made around it), so the init is born in them and a new cgroup
	 * ns is rooted there.
	 */
	int (*before_blob)(pid_t shim_pid, void *arg, struct kerr *err);
	void *before_blob_arg;
};

struct spawn_result {
	pid_t init_pid; /* host pid of the init (create) or joined child (exec) */
	int sync_fd;    /* kura's end of the sync socket (CLOEXEC), owned by caller */
};

/*
 * Start kura-shim and run the conversation up to SYNC_PID.  The init half
 * (`kura init <syncfd> <datafd>`) then runs in the child; the caller goes on
 * talking to it on result->sync_fd.  On failure nothing is left running and
 * *err holds the shim's own message ("setns net /proc/42/ns/net: Invalid
 * argument").
 *
 * The mount namespace is never joined by the shim: the init half joins it
 * itself (create: the path in .linux.namespaces; exec: the mnt fd kura
 * opened) right after it starts, next to the rest of its mount work.  The
 * init is exec'd from an fd, so nothing of the host's tree is needed for
 * the exec.  Joining it in the shim instead would move one setns, 50-80 us
 * (`strace -T` of `kura exec`, 5 runs), from one process of the serial
 * chain to another: nothing to gain, so it stays with the mount work.
 */
int spawn_start(const struct spawn_req *req, struct spawn_result *res, struct kerr *err);

#endif
