/* SPDX-License-Identifier: Apache-2.0 */
#include "phase.h"

#include <stdlib.h>
#include <time.h>

#include "log.h"

#define PHASE_MAX 32

static bool phases_on;
static int n_marks;
static struct {
	const char *name;
	uint64_t ns;
} marks[PHASE_MAX];

uint64_t phase_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void phase_init(bool on)
{
	phases_on = on;
	n_marks = 0;
	if (on)
		phase_mark_at(NULL, phase_now());
}

bool phase_on(void)
{
	return phases_on;
}

void phase_mark_at(const char *name, uint64_t ns)
{
	int i;

	if (!phases_on || n_marks == PHASE_MAX || !ns)
		return;
	/* marks of the shim and the init arrive late: kept in time order */
	for (i = n_marks; i > 1 && marks[i - 1].ns > ns; i--)
		marks[i] = marks[i - 1];
	marks[i].name = name;
	marks[i].ns = ns;
	n_marks++;
}

void phase_mark(const char *name)
{
	if (phases_on)
		phase_mark_at(name, phase_now());
}

void phase_mark_times(const char *text, const char *const *names, size_t n)
{
	uint64_t t[8];
	const char *p = text;
	char *end;

	if (!phases_on || n > sizeof(t) / sizeof(t[0]))
		return;
	for (size_t i = 0; i < n; i++, p = end) {
		t[i] = strtoull(p, &end, 10);
		if (end == p || (*end && *end != ' '))
			return;
	}
	for (size_t i = 0; i < n; i++)
		phase_mark_at(names[i], t[i]);
}

void phase_report(void)
{
	if (!phases_on || n_marks < 2)
		return;
	for (int i = 1; i < n_marks; i++) {
		uint64_t d = marks[i].ns - marks[i - 1].ns;

		log_debug("phase %-30s %8.3f ms", marks[i].name, (double)d / 1e6);
	}
	log_debug("phase %-30s %8.3f ms", "total (from main)",
		  (double)(marks[n_marks - 1].ns - marks[0].ns) / 1e6);
	phases_on = false;
}
