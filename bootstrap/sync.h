/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sync socket: small typed messages between kura (the supervisor) and the
 * processes it spawns (kura-shim, then the init half), over one
 * SOCK_SEQPACKET socketpair.  Header-only so the static musl shim and the
 * supervisor share it without sharing any other code.
 *
 * Conversation of `create` (-> is towards kura, <- from kura):
 *   <- blob            the bootstrap message (bootstrap.h), first thing sent
 *   -> MAP_IDS         shim unshared CLONE_NEWUSER; kura writes
 *                      /proc/<value>/{setgroups,uid_map,gid_map}
 *   <- MAP_IDS_DONE    (value 0, or -1 with text on failure)
 *   -> PID             from the init itself (or, in exec mode, the joined
 *                      child) before its execve: kura reads its host pid from
 *                      the message's SCM_CREDENTIALS (SO_PASSCRED on kura's
 *                      end until then), so nothing it says can come first;
 *                      the shim exits 0 once that child has exec'd
 *   -> HOOKS           init half: namespaces and mounts are ready, run
 *                      prestart + createRuntime hooks now
 *   <- HOOKS_DONE      (value 0, or -1: init exits)
 *   -> SECCOMP_FD      init half: the seccomp notify fd (SCM_RIGHTS); kura
 *                      sends it to linux.seccomp.listenerPath
 *   <- SECCOMP_DONE
 *   -> READY           init half: waits on the exec FIFO now, and has closed
 *                      every fd but stdio, the passed ones and the FIFO; it
 *                      closes this socket next
 *   -> ERROR           from either: text is the whole message; the sender exits
 *                      non-zero
 * The exec mode conversation is blob, PID, then SECCOMP_FD/SECCOMP_DONE when
 * a listener is set; the socket closes with the init's execve.
 * Each side accepts only what its mode and phase allow (MAP_IDS once, only
 * with a new user namespace; HOOKS once, first, create only; SECCOMP_FD once;
 * READY create only; ERROR always) and ends the conversation otherwise.
 */
#ifndef KURA_SYNC_H
#define KURA_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "fdpass.h"

enum sync_type {
	SYNC_MAP_IDS = 1,
	SYNC_MAP_IDS_DONE,
	SYNC_PID,
	SYNC_HOOKS,
	SYNC_HOOKS_DONE,
	SYNC_SECCOMP_FD,
	SYNC_SECCOMP_DONE,
	SYNC_READY,
	SYNC_ERROR,
};

#define SYNC_TEXT_MAX 2048

/*
 * `kura --debug`: with this variable in their environment (kura puts it in
 * the one it gives kura-shim, which passes _KURA_* on), the SYNC_PID that
 * kura-shim's child sends before it execs and the init's SYNC_READY carry the CLOCK_MONOTONIC times (ns, decimal,
 * space-separated) at which their steps ended: the shim's main and its
 * clone of the init; the init's main, its mounts, its pivot_root and masks,
 * its process setup.  Without it the text stays empty.
 */
#define SYNC_PHASES_ENV "_KURA_PHASES"

struct sync_msg {
	uint32_t type;
	int32_t value;
	char text[SYNC_TEXT_MAX]; /* NUL-terminated; empty when unused */
};

/* Send one message; text may be NULL.  Returns 0 or -1 with errno. */
static inline int sync_send(int fd, uint32_t type, int32_t value, const char *text)
{
	struct sync_msg m;
	size_t len = 0;
	ssize_t n;

	m.type = type;
	m.value = value;
	if (text) {
		len = strlen(text);
		if (len >= SYNC_TEXT_MAX)
			len = SYNC_TEXT_MAX - 1;
		memcpy(m.text, text, len);
	}
	m.text[len] = '\0';
	do
		n = send(fd, &m, offsetof(struct sync_msg, text) + len + 1, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : 0;
}

/*
 * Receive one message.  Returns 1 on a message, 0 when the peer closed, -1
 * with errno.  A short or unterminated message is EBADMSG.
 */
static inline int sync_recv(int fd, struct sync_msg *m)
{
	ssize_t n;

	do
		n = recv(fd, m, sizeof(*m), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (n == 0)
		return 0;
	if ((size_t)n < offsetof(struct sync_msg, text) + 1 ||
	    m->text[n - offsetof(struct sync_msg, text) - 1] != '\0') {
		errno = EBADMSG;
		return -1;
	}
	return 1;
}

/*
 * sync_recv, with the sender's pid as the receiver's pid namespace sees it
 * (SCM_CREDENTIALS; SO_PASSCRED must be on): *pid is 0 when none came.
 * flags: for recvmsg (MSG_DONTWAIT).
 */
static inline int sync_recv_pid(int fd, struct sync_msg *m, pid_t *pid, int flags)
{
	union {
		char b[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = m, .iov_len = sizeof(*m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
			     .msg_controllen = sizeof(u.b) };
	struct cmsghdr *c;
	ssize_t n;

	*pid = 0;
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | flags);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n < 0 ? -1 : 0;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
			struct ucred cr;

			memcpy(&cr, CMSG_DATA(c), sizeof(cr));
			*pid = cr.pid;
		}
	if ((size_t)n < offsetof(struct sync_msg, text) + 1 ||
	    m->text[n - offsetof(struct sync_msg, text) - 1] != '\0') {
		errno = EBADMSG;
		return -1;
	}
	return 1;
}

/* Send a message carrying one fd (SCM_RIGHTS). */
static inline int sync_send_fd(int sock, uint32_t type, int fdtosend)
{
	struct sync_msg m;

	m.type = type;
	m.value = 0;
	m.text[0] = '\0';
	return fdpass_send(sock, &m, offsetof(struct sync_msg, text) + 1, fdtosend) < 0 ? -1 : 0;
}

/* Receive a message that may carry one fd; *fdout is -1 when none came. */
static inline int sync_recv_fd(int sock, struct sync_msg *m, int *fdout)
{
	ssize_t n = fdpass_recv(sock, m, sizeof(*m), fdout);
	bool bad = n > 0 && ((size_t)n < offsetof(struct sync_msg, text) + 1 ||
			     m->text[n - offsetof(struct sync_msg, text) - 1] != '\0');

	if (n > 0 && !bad)
		return 1;
	/* no message, no fd: one sent with it is closed here */
	if (*fdout >= 0)
		close(*fdout);
	*fdout = -1;
	if (bad)
		errno = EBADMSG;
	return bad ? -1 : (int)n;
}

#endif
