/* SPDX-License-Identifier: Apache-2.0 */
/* `kura list [--format table|json] [--quiet]` */
#include <jansson.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "util/log.h"
#include "state.h"

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmd_list(struct kura_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *format = "table";
	bool quiet = false;
	int opt;
	DIR *d;
	struct dirent *e;
	char **ids = NULL;
	size_t n = 0;
	json_t *arr;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+f:qh", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			format = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			cmd_usage("list", false);
			return 0;
		default:
			log_error("list: unknown flag \"%s\"", argv[optind - 1]);
			cmd_usage("list", true);
			return 1;
		}
	}
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0) {
		log_error("invalid format option");
		return 1;
	}
	d = opendir(g->root);
	/* no root yet is no container; any other failure is not an empty list */
	if (!d && errno != ENOENT) {
		log_error("list: open %s: %s", g->root, strerror(errno));
		return 1;
	}
	if (d) {
		while ((e = readdir(d))) {
			char **nids;

			struct kerr skip;

			/* only containers: not "@seccomp" (the filter cache), nor dot files */
			if (e->d_name[0] == '.' || e->d_type != DT_DIR ||
			    state_validate_id(e->d_name, &skip) < 0)
				continue;
			nids = realloc(ids, (n + 1) * sizeof(*ids));
			if (!nids)
				break;
			ids = nids;
			ids[n++] = strdup(e->d_name);
		}
		closedir(d);
	}
	if (n)
		qsort(ids, n, sizeof(*ids), name_cmp);
	arr = json_array();
	if (!quiet && strcmp(format, "table") == 0)
		printf("%-12s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
	for (size_t i = 0; i < n; i++) {
		struct container c;
		struct kerr err;
		enum container_status st;

		if (state_load(g->root, ids[i], &c, &err) < 0)
			continue;
		st = state_status(&c);
		if (quiet)
			puts(c.id);
		else if (strcmp(format, "table") == 0)
			printf("%-12s %-8d %-10s %-40s %-30s %s\n", c.id,
			       st == STATUS_STOPPED ? 0 : (int)c.pid, state_status_name(st),
			       c.bundle ? c.bundle : "", c.created ? c.created : "",
			       c.owner && *c.owner ? c.owner : "root");
		else
			json_array_append_new(arr, state_oci_json(&c, st));
		state_free(&c);
	}
	if (!quiet && strcmp(format, "json") == 0) {
		char *text = json_dumps(arr, JSON_COMPACT);

		puts(n ? text : "null");
		free(text);
	}
	json_decref(arr);
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return 0;
}
