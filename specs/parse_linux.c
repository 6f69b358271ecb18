/* SPDX-License-Identifier: Apache-2.0 */
/* .linux of config.json, except .linux.resources (parse_resources.c). */
#include "parse_internal.h"

#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

/* Allocate an array of struct for a JSON array; *n set to its size. */
static void *array_alloc(struct pctx *c, const json_t *a, size_t size, size_t *n)
{
	void *v = pctx_calloc(c, json_array_size(a), size);

	*n = v ? json_array_size(a) : 0;
	return v;
}

static void parse_namespaces(struct pctx *c, const json_t *obj, struct spec_linux *l)
{
	const json_t *a = pj_array(c, obj, "namespaces", 0);
	const json_t *e;
	bool seen[SPEC_NS_COUNT] = { false };
	size_t saved, i = 0;

	if (!a)
		return;
	l->namespaces = array_alloc(c, a, sizeof(*l->namespaces), &l->n_namespaces);
	if (!l->namespaces)
		return;
	saved = pctx_push_key(c, "namespaces");
	PJ_ARRAY_FOREACH(a, e) {
		struct spec_namespace *ns = &l->namespaces[i];
		size_t s2 = pctx_push_index(c, i++);
		char *type = NULL;

		/* An unparsable entry must not read as a (pid) namespace to the runtime. */
		ns->type = SPEC_NS_COUNT;
		if (pv_object(c, e) == 0) {
			if (pj_string(c, e, "type", &type, PJ_REQUIRED) > 0) {
				size_t s3 = pctx_push_key(c, "type");
				int t = spec_ns_from_name(type);

				if (t < 0) {
					pctx_error(c, "unknown namespace type \"%s\"", type);
				} else if (seen[t]) {
					pctx_error(c, "duplicate namespace \"%s\"", type);
				} else {
					seen[t] = true;
					ns->type = (enum spec_ns_type)t;
				}
				pctx_pop(c, s3);
			}
			free(type);
			pj_string(c, e, "path", &ns->path, PJ_ABS_PATH);
		}
		pctx_pop(c, s2);
	}
	pctx_pop(c, saved);
}

static void parse_time_offset(struct pctx *c, const json_t *e, struct spec_time_offset *t)
{
	int64_t ns;

	if (pv_object(c, e) < 0)
		return;
	t->present = true;
	pj_i64(c, e, "secs", &t->secs, 0);
	if (pj_int(c, e, "nanosecs", 0, 999999999, &ns, 0) > 0)
		t->nanosecs = (uint32_t)ns;
}

static void parse_time_offsets(struct pctx *c, const json_t *obj, struct spec_linux *l)
{
	const json_t *o = pj_object(c, obj, "timeOffsets", 0);
	const json_t *e;
	const char *clock;
	size_t saved;

	if (!o)
		return;
	saved = pctx_push_key(c, "timeOffsets");
	PJ_OBJECT_FOREACH(o, clock, e) {
		size_t s2 = pctx_push_key(c, clock);

		/* The time namespace offsets only these two clocks. */
		if (strcmp(clock, "monotonic") == 0)
			parse_time_offset(c, e, &l->time_monotonic);
		else if (strcmp(clock, "boottime") == 0)
			parse_time_offset(c, e, &l->time_boottime);
		else
			pctx_error(c, "unknown clock \"%s\" (want monotonic or boottime)", clock);
		pctx_pop(c, s2);
	}
	pctx_pop(c, saved);
}

static void parse_device(struct pctx *c, const json_t *e, struct spec_device *d)
{
	char *type = NULL;

	if (pv_object(c, e) < 0)
		return;
	pj_string(c, e, "path", &d->path, PJ_REQUIRED | PJ_ABS_PATH);
	if (pj_string(c, e, "type", &type, PJ_REQUIRED) > 0) {
		size_t s2 = pctx_push_key(c, "type");

		if (strlen(type) == 1 && strchr("cbup", type[0]))
			d->type = type[0];
		else
			pctx_error(c, "unknown device type \"%s\" (want c, b, u or p)", type);
		pctx_pop(c, s2);
	}
	free(type);
	/* A fifo has no numbers; every other node needs both. */
	unsigned need = (d->type && d->type != 'p') ? PJ_REQUIRED : 0;

	d->has_major = pj_i64(c, e, "major", &d->major, need) > 0;
	d->has_minor = pj_i64(c, e, "minor", &d->minor, need) > 0;
	/*
	 * Any uint32, as runc takes it: some engines pass a Go os.FileMode with
	 * type bits above 07777; the runtime uses the permission bits only.
	 */
	d->has_file_mode = pj_u32(c, e, "fileMode", &d->file_mode, 0) > 0;
	d->has_uid = pj_u32(c, e, "uid", &d->uid, 0) > 0;
	d->has_gid = pj_u32(c, e, "gid", &d->gid, 0) > 0;
}

