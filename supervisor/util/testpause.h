/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A fault-injection point for the tests only: with _KURA_TEST_PAUSE=PHASE:MS
 * in its environment, kura (and the init half, which kura-shim passes
 * _KURA_* to) sleeps MS milliseconds when it reaches PHASE, so a test can
 * look at, or kill, a process in a window too short to hit by chance.
 * Unset, it costs one getenv per phase.
 *
 * Phases: init-start (the init half's first step after its exec);
 * create-after-dir (the state dir made and locked, config.json and
 * exec.fifo there, nothing recorded yet), create-after-cgroups (the cgroups
 * recorded and made, no process yet), create-after-spawn (the init running,
 * its pid recorded, not ready), create-after-ready (the init waits on the
 * exec FIFO, state.json still says creating); start-after-open (start has
 * the FIFO open, has read nothing); exec-after-spawn (the exec'd process
 * exists, not yet exec'd); delete-after-kill (the processes killed, nothing
 * removed), delete-after-cgroups (the cgroups removed, the state dir not).
 */
#ifndef KURA_TESTPAUSE_H
#define KURA_TESTPAUSE_H

void test_pause(const char *phase);

#endif
