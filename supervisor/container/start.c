/* SPDX-License-Identifier: Apache-2.0 */
/* `start`: the exec FIFO read, so the init half execs the process. */
#include "container_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include "hooks.h"
#include "util/log.h"
#include "util/phase.h"
#include "util/testpause.h"
#include "util/util.h"

/*
 * The next event on the read end of the exec FIFO: 1 when bytes came, or
 * with eof_ends 0 at EOF (the writer was there and is gone, what it wrote
 * read and dropped), -1 with *err.  The init's liveness is checked every
 * 100 ms so a dead init never hangs us.
 */
static int fifo_next(int fd, const struct container *c, bool eof_ends, struct kerr *err)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, 100);
		char buf[8192]; /* the FIFO holds kura's one-page fill and the init's byte */

		if (r < 0 && errno != EINTR)
			return kerr_errno(err, errno, "poll exec fifo");
		if (r > 0) {
			ssize_t n = read(fd, buf, sizeof(buf));

			if (n > 0 && !eof_ends)
				return 1;
			if (n > 0)
				continue; /* the rest of the fill, the init's byte */
			if (n == 0 && eof_ends)
				return 0;
			if (n < 0 && errno != EAGAIN)
				return kerr_errno(err, errno, "read exec fifo");
		}
		if (!state_init_alive(c))
			return eof_ends ? 0 : kerr_set(err, "container init exited before start");
	}
}

int container_start(struct container *c, struct kerr *err)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;

	snprintf(path, sizeof(path), "%s/exec.fifo", c->dir);
	/* non-blocking: the init may have died; poll instead of hanging */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return kerr_errno(err, errno, "open exec fifo");
	test_pause("start-after-open");
	if (fifo_next(fd, c, false, err) < 0)
		return -1;
	phase_mark("start: fifo released");
	unlink(path);
	/* EOF once the init's end closes with its execve: the process runs */
	if (fifo_next(fd, c, true, err) < 0)
		return -1;
	phase_mark("init: execve of the process");
	return 0;
}

int container_poststart(struct container *c, const struct spec *s, struct kerr *err)
{
	_cleanup_free_ char *state = NULL;
	struct kerr e2;

	/* the start path: no state JSON built for hooks that are not there */
	if (!s->hooks.poststart.n)
		return 0;
	state = container_state_text(c, "running");
	/* runtime-spec 1.3: the first failing hook fails start; none after it runs */
	if (hooks_run(&s->hooks.poststart, "poststart", state, err) == 0)
		return 0;
	/* then on as delete goes: the container stopped, its poststop hooks, removed */
	if (container_kill_wait(c, &e2) < 0 || container_destroy(c, s, &e2) < 0)
		log_warn("%s", e2.msg);
	return -1;
}
