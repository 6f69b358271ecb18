/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bootstrap blob (codec), kura-shim driven through a real socket, and
 * spawn_start() running real namespaces (as root).  For the spawn tests this
 * binary is its own "init half": spawn_start execs /proc/self/exe as
 * `<self> init <syncfd> <datafd>`, and main() answers that by reporting what
 * the init sees on the sync socket.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "bootstrap/bootstrap.h"
#include "spawn/spawn.h"
#include "specs/spec.h"
#include "bootstrap/sync.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static unsigned char buf[BOOTSTRAP_MSG_MAX + 64] __attribute__((aligned(8)));
static char errbuf[512];

/* ---- raw message builder, to write what the encoder never would ---- */

struct raw {
	unsigned char *p;
	size_t len;
};

static void raw_begin(struct raw *r, uint16_t type)
{
	struct nlmsghdr h = { .nlmsg_type = type };

	memset(buf, 0, sizeof(buf));
	r->p = buf;
	r->len = NLMSG_HDRLEN;
	memcpy(buf, &h, sizeof(h));
}

static void raw_attr(struct raw *r, uint16_t type, const void *data, size_t len)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type };

	memcpy(r->p + r->len, &a, sizeof(a));
	memcpy(r->p + r->len + NLA_HDRLEN, data, len);
	r->len += NLA_ALIGN(NLA_HDRLEN + len);
}

static void raw_u32(struct raw *r, uint16_t type, uint32_t v)
{
	raw_attr(r, type, &v, 4);
}

static size_t raw_end(struct raw *r)
{
	uint32_t l = (uint32_t)r->len;

	memcpy(r->p, &l, 4);
	return r->len;
}

/* a valid minimal create message */
static void raw_minimal(struct raw *r)
{
	raw_begin(r, BOOTSTRAP_MSG_TYPE);
	raw_u32(r, BOOTSTRAP_A_MODE, BOOTSTRAP_MODE_CREATE);
	raw_u32(r, BOOTSTRAP_A_INIT_FD, 5);
	raw_u32(r, BOOTSTRAP_A_DATA_FD, 6);
}

static void expect_refused(size_t len, const char *want)
{
	struct bootstrap b;

	errbuf[0] = '\0';
	assert_int_equal(bootstrap_decode(buf, len, &b, errbuf, sizeof(errbuf)), -1);
	if (!strstr(errbuf, want))
		fail_msg("error \"%s\" lacks \"%s\"", errbuf, want);
}

static void test_minimal_decodes(void **state)
{
	struct raw r;
	struct bootstrap b;
	size_t len;

	raw_minimal(&r);
	len = raw_end(&r);
	assert_int_equal(bootstrap_decode(buf, len, &b, errbuf, sizeof(errbuf)), 0);
	assert_int_equal(b.mode, BOOTSTRAP_MODE_CREATE);
	assert_int_equal(b.init_fd, 5);
	assert_int_equal(b.data_fd, 6);
	assert_int_equal(b.n_join, 0);
	assert_false(b.has_oom_score_adj);
}

static void test_refusals_framing(void **state)
{
	struct raw r;
	size_t len;
	uint32_t bad;

	raw_minimal(&r);
	len = raw_end(&r);
	expect_refused(8, "truncated header");
	expect_refused(len - 1, "misaligned");
	expect_refused(len - 4, "header length");
	expect_refused(BOOTSTRAP_MSG_MAX + 4, "larger than");

	raw_begin(&r, 0x10);
	raw_u32(&r, BOOTSTRAP_A_MODE, 1);
	expect_refused(raw_end(&r), "not a bootstrap message");

	/* attribute claiming more than the message holds */
	raw_minimal(&r);
	len = raw_end(&r);
	bad = 200;
	memcpy(buf + NLMSG_HDRLEN, &bad, 2);
	expect_refused(len, "truncated");
	/* attribute shorter than its own header */
	raw_minimal(&r);
	len = raw_end(&r);
	bad = 2;
	memcpy(buf + NLMSG_HDRLEN, &bad, 2);
	expect_refused(len, "too short");
	/* a trailing 2-byte stub is not an attribute header */
	raw_minimal(&r);
	r.len += 4;
	len = raw_end(&r);
	memset(buf + len - 4, 0, 4);
	buf[len - 4] = 2;
	expect_refused(len, "too short");
}

