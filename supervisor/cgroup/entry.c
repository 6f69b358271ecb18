/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a new process needs to enter a container's cgroups by itself
 * (cgroup.h, struct cgroup_entry): the v1 `tasks` files it writes "0" to
 * and the v2 directory clone3 CLONE_INTO_CGROUP puts it in.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "util/util.h"

void cgroup_entry_close(struct cgroup_entry *e)
{
	for (int i = 0; i < e->n; i++)
		close(e->tasks[i]);
	for (int i = 0; i < e->n_rdt; i++)
		close(e->rdt_tasks[i]);
	free(e->tasks);
	free(e->dirs);
	if (e->v2_fd >= 0)
		close(e->v2_fd);
	memset(e, 0, sizeof(*e));
	e->v2_fd = -1;
}

static int entry_add(struct cgroup_entry *e, const struct cgroup_hier *h)
{
	char path[PATH_MAX];
	int fd;

	if (!*h->controllers) {
		e->v2_fd = open(h->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		return e->v2_fd;
	}
	snprintf(path, sizeof(path), "%s/tasks", h->path);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	e->dirs[e->n] = h->path;
	e->tasks[e->n++] = fd;
	return 0;
}

/* resctrl takes a task into a MON group only from its CTRL_MON group: that one first */
static int entry_rdt(const struct cgroup_rdt *g, struct cgroup_entry *e, struct kerr *err)
{
	const char *dirs[2] = { g->group, g->mon };

	for (int i = 0; i < 2 && dirs[i]; i++) {
		char path[PATH_MAX];
		int fd;

		snprintf(path, sizeof(path), "%s/tasks", dirs[i]);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return kerr_errno(err, errno, "linux.intelRdt: open %s", path);
		e->rdt_dirs[e->n_rdt] = dirs[i];
		e->rdt_tasks[e->n_rdt++] = fd;
	}
	return 0;
}

int cgroup_entry_open(const struct cgroup *cg, struct cgroup_entry *e, struct kerr *err)
{
	memset(e, 0, sizeof(*e));
	e->v2_fd = -1;
	/* the resctrl groups exist from create on, --systemd-cgroup or not */
	if (cg && cg->rdt && entry_rdt(cg->rdt, e, err) < 0) {
		cgroup_entry_close(e);
		return -1;
	}
	/* with systemd the cgroup exists once systemd made the unit */
	if (!cg || (cg->systemd && !cg->unit_started))
		return 0;
	e->tasks = calloc(cg->n ? cg->n : 1, sizeof(*e->tasks));
	e->dirs = calloc(cg->n ? cg->n : 1, sizeof(*e->dirs));
	if (!e->tasks || !e->dirs) {
		cgroup_entry_close(e);
		return kerr_errno(err, ENOMEM, "cgroup");
	}
	for (size_t i = 0; i < cg->n; i++) {
		if (entry_add(e, &cg->h[i]) < 0) {
			kerr_errno(err, errno, "join cgroup: open %s", cg->h[i].path);
			cgroup_entry_close(e);
			return -1;
		}
	}
	e->self = true;
	return 0;
}
