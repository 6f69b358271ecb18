/* SPDX-License-Identifier: Apache-2.0 */
/* .linux.seccomp compiled with libseccomp, and loaded. */
#ifndef KURA_PROCESS_SECCOMP_H
#define KURA_PROCESS_SECCOMP_H

#include <seccomp.h>
#include <stdbool.h>

#include "util/kerr.h"
#include "specs/spec.h"

/*
 * Compile s into a filter context (not loaded): *out is the caller's to
 * seccomp_release().  Unknown syscall names are skipped, as runc does; a
 * rule whose action equals the default action is skipped (libseccomp
 * refuses it).  Errors name the field: ".linux.seccomp.syscalls[3]: ...".
 */
int seccomp_build(const struct spec_seccomp *s, scmp_filter_ctx *out, struct kerr *err);

/* Whether a rule or the default action is SCMP_ACT_NOTIFY. */
bool seccomp_uses_notify(const struct spec_seccomp *s);

/* Compile to the BPF program seccomp(2) takes (*bpf: malloc'ed sock_filters). */
int seccomp_compile(const struct spec_seccomp *s, void **bpf, size_t *len, struct kerr *err);

/* In the init half: the memfd of the program kura compiled; seccomp_apply loads it. */
void seccomp_use_prepared(int fd);

/*
 * Build (or take the prepared program) and load with seccomp(2).  With SCMP_ACT_NOTIFY the listener fd goes to kura on
 * sync_fd (SYNC_SECCOMP_FD) and this waits for SYNC_SECCOMP_DONE.
 */
int seccomp_apply(const struct spec_seccomp *s, int sync_fd, struct kerr *err);

#endif
