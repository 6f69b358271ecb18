/* SPDX-License-Identifier: Apache-2.0 */
/* `kura start ID`: let a created container's init exec its process. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "container/container.h"
#include "util/log.h"
#include "util/util.h"
#include "verb.h"

int cmd_start(struct kura_global *g, int argc, char **argv)
{
	struct container c;
	struct spec s;
	struct kerr err;
	const char *id;
	int rc = 1;

	if (verb_simple_args("start", argc, argv, &id) < 0)
		return 1;
	if (state_load_locked(g->root, id, &c, &err) < 0) {
		log_error("%s", err.msg);
		return 1;
	}
	switch (state_status(&c)) {
	case STATUS_CREATED:
		break;
	case STATUS_STOPPED:
		log_error("cannot start a container that has stopped");
		goto out;
	case STATUS_RUNNING:
	case STATUS_PAUSED:
		log_error("cannot start an already running container");
		goto out;
	case STATUS_CREATING:
		log_error("cannot start a container in the %s state",
			  state_status_name(state_status(&c)));
		goto out;
	}
	if (container_load_spec(&c, &s, &err) < 0) {
		log_error("%s", err.msg);
		goto out;
	}
	if (container_start(&c, &err) < 0) {
		log_error("%s", err.msg);
		spec_free(&s);
		goto out;
	}
	/* a failing poststart hook: the container is gone, start fails */
	if (container_poststart(&c, &s, &err) < 0)
		log_error("%s", err.msg);
	else
		rc = 0;
	spec_free(&s);
out:
	state_free(&c);
	return rc;
}
