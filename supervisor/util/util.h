/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers every module uses: cleanup attributes, fd ownership, files. */
#ifndef KURA_UTIL_H
#define KURA_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "kerr.h"

static inline void util_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}
static inline void util_freep(void *p)
{
	free(*(void **)p);
}

#define _cleanup_close_ __attribute__((cleanup(util_closep)))
#define _cleanup_free_ __attribute__((cleanup(util_freep)))

/* Ownership leaves the variable; its cleanup then sees -1 / NULL. */
static inline int take_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}
#define take_ptr(p) ({ __typeof__(p) _t = (p); (p) = NULL; _t; })

/* Read a whole file (NUL-terminated; *len without the NUL). */
char *util_read_file(const char *path, size_t *len, struct kerr *err);
char *util_read_fd(int fd, size_t *len, struct kerr *err);
/* Write all of buf to path (O_WRONLY|O_CLOEXEC, no create). */
int util_write_file(const char *path, const char *buf, size_t len, struct kerr *err);
/* Write path atomically: tmp file in the same dir + rename; mode for the new file. */
int util_write_atomic(const char *path, const char *buf, size_t len, mode_t mode,
		      struct kerr *err);
/*
 * A helper program kura ships (kura-shim, kura-systemd): next to
 * /proc/self/exe first (a build tree), then LIBEXECDIR/kura.
 */
int util_find_libexec(const char *name, char *buf, size_t len, struct kerr *err);
/*
 * Run a helper program (argv[0] included) and wait for it: 0 when it exits
 * 0, else -1 with err its stderr (first 1 KiB) or its exit status.
 * *exit_status (may be NULL): the status once it ran (128 + signal if killed).
 */
int util_run(const char *path, char *const argv[], int *exit_status, struct kerr *err);
/* mkdir -p; existing directories are fine. */
int util_mkdir_p(const char *path, mode_t mode, struct kerr *err);
/* write(2) until done, retrying EINTR. */
int util_write_all(int fd, const void *buf, size_t len);
/*
 * Strict decimal parsing of a whole string: an optional '-', then digits;
 * no leading whitespace, no '+', nothing after, no overflow.
 */
int util_parse_long(const char *s, long long *out);
/*
 * Strict unsigned decimal: digits only (no sign, no whitespace, no "0x"),
 * the whole string, at most max.  0 with *out set, or -1.
 */
int util_parse_udec(const char *s, unsigned long long max, unsigned long long *out);
/*
 * A uid or gid as a user gives it (exec --user, --additional-gids):
 * strict decimal, 0..UTIL_ID_MAX.  (uid_t)-1 = 4294967295 is refused: to
 * setresuid/setresgid it means "leave unchanged", never an id.
 */
#define UTIL_ID_MAX 4294967294ULL
int util_parse_id(const char *s, uint32_t *out);
/*
 * "UID" or "UID:GID", both parts util_parse_id: 0 with *uid set, and *gid
 * and *has_gid (*has_gid false and *gid untouched without ":GID"), or -1.
 */
int util_parse_uid_gid(const char *s, uint32_t *uid, uint32_t *gid, bool *has_gid);

/* Move fd to a number >= min (CLOEXEC); the old fd is closed even on failure (-1). */
int fd_move_above(int fd, int min);
/* RFC 3339 UTC timestamp with nanoseconds, as Go's time.RFC3339Nano; malloc'd. */
char *util_now_rfc3339(void);
/* Write --pid-file: digits only, no newline, atomically. */
int util_write_pid_file(const char *path, pid_t pid, struct kerr *err);

#endif
