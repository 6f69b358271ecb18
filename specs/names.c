/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The spec's enumerations as data: one table each.  Tables looked up by name
 * are sorted by name (bsearch), so adding an entry means keeping the order.
 */
#include "spec.h"

#include <linux/sched.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/resource.h>

struct name_value {
	const char *name;
	unsigned long value;
};

static int name_value_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct name_value *)elem)->name);
}

/* Find name in a sorted table; NULL when unknown. */
static const struct name_value *name_lookup(const struct name_value *tab, size_t n,
					    const char *name)
{
	if (!name)
		return NULL;
	return bsearch(name, tab, n, sizeof(*tab), name_value_cmp);
}

#define LOOKUP(tab, name) name_lookup(tab, sizeof(tab) / sizeof(tab[0]), name)

/* ---- namespaces: indexed by enum spec_ns_type ---- */

static const struct {
	const char *name;      /* in config.json */
	const char *proc_name; /* under /proc/PID/ns/ */
	int clone_flag;
} ns_table[SPEC_NS_COUNT] = {
	[SPEC_NS_PID] = { "pid", "pid", CLONE_NEWPID },
	[SPEC_NS_NETWORK] = { "network", "net", CLONE_NEWNET },
	[SPEC_NS_MOUNT] = { "mount", "mnt", CLONE_NEWNS },
	[SPEC_NS_IPC] = { "ipc", "ipc", CLONE_NEWIPC },
	[SPEC_NS_UTS] = { "uts", "uts", CLONE_NEWUTS },
	[SPEC_NS_USER] = { "user", "user", CLONE_NEWUSER },
	[SPEC_NS_CGROUP] = { "cgroup", "cgroup", CLONE_NEWCGROUP },
	[SPEC_NS_TIME] = { "time", "time", CLONE_NEWTIME },
};

const char *spec_ns_name(enum spec_ns_type t)
{
	return (unsigned)t < SPEC_NS_COUNT ? ns_table[t].name : NULL;
}

const char *spec_ns_proc_name(enum spec_ns_type t)
{
	return (unsigned)t < SPEC_NS_COUNT ? ns_table[t].proc_name : NULL;
}

int spec_ns_clone_flag(enum spec_ns_type t)
{
	return (unsigned)t < SPEC_NS_COUNT ? ns_table[t].clone_flag : 0;
}

int spec_ns_from_name(const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < SPEC_NS_COUNT; i++)
		if (strcmp(ns_table[i].name, name) == 0)
			return i;
	return -1;
}

const struct spec_namespace *spec_find_ns(const struct spec *s, enum spec_ns_type t)
{
	for (size_t i = 0; i < s->linux_.n_namespaces; i++)
		if (s->linux_.namespaces[i].type == t)
			return &s->linux_.namespaces[i];
	return NULL;
}

/* ---- process ---- */

static const struct name_value rlimits[] = {
	{ "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_STACK", RLIMIT_STACK },
};

int spec_rlimit_from_name(const char *name)
{
	const struct name_value *e = LOOKUP(rlimits, name);

	return e ? (int)e->value : -1;
}

/* SCHED_ISO is reserved by the kernel (never implemented) but the spec names it. */
static const struct name_value sched_policies[] = {
	{ "SCHED_BATCH", SCHED_BATCH },
	{ "SCHED_DEADLINE", SCHED_DEADLINE },
	{ "SCHED_FIFO", SCHED_FIFO },
	{ "SCHED_IDLE", SCHED_IDLE },
	{ "SCHED_ISO", 4 },
	{ "SCHED_OTHER", SCHED_OTHER },
	{ "SCHED_RR", SCHED_RR },
};

int spec_sched_policy_from_name(const char *name)
{
	const struct name_value *e = LOOKUP(sched_policies, name);

	return e ? (int)e->value : -1;
}

