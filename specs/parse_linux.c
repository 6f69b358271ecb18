/* SPDX-License-Identifier: Apache-2.0 */
/* .linux of config.json, except .linux.resources (parse_resources.c). */
#include "parse_internal.h"

#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

/* A problem with the member key of the object being parsed. */
static void error_in(struct pctx *c, const char *key, const char *msg)
{
	size_t saved = pctx_push_key(c, key);

	pctx_error(c, "%s", msg);
	pctx_pop(c, saved);
}

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
	if (pj_string(c, o, "closID", &r->clos_id, 0) > 0 && strcmp(r->clos_id, "/") != 0 &&
	    (!*r->clos_id || strchr(r->clos_id, '/') || strchr(r->clos_id, '\n') ||
	     strcmp(r->clos_id, ".") == 0 || strcmp(r->clos_id, "..") == 0))
		error_in(c, "closID", "must be \"/\" or one directory name");
	if (pj_string(c, o, "l3CacheSchema", &r->l3_cache_schema, 0) > 0 &&
	    strchr(r->l3_cache_schema, '\n'))
		error_in(c, "l3CacheSchema", "must not contain a newline");
	if (pj_string(c, o, "memBwSchema", &r->mem_bw_schema, 0) > 0 &&
	    (strncmp(r->mem_bw_schema, "MB:", 3) != 0 || strchr(r->mem_bw_schema, '\n')))
		error_in(c, "memBwSchema", "must start with \"MB:\" and hold no newline");
	if (pj_strv(c, o, "schemata", &r->schemata, 0) > 0) {
		size_t s2 = pctx_push_key(c, "schemata");

		for (size_t i = 0; i < r->schemata.n; i++) {
			if (strchr(r->schemata.v[i], '\n')) {
				size_t s3 = pctx_push_index(c, i);

				pctx_error(c, "must not contain a newline");
				pctx_pop(c, s3);
			}
		}
		pctx_pop(c, s2);
	}
	pj_bool(c, o, "enableMonitoring", &r->enable_monitoring, 0);
	pj_bool(c, o, "enableCMT", &r->enable_cmt, 0);
	pj_bool(c, o, "enableMBM", &r->enable_mbm, 0);
	pctx_pop(c, saved);
}

/* ---- 1.3: netDevices, memoryPolicy ---- */

static void parse_net_devices(struct pctx *c, const json_t *obj, struct spec_linux *l)
{
	const json_t *o = pj_object(c, obj, "netDevices", 0);
	const json_t *e;
	const char *key;
	size_t saved, i = 0;

	if (!o)
		return;
	l->net_devices = pctx_calloc(c, json_object_size(o), sizeof(*l->net_devices));
	if (!l->net_devices)
		return;
	saved = pctx_push_key(c, "netDevices");
	PJ_OBJECT_FOREACH(o, key, e) {
		struct spec_net_device *d = &l->net_devices[i];
		size_t s2 = pctx_push_key(c, key);

		if (!spec_ifname_valid(key))
			pctx_error(c, "not a valid network interface name");
		if (pv_object(c, e) == 0) {
			d->host_name = pctx_strdup(c, key);
			if (pj_string(c, e, "name", &d->name, 0) > 0 && !spec_ifname_valid(d->name))
				error_in(c, "name", "not a valid network interface name");
			i++;
		}
		pctx_pop(c, s2);
	}
	l->n_net_devices = i;
	/* two devices may not end under one name (a %d template is the kernel's to fill) */
	for (size_t a = 0; a < i; a++) {
		const struct spec_net_device *da = &l->net_devices[a];
		const char *na = da->name ? da->name : da->host_name;

		for (size_t b = a + 1; na && !strchr(na, '%') && b < i; b++) {
			const struct spec_net_device *db = &l->net_devices[b];
			const char *nb = db->name ? db->name : db->host_name;

			if (nb && strcmp(na, nb) == 0) {
				size_t s2 = pctx_push_key(c, db->host_name);

				pctx_error(c, "name \"%s\" is also the name of \"%s\"", nb,
					   da->host_name);
				pctx_pop(c, s2);
			}
		}
	}
	pctx_pop(c, saved);
}

