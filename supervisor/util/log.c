/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

enum level { L_DEBUG, L_INFO, L_WARN, L_ERROR };

static const char *const level_names[] = {
	[L_DEBUG] = "debug", [L_INFO] = "info", [L_WARN] = "warning", [L_ERROR] = "error",
};

static int log_fd = -1;
static bool log_json;
static bool log_debugging;

int log_init(const char *path, bool json, bool debug)
{
	log_json = json;
	log_debugging = debug;
	if (path && *path) {
		log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		/* as runc and crun: a log that cannot be written fails the command */
		if (log_fd < 0) {
			fprintf(stderr, "kura: --log %s: %s\n", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

bool log_debug_enabled(void)
{
	return log_debugging;
}

/* JSON string escaping of msg into out (always NUL-terminated). */
static void json_escape(const char *msg, char *out, size_t cap)
{
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)msg; *p && o + 7 < cap; p++) {
		switch (*p) {
		case '"':
		case '\\':
			out[o++] = '\\';
			out[o++] = (char)*p;
			break;
		case '\n':
			out[o++] = '\\';
			out[o++] = 'n';
			break;
		case '\t':
			out[o++] = '\\';
			out[o++] = 't';
			break;
		default:
			if (*p < 0x20)
				o += (size_t)snprintf(out + o, cap - o, "\\u%04x", *p);
			else
				out[o++] = (char)*p;
		}
	}
	out[o] = '\0';
}

static void log_line(enum level lv, const char *fmt, va_list ap)
{
	char msg[4096];
	char line[9000];
	char ts[64];
	struct timespec now;
	struct tm tm;
	int n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (lv >= L_WARN || (lv == L_DEBUG && log_debugging && log_fd < 0)) {
		if (lv == L_ERROR)
			fprintf(stderr, "kura: %s\n", msg);
		else
			fprintf(stderr, "kura: %s: %s\n", level_names[lv], msg);
	}
	if (log_fd < 0 || (lv == L_DEBUG && !log_debugging))
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	n = (int)strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts + n, sizeof(ts) - (size_t)n, ".%09ldZ", now.tv_nsec);
	if (log_json) {
		char esc[8192];

		json_escape(msg, esc, sizeof(esc));
		n = snprintf(line, sizeof(line), "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n",
			     level_names[lv], esc, ts);
	} else {
		n = snprintf(line, sizeof(line), "time=\"%s\" level=%s msg=\"%s\"\n", ts,
			     level_names[lv], msg);
	}
	if (n > 0)
		(void)util_write_all(log_fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

#define LOG_FN(name, lv)                        \
	void name(const char *fmt, ...)         \
	{                                       \
		va_list ap;                     \
		va_start(ap, fmt);              \
		log_line(lv, fmt, ap);          \
		va_end(ap);                     \
	}

LOG_FN(log_error, L_ERROR)
LOG_FN(log_warn, L_WARN)
LOG_FN(log_info, L_INFO)
LOG_FN(log_debug, L_DEBUG)
