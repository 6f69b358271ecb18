/* SPDX-License-Identifier: Apache-2.0 */
/* `kura delete [--force] ID` */
#include <getopt.h>
#include <stdlib.h>

#include "cmd.h"
#include "container.h"
#include "log.h"

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
	if (state_load(g->root, argv[optind], &c, &err) < 0) {
		/* runc: --force on a container that does not exist succeeds */
		if (force && err.errnum == ENOENT)
			return 0;
		log_error("%s", err.msg);
		return 1;
	}
	if (state_lock(&c, &err) < 0) {
		log_error("%s", err.msg);
		goto out;
	}
	st = state_status(&c);
	switch (st) {
	case STATUS_STOPPED:
		break;
	case STATUS_CREATED:
		/* never started: runc deletes it without --force */
		if (container_kill_wait(&c, &err) < 0) {
			log_error("%s", err.msg);
			goto out;
		}
		break;
	default:
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
	if (container_destroy(&c, NULL, &err) < 0) {
		log_error("%s", err.msg);
		goto out;
	}
	rc = 0;
out:
	state_free(&c);
	return rc;
}
