/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `kura exec`: the process is --process FILE, or the container's own
 * .process with the flags laid over it, as runc builds it.
 */
#include <jansson.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cmd.h"
#include "console.h"
#include "container/container.h"
#include "util/log.h"
#include "util/util.h"

enum {
	OPT_CONSOLE = 256, OPT_PIDFILE, OPT_CWD, OPT_NNP, OPT_PRESERVE, OPT_LABEL, OPT_APPARMOR,
	OPT_CGROUP
};

struct exec_flags {
	const char *process_file;
	const char *cwd, *user, *label, *apparmor;
	bool tty, nnp;
	char **env, **caps, **gids;
	size_t n_env, n_caps, n_gids;
};

static int push(char ***v, size_t *n, char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(char *));

	if (!nv)
		return -1;
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

static json_t *array_of(json_t *obj, const char *key)
{
	json_t *a = json_object_get(obj, key);

	if (!json_is_array(a)) {
		a = json_array();
		json_object_set_new(obj, key, a);
	}
	return a;
}

static json_t *object_of(json_t *obj, const char *key)
{
	json_t *o = json_object_get(obj, key);

	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(obj, key, o);
	}
	return o;
}

/* 4294967295 as a part of s: (uid_t)-1, which set*id() take as "no change" */
static const char *minus_one_hint(const char *s)
{
	const char *p = strstr(s, "4294967295");

	if (p && (p == s || p[-1] == ':') && (p[10] == '\0' || p[10] == ':'))
		return " (4294967295 is (uid_t)-1: \"no change\" to setresuid/setresgid, never an id)";
	return "";
}

/*
 * The process as the init half will read it, checked here first: a bad
 * process.json (a uid of -1, 2^32-1, 1.5) fails before anything is made.
 */
static char *checked(char *text, const char *file, bool *terminal, struct kerr *err)
{
	struct spec_errors errs = { 0 };
	struct spec_process p;

	if (!text) {
		kerr_set(err, "exec: out of memory");
		return NULL;
	}
	if (spec_process_parse(text, strlen(text), file, &p, &errs) < 0) {
		for (size_t i = 1; i < errs.n; i++)
			log_error("%s", errs.msg[i]);
		kerr_set(err, "%s", errs.n ? errs.msg[0] : "process: invalid");
		spec_errors_free(&errs);
		free(text);
		return NULL;
	}
	if (terminal)
		*terminal = p.terminal;
	spec_process_free(&p);
	return text;
}

/* --user and --additional-gids over the process's user; -1 with *err on a bad id. */
static int apply_user_flags(json_t *p, const struct exec_flags *f, struct kerr *err)
{
	json_t *u = object_of(p, "user");

	if (f->user) {
		uint32_t uid, gid = 0;
		bool has_gid;

		if (util_parse_uid_gid(f->user, &uid, &gid, &has_gid) < 0)
			return kerr_set(err,
					"--user: must be UID[:GID] (decimal, 0..4294967294), not \"%s\"%s",
					f->user, minus_one_hint(f->user));
		json_object_set_new(u, "uid", json_integer(uid));
		if (has_gid)
			json_object_set_new(u, "gid", json_integer(gid));
	}
	for (size_t i = 0; i < f->n_gids; i++) {
		uint32_t gid;

		if (util_parse_id(f->gids[i], &gid) < 0)
			return kerr_set(err,
					"--additional-gids: must be a GID (decimal, 0..4294967294), not \"%s\"%s",
					f->gids[i], minus_one_hint(f->gids[i]));
		json_array_append_new(array_of(u, "additionalGids"), json_integer(gid));
	}
	return 0;
}

/* The flags but the user over p: env, cwd, labels, no-new-privs, caps. */
static void apply_flags(json_t *p, const struct exec_flags *f)
{
	json_t *a = array_of(p, "env");

	for (size_t i = 0; i < f->n_env; i++)
		json_array_append_new(a, json_string(f->env[i]));
	if (f->cwd)
		json_object_set_new(p, "cwd", json_string(f->cwd));
	if (f->apparmor)
		json_object_set_new(p, "apparmorProfile", json_string(f->apparmor));
	if (f->label)
		json_object_set_new(p, "selinuxLabel", json_string(f->label));
	if (f->nnp)
		json_object_set_new(p, "noNewPrivileges", json_true());
	if (f->n_caps) {
		static const char *const sets[] = { "bounding", "effective", "permitted", "ambient" };
		json_t *caps = object_of(p, "capabilities");

		for (size_t s = 0; s < 4; s++) {
			json_t *set = array_of(caps, sets[s]);

			for (size_t i = 0; i < f->n_caps; i++)
				json_array_append_new(set, json_string(f->caps[i]));
		}
	}
}

