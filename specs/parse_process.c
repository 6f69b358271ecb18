/* SPDX-License-Identifier: Apache-2.0 */
/* .process of config.json, and the process.json of `kura exec --process`. */
#include "parse_internal.h"

#include <linux/sched.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

/* The largest uid/gid a process may be given: (uid_t)-1 is "no change". */
#define SPEC_ID_MAX ((int64_t)UINT32_MAX - 1)

static void parse_console_size(struct pctx *c, const json_t *obj, struct spec_process *p)
{
	const json_t *o = pj_object(c, obj, "consoleSize", 0);
	size_t saved;
	int ok;

	if (!o)
		return;
	saved = pctx_push_key(c, "consoleSize");
	ok = pj_u32(c, o, "height", &p->console_height, PJ_REQUIRED) > 0;
	ok &= pj_u32(c, o, "width", &p->console_width, PJ_REQUIRED) > 0;
	p->has_console_size = ok;
	pctx_pop(c, saved);
}

static void parse_user(struct pctx *c, const json_t *obj, struct spec_user *u)
{
	const json_t *o = pj_object(c, obj, "user", PJ_REQUIRED);
	const json_t *gids, *e;
	size_t saved, i = 0;

	if (!o)
		return;
	saved = pctx_push_key(c, "user");
	/*
	 * Ids stop at 2^32-2: 4294967295 is (uid_t)-1, which setresuid and
	 * setresgid take as "leave unchanged", so it would run the process
	 * as whoever kura is (crun's CVE-2026-30892).
	 */
	{
		int64_t id;

		if (pj_int(c, o, "uid", 0, SPEC_ID_MAX, &id, PJ_REQUIRED) > 0)
			u->uid = (uint32_t)id;
		if (pj_int(c, o, "gid", 0, SPEC_ID_MAX, &id, PJ_REQUIRED) > 0)
			u->gid = (uint32_t)id;
	}
	/* An umask has no bits above 0777; anything else is a typo of the mode. */
	{
		int64_t umask;

		if (pj_int(c, o, "umask", 0, 0777, &umask, 0) > 0) {
			u->has_umask = true;
			u->umask = (uint32_t)umask;
		}
	}
	pj_string(c, o, "username", &u->username, 0);
	gids = pj_array(c, o, "additionalGids", 0);
	if (gids) {
		size_t s2 = pctx_push_key(c, "additionalGids");

		u->additional_gids = pctx_calloc(c, json_array_size(gids),
						 sizeof(*u->additional_gids));
		if (u->additional_gids) {
			PJ_ARRAY_FOREACH(gids, e) {
				size_t s3 = pctx_push_index(c, i++);
				int64_t gid;

				if (pv_int_range(c, e, 0, SPEC_ID_MAX, &gid) == 0)
					u->additional_gids[u->n_additional_gids++] = (uint32_t)gid;
				pctx_pop(c, s3);
			}
		}
		pctx_pop(c, s2);
	}
	pctx_pop(c, saved);
}

/* Shape only: whether the kernel knows a name is the runtime's (and check's) job. */
static void parse_cap_set(struct pctx *c, const json_t *obj, const char *key,
			  struct spec_strv *set)
{
	size_t saved;

	if (pj_strv(c, obj, key, set, 0) <= 0)
		return;
	saved = pctx_push_key(c, key);
	for (size_t i = 0; i < set->n; i++) {
		if (strncmp(set->v[i], "CAP_", 4) != 0) {
			size_t s2 = pctx_push_index(c, i);

			pctx_error(c, "capability must start with \"CAP_\", not \"%s\"", set->v[i]);
			pctx_pop(c, s2);
		}
	}
	pctx_pop(c, saved);
}

static void parse_capabilities(struct pctx *c, const json_t *obj, struct spec_capabilities *caps)
{
	const json_t *o = pj_object(c, obj, "capabilities", 0);
	size_t saved;

	if (!o)
		return;
	caps->present = true;
	saved = pctx_push_key(c, "capabilities");
	parse_cap_set(c, o, "bounding", &caps->bounding);
	parse_cap_set(c, o, "effective", &caps->effective);
	parse_cap_set(c, o, "permitted", &caps->permitted);
	parse_cap_set(c, o, "inheritable", &caps->inheritable);
	parse_cap_set(c, o, "ambient", &caps->ambient);
	pctx_pop(c, saved);
}

static void parse_rlimit(struct pctx *c, const json_t *e, struct spec_process *p,
			 struct spec_rlimit *rl)
{
	int ok;

