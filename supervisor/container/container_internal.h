/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the files of container/ only. */
#ifndef KURA_CONTAINER_INTERNAL_H
#define KURA_CONTAINER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "container.h"
#include "spawn/spawn.h"

/* config.json's text, already read, parsed: the first error names the field. */
int container_parse_config(const char *text, size_t len, struct spec *s, struct kerr *err);
/* The spec of a document container_config_doc read: its first error names the field. */
int container_parse_doc(const struct spec_doc *d, struct spec *s, struct kerr *err);

/* The first fd kura may use: past stdio, the preserved fds and LISTEN_FDS. */
int container_first_free_fd(int preserve_fds, long long *n_listen);

/* The console socket (path, or kura's own end own_fd) as an fd >= minfd. */
int container_console_fd(const char *path, int own_fd, int minfd, struct kerr *err);

/*
 * The config.json the init half gets, when it is not d's text as is: with a
 * seccomp program kura compiled (prepared), the init loads that and never
 * reads the rules, so .linux.seccomp.syscalls keeps only its SCMP_ACT_NOTIFY
 * rules (the init hands on the listener when there are some).  *text NULL:
 * the text as it is will do.
 */
int container_init_config(const struct spec_doc *d, bool prepared, char **text, size_t *len,
			  struct kerr *err);

/*
 * The init half's data fd (>= minfd): the init data line, then config.json,
 * config_text (doc's text) or the init's copy of it (container_init_config).
 */
int container_data_fd(const char *line, const struct spec_doc *doc, const char *config_text,
		      size_t config_len, bool seccomp_prepared, int minfd, struct kerr *err);

/*
 * spawn_start with the shim entering cg by itself (cgroup_entry_open): req's
 * cgroup fields are filled here; req->before_blob does what it cannot.
 */
int container_spawn(struct spawn_req *req, const struct cgroup *cg, struct spawn_result *res,
		    struct kerr *err);
/* spawn_req.before_blob: the shim enters the cgroup arg (NULL: none). */
int container_enter_cgroup(pid_t shim_pid, void *arg, struct kerr *err);

/*
 * Talk to the init half until it is READY (create) or has exec'd (exec: the
 * socket closes on execve), serving hooks and the seccomp listener.
 */
int container_serve_init(struct container *c, const struct spec *s, pid_t pid, int sync_fd,
			 bool exec_mode, struct kerr *err);

/* Send the seccomp notify fd and the container's state to .linux.seccomp.listenerPath. */
int seccomp_notify_forward(const struct container *c, const struct spec *s, int notify_fd,
			   const char *status, struct kerr *err);

#endif
