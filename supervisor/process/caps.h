/* SPDX-License-Identifier: Apache-2.0 */
/* .process.capabilities: names to numbers, and the five sets applied. */
#ifndef KURA_CAPS_H
#define KURA_CAPS_H

#include <stdint.h>

#include "util/kerr.h"
#include "specs/spec.h"

/* The highest capability this kernel knows (/proc/sys/kernel/cap_last_cap). */
int caps_last_cap(void);

/*
 * names -> bitmask.  An unknown name is an error naming field[i]
 * (".process.capabilities.bounding[3]: unknown capability \"CAP_FOO\"");
 * a name above last_cap (a newer kernel's capability) is skipped with a
 * warning on stderr.
 */
int caps_mask_from_names(const struct spec_strv *names, const char *field, int last_cap,
			 uint64_t *mask, struct kerr *err);

struct caps_masks {
	uint64_t bounding, effective, permitted, inheritable, ambient;
};

/* All five sets of c; fails on the first bad name. */
int caps_masks_from_spec(const struct spec_capabilities *c, int last_cap,
			 struct caps_masks *out, struct kerr *err);

/* Drop from the bounding set what m->bounding lacks (needs CAP_SETPCAP). */
int caps_apply_bounding(const struct caps_masks *m, struct kerr *err);
/* Effective, permitted, inheritable, then ambient, after the uid change. */
int caps_apply_sets(const struct caps_masks *m, struct kerr *err);

#endif
