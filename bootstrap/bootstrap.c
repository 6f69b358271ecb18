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

uint32_t bootstrap_ns_flag_at(size_t i)
{
	return i < NS_COUNT ? ns_table[i].flag : 0;
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
	    a->n_join != b->n_join || a->has_oom_score_adj != b->has_oom_score_adj ||
	    (a->has_oom_score_adj && a->oom_score_adj != b->oom_score_adj) ||
	    a->init_fd != b->init_fd || a->data_fd != b->data_fd)
		return false;
	for (size_t i = 0; i < a->n_join && i < BOOTSTRAP_JOIN_MAX; i++)
		if (a->join[i].type != b->join[i].type ||
		    !str_equal(a->join[i].path, b->join[i].path))
			return false;
	return time_equal(&a->time_monotonic, &b->time_monotonic) &&
	       time_equal(&a->time_boottime, &b->time_boottime);
}

/* ---- the rules both sides keep ---- */

static int time_check(const struct bootstrap_time *t, const char *what, char *errbuf,
		      size_t errlen)
{
	if (t->present && t->nsecs >= 1000000000u)
		return fail(errbuf, errlen, "%s: nanoseconds %u out of range", what, t->nsecs);
	return 0;
}

static int joins_check(const struct bootstrap *b, char *errbuf, size_t errlen)
{
	uint32_t joined = 0;

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
	return 0;
}

