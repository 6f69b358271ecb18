/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bootstrap blob codec (see bootstrap.h).  Pure: no heap, no I/O, so the
 * same file runs in kura, in the static shim and under libFuzzer.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* CLONE_NEW* from <sched.h> */
#endif
#include "bootstrap.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/netlink.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Ordered so that a user namespace is joined first (see shim/). */
static const struct {
	uint32_t flag;
	const char *name;
} ns_table[] = {
	{ CLONE_NEWUSER, "user" },     { CLONE_NEWIPC, "ipc" }, { CLONE_NEWUTS, "uts" },
	{ CLONE_NEWNET, "net" },       { CLONE_NEWPID, "pid" }, { CLONE_NEWCGROUP, "cgroup" },
	{ CLONE_NEWTIME, "time" },     { CLONE_NEWNS, "mnt" },
};

#define NS_COUNT (sizeof(ns_table) / sizeof(ns_table[0]))

uint32_t bootstrap_ns_flags(void)
{
	uint32_t all = 0;

	for (size_t i = 0; i < NS_COUNT; i++)
		all |= ns_table[i].flag;
	return all;
}

const char *bootstrap_ns_name(uint32_t flag)
{
	for (size_t i = 0; i < NS_COUNT; i++)
		if (ns_table[i].flag == flag)
			return ns_table[i].name;
	return NULL;
}