static void test_refusals_attributes(void **state)
{
	struct raw r;
	size_t len;
	uint32_t v;
	unsigned char join[32];

	raw_minimal(&r);
	raw_u32(&r, 99, 0);
	expect_refused(raw_end(&r), "attribute 99 at offset 40: unknown");

	raw_minimal(&r);
	raw_u32(&r, BOOTSTRAP_A_MODE, 1);
	expect_refused(raw_end(&r), "duplicate");

	raw_minimal(&r);
	raw_attr(&r, BOOTSTRAP_A_CLONE_FLAGS, "\0\0", 2);
	expect_refused(raw_end(&r), "bad payload size 2");

	/* the attributes past the last one, the id maps' old numbers among them */
	for (uint16_t t = BOOTSTRAP_A_MAX + 1; t <= 16; t++) {
		char want[64];

		raw_minimal(&r);
		raw_attr(&r, t, "0 0 1\n", 6);
		snprintf(want, sizeof(want), "attribute %u at offset 40: unknown", t);
		expect_refused(raw_end(&r), want);
	}

	/* join: unknown type, mount, path without NUL, duplicate */
	v = 0x1;
	memcpy(join, &v, 4);
	memcpy(join + 4, "/x", 3);
	raw_minimal(&r);
	raw_attr(&r, BOOTSTRAP_A_JOIN, join, 7);
	expect_refused(raw_end(&r), "join[0]: unknown namespace type 0x1");

	v = CLONE_NEWNS;
	memcpy(join, &v, 4);
	raw_minimal(&r);
	raw_attr(&r, BOOTSTRAP_A_JOIN, join, 7);
	expect_refused(raw_end(&r), "join[0]: mnt: the init half joins");

	v = CLONE_NEWNET;
	memcpy(join, &v, 4);
	raw_minimal(&r);
	raw_attr(&r, BOOTSTRAP_A_JOIN, join, 6);
	expect_refused(raw_end(&r), "string not NUL-terminated");

	raw_minimal(&r);
	raw_attr(&r, BOOTSTRAP_A_JOIN, join, 7);
	raw_attr(&r, BOOTSTRAP_A_JOIN, join, 7);
	expect_refused(raw_end(&r), "join[1]: net joined twice");

	raw_minimal(&r);
	raw_attr(&r, BOOTSTRAP_A_JOIN, join, 7);
	raw_u32(&r, BOOTSTRAP_A_CLONE_FLAGS, CLONE_NEWNET);
	expect_refused(raw_end(&r), "net both joined and new");

	raw_minimal(&r);
	raw_attr(&r, BOOTSTRAP_A_JOIN, join, 4);
	expect_refused(raw_end(&r), "bad payload size 4");

	/* non-zero padding after a 7-byte payload */
	raw_minimal(&r);
	raw_attr(&r, BOOTSTRAP_A_JOIN, join, 7);
	len = raw_end(&r);
	buf[len - 1] = 'x';
	expect_refused(len, "non-zero padding");

	/* a NUL inside the path */
	memcpy(join + 4, "/a\0b", 5);
	raw_minimal(&r);
	raw_attr(&r, BOOTSTRAP_A_JOIN, join, 9);
	expect_refused(raw_end(&r), "string not NUL-terminated");

	/* more joins than there are namespace types */
	memcpy(join + 4, "/x", 3);
	raw_minimal(&r);
	for (int i = 0; i <= BOOTSTRAP_JOIN_MAX; i++)
		raw_attr(&r, BOOTSTRAP_A_JOIN, join, 7);
	expect_refused(raw_end(&r), "more than 8 joins");
}

static void test_refusals_semantics(void **state)
{
	struct raw r;
	unsigned char t[16] = { 0 };
	uint32_t ns = 1000000000u;

	raw_begin(&r, BOOTSTRAP_MSG_TYPE);
	raw_u32(&r, BOOTSTRAP_A_MODE, 3);
	raw_u32(&r, BOOTSTRAP_A_INIT_FD, 5);
	raw_u32(&r, BOOTSTRAP_A_DATA_FD, 6);
	expect_refused(raw_end(&r), "mode 3: neither create (1) nor exec (2)");

	raw_begin(&r, BOOTSTRAP_MSG_TYPE);
	raw_u32(&r, BOOTSTRAP_A_INIT_FD, 5);
	expect_refused(raw_end(&r), "no mode");

	raw_begin(&r, BOOTSTRAP_MSG_TYPE);
	raw_u32(&r, BOOTSTRAP_A_MODE, 1);
	raw_u32(&r, BOOTSTRAP_A_DATA_FD, 6);
	expect_refused(raw_end(&r), "no init fd");

	raw_begin(&r, BOOTSTRAP_MSG_TYPE);
	raw_u32(&r, BOOTSTRAP_A_MODE, 1);
	raw_u32(&r, BOOTSTRAP_A_INIT_FD, 6);
	expect_refused(raw_end(&r), "no data fd");

	raw_minimal(&r);
	raw_u32(&r, BOOTSTRAP_A_DATA_FD + 0, 7); /* duplicate data fd */
	expect_refused(raw_end(&r), "duplicate");

	raw_minimal(&r);
	raw_u32(&r, BOOTSTRAP_A_CLONE_FLAGS, 0x100 /* CLONE_VM */);
	expect_refused(raw_end(&r), "clone flags 0x100: not namespace flags");

	raw_begin(&r, BOOTSTRAP_MSG_TYPE);
	raw_u32(&r, BOOTSTRAP_A_MODE, BOOTSTRAP_MODE_EXEC);
	raw_u32(&r, BOOTSTRAP_A_CLONE_FLAGS, CLONE_NEWNET);
	raw_u32(&r, BOOTSTRAP_A_INIT_FD, 5);
	raw_u32(&r, BOOTSTRAP_A_DATA_FD, 6);
	expect_refused(raw_end(&r), "exec mode: clone flags 0x40000000");

	raw_minimal(&r);
	raw_attr(&r, BOOTSTRAP_A_TIME_BOOTTIME, t, 16);
	expect_refused(raw_end(&r), "time offsets without a new time namespace");

	raw_minimal(&r);
	raw_u32(&r, BOOTSTRAP_A_CLONE_FLAGS, CLONE_NEWTIME);
	memcpy(t + 8, &ns, 4);
	raw_attr(&r, BOOTSTRAP_A_TIME_MONOTONIC, t, 16);
	expect_refused(raw_end(&r), "monotonic offset: nanoseconds 1000000000 out of range");

	raw_minimal(&r);
	raw_u32(&r, BOOTSTRAP_A_CLONE_FLAGS, CLONE_NEWTIME);
	raw_attr(&r, BOOTSTRAP_A_TIME_MONOTONIC, t, 12);
	expect_refused(raw_end(&r), "bad payload size 12");

	raw_minimal(&r);
	raw_u32(&r, BOOTSTRAP_A_OOM_SCORE_ADJ, (uint32_t)-1001);
	expect_refused(raw_end(&r), "oom_score_adj -1001 out of range");

	raw_minimal(&r);
	raw_attr(&r, BOOTSTRAP_A_OOM_SCORE_ADJ, "", 0);
	expect_refused(raw_end(&r), "bad payload size 0");

	raw_begin(&r, BOOTSTRAP_MSG_TYPE);
	raw_u32(&r, BOOTSTRAP_A_MODE, 1);
	raw_u32(&r, BOOTSTRAP_A_INIT_FD, 0x80000000u);
	expect_refused(raw_end(&r), "fd 2147483648 out of range");
}

