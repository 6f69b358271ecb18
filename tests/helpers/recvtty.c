/* SPDX-License-Identifier: Apache-2.0 */
/*
 * recvtty: the other end of --console-socket, for tests.
 *
 *   recvtty [--mode single|null] SOCKETPATH
 *
 * Listens on SOCKETPATH, accepts one connection and receives the pty master
 * (runc's protocol: the pty name as payload, the master as SCM_RIGHTS).
 * single: the master's output goes to stdout, stdin goes to the master, until
 * the container's side hangs up.  null: output is read and dropped.
 * The socket appears only once it is listening (bound under a temporary name,
 * then renamed), so a test may wait for the file and connect at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int listen_at(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char tmp[sizeof(sa.sun_path)];
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid()) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		die(path);
	}
	strcpy(sa.sun_path, tmp);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	unlink(tmp);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die(tmp);
	if (listen(fd, 1) < 0)
		die("listen");
	if (rename(tmp, path) < 0)
		die(path);
	return fd;
}

static int recv_master(int conn, char *name, size_t name_len)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = name, .iov_len = name_len - 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	ssize_t n;
	int fd;

	do
		n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die("recvmsg");
	name[n] = '\0';
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int))) {
		fprintf(stderr, "recvtty: no pty master in the message (%zd bytes)\n", n);
		exit(1);
	}
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("write");
		buf += n;
		len -= (size_t)n;
	}
}

/* Until the master reads EOF/EIO: every slave fd in the container is closed. */
static void copy_loop(int master, bool echo)
{
	bool in_open = echo;
	char buf[8192];

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = master, .events = POLLIN },
			{ .fd = in_open ? STDIN_FILENO : -1, .events = POLLIN },
		};
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (p[0].revents) {
			n = read(master, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n == 0 || (n < 0 && errno == EIO))
				return;
			if (n < 0)
				die("read master");
			if (echo)
				write_all(STDOUT_FILENO, buf, (size_t)n);
		}
		if (p[1].revents) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n <= 0)
				in_open = false;
			else
				write_all(master, buf, (size_t)n);
		}
	}
}

int main(int argc, char **argv)
{
	const char *mode = "single", *path;
	char name[4096];
	struct termios t;
	int lfd, conn, master;

	if (argc == 4 && strcmp(argv[1], "--mode") == 0) {
		mode = argv[2];
		path = argv[3];
	} else if (argc == 2 && argv[1][0] != '-') {
		path = argv[1];
	} else {
		fprintf(stderr, "usage: recvtty [--mode single|null] SOCKETPATH\n");
		return 2;
	}
	if (strcmp(mode, "single") != 0 && strcmp(mode, "null") != 0) {
		fprintf(stderr, "recvtty: unknown mode \"%s\"\n", mode);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	lfd = listen_at(path);
	do
		conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	while (conn < 0 && errno == EINTR);
	if (conn < 0)
		die("accept");
	close(lfd);
	unlink(path);
	master = recv_master(conn, name, sizeof(name));
	close(conn);
	/* As runc's recvtty: the container's "\n" arrives without the pty's "\r". */
	if (tcgetattr(master, &t) == 0) {
		t.c_oflag &= ~(tcflag_t)ONLCR;
		tcsetattr(master, TCSANOW, &t);
	}
	copy_loop(master, strcmp(mode, "single") == 0);
	close(master);
	return 0;
}
