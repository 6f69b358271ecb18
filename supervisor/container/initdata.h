/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The init data: what kura tells the init half besides config.json, written
 * by container/ (create.c, exec.c; container_data_fd) into a memfd (one JSON
 * line, then config.json: the bundle's, or the init's copy of it,
 * container_init_config) and read by `kura init` (init/init.c).  One table of fields
 * drives both directions; the decoder is strict (every field of the mode
 * present, nothing else, each of its type and range) and fuzzed
 * (tests/fuzz/fuzz_initdata.c): the init half trusts nothing it did not
 * check, even from kura.
 */
#ifndef KURA_INITDATA_H
#define KURA_INITDATA_H

#include <stdbool.h>
#include <stddef.h>

#include "util/kerr.h"

enum initdata_mode {
	INITDATA_CREATE = 1,
	INITDATA_EXEC = 2,
};

/* a v1 hierarchy of the container's cgroup: its controller and host path */
struct initdata_cgroup {
	char *controller;
	char *path;
};

struct initdata {
	enum initdata_mode mode;
	char *id;
	/* create only */
	char *bundle, *rootfs;
	bool no_pivot, no_new_keyring, cgroup_v2;
	int fifo_fd; /* exec.fifo, armed: see exec_fifo_open() */
	struct initdata_cgroup *cgroups_v1;
	size_t n_cgroups_v1;
	int *idmap_fds; /* idmapped trees by .mounts index, -1: none */
	size_t n_idmap_fds;
	int dev_nodes_fd; /* the device nodes kura made (user namespace), -1: none */
	/* exec only */
	int mntns_fd;
	char *process; /* the process, its JSON text */
	/* both; an fd of -1 is none */
	int console_fd, seccomp_fd;
	int preserve_fds, listen_fds;
};

/* The JSON line for d (no newline in it), or NULL with *err. */
char *initdata_encode(const struct initdata *d, struct kerr *err);
/* Parse and check text[0..len); on error *err names the field.  Free with initdata_free. */
int initdata_decode(const char *text, size_t len, struct initdata *d, struct kerr *err);
void initdata_free(struct initdata *d);

#endif
