/* SPDX-License-Identifier: Apache-2.0 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

char *util_read_fd(int fd, size_t *len, struct kerr *err)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);

	if (!buf) {
		kerr_errno(err, ENOMEM, "read");
		return NULL;
	}
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			char *nb;

			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				kerr_errno(err, ENOMEM, "read");
				return NULL;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			kerr_errno(err, errno, "read");
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

char *util_read_file(const char *path, size_t *len, struct kerr *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *r;

	if (fd < 0) {
		kerr_errno(err, errno, "open %s", path);
		return NULL;
	}
	r = util_read_fd(fd, len, err);
	if (!r)
		kerr_wrap(err, "%s", path);
	return r;
}

int util_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int util_write_file(const char *path, const char *buf, size_t len, struct kerr *err)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return kerr_errno(err, errno, "open %s", path);
	if (util_write_all(fd, buf, len) < 0)
		return kerr_errno(err, errno, "write %s", path);
	return 0;
}

int util_write_atomic(const char *path, const char *buf, size_t len, mode_t mode,
		      struct kerr *err)
{
	char tmp[PATH_MAX];
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return kerr_set(err, "%s: path too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return kerr_errno(err, errno, "open %s", tmp);
	if (util_write_all(fd, buf, len) < 0) {
		int e = errno;

		close(fd);
		unlink(tmp);
		return kerr_errno(err, e, "write %s", tmp);
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		int e = errno;

		unlink(tmp);
		return kerr_errno(err, e, "rename %s", path);
	}
	return 0;
}

int util_mkdir_p(const char *path, mode_t mode, struct kerr *err)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return kerr_set(err, "mkdir %s: bad path", path);
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return kerr_errno(err, errno, "mkdir %s", buf);
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return kerr_errno(err, errno, "mkdir %s", buf);
	return 0;
}

int util_parse_long(const char *s, long long *out)
{
	char *end;
	long long v;

	/* strtoll alone would take " 9", "+9" and "\t-9" */
	if (!s || (!(s[0] >= '0' && s[0] <= '9') && !(s[0] == '-' && s[1] >= '0' && s[1] <= '9')))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* s[0..n) as strict unsigned decimal, at most max */
static int parse_udec_span(const char *s, size_t n, unsigned long long max,
			   unsigned long long *out)
{
	unsigned long long v = 0;

	if (!s || n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (d > max || v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int util_parse_udec(const char *s, unsigned long long max, unsigned long long *out)
{
	return s ? parse_udec_span(s, strlen(s), max, out) : -1;
}

int util_parse_id(const char *s, uint32_t *out)
{
	unsigned long long v;

	if (util_parse_udec(s, UTIL_ID_MAX, &v) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int util_parse_uid_gid(const char *s, uint32_t *uid, uint32_t *gid, bool *has_gid)
{
	const char *colon;
	unsigned long long u, g = 0;

	if (!s)
		return -1;
	colon = strchr(s, ':');
	if (parse_udec_span(s, colon ? (size_t)(colon - s) : strlen(s), UTIL_ID_MAX, &u) < 0)
		return -1;
	/* "1000:" and "1000:1:2" are refused: the gid part is digits only */
	if (colon && util_parse_udec(colon + 1, UTIL_ID_MAX, &g) < 0)
		return -1;
	*uid = (uint32_t)u;
	if (colon)
		*gid = (uint32_t)g;
	*has_gid = colon != NULL;
	return 0;
}

int util_find_libexec(const char *name, char *buf, size_t len, struct kerr *err)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			if ((size_t)snprintf(buf, len, "%s/%s", exe, name) < len &&
			    access(buf, X_OK) == 0)
				return 0;
		}
	}
	if ((size_t)snprintf(buf, len, "%s/kura/%s", KURA_LIBEXECDIR, name) < len &&
	    access(buf, X_OK) == 0)
		return 0;
	return kerr_set(err, "%s not found next to %s nor in %s/kura", name,
			n > 0 ? exe : "/proc/self/exe", KURA_LIBEXECDIR);
}

extern char **environ;

int util_run(const char *path, char *const argv[], int *exit_status, struct kerr *err)
{
	char msg[1024];
	int pipefd[2], status;
	size_t got = 0;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return kerr_errno(err, errno, "pipe");
	pid = fork();
	if (pid == 0) {
		sigset_t none;

		/* kura blocks signals while it works: the helper must not inherit that */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(pipefd[1], STDERR_FILENO) < 0)
			_exit(127);
		execve(path, argv, environ);
		_exit(127);
	}
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return kerr_errno(err, errno, "fork %s", path);
	}
	for (;;) {
		char sink[256];
		ssize_t r = got < sizeof(msg) - 1
				    ? read(pipefd[0], msg + got, sizeof(msg) - 1 - got)
				    : read(pipefd[0], sink, sizeof(sink)); /* the rest is dropped */

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (got < sizeof(msg) - 1)
			got += (size_t)r;
	}
	close(pipefd[0]);
	msg[got] = '\0';
	while (got && (msg[got - 1] == '\n' || msg[got - 1] == ' '))
		msg[--got] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return kerr_errno(err, errno, "wait %s", path);
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (exit_status)
		*exit_status = status;
	if (status == 0)
		return 0;
	if (got)
		return kerr_set(err, "%s", msg);
	return kerr_set(err, "%s exited with status %d", path, status);
}

int fd_move_above(int fd, int min)
{
	int nfd;

	if (fd < 0 || fd >= min)
		return fd;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, min);
	/* the old fd goes either way: callers overwrite it with the result */
	util_closep(&fd);
	return nfd;
}

char *util_now_rfc3339(void)
{
	struct timespec now;
	struct tm tm;
	char buf[64];
	int n;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	n = (int)strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, sizeof(buf) - (size_t)n, ".%09ldZ", now.tv_nsec);
	return strdup(buf);
}

int util_write_pid_file(const char *path, pid_t pid, struct kerr *err)
{
	char buf[32];
	char abspath[PATH_MAX];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);

	/* go-runc parses the file whole: digits only, no newline */
	if (path[0] != '/') {
		char cwd[PATH_MAX];

		if (!getcwd(cwd, sizeof(cwd)))
			return kerr_errno(err, errno, "getcwd");
		snprintf(abspath, sizeof(abspath), "%s/%s", cwd, path);
		path = abspath;
	}
	if (util_write_atomic(path, buf, (size_t)n, 0644, err) < 0)
		return kerr_wrap(err, "pid file");
	return 0;
}
