/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.intelRdt (runtime-spec 1.3): what kura would write to resctrl, and
 * the check made before anything is created.
 */
#ifndef KURA_RESCTRL_H
#define KURA_RESCTRL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/kerr.h"
#include "specs/spec.h"

/*
 * The text of the group's schemata file: l3CacheSchema, then memBwSchema,
 * then each line of schemata, each ending in a newline (the spec's order).
 * NULL when none is set (nothing may be written) or out of memory (*oom).
 */
char *resctrl_schemata_text(const struct spec_intel_rdt *r, bool *oom);

/*
 * The CTRL_MON group's directory under the resctrl root: closID ("/" is the
 * root itself) or the container id.  Written to buf; -1 when it does not fit.
 */
int resctrl_group_dir(const struct spec_intel_rdt *r, const char *root, const char *id,
		      char *buf, size_t size);

/* Whether delete removes the CTRL_MON group: only one kura made, for no closID (1.3). */
bool resctrl_group_is_ours(const struct spec_intel_rdt *r, bool created);

/*
 * Before create makes anything: an intelRdt the host cannot honour is an
 * error naming the field.  mountinfo: /proc/self/mountinfo's text.
 */
int resctrl_check(const struct spec *s, const char *mountinfo, struct kerr *err);

#endif