/*
 * Up to BOOTSTRAP_MSG_MAX is fine: seven joins with long paths fill the
 * message to its last byte.  One byte more is EMSGSIZE, never an overrun.
 */
static void test_max_message(void **state)
{
	static const uint32_t ns[] = { CLONE_NEWUSER, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNET,
				       CLONE_NEWPID,  CLONE_NEWCGROUP, CLONE_NEWTIME };
	static char paths[7][32 * 1024], huge[BOOTSTRAP_MSG_MAX + 16];
	struct bootstrap b = { .mode = BOOTSTRAP_MODE_EXEC, .init_fd = 3, .data_fd = 4 };
	struct bootstrap d;
	size_t n, base, room, per, last;

	assert_int_equal(bootstrap_encode(&b, buf, sizeof(buf), &base), 0);
	room = BOOTSTRAP_MSG_MAX - base;
	/* a join costs 4 (header) + 4 (type) + the path and its NUL, aligned to 4 */
	per = room / 7 & ~(size_t)3;
	for (size_t i = 0; i < 7; i++) {
		size_t plen = (i < 6 ? per : room - 6 * per) - NLA_HDRLEN - 4 - 1;

		memset(paths[i], 'p', plen);
		paths[i][0] = '/';
		paths[i][plen] = '\0';
		b.join[i] = (struct bootstrap_join){ ns[i], paths[i] };
	}
	b.n_join = 7;
	last = strlen(paths[6]);
	assert_int_equal(bootstrap_encode(&b, buf, sizeof(buf), &n), 0);
	assert_int_equal(n, BOOTSTRAP_MSG_MAX);
	assert_int_equal(bootstrap_decode(buf, n, &d, errbuf, sizeof(errbuf)), 0);
	assert_true(bootstrap_equal(&b, &d));
	assert_int_equal(strlen(d.join[6].path), last);

	/* one byte more needs one aligned word more */
	paths[6][last] = 'p';
	paths[6][last + 1] = '\0';
	errno = 0;
	assert_int_equal(bootstrap_encode(&b, buf, sizeof(buf), &n), -1);
	assert_int_equal(errno, EMSGSIZE);
	/* a cap below BOOTSTRAP_MSG_MAX is kept too */
	paths[6][last] = '\0';
	assert_int_equal(bootstrap_encode(&b, buf, BOOTSTRAP_MSG_MAX - 4, &n), -1);
	assert_int_equal(errno, EMSGSIZE);
	b.n_join = 1;
	assert_int_equal(bootstrap_encode(&b, buf, 64, &n), -1);
	assert_int_equal(errno, EMSGSIZE);
	/* a path longer than an nlattr length can say */
	memset(huge, 'h', sizeof(huge) - 1);
	huge[0] = '/';
	b.join[0].path = huge;
	assert_int_equal(bootstrap_encode(&b, buf, sizeof(buf), &n), -1);
	assert_int_equal(errno, EMSGSIZE);
	/* the encoder keeps the decoder's rules */
	b.join[0] = (struct bootstrap_join){ CLONE_NEWNS, "/proc/1/ns/mnt" };
	assert_int_equal(bootstrap_encode(&b, buf, sizeof(buf), &n), -1);
	assert_int_equal(errno, EINVAL);
}