static const struct name_value sched_flags[] = {
	{ "SCHED_FLAG_DL_OVERRUN", SCHED_FLAG_DL_OVERRUN },
	{ "SCHED_FLAG_KEEP_ALL", SCHED_FLAG_KEEP_ALL },
	{ "SCHED_FLAG_KEEP_PARAMS", SCHED_FLAG_KEEP_PARAMS },
	{ "SCHED_FLAG_KEEP_POLICY", SCHED_FLAG_KEEP_POLICY },
	{ "SCHED_FLAG_RECLAIM", SCHED_FLAG_RECLAIM },
	{ "SCHED_FLAG_RESET_ON_FORK", SCHED_FLAG_RESET_ON_FORK },
	{ "SCHED_FLAG_UTIL_CLAMP", SCHED_FLAG_UTIL_CLAMP },
	{ "SCHED_FLAG_UTIL_CLAMP_MAX", SCHED_FLAG_UTIL_CLAMP_MAX },
	{ "SCHED_FLAG_UTIL_CLAMP_MIN", SCHED_FLAG_UTIL_CLAMP_MIN },
};

int spec_sched_flag_from_name(const char *name, uint32_t *flag)
{
	const struct name_value *e = LOOKUP(sched_flags, name);

	if (!e)
		return -1;
	*flag = (uint32_t)e->value;
	return 0;
}

/* Values of the kernel's ioprio ABI (include/uapi/linux/ioprio.h). */
static const struct name_value ioprio_classes[] = {
	{ "IOPRIO_CLASS_BE", 2 },
	{ "IOPRIO_CLASS_IDLE", 3 },
	{ "IOPRIO_CLASS_RT", 1 },
};

int spec_ioprio_class_from_name(const char *name)
{
	const struct name_value *e = LOOKUP(ioprio_classes, name);

	return e ? (int)e->value : -1;
}

/* ---- seccomp ---- */