static void parse_devices(struct pctx *c, const json_t *obj, struct spec_linux *l)
{
	const json_t *a = pj_array(c, obj, "devices", 0);
	const json_t *e;
	size_t saved, i = 0;

	if (!a)
		return;
	l->devices = array_alloc(c, a, sizeof(*l->devices), &l->n_devices);
	if (!l->devices)
		return;
	saved = pctx_push_key(c, "devices");
	PJ_ARRAY_FOREACH(a, e) {
		size_t s2 = pctx_push_index(c, i);

		parse_device(c, e, &l->devices[i++]);
		pctx_pop(c, s2);
	}
	pctx_pop(c, saved);
}

static void parse_intel_rdt(struct pctx *c, const json_t *obj, struct spec_intel_rdt *r)
{
	const json_t *o = pj_object(c, obj, "intelRdt", 0);
	size_t saved;

	if (!o)
		return;
	r->present = true;
	saved = pctx_push_key(c, "intelRdt");
	pj_string(c, o, "closID", &r->clos_id, 0);
	pj_string(c, o, "l3CacheSchema", &r->l3_cache_schema, 0);
	pj_string(c, o, "memBwSchema", &r->mem_bw_schema, 0);
	pj_bool(c, o, "enableCMT", &r->enable_cmt, 0);
	pj_bool(c, o, "enableMBM", &r->enable_mbm, 0);
	pctx_pop(c, saved);
}

/* ---- seccomp ---- */

static int parse_action(struct pctx *c, const json_t *o, const char *key, char **name,
			uint32_t *action)
{
	size_t saved;
	int r = 0;

	if (pj_string(c, o, key, name, PJ_REQUIRED) <= 0)
		return -1;
	saved = pctx_push_key(c, key);
	if (spec_seccomp_action_from_name(*name, action) < 0) {
		pctx_error(c, "unknown seccomp action \"%s\"", *name);
		r = -1;
	}
	pctx_pop(c, saved);
	return r;
}

static void parse_syscall_arg(struct pctx *c, const json_t *e, struct spec_syscall_arg *arg)
{
	char *op = NULL;

	if (pv_object(c, e) < 0)
		return;
	/* A syscall has six argument registers. */
	{
		int64_t idx;

		if (pj_int(c, e, "index", 0, 5, &idx, PJ_REQUIRED) > 0)
			arg->index = (uint32_t)idx;
	}
	pj_u64(c, e, "value", &arg->value, PJ_REQUIRED);
	pj_u64(c, e, "valueTwo", &arg->value_two, 0);
	if (pj_string(c, e, "op", &op, PJ_REQUIRED) > 0) {
		size_t saved = pctx_push_key(c, "op");

		arg->op = spec_seccomp_op_from_name(op);
		if (arg->op < 0)
			pctx_error(c, "unknown seccomp operator \"%s\"", op);
		pctx_pop(c, saved);
	}
	free(op);
}

static void parse_syscall(struct pctx *c, const json_t *e, struct spec_syscall *sc)
{
	const json_t *a, *ae;
	size_t saved, i = 0;

	if (pv_object(c, e) < 0)
		return;
	if (!pj_field(c, e, "names", 0)) {
		size_t s2 = pctx_push_key(c, "names");

		pctx_error(c, "must be a non-empty array");
		pctx_pop(c, s2);
	} else {
		pj_strv(c, e, "names", &sc->names, PJ_NONEMPTY);
	}
	parse_action(c, e, "action", &sc->action_name, &sc->action);
	sc->has_errno_ret = pj_u32(c, e, "errnoRet", &sc->errno_ret, 0) > 0;
	a = pj_array(c, e, "args", 0);
	if (!a)
		return;
	sc->args = array_alloc(c, a, sizeof(*sc->args), &sc->n_args);
	if (!sc->args)
		return;
	saved = pctx_push_key(c, "args");
	PJ_ARRAY_FOREACH(a, ae) {
		size_t s2 = pctx_push_index(c, i);

		parse_syscall_arg(c, ae, &sc->args[i++]);
		pctx_pop(c, s2);
	}
	pctx_pop(c, saved);
}

static void check_strv_names(struct pctx *c, const char *key, const struct spec_strv *v,
			     bool (*known)(const char *), const char *what)
{
	size_t saved = pctx_push_key(c, key);

	for (size_t i = 0; i < v->n; i++) {
		if (!known(v->v[i])) {
			size_t s2 = pctx_push_index(c, i);

			pctx_error(c, "unknown %s \"%s\"", what, v->v[i]);
			pctx_pop(c, s2);
		}
	}
	pctx_pop(c, saved);
}

static bool arch_known(const char *name)
{
	return spec_seccomp_arch_from_name(name) != 0;
}

static bool seccomp_flag_known(const char *name)
{
	unsigned int f;

	return spec_seccomp_flag_from_name(name, &f) == 0;
}