/* ---- property: decode(encode(x)) == x ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static void gen(struct bootstrap *b, char *store, size_t cap)
{
	static const uint32_t ns[] = { CLONE_NEWUSER, CLONE_NEWIPC,    CLONE_NEWUTS,
				       CLONE_NEWNET,  CLONE_NEWPID,    CLONE_NEWCGROUP,
				       CLONE_NEWTIME };
	size_t used = 0;

	memset(b, 0, sizeof(*b));
	b->mode = rnd() % 2 ? BOOTSTRAP_MODE_CREATE : BOOTSTRAP_MODE_EXEC;
	b->init_fd = (int32_t)(rnd() % 1024);
	b->data_fd = (int32_t)(rnd() & 0x7fffffff);
	for (size_t i = 0; i < 7; i++) {
		uint32_t pick = rnd() % 3;

		if (pick == 1 && b->mode == BOOTSTRAP_MODE_CREATE) {
			b->clone_flags |= ns[i];
		} else if (pick == 2) {
			size_t start = used, tail = rnd() % 4 ? 0 : rnd() % 4000;

			used += (size_t)snprintf(store + used, cap - used, "/proc/%u/ns/%s",
						 rnd() % 99999, bootstrap_ns_name(ns[i]));
			for (size_t k = 0; k < tail && used + 2 < cap; k++)
				store[used++] = (char)('a' + rnd() % 26);
			store[used++] = '\0';
			b->join[b->n_join].type = ns[i];
			b->join[b->n_join++].path = store + start;
		}
	}
	if (b->mode == BOOTSTRAP_MODE_CREATE && rnd() % 2)
		b->clone_flags |= CLONE_NEWNS;
	if (b->clone_flags & CLONE_NEWTIME) {
		if (rnd() % 2)
			b->time_monotonic = (struct bootstrap_time){
				true, (int64_t)rnd() - (int64_t)rnd() * 4096, rnd() % 1000000000u };
		if (rnd() % 2)
			b->time_boottime = (struct bootstrap_time){ true, -(int64_t)rnd(),
								   rnd() % 1000000000u };
	}
	if (rnd() % 2) {
		b->has_oom_score_adj = true;
		b->oom_score_adj = (int32_t)(rnd() % 2001) - 1000;
	}
}

static void test_roundtrip_property(void **state)
{
	static char store[40 * 1024];
	static unsigned char again[BOOTSTRAP_MSG_MAX] __attribute__((aligned(8)));
	struct bootstrap b, d;
	size_t n, n2;

	for (int i = 0; i < 4000; i++) {
		gen(&b, store, sizeof(store));
		if (bootstrap_encode(&b, buf, BOOTSTRAP_MSG_MAX, &n) < 0)
			fail_msg("case %d: encode: %s", i, strerror(errno));
		if (bootstrap_decode(buf, n, &d, errbuf, sizeof(errbuf)) < 0)
			fail_msg("case %d: decode: %s", i, errbuf);
		assert_true(bootstrap_equal(&b, &d));
		/* a decoded struct re-encodes to the very same bytes */
		assert_int_equal(bootstrap_encode(&d, again, sizeof(again), &n2), 0);
		assert_int_equal(n, n2);
		assert_memory_equal(buf, again, n);
		/* every strict prefix is refused, never read past */
		if (i % 50 == 0)
			for (size_t cut = 0; cut < n; cut += 4)
				assert_int_equal(bootstrap_decode(buf, cut, &d, errbuf, sizeof(errbuf)), -1);
	}
}

/* Flipped bytes anywhere: decoded or refused, never a crash (ASan watches). */
static void test_mutations(void **state)
{
	static char store[40 * 1024];
	struct bootstrap b, d;
	size_t n;
	int refused = 0;

	for (int i = 0; i < 3000; i++) {
		gen(&b, store, sizeof(store));
		assert_int_equal(bootstrap_encode(&b, buf, BOOTSTRAP_MSG_MAX, &n), 0);
		buf[rnd() % n] ^= (unsigned char)(1u << (rnd() % 8));
		if (bootstrap_decode(buf, n, &d, errbuf, sizeof(errbuf)) < 0) {
			refused++;
			assert_true(strncmp(errbuf, "bootstrap: ", 11) == 0);
		}
	}
	assert_true(refused > 100);
}

/* ---- kura-shim driven through a real socket ---- */

static char shim_path[PATH_MAX];

static void shim_locate(void)
{
	char exe[PATH_MAX - 16];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	assert_true(n > 0);
	exe[n] = '\0';
	/* build/tests/test_bootstrap or build/asan/tests/test_bootstrap */
	for (int up = 0; up < 3; up++) {
		slash = strrchr(exe, '/');
		assert_non_null(slash);
		*slash = '\0';
		snprintf(shim_path, sizeof(shim_path), "%s/kura-shim", exe);
		if (access(shim_path, X_OK) == 0)
			return;
	}
	shim_path[0] = '\0';
}

