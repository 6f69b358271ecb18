/* SPDX-License-Identifier: Apache-2.0 */
/* The bootstrap blob kura-shim gets, and the id maps kura writes for it. */
#include "spawn_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/sched.h>

#include "util/util.h"

void blob_parts_free(struct blob_parts *p)
{
	free(p->uid_map);
	free(p->gid_map);
}

static char *idmap_text(const struct spec_idmap *m, size_t n, struct kerr *err)
{
	size_t cap = n * 36 + 1, len = 0;
	char *t = malloc(cap);

	if (!t) {
		kerr_errno(err, ENOMEM, "id map");
		return NULL;
	}
	t[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(t + len, cap - len, "%u %u %u\n", m[i].container_id,
					m[i].host_id, m[i].size);
	return t;
}

/*
 * Unprivileged kura may write only a one-line map of its own id; anything
 * else needs the setuid helpers (and /etc/subuid).
 */
static bool idmap_needs_helper(const struct spec_idmap *m, size_t n, uint32_t self)
{
	if (geteuid() == 0)
		return false;
	return n > 1 || (n == 1 && (m[0].size != 1 || m[0].host_id != self));
}

static const char *find_helper(const char *name)
{
	static char buf[2][PATH_MAX];
	static const char *const dirs[] = { "/usr/bin", "/bin", "/usr/sbin", "/sbin" };
	char *b = buf[strcmp(name, "newuidmap") == 0 ? 0 : 1];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(b, PATH_MAX, "%s/%s", dirs[i], name);
		if (access(b, X_OK) == 0)
			return b;
	}
	return NULL;
}

static int ns_same_as_ours(pid_t pid, const char *name, bool *same)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	if (stat(path, &a) < 0)
		return errno == ENOENT ? (*same = true, 0) : -1;
	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	if (stat(path, &b) < 0)
		return errno == ENOENT ? (*same = true, 0) : -1;
	*same = a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	return 0;
}

/* Exec mode: join every namespace of the container that is not ours, but mnt. */
static int blob_exec_joins(struct blob_parts *p, pid_t pid, struct kerr *err)
{
	uint32_t flag;

	for (size_t i = 0; (flag = bootstrap_ns_flag_at(i)) != 0; i++) {
		const char *name = bootstrap_ns_name(flag);
		bool same;

		if (flag == CLONE_NEWNS) /* the init half joins it itself */
			continue;
		if (ns_same_as_ours(pid, name, &same) < 0)
			return kerr_errno(err, errno, "namespace %s of pid %d", name, (int)pid);
		if (same)
			continue;
		snprintf(p->paths[p->b.n_join], sizeof(p->paths[0]), "/proc/%d/ns/%s", (int)pid,
			 name);
		p->b.join[p->b.n_join].type = flag;
		p->b.join[p->b.n_join].path = p->paths[p->b.n_join];
		p->b.n_join++;
	}
	return 0;
}

static int blob_create_namespaces(struct blob_parts *p, const struct spec *s,
				  struct kerr *err)
{
	const struct spec_linux *l = &s->linux_;

	if (!s->has_linux)
		return 0;
	for (size_t i = 0; i < l->n_namespaces; i++) {
		const struct spec_namespace *ns = &l->namespaces[i];
		uint32_t flag = (uint32_t)spec_ns_clone_flag(ns->type);

		if (!ns->path) {
			p->b.clone_flags |= flag;
			continue;
		}
		/* the init half joins a mount namespace path itself (spawn.h) */
		if (ns->type == SPEC_NS_MOUNT)
			continue;
		if (p->b.n_join >= BOOTSTRAP_JOIN_MAX)
			return kerr_set(err, "config.json: .linux.namespaces: too many");
		p->b.join[p->b.n_join].type = flag;
		p->b.join[p->b.n_join].path = ns->path;
		p->b.n_join++;
	}
	if (p->b.clone_flags & CLONE_NEWUSER) {
		p->uid_map = idmap_text(l->uid_mappings, l->n_uid_mappings, err);
		p->gid_map = p->uid_map ? idmap_text(l->gid_mappings, l->n_gid_mappings, err) : NULL;
		if (!p->gid_map)
			return -1;
		if (idmap_needs_helper(l->uid_mappings, l->n_uid_mappings, geteuid()) &&
		    !(p->newuidmap = find_helper("newuidmap")))
			return kerr_set(err, "uid mappings beyond kura's own uid need "
					     "newuidmap (uidmap package)");
		if (idmap_needs_helper(l->gid_mappings, l->n_gid_mappings, getegid()) &&
		    !(p->newgidmap = find_helper("newgidmap")))
			return kerr_set(err, "gid mappings beyond kura's own gid need "
					     "newgidmap (uidmap package)");
		/* the kernel lets an unprivileged writer set gid_map only so */
		p->setgroups_deny = geteuid() != 0 && !p->newgidmap;
	}
	if (p->b.clone_flags & CLONE_NEWTIME) {
		if (l->time_monotonic.present)
			p->b.time_monotonic = (struct bootstrap_time){
				true, l->time_monotonic.secs, l->time_monotonic.nanosecs };
		if (l->time_boottime.present)
			p->b.time_boottime = (struct bootstrap_time){
				true, l->time_boottime.secs, l->time_boottime.nanosecs };
	}
	return 0;
}

