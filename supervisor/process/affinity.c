/* SPDX-License-Identifier: Apache-2.0 */
/* execCPUAffinity: cpu lists ("0-3,7") applied with sched_setaffinity. */
#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "process_internal.h"
#include "util/util.h"

/* Far above any real machine; bounds the set we allocate from user input. */
#define AFFINITY_MAX_CPU 8191

static int affinity_number(const char **p, long *out)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)**p))
		return -1;
	errno = 0;
	v = strtol(*p, &end, 10);
	if (errno || v < 0 || v > AFFINITY_MAX_CPU)
		return -1;
	*p = end;
	*out = v;
	return 0;
}

cpu_set_t *affinity_parse(const char *list, size_t *setsize, struct kerr *err)
{
	const char *p = list;
	long max = -1;
	cpu_set_t *set;
	size_t size;

	/* first pass: validate and find the highest cpu to size the set */
	while (*p) {
		long lo, hi;

		if (affinity_number(&p, &lo) < 0)
			goto bad;
		hi = lo;
		if (*p == '-') {
			p++;
			if (affinity_number(&p, &hi) < 0 || hi < lo)
				goto bad;
		}
		if (hi > max)
			max = hi;
		if (*p == ',' && p[1])
			p++;
		else if (*p)
			goto bad;
	}
	if (max < 0)
		goto bad;

	set = CPU_ALLOC((int)max + 1);
	if (!set) {
		kerr_errno(err, ENOMEM, "cpu list \"%s\"", list);
		return NULL;
	}
	size = CPU_ALLOC_SIZE((int)max + 1);
	CPU_ZERO_S(size, set);
	for (p = list; *p;) {
		long lo, hi;

		affinity_number(&p, &lo);
		hi = lo;
		if (*p == '-') {
			p++;
			affinity_number(&p, &hi);
		}
		for (long c = lo; c <= hi; c++)
			CPU_SET_S((size_t)c, size, set);
		if (*p == ',')
			p++;
	}
	*setsize = size;
	return set;
bad:
	kerr_set(err, "invalid cpu list \"%s\"", list);
	return NULL;
}

int affinity_apply(const char *list, const char *field, struct kerr *err)
{
	size_t size;
	cpu_set_t *set = affinity_parse(list, &size, err);
	int r = 0;

	if (!set)
		return kerr_wrap(err, "%s", field);
	if (sched_setaffinity(0, size, set) < 0)
		r = kerr_errno(err, errno, "%s: sched_setaffinity \"%s\"", field, list);
	CPU_FREE(set);
	return r;
}
