/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cgroups v1, v2 and hybrid, as runc's cgroupfs driver lays them out.
 * A struct cgroup is what kura made for one container; it round-trips
 * through state.json (cgroup_to_json / cgroup_from_json) so later commands
 * (delete, pause, update, ps, kill --all, events) find the same paths.
 */
#ifndef KURA_CGROUP_H
#define KURA_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include <jansson.h>

#include "util/kerr.h"
#include "specs/spec.h"

struct cgroup;

enum cgroup_mode { CGROUP_V1, CGROUP_V2, CGROUP_HYBRID };
enum cgroup_mode cgroup_detect(void);
/* The layout this container's cgroups were made in (no second mountinfo read). */
enum cgroup_mode cgroup_made_in(const struct cgroup *cg);

/*
 * Make the container's cgroups (every hierarchy; nested dirs as needed;
 * v2 controllers enabled in ancestors) and apply linux.resources.  On
 * failure nothing it made is left.  `systemd` is --systemd-cgroup.
 */
int cgroup_create(const struct spec *s, const char *id, bool systemd,
		  struct cgroup **out, struct kerr *err);
/*
 * cgroup_create in two steps, for a record that is never behind the host:
 * cgroup_plan lays the paths out and lists as made every directory it will
 * make (and the container's own, even a leftover), making nothing; the
 * caller saves that, then cgroup_realize makes them and applies
 * linux.resources (on failure it removes what it made; the caller frees).
 */
int cgroup_plan(const struct spec *s, const char *id, bool systemd, struct cgroup **out,
		struct kerr *err);
int cgroup_realize(struct cgroup *cg, const struct spec *s, struct kerr *err);
/*
 * --systemd-cgroup: cgroup_create only laid the paths out; this asks systemd
 * for the unit holding pid, then makes what systemd did not and applies
 * linux.resources.  On failure, cgroup_destroy undoes what was done.
 */
int cgroup_systemd_start(struct cgroup *cg, const struct spec *s, const char *id, pid_t pid,
			 struct kerr *err);
bool cgroup_is_systemd(const struct cgroup *cg);
/* True when linux.resources limits anything besides devices (needs a cgroup). */
bool cgroup_resources_limit(const struct spec_resources *r);
/* Put pid in every hierarchy (those not already done by CLONE_INTO_CGROUP). */
int cgroup_enter(const struct cgroup *cg, pid_t pid, struct kerr *err);
/*
 * `exec --cgroup`: *out is cg with each hierarchy's path moved to the
 * sub-cgroup args name ("PATH" for every hierarchy; "CTRL[,CTRL]:PATH" for
 * v1 controllers), for cgroup_enter and cgroup_entry_open.  Every sub-cgroup must
 * exist; errors name --cgroup.  Free with cgroup_free.
 */
int cgroup_sub(const struct cgroup *cg, char *const *args, size_t n, struct cgroup **out,
	       struct kerr *err);
/*
 * What a new process needs to enter cg by itself (spawn_req.cgroup_*): an
 * O_WRONLY fd of each v1 hierarchy's `tasks` file and the v2 directory
 * (O_PATH) for clone3 CLONE_INTO_CGROUP.  self is false when that cannot be
 * done (--systemd-cgroup before systemd made the unit: cgroup_enter then).
 * Release with cgroup_entry_close.
 */
struct cgroup_entry {
	int *tasks;
	const char **dirs; /* the v1 directories, for errors */
	int n;
	int v2_fd;
	bool self;
	/* linux.intelRdt: the CTRL_MON group's tasks, then the MON group's, if any */
	int rdt_tasks[2];
	const char *rdt_dirs[2];
	int n_rdt;
};
int cgroup_entry_open(const struct cgroup *cg, struct cgroup_entry *e, struct kerr *err);
void cgroup_entry_close(struct cgroup_entry *e);
/*
 * `update --l3-cache-schema/--mem-bw-schema`: new lines for the container's
 * resctrl group (either may be NULL); an error when it has none.
 */
int cgroup_rdt_update(const struct cgroup *cg, const char *l3, const char *mb,
		      struct kerr *err);
/* Remove every cgroup kura made (retries while processes exit). */
int cgroup_destroy(struct cgroup *cg, struct kerr *err);
void cgroup_free(struct cgroup *cg);

json_t *cgroup_to_json(const struct cgroup *cg);
int cgroup_from_json(const json_t *j, struct cgroup **out, struct kerr *err);

/* pids in the container's cgroup (v2 cgroup.procs, else v1 pids/freezer/...). */
int cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *n, struct kerr *err);
int cgroup_freeze(const struct cgroup *cg, bool frozen, struct kerr *err);
bool cgroup_is_frozen(const struct cgroup *cg);
/* Signal every process (thaws a frozen cgroup first so nothing hangs). */
int cgroup_kill_all(const struct cgroup *cg, int sig, struct kerr *err);
int cgroup_update(const struct cgroup *cg, const struct spec_resources *r, struct kerr *err);
/*
 * After a failed create: when the OOM killer struck in the container's new
 * cgroup, prefix *err with "the container was OOM-killed during create",
 * naming .linux.resources.memory.limit when it was set; when that limit only
 * refused a charge (the shim's exec failed), say so instead.
 */
void cgroup_oom_explain(const struct cgroup *cg, const struct spec *s, struct kerr *err);

/*
 * For the init half's cgroup mounts: v1 controller name -> host path of the
 * container's cgroup in that hierarchy ("memory" -> /sys/fs/cgroup/memory/x).
 * Returns the number of entries; names/paths point into cg.
 */
size_t cgroup_v1_paths(const struct cgroup *cg, const char ***names, const char ***paths);

/*
 * What kura ignores in linux.resources, as runc does (memory.kernel,
 * memory.kernelTCP; on v2: swappiness, disableOOMKiller, leafWeight): false,
 * or true with a warning text in buf for the caller to log.
 */
bool cgroup_resources_warning(enum cgroup_mode mode, const struct spec_resources *r,
			      char *buf, size_t len);

/* `kura events --stats` body (runc's JSON "data" object). */
json_t *cgroup_stats(const struct cgroup *cg, struct kerr *err);
/* A counter or limit; UINT64_MAX ("max") included, which jansson cannot hold. */
json_t *cgroup_json_u64(uint64_t v);
/* json_dumps (compact) that writes cgroup_json_u64(UINT64_MAX) as the number. */
char *cgroup_json_dumps(const json_t *j);

/* Sizes with optional k/m/g/t suffix (binary, as docker's RAMInBytes); -1 stays -1. */
int cgroup_size_parse(const char *s, int64_t *out);
/* The OOM kill counter (v1 memory.oom_control, v2 memory.events); under_oom: v1 stall. */
uint64_t cgroup_oom_count(const struct cgroup *cg, bool *under_oom);

#endif
