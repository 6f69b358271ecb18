/* SPDX-License-Identifier: Apache-2.0 */
/* Signal names as runc takes them: KILL, SIGKILL, kill, 9, RTMIN+3. */
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <strings.h>

#include "container.h"
#include "util.h"

/* Sorted by name, without the SIG prefix. */
static const struct {
	const char *name;
	int sig;
} signals[] = {
	{ "ABRT", SIGABRT }, { "ALRM", SIGALRM },   { "BUS", SIGBUS },   { "CHLD", SIGCHLD },
	{ "CLD", SIGCHLD },  { "CONT", SIGCONT },   { "FPE", SIGFPE },   { "HUP", SIGHUP },
	{ "ILL", SIGILL },   { "INT", SIGINT },     { "IO", SIGIO },     { "IOT", SIGIOT },
	{ "KILL", SIGKILL }, { "PIPE", SIGPIPE },   { "POLL", SIGPOLL }, { "PROF", SIGPROF },
	{ "PWR", SIGPWR },   { "QUIT", SIGQUIT },   { "SEGV", SIGSEGV }, { "STKFLT", SIGSTKFLT },
	{ "STOP", SIGSTOP }, { "SYS", SIGSYS },     { "TERM", SIGTERM }, { "TRAP", SIGTRAP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },   { "TTOU", SIGTTOU }, { "URG", SIGURG },
	{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },   { "VTALRM", SIGVTALRM },
	{ "WINCH", SIGWINCH }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
};

static int signal_cmp(const void *key, const void *elem)
{
	return strcasecmp(key, *(const char *const *)elem);
}

int signal_parse(const char *s)
{
	long long n;
	const char *name = s;

	if (!s || !*s)
		return -1;
	if (util_parse_long(s, &n) == 0)
		return (n > 0 && n < NSIG) ? (int)n : -1;
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	if (strncasecmp(name, "RTMIN", 5) == 0 || strncasecmp(name, "RTMAX", 5) == 0) {
		bool min = strncasecmp(name, "RTMIN", 5) == 0;
		int base = min ? SIGRTMIN : SIGRTMAX;
		long long off = 0;

		if (name[5] == '\0')
			return base;
		if (util_parse_long(name + 5, &off) < 0)
			return -1;
		n = base + off; /* RTMIN+3, RTMAX-2 */
		return (n >= SIGRTMIN && n <= SIGRTMAX) ? (int)n : -1;
	}
	const void *hit = bsearch(name, signals, sizeof(signals) / sizeof(signals[0]),
				  sizeof(signals[0]), signal_cmp);
	return hit ? ((const typeof(signals[0]) *)hit)->sig : -1;
}