	if (pv_object(c, e) < 0)
		return;
	if (pj_string(c, e, "type", &rl->type, PJ_REQUIRED) > 0) {
		size_t saved = pctx_push_key(c, "type");

		rl->resource = spec_rlimit_from_name(rl->type);
		if (rl->resource < 0) {
			pctx_error(c, "unknown rlimit \"%s\"", rl->type);
		} else {
			for (struct spec_rlimit *o = p->rlimits; o < rl; o++) {
				if (o->type && o->resource == rl->resource) {
					pctx_error(c, "duplicate rlimit \"%s\"", rl->type);
					break;
				}
			}
		}
		pctx_pop(c, saved);
	}
	ok = pj_u64(c, e, "hard", &rl->hard, PJ_REQUIRED) > 0;
	ok &= pj_u64(c, e, "soft", &rl->soft, PJ_REQUIRED) > 0;
	/* setrlimit() refuses it anyway; say so before anything is created. */
	if (ok && rl->soft > rl->hard) {
		size_t saved = pctx_push_key(c, "soft");

		pctx_error(c, "soft limit %llu exceeds hard limit %llu",
			   (unsigned long long)rl->soft, (unsigned long long)rl->hard);
		pctx_pop(c, saved);
	}
}

static void parse_rlimits(struct pctx *c, const json_t *obj, struct spec_process *p)
{
	const json_t *a = pj_array(c, obj, "rlimits", 0);
	const json_t *e;
	size_t saved, i = 0;

	if (!a)
		return;
	p->rlimits = pctx_calloc(c, json_array_size(a), sizeof(*p->rlimits));
	if (!p->rlimits)
		return;
	p->n_rlimits = json_array_size(a);
	saved = pctx_push_key(c, "rlimits");
	PJ_ARRAY_FOREACH(a, e) {
		size_t s2 = pctx_push_index(c, i);

		parse_rlimit(c, e, p, &p->rlimits[i++]);
		pctx_pop(c, s2);
	}
	pctx_pop(c, saved);
}

static void sched_error(struct pctx *c, const char *key, const char *msg)
{
	size_t saved = pctx_push_key(c, key);

	pctx_error(c, "%s", msg);
	pctx_pop(c, saved);
}

/* What sched_setattr(2) would refuse, named before anything runs. */
static void check_scheduler(struct pctx *c, const struct spec_scheduler *s)
{
	bool rt = s->policy == SCHED_FIFO || s->policy == SCHED_RR;

	if (s->policy < 0)
		return;
	if (rt && s->priority < 1)
		sched_error(c, "priority", "must be 1 to 99 with SCHED_FIFO and SCHED_RR");
	else if (!rt && s->priority != 0)
		sched_error(c, "priority", "must be 0 unless the policy is SCHED_FIFO or SCHED_RR");
	if (s->policy != SCHED_DEADLINE) {
		if (s->runtime || s->deadline || s->period)
			sched_error(c, "policy", "runtime, deadline and period need SCHED_DEADLINE");
		return;
	}
	/* kernel/sched: 1024 ns <= runtime <= deadline <= period (0: the deadline), < 2^63 */
	if (s->runtime < 1024)
		sched_error(c, "runtime", "must be at least 1024 (ns) with SCHED_DEADLINE");
	if (!s->deadline)
		sched_error(c, "deadline", "is required with SCHED_DEADLINE");
	else if (s->deadline >> 63)
		sched_error(c, "deadline", "must be below 2^63");
	else if (s->runtime > s->deadline)
		sched_error(c, "runtime", "must not exceed deadline");
	if (s->period && s->deadline > s->period)
		sched_error(c, "deadline", "must not exceed period");
}

static void parse_scheduler(struct pctx *c, const json_t *obj, struct spec_scheduler *s)
{
	const json_t *o = pj_object(c, obj, "scheduler", 0);
	char *policy = NULL;
	struct spec_strv flags = { 0 };
	int64_t x;
	size_t saved;

	if (!o)
		return;
	s->present = true;
	saved = pctx_push_key(c, "scheduler");
	if (pj_string(c, o, "policy", &policy, PJ_REQUIRED) > 0) {
		size_t s2 = pctx_push_key(c, "policy");

		s->policy = spec_sched_policy_from_name(policy);
		if (s->policy < 0)
			pctx_error(c, "unknown scheduler policy \"%s\"", policy);
		pctx_pop(c, s2);
	}
	free(policy);
	if (pj_int(c, o, "nice", -20, 19, &x, 0) > 0)
		s->nice = (int)x;
	if (pj_int(c, o, "priority", 0, 99, &x, 0) > 0)
		s->priority = (int)x;
	if (pj_strv(c, o, "flags", &flags, 0) > 0) {
		size_t s2 = pctx_push_key(c, "flags");

		for (size_t i = 0; i < flags.n; i++) {
			uint32_t f;

			if (spec_sched_flag_from_name(flags.v[i], &f) == 0) {
				s->flags |= f;
			} else {
				size_t s3 = pctx_push_index(c, i);

				pctx_error(c, "unknown scheduler flag \"%s\"", flags.v[i]);
				pctx_pop(c, s3);
			}
		}
		pctx_pop(c, s2);
	}
	spec_strv_free(&flags);
	pj_u64(c, o, "runtime", &s->runtime, 0);
	pj_u64(c, o, "deadline", &s->deadline, 0);
	pj_u64(c, o, "period", &s->period, 0);
	check_scheduler(c, s);
	pctx_pop(c, saved);
}

