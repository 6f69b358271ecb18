/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.netDevices (runtime-spec 1.3): host network devices moved into the
 * container's network namespace by kura, from the host, over rtnetlink.
 */
#ifndef KURA_NETDEV_H
#define KURA_NETDEV_H

#include <sys/types.h>

#include "util/kerr.h"
#include "specs/spec.h"

/*
 * Move every device of s->linux_.netDevices into the network namespace of
 * init_pid under its new name, keep its permanent global addresses and set
 * it up.  Every device is looked up first: one missing moves none.  Nothing
 * is done at delete: the spec leaves the device to its namespace (a virtual
 * one dies with it, a physical one goes back to the host's).
 */
int netdev_move_all(const struct spec *s, pid_t init_pid, struct kerr *err);

#endif
