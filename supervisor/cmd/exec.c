/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `kura exec`: the process is --process FILE, or the container's own
 * .process with the flags laid over it, as runc builds it.
 */
#include <cjson/cJSON.h>
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

static cJSON *array_of(cJSON *obj, const char *key)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!cJSON_IsArray(a)) {
		cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
		a = cJSON_AddArrayToObject(obj, key);
	}
	return a;
}

static void set_item(cJSON *obj, const char *key, cJSON *v)
{
	if (cJSON_HasObjectItem(obj, key))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v);
	else
		cJSON_AddItemToObject(obj, key, v);
}

/* .process of the container's config with the command-line flags over it. */
static char *build_process(const struct container *c, const struct exec_flags *f, int argc,
			   char **argv, struct kerr *err)
{
	char path[4096];
	_cleanup_free_ char *text = NULL;
	cJSON *cfg, *p, *a;
	char *out;

	if (f->process_file) {
		text = util_read_file(f->process_file, NULL, err);
		if (!text)
			return NULL;
		p = cJSON_Parse(text);
		if (!p) {
			kerr_set(err, "%s: invalid JSON", f->process_file);
			return NULL;
		}
		out = cJSON_PrintUnformatted(p);
		cJSON_Delete(p);
		return out;
	}
	if (argc <= 0) {
		kerr_set(err, "exec: a command is required (or --process FILE)");
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/config.json", c->dir);
	text = util_read_file(path, NULL, err);
	if (!text)
		return NULL;
	cfg = cJSON_Parse(text);
	if (!cfg) {
		kerr_set(err, "%s: invalid JSON", path);
		return NULL;
	}
	p = cJSON_DetachItemFromObjectCaseSensitive(cfg, "process");
	cJSON_Delete(cfg);
	if (!cJSON_IsObject(p)) {
		cJSON_Delete(p);
		p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "cwd", "/");
		cJSON_AddItemToObject(p, "user", cJSON_CreateObject());
	}
	a = cJSON_CreateArray();
	for (int i = 0; i < argc; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(argv[i]));
	set_item(p, "args", a);
	set_item(p, "terminal", cJSON_CreateBool(f->tty));
	/* the container's consoleSize is for its first process only */
	cJSON_DeleteItemFromObjectCaseSensitive(p, "consoleSize");
	a = array_of(p, "env");
	for (size_t i = 0; i < f->n_env; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(f->env[i]));
	if (f->cwd)
		set_item(p, "cwd", cJSON_CreateString(f->cwd));
	if (f->apparmor)
		set_item(p, "apparmorProfile", cJSON_CreateString(f->apparmor));
	if (f->label)
		set_item(p, "selinuxLabel", cJSON_CreateString(f->label));
	if (f->nnp)
		set_item(p, "noNewPrivileges", cJSON_CreateTrue());
	if (f->n_caps) {
		static const char *const sets[] = { "bounding", "effective", "permitted", "ambient" };
		cJSON *caps = cJSON_GetObjectItemCaseSensitive(p, "capabilities");

		if (!cJSON_IsObject(caps)) {
			cJSON_DeleteItemFromObjectCaseSensitive(p, "capabilities");
			caps = cJSON_AddObjectToObject(p, "capabilities");
		}
		for (size_t s = 0; s < 4; s++) {
			cJSON *set = array_of(caps, sets[s]);

			for (size_t i = 0; i < f->n_caps; i++)
				cJSON_AddItemToArray(set, cJSON_CreateString(f->caps[i]));
		}
	}
	if (f->user || f->n_gids) {
		cJSON *u = cJSON_GetObjectItemCaseSensitive(p, "user");

		if (!cJSON_IsObject(u)) {
			cJSON_DeleteItemFromObjectCaseSensitive(p, "user");
			u = cJSON_AddObjectToObject(p, "user");
		}
		if (f->user) {
			long long uid, gid;
			char *colon = strchr(f->user, ':');
			_cleanup_free_ char *us = strndup(f->user, colon ? (size_t)(colon - f->user)
								       : strlen(f->user));

			if (!us || util_parse_long(us, &uid) < 0 || uid < 0 || uid > 0xffffffffLL ||
			    (colon && (util_parse_long(colon + 1, &gid) < 0 || gid < 0 ||
				       gid > 0xffffffffLL))) {
				cJSON_Delete(p);
				kerr_set(err, "--user: must be UID[:GID] with numeric ids, not \"%s\"",
					 f->user);
				return NULL;
			}
			set_item(u, "uid", cJSON_CreateNumber((double)uid));
			if (colon)
				set_item(u, "gid", cJSON_CreateNumber((double)gid));
		}
		if (f->n_gids) {
			cJSON *g = array_of(u, "additionalGids");

			for (size_t i = 0; i < f->n_gids; i++) {
				long long gid;

				if (util_parse_long(f->gids[i], &gid) < 0 || gid < 0 ||
				    gid > 0xffffffffLL) {
					cJSON_Delete(p);
					kerr_set(err, "--additional-gids: not a gid: \"%s\"", f->gids[i]);
					return NULL;
				}
				cJSON_AddItemToArray(g, cJSON_CreateNumber((double)gid));
			}
		}
	}
	out = cJSON_PrintUnformatted(p);
	cJSON_Delete(p);
	return out;
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
	process = build_process(&c, &f, argc - optind - 1, argv + optind + 1, &err);
	if (!process) {
		log_error("%s", err.msg);
		goto out;
	}
	{
		cJSON *p = cJSON_Parse(process);

		o.terminal = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "terminal"));
		cJSON_Delete(p);
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
