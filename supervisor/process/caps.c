/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capabilities: a sorted name table, and the five sets applied with
 * libcap-ng (bounding, effective, permitted, inheritable) and prctl (ambient).
 */
#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "caps.h"
#include "process.h"
#include "util/util.h"

struct cap_name {
	const char *name;
	int value;
};

/* Sorted by name for bsearch; numbers from include/uapi/linux/capability.h. */
static const struct cap_name cap_names[] = {
	{ "CAP_AUDIT_CONTROL", 30 },
	{ "CAP_AUDIT_READ", 37 },
	{ "CAP_AUDIT_WRITE", 29 },
	{ "CAP_BLOCK_SUSPEND", 36 },
	{ "CAP_BPF", 39 },
	{ "CAP_CHECKPOINT_RESTORE", 40 },
	{ "CAP_CHOWN", 0 },
	{ "CAP_DAC_OVERRIDE", 1 },
	{ "CAP_DAC_READ_SEARCH", 2 },
	{ "CAP_FOWNER", 3 },
	{ "CAP_FSETID", 4 },
	{ "CAP_IPC_LOCK", 14 },
	{ "CAP_IPC_OWNER", 15 },
	{ "CAP_KILL", 5 },
	{ "CAP_LEASE", 28 },
	{ "CAP_LINUX_IMMUTABLE", 9 },
	{ "CAP_MAC_ADMIN", 33 },
	{ "CAP_MAC_OVERRIDE", 32 },
	{ "CAP_MKNOD", 27 },
	{ "CAP_NET_ADMIN", 12 },
	{ "CAP_NET_BIND_SERVICE", 10 },
	{ "CAP_NET_BROADCAST", 11 },
	{ "CAP_NET_RAW", 13 },
	{ "CAP_PERFMON", 38 },
	{ "CAP_SETFCAP", 31 },
	{ "CAP_SETGID", 6 },
	{ "CAP_SETPCAP", 8 },
	{ "CAP_SETUID", 7 },
	{ "CAP_SYSLOG", 34 },
	{ "CAP_SYS_ADMIN", 21 },
	{ "CAP_SYS_BOOT", 22 },
	{ "CAP_SYS_CHROOT", 18 },
	{ "CAP_SYS_MODULE", 16 },
	{ "CAP_SYS_NICE", 23 },
	{ "CAP_SYS_PACCT", 20 },
	{ "CAP_SYS_PTRACE", 19 },
	{ "CAP_SYS_RAWIO", 17 },
	{ "CAP_SYS_RESOURCE", 24 },
	{ "CAP_SYS_TIME", 25 },
	{ "CAP_SYS_TTY_CONFIG", 26 },
	{ "CAP_WAKE_ALARM", 35 },
};

#define CAP_NAMES_N (sizeof(cap_names) / sizeof(cap_names[0]))
/* The highest number in cap_names; masks are 64 bits wide. */
#define CAPS_TABLE_LAST 40

static int cap_name_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct cap_name *)elem)->name);
}

int process_cap_from_name(const char *name)
{
	const struct cap_name *c;

	if (!name)
		return -1;
	c = bsearch(name, cap_names, CAP_NAMES_N, sizeof(cap_names[0]), cap_name_cmp);
	return c ? c->value : -1;
}

static const char *cap_name_of(unsigned int value)
{
	for (size_t i = 0; i < CAP_NAMES_N; i++)
		if ((unsigned int)cap_names[i].value == value)
			return cap_names[i].name;
	return "?";
}

int caps_last_cap(void)
{
	char buf[16];
	_cleanup_close_ int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	ssize_t n;
	long long v;

	if (fd < 0)
		return CAPS_TABLE_LAST;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return CAPS_TABLE_LAST;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (util_parse_long(buf, &v) < 0 || v < 0 || v > 63)
		return CAPS_TABLE_LAST;
	return (int)v;
}

int caps_mask_from_names(const struct spec_strv *names, const char *field, int last_cap,
			 uint64_t *mask, struct kerr *err)
{
	uint64_t m = 0;

	for (size_t i = 0; i < names->n; i++) {
		int c = process_cap_from_name(names->v[i]);

		if (c < 0)
			return kerr_set(err, "%s[%zu]: unknown capability \"%s\"", field, i,
					names->v[i] ? names->v[i] : "");
		if (c > last_cap) {
			/* runc too lets a config written for a newer kernel run */
			fprintf(stderr, "kura: warning: %s[%zu]: capability %s is not supported by this kernel, ignored\n",
				field, i, names->v[i]);
			continue;
		}
		m |= UINT64_C(1) << c;
	}
	*mask = m;
	return 0;
}

int caps_masks_from_spec(const struct spec_capabilities *c, int last_cap,
			 struct caps_masks *out, struct kerr *err)
{
	struct caps_masks m;

	memset(&m, 0, sizeof(m));
	if (caps_mask_from_names(&c->bounding, ".process.capabilities.bounding", last_cap,
				 &m.bounding, err) < 0 ||
	    caps_mask_from_names(&c->effective, ".process.capabilities.effective", last_cap,
				 &m.effective, err) < 0 ||
	    caps_mask_from_names(&c->permitted, ".process.capabilities.permitted", last_cap,
				 &m.permitted, err) < 0 ||
	    caps_mask_from_names(&c->inheritable, ".process.capabilities.inheritable", last_cap,
				 &m.inheritable, err) < 0 ||
	    caps_mask_from_names(&c->ambient, ".process.capabilities.ambient", last_cap,
				 &m.ambient, err) < 0)
		return -1;
	*out = m;
	return 0;
}

static void caps_update(capng_type_t type, uint64_t mask)
{
	for (unsigned int c = 0; c <= CAPS_TABLE_LAST; c++)
		if (mask & (UINT64_C(1) << c))
			capng_update(CAPNG_ADD, type, c);
}

int caps_apply_bounding(const struct caps_masks *m, struct kerr *err)
{
	capng_clear(CAPNG_SELECT_BOUNDS);
	caps_update(CAPNG_BOUNDING_SET, m->bounding);
	if (capng_apply(CAPNG_SELECT_BOUNDS) < 0)
		return kerr_errno(err, errno ? errno : EPERM, "apply bounding capabilities");
	return 0;
}

int caps_apply_sets(const struct caps_masks *m, struct kerr *err)
{
	uint64_t amb;

	capng_clear(CAPNG_SELECT_CAPS);
	caps_update(CAPNG_EFFECTIVE, m->effective);
	caps_update(CAPNG_PERMITTED, m->permitted);
	/* inheritable stays empty unless asked for (CVE-2022-29162) */
	caps_update(CAPNG_INHERITABLE, m->inheritable);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return kerr_errno(err, errno ? errno : EPERM,
				  "apply effective, permitted and inheritable capabilities");

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return kerr_errno(err, errno, "clear ambient capabilities");
	/*
	 * The kernel raises an ambient capability only when it is both
	 * permitted and inheritable.  Since CVE-2022-29162 inheritable is empty
	 * unless asked for, and `runc spec` (ours too) lists ambient without
	 * it: such entries are skipped quietly, as runc does.
	 */
	amb = m->ambient & m->permitted & m->inheritable;
	for (unsigned int c = 0; c <= CAPS_TABLE_LAST; c++) {
		if (!(amb & (UINT64_C(1) << c)))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
			return kerr_errno(err, errno, "raise ambient capability %s", cap_name_of(c));
	}
	return 0;
}
