/* SPDX-License-Identifier: Apache-2.0 */
/* `kura kill [--all] ID [SIGNAL]` */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>

#include "cgroup/cgroup.h"
#include "cmd.h"
#include "container/container.h"
#include "util/signals.h"
#include "util/log.h"

int cmd_kill(struct kura_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct container c;
	struct kerr err;
	bool all = false;
	int sig = SIGTERM, opt, rc = 1;
	enum container_status st;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+ah", opts, NULL)) != -1) {
		if (opt == 'a') {
			all = true;
		} else if (opt == 'h') {
			cmd_usage("kill", false);
			return 0;
		} else {
			log_error("kill: unknown flag \"%s\"", argv[optind - 1]);
			cmd_usage("kill", true);
			return 1;
		}
	}
	if (optind >= argc || argc - optind > 2) {
		log_error("kill: %s", optind >= argc ? "container id is required" : "too many arguments");
		cmd_usage("kill", true);
		return 1;
	}
	if (argc - optind == 2) {
		sig = signal_parse(argv[optind + 1]);
		if (sig < 0) {
			log_error("invalid signal \"%s\"", argv[optind + 1]);
			return 1;
		}
	}
	if (state_load_locked(g->root, argv[optind], &c, &err) < 0) {
		log_error("%s", err.msg);
		return 1;
	}
	st = state_status(&c);
	if (st == STATUS_STOPPED || st == STATUS_CREATING) {
		log_error("container not running");
		goto out;
	}
	if (all && c.cg) {
		if (cgroup_kill_all(c.cg, sig, &err) < 0) {
			log_error("%s", err.msg);
			goto out;
		}
	} else if (kill(c.pid, sig) < 0) {
		log_error("kill %d: %m", (int)c.pid);
		goto out;
	}
	rc = 0;
out:
	state_free(&c);
	return rc;
}
