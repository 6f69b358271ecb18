/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One function per CLI verb (supervisor/cmd/<verb>.c).  Each gets the global
 * options and its own argv (argv[0] is the verb), parses its flags with
 * getopt_long, and returns the process exit status (0, or 1 after
 * log_error()).  Global flags come before the verb, verb flags after it, as
 * with runc.
 */
#ifndef KURA_CMD_H
#define KURA_CMD_H

#include <stdbool.h>

#include "util/global.h"

typedef int (*cmd_fn)(struct kura_global *g, int argc, char **argv);

int cmd_spec(struct kura_global *g, int argc, char **argv);
int cmd_check(struct kura_global *g, int argc, char **argv);
int cmd_create(struct kura_global *g, int argc, char **argv);
int cmd_start(struct kura_global *g, int argc, char **argv);
int cmd_run(struct kura_global *g, int argc, char **argv);
int cmd_state(struct kura_global *g, int argc, char **argv);
int cmd_kill(struct kura_global *g, int argc, char **argv);
int cmd_delete(struct kura_global *g, int argc, char **argv);
int cmd_list(struct kura_global *g, int argc, char **argv);
int cmd_ps(struct kura_global *g, int argc, char **argv);
int cmd_exec(struct kura_global *g, int argc, char **argv);
int cmd_features(struct kura_global *g, int argc, char **argv);
int cmd_pause(struct kura_global *g, int argc, char **argv);
int cmd_resume(struct kura_global *g, int argc, char **argv);
int cmd_update(struct kura_global *g, int argc, char **argv);
int cmd_events(struct kura_global *g, int argc, char **argv);

/*
 * Usage text of a verb for `kura help VERB` and `kura VERB --help`, and a
 * one-line hint on bad flags.  Defined in supervisor/cmd/help.c.
 */
void cmd_usage(const char *verb, bool to_stderr);

#endif
