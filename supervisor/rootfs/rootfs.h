/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's filesystem, built by the init half inside its new mount
 * namespace.  Nothing under the rootfs is trusted: every destination is
 * resolved with openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS) (or a safe
 * walk) and mounted through /proc/self/fd/N.
 */
#ifndef KURA_ROOTFS_H
#define KURA_ROOTFS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/kerr.h"
#include "specs/spec.h"

struct rootfs_cgroup_v1 {
	const char *controller; /* "memory", "cpu,cpuacct", "name=systemd" */
	const char *host_path;  /* the container's own cgroup on the host */
};

struct rootfs_opts {
	const struct spec *spec;
	const char *rootfs;          /* absolute host path of root.path */
	const char *bundle;          /* relative bind sources are under it (runc); NULL: cwd */
	bool no_pivot;               /* --no-pivot: MS_MOVE + chroot */
	/*
	 * No mount namespace of its own: the caller's is the container's.
	 * "/" keeps its propagation and is never pivoted or moved (that would
	 * re-root the host): a chroot, as runc does.  The mounts made under the
	 * rootfs stay in that namespace until `delete` detaches them.
	 */
	bool shared_mntns;
	bool new_userns;             /* devices are bind-mounted, not mknod'ed */
	bool new_netns;              /* sysfs: a real mount; else an rbind of /sys */
	bool new_cgroupns;
	const struct rootfs_cgroup_v1 *cgroups_v1; /* for "cgroup" mounts on v1 */
	size_t n_cgroups_v1;
	bool cgroup_v2;              /* unified hierarchy only */
	/*
	 * Per .mounts entry, the idmapped tree kura made for it on the host
	 * (rootfs_idmap_prepare), or -1; NULL when there are none.
	 */
	const int *idmap_fds;
	/* with new_userns: the tree of nodes kura made (rootfs_devices_tree), or -1 */
	int dev_nodes_fd;
};

/*
 * In the supervisor, as root of the host, for a container with a user
 * namespace: a detached tmpfs (nosuid, noexec) holding every device node
 * the container gets (the defaults and linux.devices, named by their place
 * in that order), owned by the host ids of their owners in the container.
 * Inside the user namespace the init may not mknod; it binds each node from
 * here, so a node need not exist on the host.  Returns its fd.
 */
int rootfs_devices_tree(const struct spec *s, struct kerr *err);
/* true unless .mounts bind-mounts something onto /dev (then it is the user's). */
bool devices_needed(const struct spec *s);

/*
 * In the supervisor, as root of the host: the detached, idmapped trees of
 * the bind mounts that ask for one ("idmap", "ridmap", uidMappings), made
 * before the container exists.  Inside a user namespace the init could not
 * make them: idmapping a host filesystem needs CAP_SYS_ADMIN over it.  A
 * mount with no mappings of its own takes the container's.  *fds gets one
 * entry per mount (-1: none), or NULL when none was made; returns how many.
 */
int rootfs_idmap_prepare(const struct spec *s, const char *bundle, int **fds,
			 struct kerr *err);
void rootfs_idmap_close(int *fds, size_t n);

/*
 * Before pivot_root: rootfsPropagation, the bind of root.path onto itself,
 * every mount of .mounts in order, the default and spec devices, /dev links.
 * Runs in the container's mount namespace; host paths still visible.
 */
int rootfs_prepare(const struct rootfs_opts *o, struct kerr *err);

/*
 * pivot_root (or MS_MOVE + chroot), old root detached.  After it "/" is
 * the container's root; the caller writes the sysctls, then runs
 * rootfs_finalize() (runc's order: /proc/sys turns read-only there).
 */
int rootfs_pivot(const struct rootfs_opts *o, struct kerr *err);

/*
 * After pivot: readonlyPaths, maskedPaths, a read-only /dev when its mount
 * asked for "ro", root.readonly.
 */
int rootfs_finalize(const struct rootfs_opts *o, struct kerr *err);

/*
 * For a container without a mount namespace of its own (shared_mntns):
 * detach the rootfs bind and every mount under it from the caller's
 * namespace (one umount2 MNT_DETACH: the engine's own mount below stays).
 */
int rootfs_detach(const char *rootfs);
/* The id of the mount at rootfs (statx STATX_MNT_ID), 0 when unknown. */
uint64_t rootfs_mount_id(const char *rootfs);

/* /dev/console bound onto the pty slave (terminal: true), after pivot. */
int rootfs_bind_console(const char *slave_path, struct kerr *err);

#endif