static void parse_seccomp(struct pctx *c, const json_t *obj, struct spec_seccomp *s)
{
	const json_t *o = pj_object(c, obj, "seccomp", 0);
	const json_t *a, *e;
	size_t saved, i = 0;
	bool notify;

	if (!o)
		return;
	s->present = true;
	saved = pctx_push_key(c, "seccomp");
	parse_action(c, o, "defaultAction", &s->default_action_name, &s->default_action);
	s->has_default_errno_ret = pj_u32(c, o, "defaultErrnoRet", &s->default_errno_ret, 0) > 0;
	if (pj_strv(c, o, "architectures", &s->architectures, 0) > 0)
		check_strv_names(c, "architectures", &s->architectures, arch_known,
				 "architecture");
	if (pj_strv(c, o, "flags", &s->flags, 0) > 0)
		check_strv_names(c, "flags", &s->flags, seccomp_flag_known, "seccomp flag");
	pj_string(c, o, "listenerPath", &s->listener_path, PJ_ABS_PATH);
	pj_string(c, o, "listenerMetadata", &s->listener_metadata, 0);
	a = pj_array(c, o, "syscalls", 0);
	if (a) {
		s->syscalls = array_alloc(c, a, sizeof(*s->syscalls), &s->n_syscalls);
		if (s->syscalls) {
			size_t s2 = pctx_push_key(c, "syscalls");

			PJ_ARRAY_FOREACH(a, e) {
				size_t s3 = pctx_push_index(c, i);

				parse_syscall(c, e, &s->syscalls[i++]);
				pctx_pop(c, s3);
			}
			pctx_pop(c, s2);
		}
	}
	/* The notify fd goes to the listener: without one the filter would hang callers. */
	notify = s->default_action_name && s->default_action == SCMP_ACT_NOTIFY;
	for (i = 0; i < s->n_syscalls; i++)
		if (s->syscalls[i].action_name && s->syscalls[i].action == SCMP_ACT_NOTIFY)
			notify = true;
	if (notify && !s->listener_path) {
		size_t s2 = pctx_push_key(c, "listenerPath");

		pctx_error(c, "is required when an action is SCMP_ACT_NOTIFY");
		pctx_pop(c, s2);
	}
	pctx_pop(c, saved);
}

static void parse_personality(struct pctx *c, const json_t *obj, struct spec_personality *p)
{
	const json_t *o = pj_object(c, obj, "personality", 0);
	size_t saved;

	if (!o)
		return;
	p->present = true;
	saved = pctx_push_key(c, "personality");
	if (pj_string(c, o, "domain", &p->domain, PJ_REQUIRED) > 0 &&
	    strcmp(p->domain, "LINUX") != 0 && strcmp(p->domain, "LINUX32") != 0) {
		size_t s2 = pctx_push_key(c, "domain");

		pctx_error(c, "unknown personality domain \"%s\" (want LINUX or LINUX32)",
			   p->domain);
		pctx_pop(c, s2);
	}
	pj_strv(c, o, "flags", &p->flags, 0);
	pctx_pop(c, saved);
}

void spec_parse_linux_obj(struct pctx *c, const json_t *obj, struct spec_linux *l)
{
	const json_t *res;

	parse_namespaces(c, obj, l);
	pj_idmaps(c, obj, "uidMappings", &l->uid_mappings, &l->n_uid_mappings);
	pj_idmaps(c, obj, "gidMappings", &l->gid_mappings, &l->n_gid_mappings);
	parse_time_offsets(c, obj, l);
	parse_devices(c, obj, l);
	pj_string(c, obj, "cgroupsPath", &l->cgroups_path, 0);
	res = pj_object(c, obj, "resources", 0);
	if (res) {
		size_t saved = pctx_push_key(c, "resources");

		spec_parse_resources_obj(c, res, &l->resources);
		pctx_pop(c, saved);
	}
	parse_intel_rdt(c, obj, &l->intel_rdt);
	pj_kv(c, obj, "sysctl", &l->sysctl);
	parse_seccomp(c, obj, &l->seccomp);
	if (pj_string(c, obj, "rootfsPropagation", &l->rootfs_propagation, 0) > 0 &&
	    spec_propagation_flags(l->rootfs_propagation) == 0) {
		size_t saved = pctx_push_key(c, "rootfsPropagation");

		pctx_error(c, "unknown propagation \"%s\"", l->rootfs_propagation);
		pctx_pop(c, saved);
	}
	pj_strv(c, obj, "maskedPaths", &l->masked_paths, PJ_ABS_PATH);
	pj_strv(c, obj, "readonlyPaths", &l->readonly_paths, PJ_ABS_PATH);
	pj_string(c, obj, "mountLabel", &l->mount_label, 0);
	parse_personality(c, obj, &l->personality);
}
