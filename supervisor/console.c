/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Terminals.  The console-socket protocol is runc's, which conmon, containerd
 * and recvtty speak: one sendmsg whose payload is the pty's name and whose
 * SCM_RIGHTS carries exactly one fd, the master.
 */
#include "console.h"
#include "bootstrap/fdpass.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "rootfs/rootfs.h"
#include "util/util.h"

#define CONSOLE_NAME_MAX 4096

/* The container's own devpts instance: /dev/ptmx may be the host's node on old layouts. */
static int console_open_master(struct kerr *err)
{
	int fd = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		fd = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return kerr_errno(err, errno, "open /dev/pts/ptmx");
	return fd;
}

static int console_set_size(int fd, uint32_t height, uint32_t width, struct kerr *err)
{
	struct winsize ws = { .ws_row = (unsigned short)height, .ws_col = (unsigned short)width };

	if (height == 0 && width == 0)
		return 0;
	if (ioctl(fd, TIOCSWINSZ, &ws) < 0)
		return kerr_errno(err, errno, "set terminal size %ux%u", width, height);
	return 0;
}

static int console_send_master(int sock, int master, const char *name, struct kerr *err)
{
	if (fdpass_send(sock, name, strlen(name), master) < 0)
		return kerr_errno(err, errno, "send pty master to console socket");
	return 0;
}

/* The slave becomes our controlling terminal and stdio; slave is consumed. */
static int console_make_ctty(int slave, struct kerr *err)
{
	_cleanup_close_ int s = slave;
	int fd;

	/* A process group leader cannot setsid(); it is fine if it already leads a session. */
	if (setsid() < 0 && getsid(0) != getpid())
		return kerr_errno(err, errno, "setsid");
	if (ioctl(s, TIOCSCTTY, 0) < 0)
		return kerr_errno(err, errno, "set controlling terminal");
	for (fd = 0; fd <= 2; fd++)
		if (dup2(s, fd) < 0)
			return kerr_errno(err, errno, "dup2 pty slave onto %d", fd);
	if (s <= 2)
		s = -1;
	return 0;
}

static int console_setup_pty(int console_sock, uint32_t height, uint32_t width,
			     bool bind_console, struct kerr *err)
{
	_cleanup_close_ int master = -1, slave = -1;
	char name[64];
	unsigned int n;

	master = console_open_master(err);
	if (master < 0)
		return -1;
	if (unlockpt(master) < 0)
		return kerr_errno(err, errno, "unlockpt");
	if (ioctl(master, TIOCGPTN, &n) < 0)
		return kerr_errno(err, errno, "ptsname");
	snprintf(name, sizeof(name), "/dev/pts/%u", n);
	/* The slave through the master, not by path: /dev/pts is the container's to tamper with. */
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return kerr_errno(err, errno, "open %s", name);
	if (console_set_size(master, height, width, err) < 0)
		return -1;
	if (console_send_master(console_sock, master, name, err) < 0)
		return -1;
	if (bind_console && rootfs_bind_console(name, err) < 0)
		return kerr_wrap(err, "bind /dev/console");
	return console_make_ctty(take_fd(&slave), err);
}

int console_setup(int console_sock, uint32_t height, uint32_t width, struct kerr *err)
{
	return console_setup_pty(console_sock, height, width, true, err);
}

int console_setup_exec(int console_sock, uint32_t height, uint32_t width, struct kerr *err)
{
	return console_setup_pty(console_sock, height, width, false, err);
}