/* ERRNO and TRACE carry their data in errnoRet; the table holds the base. */
static const struct name_value seccomp_actions[] = {
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0) },
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG },
	{ "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY },
	{ "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0) },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
};

int spec_seccomp_action_from_name(const char *name, uint32_t *action)
{
	const struct name_value *e = LOOKUP(seccomp_actions, name);

	if (!e)
		return -1;
	*action = (uint32_t)e->value;
	return 0;
}

static const struct name_value seccomp_ops[] = {
	{ "SCMP_CMP_EQ", SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", SCMP_CMP_GE },
	{ "SCMP_CMP_GT", SCMP_CMP_GT },
	{ "SCMP_CMP_LE", SCMP_CMP_LE },
	{ "SCMP_CMP_LT", SCMP_CMP_LT },
	{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	{ "SCMP_CMP_NE", SCMP_CMP_NE },
};

int spec_seccomp_op_from_name(const char *name)
{
	const struct name_value *e = LOOKUP(seccomp_ops, name);

	return e ? (int)e->value : -1;
}

/* Values of <linux/seccomp.h>; spelled out so this file needs no uapi header. */
static const struct name_value seccomp_flags[] = {
	{ "SECCOMP_FILTER_FLAG_LOG", 1UL << 1 },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", 1UL << 2 },
	{ "SECCOMP_FILTER_FLAG_TSYNC", 1UL << 0 },
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 1UL << 5 },
};

int spec_seccomp_flag_from_name(const char *name, unsigned int *flag)
{
	const struct name_value *e = LOOKUP(seccomp_flags, name);

	if (!e)
		return -1;
	*flag = (unsigned int)e->value;
	return 0;
}

uint32_t spec_seccomp_arch_from_name(const char *name)
{
	static const char prefix[] = "SCMP_ARCH_";
	char lower[32];
	size_t i, n;

	if (!name || strncmp(name, prefix, sizeof(prefix) - 1) != 0)
		return 0;
	name += sizeof(prefix) - 1;
	n = strlen(name);
	if (n == 0 || n >= sizeof(lower))
		return 0;
	/* The OCI names are libseccomp's, upper-cased and prefixed. */
	for (i = 0; i <= n; i++)
		lower[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ? name[i] - 'A' + 'a' : name[i]);
	return seccomp_arch_resolve_name(lower);
}

/* ---- mounts ---- */

static const struct name_value propagations[] = {
	{ "private", MS_PRIVATE },
	{ "rprivate", MS_PRIVATE | MS_REC },
	{ "rshared", MS_SHARED | MS_REC },
	{ "rslave", MS_SLAVE | MS_REC },
	{ "runbindable", MS_UNBINDABLE | MS_REC },
	{ "shared", MS_SHARED },
	{ "slave", MS_SLAVE },
	{ "unbindable", MS_UNBINDABLE },
};

unsigned long spec_propagation_flags(const char *name)
{
	const struct name_value *e = LOOKUP(propagations, name);

	return e ? e->value : 0;
}

/* ---- linux.memoryPolicy (set_mempolicy(2)), linux.netDevices ---- */

/* include/uapi/linux/mempolicy.h; 6 is newer than Debian 12's headers (6.9). */
static const struct name_value mempolicy_modes[] = {
	{ "MPOL_BIND", 2 },	      { "MPOL_DEFAULT", 0 },
	{ "MPOL_INTERLEAVE", 3 },     { "MPOL_LOCAL", 4 },
	{ "MPOL_PREFERRED", 1 },      { "MPOL_PREFERRED_MANY", 5 },
	{ "MPOL_WEIGHTED_INTERLEAVE", 6 },
};
static const struct name_value mempolicy_flags[] = {
	{ "MPOL_F_NUMA_BALANCING", 1 << 13 },
	{ "MPOL_F_RELATIVE_NODES", 1 << 14 },
	{ "MPOL_F_STATIC_NODES", 1 << 15 },
};
const char *const spec_mempolicy_mode_names[] = {
	"MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
	"MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL", NULL
};
const char *const spec_mempolicy_flag_names[] = { "MPOL_F_NUMA_BALANCING",
						  "MPOL_F_RELATIVE_NODES",
						  "MPOL_F_STATIC_NODES", NULL };

int spec_mempolicy_mode_from_name(const char *name)
{
	const struct name_value *e = LOOKUP(mempolicy_modes, name);

	return e ? (int)e->value : -1;
}

int spec_mempolicy_flag_from_name(const char *name, uint32_t *flag)
{
	const struct name_value *e = LOOKUP(mempolicy_flags, name);

	if (!e)
		return -1;
	*flag = (uint32_t)e->value;
	return 0;
}

/* One decimal number of a node list; -1 when none or too big. */
static long nodes_number(const char **p)
{
	long n = 0;

	if (**p < '0' || **p > '9')
		return -1;
	while (**p >= '0' && **p <= '9') {
		n = n * 10 + (**p - '0');
		if (n >= SPEC_MEMPOLICY_MAX_NODES)
			return -1;
		(*p)++;
	}
	return n;
}

int spec_nodes_parse(const char *list, unsigned long *mask, size_t n_longs, unsigned *highest)
{
	const size_t bits = sizeof(*mask) * 8;
	const char *p = list;

	memset(mask, 0, n_longs * sizeof(*mask));
	*highest = 0;
	if (!p || !*p)
		return 0;
	for (;;) {
		long lo = nodes_number(&p), hi = lo;

		if (lo < 0)
			return -1;
		if (*p == '-') {
			p++;
			hi = nodes_number(&p);
			if (hi < lo)
				return -1;
		}
		if ((size_t)hi >= n_longs * bits)
			return -1;
		for (long n = lo; n <= hi; n++)
			mask[(size_t)n / bits] |= 1UL << ((size_t)n % bits);
		if ((unsigned)hi + 1 > *highest)
			*highest = (unsigned)hi + 1;
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			return -1;
	}
}

bool spec_ifname_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	/* net/core/dev.c dev_valid_name(): IFNAMSIZ is 16 with its NUL */
	if (n == 0 || n >= 16 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == ':' || *p == ' ' || (*p >= '\t' && *p <= '\r'))
			return false;
	return true;
}
