/* SPDX-License-Identifier: Apache-2.0 */
#include "verb.h"

#include <getopt.h>
#include <stdlib.h>

#include "cmd.h"
#include "util/log.h"

int verb_simple_args(const char *verb, int argc, char **argv, const char **id)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h') {
			cmd_usage(verb, false);
			exit(0);
		}
		log_error("%s: unknown flag \"%s\"", verb, argv[optind - 1]);
		cmd_usage(verb, true);
		return -1;
	}
	if (optind != argc - 1) {
		log_error("%s: %s", verb,
			  optind >= argc ? "container id is required" : "too many arguments");
		cmd_usage(verb, true);
		return -1;
	}
	*id = argv[optind];
	return 0;
}
