/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Idmapped bind mounts: detached clones of the sources, idmapped with the
 * mount's own mappings or the container's, made by the supervisor on the
 * host (rootfs_idmap_prepare) and attached by the init half.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include <linux/mount.h>

#include "rootfs_internal.h"
#include "util/util.h"

bool rootfs_wants_idmap(const struct spec_mount *m, const struct mount_opts *mo)
{
	return mo->idmap || mo->ridmap || m->n_uid_mappings || m->n_gid_mappings;
}

int rootfs_bind_tree(const struct spec_mount *m, const struct mount_opts *mo,
		     const struct spec_linux *lx, int *shared_ns, int srcdfd, const char *src,
		     bool recursive, struct kerr *err)
{
	_cleanup_close_ int tree = mntfd_clone(srcdfd, src, recursive, err);
	_cleanup_close_ int own_ns = -1;
	int userns;

	if (tree < 0)
		return -1;
	if (!rootfs_wants_idmap(m, mo))
		return take_fd(&tree);
	if ((m->n_uid_mappings || m->n_gid_mappings) || !lx || !shared_ns) {
		userns = own_ns = mntfd_userns(m, err);
	} else {
		/* no mappings of its own: the container's user namespace's */
		if (*shared_ns < 0) {
			struct spec_mount own = *m;

			own.uid_mappings = lx->uid_mappings;
			own.n_uid_mappings = lx->n_uid_mappings;
			own.gid_mappings = lx->gid_mappings;
			own.n_gid_mappings = lx->n_gid_mappings;
			*shared_ns = mntfd_userns(&own, err);
		}
		userns = *shared_ns;
	}
	if (userns < 0)
		return -1;
	if (mntfd_setattr(tree, mo->ridmap, MOUNT_ATTR_IDMAP, 0, userns, err) < 0)
		return kerr_wrap(err, "idmap");
	return take_fd(&tree);
}

void rootfs_idmap_close(int *fds, size_t n)
{
	for (size_t i = 0; fds && i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}

/* Whether a mount names idmap, ridmap or mappings, before parsing any options. */
static bool any_asks_idmap(const struct spec *s)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];

		if (m->n_uid_mappings || m->n_gid_mappings)
			return true;
		for (size_t k = 0; k < m->options.n; k++)
			if (strcmp(m->options.v[k], "idmap") == 0 || strcmp(m->options.v[k], "ridmap") == 0)
				return true;
	}
	return false;
}

int rootfs_idmap_prepare(const struct spec *s, const char *bundle, int **fds,
			 struct kerr *err)
{
	_cleanup_close_ int bdir = -1;
	_cleanup_close_ int shared_ns = -1; /* the container's mappings, made once */
	int made = 0;
	int *v;

	*fds = NULL;
	if (!any_asks_idmap(s))
		return 0; /* the usual case: not even the options are parsed */
	v = malloc((s->n_mounts + 1) * sizeof(*v));
	if (!v)
		return kerr_errno(err, ENOMEM, "idmap");
	for (size_t i = 0; i < s->n_mounts; i++)
		v[i] = -1;
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct spec_mount *m = &s->mounts[i];
		struct mount_opts mo;
		int dfd = AT_FDCWD;
		bool bind;

		if (mountopts_parse(&m->options, &mo, err) < 0)
			goto fail;
		bind = (mo.flags & MS_BIND) || (m->type && strcmp(m->type, "bind") == 0);
		if (!bind || !rootfs_wants_idmap(m, &mo) || !m->source) {
			mountopts_free(&mo);
			continue;
		}
		/* runc runs from the bundle: a relative source is the bundle's */
		if (m->source[0] != '/' && bundle) {
			if (bdir < 0 && (bdir = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
				kerr_errno(err, errno, "open bundle %s", bundle);
				mountopts_free(&mo);
				goto fail;
			}
			dfd = bdir;
		}
		v[i] = rootfs_bind_tree(m, &mo, s->has_linux ? &s->linux_ : NULL, &shared_ns, dfd,
				 m->source, (mo.flags & MS_REC) != 0, err);
		mountopts_free(&mo);
		if (v[i] < 0) {
			kerr_wrap(err, "mount %s", m->destination ? m->destination : m->source);
			goto fail;
		}
		made++;
	}
	if (made == 0) {
		free(v);
		return 0;
	}
	*fds = v;
	return made;
fail:
	rootfs_idmap_close(v, s->n_mounts);
	return -1;
}
