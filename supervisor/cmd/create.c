/* SPDX-License-Identifier: Apache-2.0 */
/* `kura create` and `kura run`: one set of flags, run adds --detach/--keep. */
#include <getopt.h>
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
#include "util/phase.h"
#include "util/util.h"

enum { OPT_CONSOLE = 256, OPT_PIDFILE, OPT_NOPIVOT, OPT_NOKEYRING, OPT_PRESERVE, OPT_KEEP };

static int parse_create_flags(const char *verb, int argc, char **argv, struct create_opts *o,
			      bool *keep, bool run)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "console-socket", required_argument, NULL, OPT_CONSOLE },
		{ "pid-file", required_argument, NULL, OPT_PIDFILE },
		{ "no-pivot", no_argument, NULL, OPT_NOPIVOT },
		{ "no-new-keyring", no_argument, NULL, OPT_NOKEYRING },
		{ "preserve-fds", required_argument, NULL, OPT_PRESERVE },
		{ "detach", no_argument, NULL, 'd' },
		{ "keep", no_argument, NULL, OPT_KEEP },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;
	long long n;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+b:dh", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o->bundle = optarg;
			break;
		case OPT_CONSOLE:
			o->console_socket = optarg;
			break;
		case OPT_PIDFILE:
			o->pid_file = optarg;
			break;
		case OPT_NOPIVOT:
			o->no_pivot = true;
			break;
		case OPT_NOKEYRING:
			o->no_new_keyring = true;
			break;
		case OPT_PRESERVE:
			if (util_parse_long(optarg, &n) < 0 || n < 0 || n > 65536) {
				log_error("--preserve-fds: not a count: \"%s\"", optarg);
				return -1;
			}
			o->preserve_fds = (int)n;
			break;
		case 'd':
			if (!run)
				goto bad;
			o->detach = true;
			break;
		case OPT_KEEP:
			if (!run)
				goto bad;
			*keep = true;
			break;
		case 'h':
			cmd_usage(verb, false);
			exit(0);
		default:
			goto bad;
		}
	}
	if (optind != argc - 1) {
		log_error("%s: %s", verb, optind >= argc ? "container id is required" : "too many arguments");
		cmd_usage(verb, true);
		return -1;
	}
	o->id = argv[optind];
	return 0;
bad:
	log_error("%s: unknown flag \"%s\"", verb, argv[optind - 1]);
	cmd_usage(verb, true);
	return -1;
}

int cmd_create(struct kura_global *g, int argc, char **argv)
{
	struct create_opts o = { .console_fd = -1, .detach = true };
	struct container c;
	struct spec s;
	struct kerr err;
	bool keep = false;

	if (parse_create_flags("create", argc, argv, &o, &keep, false) < 0)
		return 1;
	if (container_create(g, &o, &c, &s, &err) < 0) {
		log_error("%s", err.msg);
		return 1;
	}
	spec_free(&s);
	state_free(&c);
	return 0;
}

int cmd_run(struct kura_global *g, int argc, char **argv)
{
	struct create_opts o = { .console_fd = -1 };
	struct container c;
	struct spec s;
	struct kerr err;
	bool keep = false;
	int pair[2] = { -1, -1 };
	int master = -1;
	int status;
	sigset_t all, old;

	if (parse_create_flags("run", argc, argv, &o, &keep, true) < 0)
		return 1;
	/*
	 * Foreground with a terminal and no console socket: kura receives the
	 * pty master itself and copies between it and our stdio.  Signals are
	 * held from here so a ^C cannot leave a half-made container.
	 */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	if (!o.detach && !o.console_socket) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
			log_error("socketpair: %m");
			return 1;
		}
		o.console_fd = pair[1];
	}
	if (container_create(g, &o, &c, &s, &err) < 0) {
		log_error("%s", err.msg);
		goto fail_early;
	}
	if (pair[1] >= 0) {
		close(pair[1]);
		pair[1] = -1;
		if (s.process.terminal) {
			master = console_recv_master(pair[0], &err);
			if (master < 0) {
				log_error("%s", err.msg);
				goto fail;
			}
		}
		close(pair[0]);
		pair[0] = -1;
	}
	if (container_start(&c, &err) < 0) {
		log_error("%s", err.msg);
		goto fail;
	}
	/* a failing poststart hook killed and removed the container already */
	if (container_poststart(&c, &s, &err) < 0) {
		log_error("%s", err.msg);
		goto fail_removed;
	}
	if (o.detach) {
		spec_free(&s);
		state_free(&c);
		return 0;
	}
	/* release the lock while the container runs: other commands may act on it */
	close(c.lock_fd);
	c.lock_fd = -1;
	status = container_wait_forward(c.pid, master, &err);
	if (status < 0) {
		log_error("%s", err.msg);
		status = 1;
	}
	phase_mark("the process ran");
	if (!keep) {
		/* a delete while it ran removed it already: nothing left to do */
		if (state_lock(&c, &err) < 0) {
			if (err.errnum != ENOENT)
				log_warn("%s", err.msg);
		} else if (container_destroy(&c, &s, &err) < 0) {
			log_warn("%s", err.msg);
		}
		phase_mark("delete");
	}
	spec_free(&s);
	state_free(&c);
	return status;

fail:
	{
		struct kerr e2;

		if (container_kill_wait(&c, &e2) < 0 || container_destroy(&c, &s, &e2) < 0)
			log_warn("%s", e2.msg);
	}
fail_removed:
	spec_free(&s);
	state_free(&c);
fail_early:
	if (pair[0] >= 0)
		close(pair[0]);
	if (pair[1] >= 0)
		close(pair[1]);
	if (master >= 0)
		close(master);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 1;
}
