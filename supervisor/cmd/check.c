/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `kura check [--bundle DIR]`: everything that would make `kura create` of
 * this bundle fail before any container exists, all of it at once: every
 * config problem, then what the host must provide (rootfs, the program to
 * run, namespaces and their files' types, root or a rootless config, bind
 * sources, hook programs, capability names); misspelt keys are warned of.
 */
#include <cap-ng.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "util/log.h"
#include "container/preflight.h"
#include "specs/spec.h"
#include "util/util.h"

static void problem_add(struct spec_errors *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void problem_add(struct spec_errors *e, const char *fmt, ...)
{
	char *msg = NULL;
	char **nv;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	nv = realloc(e->msg, (e->n + 1) * sizeof(*nv));
	if (!nv) {
		free(msg);
		return;
	}
	nv[e->n++] = msg;
	e->msg = nv;
}

/* A relative path in config.json is relative to the bundle, as in runc. */
static void bundle_path(const char *bundle, const char *p, char *out, size_t size)
{
	if (p[0] == '/')
		snprintf(out, size, "%s", p);
	else
		snprintf(out, size, "%s/%s", bundle, p);
}

static void check_root(const char *bundle, const struct spec *s, struct spec_errors *e)
{
	char path[PATH_MAX];
	struct stat st;

	if (!s->root.path || !*s->root.path)
		return;
	bundle_path(bundle, s->root.path, path, sizeof(path));
	if (stat(path, &st) < 0)
		problem_add(e, "config.json: .root.path: %s: %m", path);
	else if (!S_ISDIR(st.st_mode))
		problem_add(e, "config.json: .root.path: %s: not a directory", path);
}

static void check_namespaces(const struct spec *s, struct spec_errors *e)
{
	struct kerr err;

	for (size_t i = 0; i < s->linux_.n_namespaces; i++) {
		const struct spec_namespace *ns = &s->linux_.namespaces[i];
		char proc[64];

		if (ns->type >= SPEC_NS_COUNT)
			continue; /* already reported by the parser */
		snprintf(proc, sizeof(proc), "/proc/self/ns/%s", spec_ns_proc_name(ns->type));
		if (access(proc, F_OK) < 0)
			problem_add(e,
				    "config.json: .linux.namespaces[%zu].type: namespace \"%s\" is "
				    "not supported by this kernel (%s: %m)",
				    i, spec_ns_name(ns->type), proc);
		if (ns->path && ns->path[0] == '/' && preflight_namespace_path(s, i, &err) < 0)
			problem_add(e, "%s", err.msg);
	}
}

/* run by a user who is not root: the config must make a user namespace */
static void check_privilege(const struct spec *s, struct spec_errors *e)
{
	struct kerr err;

	if (preflight_privilege(s, &err) < 0)
		problem_add(e, "%s", err.msg);
}

static void check_exec(const char *bundle, const struct spec *s, struct spec_errors *e)
{
	char path[PATH_MAX];
	struct kerr err;

	if (!s->root.path || !*s->root.path)
		return;
	bundle_path(bundle, s->root.path, path, sizeof(path));
	if (preflight_exec(s, path, &err) < 0)
		problem_add(e, "%s", err.msg);
}

static bool mount_is_bind(const struct spec_mount *m)
{
	if (m->type && strcmp(m->type, "bind") == 0)
		return true;
	for (size_t i = 0; i < m->options.n; i++)
		if (strcmp(m->options.v[i], "bind") == 0 || strcmp(m->options.v[i], "rbind") == 0)
			return true;
	return false;
}

static void check_bind_sources(const char *bundle, const struct spec *s, struct spec_errors *e)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];
		char path[PATH_MAX];

		if (!mount_is_bind(m))
			continue;
		if (!m->source || !*m->source) {
			problem_add(e, "config.json: .mounts[%zu].source: is required for a bind mount",
				    i);
			continue;
		}
		bundle_path(bundle, m->source, path, sizeof(path));
		if (access(path, F_OK) < 0)
			problem_add(e, "config.json: .mounts[%zu].source: %s: %m", i, path);
	}
}

