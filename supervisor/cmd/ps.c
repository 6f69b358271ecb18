/* SPDX-License-Identifier: Apache-2.0 */
/* `kura ps [--format table|json] ID [ps args]`: the container's processes. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cmd.h"
#include "log.h"
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

int cmd_ps(struct kura_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *format = "table";
	struct container c;
	struct kerr err;
	pid_t *pids = NULL;
	size_t n = 0;
	int opt;

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
	if (state_load(g->root, argv[optind], &c, &err) < 0) {
		log_error("%s", err.msg);
		return 1;
	}
	if (state_status(&c) == STATUS_STOPPED) {
		log_error("container not running");
		state_free(&c);
		return 1;
	}
	if (!c.cg) {
		pids = malloc(sizeof(*pids));
		if (pids) {
			pids[0] = c.pid;
			n = 1;
		}
	} else if (cgroup_pids(c.cg, &pids, &n, &err) < 0) {
		log_error("%s", err.msg);
		state_free(&c);
		return 1;
	}
	state_free(&c);
	if (strcmp(format, "json") == 0) {
		printf("[");
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		printf("]\n");
		free(pids);
		return 0;
	}
	{
		/* run ps with the given args (default -ef) and keep our pids */
		int nargs = argc - optind - 1;
		char **av = calloc((size_t)nargs + 2, sizeof(char *));
		int pfd[2];
		pid_t child;
		FILE *f;
		char *line = NULL;
		size_t cap = 0;
		int col = -1;
		bool first = true;

		if (!av || pipe2(pfd, O_CLOEXEC) < 0) {
			free(av);
			free(pids);
			log_error("ps: %m");
			return 1;
		}
		av[0] = "ps";
		if (nargs == 0) {
			av[1] = "-ef";
		} else {
			for (int i = 0; i < nargs; i++)
				av[i + 1] = argv[optind + 1 + i];
		}
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
		if (f)
			fclose(f);
		waitpid(child, NULL, 0);
		free(pids);
		return col < 0 ? 1 : 0;
	}
}
