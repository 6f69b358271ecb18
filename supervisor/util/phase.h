/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `kura --debug create|run|exec|start`: how long each step of a start took.
 * phase_mark(NAME) closes the step NAME, which began at the previous mark
 * (the first at phase_init, kura's main); phase_report() logs one debug line
 * per step and the total.  Steps of other processes (kura-shim, the init
 * half) come in as CLOCK_MONOTONIC times through phase_mark_at.  Off, each
 * mark is one load and one branch; spawn tells the shim and the init half
 * through their environment (SYNC_PHASES_ENV, bootstrap/sync.h).
 */
#ifndef KURA_PHASE_H
#define KURA_PHASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void phase_init(bool on);
bool phase_on(void);
uint64_t phase_now(void); /* CLOCK_MONOTONIC in ns */
void phase_mark(const char *name);
void phase_mark_at(const char *name, uint64_t ns);
/*
 * Another process's marks, as it sent them: up to n CLOCK_MONOTONIC times
 * in decimal, space-separated, the i-th ending the step names[i].  Text
 * that does not read as that marks nothing.
 */
void phase_mark_times(const char *text, const char *const *names, size_t n);
void phase_report(void);

#endif
