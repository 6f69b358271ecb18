/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --systemd-cgroup.  The driver talks to systemd (PID 1) over D-Bus; without
 * systemd there is nobody to ask, and runc refuses in the same way.
 */
#include <unistd.h>

#include "cgroup_internal.h"

int cgroup_systemd_check(struct kerr *err)
{
	if (access("/run/systemd/system", F_OK) < 0)
		return kerr_set(err, "systemd cgroup driver requested but systemd is not running "
				     "(no /run/systemd/system)");
	return kerr_set(err, "systemd cgroup driver: not supported by this build of kura "
			     "(run without --systemd-cgroup)");
}