int blob_build(struct blob_parts *p, const struct spawn_req *req, int init_fd,
		      struct kerr *err)
{
	char why[256];

	memset(p, 0, sizeof(*p));
	p->b.mode = req->mode == SPAWN_EXEC ? BOOTSTRAP_MODE_EXEC : BOOTSTRAP_MODE_CREATE;
	p->b.init_fd = init_fd;
	p->b.data_fd = req->data_fd;
	p->b.has_oom_score_adj = req->has_oom_score_adj;
	p->b.oom_score_adj = req->oom_score_adj;
	if (req->mode == SPAWN_EXEC) {
		if (blob_exec_joins(p, req->join_pid, err) < 0)
			return -1;
	} else if (req->spec && blob_create_namespaces(p, req->spec, err) < 0) {
		return -1;
	}
	/* The decoder's rules, checked here so the user reads them from kura. */
	if (bootstrap_check(&p->b, why, sizeof(why)) < 0)
		return kerr_set(err, "%s", why);
	return 0;
}

/* ---- id maps ---- */

static int run_idmap_helper(const char *helper, pid_t pid, const struct spec_idmap *m,
			    size_t n, struct kerr *err)
{
	char **argv = calloc(3 * n + 3, sizeof(char *));
	char *nums = malloc((3 * n + 1) * 12);
	size_t k = 0;
	int r;

	if (!argv || !nums) {
		free(argv);
		free(nums);
		return kerr_errno(err, ENOMEM, "%s", helper);
	}
	argv[k++] = (char *)helper;
	snprintf(nums, 12, "%d", (int)pid);
	argv[k++] = nums;
	for (size_t i = 0; i < n; i++) {
		uint32_t v[3] = { m[i].container_id, m[i].host_id, m[i].size };

		for (int j = 0; j < 3; j++) {
			char *slot = nums + 12 * (3 * i + (size_t)j + 1);

			snprintf(slot, 12, "%u", v[j]);
			argv[k++] = slot;
		}
	}
	argv[k] = NULL;
	r = util_run(helper, argv, NULL, err);
	free(argv);
	free(nums);
	return r < 0 ? kerr_wrap(err, "%s %d", helper, (int)pid) : 0;
}

static int write_proc(pid_t pid, const char *file, const char *text, struct kerr *err)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	if (util_write_file(path, text, strlen(text), err) < 0)
		return kerr_wrap(err, "write %s", file);
	return 0;
}

int spawn_map_ids(const struct blob_parts *p, const struct spec *s, pid_t pid,
			 struct kerr *err)
{
	const struct spec_linux *l = &s->linux_;

	if (p->setgroups_deny && write_proc(pid, "setgroups", "deny", err) < 0)
		return -1;
	if (p->newuidmap) {
		if (run_idmap_helper(p->newuidmap, pid, l->uid_mappings, l->n_uid_mappings, err) < 0)
			return -1;
	} else if (p->uid_map[0] && write_proc(pid, "uid_map", p->uid_map, err) < 0) {
		return -1;
	}
	if (p->newgidmap) {
		if (run_idmap_helper(p->newgidmap, pid, l->gid_mappings, l->n_gid_mappings, err) < 0)
			return -1;
	} else if (p->gid_map[0] && write_proc(pid, "gid_map", p->gid_map, err) < 0) {
		return -1;
	}
	return 0;
}

