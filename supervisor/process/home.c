/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HOME of the process when its env has none: the home directory of its uid
 * in the container's /etc/passwd, else "/" (what runc and crun set).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "process.h"
#include "util/util.h"

char *process_passwd_home(const char *passwd, uint32_t uid)
{
	const char *line = passwd;

	while (line && *line) {
		const char *end = strchrnul(line, '\n');
		const char *f[7];
		size_t n = 0;

		/* name:password:uid:gid:gecos:home:shell */
		f[n++] = line;
		for (const char *q = line; q < end && n < 7; q++)
			if (*q == ':')
				f[n++] = q + 1;
		if (n >= 6 && line[0] != '#') {
			char *stop;
			unsigned long long u;
			const char *home_end = n == 7 ? f[6] - 1 : end;

			errno = 0;
			u = strtoull(f[2], &stop, 10);
			if (!errno && stop != f[2] && *stop == ':' && u == uid && f[5] < home_end)
				return strndup(f[5], (size_t)(home_end - f[5]));
		}
		line = *end ? end + 1 : end;
	}
	return NULL;
}

int process_env_home(struct spec_process *p, struct kerr *err)
{
	_cleanup_free_ char *passwd = NULL, *home = NULL;
	_cleanup_close_ int fd = -1;
	struct kerr ignored;
	struct stat st;
	char **v;

	for (size_t i = 0; i < p->env.n; i++)
		if (strncmp(p->env.v[i], "HOME=", 5) == 0)
			return 0;
	/* the container's file (the root is already its own); a fifo must not block us */
	fd = open("/etc/passwd", O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < (16 << 20))
		passwd = util_read_fd(fd, NULL, &ignored);
	if (passwd)
		home = process_passwd_home(passwd, p->user.uid);
	v = realloc(p->env.v, (p->env.n + 2) * sizeof(char *));
	if (!v)
		return kerr_errno(err, ENOMEM, "env HOME");
	p->env.v = v;
	if (asprintf(&v[p->env.n], "HOME=%s", home && *home ? home : "/") < 0)
		return kerr_errno(err, ENOMEM, "env HOME");
	v[++p->env.n] = NULL;
	return 0;
}
