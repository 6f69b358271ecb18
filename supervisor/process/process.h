/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container process, applied by the init half after the rootfs:
 * everything of .process and the per-process parts of .linux.
 */
#ifndef KURA_PROCESS_H
#define KURA_PROCESS_H

#include <stdbool.h>

#include "util/kerr.h"
#include "specs/spec.h"

/*
 * Settings of the container (create mode only; exec joins them):
 * lo up in a new network namespace, hostname, domainname, sysctl (checked against the namespaces the
 * container has), after pivot_root.
 */
int process_setup_container(const struct spec *s, struct kerr *err);

/*
 * Per-process settings that need privilege, in both modes: rlimits,
 * oom_score_adj (when the shim did not), personality, scheduler,
 * ioPriority, apparmor profile and selinux label (on exec),
 * execCPUAffinity.initial.
 */
int process_setup(const struct spec_process *p, const struct spec *s, struct kerr *err);

/*
 * The last steps, in order: the seccomp filter when it must be loaded with
 * privilege, then user (setgroups, gid, uid, keeping caps), capabilities (5
 * sets; inheritable empty unless asked), no_new_privs, umask, cwd, then the
 * seccomp filter when no_new_privs is set.  A SCMP_ACT_NOTIFY filter's fd is
 * sent to kura on sync_fd (SYNC_SECCOMP_FD) and waited for.
 * Nothing may be opened after this but the execve.
 */
int process_finalize(const struct spec_process *p, const struct spec *s, int sync_fd,
		     struct kerr *err);

/*
 * args[0] looked up in PATH of the process env (as the container sees it),
 * execCPUAffinity.final applied, then execve.  Returns only on failure.
 */
int process_exec(const struct spec_process *p, struct kerr *err);

/*
 * HOME=... added to p's env when it has none: the home of p's uid in the
 * container's /etc/passwd (read from the current root), else "/".
 */
int process_env_home(struct spec_process *p, struct kerr *err);
/* That uid's home field of an /etc/passwd text (malloc'd), or NULL. */
char *process_passwd_home(const char *passwd, uint32_t uid);

/* Known capability name ("CAP_SYS_ADMIN") -> number, or -1. */
int process_cap_from_name(const char *name);

#endif
