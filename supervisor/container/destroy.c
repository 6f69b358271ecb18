/* SPDX-License-Identifier: Apache-2.0 */
/* Kill a container and remove it: its hooks, mounts, cgroups and state dir. */
#include "container_internal.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "hooks.h"
#include "util/log.h"
#include "rootfs/rootfs.h"
#include "util/testpause.h"
#include "util/backoff.h"
#include "util/util.h"

/* SIGKILL what is left in the cgroup (nothing to do when nobody is). */
static void cgroup_kill_remaining(const struct cgroup *cg)
{
	struct kerr e2;

	(void)cgroup_kill_all(cg, SIGKILL, &e2);
}

/*
 * Without a pidfd (pidfd_open refused, or the poll cut short): /proc/PID/stat
 * until the init is gone, 1 s as the 100 x 10 ms this slept were, paced by
 * backoff (0.5 ms doubling to 8 ms).
 */
static bool init_gone_polled(const struct container *c)
{
	struct backoff b;

	backoff_start(&b, 1000);
	while (state_init_alive(c))
		if (!backoff_sleep(&b))
			return false;
	return true;
}

int container_kill_wait(struct container *c, struct kerr *err)
{
	_cleanup_close_ int pidfd = -1;

	if (c->cg)
		cgroup_kill_remaining(c->cg);
	if (!state_init_alive(c))
		return 0;
	pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	if (kill(c->pid, SIGKILL) < 0 && errno != ESRCH)
		return kerr_errno(err, errno, "kill %d", (int)c->pid);
	if (pidfd >= 0) {
		/* readable once the init has exited */
		struct pollfd p = { .fd = pidfd, .events = POLLIN };

		(void)poll(&p, 1, 10000);
	}
	/* the init may be our child (run): reap it so it is not a zombie */
	(void)waitpid(c->pid, NULL, WNOHANG);
	if (!init_gone_polled(c))
		return kerr_set(err, "container init %d did not die", (int)c->pid);
	return 0;
}

int container_destroy(struct container *c, const struct spec *known, struct kerr *err)
{
	struct spec loaded;
	const struct spec *s = known;
	struct kerr e2;

	if (!s && c->bundle && container_load_spec(c, &loaded, &e2) == 0)
		s = &loaded;
	if (s) {
		_cleanup_free_ char *state = container_state_text(c, "stopped");

		/*
		 * A failing poststop hook is a warning; the others still run.
		 * A create killed half-way never became a container: as for a
		 * create that failed, no poststop hooks.
		 */
		if (!c->creating && hooks_run_all(&s->hooks.poststop, "poststop", state, &e2) < 0)
			log_warn("%s", e2.msg);
		/*
		 * Without a mount namespace of its own the container's mounts
		 * were made in ours, under the rootfs: detach them all, when
		 * the top mount there is the init's bind (not the engine's
		 * own mount an init that died early left on top).
		 */
		if (!spec_find_ns(s, SPEC_NS_MOUNT) && c->rootfs &&
		    (!c->rootfs_mnt || rootfs_mount_id(c->rootfs) != c->rootfs_mnt))
			(void)rootfs_detach(c->rootfs);
		if (s == &loaded)
			spec_free(&loaded);
	}
	if (c->cg) {
		cgroup_kill_remaining(c->cg);
		if (cgroup_destroy(c->cg, err) < 0)
			return kerr_wrap(err, "cgroup");
	}
	test_pause("delete-after-cgroups");
	return state_dir_remove(c->dir, err);
}
