/* SPDX-License-Identifier: Apache-2.0 */
/* The global flags, given before the verb (`kura --root R --log L VERB ...`). */
#ifndef KURA_GLOBAL_H
#define KURA_GLOBAL_H

#include <stdbool.h>

struct kura_global {
	const char *root;       /* --root, default /run/kura */
	const char *log_path;   /* --log */
	bool log_json;          /* --log-format json */
	bool debug;             /* --debug */
	bool systemd_cgroup;    /* --systemd-cgroup */
	int rootless;           /* --rootless: 0 false, 1 true, -1 auto */
};

#endif
