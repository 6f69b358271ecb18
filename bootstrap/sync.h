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
 *   -> PID             value = host pid of the init (or, in exec mode, of the
 *                      joined child); the shim then exits 0
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