/*
 * A missing or non-executable hook fails create half-way.  Only the hooks
 * whose path resolves on the host: createContainer and startContainer ones
 * resolve in the container.
 */
static void check_hooks(const struct spec *s, struct spec_errors *e)
{
	const struct {
		const char *name;
		const struct spec_hook_list *l;
	} kinds[] = {
		{ "prestart", &s->hooks.prestart },
		{ "createRuntime", &s->hooks.create_runtime },
		{ "poststart", &s->hooks.poststart },
		{ "poststop", &s->hooks.poststop },
	};

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		for (size_t i = 0; i < kinds[k].l->n; i++) {
			const char *path = kinds[k].l->v[i].path;

			if (path && path[0] == '/' && access(path, X_OK) < 0)
				problem_add(e, "config.json: .hooks.%s[%zu].path: %s: %m",
					    kinds[k].name, i, path);
		}
	}
}

static void check_cap_set(const char *set, const struct spec_strv *v, struct spec_errors *e)
{
	for (size_t i = 0; i < v->n; i++) {
		const char *name = v->v[i];

		if (strncasecmp(name, "CAP_", 4) != 0)
			continue; /* the parser reported the shape */
		if (capng_name_to_capability(name + 4) < 0)
			problem_add(e,
				    "config.json: .process.capabilities.%s[%zu]: unknown capability "
				    "\"%s\"",
				    set, i, name);
	}
}

static void check_caps(const struct spec *s, struct spec_errors *e)
{
	const struct spec_capabilities *c = &s->process.caps;

	if (!s->has_process || !c->present)
		return;
	check_cap_set("bounding", &c->bounding, e);
	check_cap_set("effective", &c->effective, e);
	check_cap_set("permitted", &c->permitted, e);
	check_cap_set("inheritable", &c->inheritable, e);
	check_cap_set("ambient", &c->ambient, e);
}

int cmd_check(struct kura_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *bundle = ".";
	struct spec_errors errs = { 0 }, warns = { 0 };
	_cleanup_free_ char *text = NULL;
	char path[PATH_MAX];
	struct spec s;
	struct kerr err;
	size_t len = 0;
	int opt, rc;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+b:h", opts, NULL)) != -1) {
		if (opt == 'b') {
			bundle = optarg;
		} else if (opt == 'h') {
			cmd_usage("check", false);
			return 0;
		} else {
			log_error("check: %s \"%s\"",
				  optopt == 'b' ? "missing value of flag" : "unknown flag",
				  argv[optind - 1]);
			cmd_usage("check", true);
			return 1;
		}
	}
	if (optind < argc) {
		log_error("check: unexpected argument \"%s\"", argv[optind]);
		cmd_usage("check", true);
		return 1;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/config.json", bundle) >= sizeof(path)) {
		log_error("check: bundle path too long");
		return 1;
	}
	text = util_read_file(path, &len, &err);
	if (!text) {
		log_error("check: %s", err.msg);
		return 1;
	}
	/* Lenient: host checks still run on what parsed, so one run shows everything. */
	spec_parse_check(text, len, "config.json", &s, &errs, &warns);
	check_root(bundle, &s, &errs);
	check_exec(bundle, &s, &errs);
	check_namespaces(&s, &errs);
	check_privilege(&s, &errs);
	check_bind_sources(bundle, &s, &errs);
	check_hooks(&s, &errs);
	check_caps(&s, &errs);
	spec_free(&s);

	/* unknown keys are allowed (the spec says so): a warning, not a failure */
	for (size_t i = 0; i < warns.n; i++)
		log_warn("check: %s", warns.msg[i]);
	spec_errors_free(&warns);
	for (size_t i = 0; i < errs.n; i++)
		log_error("check: %s", errs.msg[i]);
	rc = errs.n ? 1 : 0;
	spec_errors_free(&errs);
	if (rc == 0)
		printf("bundle %s: ok\n", bundle);
	return rc;
}
