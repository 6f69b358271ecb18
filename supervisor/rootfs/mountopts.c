/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mount options of .mounts[].options, as one sorted table.  An option
 * the table does not know is a filesystem data option (size=, mode=,
 * newinstance...) passed through to mount(2), as runc does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "rootfs_internal.h"

#define F(n, c, f) { n, MOUNTOPT_FLAG, c, f, 0 }
#define P(n, f) { n, MOUNTOPT_PROPAGATION, false, f, 0 }
#define R(n, c, a) { n, MOUNTOPT_RECURSIVE, c, 0, a }

/* Sorted by name (strcmp): looked up with bsearch. */
static const struct mountopt mountopt_table[] = {
	F("async", true, MS_SYNCHRONOUS),
	F("atime", true, MS_NOATIME),
	F("bind", false, MS_BIND),
	F("defaults", false, 0),
	F("dev", true, MS_NODEV),
	F("diratime", true, MS_NODIRATIME),
	F("dirsync", false, MS_DIRSYNC),
	F("exec", true, MS_NOEXEC),
	{ "idmap", MOUNTOPT_IDMAP, false, 0, 0 },
	F("iversion", false, MS_I_VERSION),
	F("lazytime", false, MS_LAZYTIME),
	F("loud", true, MS_SILENT),
	F("mand", false, MS_MANDLOCK),
	F("noatime", false, MS_NOATIME),
	F("nodev", false, MS_NODEV),
	F("nodiratime", false, MS_NODIRATIME),
	F("noexec", false, MS_NOEXEC),
	F("noiversion", true, MS_I_VERSION),
	F("nolazytime", true, MS_LAZYTIME),
	F("nomand", true, MS_MANDLOCK),
	F("norelatime", true, MS_RELATIME),
	F("nostrictatime", true, MS_STRICTATIME),
	F("nosuid", false, MS_NOSUID),
	F("nosymfollow", false, MS_NOSYMFOLLOW),
	P("private", MS_PRIVATE),
	R("ratime", true, MOUNT_ATTR_NOATIME),
	F("rbind", false, MS_BIND | MS_REC),
	R("rdev", true, MOUNT_ATTR_NODEV),
	R("rdiratime", true, MOUNT_ATTR_NODIRATIME),
	F("relatime", false, MS_RELATIME),
	F("remount", false, MS_REMOUNT),
	R("rexec", true, MOUNT_ATTR_NOEXEC),
	{ "ridmap", MOUNTOPT_RIDMAP, false, 0, 0 },
	R("rnoatime", false, MOUNT_ATTR_NOATIME),
	R("rnodev", false, MOUNT_ATTR_NODEV),
	R("rnodiratime", false, MOUNT_ATTR_NODIRATIME),
	R("rnoexec", false, MOUNT_ATTR_NOEXEC),
	R("rnorelatime", true, MOUNT_ATTR_RELATIME),
	R("rnostrictatime", true, MOUNT_ATTR_STRICTATIME),
	R("rnosuid", false, MOUNT_ATTR_NOSUID),
	R("rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW),
	F("ro", false, MS_RDONLY),
	P("rprivate", MS_PRIVATE | MS_REC),
	R("rrelatime", false, MOUNT_ATTR_RELATIME),
	R("rro", false, MOUNT_ATTR_RDONLY),
	R("rrw", true, MOUNT_ATTR_RDONLY),
	P("rshared", MS_SHARED | MS_REC),
	P("rslave", MS_SLAVE | MS_REC),
	R("rstrictatime", false, MOUNT_ATTR_STRICTATIME),
	R("rsuid", true, MOUNT_ATTR_NOSUID),
	R("rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW),
	P("runbindable", MS_UNBINDABLE | MS_REC),
	F("rw", true, MS_RDONLY),
	P("shared", MS_SHARED),
	F("silent", false, MS_SILENT),
	P("slave", MS_SLAVE),
	F("strictatime", false, MS_STRICTATIME),
	F("suid", true, MS_NOSUID),
	F("symfollow", true, MS_NOSYMFOLLOW),
	F("sync", false, MS_SYNCHRONOUS),
	{ "tmpcopyup", MOUNTOPT_TMPCOPYUP, false, 0, 0 },
	P("unbindable", MS_UNBINDABLE),
};

static int mountopt_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct mountopt *)elem)->name);
}

const struct mountopt *mountopt_lookup(const char *name)
{
	return bsearch(name, mountopt_table,
		       sizeof(mountopt_table) / sizeof(mountopt_table[0]),
		       sizeof(mountopt_table[0]), mountopt_cmp);
}

/*
 * The atime modes are one field of struct mount_attr, not bits: setting
 * one must clear the whole field (the kernel refuses otherwise), and
 * clearing one leaves the default, relatime.
 */
static void rec_attr_apply(struct mount_opts *o, const struct mountopt *e)
{
	bool atime = e->attr == MOUNT_ATTR_NOATIME || e->attr == MOUNT_ATTR_STRICTATIME ||
		     e->attr == MOUNT_ATTR_RELATIME;

	if (atime) {
		o->rec_clr |= MOUNT_ATTR__ATIME;
		o->rec_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
		if (!e->clear)
			o->rec_set |= e->attr;
		return;
	}
	if (e->clear) {
		o->rec_set &= ~e->attr;
		o->rec_clr |= e->attr;
	} else {
		o->rec_set |= e->attr;
		o->rec_clr &= ~e->attr;
	}
}

static int data_append(struct mount_opts *o, const char *opt, struct kerr *err)
{
	size_t old = o->data ? strlen(o->data) : 0;
	size_t add = strlen(opt);
	char *d = realloc(o->data, old + add + 2);

	if (!d)
		return kerr_errno(err, ENOMEM, "mount options");
	if (old)
		d[old++] = ',';
	memcpy(d + old, opt, add + 1);
	o->data = d;
	return 0;
}

int mountopts_parse(const struct spec_strv *options, struct mount_opts *out,
		    struct kerr *err)
{
	struct mount_opts o;

	memset(&o, 0, sizeof(o));
	for (size_t i = 0; i < options->n; i++) {
		const char *name = options->v[i];
		const struct mountopt *e = mountopt_lookup(name);

		if (!e) {
			if (name[0] == '\0')
				continue;
			if (data_append(&o, name, err) < 0)
				goto fail;
			continue;
		}
		switch (e->kind) {
		case MOUNTOPT_FLAG:
			/* later options win: "ro,rw" is rw */
			if (e->clear) {
				o.flags &= ~e->flag;
				o.cleared |= e->flag;
			} else {
				o.flags |= e->flag;
				o.cleared &= ~e->flag;
			}
			break;
		case MOUNTOPT_PROPAGATION:
			if (o.n_propagation == MOUNTOPTS_MAX_PROPAGATION) {
				kerr_set(err, "too many propagation options");
				goto fail;
			}
			o.propagation[o.n_propagation++] = e->flag;
			break;
		case MOUNTOPT_RECURSIVE:
			rec_attr_apply(&o, e);
			break;
		case MOUNTOPT_IDMAP:
			o.idmap = true;
			break;
		case MOUNTOPT_RIDMAP:
			o.ridmap = true;
			break;
		case MOUNTOPT_TMPCOPYUP:
			o.tmpcopyup = true;
			break;
		default:
			break;
		}
	}
	*out = o;
	return 0;
fail:
	free(o.data);
	return -1;
}

void mountopts_free(struct mount_opts *o)
{
	free(o->data);
	o->data = NULL;
}