/*
 * --process FILE, whole: the flags do not apply to it (runc).  Its text goes
 * to the init half as it is, once the spec's parser has checked it: exact,
 * whatever numbers it holds (containerd sends RLIM_INFINITY, 2^64-1, which
 * a jansson round trip would refuse).
 */
static char *process_from_file(const char *file, bool *terminal, struct kerr *err)
{
	char *text = util_read_file(file, NULL, err);

	if (!text) {
		kerr_wrap(err, "--process");
		return NULL;
	}
	return checked(text, file, terminal, err);
}

/*
 * .process of the container's config with the command-line flags over it,
 * from config.json as read once (its integers exact: an rlimit of 2^64-1
 * stays that).
 */
static char *build_process(const struct spec_doc *doc, const struct exec_flags *f, int argc,
			   char **argv, bool *terminal, struct kerr *err)
{
	json_t *p, *a;
	char *out;

	if (f->process_file)
		return process_from_file(f->process_file, terminal, err);
	if (argc <= 0) {
		kerr_set(err, "exec: a command is required (or --process FILE)");
		return NULL;
	}
	p = json_object_get(spec_doc_root(doc), "process");
	p = json_is_object(p) ? json_deep_copy(p) : json_pack("{s:s, s:{}}", "cwd", "/", "user");
	if (!p) {
		kerr_set(err, "exec: out of memory");
		return NULL;
	}
	a = json_array();
	for (int i = 0; i < argc; i++)
		json_array_append_new(a, json_string(argv[i]));
	json_object_set_new(p, "args", a);
	json_object_set_new(p, "terminal", json_boolean(f->tty));
	*terminal = f->tty;
	/* the container's consoleSize is for its first process only */
	json_object_del(p, "consoleSize");
	apply_flags(p, f);
	if ((f->user || f->n_gids) && apply_user_flags(p, f, err) < 0) {
		json_decref(p);
		return NULL;
	}
	out = spec_doc_dump(doc, p);
	json_decref(p);
	if (!out && errno == ERANGE) {
		kerr_set(err, "config.json: .process: an integer outside the range of every field");
		return NULL;
	}
	return checked(out, "process", NULL, err);
}

static const struct option exec_options[] = {
	{ "process", required_argument, NULL, 'p' },
	{ "tty", no_argument, NULL, 't' },
	{ "console-socket", required_argument, NULL, OPT_CONSOLE },
	{ "detach", no_argument, NULL, 'd' },
	{ "pid-file", required_argument, NULL, OPT_PIDFILE },
	{ "env", required_argument, NULL, 'e' },
	{ "cwd", required_argument, NULL, OPT_CWD },
	{ "user", required_argument, NULL, 'u' },
	{ "additional-gids", required_argument, NULL, 'g' },
	{ "cap", required_argument, NULL, 'c' },
	{ "no-new-privs", no_argument, NULL, OPT_NNP },
	{ "preserve-fds", required_argument, NULL, OPT_PRESERVE },
	{ "process-label", required_argument, NULL, OPT_LABEL },
	{ "apparmor", required_argument, NULL, OPT_APPARMOR },
	{ "cgroup", required_argument, NULL, OPT_CGROUP },
	{ "help", no_argument, NULL, 'h' },
	{ 0 }
};

/* One flag into f or o: 0, or -1 after saying why. */
static int exec_flag(int opt, const char *arg, struct exec_flags *f, struct exec_opts *o)
{
	long long n;

	switch (opt) {
	case 'p': f->process_file = arg; return 0;
	case 't': f->tty = true; return 0;
	case OPT_CONSOLE: o->console_socket = arg; return 0;
	case 'd': o->detach = true; return 0;
	case OPT_PIDFILE: o->pid_file = arg; return 0;
	case OPT_CWD: f->cwd = arg; return 0;
	case 'u': f->user = arg; return 0;
	case OPT_NNP: f->nnp = true; return 0;
	case OPT_LABEL: f->label = arg; return 0;
	case OPT_APPARMOR: f->apparmor = arg; return 0;
	case 'e':
	case 'g':
	case 'c':
		if (push(opt == 'e' ? &f->env : opt == 'g' ? &f->gids : &f->caps,
			 opt == 'e' ? &f->n_env : opt == 'g' ? &f->n_gids : &f->n_caps,
			 (char *)arg) == 0)
			return 0;
		log_error("exec: out of memory");
		return -1;
	case OPT_CGROUP:
		if (!*arg) {
			log_error("--cgroup: empty (want PATH or CONTROLLER[,CONTROLLER]:PATH)");
			return -1;
		}
		if (push(&o->cgroup_subs, &o->n_cgroup_subs, (char *)arg) == 0)
			return 0;
		log_error("exec: out of memory");
		return -1;
	case OPT_PRESERVE:
		if (util_parse_long(arg, &n) < 0 || n < 0 || n > 65536) {
			log_error("--preserve-fds: not a count: \"%s\"", arg);
			return -1;
		}
		o->preserve_fds = (int)n;
		return 0;
	default:
		return -1;
	}
}

