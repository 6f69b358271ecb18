/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.intelRdt (cgroup/resctrl.h): the schemata text and how it is compared,
 * the groups planned, made and removed by the spec's rules, their record in
 * state.json and the tasks files a new process enters them by.  A plain
 * directory stands in for /sys/fs/resctrl (this host has none); where the
 * kernel makes or removes files with a group's directory, the test does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "cgroup/cgroup_internal.h"
#include "cgroup/resctrl.h"
#include "util/util.h"
#include "tmpdir.h"

TMPDIR_FIXTURE("resctrl")

/* The kernel's way of printing a schemata file: names right-aligned, masks as it keeps them */
static const char kernel_schemata[] = "    L3:0=7f0;1=01f\n"
				      "    L2:0=f;1=f;2=f;3=f\n"
				      "    MB:0= 20;1=70\n";

static char *slurp(const char *dir, const char *file)
{
	char p[512];
	struct kerr err;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	return util_read_file(p, NULL, &err);
}

static void put(const char *dir, const char *file, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* what the kernel does at rmdir of a group: its files go with it */
static void kernel_rmfiles(const char *dir)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/schemata", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/tasks", dir);
	unlink(p);
}

static void test_schemata_text(void **state)
{
	char *lines[] = { "L2:0=f;1=f", "MB:0=70" };
	struct spec_intel_rdt r = { .present = true };
	bool oom;
	char *t;

	(void)state;
	/* nothing set: nothing may be written */
	assert_null(resctrl_schemata_text(&r, &oom));
	assert_false(oom);
	r.mem_bw_schema = "MB:0=20";
	t = resctrl_schemata_text(&r, &oom);
	assert_string_equal(t, "MB:0=20\n");
	free(t);
	/* l3CacheSchema first, memBwSchema next, schemata last */
	r.l3_cache_schema = "L3:0=7f0;1=1f";
	r.schemata.v = lines;
	r.schemata.n = 2;
	t = resctrl_schemata_text(&r, &oom);
	assert_string_equal(t, "L3:0=7f0;1=1f\nMB:0=20\nL2:0=f;1=f\nMB:0=70\n");
	free(t);
	r.l3_cache_schema = r.mem_bw_schema = NULL;
	t = resctrl_schemata_text(&r, &oom);
	assert_string_equal(t, "L2:0=f;1=f\nMB:0=70\n");
	free(t);
}

static void test_schemata_matches(void **state)
{
	(void)state;
	/* masks as numbers (01f is 1f), padding and a subset of the domains */
	assert_true(resctrl_schemata_matches("L3:0=7f0;1=1f\nMB:0=20\n", kernel_schemata));
	assert_true(resctrl_schemata_matches("L2:2=F\nMB:1=070\n", kernel_schemata));
	assert_true(resctrl_schemata_matches("", kernel_schemata));
	/* a value, a domain or a resource the file does not have */
	assert_false(resctrl_schemata_matches("L3:0=ff\n", kernel_schemata));
	assert_false(resctrl_schemata_matches("MB:1=71\n", kernel_schemata));
	assert_false(resctrl_schemata_matches("L3:2=f\n", kernel_schemata));
	assert_false(resctrl_schemata_matches("L3CODE:0=f\n", kernel_schemata));
	/* MB is decimal: 20 is not 0x20 */
	assert_false(resctrl_schemata_matches("MB:0=14\n", kernel_schemata));
	assert_false(resctrl_schemata_matches("no colon\n", kernel_schemata));
	assert_false(resctrl_schemata_matches("L3:0\n", kernel_schemata));
}

static void test_mount_of(void **state)
{
	char *m;

	(void)state;
	assert_null(resctrl_mount_of("22 1 0:20 / /sys rw - sysfs sysfs rw\n"));
	assert_null(resctrl_mount_of(""));
	m = resctrl_mount_of("22 1 0:20 / /sys rw - sysfs sysfs rw\n"
			     "40 22 0:35 / /sys/fs/res\\040ctrl rw,relatime shared:9 - resctrl "
			     "resctrl rw\n");
	assert_string_equal(m, "/sys/fs/res ctrl");
	free(m);
}

static void test_check(void **state)
{
	struct spec s = { .has_linux = true };
	struct kerr err;
	char *m;

	(void)state;
	assert_int_equal(resctrl_check(&s, "", &m, &err), 0);
	assert_null(m);
	s.linux_.intel_rdt.present = true;
	assert_int_equal(resctrl_check(&s, "22 1 0:20 / /sys rw - sysfs sysfs rw\n", &m, &err),
			 -1);
	assert_non_null(strstr(err.msg, "linux.intelRdt: no resctrl filesystem is mounted"));
	assert_null(m);
	assert_int_equal(resctrl_check(&s, "40 22 0:35 / /sys/fs/resctrl rw - resctrl resctrl rw\n",
				       &m, &err), 0);
	assert_string_equal(m, "/sys/fs/resctrl");
	free(m);
}

