/* SPDX-License-Identifier: Apache-2.0 */
/* What the files of supervisor/rootfs/ share; not an interface for others. */
#ifndef KURA_ROOTFS_INTERNAL_H
#define KURA_ROOTFS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/kerr.h"
#include "rootfs.h"
#include "specs/spec.h"

/* ---- mountopts.c: the option table ---- */

enum mountopt_kind {
	MOUNTOPT_FLAG,        /* MS_* set or cleared on the mount(2) call */
	MOUNTOPT_PROPAGATION, /* MS_SHARED/... applied after the mount */
	MOUNTOPT_RECURSIVE,   /* MOUNT_ATTR_* through mount_setattr(AT_RECURSIVE) */
	MOUNTOPT_IDMAP,
	MOUNTOPT_RIDMAP,
	MOUNTOPT_TMPCOPYUP,
};

struct mountopt {
	const char *name;
	enum mountopt_kind kind;
	bool clear;          /* "rw", "suid", "rrw": take the flag away */
	unsigned long flag;  /* MS_* (FLAG, PROPAGATION) */
	uint64_t attr;       /* MOUNT_ATTR_* (RECURSIVE) */
};

#define MOUNTOPTS_MAX_PROPAGATION 8

struct mount_opts {
	unsigned long flags;   /* MS_* for mount(2) */
	unsigned long cleared; /* MS_* an option asked to clear */
	unsigned long propagation[MOUNTOPTS_MAX_PROPAGATION];
	size_t n_propagation;
	uint64_t rec_set, rec_clr; /* struct mount_attr, AT_RECURSIVE */
	bool idmap, ridmap, tmpcopyup;
	char *data; /* unknown options, comma-joined, for mount(2); NULL if none */
};

/* The table entry of an option name, or NULL: it is then a data option. */
const struct mountopt *mountopt_lookup(const char *name);
int mountopts_parse(const struct spec_strv *options, struct mount_opts *out,
		    struct kerr *err);
void mountopts_free(struct mount_opts *o);

/* ---- pathres.c: paths inside the rootfs, never out of it ---- */

#define PATHRES_NO_SYMLINKS 0x1 /* any symlink on the way is an error (ELOOP) */

/* "a//b/../c/." -> "/a/c": absolute, no ".", "..", "//"; malloc'd. */
char *pathres_clean(const char *path);
/*
 * Open path inside rootfd as if rootfd were "/" (symlinks cannot leave it,
 * magic links refused).  oflags may add O_DIRECTORY, O_NOFOLLOW; the fd is
 * O_PATH|O_CLOEXEC.  -1 with err (err->errnum ENOENT when missing).
 */
int pathres_open(int rootfd, const char *path, int oflags, unsigned flags,
		 struct kerr *err);
/* mkdir -p inside rootfd; returns an O_PATH fd of the directory. */
int pathres_mkdir_all(int rootfd, const char *path, mode_t mode, unsigned flags,
		      struct kerr *err);
/*
 * The parents made and an empty file made if nothing is there; a dangling
 * symlink gets its target made (inside the root), as runc and crun do.
 * O_PATH fd.
 */
int pathres_create_file(int rootfd, const char *path, mode_t mode, struct kerr *err);

/* ---- mntfd.c: mounts through file descriptors ---- */

/* "/proc/self/fd/N" into buf. */
const char *mntfd_path(int fd, char buf[static 32]);
/* A detached copy of the tree at dfd/path (path "" = dfd itself). */
int mntfd_clone(int dfd, const char *path, bool recursive, struct kerr *err);
/* Attach a detached tree onto the (verified) target fd. */
int mntfd_attach(int treefd, int targetfd, struct kerr *err);
/*
 * The bind-mount remount: MS_BIND|MS_REMOUNT|flags on the mount of fd; on
 * EPERM again keeping the flags the kernel locked on the source.
 */
int mntfd_remount_bind(int fd, unsigned long flags, struct kerr *err);
int mntfd_set_propagation(int fd, const struct mount_opts *mo, struct kerr *err);
/* MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC as MOUNT_ATTR_* bits. */
uint64_t mntfd_attr_from_ms(unsigned long ms);
int mntfd_setattr(int fd, bool recursive, uint64_t set, uint64_t clr, int userns_fd,
		  struct kerr *err);
/* A user namespace holding the given maps, as an fd (for MOUNT_ATTR_IDMAP). */
int mntfd_userns(const struct spec_mount *m, struct kerr *err);
/* Copy the contents of directory src into directory dst (tmpcopyup). */
int mntfd_copy_tree(int srcdirfd, int dstdirfd, struct kerr *err);

/* ---- devices.c ---- */

int devices_setup(const struct rootfs_opts *o, int rootfd, struct kerr *err);

/* ---- masked.c ---- */

int masked_paths_apply(int rootfd, const struct spec_strv *paths, struct kerr *err);
int readonly_paths_apply(int rootfd, const struct spec_strv *paths, struct kerr *err);

/* idmap.c: whether a mount asks for an idmapped tree (idmap, ridmap, mappings). */
bool rootfs_wants_idmap(const struct spec_mount *m, const struct mount_opts *mo);
/*
 * idmap.c: a detached clone of src (under srcdfd), idmapped when the mount
 * asks for it.  *shared_ns: the user namespace with the container's
 * mappings, made on the first mount that has none of its own and kept for
 * the next (the caller closes it); NULL: none to fall back on.
 */
int rootfs_bind_tree(const struct spec_mount *m, const struct mount_opts *mo,
		     const struct spec_linux *lx, int *shared_ns, int srcdfd, const char *src,
		     bool recursive, struct kerr *err);

#endif
