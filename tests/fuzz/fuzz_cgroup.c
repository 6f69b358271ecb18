/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: /proc/self/mountinfo and /proc/PID/cgroup as kura reads
 * them to place a container's cgroups, with a cgroupsPath.  The input is
 * MOUNTINFO \0 PROC_CGROUP \0 CGROUPS_PATH (missing parts are empty).
 * Everything parsed is freed, and no container cgroup directory is ever
 * outside the hierarchy it belongs to.  The same texts also go through the
 * resctrl readers: the mount found in mountinfo, and a schemata file's text
 * compared with the config's lines.
 */
#include <stdio.h>

#include "cgroup/cgroup_internal.h"
#include "fuzz.h"

/* path is mount or below it, lexically (both are clean) */
static int under(const char *mount, const char *path)
{
	size_t l = strlen(mount);

	if (!strcmp(mount, "/"))
		return path[0] == '/';
	return !strncmp(mount, path, l) && (path[l] == '\0' || path[l] == '/');
}

static void check_clean(const char *in, const char *out)
{
	FUZZ_ASSERT(out);
	FUZZ_ASSERT(strlen(out) <= strlen(in) + 1);
	FUZZ_ASSERT((in[0] == '/') == (out[0] == '/'));
	/* no empty, "." or ".." component is left */
	FUZZ_ASSERT(!strstr(out, "//"));
	FUZZ_ASSERT(strcmp(out, ".") && strcmp(out, "..") && strncmp(out, "../", 3));
	FUZZ_ASSERT(!strstr(out, "/./") && !strstr(out, "/../"));
	{
		size_t l = strlen(out);

		FUZZ_ASSERT(!(l >= 2 && !strcmp(out + l - 2, "/.")));
		FUZZ_ASSERT(!(l >= 3 && !strcmp(out + l - 3, "/..")));
		FUZZ_ASSERT(!(l > 1 && out[l - 1] == '/'));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_cstr(data, size);
	const char *mi = buf, *pc = "", *cp = "";
	struct cgroup_mount *m = NULL;
	struct cgroup *cg = NULL;
	struct kerr err;
	size_t n = 0, l1 = strlen(buf);

	if (l1 < size) {
		pc = buf + l1 + 1;
		if (l1 + 1 + strlen(pc) < size)
			cp = pc + strlen(pc) + 1;
	}

	if (cgroup_mounts_parse(mi, &m, &n, &err) == 0) {
		(void)cgroup_mode_of(m, n);
		for (size_t i = 0; i < n; i++) {
			char *own = cgroup_proc_path(pc, m[i].controllers);

			FUZZ_ASSERT(m[i].controllers && m[i].mount && m[i].root);
			/* cgroup2 is "", a v1 hierarchy names at least one controller */
			for (size_t j = 0; j < i; j++)
				FUZZ_ASSERT(strcmp(m[i].controllers, m[j].controllers));
			free(own);
		}
		cgroup_mounts_free(m, n);
	}
	{
		char *rm = resctrl_mount_of(mi);

		/* a mount point: one line's field, never more than the input */
		FUZZ_ASSERT(!rm || strlen(rm) <= l1);
		free(rm);
		(void)resctrl_schemata_matches(pc, cp);
		(void)resctrl_schemata_matches(cp, pc);
	}
	free(cgroup_proc_path(pc, ""));
	free(cgroup_proc_path(pc, "cpu,cpuacct"));
	(void)cgroup_has_controller(pc, "memory");

	{
		char *clean = cgroup_clean_path(cp);
		char *inner = cgroup_inner_path(cp, "ctr");

		check_clean(cp, clean);
		FUZZ_ASSERT(inner);
		if (cgroup_layout(mi, pc, inner, &cg, &err) == 0) {
			for (size_t i = 0; i < cg->n; i++) {
				char *mc = cgroup_clean_path(cg->h[i].mount);

				/* the container's directory never leaves its hierarchy */
				if (mc[0] == '/')
					FUZZ_ASSERT(under(mc, cg->h[i].path));
				free(mc);
			}
			cgroup_free(cg);
		}
		free(clean);
		free(inner);
	}
	free(buf);
	return 0;
}