/* No closID: a group named after the container, made, written and removed by kura. */
static void test_own_group(void **state)
{
	struct spec_intel_rdt r = { .present = true, .l3_cache_schema = "L3:0=f",
				    .mem_bw_schema = "MB:0=20" };
	struct cgroup_rdt *g;
	struct kerr err;
	char p[512];
	char *t;

	(void)state;
	assert_int_equal(resctrl_plan(&r, tmp, "c1", &g, &err), 0);
	snprintf(p, sizeof(p), "%s/c1", tmp);
	assert_string_equal(g->group, p);
	assert_null(g->mon);
	assert_true(g->remove_group);
	assert_false(is_dir(p)); /* planned only */
	assert_int_equal(resctrl_realize(g, &r, &err), 0);
	assert_true(is_dir(p));
	t = slurp(p, "schemata");
	assert_string_equal(t, "L3:0=f\nMB:0=20\n");
	free(t);
	kernel_rmfiles(p);
	assert_int_equal(resctrl_remove(g, &err), 0);
	assert_false(is_dir(p));
	/* removing twice (a retried delete) is no error */
	g->remove_group = true;
	assert_int_equal(resctrl_remove(g, &err), 0);
	resctrl_free(g);

	/* the id's group existed before: joined and written, but not kura's to remove */
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(resctrl_plan(&r, tmp, "c1", &g, &err), 0);
	assert_false(g->remove_group);
	assert_int_equal(resctrl_realize(g, &r, &err), 0);
	kernel_rmfiles(p);
	assert_int_equal(resctrl_remove(g, &err), 0);
	assert_true(is_dir(p));
	assert_int_equal(rmdir(p), 0);
	resctrl_free(g);

	/* no schemata: the group is made, its schemata file not written */
	r.l3_cache_schema = r.mem_bw_schema = NULL;
	assert_int_equal(resctrl_plan(&r, tmp, "c2", &g, &err), 0);
	assert_int_equal(resctrl_realize(g, &r, &err), 0);
	snprintf(p, sizeof(p), "%s/c2/schemata", tmp);
	assert_int_equal(access(p, F_OK), -1);
	assert_int_equal(resctrl_remove(g, &err), 0);
	snprintf(p, sizeof(p), "%s/c2", tmp);
	assert_false(is_dir(p));
	resctrl_free(g);
}

