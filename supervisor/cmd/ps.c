/* SPDX-License-Identifier: Apache-2.0 */
/* `kura ps [--format table|json] ID [ps args]`: the container's processes. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cmd.h"
#include "util/log.h"
#include "state.h"

/* Column of "PID" in a ps header line, counting whitespace-separated words. */
static int pid_column(const char *header)
{
	int col = 0;
	const char *p = header;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (strncmp(p, "PID", 3) == 0 && (p[3] == ' ' || p[3] == '\t' || p[3] == '\n' || !p[3]))
			return col;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		col++;
	}
	return -1;
}

static long word_at(const char *line, int col)
{
	const char *p = line;

	for (int i = 0; *p; i++) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (i == col)
			return strtol(p, NULL, 10);
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return -1;
}

/* The pids of container id: its cgroup's, or its init alone without one. -1 after saying why. */
static int ps_pids(struct kura_global *g, const char *id, pid_t **pids, size_t *n)
{
	struct container c;
	struct kerr err;
	int r = 0;

	if (state_load(g->root, id, &c, &err) < 0) {
		log_error("%s", err.msg);
		return -1;
	}
	if (state_status(&c) == STATUS_STOPPED) {
		log_error("container not running");
		r = -1;
	} else if (!c.cg) {
		*pids = malloc(sizeof(**pids));
		if (*pids) {
			(*pids)[0] = c.pid;
			*n = 1;
		}
	} else if (cgroup_pids(c.cg, pids, n, &err) < 0) {
		log_error("%s", err.msg);
		r = -1;
	}
	state_free(&c);
	return r;
}

/* ps's header, then its lines whose PID column is one of pids. 0, or 1 without a PID column. */
static int ps_filter(FILE *f, const pid_t *pids, size_t n)
{
	char *line = NULL;
	size_t cap = 0;
	int col = -1;
	bool first = true;

	while (f && getline(&line, &cap, f) > 0) {
		if (first) {
			first = false;
			col = pid_column(line);
			fputs(line, stdout);
			if (col < 0) {
				log_error("ps: no PID column in ps output");
				break;
			}
			continue;
		}
		long pid = word_at(line, col);

		for (size_t i = 0; i < n; i++)
			if (pids[i] == pid) {
				fputs(line, stdout);
				break;
			}
	}
	free(line);
	return col < 0 ? 1 : 0;
}

/* Run ps with args (default -ef) and keep the lines of our pids. */
static int ps_run(char **args, int nargs, const pid_t *pids, size_t n)
{
	char **av = calloc((size_t)nargs + 3, sizeof(char *)); /* ps, -ef or args, NULL */
	int pfd[2], rc;
	pid_t child;
	FILE *f;

	if (!av || pipe2(pfd, O_CLOEXEC) < 0) {
		free(av);
		log_error("ps: %m");
		return 1;
	}
	av[0] = "ps";
	av[1] = "-ef";
	for (int i = 0; i < nargs; i++)
		av[i + 1] = args[i];
	fflush(stdout);
	child = fork();
	if (child == 0) {
		dup2(pfd[1], 1);
		execvp("ps", av);
		_exit(127);
	}
	close(pfd[1]);
	free(av);
	f = fdopen(pfd[0], "r");
	rc = ps_filter(f, pids, n);
	if (f)
		fclose(f);
	else
		close(pfd[0]);
	waitpid(child, NULL, 0);
	return rc;
}

int cmd_ps(struct kura_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *format = "table";
	pid_t *pids = NULL;
	size_t n = 0;
	int opt, rc;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+f:h", opts, NULL)) != -1) {
		if (opt == 'f') {
			format = optarg;
		} else if (opt == 'h') {
			cmd_usage("ps", false);
			return 0;
		} else {
			log_error("ps: unknown flag \"%s\"", argv[optind - 1]);
			cmd_usage("ps", true);
			return 1;
		}
	}
	if (optind >= argc) {
		log_error("ps: container id is required");
		cmd_usage("ps", true);
		return 1;
	}
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0) {
		log_error("invalid format option");
		return 1;
	}
	if (ps_pids(g, argv[optind], &pids, &n) < 0)
		return 1;
	if (strcmp(format, "json") == 0) {
		printf("[");
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		printf("]\n");
		rc = 0;
	} else {
		rc = ps_run(argv + optind + 1, argc - optind - 1, pids, n);
	}
	free(pids);
	return rc;
}
