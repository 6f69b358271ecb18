/* SPDX-License-Identifier: Apache-2.0 */
/* .linux.seccomp: defaultAction, architectures, flags and syscall rules. */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "process_seccomp.h"
#include "bootstrap/sync.h"
#include "util/util.h"

#define SECCOMP_MAX_ARGS 6

/*
 * The init half itself makes these between loading a notifying filter and
 * hearing back from kura (sending the listener fd, waiting for the reply,
 * reporting an error): a notification on them would wait on a listener
 * nobody serves yet.  runc refuses "write" for the same reason.
 */
static const char *const seccomp_notify_refused[] = {
	"recvfrom", "recvmsg", "sendmsg", "sendto", "write",
};

static uint32_t seccomp_action_value(uint32_t action, bool has_ret, uint32_t ret)
{
	/* the data bits of ERRNO and TRACE: errnoRet, EPERM when absent (as runc) */
	if (action == SCMP_ACT_ERRNO(0))
		return SCMP_ACT_ERRNO(has_ret ? ret : EPERM);
	if (action == SCMP_ACT_TRACE(0))
		return SCMP_ACT_TRACE(has_ret ? ret : EPERM);
	return action;
}

static bool seccomp_action_valid(uint32_t a)
{
	switch (a) {
	case SCMP_ACT_KILL_PROCESS:
	case SCMP_ACT_KILL_THREAD:
	case SCMP_ACT_TRAP:
	case SCMP_ACT_NOTIFY:
	case SCMP_ACT_ERRNO(0):
	case SCMP_ACT_TRACE(0):
	case SCMP_ACT_LOG:
	case SCMP_ACT_ALLOW:
		return true;
	default:
		return false;
	}
}

static int seccomp_add_arches(scmp_filter_ctx ctx, const struct spec_seccomp *s,
			      struct kerr *err)
{
	for (size_t i = 0; i < s->architectures.n; i++) {
		const char *name = s->architectures.v[i];
		uint32_t arch = spec_seccomp_arch_from_name(name);
		int r;

		if (arch == 0)
			return kerr_set(err, ".linux.seccomp.architectures[%zu]: unknown architecture \"%s\"",
					i, name ? name : "");
		r = seccomp_arch_add(ctx, arch);
		if (r < 0 && r != -EEXIST)
			return kerr_errno(err, -r, ".linux.seccomp.architectures[%zu]: add %s", i, name);
	}
	return 0;
}