/* closID: an existing group is joined if its schemata are the config's; never removed. */
static void test_closid_group(void **state)
{
	char *lines[] = { "L3:0=7f0;1=1f", "MB:0=20;1=70" };
	struct spec_intel_rdt r = { .present = true, .clos_id = "guaranteed",
				    .schemata = { .v = lines, .n = 2 }, .enable_monitoring = true };
	struct cgroup_rdt *g;
	struct kerr err;
	char p[512], mon[600];
	char *t;

	(void)state;
	snprintf(p, sizeof(p), "%s/guaranteed", tmp);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(mon, sizeof(mon), "%s/mon_groups", p);
	assert_int_equal(mkdir(mon, 0755), 0);
	put(p, "schemata", kernel_schemata);
	assert_int_equal(resctrl_plan(&r, tmp, "c1", &g, &err), 0);
	snprintf(mon, sizeof(mon), "%s/mon_groups/c1", p);
	assert_string_equal(g->group, p);
	assert_string_equal(g->mon, mon);
	assert_false(g->remove_group);
	/* it matches: joined, its file left as the kernel keeps it, the MON group made */
	assert_int_equal(resctrl_realize(g, &r, &err), 0);
	t = slurp(p, "schemata");
	assert_string_equal(t, kernel_schemata);
	free(t);
	assert_true(is_dir(mon));
	assert_int_equal(resctrl_remove(g, &err), 0);
	assert_false(is_dir(mon));
	assert_true(is_dir(p));
	resctrl_free(g);

	/* other schemata than the group's: an error, and no MON group */
	lines[0] = "L3:0=ff";
	assert_int_equal(resctrl_plan(&r, tmp, "c1", &g, &err), 0);
	assert_int_equal(resctrl_realize(g, &r, &err), -1);
	assert_non_null(strstr(err.msg, "linux.intelRdt: closID group"));
	assert_non_null(strstr(err.msg, "exists with other schemata"));
	assert_false(is_dir(mon));
	resctrl_free(g);

	/*
	 * A MON group of that name exists: refused at the plan, so no record
	 * points delete at it; one made by another after the plan fails the
	 * realize and is not removed either.
	 */
	lines[0] = "L3:0=7f0";
	assert_int_equal(mkdir(mon, 0755), 0);
	g = NULL;
	assert_int_equal(resctrl_plan(&r, tmp, "c1", &g, &err), -1);
	assert_null(g);
	assert_non_null(strstr(err.msg, "linux.intelRdt.enableMonitoring: MON group"));
	assert_non_null(strstr(err.msg, "exists already"));
	assert_int_equal(rmdir(mon), 0);
	assert_int_equal(resctrl_plan(&r, tmp, "c1", &g, &err), 0);
	assert_int_equal(mkdir(mon, 0755), 0);
	assert_int_equal(resctrl_realize(g, &r, &err), -1);
	assert_non_null(strstr(err.msg, "linux.intelRdt.enableMonitoring: MON group"));
	assert_int_equal(resctrl_remove(g, &err), 0);
	assert_true(is_dir(mon));
	resctrl_free(g);

	/* a closID with no schemata must name a group that exists */
	r.clos_id = "missing";
	r.schemata.n = 0;
	r.enable_monitoring = false;
	assert_int_equal(resctrl_plan(&r, tmp, "c1", &g, &err), 0);
	assert_int_equal(resctrl_realize(g, &r, &err), -1);
	assert_non_null(strstr(err.msg, "linux.intelRdt.closID: resctrl group"));
	snprintf(p, sizeof(p), "%s/missing", tmp);
	assert_false(is_dir(p));
	resctrl_free(g);

	/* a closID with schemata that does not exist is made and written, and stays */
	r.clos_id = "fresh";
	r.schemata.n = 2;
	assert_int_equal(resctrl_plan(&r, tmp, "c1", &g, &err), 0);
	assert_int_equal(resctrl_realize(g, &r, &err), 0);
	snprintf(p, sizeof(p), "%s/fresh", tmp);
	t = slurp(p, "schemata");
	assert_string_equal(t, "L3:0=7f0\nMB:0=20;1=70\n");
	free(t);
	assert_int_equal(resctrl_remove(g, &err), 0);
	assert_true(is_dir(p));
	resctrl_free(g);

	/* closID "/": the root group, compared like any existing one */
	r.clos_id = "/";
	put(tmp, "schemata", kernel_schemata);
	assert_int_equal(resctrl_plan(&r, tmp, "c1", &g, &err), 0);
	assert_string_equal(g->group, tmp);
	assert_int_equal(resctrl_realize(g, &r, &err), 0);
	resctrl_free(g);
}

/* A refused write gets the kernel's own reason from info/last_cmd_status. */
static void test_refused_write(void **state)
{
	struct spec_intel_rdt r = { .present = true, .mem_bw_schema = "MB:0=20" };
	struct cgroup_rdt *g;
	struct kerr err;
	char p[512];

	(void)state;
	snprintf(p, sizeof(p), "%s/info", tmp);
	assert_int_equal(mkdir(p, 0755), 0);
	put(p, "last_cmd_status", "MB value 20 out of range\n");
	assert_int_equal(resctrl_plan(&r, tmp, "c3", &g, &err), 0);
	/* a directory where the schemata file is: its write fails */
	snprintf(p, sizeof(p), "%s/c3", tmp);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/c3/schemata", tmp);
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(resctrl_realize(g, &r, &err), -1);
	assert_non_null(strstr(err.msg, "linux.intelRdt.schemata: open "));
	assert_non_null(strstr(err.msg, "(resctrl: MB value 20 out of range)"));
	resctrl_free(g);
}

static struct cgroup *cg_with(const char *mount, const char *group, const char *mon, bool rm)
{
	struct cgroup *cg = calloc(1, sizeof(*cg));

	assert_non_null(cg);
	cg->mode = CGROUP_V2;
	cg->inner = strdup("/c1");
	cg->h = calloc(1, sizeof(*cg->h));
	cg->rdt = calloc(1, sizeof(*cg->rdt));
	cg->rdt->mount = strdup(mount);
	cg->rdt->group = strdup(group);
	cg->rdt->mon = mon ? strdup(mon) : NULL;
	cg->rdt->remove_group = rm;
	return cg;
}