/* Run the shim on a message and return what it answers. */
static int shim_answer(const void *msg, size_t len, struct sync_msg *out, int *status)
{
	int sv[2];
	pid_t pid;
	int r;

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char fd[16];

		snprintf(fd, sizeof(fd), "%d", sv[1]);
		fcntl(sv[1], F_SETFD, 0);
		execl(shim_path, "kura-shim", fd, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	assert_true(send(sv[0], msg, len, 0) >= 0);
	r = sync_recv(sv[0], out);
	close(sv[0]);
	assert_int_equal(waitpid(pid, status, 0), pid);
	return r;
}

static void test_shim_refuses_bad_blob(void **state)
{
	static unsigned char big[BOOTSTRAP_MSG_MAX + 8];
	struct sync_msg m;
	struct raw r;
	int status;

	shim_locate();
	if (!shim_path[0])
		skip();
	assert_int_equal(shim_answer("garbage!", 8, &m, &status), 1);
	assert_int_equal(m.type, SYNC_ERROR);
	assert_string_equal(m.text, "bootstrap: message of 8 bytes: truncated header");
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 1);

	raw_minimal(&r);
	raw_u32(&r, BOOTSTRAP_A_CLONE_FLAGS, 0x100);
	assert_int_equal(shim_answer(buf, raw_end(&r), &m, &status), 1);
	assert_int_equal(m.type, SYNC_ERROR);
	assert_string_equal(m.text, "bootstrap: clone flags 0x100: not namespace flags");

	memset(big, 0, sizeof(big));
	assert_int_equal(shim_answer(big, sizeof(big), &m, &status), 1);
	assert_int_equal(m.type, SYNC_ERROR);
	assert_non_null(strstr(m.text, "larger than"));

	/* a join path that is not there: the open is named, nothing is joined */
	{
		struct bootstrap b = { .mode = BOOTSTRAP_MODE_CREATE, .init_fd = 0, .data_fd = 0 };
		size_t n;

		b.join[0].type = CLONE_NEWNET;
		b.join[0].path = "/nonexistent/ns/net";
		b.n_join = 1;
		assert_int_equal(bootstrap_encode(&b, buf, sizeof(buf), &n), 0);
		assert_int_equal(shim_answer(buf, n, &m, &status), 1);
		assert_int_equal(m.type, SYNC_ERROR);
		assert_string_equal(m.text,
				    "open net namespace /nonexistent/ns/net: No such file or directory");
	}
}

/* ---- spawn_start with this binary as the init half ---- */

/*
 * What the fake init reports: "pid=<getpid> net=<ino> uts=<ino> ... uidmap=<text>"
 * and its argv, as one SYNC_READY message.
 */
static int fake_init(int argc, char **argv)
{
	static const char *const names[] = { "user", "ipc", "uts", "net", "pid", "cgroup", "time", "mnt" };
	char text[SYNC_TEXT_MAX];
	size_t len = 0;
	int sync_fd = atoi(argv[2]);
	struct stat st;
	FILE *f;

	len += (size_t)snprintf(text + len, sizeof(text) - len, "pid=%d argc=%d data=%s", getpid(),
				argc, argc > 3 ? argv[3] : "");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char p[64];

		snprintf(p, sizeof(p), "/proc/self/ns/%s", names[i]);
		if (stat(p, &st) == 0)
			len += (size_t)snprintf(text + len, sizeof(text) - len, " %s=%lu", names[i],
						(unsigned long)st.st_ino);
	}
	len += (size_t)snprintf(text + len, sizeof(text) - len, " uid=%d uidmap=", getuid());
	f = fopen("/proc/self/uid_map", "r");
	if (f) {
		int a, b, c;

		while (fscanf(f, "%d %d %d", &a, &b, &c) == 3)
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%d:%d:%d,", a, b, c);
		fclose(f);
	}
	{
		/* CVE-2019-5736: the container must not be able to write kura */
		/*
		 * CVE-2019-5736: the binary must stay unwritable after the exec
		 * too (ETXTBSY only lasts while it runs): a read-only mount or
		 * write seals.
		 */
		int r = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
		int e = errno;
		struct statvfs sv;
		int seals = r >= 0 ? fcntl(r, F_GET_SEALS) : -1;
		/* in a user namespace kura runs from a 0111 memfd: not even readable */
		bool ro = (r >= 0 && fstatvfs(r, &sv) == 0 && (sv.f_flag & ST_RDONLY)) ||
			  (seals > 0 && (seals & F_SEAL_WRITE)) || (r < 0 && e == EACCES);

		len += (size_t)snprintf(text + len, sizeof(text) - len, " exe_sealed=%d", ro);
		if (r >= 0)
			close(r);
	}
	f = fopen("/proc/self/oom_score_adj", "r");
	if (f) {
		int v;

		if (fscanf(f, "%d", &v) == 1)
			len += (size_t)snprintf(text + len, sizeof(text) - len, " oom=%d", v);
		fclose(f);
	}
	f = fopen("/proc/self/timens_offsets", "r");
	if (f) {
		char name[32];
		long long secs;
		long nsecs;

		while (fscanf(f, "%31s %lld %ld", name, &secs, &nsecs) == 3)
			len += (size_t)snprintf(text + len, sizeof(text) - len, " %s=%lld.%ld", name,
						secs, nsecs);
		fclose(f);
	}
	sync_send(sync_fd, SYNC_READY, 0, text);
	return 0;
}

