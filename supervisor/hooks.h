/* SPDX-License-Identifier: Apache-2.0 */
/* OCI hooks: run each with the state JSON on stdin, path/args/env, timeout. */
#ifndef KURA_HOOKS_H
#define KURA_HOOKS_H

#include "util/kerr.h"
#include "specs/spec.h"

/*
 * Run the hooks of one list in order in the caller's namespaces; stops at the
 * first failure: "<kind> hook #<i> <path>: exit status 3" (or "timed out after
 * Ns", killed).  kind names the list ("prestart", "poststop", ...).
 */
int hooks_run(const struct spec_hook_list *l, const char *kind, const char *state_json,
	      struct kerr *err);
/*
 * poststop: every hook runs even when one fails (the spec: warn and go on).
 * Returns -1 when any failed, err holding the first failure and a count of
 * the others.
 */
int hooks_run_all(const struct spec_hook_list *l, const char *kind, const char *state_json,
		  struct kerr *err);

#endif