static void parse_memory_policy(struct pctx *c, const json_t *obj, struct spec_memory_policy *m)
{
	const json_t *o = pj_object(c, obj, "memoryPolicy", 0);
	struct spec_strv flags = { 0 };
	unsigned long mask[SPEC_MEMPOLICY_MAX_NODES / (8 * sizeof(unsigned long))];
	unsigned highest = 0;
	bool nodes_bad = false;
	char *mode = NULL;
	size_t saved;

	if (!o)
		return;
	m->present = true;
	m->mode = -1;
	saved = pctx_push_key(c, "memoryPolicy");
	if (pj_string(c, o, "mode", &mode, PJ_REQUIRED) > 0) {
		m->mode = spec_mempolicy_mode_from_name(mode);
		if (m->mode < 0)
			error_in(c, "mode", "unknown memory policy mode (want one of MPOL_DEFAULT, "
					    "MPOL_BIND, MPOL_INTERLEAVE, MPOL_WEIGHTED_INTERLEAVE, "
					    "MPOL_PREFERRED, MPOL_PREFERRED_MANY, MPOL_LOCAL)");
	}
	if (pj_string(c, o, "nodes", &m->nodes, 0) > 0 &&
	    spec_nodes_parse(m->nodes, mask, sizeof(mask) / sizeof(mask[0]), &highest) < 0) {
		error_in(c, "nodes", "not a node list such as \"0-3,7\" (nodes below 1024)");
		nodes_bad = true;
	}
	if (pj_strv(c, o, "flags", &flags, 0) > 0) {
		size_t s2 = pctx_push_key(c, "flags");

		for (size_t i = 0; i < flags.n; i++) {
			uint32_t f;
			size_t s3 = pctx_push_index(c, i);

			if (spec_mempolicy_flag_from_name(flags.v[i], &f) == 0)
				m->flags |= f;
			else
				pctx_error(c, "unknown memory policy flag \"%s\"", flags.v[i]);
			pctx_pop(c, s3);
		}
		pctx_pop(c, s2);
	}
	spec_strv_free(&flags);
	/* what set_mempolicy(2) would refuse, said before anything runs */
	if (m->mode == 0 /* MPOL_DEFAULT */ || m->mode == 4 /* MPOL_LOCAL */) {
		if (highest)
			error_in(c, "nodes", "must be empty with MPOL_DEFAULT and MPOL_LOCAL");
		if (m->flags)
			error_in(c, "flags", "must be empty with MPOL_DEFAULT and MPOL_LOCAL");
	} else if (m->mode > 0 && m->mode != 1 /* MPOL_PREFERRED may be empty */ && !highest &&
		   !nodes_bad) {
		error_in(c, "nodes", "needs at least one node with this mode");
	}
	if ((m->flags & (1U << 14)) && (m->flags & (1U << 15)))
		error_in(c, "flags", "MPOL_F_RELATIVE_NODES and MPOL_F_STATIC_NODES exclude "
				     "each other");
	if ((m->flags & (1U << 13)) && m->mode >= 0 && m->mode != 2 && m->mode != 5)
		error_in(c, "flags", "MPOL_F_NUMA_BALANCING goes only with MPOL_BIND or "
				     "MPOL_PREFERRED_MANY");
	free(mode);
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

/* The uts namespace's names have their own fields, as runc and crun refuse them here. */
static void check_sysctl(struct pctx *c, const struct spec_kv_list *l)
{
	size_t saved = pctx_push_key(c, "sysctl");

	for (size_t i = 0; i < l->n; i++) {
		const char *k = l->v[i].key;
		const char *field = strcmp(k, "kernel.hostname") == 0     ? "hostname"
				    : strcmp(k, "kernel.domainname") == 0 ? "domainname"
									  : NULL;

		if (field) {
			size_t s2 = pctx_push_key(c, k);

			pctx_error(c, "is not allowed: set .%s instead", field);
			pctx_pop(c, s2);
		}
	}
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
	parse_net_devices(c, obj, l);
	parse_memory_policy(c, obj, &l->memory_policy);
	if (pj_kv(c, obj, "sysctl", &l->sysctl) > 0)
		check_sysctl(c, &l->sysctl);
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