static unsigned long ns_ino(pid_t pid, const char *name)
{
	char p[64];
	struct stat st;

	if (pid)
		snprintf(p, sizeof(p), "/proc/%d/ns/%s", (int)pid, name);
	else
		snprintf(p, sizeof(p), "/proc/self/ns/%s", name);
	assert_int_equal(stat(p, &st), 0);
	return (unsigned long)st.st_ino;
}

static unsigned long report_ino(const char *text, const char *name)
{
	char key[32];
	const char *p;

	snprintf(key, sizeof(key), " %s=", name);
	p = strstr(text, key);
	assert_non_null(p);
	return strtoul(p + strlen(key), NULL, 10);
}

/* Run spawn_start and collect the fake init's report. */
static int run_spawn(const struct spawn_req *req, char *report, size_t cap, struct kerr *err)
{
	struct spawn_result res;
	struct sync_msg m;
	int status;

	if (spawn_start(req, &res, err) < 0)
		return -1;
	assert_true(res.init_pid > 0);
	assert_int_equal(sync_recv(res.sync_fd, &m), 1);
	assert_int_equal(m.type, SYNC_READY);
	snprintf(report, cap, "%s", m.text);
	close(res.sync_fd);
	/* the init is ours (CLONE_PARENT), not the shim's */
	assert_int_equal(waitpid(res.init_pid, &status, 0), res.init_pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return 0;
}

static int spawn_setup(void **state)
{
	char link[PATH_MAX], exe[PATH_MAX - 16];
	ssize_t n;

	if (geteuid() != 0)
		return 0;
	shim_locate();
	if (!shim_path[0])
		return 0;
	/* util_find_libexec looks next to /proc/self/exe first */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(link, sizeof(link), "%s/kura-shim", exe);
	if (strcmp(link, shim_path) != 0) {
		unlink(link);
		if (symlink(shim_path, link) < 0)
			return -1;
	}
	return 0;
}

#define NEED_ROOT()                                  \
	do {                                         \
		if (geteuid() != 0 || !shim_path[0]) \
			skip();                      \
	} while (0)

static void test_spawn_new_namespaces(void **state)
{
	struct spec_namespace ns[] = { { SPEC_NS_PID, NULL },    { SPEC_NS_NETWORK, NULL },
				       { SPEC_NS_IPC, NULL },    { SPEC_NS_UTS, NULL },
				       { SPEC_NS_CGROUP, NULL }, { SPEC_NS_MOUNT, NULL } };
	struct spec s = { .has_linux = true };
	struct spawn_req req = { .mode = SPAWN_CREATE, .spec = &s, .data_fd = 0, .cgroup_fd = -1 };
	char report[SYNC_TEXT_MAX];
	struct kerr err = { 0 };
	const char *changed[] = { "pid", "net", "ipc", "uts", "cgroup", "mnt" };

	NEED_ROOT();
	s.linux_.namespaces = ns;
	s.linux_.n_namespaces = sizeof(ns) / sizeof(ns[0]);
	if (run_spawn(&req, report, sizeof(report), &err) < 0)
		fail_msg("spawn: %s", err.msg);
	assert_non_null(strstr(report, "pid=1 argc=4 data=0"));
	if (!strstr(report, " exe_sealed=1"))
		fail_msg("CVE-2019-5736: the init can write its binary: %s", report);
	for (size_t i = 0; i < sizeof(changed) / sizeof(changed[0]); i++)
		if (report_ino(report, changed[i]) == ns_ino(0, changed[i]))
			fail_msg("%s namespace not new: %s", changed[i], report);
	assert_int_equal(report_ino(report, "user"), ns_ino(0, "user"));
	assert_int_equal(report_ino(report, "time"), ns_ino(0, "time"));
}

static void test_spawn_user_namespace(void **state)
{
	struct spec_namespace ns[] = { { SPEC_NS_USER, NULL }, { SPEC_NS_TIME, NULL } };
	struct spec_idmap uids[] = { { 0, 100000, 1000 }, { 1000, 300000, 10 } };
	struct spec_idmap gids[] = { { 0, 200000, 65536 } };
	struct spec s = { .has_linux = true };
	struct spawn_req req = { .mode = SPAWN_CREATE, .spec = &s, .data_fd = 0, .cgroup_fd = -1,
				 .has_oom_score_adj = true, .oom_score_adj = 123 };
	char report[SYNC_TEXT_MAX];
	struct kerr err = { 0 };

	NEED_ROOT();
	s.linux_.namespaces = ns;
	s.linux_.n_namespaces = 2;
	s.linux_.uid_mappings = uids;
	s.linux_.n_uid_mappings = 2;
	s.linux_.gid_mappings = gids;
	s.linux_.n_gid_mappings = 1;
	s.linux_.time_monotonic = (struct spec_time_offset){ true, 86400, 5 };
	if (run_spawn(&req, report, sizeof(report), &err) < 0)
		fail_msg("spawn: %s", err.msg);
	if (!strstr(report, "uid=0 uidmap=0:100000:1000,1000:300000:10, exe_sealed=1 oom=123 monotonic=86400.5 boottime=0.0"))
		fail_msg("report: %s", report);
	assert_int_not_equal(report_ino(report, "user"), ns_ino(0, "user"));
	assert_int_not_equal(report_ino(report, "time"), ns_ino(0, "time"));
}

/* The kernel refuses overlapping ranges: kura says so and leaves nothing. */
static void test_spawn_bad_map_cleans_up(void **state)
{
	struct spec_namespace ns[] = { { SPEC_NS_USER, NULL }, { SPEC_NS_PID, NULL } };
	struct spec_idmap uids[] = { { 0, 100000, 10 }, { 5, 200000, 10 } };
	struct spec s = { .has_linux = true };
	struct spawn_req req = { .mode = SPAWN_CREATE, .spec = &s, .data_fd = 0, .cgroup_fd = -1 };
	char report[SYNC_TEXT_MAX];
	struct kerr err = { 0 };

	NEED_ROOT();
	s.linux_.namespaces = ns;
	s.linux_.n_namespaces = 2;
	s.linux_.uid_mappings = uids;
	s.linux_.n_uid_mappings = 2;
	s.linux_.gid_mappings = uids;
	s.linux_.n_gid_mappings = 1;
	assert_int_equal(run_spawn(&req, report, sizeof(report), &err), -1);
	if (!strstr(err.msg, "user namespace: ") || !strstr(err.msg, "uid_map") ||
	    !strstr(err.msg, "Invalid argument"))
		fail_msg("error: %s", err.msg);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/*
 * Rootless: no open_tree (no CAP_SYS_ADMIN), so the init runs from a sealed
 * memfd; kura writes a one-line map itself after "deny" to setgroups.  Run
 * as nobody in a child, which reports by exit status.
 */
static void test_spawn_rootless(void **state)
{
	struct spec_namespace ns[] = { { SPEC_NS_USER, NULL }, { SPEC_NS_PID, NULL },
				       { SPEC_NS_UTS, NULL },  { SPEC_NS_MOUNT, NULL } };
	struct spec_idmap uids[] = { { 0, 65534, 1 } };
	struct spec s = { .has_linux = true };
	struct spawn_req req = { .mode = SPAWN_CREATE, .spec = &s, .data_fd = 0, .cgroup_fd = -1,
				 .has_oom_score_adj = true, .oom_score_adj = 77 };
	int status;
	pid_t pid;

	NEED_ROOT();
	if (access("/proc/self/exe", R_OK) < 0)
		skip();
	s.linux_.namespaces = ns;
	s.linux_.n_namespaces = 4;
	s.linux_.uid_mappings = uids;
	s.linux_.n_uid_mappings = 1;
	s.linux_.gid_mappings = uids;
	s.linux_.n_gid_mappings = 1;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char report[SYNC_TEXT_MAX];
		struct spawn_result res;
		struct sync_msg m;
		struct kerr err = { 0 };

		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0)
			_exit(10);
		if (spawn_start(&req, &res, &err) < 0) {
			fprintf(stderr, "rootless spawn: %s\n", err.msg);
			_exit(11);
		}
		if (sync_recv(res.sync_fd, &m) != 1 || m.type != SYNC_READY)
			_exit(12);
		snprintf(report, sizeof(report), "%s", m.text);
		waitpid(res.init_pid, &status, 0);
		if (!strstr(report, "pid=1 ") || !strstr(report, "uid=0 uidmap=0:65534:1, exe_sealed=1 oom=77")) {
			fprintf(stderr, "rootless report: %s\n", report);
			_exit(13);
		}
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 10)
		skip();
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static pid_t holder_start(int flags)
{
	int p[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (unshare(flags) < 0)
			_exit(1);
		close(p[0]);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	return pid;
}

static void holder_stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void test_spawn_join_by_path(void **state)
{
	char path[64];
	struct spec_namespace ns[] = { { SPEC_NS_NETWORK, path }, { SPEC_NS_UTS, NULL } };
	struct spec s = { .has_linux = true };
	struct spawn_req req = { .mode = SPAWN_CREATE, .spec = &s, .data_fd = 0, .cgroup_fd = -1 };
	char report[SYNC_TEXT_MAX];
	struct kerr err = { 0 };
	pid_t holder;

	NEED_ROOT();
	holder = holder_start(CLONE_NEWNET);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)holder);
	s.linux_.namespaces = ns;
	s.linux_.n_namespaces = 2;
	if (run_spawn(&req, report, sizeof(report), &err) < 0) {
		holder_stop(holder);
		fail_msg("spawn: %s", err.msg);
	}
	assert_int_equal(report_ino(report, "net"), ns_ino(holder, "net"));
	assert_int_not_equal(report_ino(report, "uts"), ns_ino(0, "uts"));
	holder_stop(holder);

	/* a path that is not there is one clear error, and nothing is left */
	ns[0].path = "/proc/self/ns/nope";
	assert_int_equal(run_spawn(&req, report, sizeof(report), &err), -1);
	assert_string_equal(err.msg,
			    "open net namespace /proc/self/ns/nope: No such file or directory");
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* Joining a user namespace comes first; the new namespaces are then its own. */
static void test_spawn_join_user_namespace(void **state)
{
	char path[64], map[64];
	struct spec_namespace ns[] = { { SPEC_NS_USER, path }, { SPEC_NS_UTS, NULL },
				       { SPEC_NS_PID, NULL } };
	struct spec s = { .has_linux = true };
	struct spawn_req req = { .mode = SPAWN_CREATE, .spec = &s, .data_fd = 0, .cgroup_fd = -1 };
	char report[SYNC_TEXT_MAX];
	struct kerr err = { 0 };
	pid_t holder;
	int fd;

	NEED_ROOT();
	holder = holder_start(CLONE_NEWUSER);
	for (int i = 0; i < 2; i++) {
		snprintf(map, sizeof(map), "/proc/%d/%s", (int)holder, i ? "gid_map" : "uid_map");
		fd = open(map, O_WRONLY);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, "0 100000 65536\n", 15), 15);
		close(fd);
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)holder);
	s.linux_.namespaces = ns;
	s.linux_.n_namespaces = 3;
	if (run_spawn(&req, report, sizeof(report), &err) < 0) {
		holder_stop(holder);
		fail_msg("spawn: %s", err.msg);
	}
	assert_int_equal(report_ino(report, "user"), ns_ino(holder, "user"));
	assert_int_not_equal(report_ino(report, "uts"), ns_ino(0, "uts"));
	if (!strstr(report, "pid=1 ") || !strstr(report, "uid=0 uidmap=0:100000:65536,"))
		fail_msg("report: %s", report);
	holder_stop(holder);
}

