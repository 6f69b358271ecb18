#!/bin/sh
# Median time from starting kura-shim to the first instruction of the init it
# execs, beside unshare(1) making the same namespaces (pid net ipc uts mnt
# cgroup) and exec'ing the same tiny static target; "vfork+exec" is the floor
# (the target vfork+exec'd directly, no namespaces).  As root.
# usage: bench-shim.sh [RUNS]      env: SHIM (default build/kura-shim)
set -eu
runs=${1:-100}
here=$(cd "$(dirname "$0")/.." && pwd)
shim=${SHIM:-$here/build/kura-shim}
[ -x "$shim" ] || { echo "bench-shim: $shim: not built (make)" >&2; exit 1; }
work=$(mktemp -d /tmp/kura-bench-shim.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The target: reports CLOCK_MONOTONIC at its first line on fd argv[2].
cat > "$work/target.c" <<'EOF'
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
int main(int argc, char **argv)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	if (argc > 2)
		send(atoi(argv[2]), &t, sizeof(t), 0);
	return 0;
}
EOF

cat > "$work/driver.c" <<'EOF'
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "bootstrap.h"
#include "sync.h"

static double ms(struct timespec a, struct timespec b)
{
	return (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
}
static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}
static unsigned char blob[BOOTSTRAP_MSG_MAX] __attribute__((aligned(8)));
static unsigned flags;
static int set; /* 0: no namespaces, 1: pid ipc uts mnt cgroup, 2: and net */

/* one run: start at t0, the target's first clock_gettime at t1 */
static double once(const char *shim, const char *target, int use_unshare)
{
	struct timespec t0, t1;
	int sv[2], status, tfd;
	char fd[16];
	pid_t pid, init = -1;

	socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv);
	tfd = open(target, O_PATH | O_CLOEXEC);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* as kura starts the shim: no page tables copied */
	pid = vfork();
	if (pid == 0) {
		fcntl(sv[1], F_SETFD, 0);
		fcntl(tfd, F_SETFD, 0);
		snprintf(fd, sizeof(fd), "%d", sv[1]);
		if (use_unshare == 2)
			execl(target, "kura", "init", fd, "0", (char *)NULL);
		else if (use_unshare && set == 0)
			execl("/usr/bin/unshare", "unshare", target, "init", fd, "0", (char *)NULL);
		else if (use_unshare)
			execl("/usr/bin/unshare", "unshare", "--pid", "--fork", "--ipc", "--uts",
			      "--mount", "--cgroup", set == 2 ? "--net" : "--ipc", target, "init",
			      fd, "0", (char *)NULL);
		else
			execl(shim, "kura-shim", fd, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	if (use_unshare == 0) {
		struct bootstrap b = { .mode = BOOTSTRAP_MODE_CREATE, .clone_flags = flags,
				       .init_fd = tfd, .data_fd = 0 };
		size_t len;
		struct sync_msg m;

		bootstrap_encode(&b, blob, sizeof(blob), &len);
		send(sv[0], blob, len, 0);
		if (sync_recv(sv[0], &m) != 1 || m.type != SYNC_PID) {
			fprintf(stderr, "shim: %s\n", m.text);
			exit(1);
		}
		init = m.value;
	}
	if (recv(sv[0], &t1, sizeof(t1), 0) != sizeof(t1)) {
		fprintf(stderr, "no report from the target\n");
		exit(1);
	}
	waitpid(pid, &status, 0);
	if (init > 0)
		waitpid(init, &status, 0);
	close(sv[0]);
	close(tfd);
	return ms(t0, t1);
}

int main(int argc, char **argv)
{
	int runs = atoi(argv[3]);
	double *v = calloc(runs, sizeof(double));

	static const char *const names[] = { "none", "pid ipc uts mnt cgroup",
					     "pid ipc uts mnt cgroup net" };

	for (set = 0; set < 3; set++)
	for (int mode = 0; mode < (set == 0 ? 3 : 2); mode++) {
		flags = set == 0 ? 0 : CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS |
			CLONE_NEWCGROUP | (set == 2 ? CLONE_NEWNET : 0);
		for (int i = 0; i < 5; i++)
			once(argv[1], argv[2], mode);
		for (int i = 0; i < runs; i++)
			v[i] = once(argv[1], argv[2], mode);
		qsort(v, runs, sizeof(double), cmp);
		printf("%-10s median %.3f ms  (min %.3f, p90 %.3f, %d runs; namespaces: %s)\n",
		       mode == 2 ? "vfork+exec" : mode ? "unshare" : "kura-shim", v[runs / 2], v[0], v[runs * 9 / 10], runs,
		       names[set]);
	}
	return 0;
}
EOF
musl-gcc -static -Os -o "$work/target" "$work/target.c"
cc -O2 -D_GNU_SOURCE -I"$here/bootstrap" -o "$work/driver" "$work/driver.c" "$here/bootstrap/bootstrap.c"
"$work/driver" "$shim" "$work/target" "$runs"
echo "kura-shim: $(stat -c %s "$shim") bytes ($(strip -o "$work/s" "$shim" && stat -c %s "$work/s") stripped)"