int console_connect(const char *path, struct kerr *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1;

	if (strlen(path) >= sizeof(sa.sun_path))
		return kerr_set(err, "console socket %s: path too long", path);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return kerr_errno(err, errno, "console socket %s: socket", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return kerr_errno(err, errno, "console socket %s: connect", path);
	return take_fd(&fd);
}

/* termios on a master applies to its slave: this is the container's output mode. */
static void console_clear_onlcr(int master)
{
	struct termios t;

	if (tcgetattr(master, &t) == 0) {
		t.c_oflag &= ~(tcflag_t)ONLCR;
		tcsetattr(master, TCSANOW, &t);
	}
}

/* Our terminal's size, when we have one, onto the container's pty. */
static void console_copy_size(int master)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 ||
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

int console_recv_master(int sock, struct kerr *err)
{
	char name[CONSOLE_NAME_MAX];
	int master;
	/* exactly one fd is the protocol: fdpass_recv closes any extra */
	ssize_t n = fdpass_recv(sock, name, sizeof(name), &master);

	if (n < 0 && errno == EMSGSIZE)
		return kerr_set(err, "receive pty master: control data truncated");
	if (n < 0)
		return kerr_errno(err, errno, "receive pty master");
	if (master < 0)
		return kerr_set(err, "receive pty master: %s", n == 0 ? "peer closed" : "no fd in message");
	/*
	 * Captured output (a pipe, a file) gets the container's "\n" as written,
	 * as runc gives it; a terminal of ours keeps the pty's "\r\n".  Done on
	 * receipt, before `start`, so no early write slips through with "\r".
	 */
	if (!isatty(STDOUT_FILENO))
		console_clear_onlcr(master);
	/* likewise our window size: the process may ask for it before the proxy runs */
	console_copy_size(master);
	return master;
}

/* ---- the foreground proxy ---- */

struct console_proxy {
	int master;
	int sigfd;
	bool stdin_open;
	char in[4096]; /* read from stdin, not yet written to the master */
	size_t in_len, in_off;
};

/* Returns 1 while the master is alive, 0 on its hang-up, -1 on error. */
static int console_pump_master(struct console_proxy *p, struct kerr *err)
{
	char buf[8192];

	for (;;) {
		ssize_t n = read(p->master, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 1;
		/* EIO: every slave fd is closed, the container's side is gone. */
		if (n == 0 || (n < 0 && errno == EIO))
			return 0;
		if (n < 0)
			return kerr_errno(err, errno, "read pty master");
		if (util_write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
			return kerr_errno(err, errno, "write stdout");
	}
}

static int console_pump_stdin(struct console_proxy *p, struct kerr *err)
{
	ssize_t n;

	if (p->in_off == p->in_len) {
		n = read(STDIN_FILENO, p->in, sizeof(p->in));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return 0;
		/* runc keeps the container's terminal open past our stdin's end. */
		if (n <= 0) {
			p->stdin_open = false;
			return 0;
		}
		p->in_len = (size_t)n;
		p->in_off = 0;
	}
	n = write(p->master, p->in + p->in_off, p->in_len - p->in_off);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n < 0 && errno == EIO)
		return 0;
	if (n < 0)
		return kerr_errno(err, errno, "write pty master");
	p->in_off += (size_t)n;
	return 0;
}

static int console_proxy_loop(struct console_proxy *p, struct kerr *err)
{
	for (;;) {
		bool pending = p->in_off < p->in_len;
		struct pollfd f[3] = {
			{ .fd = p->master, .events = POLLIN | (pending ? POLLOUT : 0) },
			{ .fd = p->sigfd, .events = POLLIN },
			{ .fd = p->stdin_open && !pending ? STDIN_FILENO : -1, .events = POLLIN },
		};
		int r;

		r = poll(f, 3, -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return kerr_errno(err, errno, "poll");
		if (f[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			while (read(p->sigfd, &si, sizeof(si)) == sizeof(si))
				;
			console_copy_size(p->master);
		}
		if (f[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			r = console_pump_master(p, err);
			if (r <= 0)
				return r;
		}
		if ((f[0].revents & POLLOUT) || (f[2].revents & (POLLIN | POLLHUP | POLLERR)))
			if (console_pump_stdin(p, err) < 0)
				return -1;
	}
}

int console_proxy(int master, struct kerr *err)
{
	struct console_proxy p = { .master = master, .sigfd = -1, .stdin_open = true };
	struct termios saved, raw;
	bool restore_tty = false;
	sigset_t winch, old;
	int flags, r;

	flags = fcntl(master, F_GETFL);
	if (flags < 0 || fcntl(master, F_SETFL, flags | O_NONBLOCK) < 0)
		return kerr_errno(err, errno, "pty master: fcntl");
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, &winch, &old) < 0)
		return kerr_errno(err, errno, "sigprocmask");
	p.sigfd = signalfd(-1, &winch, SFD_CLOEXEC | SFD_NONBLOCK);
	if (p.sigfd < 0) {
		r = kerr_errno(err, errno, "signalfd");
		goto out_mask;
	}
	/* Raw: ^C and friends are the container's to interpret, as on a real terminal. */
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
			restore_tty = true;
	}
	console_copy_size(master);
	r = console_proxy_loop(&p, err);
	if (restore_tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	close(p.sigfd);
out_mask:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r < 0 ? -1 : 0;
}
