/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `kura exec`: the process is --process FILE, or the container's own
 * .process with the flags laid over it, as runc builds it.
 */
#include <jansson.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cmd.h"
#include "console.h"
#include "container.h"
#include "log.h"
#include "util.h"

enum {
	OPT_CONSOLE = 256, OPT_PIDFILE, OPT_CWD, OPT_NNP, OPT_PRESERVE, OPT_LABEL, OPT_APPARMOR
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
static char *checked(char *text, const char *file, struct kerr *err)
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
	spec_process_free(&p);
	return text;
}

/* .process of the container's config with the command-line flags over it. */
static char *build_process(const char *config_text, size_t config_len,
			   const struct exec_flags *f, int argc, char **argv, bool *terminal,
			   struct kerr *err)
{
	json_t *cfg, *p, *a;
	json_error_t jerr;
	char *out;

	if (f->process_file) {
		p = json_load_file(f->process_file, 0, &jerr);
		if (!p) {
			kerr_set(err, "%s: invalid JSON near line %d: %s", f->process_file, jerr.line,
				 jerr.text);
			return NULL;
		}
		*terminal = json_is_true(json_object_get(p, "terminal"));
		out = json_dumps(p, JSON_COMPACT);
		json_decref(p);
		return checked(out, f->process_file, err);
	}
	if (argc <= 0) {
		kerr_set(err, "exec: a command is required (or --process FILE)");
		return NULL;
	}
	cfg = json_loadb(config_text, config_len, 0, &jerr);
	if (!cfg) {
		kerr_set(err, "config.json: invalid JSON near line %d", jerr.line);
		return NULL;
	}
	p = json_object_get(cfg, "process");
	if (json_is_object(p)) {
		json_incref(p);
	} else {
		p = json_pack("{s:s, s:{}}", "cwd", "/", "user");
	}
	json_decref(cfg);
	a = json_array();
	for (int i = 0; i < argc; i++)
		json_array_append_new(a, json_string(argv[i]));
	json_object_set_new(p, "args", a);
	json_object_set_new(p, "terminal", json_boolean(f->tty));
	*terminal = f->tty;
	/* the container's consoleSize is for its first process only */
	json_object_del(p, "consoleSize");
	a = array_of(p, "env");
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
	if (f->user || f->n_gids) {
		json_t *u = object_of(p, "user");

		if (f->user) {
			uint32_t uid, gid = 0;
			bool has_gid;

			if (util_parse_uid_gid(f->user, &uid, &gid, &has_gid) < 0) {
				json_decref(p);
				kerr_set(err,
					 "--user: must be UID[:GID] (decimal, 0..4294967294), not \"%s\"%s",
					 f->user, minus_one_hint(f->user));
				return NULL;
			}
			json_object_set_new(u, "uid", json_integer(uid));
			if (has_gid)
				json_object_set_new(u, "gid", json_integer(gid));
		}
		if (f->n_gids) {
			json_t *g = array_of(u, "additionalGids");

			for (size_t i = 0; i < f->n_gids; i++) {
				uint32_t gid;

				if (util_parse_id(f->gids[i], &gid) < 0) {
					json_decref(p);
					kerr_set(err,
						 "--additional-gids: must be a GID (decimal, 0..4294967294), not \"%s\"%s",
						 f->gids[i], minus_one_hint(f->gids[i]));
					return NULL;
				}
				json_array_append_new(g, json_integer(gid));
			}
		}
	}
	out = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	return checked(out, "process", err);
}

