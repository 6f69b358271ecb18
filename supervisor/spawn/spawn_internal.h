/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the files of spawn/ only. */
#ifndef KURA_SPAWN_INTERNAL_H
#define KURA_SPAWN_INTERNAL_H

#include "bootstrap/bootstrap.h"
#include "spawn.h"

/* The blob, and what kura keeps for itself: the id maps never go in the blob. */
struct blob_parts {
	struct bootstrap b;
	char paths[BOOTSTRAP_JOIN_MAX][64]; /* exec mode: /proc/<pid>/ns/<x> */
	char *uid_map, *gid_map;            /* create with a new user ns: the map text */
	const char *newuidmap, *newgidmap;  /* NULL: kura writes that map itself */
	bool setgroups_deny;
};

/* seal.c: the fd of kura's own binary the init half is exec'd from (CVE-2019-5736). */
int spawn_seal_self(const struct spawn_req *req, struct kerr *err);

/* blob.c: the blob for req (init_fd: the sealed binary); free with blob_parts_free. */
int blob_build(struct blob_parts *p, const struct spawn_req *req, int init_fd,
	       struct kerr *err);
void blob_parts_free(struct blob_parts *p);
/* blob.c: write the shim's uid/gid maps (newuidmap/newgidmap when rootless). */
int spawn_map_ids(const struct blob_parts *p, const struct spec *s, pid_t pid,
		  struct kerr *err);

#endif
