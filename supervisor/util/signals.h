/* SPDX-License-Identifier: Apache-2.0 */
#ifndef KURA_SIGNALS_H
#define KURA_SIGNALS_H

/*
 * A signal as runc takes it: a name with or without SIG, any case (KILL,
 * SIGKILL, kill), a number (9), or RTMIN+N / RTMAX-N.  The signal, or -1.
 */
int signal_parse(const char *s);

#endif
