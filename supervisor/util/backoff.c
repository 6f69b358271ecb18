/* SPDX-License-Identifier: Apache-2.0 */
#include "backoff.h"

#include <time.h>

long long backoff_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

void backoff_start(struct backoff *b, long total_ms)
{
	b->end_us = backoff_now_us() + (long long)total_ms * 1000;
	b->step_us = BACKOFF_FIRST_US;
}

bool backoff_next(struct backoff *b, struct timespec *ts)
{
	long long left = b->end_us - backoff_now_us();
	long us = b->step_us;

	if (left <= 0)
		return false;
	if (us > left)
		us = (long)left;
	ts->tv_sec = us / 1000000;
	ts->tv_nsec = (us % 1000000) * 1000L;
	if (b->step_us < BACKOFF_CAP_US)
		b->step_us = b->step_us * 2 > BACKOFF_CAP_US ? BACKOFF_CAP_US
								   : b->step_us * 2;
	return true;
}

bool backoff_sleep(struct backoff *b)
{
	struct timespec ts;

	if (!backoff_next(b, &ts))
		return false;
	nanosleep(&ts, NULL);
	return true;
}
