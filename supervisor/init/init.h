/* SPDX-License-Identifier: Apache-2.0 */
#ifndef KURA_INIT_H
#define KURA_INIT_H

#include "util/global.h"

/*
 * `kura init SYNCFD DATAFD`: the init half, exec'd by kura-shim inside the
 * container's namespaces; never returns on success (it execs the process).
 */
int cmd_init(struct kura_global *g, int argc, char **argv);

#endif