/* Exec into a user-namespaced container: user first, then what it owns. */
static void test_spawn_exec_joins_user_namespace(void **state)
{
	struct spawn_req req = { .mode = SPAWN_EXEC, .data_fd = 0, .cgroup_fd = -1 };
	char report[SYNC_TEXT_MAX], map[64];
	struct kerr err = { 0 };
	pid_t holder;
	int fd;

	NEED_ROOT();
	holder = holder_start(CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWIPC);
	for (int i = 0; i < 2; i++) {
		snprintf(map, sizeof(map), "/proc/%d/%s", (int)holder, i ? "gid_map" : "uid_map");
		fd = open(map, O_WRONLY);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, "0 100000 65536\n", 15), 15);
		close(fd);
	}
	req.join_pid = holder;
	if (run_spawn(&req, report, sizeof(report), &err) < 0) {
		holder_stop(holder);
		fail_msg("spawn: %s", err.msg);
	}
	assert_int_equal(report_ino(report, "user"), ns_ino(holder, "user"));
	assert_int_equal(report_ino(report, "uts"), ns_ino(holder, "uts"));
	assert_int_equal(report_ino(report, "net"), ns_ino(holder, "net"));
	assert_int_equal(report_ino(report, "ipc"), ns_ino(holder, "ipc"));
	assert_non_null(strstr(report, "uid=0 uidmap=0:100000:65536,"));
	holder_stop(holder);
}

