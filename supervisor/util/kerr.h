/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One error value travels up a call chain; each layer adds where it was.
 *
 *   if (mount_proc(rootfd, m, err) < 0)
 *           return kerr_wrap(err, "mount %s", m->destination);
 *
 * Library code never logs: the caller decides.  Functions return 0 (or a
 * non-negative value) on success and -1 with *err set on failure.
 */
#ifndef KURA_KERR_H
#define KURA_KERR_H

#include <errno.h>
#include <stdarg.h>

#define KERR_MAX 2048

struct kerr {
	int errnum; /* the errno behind the first failure, 0 if none */
	char msg[KERR_MAX];
};

/* Set *err to the formatted message; returns -1. */
int kerr_set(struct kerr *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Like kerr_set, appending ": strerror(errnum)"; returns -1. */
int kerr_errno(struct kerr *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefix "ctx: " to the message already in *err; returns -1. */
int kerr_wrap(struct kerr *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void kerr_clear(struct kerr *err);

#endif
