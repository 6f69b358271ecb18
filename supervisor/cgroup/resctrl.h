/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.intelRdt (runtime-spec 1.3): the container's resctrl groups.  The
 * CTRL_MON group is closID's directory ("/" is the resctrl root itself) or,
 * without closID, one named after the container; enableMonitoring adds a MON
 * group mon_groups/<id> in it.  Kura makes them, writes the schemata, and the
 * container's processes enter them by pid before their shim execs (spawn.h);
 * delete removes the MON group, and the CTRL_MON group only when kura made it
 * for a container without closID.  Every function that touches the
 * filesystem takes the paths it works on, so the unit tests point it at a
 * plain directory tree standing in for /sys/fs/resctrl.
 */
#ifndef KURA_RESCTRL_H
#define KURA_RESCTRL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/kerr.h"
#include "specs/spec.h"

/* A container's resctrl groups, as state.json records them (record.c). */
struct cgroup_rdt {
	char *mount; /* where resctrl is mounted: /sys/fs/resctrl */
	char *group; /* the CTRL_MON group: mount/<closID or id>, or mount itself */
	char *mon;   /* enableMonitoring: group/mon_groups/<id>, removed at delete; or NULL */
	bool remove_group; /* kura makes group (no closID, absent before): removed at delete */
};

/*
 * The text of the group's schemata file: l3CacheSchema, then memBwSchema,
 * then each line of schemata, each ending in a newline (the spec's order).
 * NULL when none is set (nothing may be written) or out of memory (*oom).
 */
char *resctrl_schemata_text(const struct spec_intel_rdt *r, bool *oom);

/*
 * Whether the schemata file's text (the kernel's: names padded with spaces,
 * values as it prints them) already holds every domain of every line of
 * want (resctrl_schemata_text's): cache masks compare as hex numbers,
 * MB as decimal ones.
 */
bool resctrl_schemata_matches(const char *want, const char *file);

/* The first resctrl mount point in mountinfo text (unescaped), or NULL. */
char *resctrl_mount_of(const char *mountinfo);

/*
 * Before create makes anything: an intelRdt the host cannot honour is an
 * error naming the field.  mountinfo: /proc/self/mountinfo's text.  *mount:
 * the resctrl mount (malloc'd) when the spec has intelRdt, else NULL.
 */
int resctrl_check(const struct spec *s, const char *mountinfo, char **mount, struct kerr *err);

/*
 * The groups for container id under the resctrl mount, nothing made yet:
 * what delete must remove is known (and saved) before the first mkdir.
 */
int resctrl_plan(const struct spec_intel_rdt *r, const char *mount, const char *id,
		 struct cgroup_rdt **out, struct kerr *err);

/*
 * Make the groups and write the schemata as the spec's rules say: a closID
 * group that exists must already hold the schemata asked for; a closID with
 * no schemata must exist.  On failure the caller removes (resctrl_remove).
 */
int resctrl_realize(struct cgroup_rdt *g, const struct spec_intel_rdt *r, struct kerr *err);

/* Write text (resctrl_schemata_text's) to the CTRL_MON group's schemata; `update` too. */
int resctrl_write_schemata(const struct cgroup_rdt *g, const char *text, struct kerr *err);

/* Remove the MON group, and the CTRL_MON group when remove_group. */
int resctrl_remove(struct cgroup_rdt *g, struct kerr *err);

struct cgroup_rdt *resctrl_dup(const struct cgroup_rdt *g);
void resctrl_free(struct cgroup_rdt *g);

#endif
