/* SPDX-License-Identifier: Apache-2.0 */
/* Terminals: the console-socket protocol (pty master over SCM_RIGHTS). */
#ifndef KURA_CONSOLE_H
#define KURA_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/kerr.h"

/*
 * In the init half, after pivot_root: open /dev/pts/ptmx of the container's
 * devpts, unlock, apply the size (when width/height are not 0), send the
 * master over console_sock (SCM_RIGHTS), bind /dev/console to the slave,
 * make the slave stdin/stdout/stderr and the controlling terminal.
 */
int console_setup(int console_sock, uint32_t height, uint32_t width, struct kerr *err);

/* The same for `kura exec`: the container's /dev/console is left as it is. */
int console_setup_exec(int console_sock, uint32_t height, uint32_t width, struct kerr *err);

/* Connect to a --console-socket path; a CLOEXEC fd, or -1 with *err. */
int console_connect(const char *path, struct kerr *err);

/*
 * Receive a pty master sent on sock (the runc protocol); the fd, or -1.
 * When our stdout is not a terminal, ONLCR is cleared (as runc does).
 */
int console_recv_master(int sock, struct kerr *err);

/*
 * Foreground `run`/`exec` with a terminal and no --console-socket: copy
 * between our stdin/stdout and master (stdin raw when it is a tty, size
 * propagated on SIGWINCH) until the master hangs up; returns when the
 * container's side is closed.
 */
int console_proxy(int master, struct kerr *err);

#endif
