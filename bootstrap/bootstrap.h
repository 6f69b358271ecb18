/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bootstrap blob: what kura tells kura-shim, as one netlink-style message
 * (struct nlmsghdr, then struct nlattr TLVs, each 4-byte aligned).
 *
 * Built into both kura (encodes) and the static musl shim (decodes): only
 * libc and linux headers, no heap.  Decoded strings point into the caller's
 * buffer, which must outlive the struct.
 *
 * The decoder is strict, because its input crosses a process boundary and is
 * fuzzed: truncated, misaligned, oversized, duplicated (except JOIN), unknown
 * attributes, non-zero padding, strings without their NUL, unknown namespace
 * types and bad modes are refused with a message.
 *
 * The blob carries only what the shim acts on.  The id maps are not in it:
 * kura writes them itself (or runs newuidmap/newgidmap) when the shim asks
 * with SYNC_MAP_IDS, from its own copy of config.json.
 *
 * The mount namespace is never in the join list: the init half joins a mount
 * namespace path itself, after it has read what it needs from the host.  The
 * encoder refuses a mnt join and the decoder refuses one too.
 */
#ifndef KURA_BOOTSTRAP_H
#define KURA_BOOTSTRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* nlmsg_type of the blob ('K' 'B'), so a stray message is not mistaken for one. */
#define BOOTSTRAP_MSG_TYPE 0x4b42
/* The whole message; the shim's one receive buffer has exactly this size. */
#define BOOTSTRAP_MSG_MAX (64 * 1024)
/* One join per namespace type at most: user ipc uts net pid cgroup time. */
#define BOOTSTRAP_JOIN_MAX 8

enum bootstrap_attr {
	BOOTSTRAP_A_MODE = 1,     /* u32: enum bootstrap_mode */
	BOOTSTRAP_A_CLONE_FLAGS,  /* u32: CLONE_NEW* to unshare */
	BOOTSTRAP_A_JOIN,         /* u32 CLONE_NEW* type, then a NUL-terminated path; repeatable */
	BOOTSTRAP_A_OOM_SCORE_ADJ, /* s32, -1000..1000 */
	BOOTSTRAP_A_TIME_MONOTONIC, /* s64 secs, u32 nsecs, u32 zero */
	BOOTSTRAP_A_TIME_BOOTTIME,  /* same */
	BOOTSTRAP_A_INIT_FD,      /* u32: fd of the init half's binary */
	BOOTSTRAP_A_DATA_FD,      /* u32: fd handed to the init half */
	BOOTSTRAP_A_MAX = BOOTSTRAP_A_DATA_FD,
};

enum bootstrap_mode {
	BOOTSTRAP_MODE_CREATE = 1,
	BOOTSTRAP_MODE_EXEC = 2,
};

struct bootstrap_join {
	uint32_t type;    /* one CLONE_NEW* flag, never CLONE_NEWNS */
	const char *path; /* "/proc/42/ns/net", "/run/netns/x" */
};

struct bootstrap_time {
	bool present;
	int64_t secs;
	uint32_t nsecs; /* < 1e9 */
};

struct bootstrap {
	uint32_t mode;        /* enum bootstrap_mode */
	uint32_t clone_flags; /* CLONE_NEW* to unshare (create mode only) */
	struct bootstrap_join join[BOOTSTRAP_JOIN_MAX];
	size_t n_join;
	bool has_oom_score_adj;
	int32_t oom_score_adj;
	struct bootstrap_time time_monotonic, time_boottime; /* need CLONE_NEWTIME */
	int32_t init_fd; /* required, >= 0 */
	int32_t data_fd; /* required, >= 0 */
};

/* The CLONE_NEW* flags the blob may carry (CLONE_NEWNS unshare included). */
uint32_t bootstrap_ns_flags(void);
/*
 * The CLONE_NEW* flags in the order namespaces are joined (user first, so
 * the others are joined with its capabilities; mnt last): the i-th, or 0
 * past the end.  The one table of them.
 */
uint32_t bootstrap_ns_flag_at(size_t i);
/* "user", "net", ... for one CLONE_NEW* flag; NULL when it is not one. */
const char *bootstrap_ns_name(uint32_t flag);

/* The rules of the decoder for a struct: 0, or -1 with a message in errbuf. */
int bootstrap_check(const struct bootstrap *b, char *errbuf, size_t errlen);

/*
 * Encode b into buf (cap bytes).  Returns 0 with *len set, or -1 with errno:
 * EINVAL when b would not decode (same rules as the decoder), EMSGSIZE when it
 * does not fit in cap or BOOTSTRAP_MSG_MAX.
 */
int bootstrap_encode(const struct bootstrap *b, void *buf, size_t cap, size_t *len);

/*
 * Decode the message in buf.  Returns 0 with *out filled (pointing into buf),
 * or -1 with a message in errbuf ("bootstrap: attribute 3 at offset 24:
 * truncated") and *out unspecified.
 */
int bootstrap_decode(const void *buf, size_t len, struct bootstrap *out, char *errbuf,
		     size_t errlen);

/* Do two structs say the same thing?  (Paths are compared by their text.) */
bool bootstrap_equal(const struct bootstrap *a, const struct bootstrap *b);

#endif