static int seccomp_set_flags(scmp_filter_ctx ctx, const struct spec_seccomp *s,
			     struct kerr *err)
{
	for (size_t i = 0; i < s->flags.n; i++) {
		const char *f = s->flags.v[i] ? s->flags.v[i] : "";
		enum scmp_filter_attr attr;
		int r;

		if (strcmp(f, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
			attr = SCMP_FLTATR_CTL_TSYNC;
		else if (strcmp(f, "SECCOMP_FILTER_FLAG_LOG") == 0)
			attr = SCMP_FLTATR_CTL_LOG;
		else if (strcmp(f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
			attr = SCMP_FLTATR_CTL_SSB;
		else if (strcmp(f, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0) {
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
			attr = SCMP_FLTATR_CTL_WAITKILL;
#else
			continue; /* libseccomp < 2.6 lacks it: seccomp_load_raw() sets it */
#endif
		} else
			return kerr_set(err, ".linux.seccomp.flags[%zu]: unknown flag \"%s\"", i, f);
		r = seccomp_attr_set(ctx, attr, 1);
		if (r < 0)
			return kerr_errno(err, -r, ".linux.seccomp.flags[%zu]: %s", i, f);
	}
	return 0;
}

static bool seccomp_notify_is_refused(const char *name)
{
	for (size_t i = 0; i < sizeof(seccomp_notify_refused) / sizeof(seccomp_notify_refused[0]); i++)
		if (strcmp(name, seccomp_notify_refused[i]) == 0)
			return true;
	return false;
}

static int seccomp_add_syscall(scmp_filter_ctx ctx, size_t idx, const struct spec_syscall *sc,
			       uint32_t action, struct kerr *err)
{
	struct scmp_arg_cmp cmp[SECCOMP_MAX_ARGS];
	unsigned int per_index[SECCOMP_MAX_ARGS] = { 0 };
	bool repeated = false;

	if (sc->n_args > SECCOMP_MAX_ARGS)
		return kerr_set(err, ".linux.seccomp.syscalls[%zu].args: more than %d conditions",
				idx, SECCOMP_MAX_ARGS);
	for (size_t a = 0; a < sc->n_args; a++) {
		const struct spec_syscall_arg *arg = &sc->args[a];

		if (arg->index >= SECCOMP_MAX_ARGS)
			return kerr_set(err, ".linux.seccomp.syscalls[%zu].args[%zu].index: %u is not below %d",
					idx, a, arg->index, SECCOMP_MAX_ARGS);
		if (arg->op < SCMP_CMP_NE || arg->op > SCMP_CMP_MASKED_EQ)
			return kerr_set(err, ".linux.seccomp.syscalls[%zu].args[%zu].op: unknown operator %d",
					idx, a, arg->op);
		cmp[a].arg = arg->index;
		cmp[a].op = (enum scmp_compare)arg->op;
		cmp[a].datum_a = arg->value;
		cmp[a].datum_b = arg->value_two;
		if (++per_index[arg->index] > 1)
			repeated = true;
	}

	for (size_t n = 0; n < sc->names.n; n++) {
		const char *name = sc->names.v[n] ? sc->names.v[n] : "";
		int nr = seccomp_syscall_resolve_name(name);
		int r = 0;

		/* a name this libseccomp or arch lacks: skipped, as runc does */
		if (nr == __NR_SCMP_ERROR)
			continue;
		if (action == SCMP_ACT_NOTIFY && seccomp_notify_is_refused(name))
			return kerr_set(err, ".linux.seccomp.syscalls[%zu]: SCMP_ACT_NOTIFY cannot be used for \"%s\": kura needs it to hand over the listener",
					idx, name);
		if (!repeated) {
			r = seccomp_rule_add_array(ctx, action, nr, (unsigned int)sc->n_args,
						   sc->n_args ? cmp : NULL);
		} else {
			/*
			 * libseccomp ANDs the conditions of one rule and refuses two
			 * on the same argument: one rule per condition then (ORed),
			 * which is what such profiles mean and what runc does.
			 */
			for (size_t a = 0; a < sc->n_args && r == 0; a++)
				r = seccomp_rule_add_array(ctx, action, nr, 1, &cmp[a]);
		}
		if (r < 0)
			return kerr_errno(err, -r, ".linux.seccomp.syscalls[%zu]: add rule for \"%s\"",
					  idx, name);
	}
	return 0;
}

bool seccomp_uses_notify(const struct spec_seccomp *s)
{
	if (!s->present)
		return false;
	if (s->default_action == SCMP_ACT_NOTIFY)
		return true;
	for (size_t i = 0; i < s->n_syscalls; i++)
		if (s->syscalls[i].action == SCMP_ACT_NOTIFY && s->syscalls[i].names.n > 0)
			return true;
	return false;
}

/*
 * A profile written before a syscall existed denies it with its default
 * action (EPERM, most often), and a libc that tries the new call first
 * (clone3, faccessat2, openat2, close_range) only falls back to the old one
 * on ENOSYS.  As runc does: every syscall numbered above the highest one the
 * profile names answers ENOSYS, unless the profile names it.
 */
static int seccomp_add_enosys_stub(scmp_filter_ctx ctx, const struct spec_seccomp *s,
				   uint32_t def, struct kerr *err)
{
	int max = -1;

	if (def == SCMP_ACT_ALLOW || def == SCMP_ACT_LOG)
		return 0;
	for (size_t i = 0; i < s->n_syscalls; i++)
		for (size_t k = 0; k < s->syscalls[i].names.n; k++) {
			int nr = seccomp_syscall_resolve_name(s->syscalls[i].names.v[k]);

			if (nr > max)
				max = nr;
		}
	if (max < 0)
		return 0;
	/* 1024: past the end of every native table libseccomp knows */
	for (int nr = max + 1; nr < 1024; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		int r;

		if (!name)
			continue;
		free(name);
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
		if (r < 0 && r != -EEXIST && r != -EACCES)
			return kerr_errno(err, -r, "seccomp: ENOSYS for syscall %d", nr);
	}
	return 0;
}

int seccomp_build(const struct spec_seccomp *s, scmp_filter_ctx *out, struct kerr *err)
{
	scmp_filter_ctx ctx;
	uint32_t def;
	int r;

	if (!seccomp_action_valid(s->default_action))
		return kerr_set(err, ".linux.seccomp.defaultAction: unknown action %#x",
				s->default_action);
	if (s->default_action == SCMP_ACT_NOTIFY)
		return kerr_set(err, ".linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
	def = seccomp_action_value(s->default_action, s->has_default_errno_ret,
				   s->default_errno_ret);
	ctx = seccomp_init(def);
	if (!ctx)
		return kerr_set(err, ".linux.seccomp.defaultAction: seccomp_init failed");

	/* no_new_privs is the spec's to decide (noNewPrivileges), not libseccomp's */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r < 0) {
		kerr_errno(err, -r, "seccomp: clear SCMP_FLTATR_CTL_NNP");
		goto fail;
	}
	if (seccomp_add_arches(ctx, s, err) < 0 || seccomp_set_flags(ctx, s, err) < 0)
		goto fail;

	for (size_t i = 0; i < s->n_syscalls; i++) {
		const struct spec_syscall *sc = &s->syscalls[i];
		uint32_t act;

		if (!seccomp_action_valid(sc->action)) {
			kerr_set(err, ".linux.seccomp.syscalls[%zu].action: unknown action %#x", i,
				 sc->action);
			goto fail;
		}
		act = seccomp_action_value(sc->action, sc->has_errno_ret, sc->errno_ret);
		if (act == def)
			continue;
		if (seccomp_add_syscall(ctx, i, sc, act, err) < 0)
			goto fail;
	}
	if (seccomp_add_enosys_stub(ctx, s, def, err) < 0)
		goto fail;
	if (seccomp_uses_notify(s) && !s->listener_path) {
		kerr_set(err, ".linux.seccomp.listenerPath: required by SCMP_ACT_NOTIFY");
		goto fail;
	}
	*out = ctx;
	return 0;
fail:
	seccomp_release(ctx);
	return -1;
}

static int seccomp_send_listener(int listener, int sync_fd, struct kerr *err)
{
	_cleanup_close_ int fd = listener;
	struct sync_msg m;
	int r;

	if (fd < 0)
		return kerr_errno(err, -fd, "seccomp: get the notify fd");
	if (sync_fd < 0)
		return kerr_set(err, "seccomp: SCMP_ACT_NOTIFY without a sync socket");
	if (sync_send_fd(sync_fd, SYNC_SECCOMP_FD, fd) < 0)
		return kerr_errno(err, errno, "seccomp: send the notify fd");
	r = sync_recv(sync_fd, &m);
	if (r < 0)
		return kerr_errno(err, errno, "seccomp: wait for kura");
	if (r == 0)
		return kerr_set(err, "seccomp: kura closed the sync socket");
	if (m.type != SYNC_SECCOMP_DONE)
		return kerr_set(err, "seccomp: unexpected sync message %u from kura", m.type);
	if (m.value != 0)
		return kerr_set(err, "seccomp: listener: %s", m.text[0] ? m.text : "failed");
	return 0;
}

int seccomp_compile(const struct spec_seccomp *s, void **bpf, size_t *len, struct kerr *err)
{
	_cleanup_close_ int mfd = -1;
	scmp_filter_ctx ctx;
	off_t size;
	void *buf;
	int r;

	*bpf = NULL;
	*len = 0;
	if (seccomp_build(s, &ctx, err) < 0)
		return -1;
	mfd = memfd_create("kura-seccomp-bpf", MFD_CLOEXEC);
	if (mfd < 0) {
		seccomp_release(ctx);
		return kerr_errno(err, errno, "seccomp: memfd");
	}
	r = seccomp_export_bpf(ctx, mfd);
	seccomp_release(ctx);
	if (r < 0)
		return kerr_errno(err, -r, "seccomp: export the filter");
	size = lseek(mfd, 0, SEEK_END);
	if (size <= 0 || size % (off_t)sizeof(struct sock_filter) ||
	    size > BPF_MAXINSNS * (off_t)sizeof(struct sock_filter))
		return kerr_set(err, "seccomp: exported filter of %lld bytes", (long long)size);
	buf = malloc((size_t)size);
	if (!buf)
		return kerr_errno(err, ENOMEM, "seccomp");
	if (pread(mfd, buf, (size_t)size, 0) != size) {
		free(buf);
		return kerr_errno(err, errno, "seccomp: read the filter");
	}
	*bpf = buf;
	*len = (size_t)size;
	return 0;
}

/*
 * Install a compiled filter with seccomp(2) and the spec's flags, as
 * libseccomp's seccomp_load would (and WAIT_KILLABLE_RECV, which Debian's
 * libseccomp 2.5 cannot set).  Returns the listener fd (notify), 0, or -1.
 */
static int seccomp_load_bpf(const struct spec_seccomp *s, const void *bpf, size_t len,
			    bool notify, struct kerr *err)
{
	struct sock_fprog prog = {
		.len = (unsigned short)(len / sizeof(struct sock_filter)),
		.filter = (struct sock_filter *)bpf,
	};
	unsigned int flags = 0, f;
	int r;

	/* the parser's table of names to bits (unknown names were refused there) */
	for (size_t i = 0; i < s->flags.n; i++)
		if (spec_seccomp_flag_from_name(s->flags.v[i], &f) == 0)
			flags |= f;
	/* TSYNC and NEW_LISTENER exclude each other; the init half has one thread anyway */
	if (notify)
		flags = (flags & ~(unsigned int)SECCOMP_FILTER_FLAG_TSYNC) |
			SECCOMP_FILTER_FLAG_NEW_LISTENER;
	r = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (r < 0 && (flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) && errno == EINVAL)
		return kerr_errno(err, errno, ".linux.seccomp.flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
	if (r < 0)
		return kerr_errno(err, errno, "seccomp: load the filter");
	return notify ? r : 0;
}

static int prepared_fd = -1;

void seccomp_use_prepared(int fd)
{
	prepared_fd = fd;
}

int seccomp_apply(const struct spec_seccomp *s, int sync_fd, struct kerr *err)
{
	bool notify = seccomp_uses_notify(s);
	_cleanup_free_ void *bpf = NULL;
	size_t len = 0;
	int r;

	if (!s->present)
		return 0;
	if (prepared_fd >= 0) {
		/* compiled by kura before the container existed (and cached) */
		struct stat st;

		if (fstat(prepared_fd, &st) < 0 || st.st_size <= 0 ||
		    st.st_size > BPF_MAXINSNS * (off_t)sizeof(struct sock_filter) ||
		    st.st_size % (off_t)sizeof(struct sock_filter))
			return kerr_set(err, "seccomp: the compiled filter kura passed is unusable");
		len = (size_t)st.st_size;
		bpf = malloc(len);
		if (!bpf)
			return kerr_errno(err, ENOMEM, "seccomp");
		if (pread(prepared_fd, bpf, len, 0) != (ssize_t)len)
			return kerr_errno(err, errno, "seccomp: read the compiled filter");
	} else if (seccomp_compile(s, &bpf, &len, err) < 0) {
		return -1;
	}
	r = seccomp_load_bpf(s, bpf, len, notify, err);
	if (r < 0)
		return -1;
	return notify ? seccomp_send_listener(r, sync_fd, err) : 0;
}
