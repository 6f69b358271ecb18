/* SPDX-License-Identifier: Apache-2.0 */
/* `kura state ID`: the OCI state, as runc prints it. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "util/log.h"
#include "state.h"
#include "verb.h"

int cmd_state(struct kura_global *g, int argc, char **argv)
{
	struct container c;
	struct kerr err;
	const char *id;
	json_t *j;
	char *text;

	if (verb_simple_args("state", argc, argv, &id) < 0)
		return 1;
	if (state_load(g->root, id, &c, &err) < 0) {
		log_error("%s", err.msg);
		return 1;
	}
	j = state_oci_json(&c, state_status(&c));
	/* runc prints its state indented by two spaces */
	text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
	json_decref(j);
	state_free(&c);
	if (!text) {
		log_error("state: out of memory");
		return 1;
	}
	puts(text);
	free(text);
	return 0;
}