static void parse_io_priority(struct pctx *c, const json_t *obj, struct spec_io_priority *io)
{
	const json_t *o = pj_object(c, obj, "ioPriority", 0);
	char *cls = NULL;
	int64_t prio;
	size_t saved;

	if (!o)
		return;
	io->present = true;
	saved = pctx_push_key(c, "ioPriority");
	if (pj_string(c, o, "class", &cls, PJ_REQUIRED) > 0) {
		size_t s2 = pctx_push_key(c, "class");

		io->class_ = spec_ioprio_class_from_name(cls);
		if (io->class_ < 0)
			pctx_error(c, "unknown I/O priority class \"%s\"", cls);
		pctx_pop(c, s2);
	}
	free(cls);
	/* The kernel has 8 levels per class (IOPRIO_NR_LEVELS). */
	if (pj_int(c, o, "priority", 0, 7, &prio, 0) > 0)
		io->priority = (int)prio;
	pctx_pop(c, saved);
}

static void parse_exec_cpu_affinity(struct pctx *c, const json_t *obj, struct spec_process *p)
{
	const json_t *o = pj_object(c, obj, "execCPUAffinity", 0);
	size_t saved;

	if (!o)
		return;
	saved = pctx_push_key(c, "execCPUAffinity");
	pj_string(c, o, "initial", &p->exec_cpu_affinity_initial, 0);
	pj_string(c, o, "final", &p->exec_cpu_affinity_final, 0);
	pctx_pop(c, saved);
}

void spec_parse_process_obj(struct pctx *c, const json_t *obj, struct spec_process *p)
{
	int64_t oom;

	if (pv_object(c, obj) < 0)
		return;
	pj_bool(c, obj, "terminal", &p->terminal, 0);
	parse_console_size(c, obj, p);
	parse_user(c, obj, &p->user);
	if (!pj_field(c, obj, "args", 0)) {
		size_t saved = pctx_push_key(c, "args");

		pctx_error(c, "must be a non-empty array");
		pctx_pop(c, saved);
	} else {
		pj_strv(c, obj, "args", &p->args, PJ_NONEMPTY);
	}
	pj_string(c, obj, "commandLine", &p->command_line, 0);
	pj_strv(c, obj, "env", &p->env, 0);
	pj_string(c, obj, "cwd", &p->cwd, PJ_REQUIRED | PJ_ABS_PATH);
	parse_capabilities(c, obj, &p->caps);
	parse_rlimits(c, obj, p);
	pj_bool(c, obj, "noNewPrivileges", &p->no_new_privileges, 0);
	pj_string(c, obj, "apparmorProfile", &p->apparmor_profile, 0);
	if (pj_int(c, obj, "oomScoreAdj", -1000, 1000, &oom, 0) > 0) {
		p->has_oom_score_adj = true;
		p->oom_score_adj = (int)oom;
	}
	parse_scheduler(c, obj, &p->scheduler);
	pj_string(c, obj, "selinuxLabel", &p->selinux_label, 0);
	parse_io_priority(c, obj, &p->io_priority);
	parse_exec_cpu_affinity(c, obj, p);
}

int spec_process_parse(const char *text, size_t len, const char *file,
		       struct spec_process *out, struct spec_errors *errs)
{
	struct spec_process p = { 0 };
	struct pctx c;
	json_t *root;

	memset(out, 0, sizeof(*out));
	pctx_init(&c, file ? file : "process.json", errs);
	root = pctx_parse_json(&c, text, len);
	if (!root)
		return -1;
	spec_parse_process_obj(&c, root, &p);
	pctx_json_free(&c, root);
	if (c.n_errs) {
		spec_process_free(&p);
		return -1;
	}
	*out = p;
	return 0;
}
