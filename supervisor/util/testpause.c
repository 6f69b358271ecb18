/* SPDX-License-Identifier: Apache-2.0 */
#include "testpause.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void test_pause(const char *phase)
{
	const char *v = getenv("_KURA_TEST_PAUSE");
	size_t n = strlen(phase);
	char *end;
	long ms;

	if (!v || strncmp(v, phase, n) != 0 || v[n] != ':')
		return;
	ms = strtol(v + n + 1, &end, 10);
	if (*end || ms <= 0 || ms > 60000)
		return;
	nanosleep(&(struct timespec){ .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L }, NULL);
}