/* state.json keeps the groups; a record that points delete outside resctrl is refused */
static void test_record(void **state)
{
	static const struct {
		const char *group, *mon;
		bool rm, ok;
	} cases[] = {
		{ "/sys/fs/resctrl/c1", "/sys/fs/resctrl/c1/mon_groups/c1", true, true },
		{ "/sys/fs/resctrl", "/sys/fs/resctrl/mon_groups/c1", false, true },
		{ "/sys/fs/resctrl/g", NULL, false, true },
		{ "/etc", NULL, true, false },
		{ "/sys/fs/resctrlx", NULL, true, false },
		{ "/sys/fs/resctrl/../../etc", NULL, true, false },
		{ "/sys/fs/resctrl", NULL, true, false },
		{ "/sys/fs/resctrl/c1", "/sys/fs/resctrl/c1/x", false, false },
		{ "/sys/fs/resctrl/c1", "/sys/fs/resctrl/c1/mon_groups/a/b", false, false },
		{ "/sys/fs/resctrl/c1", "/sys/fs/resctrl/c1/mon_groups/..", false, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cgroup *cg = cg_with("/sys/fs/resctrl", cases[i].group, cases[i].mon,
					    cases[i].rm);
		struct cgroup *back = NULL;
		json_t *j = cgroup_to_json(cg);
		struct kerr err;
		int r;

		assert_non_null(j);
		r = cgroup_from_json(j, &back, &err);
		if (!cases[i].ok) {
			assert_int_equal(r, -1);
			assert_non_null(strstr(err.msg, "state.json: .cgroup.resctrl: malformed"));
		} else {
			assert_int_equal(r, 0);
			assert_string_equal(back->rdt->mount, "/sys/fs/resctrl");
			assert_string_equal(back->rdt->group, cases[i].group);
			if (cases[i].mon)
				assert_string_equal(back->rdt->mon, cases[i].mon);
			else
				assert_null(back->rdt->mon);
			assert_int_equal(back->rdt->remove_group, cases[i].rm);
			cgroup_free(back);
		}
		json_decref(j);
		cgroup_free(cg);
	}
}

/* A new process enters the CTRL_MON group first, then the MON group (the kernel's order). */
static void test_entry(void **state)
{
	char g[512], mon[600];
	struct cgroup *cg;
	struct cgroup_entry e;
	struct kerr err;

	(void)state;
	snprintf(g, sizeof(g), "%s/c1", tmp);
	snprintf(mon, sizeof(mon), "%s/c1/mon_groups/c1", tmp);
	cg = cg_with(tmp, g, mon, true);
	assert_int_equal(cgroup_entry_open(cg, &e, &err), -1);
	assert_non_null(strstr(err.msg, "linux.intelRdt: open "));
	assert_int_equal(e.n_rdt, 0);
	assert_int_equal(mkdir(g, 0755), 0);
	tmp_touch(g, "tasks");
	snprintf(mon, sizeof(mon), "%s/c1/mon_groups", tmp);
	assert_int_equal(mkdir(mon, 0755), 0);
	snprintf(mon, sizeof(mon), "%s/c1/mon_groups/c1", tmp);
	assert_int_equal(mkdir(mon, 0755), 0);
	tmp_touch(mon, "tasks");
	assert_int_equal(cgroup_entry_open(cg, &e, &err), 0);
	assert_int_equal(e.n_rdt, 2);
	assert_string_equal(e.rdt_dirs[0], g);
	assert_string_equal(e.rdt_dirs[1], mon);
	assert_true(fcntl(e.rdt_tasks[0], F_GETFD) & FD_CLOEXEC);
	cgroup_entry_close(&e);
	cgroup_free(cg);
}

/* `update --l3-cache-schema/--mem-bw-schema`: the lines in the spec's order */
static void test_update(void **state)
{
	char g[512];
	struct cgroup *cg;
	struct kerr err;
	char *t;

	(void)state;
	snprintf(g, sizeof(g), "%s/c1", tmp);
	assert_int_equal(mkdir(g, 0755), 0);
	cg = cg_with(tmp, g, NULL, true);
	assert_int_equal(cgroup_rdt_update(cg, "L3:0=f", "MB:0=30", &err), 0);
	t = slurp(g, "schemata");
	assert_string_equal(t, "L3:0=f\nMB:0=30\n");
	free(t);
	resctrl_free(cg->rdt);
	cg->rdt = NULL;
	assert_int_equal(cgroup_rdt_update(cg, NULL, "MB:0=30", &err), -1);
	assert_non_null(strstr(err.msg, "the container has no linux.intelRdt"));
	cgroup_free(cg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schemata_text),
		cmocka_unit_test(test_schemata_matches),
		cmocka_unit_test(test_mount_of),
		cmocka_unit_test(test_check),
		cmocka_unit_test_setup_teardown(test_own_group, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_closid_group, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_refused_write, tmp_setup, tmp_teardown),
		cmocka_unit_test(test_record),
		cmocka_unit_test_setup_teardown(test_entry, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_update, tmp_setup, tmp_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
