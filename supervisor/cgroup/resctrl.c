/* SPDX-License-Identifier: Apache-2.0 */
/* linux.intelRdt: the resctrl file contents and the host check (resctrl.h). */
#include "resctrl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *resctrl_schemata_text(const struct spec_intel_rdt *r, bool *oom)
{
	size_t len = 0, at = 0;
	char *text;

	*oom = false;
	if (r->l3_cache_schema)
		len += strlen(r->l3_cache_schema) + 1;
	if (r->mem_bw_schema)
		len += strlen(r->mem_bw_schema) + 1;
	for (size_t i = 0; i < r->schemata.n; i++)
		len += strlen(r->schemata.v[i]) + 1;
	if (!r->l3_cache_schema && !r->mem_bw_schema && !r->schemata.n)
		return NULL;
	text = malloc(len + 1);
	if (!text) {
		*oom = true;
		return NULL;
	}
	/* l3CacheSchema first, memBwSchema after it, schemata last */
	if (r->l3_cache_schema)
		at += (size_t)sprintf(text + at, "%s\n", r->l3_cache_schema);
	if (r->mem_bw_schema)
		at += (size_t)sprintf(text + at, "%s\n", r->mem_bw_schema);
	for (size_t i = 0; i < r->schemata.n; i++)
		at += (size_t)sprintf(text + at, "%s\n", r->schemata.v[i]);
	text[at] = '\0';
	return text;
}

int resctrl_group_dir(const struct spec_intel_rdt *r, const char *root, const char *id,
		      char *buf, size_t size)
{
	int n;

	if (r->clos_id && strcmp(r->clos_id, "/") == 0)
		n = snprintf(buf, size, "%s", root);
	else
		n = snprintf(buf, size, "%s/%s", root, r->clos_id ? r->clos_id : id);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

bool resctrl_group_is_ours(const struct spec_intel_rdt *r, bool created)
{
	return created && !r->clos_id;
}

/* Whether mountinfo has a resctrl filesystem: " - resctrl " starts its fs part. */
static bool resctrl_mounted(const char *mountinfo)
{
	return mountinfo && strstr(mountinfo, " - resctrl ") != NULL;
}

int resctrl_check(const struct spec *s, const char *mountinfo, struct kerr *err)
{
	if (!s->has_linux || !s->linux_.intel_rdt.present)
		return 0;
	if (!resctrl_mounted(mountinfo))
		return kerr_set(err, "linux.intelRdt: no resctrl filesystem is mounted on this "
				     "host (Intel RDT unsupported or not mounted at /sys/fs/resctrl)");
	return kerr_set(err, "linux.intelRdt: kura does not manage resctrl groups yet");
}