static void test_spawn_exec_joins(void **state)
{
	struct spawn_req req = { .mode = SPAWN_EXEC, .data_fd = 0, .cgroup_fd = -1 };
	char report[SYNC_TEXT_MAX];
	struct kerr err = { 0 };
	pid_t holder;

	NEED_ROOT();
	holder = holder_start(CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNS);
	req.join_pid = holder;
	if (run_spawn(&req, report, sizeof(report), &err) < 0) {
		holder_stop(holder);
		fail_msg("spawn: %s", err.msg);
	}
	assert_int_equal(report_ino(report, "net"), ns_ino(holder, "net"));
	assert_int_equal(report_ino(report, "uts"), ns_ino(holder, "uts"));
	assert_int_equal(report_ino(report, "ipc"), ns_ino(holder, "ipc"));
	/* mnt is the init half's to join */
	assert_int_equal(report_ino(report, "mnt"), ns_ino(0, "mnt"));
	holder_stop(holder);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_decodes),
		cmocka_unit_test(test_refusals_framing),
		cmocka_unit_test(test_refusals_attributes),
		cmocka_unit_test(test_refusals_semantics),
		cmocka_unit_test(test_max_message),
		cmocka_unit_test(test_roundtrip_property),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_shim_refuses_bad_blob),
		cmocka_unit_test(test_spawn_new_namespaces),
		cmocka_unit_test(test_spawn_user_namespace),
		cmocka_unit_test(test_spawn_bad_map_cleans_up),
		cmocka_unit_test(test_spawn_rootless),
		cmocka_unit_test(test_spawn_join_by_path),
		cmocka_unit_test(test_spawn_join_user_namespace),
		cmocka_unit_test(test_spawn_exec_joins),
		cmocka_unit_test(test_spawn_exec_joins_user_namespace),
	};

	if (argc >= 3 && strcmp(argv[1], "init") == 0)
		return fake_init(argc, argv);
	return cmocka_run_group_tests_name("bootstrap", tests, spawn_setup, NULL);
}
