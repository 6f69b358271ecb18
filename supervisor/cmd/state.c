/* SPDX-License-Identifier: Apache-2.0 */
/* `kura state ID`: the OCI state, as runc prints it. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "log.h"
#include "state.h"
#include "verb.h"

int cmd_state(struct kura_global *g, int argc, char **argv)
{
	struct container c;
	struct kerr err;
	const char *id;
	cJSON *j;
	char *text;

	if (verb_simple_args("state", argc, argv, &id) < 0)
		return 1;
	if (state_load(g->root, id, &c, &err) < 0) {
		log_error("%s", err.msg);
		return 1;
	}
	j = state_oci_json(&c, state_status(&c));
	text = j ? cJSON_Print(j) : NULL;
	cJSON_Delete(j);
	state_free(&c);
	if (!text) {
		log_error("state: out of memory");
		return 1;
	}
	puts(text);
	free(text);
	return 0;
}
