/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bootstrap blob: what kura tells kura-shim, as one netlink-style message
 * (struct nlmsghdr, then struct nlattr TLVs, each 4-byte aligned).
 *
 * Built into both kura (glibc, encodes) and the static musl shim (decodes):
 * only libc and linux headers, no heap.  Decoded strings and map chunks point
 * into the caller's buffer, which must outlive the struct.
 *
 * The decoder is strict, because its input crosses a process boundary and is
 * fuzzed: truncated, misaligned, oversized, duplicated (except JOIN and the
 * map chunks), unknown attributes, non-zero padding, strings without their
 * NUL, unknown namespace types and bad modes are refused with a message.
 *
 * The mount namespace is never in the join list: kura is dynamically linked,
 * so the init half must be exec'd while the host's files are visible and it
 * joins a mount namespace path itself.  The encoder refuses a mnt join and
 * the decoder refuses one too.
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
/* An nlattr length is 16 bits: id maps go in chunks of at most this much. */
#define BOOTSTRAP_MAP_CHUNK 4096
#define BOOTSTRAP_MAP_CHUNKS 32
/* One join per namespace type at most: user ipc uts net pid cgroup time. */
#define BOOTSTRAP_JOIN_MAX 8

enum bootstrap_attr {
	BOOTSTRAP_A_MODE = 1,     /* u32: enum bootstrap_mode */
	BOOTSTRAP_A_CLONE_FLAGS,  /* u32: CLONE_NEW* to unshare */
	BOOTSTRAP_A_JOIN,         /* u32 CLONE_NEW* type, then a NUL-terminated path; repeatable */
	BOOTSTRAP_A_UID_MAP,      /* bytes, a chunk of /proc/PID/uid_map text; repeatable */
	BOOTSTRAP_A_GID_MAP,      /* same for gid_map */
	BOOTSTRAP_A_SETGROUPS_DENY, /* flag, no payload */
	BOOTSTRAP_A_NEWUIDMAP,    /* string: path of newuidmap */
	BOOTSTRAP_A_NEWGIDMAP,    /* string: path of newgidmap */
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

/*
 * An id map.  Encoder input: either text/len (one contiguous text) or, when
 * text is NULL, the chunks (so a decoded struct re-encodes as is).  Decoder
 * output: text is NULL, the chunks are where they lie in the message and len
 * is their total; bootstrap_map_copy() joins them.
 */
struct bootstrap_map {
	const char *text;
	size_t len;
	const char *chunk[BOOTSTRAP_MAP_CHUNKS];
	uint16_t chunk_len[BOOTSTRAP_MAP_CHUNKS];
	size_t n_chunks;
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
	struct bootstrap_map uid_map, gid_map; /* need CLONE_NEWUSER in clone_flags */
	bool setgroups_deny;
	const char *newuidmap, *newgidmap; /* NULL: kura writes the maps itself */
	bool has_oom_score_adj;
	int32_t oom_score_adj;
	struct bootstrap_time time_monotonic, time_boottime; /* need CLONE_NEWTIME */
	int32_t init_fd; /* required, >= 0 */
	int32_t data_fd; /* required, >= 0 */
};

/* The CLONE_NEW* flags the blob may carry (CLONE_NEWNS unshare included). */
uint32_t bootstrap_ns_flags(void);
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

/* Join a map's text into dst (NUL-terminated); returns its length or -1 if cap is short. */
long bootstrap_map_copy(const struct bootstrap_map *m, char *dst, size_t cap);

/* Do two structs say the same thing?  (Maps are compared by their text.) */
bool bootstrap_equal(const struct bootstrap *a, const struct bootstrap *b);

#endif
