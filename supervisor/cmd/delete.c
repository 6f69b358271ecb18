/* SPDX-License-Identifier: Apache-2.0 */
/* `kura delete [--force] ID` */
#include <getopt.h>
#include <stdlib.h>

#include "cmd.h"
#include "container/container.h"
#include "util/log.h"
#include "util/testpause.h"

/*
 * A create of the container is running (it holds the lock): refused
 * without --force; with it, its processes are killed so that the create
 * fails and undoes itself (or, past its last step, finishes and the
 * container is then deleted here once the lock is ours).
 */
static int stop_running_create(struct kura_global *g, const char *id, bool force)
{
	struct container peek;
	struct kerr err;
	int rc = 0;

	if (state_load(g->root, id, &peek, &err) < 0)
		return 0; /* gone, or not readable: the locked load says which */
	if (state_create_running(&peek)) {
		if (!force) {
			log_error("cannot delete container %s that is not stopped: creating "
				  "(a create of it is running; --force kills it)", id);
			rc = -1;
		} else if (container_kill_wait(&peek, &err) < 0) {
			log_warn("%s", err.msg);
		}
	}
	state_free(&peek);
	return rc;
}

int cmd_delete(struct kura_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct container c;
	struct kerr err;
	bool force = false;
	int opt, rc = 1;
	enum container_status st;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+fh", opts, NULL)) != -1) {
		if (opt == 'f') {
			force = true;
		} else if (opt == 'h') {
			cmd_usage("delete", false);
			return 0;
		} else {
			log_error("delete: unknown flag \"%s\"", argv[optind - 1]);
			cmd_usage("delete", true);
			return 1;
		}
	}
	if (optind != argc - 1) {
		log_error("delete: %s", optind >= argc ? "container id is required" : "too many arguments");
		cmd_usage("delete", true);
		return 1;
	}
	if (stop_running_create(g, argv[optind], force) < 0)
		return 1;
	/* the lock first, then the state: never act on a snapshot another kura changed */
	if (state_load_locked(g->root, argv[optind], &c, &err) < 0) {
		/* runc: --force on a container that does not exist succeeds */
		if (force && err.errnum == ENOENT)
			return 0;
		log_error("%s", err.msg);
		return 1;
	}
	st = state_status(&c);
	switch (st) {
	case STATUS_STOPPED:
		break;
	case STATUS_CREATED:
	case STATUS_CREATING: /* the lock is ours: a create killed half-way, its init waiting */
		/* never started: runc deletes it without --force */
		if (container_kill_wait(&c, &err) < 0) {
			log_error("%s", err.msg);
			goto out;
		}
		break;
	case STATUS_RUNNING:
	case STATUS_PAUSED:
		if (!force) {
			log_error("cannot delete container %s that is not stopped: %s", c.id,
				  state_status_name(st));
			goto out;
		}
		if (container_kill_wait(&c, &err) < 0) {
			log_error("%s", err.msg);
			goto out;
		}
	}
	test_pause("delete-after-kill");
	if (container_destroy(&c, NULL, &err) < 0) {
		log_error("%s", err.msg);
		goto out;
	}
	rc = 0;
out:
	state_free(&c);
	return rc;
}
