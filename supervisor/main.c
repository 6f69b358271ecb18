/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kura: the runc-compatible CLI.  Global flags come before the verb, the
 * verb's flags after it, as with runc; `kura init` is the internal init half.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "init/init.h"
#include "util/log.h"
#include "util/phase.h"
#include "specs/spec.h"
#include "state.h"

struct verb {
	const char *name;
	cmd_fn fn;
	bool logs; /* takes --log (everything but init) */
};

/* Sorted by name: looked up with bsearch. */
static const struct verb verbs[] = {
	{ "check", cmd_check, true },     { "create", cmd_create, true },
	{ "delete", cmd_delete, true },   { "events", cmd_events, true },
	{ "exec", cmd_exec, true },       { "features", cmd_features, true },
	{ "init", cmd_init, false },      { "kill", cmd_kill, true },
	{ "list", cmd_list, true },       { "pause", cmd_pause, true },
	{ "ps", cmd_ps, true },           { "resume", cmd_resume, true },
	{ "run", cmd_run, true },         { "spec", cmd_spec, true },
	{ "start", cmd_start, true },     { "state", cmd_state, true },
	{ "update", cmd_update, true },
};

static int verb_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct verb *)elem)->name);
}

static void print_version(void)
{
	printf("kura version %s\ncommit: %s\nspec: %s\n", KURA_VERSION, KURA_COMMIT,
	       SPEC_OCI_VERSION);
	printf("+SECCOMP +CAP +CGROUPV1 +CGROUPV2 +EBPF +IDMAP +OPENAT2\n");
}

static const struct option global_options[] = {
	{ "root", required_argument, NULL, 'r' },
	{ "log", required_argument, NULL, 'l' },
	{ "log-format", required_argument, NULL, 'f' },
	{ "debug", no_argument, NULL, 'd' },
	{ "systemd-cgroup", no_argument, NULL, 's' },
	{ "rootless", required_argument, NULL, 'R' },
	{ "criu", required_argument, NULL, 'C' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ 0 }
};

/* One global flag into g: 0 to go on, 1 when done (--help, --version), -1 on a bad one. */
static int global_flag(int c, struct kura_global *g, const char **log_format, char **argv)
{
	switch (c) {
	case 'r': g->root = optarg; return 0;
	case 'l': g->log_path = optarg; return 0;
	case 'f': *log_format = optarg; return 0;
	case 'd': g->debug = true; return 0;
	case 's': g->systemd_cgroup = true; return 0;
	case 'C': return 0; /* accepted for runc compatibility; checkpointing is not supported */
	case 'R':
		if (strcmp(optarg, "true") == 0 || strcmp(optarg, "false") == 0 ||
		    strcmp(optarg, "auto") == 0) {
			g->rootless = optarg[0] == 't' ? 1 : optarg[0] == 'f' ? 0 : -1;
			return 0;
		}
		fprintf(stderr, "kura: --rootless: must be true, false or auto, not \"%s\"\n", optarg);
		return -1;
	case 'h':
		cmd_usage(NULL, false);
		return 1;
	case 'v':
		print_version();
		return 1;
	default:
		fprintf(stderr, "kura: unknown global flag \"%s\"\nRun 'kura --help' for usage.\n",
			argv[optind - 1]);
		return -1;
	}
}

/* The flags before the verb: 0 to go on, 1 on a bad one, -1 when done (--help, --version). */
static int global_flags(int argc, char **argv, struct kura_global *g)
{
	const char *log_format = "text";
	int c, r;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hv", global_options, NULL)) != -1)
		if ((r = global_flag(c, g, &log_format, argv)) != 0)
			return r < 0 ? 1 : -1;
	if (strcmp(log_format, "json") == 0)
		g->log_json = true;
	else if (strcmp(log_format, "text") != 0) {
		fprintf(stderr, "kura: --log-format: must be text or json, not \"%s\"\n", log_format);
		return 1;
	}
	if (!g->root) {
		const char *xdg = getenv("XDG_RUNTIME_DIR");
		static char buf[4096];

		if (geteuid() != 0 && xdg && *xdg) {
			snprintf(buf, sizeof(buf), "%s/kura", xdg);
			g->root = buf;
		} else {
			g->root = "/run/kura";
		}
	}
	return 0;
}

/* `kura help [VERB]`: the usage, or an error for an unknown topic. */
static int help_topic(int argc, char **argv)
{
	if (optind + 1 < argc && !bsearch(argv[optind + 1], verbs, sizeof(verbs) / sizeof(verbs[0]),
					  sizeof(verbs[0]), verb_cmp)) {
		fprintf(stderr, "kura: no help topic for \"%s\"\nRun 'kura --help' for usage.\n",
			argv[optind + 1]);
		return 1;
	}
	cmd_usage(optind + 1 < argc ? argv[optind + 1] : NULL, false);
	return 0;
}

int main(int argc, char **argv)
{
	struct kura_global g = { .root = NULL, .rootless = -1 };
	const struct verb *v;
	int c;

	/*
	 * The init half must not parse anything of ours: dispatch it first,
	 * non-dumpable before anything else runs.  kura-shim already made the
	 * execve itself mark it so (shim_nondumpable_exec); this holds where
	 * it could not (fs.suid_dumpable=1, or a shim with no capability).
	 */
	if (argc >= 2 && strcmp(argv[1], "init") == 0) {
		if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
			return 1;
		return cmd_init(&g, argc - 1, argv + 1);
	}
	c = global_flags(argc, argv, &g);
	if (c != 0)
		return c < 0 ? 0 : c;
	if (optind >= argc) {
		cmd_usage(NULL, true);
		return 1;
	}
	if (strcmp(argv[optind], "help") == 0)
		return help_topic(argc, argv);
	v = bsearch(argv[optind], verbs, sizeof(verbs) / sizeof(verbs[0]), sizeof(verbs[0]),
		    verb_cmp);
	if (!v) {
		fprintf(stderr, "kura: unknown command \"%s\"\nRun 'kura --help' for usage.\n",
			argv[optind]);
		return 1;
	}
	if (log_init(v->logs ? g.log_path : NULL, g.log_json, g.debug) < 0)
		return 1;
	phase_init(g.debug);
	/* a --root that cannot hold state is an error, not an empty list (issue 12) */
	if (v->fn != cmd_spec && v->fn != cmd_features) {
		struct kerr rerr;
		char *abs;

		if (state_root_resolve(g.root, &abs, &rerr) < 0) {
			log_error("%s", rerr.msg);
			return 1;
		}
		g.root = abs;
	}
	c = optind;
	optind = 0; /* each verb parses its own flags from its own argv[0] */
	c = v->fn(&g, argc - c, argv + c);
	phase_report();
	return c;
}