int bootstrap_check(const struct bootstrap *b, char *errbuf, size_t errlen)
{
	if (b->mode != BOOTSTRAP_MODE_CREATE && b->mode != BOOTSTRAP_MODE_EXEC)
		return fail(errbuf, errlen, "mode %u: neither create (1) nor exec (2)", b->mode);
	if (b->clone_flags & ~bootstrap_ns_flags())
		return fail(errbuf, errlen, "clone flags 0x%x: not namespace flags",
			    b->clone_flags & ~bootstrap_ns_flags());
	if (b->mode == BOOTSTRAP_MODE_EXEC && b->clone_flags)
		return fail(errbuf, errlen, "exec mode: clone flags 0x%x: exec only joins",
			    b->clone_flags);
	if (joins_check(b, errbuf, errlen) < 0 ||
	    time_check(&b->time_monotonic, "monotonic offset", errbuf, errlen) < 0 ||
	    time_check(&b->time_boottime, "boottime offset", errbuf, errlen) < 0)
		return -1;
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

/* One attribute as framed in the message; off is where its header starts. */
struct attr {
	uint16_t type;
	const unsigned char *pl;
	size_t plen, off;
};

static int get_u32(const struct attr *a, uint32_t *v)
{
	if (a->plen != 4)
		return -1;
	memcpy(v, a->pl, 4);
	return 0;
}

/* A string: exactly one NUL, at its end. */
static const char *get_str(const unsigned char *p, size_t plen)
{
	if (plen == 0 || p[plen - 1] != '\0' || memchr(p, '\0', plen) != p + plen - 1)
		return NULL;
	return (const char *)p;
}

static int get_time(const struct attr *a, struct bootstrap_time *t)
{
	uint32_t pad;

	if (a->plen != 16)
		return -1;
	memcpy(&t->secs, a->pl, 8);
	memcpy(&t->nsecs, a->pl + 8, 4);
	memcpy(&pad, a->pl + 12, 4);
	t->present = true;
	return pad == 0 ? 0 : -1;
}

static int bad_size(const struct attr *a, char *errbuf, size_t errlen)
{
	return fail(errbuf, errlen, "attribute %u at offset %zu: bad payload size %zu", a->type,
		    a->off, a->plen);
}

static int decode_header(const void *buf, size_t len, char *errbuf, size_t errlen)
{
	struct nlmsghdr h;

	if (len > BOOTSTRAP_MSG_MAX)
		return fail(errbuf, errlen, "message of %zu bytes: larger than %d", len,
			    BOOTSTRAP_MSG_MAX);
	if (len < NLMSG_HDRLEN)
		return fail(errbuf, errlen, "message of %zu bytes: truncated header", len);
	if (((uintptr_t)buf & (NLMSG_ALIGNTO - 1)) || (len & (NLA_ALIGNTO - 1)))
		return fail(errbuf, errlen, "message of %zu bytes: misaligned", len);
	memcpy(&h, buf, sizeof(h));
	if (h.nlmsg_len != len)
		return fail(errbuf, errlen, "header length %u but %zu bytes received",
			    h.nlmsg_len, len);
	if (h.nlmsg_type != BOOTSTRAP_MSG_TYPE)
		return fail(errbuf, errlen, "message type 0x%x: not a bootstrap message",
			    h.nlmsg_type);
	return 0;
}

/* Frame the attribute at off: its aligned length, or -1 with a message. */
static long frame_attr(const unsigned char *p, size_t len, size_t off, struct attr *a,
		       char *errbuf, size_t errlen)
{
	struct nlattr nla;
	size_t alen;

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
			return fail(errbuf, errlen, "attribute %u at offset %zu: non-zero padding",
				    nla.nla_type, off);
	if (nla.nla_type == 0 || nla.nla_type > BOOTSTRAP_A_MAX)
		return fail(errbuf, errlen, "attribute %u at offset %zu: unknown", nla.nla_type,
			    off);
	*a = (struct attr){ .type = nla.nla_type, .pl = p + off + NLA_HDRLEN,
			    .plen = nla.nla_len - NLA_HDRLEN, .off = off };
	return (long)alen;
}

static int decode_join(const struct attr *a, struct bootstrap *out, char *errbuf,
		       size_t errlen)
{
	struct bootstrap_join *j;

	if (a->plen < 5)
		return bad_size(a, errbuf, errlen);
	if (out->n_join >= BOOTSTRAP_JOIN_MAX)
		return fail(errbuf, errlen, "offset %zu: more than %d joins", a->off,
			    BOOTSTRAP_JOIN_MAX);
	j = &out->join[out->n_join];
	memcpy(&j->type, a->pl, 4);
	j->path = get_str(a->pl + 4, a->plen - 4);
	if (!j->path)
		return fail(errbuf, errlen, "attribute %u at offset %zu: string not NUL-terminated",
			    a->type, a->off);
	out->n_join++;
	return 0;
}

static int decode_fd(const struct attr *a, int32_t *fd, char *errbuf, size_t errlen)
{
	uint32_t v;

	if (get_u32(a, &v) < 0)
		return bad_size(a, errbuf, errlen);
	if (v > 0x7fffffff)
		return fail(errbuf, errlen, "attribute %u at offset %zu: fd %u out of range",
			    a->type, a->off, v);
	*fd = (int32_t)v;
	return 0;
}

/* One framed attribute into out: 0, or -1 with a message. */
static int decode_attr(const struct attr *a, struct bootstrap *out, char *errbuf,
		       size_t errlen)
{
	uint32_t v;
	int r;

	switch (a->type) {
	case BOOTSTRAP_A_MODE:
		r = get_u32(a, &out->mode);
		break;
	case BOOTSTRAP_A_CLONE_FLAGS:
		r = get_u32(a, &out->clone_flags);
		break;
	case BOOTSTRAP_A_JOIN:
		return decode_join(a, out, errbuf, errlen);
	case BOOTSTRAP_A_OOM_SCORE_ADJ:
		if (get_u32(a, &v) < 0)
			return bad_size(a, errbuf, errlen);
		out->oom_score_adj = (int32_t)v;
		out->has_oom_score_adj = true;
		return 0;
	case BOOTSTRAP_A_TIME_MONOTONIC:
		r = get_time(a, &out->time_monotonic);
		break;
	case BOOTSTRAP_A_TIME_BOOTTIME:
		r = get_time(a, &out->time_boottime);
		break;
	case BOOTSTRAP_A_INIT_FD:
		return decode_fd(a, &out->init_fd, errbuf, errlen);
	case BOOTSTRAP_A_DATA_FD:
		return decode_fd(a, &out->data_fd, errbuf, errlen);
	default:
		return fail(errbuf, errlen, "attribute %u at offset %zu: unknown", a->type, a->off);
	}
	return r < 0 ? bad_size(a, errbuf, errlen) : 0;
}

int bootstrap_decode(const void *buf, size_t len, struct bootstrap *out, char *errbuf,
		     size_t errlen)
{
	uint32_t seen = 0;
	struct attr a;
	long alen;

	memset(out, 0, sizeof(*out));
	out->init_fd = -1;
	out->data_fd = -1;
	if (decode_header(buf, len, errbuf, errlen) < 0)
		return -1;
	for (size_t off = NLMSG_HDRLEN; off < len; off += (size_t)alen) {
		alen = frame_attr(buf, len, off, &a, errbuf, errlen);
		if (alen < 0)
			return -1;
		/* JOIN is the one repeatable attribute */
		if (a.type != BOOTSTRAP_A_JOIN && (seen & (1u << a.type)))
			return fail(errbuf, errlen, "attribute %u at offset %zu: duplicate", a.type,
				    off);
		seen |= 1u << a.type;
		if (decode_attr(&a, out, errbuf, errlen) < 0)
			return -1;
	}
	if (!(seen & (1u << BOOTSTRAP_A_MODE)))
		return fail(errbuf, errlen, "no mode");
	return bootstrap_check(out, errbuf, errlen);
}
