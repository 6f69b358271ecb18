/* SPDX-License-Identifier: Apache-2.0 */
/* `kura pause ID`, `kura resume ID`: freeze or thaw every process of a container. */
#include "cgroup/cgroup.h"
#include "cmd.h"
#include "util/log.h"
#include "state.h"
#include "verb.h"

static int freeze_verb(struct kura_global *g, int argc, char **argv, bool frozen)
{
	const char *verb = frozen ? "pause" : "resume", *id;
	struct container c;
	struct kerr err;
	enum container_status st;
	int rc = 1;

	if (verb_simple_args(verb, argc, argv, &id) < 0)
		return 1;
	if (state_load_locked(g->root, id, &c, &err) < 0) {
		log_error("%s", err.msg);
		return 1;
	}
	st = state_status(&c);
	/* runc's texts and rules: a created container may be paused too */
	if (frozen && st != STATUS_RUNNING && st != STATUS_CREATED) {
		log_error("container not running");
		goto out;
	}
	if (!frozen && st != STATUS_PAUSED) {
		log_error("container not paused");
		goto out;
	}
	if (!c.cg) {
		log_error("%s %s: the container has no cgroup to freeze", verb, id);
		goto out;
	}
	if (cgroup_freeze(c.cg, frozen, &err) < 0) {
		log_error("%s %s: %s", verb, id, err.msg);
		goto out;
	}
	rc = 0;
out:
	state_free(&c);
	return rc;
}

int cmd_pause(struct kura_global *g, int argc, char **argv)
{
	return freeze_verb(g, argc, argv, true);
}

int cmd_resume(struct kura_global *g, int argc, char **argv)
{
	return freeze_verb(g, argc, argv, false);
}
