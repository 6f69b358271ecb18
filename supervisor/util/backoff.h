/* SPDX-License-Identifier: Apache-2.0 */
#ifndef KURA_BACKOFF_H
#define KURA_BACKOFF_H

#include <stdbool.h>

/*
 * Pacing for a retry that waits on the kernel (a freezer settling, a
 * cgroup emptying, an init dying): sleeps of 0.5 ms doubling to 8 ms, until total_ms have
 * passed since the start.  What is awaited usually ends within a millisecond
 * or two, which a fixed 10 ms step overslept; a slow one costs few wake-ups.
 */
#define BACKOFF_FIRST_US 500L
#define BACKOFF_CAP_US 8000L
struct backoff {
	long long end_us; /* CLOCK_MONOTONIC */
	long step_us;
};
/* CLOCK_MONOTONIC in microseconds */
long long backoff_now_us(void);
void backoff_start(struct backoff *b, long total_ms);
/* Sleep the next step (never past the deadline); false, without sleeping, once it passed. */
bool backoff_sleep(struct backoff *b);
/* The next step, to wait on something else (ppoll); false once the deadline passed. */
struct timespec;
bool backoff_next(struct backoff *b, struct timespec *ts);

#endif
