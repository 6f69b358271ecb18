/* SPDX-License-Identifier: Apache-2.0 */
/* Signal names as runc takes them: KILL, SIGKILL, kill, 9, RTMIN+3. */
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <strings.h>

#include "signals.h"
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

/*
 * Strict: "9", "KILL", "SIGKILL", "RTMIN+3", "RTMAX-2"; never " 9", "+9",
 * "0x9", "RTMIN 3", "RTMIN3" nor a number past NSIG.
 */
int signal_parse(const char *s)
{
	unsigned long long n;
	const char *name = s;

	if (!s || !*s)
		return -1;
	if (util_parse_udec(s, NSIG - 1, &n) == 0)
		return n > 0 ? (int)n : -1;
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	if (strncasecmp(name, "RTMIN", 5) == 0 || strncasecmp(name, "RTMAX", 5) == 0) {
		bool min = strncasecmp(name, "RTMIN", 5) == 0;
		int base = min ? SIGRTMIN : SIGRTMAX;
		unsigned long long off;
		long long v;

		if (name[5] == '\0')
			return base;
		/* RTMIN+3, RTMAX-2: a sign, then digits; the offset is bounded first */
		if ((name[5] != '+' && name[5] != '-') || util_parse_udec(name + 6, NSIG, &off) < 0)
			return -1;
		v = name[5] == '+' ? base + (long long)off : base - (long long)off;
		return (v >= SIGRTMIN && v <= SIGRTMAX) ? (int)v : -1;
	}
	const void *hit = bsearch(name, signals, sizeof(signals) / sizeof(signals[0]),
				  sizeof(signals[0]), signal_cmp);
	return hit ? ((const typeof(signals[0]) *)hit)->sig : -1;
}

