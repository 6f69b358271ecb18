/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What `kura create` of a parsed config would meet on this host, asked
 * before anything is made: `kura check` reports every problem, create
 * stops at the first.  Each message names the config field at fault.
 */
#ifndef KURA_PREFLIGHT_H
#define KURA_PREFLIGHT_H

#include <stddef.h>

#include "util/kerr.h"
#include "specs/spec.h"

/*
 * .linux.namespaces[i].path is a namespace file of the entry's type
 * (NS_GET_NSTYPE): setns would otherwise fail later with EINVAL and no
 * field named.  0 when the entry has no path.
 */
int preflight_namespace_path(const struct spec *s, size_t i, struct kerr *err);

/* A user who is not root needs a config with a user namespace (kura spec --rootless). */
int preflight_privilege(const struct spec *s, struct kerr *err);

/* Both, for every namespace: what create calls once the config parsed. */
int preflight_create(const struct spec *s, struct kerr *err);

/*
 * .process.args[0] found in the rootfs (not yet mounted: the image itself)
 * as the init half will look it up: a path with a slash as is (relative to
 * .process.cwd), a name in each directory of the process's PATH.  Paths
 * under a mount's destination are not judged: the mount may provide them.
 */
int preflight_exec(const struct spec *s, const char *rootfs, struct kerr *err);

#endif