int cmd_exec(struct kura_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
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
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct exec_flags f = { 0 };
	struct exec_opts o = { .console_fd = -1 };
	struct container c;
	struct kerr err;
	_cleanup_free_ char *process = NULL;
	_cleanup_free_ char *config_text = NULL; /* read once: process and container_exec */
	int opt, rc = 1, pair[2] = { -1, -1 }, master = -1;
	long long n;
	pid_t pid;
	enum container_status st;
	sigset_t all, old;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+p:tde:u:g:c:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			f.process_file = optarg;
			break;
		case 't':
			f.tty = true;
			break;
		case OPT_CONSOLE:
			o.console_socket = optarg;
			break;
		case 'd':
			o.detach = true;
			break;
		case OPT_PIDFILE:
			o.pid_file = optarg;
			break;
		case 'e':
			if (push(&f.env, &f.n_env, optarg) < 0)
				goto oom;
			break;
		case OPT_CWD:
			f.cwd = optarg;
			break;
		case 'u':
			f.user = optarg;
			break;
		case 'g':
			if (push(&f.gids, &f.n_gids, optarg) < 0)
				goto oom;
			break;
		case 'c':
			if (push(&f.caps, &f.n_caps, optarg) < 0)
				goto oom;
			break;
		case OPT_NNP:
			f.nnp = true;
			break;
		case OPT_PRESERVE:
			if (util_parse_long(optarg, &n) < 0 || n < 0 || n > 65536) {
				log_error("--preserve-fds: not a count: \"%s\"", optarg);
				goto out_flags;
			}
			o.preserve_fds = (int)n;
			break;
		case OPT_LABEL:
			f.label = optarg;
			break;
		case OPT_APPARMOR:
			f.apparmor = optarg;
			break;
		case 'h':
			cmd_usage("exec", false);
			rc = 0;
			goto out_flags;
		default:
			log_error("exec: unknown flag \"%s\"", argv[optind - 1]);
			cmd_usage("exec", true);
			goto out_flags;
		}
	}
	if (optind >= argc) {
		log_error("exec: container id is required");
		cmd_usage("exec", true);
		goto out_flags;
	}
	if (state_load(g->root, argv[optind], &c, &err) < 0) {
		log_error("%s", err.msg);
		goto out_flags;
	}
	st = state_status(&c);
	if (st == STATUS_STOPPED || st == STATUS_CREATING) {
		log_error("cannot exec in a stopped container");
		goto out;
	}
	if (st == STATUS_PAUSED) {
		log_error("cannot exec in a paused container");
		goto out;
	}
	{
		char path[4096];

		snprintf(path, sizeof(path), "%s/config.json", c.dir);
		config_text = util_read_file(path, &o.config_len, &err);
	}
	if (!config_text) {
		log_error("%s", err.msg);
		goto out;
	}
	o.config_text = config_text;
	process = build_process(config_text, o.config_len, &f, argc - optind - 1,
				argv + optind + 1, &o.terminal, &err);
	if (!process) {
		log_error("%s", err.msg);
		goto out;
	}
	if (o.terminal && o.detach && !o.console_socket) {
		log_error("cannot allocate tty if kura will detach without setting console socket");
		goto out;
	}
	if (!o.terminal && o.console_socket) {
		log_error("cannot use console socket if kura will not detach or allocate tty");
		goto out;
	}
	o.process_json = process;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	if (o.terminal && !o.console_socket) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
			log_error("socketpair: %m");
			goto out;
		}
		o.console_fd = pair[1];
	}
	pid = container_exec(&c, &o, &err);
	if (pair[1] >= 0)
		close(pair[1]);
	if (pid < 0) {
		log_error("%s", err.msg);
		goto out;
	}
	if (pair[0] >= 0) {
		master = console_recv_master(pair[0], &err);
		close(pair[0]);
		pair[0] = -1;
		if (master < 0) {
			log_error("%s", err.msg);
			kill(pid, SIGKILL);
			goto out;
		}
	}
	if (o.detach) {
		rc = 0;
		goto out;
	}
	rc = container_wait_forward(pid, master, &err);
	if (rc < 0) {
		log_error("%s", err.msg);
		rc = 1;
	}
out:
	if (pair[0] >= 0)
		close(pair[0]);
	state_free(&c);
out_flags:
	free(f.env);
	free(f.caps);
	free(f.gids);
	return rc;
oom:
	log_error("exec: out of memory");
	goto out_flags;
}
