/* SPDX-License-Identifier: Apache-2.0 */
/* .linux.seccomp compiled by the supervisor, cached under the state root. */
#ifndef KURA_SECCOMP_CACHE_H
#define KURA_SECCOMP_CACHE_H

#include <stddef.h>

#include "util/kerr.h"
#include "specs/spec.h"

/*
 * *out: a sealed memfd (above minfd) of the BPF program for the config's
 * seccomp profile, for the init half to load; -1 when there is none.
 */
int seccomp_prepare(const struct spec *s, const char *root, int minfd, int *out,
		    struct kerr *err);

#endif
