/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the files of supervisor/process/ only. */
#ifndef KURA_PROCESS_INTERNAL_H
#define KURA_PROCESS_INTERNAL_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/kerr.h"
#include "specs/spec.h"

/*
 * Open path (relative to /proc, e.g. "sys/net/ipv4/ip_forward") only if it
 * really is a procfs file: the rootfs may have mounted something over /proc
 * or a path below it to redirect our writes (CVE-2019-16884).
 */
int proc_open_file(const char *relpath, int flags, struct kerr *err);
/* Write value to a verified procfs file. */
int proc_write_file(const char *relpath, const char *value, struct kerr *err);

/* "0-3,7" -> a CPU_ALLOC'd set (*setsize bytes); NULL with *err on error. */
cpu_set_t *affinity_parse(const char *list, size_t *setsize, struct kerr *err);
/* sched_setaffinity(0, list); field names the spec field in messages. */
int affinity_apply(const char *list, const char *field, struct kerr *err);

/* setgroups, setresgid, setresuid; keep_caps: permitted survives (PR_SET_KEEPCAPS). */
int user_apply(const struct spec_user *u, bool keep_caps, struct kerr *err);

/*
 * Resolve args[0] (PATH of the process env) now, while errors can still be
 * reported at create time; process_exec() uses the result.
 */
int exec_resolve(const struct spec_process *p, struct kerr *err);

#endif