__attribute__((format(printf, 3, 4))) static int fail(char *errbuf, size_t errlen,
						      const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!errbuf || errlen == 0)
		return -1;
	n = snprintf(errbuf, errlen, "bootstrap: ");
	if (n < 0 || (size_t)n >= errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(errbuf + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static bool map_present(const struct bootstrap_map *m)
{
	return m->text ? m->len > 0 : m->n_chunks > 0;
}

/* Walks a map's bytes whichever form it is in. */
struct map_cursor {
	const struct bootstrap_map *m;
	size_t chunk, off, pos;
};

static int map_next(struct map_cursor *c)
{
	const struct bootstrap_map *m = c->m;

	if (m->text)
		return c->pos < m->len ? (unsigned char)m->text[c->pos++] : -1;
	while (c->chunk < m->n_chunks && c->off >= m->chunk_len[c->chunk]) {
		c->chunk++;
		c->off = 0;
	}
	if (c->chunk >= m->n_chunks)
		return -1;
	c->pos++;
	return (unsigned char)m->chunk[c->chunk][c->off++];
}

long bootstrap_map_copy(const struct bootstrap_map *m, char *dst, size_t cap)
{
	struct map_cursor c = { .m = m };
	size_t n = 0;
	int ch;

	if (cap == 0)
		return -1;
	while ((ch = map_next(&c)) >= 0) {
		if (n + 1 >= cap)
			return -1;
		dst[n++] = (char)ch;
	}
	dst[n] = '\0';
	return (long)n;
}

static bool map_equal(const struct bootstrap_map *a, const struct bootstrap_map *b)
{
	struct map_cursor ca = { .m = a }, cb = { .m = b };
	int x, y;

	do {
		x = map_next(&ca);
		y = map_next(&cb);
		if (x != y)
			return false;
	} while (x >= 0);
	return true;
}

static bool str_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool time_equal(const struct bootstrap_time *a, const struct bootstrap_time *b)
{
	if (a->present != b->present)
		return false;
	return !a->present || (a->secs == b->secs && a->nsecs == b->nsecs);
}

bool bootstrap_equal(const struct bootstrap *a, const struct bootstrap *b)
{
	if (a->mode != b->mode || a->clone_flags != b->clone_flags ||
	    a->n_join != b->n_join || a->setgroups_deny != b->setgroups_deny ||
	    a->has_oom_score_adj != b->has_oom_score_adj ||
	    (a->has_oom_score_adj && a->oom_score_adj != b->oom_score_adj) ||
	    a->init_fd != b->init_fd || a->data_fd != b->data_fd)
		return false;
	for (size_t i = 0; i < a->n_join && i < BOOTSTRAP_JOIN_MAX; i++)
		if (a->join[i].type != b->join[i].type ||
		    !str_equal(a->join[i].path, b->join[i].path))
			return false;
	return map_equal(&a->uid_map, &b->uid_map) && map_equal(&a->gid_map, &b->gid_map) &&
	       str_equal(a->newuidmap, b->newuidmap) && str_equal(a->newgidmap, b->newgidmap) &&
	       time_equal(&a->time_monotonic, &b->time_monotonic) &&
	       time_equal(&a->time_boottime, &b->time_boottime);
}

/* ---- the rules both sides keep ---- */

static int map_check(const struct bootstrap_map *m, const char *what, char *errbuf,
		     size_t errlen)
{
	struct map_cursor c = { .m = m };
	int ch;

	if (!m->text && m->n_chunks > BOOTSTRAP_MAP_CHUNKS)
		return fail(errbuf, errlen, "%s: more than %d chunks", what, BOOTSTRAP_MAP_CHUNKS);
	for (size_t i = 0; !m->text && i < m->n_chunks; i++)
		if (m->chunk_len[i] == 0 || !m->chunk[i])
			return fail(errbuf, errlen, "%s: chunk %zu is empty", what, i);
	/* The kernel parses the text: a NUL would end it early, silently. */
	while ((ch = map_next(&c)) >= 0)
		if (ch == 0)
			return fail(errbuf, errlen, "%s: NUL byte at %zu", what, c.pos - 1);
	return 0;
}

static int time_check(const struct bootstrap_time *t, const char *what, char *errbuf,
		      size_t errlen)
{
	if (t->present && t->nsecs >= 1000000000u)
		return fail(errbuf, errlen, "%s: nanoseconds %u out of range", what, t->nsecs);
	return 0;
}

int bootstrap_check(const struct bootstrap *b, char *errbuf, size_t errlen)
{
	uint32_t joined = 0;
	bool user = b->clone_flags & CLONE_NEWUSER;

	if (b->mode != BOOTSTRAP_MODE_CREATE && b->mode != BOOTSTRAP_MODE_EXEC)
		return fail(errbuf, errlen, "mode %u: neither create (1) nor exec (2)", b->mode);
	if (b->clone_flags & ~bootstrap_ns_flags())
		return fail(errbuf, errlen, "clone flags 0x%x: not namespace flags",
			    b->clone_flags & ~bootstrap_ns_flags());
	if (b->mode == BOOTSTRAP_MODE_EXEC && b->clone_flags)
		return fail(errbuf, errlen, "exec mode: clone flags 0x%x: exec only joins",
			    b->clone_flags);
	if (b->n_join > BOOTSTRAP_JOIN_MAX)
		return fail(errbuf, errlen, "more than %d namespaces to join", BOOTSTRAP_JOIN_MAX);
	for (size_t i = 0; i < b->n_join; i++) {
		const struct bootstrap_join *j = &b->join[i];
		const char *name = bootstrap_ns_name(j->type);

		if (!name)
			return fail(errbuf, errlen, "join[%zu]: unknown namespace type 0x%x", i,
				    j->type);
		if (j->type == CLONE_NEWNS)
			return fail(errbuf, errlen,
				    "join[%zu]: mnt: the init half joins a mount namespace itself", i);
		if (joined & j->type)
			return fail(errbuf, errlen, "join[%zu]: %s joined twice", i, name);
		if (b->clone_flags & j->type)
			return fail(errbuf, errlen, "join[%zu]: %s both joined and new", i, name);
		if (!j->path || !j->path[0])
			return fail(errbuf, errlen, "join[%zu]: %s: empty path", i, name);
		joined |= j->type;
	}
	if (map_check(&b->uid_map, "uid map", errbuf, errlen) < 0 ||
	    map_check(&b->gid_map, "gid map", errbuf, errlen) < 0 ||
	    time_check(&b->time_monotonic, "monotonic offset", errbuf, errlen) < 0 ||
	    time_check(&b->time_boottime, "boottime offset", errbuf, errlen) < 0)
		return -1;
	if (!user && (map_present(&b->uid_map) || map_present(&b->gid_map) ||
		      b->setgroups_deny || b->newuidmap || b->newgidmap))
		return fail(errbuf, errlen, "id maps without a new user namespace");
	if (!(b->clone_flags & CLONE_NEWTIME) &&
	    (b->time_monotonic.present || b->time_boottime.present))
		return fail(errbuf, errlen, "time offsets without a new time namespace");
	if (b->has_oom_score_adj && (b->oom_score_adj < -1000 || b->oom_score_adj > 1000))
		return fail(errbuf, errlen, "oom_score_adj %d out of range -1000..1000",
			    b->oom_score_adj);
	if (b->init_fd < 0)
		return fail(errbuf, errlen, "no init fd");
	if (b->data_fd < 0)
		return fail(errbuf, errlen, "no data fd");
	return 0;
}

/* ---- encoder ---- */

struct writer {
	unsigned char *buf;
	size_t cap, off;
};

/* One attribute from up to two pieces (a u32 type and a path, say). */
static int put2(struct writer *w, uint16_t type, const void *a, size_t alen, const void *b,
		size_t blen)
{
	size_t plen = alen + blen;
	struct nlattr nla;

	if (plen > 0xffff - NLA_HDRLEN || w->off + NLA_ALIGN(NLA_HDRLEN + plen) > w->cap)
		return -1;
	nla.nla_len = (uint16_t)(NLA_HDRLEN + plen);
	nla.nla_type = type;
	memcpy(w->buf + w->off, &nla, sizeof(nla));
	if (alen)
		memcpy(w->buf + w->off + NLA_HDRLEN, a, alen);
	if (blen)
		memcpy(w->buf + w->off + NLA_HDRLEN + alen, b, blen);
	memset(w->buf + w->off + NLA_HDRLEN + plen, 0,
	       NLA_ALIGN(NLA_HDRLEN + plen) - (NLA_HDRLEN + plen));
	w->off += NLA_ALIGN(NLA_HDRLEN + plen);
	return 0;
}

static int put(struct writer *w, uint16_t type, const void *p, size_t len)
{
	return put2(w, type, p, len, NULL, 0);
}

static int put_u32(struct writer *w, uint16_t type, uint32_t v)
{
	return put(w, type, &v, sizeof(v));
}

static int put_str(struct writer *w, uint16_t type, const char *s)
{
	return s ? put(w, type, s, strlen(s) + 1) : 0;
}

static int put_map(struct writer *w, uint16_t type, const struct bootstrap_map *m)
{
	if (!m->text) {
		for (size_t i = 0; i < m->n_chunks; i++)
			if (put(w, type, m->chunk[i], m->chunk_len[i]) < 0)
				return -1;
		return 0;
	}
	for (size_t off = 0; off < m->len; off += BOOTSTRAP_MAP_CHUNK) {
		size_t n = m->len - off < BOOTSTRAP_MAP_CHUNK ? m->len - off : BOOTSTRAP_MAP_CHUNK;

		if (put(w, type, m->text + off, n) < 0)
			return -1;
	}
	return 0;
}

static int put_time(struct writer *w, uint16_t type, const struct bootstrap_time *t)
{
	unsigned char p[16] = { 0 };

	if (!t->present)
		return 0;
	memcpy(p, &t->secs, 8);
	memcpy(p + 8, &t->nsecs, 4);
	return put(w, type, p, sizeof(p));
}

int bootstrap_encode(const struct bootstrap *b, void *buf, size_t cap, size_t *len)
{
	struct writer w = { .buf = buf, .cap = cap < BOOTSTRAP_MSG_MAX ? cap : BOOTSTRAP_MSG_MAX };
	struct nlmsghdr h;
	int r = 0;

	if (bootstrap_check(b, NULL, 0) < 0) {
		errno = EINVAL;
		return -1;
	}
	if (w.cap < NLMSG_HDRLEN) {
		errno = EMSGSIZE;
		return -1;
	}
	w.off = NLMSG_HDRLEN;
	r |= put_u32(&w, BOOTSTRAP_A_MODE, b->mode);
	if (b->clone_flags)
		r |= put_u32(&w, BOOTSTRAP_A_CLONE_FLAGS, b->clone_flags);
	for (size_t i = 0; i < b->n_join && !r; i++)
		r |= put2(&w, BOOTSTRAP_A_JOIN, &b->join[i].type, 4, b->join[i].path,
			  strlen(b->join[i].path) + 1);
	if (!r)
		r |= put_map(&w, BOOTSTRAP_A_UID_MAP, &b->uid_map);
	if (!r)
		r |= put_map(&w, BOOTSTRAP_A_GID_MAP, &b->gid_map);
	if (b->setgroups_deny && !r)
		r |= put(&w, BOOTSTRAP_A_SETGROUPS_DENY, NULL, 0);
	if (!r)
		r |= put_str(&w, BOOTSTRAP_A_NEWUIDMAP, b->newuidmap);
	if (!r)
		r |= put_str(&w, BOOTSTRAP_A_NEWGIDMAP, b->newgidmap);
	if (b->has_oom_score_adj && !r)
		r |= put(&w, BOOTSTRAP_A_OOM_SCORE_ADJ, &b->oom_score_adj, 4);
	if (!r)
		r |= put_time(&w, BOOTSTRAP_A_TIME_MONOTONIC, &b->time_monotonic);
	if (!r)
		r |= put_time(&w, BOOTSTRAP_A_TIME_BOOTTIME, &b->time_boottime);
	if (!r)
		r |= put_u32(&w, BOOTSTRAP_A_INIT_FD, (uint32_t)b->init_fd);
	if (!r)
		r |= put_u32(&w, BOOTSTRAP_A_DATA_FD, (uint32_t)b->data_fd);
	if (r) {
		errno = EMSGSIZE;
		return -1;
	}
	memset(&h, 0, sizeof(h));
	h.nlmsg_len = (uint32_t)w.off;
	h.nlmsg_type = BOOTSTRAP_MSG_TYPE;
	memcpy(w.buf, &h, sizeof(h));
	*len = w.off;
	return 0;
}

/* ---- decoder ---- */

static int get_u32(const unsigned char *p, size_t plen, uint32_t *v)
{
	if (plen != 4)
		return -1;
	memcpy(v, p, 4);
	return 0;
}

/* A string attribute: exactly one NUL, at its end. */
static const char *get_str(const unsigned char *p, size_t plen)
{
	if (plen == 0 || p[plen - 1] != '\0' || memchr(p, '\0', plen) != p + plen - 1)
		return NULL;
	return (const char *)p;
}

static int get_time(const unsigned char *p, size_t plen, struct bootstrap_time *t)
{
	uint32_t pad;

	if (plen != 16)
		return -1;
	memcpy(&t->secs, p, 8);
	memcpy(&t->nsecs, p + 8, 4);
	memcpy(&pad, p + 12, 4);
	t->present = true;
	return pad == 0 ? 0 : -1;
}

static int add_chunk(struct bootstrap_map *m, const unsigned char *p, size_t plen)
{
	if (plen == 0 || m->n_chunks >= BOOTSTRAP_MAP_CHUNKS)
		return -1;
	m->chunk[m->n_chunks] = (const char *)p;
	m->chunk_len[m->n_chunks] = (uint16_t)plen;
	m->n_chunks++;
	m->len += plen;
	return 0;
}

int bootstrap_decode(const void *buf, size_t len, struct bootstrap *out, char *errbuf,
		     size_t errlen)
{
	const unsigned char *p = buf;
	struct nlmsghdr h;
	uint32_t seen = 0;
	size_t off;

	memset(out, 0, sizeof(*out));
	out->init_fd = -1;
	out->data_fd = -1;
	if (len > BOOTSTRAP_MSG_MAX)
		return fail(errbuf, errlen, "message of %zu bytes: larger than %d", len,
			    BOOTSTRAP_MSG_MAX);
	if (len < NLMSG_HDRLEN)
		return fail(errbuf, errlen, "message of %zu bytes: truncated header", len);
	if (((uintptr_t)buf & (NLMSG_ALIGNTO - 1)) || (len & (NLA_ALIGNTO - 1)))
		return fail(errbuf, errlen, "message of %zu bytes: misaligned", len);
	memcpy(&h, p, sizeof(h));
	if (h.nlmsg_len != len)
		return fail(errbuf, errlen, "header length %u but %zu bytes received",
			    h.nlmsg_len, len);
	if (h.nlmsg_type != BOOTSTRAP_MSG_TYPE)
		return fail(errbuf, errlen, "message type 0x%x: not a bootstrap message",
			    h.nlmsg_type);
	for (off = NLMSG_HDRLEN; off < len;) {
		const unsigned char *pl;
		struct nlattr nla;
		size_t plen, alen;
		uint32_t v;

		if (len - off < NLA_HDRLEN)
			return fail(errbuf, errlen, "offset %zu: truncated attribute header", off);
		memcpy(&nla, p + off, sizeof(nla));
		if (nla.nla_len < NLA_HDRLEN || nla.nla_len > len - off)
			return fail(errbuf, errlen, "attribute %u at offset %zu: length %u %s",
				    nla.nla_type, off, nla.nla_len,
				    nla.nla_len < NLA_HDRLEN ? "too short" : "truncated");
		alen = NLA_ALIGN(nla.nla_len);
		if (alen > len - off)
			return fail(errbuf, errlen, "attribute %u at offset %zu: padding truncated",
				    nla.nla_type, off);
		for (size_t i = nla.nla_len; i < alen; i++)
			if (p[off + i])
				return fail(errbuf, errlen,
					    "attribute %u at offset %zu: non-zero padding",
					    nla.nla_type, off);
		pl = p + off + NLA_HDRLEN;
		plen = nla.nla_len - NLA_HDRLEN;
		if (nla.nla_type == 0 || nla.nla_type > BOOTSTRAP_A_MAX)
			return fail(errbuf, errlen, "attribute %u at offset %zu: unknown",
				    nla.nla_type, off);
		if (nla.nla_type != BOOTSTRAP_A_JOIN && nla.nla_type != BOOTSTRAP_A_UID_MAP &&
		    nla.nla_type != BOOTSTRAP_A_GID_MAP) {
			if (seen & (1u << nla.nla_type))
				return fail(errbuf, errlen,
					    "attribute %u at offset %zu: duplicate",
					    nla.nla_type, off);
			seen |= 1u << nla.nla_type;
		}
		switch (nla.nla_type) {
		case BOOTSTRAP_A_MODE:
			if (get_u32(pl, plen, &out->mode) < 0)
				goto bad_size;
			break;
		case BOOTSTRAP_A_CLONE_FLAGS:
			if (get_u32(pl, plen, &out->clone_flags) < 0)
				goto bad_size;
			break;
		case BOOTSTRAP_A_JOIN:
			if (plen < 5)
				goto bad_size;
			if (out->n_join >= BOOTSTRAP_JOIN_MAX)
				return fail(errbuf, errlen, "offset %zu: more than %d joins", off,
					    BOOTSTRAP_JOIN_MAX);
			memcpy(&out->join[out->n_join].type, pl, 4);
			out->join[out->n_join].path = get_str(pl + 4, plen - 4);
			if (!out->join[out->n_join].path)
				goto bad_string;
			out->n_join++;
			break;
		case BOOTSTRAP_A_UID_MAP:
		case BOOTSTRAP_A_GID_MAP:
			if (add_chunk(nla.nla_type == BOOTSTRAP_A_UID_MAP ? &out->uid_map
									   : &out->gid_map,
				      pl, plen) < 0)
				return fail(errbuf, errlen,
					    "attribute %u at offset %zu: empty chunk or more than %d",
					    nla.nla_type, off, BOOTSTRAP_MAP_CHUNKS);
			break;
		case BOOTSTRAP_A_SETGROUPS_DENY:
			if (plen != 0)
				goto bad_size;
			out->setgroups_deny = true;
			break;
		case BOOTSTRAP_A_NEWUIDMAP:
		case BOOTSTRAP_A_NEWGIDMAP: {
			const char *s = get_str(pl, plen);

			if (!s)
				goto bad_string;
			*(nla.nla_type == BOOTSTRAP_A_NEWUIDMAP ? &out->newuidmap
								: &out->newgidmap) = s;
			break;
		}
		case BOOTSTRAP_A_OOM_SCORE_ADJ:
			if (get_u32(pl, plen, &v) < 0)
				goto bad_size;
			out->oom_score_adj = (int32_t)v;
			out->has_oom_score_adj = true;
			break;
		case BOOTSTRAP_A_TIME_MONOTONIC:
		case BOOTSTRAP_A_TIME_BOOTTIME:
			if (get_time(pl, plen,
				     nla.nla_type == BOOTSTRAP_A_TIME_MONOTONIC ? &out->time_monotonic
										  : &out->time_boottime) < 0)
				goto bad_size;
			break;
		case BOOTSTRAP_A_INIT_FD:
		case BOOTSTRAP_A_DATA_FD:
			if (get_u32(pl, plen, &v) < 0)
				goto bad_size;
			if (v > 0x7fffffff)
				return fail(errbuf, errlen, "attribute %u at offset %zu: fd %u out of range",
					    nla.nla_type, off, v);
			*(nla.nla_type == BOOTSTRAP_A_INIT_FD ? &out->init_fd : &out->data_fd) =
				(int32_t)v;
			break;
		default:
			return fail(errbuf, errlen, "attribute %u at offset %zu: unknown",
				    nla.nla_type, off);
		}
		off += alen;
		continue;
bad_size:
		return fail(errbuf, errlen, "attribute %u at offset %zu: bad payload size %zu",
			    nla.nla_type, off, plen);
bad_string:
		return fail(errbuf, errlen, "attribute %u at offset %zu: string not NUL-terminated",
			    nla.nla_type, off);
	}
	if (!(seen & (1u << BOOTSTRAP_A_MODE)))
		return fail(errbuf, errlen, "no mode");
	return bootstrap_check(out, errbuf, errlen);
}