/* The flags: 0 to go on, 1 when done (--help), -1 on a bad one. */
static int exec_parse_flags(int argc, char **argv, struct exec_flags *f, struct exec_opts *o)
{
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+p:tde:u:g:c:h", exec_options, NULL)) != -1) {
		if (opt == 'h') {
			cmd_usage("exec", false);
			return 1;
		}
		if (opt == '?') {
			log_error("exec: unknown flag \"%s\"", argv[optind - 1]);
			cmd_usage("exec", true);
			return -1;
		}
		if (exec_flag(opt, optarg, f, o) < 0)
			return -1;
	}
	if (optind >= argc) {
		log_error("exec: container id is required");
		cmd_usage("exec", true);
		return -1;
	}
	return 0;
}

/* The container may take a new process: created or running. */
static int exec_status_ok(const struct container *c)
{
	enum container_status st = state_status(c);

	if (st == STATUS_STOPPED || st == STATUS_CREATING) {
		log_error("cannot exec in a stopped container");
		return -1;
	}
	if (st == STATUS_PAUSED) {
		log_error("cannot exec in a paused container");
		return -1;
	}
	return 0;
}

/* runc's rules for --tty, --detach and --console-socket together */
static int exec_terminal_ok(const struct exec_opts *o)
{
	if (o->terminal && o->detach && !o->console_socket) {
		log_error("cannot allocate tty if kura will detach without setting console socket");
		return -1;
	}
	if (!o->terminal && o->console_socket) {
		log_error("cannot use console socket if kura will not detach or allocate tty");
		return -1;
	}
	return 0;
}

/*
 * Start the process; in the foreground, wait for it (a terminal of our
 * own copied) and return its status as a shell gives it.  1 on failure.
 */
static int exec_start(struct container *c, struct exec_opts *o)
{
	struct kerr err;
	int pair[2] = { -1, -1 }, master = -1, rc;
	sigset_t all;
	pid_t pid;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	if (o->terminal && !o->console_socket) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
			log_error("socketpair: %m");
			return 1;
		}
		o->console_fd = pair[1];
	}
	pid = container_exec(c, o, &err);
	util_closep(&pair[1]);
	if (pid < 0) {
		util_closep(&pair[0]);
		log_error("%s", err.msg);
		return 1;
	}
	if (pair[0] >= 0) {
		master = console_recv_master(pair[0], &err);
		util_closep(&pair[0]);
		if (master < 0) {
			log_error("%s", err.msg);
			kill(pid, SIGKILL);
			return 1;
		}
	}
	if (o->detach)
		return 0;
	rc = container_wait_forward(pid, master, &err);
	if (rc < 0) {
		log_error("%s", err.msg);
		rc = 1;
	}
	return rc;
}

int cmd_exec(struct kura_global *g, int argc, char **argv)
{
	struct exec_flags f = { 0 };
	struct exec_opts o = { .console_fd = -1 };
	struct container c;
	struct kerr err;
	_cleanup_free_ char *process = NULL;
	_cleanup_free_ char *config_text = NULL; /* read once: the init half gets it too */
	struct spec_doc *doc = NULL;              /* parsed once: process and container_exec */
	char path[PATH_MAX];
	int rc = exec_parse_flags(argc, argv, &f, &o);

	if (rc != 0) {
		rc = rc > 0 ? 0 : 1;
		goto out_flags;
	}
	rc = 1;
	if (state_load(g->root, argv[optind], &c, &err) < 0) {
		log_error("%s", err.msg);
		goto out_flags;
	}
	if (exec_status_ok(&c) < 0)
		goto out;
	snprintf(path, sizeof(path), "%s/config.json", c.dir);
	config_text = util_read_file(path, &o.config_len, &err);
	if (config_text)
		doc = container_config_doc(config_text, o.config_len, &err);
	if (doc)
		process = build_process(doc, &f, argc - optind - 1, argv + optind + 1, &o.terminal,
					&err);
	if (!process) {
		log_error("%s", err.msg);
		goto out;
	}
	o.config_text = config_text;
	o.config_doc = doc;
	o.process_json = process;
	if (exec_terminal_ok(&o) == 0)
		rc = exec_start(&c, &o);
out:
	spec_doc_free(doc);
	state_free(&c);
out_flags:
	free(f.env);
	free(f.caps);
	free(f.gids);
	free(o.cgroup_subs);
	return rc;
}
