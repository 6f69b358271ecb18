/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-process settings that need privilege: rlimits, oom_score_adj,
 * personality, scheduler, ioPriority, execCPUAffinity.initial and the LSM
 * labels of the next execve.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "process.h"
#include "process_internal.h"
#include "util/util.h"

static int rlimits_apply(const struct spec_process *p, struct kerr *err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct spec_rlimit *r = &p->rlimits[i];
		struct rlimit rl = { .rlim_cur = r->soft, .rlim_max = r->hard };

		if (setrlimit((__rlimit_resource_t)r->resource, &rl) < 0)
			return kerr_errno(err, errno, "setrlimit %s", r->type ? r->type : "?");
	}
	return 0;
}

static int oom_score_adj_apply(const struct spec_process *p, struct kerr *err)
{
	char want[32], cur[32];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	if (!p->has_oom_score_adj)
		return 0;
	snprintf(want, sizeof(want), "%d", p->oom_score_adj);
	/*
	 * The shim has set it already, as kura's own process; writing the same
	 * value again would fail without CAP_SYS_RESOURCE in a user namespace,
	 * and so would opening it for writing at all: the init is
	 * non-dumpable, its /proc/self files belong to the host's root.
	 */
	fd = proc_open_file("self/oom_score_adj", O_RDONLY, err);
	if (fd < 0)
		return kerr_wrap(err, "oomScoreAdj");
	n = read(fd, cur, sizeof(cur) - 1);
	if (n > 0) {
		cur[n] = '\0';
		cur[strcspn(cur, "\n")] = '\0';
		if (strcmp(cur, want) == 0)
			return 0;
	}
	close(fd);
	fd = proc_open_file("self/oom_score_adj", O_WRONLY, err);
	if (fd < 0)
		return kerr_wrap(err, "oomScoreAdj");
	if (util_write_all(fd, want, strlen(want)) < 0)
		return kerr_errno(err, errno, "oomScoreAdj: write /proc/self/oom_score_adj %s", want);
	return 0;
}

static int personality_apply(const struct spec *s, struct kerr *err)
{
	const struct spec_personality *pe = &s->linux_.personality;
	unsigned long persona;

	if (!pe->present || !pe->domain)
		return 0;
	if (strcmp(pe->domain, "LINUX") == 0)
		persona = PER_LINUX;
	else if (strcmp(pe->domain, "LINUX32") == 0)
		persona = PER_LINUX32;
	else
		return kerr_set(err, ".linux.personality.domain: unknown domain \"%s\"", pe->domain);
	if (personality(persona) < 0)
		return kerr_errno(err, errno, "personality %s", pe->domain);
	return 0;
}

/* glibc 2.36 has no sched_setattr wrapper nor struct sched_attr. */
struct process_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

static int scheduler_apply(const struct spec_process *p, struct kerr *err)
{
	const struct spec_scheduler *sc = &p->scheduler;
	struct process_sched_attr a;

	if (!sc->present)
		return 0;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.sched_policy = (uint32_t)sc->policy;
	a.sched_flags = sc->flags;
	a.sched_nice = sc->nice;
	a.sched_priority = (uint32_t)sc->priority;
	a.sched_runtime = sc->runtime;
	a.sched_deadline = sc->deadline;
	a.sched_period = sc->period;
	if (syscall(SYS_sched_setattr, 0, &a, 0) < 0) {
		int e = errno;

		/* v1: a real-time task needs its cpu cgroup to have an rt budget */
		if (e == EPERM && (sc->policy == SCHED_FIFO || sc->policy == SCHED_RR))
			return kerr_errno(err, e, "process.scheduler.policy %s: sched_setattr "
					  "(on cgroup v1 the container's cpu cgroup needs a real-time "
					  "budget: set linux.resources.cpu.realtimeRuntime)",
					  sc->policy == SCHED_FIFO ? "SCHED_FIFO" : "SCHED_RR");
		return kerr_errno(err, e, "process.scheduler: sched_setattr");
	}
	return 0;
}

/* include/uapi/linux/ioprio.h */
#define PROCESS_IOPRIO_WHO_PROCESS 1
#define PROCESS_IOPRIO_CLASS_SHIFT 13
#define PROCESS_IOPRIO_PRIO_VALUE(c, d) (((c) << PROCESS_IOPRIO_CLASS_SHIFT) | (d))

static int io_priority_apply(const struct spec_process *p, struct kerr *err)
{
	const struct spec_io_priority *io = &p->io_priority;

	if (!io->present)
		return 0;
	if (syscall(SYS_ioprio_set, PROCESS_IOPRIO_WHO_PROCESS, 0,
		    PROCESS_IOPRIO_PRIO_VALUE(io->class_, io->priority)) < 0)
		return kerr_errno(err, errno, "ioPriority: ioprio_set class %d priority %d",
				  io->class_, io->priority);
	return 0;
}

static bool apparmor_enabled(void)
{
	char buf[4] = "";
	_cleanup_close_ int fd = open("/sys/module/apparmor/parameters/enabled",
				      O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) < 1)
		return false;
	return buf[0] == 'Y';
}

static int apparmor_apply(const char *profile, struct kerr *err)
{
	char buf[4096];
	struct stat st;
	const char *attr = "self/attr/apparmor/exec";

	if (!profile || !*profile)
		return 0;
	if (!apparmor_enabled())
		return kerr_set(err, "apparmor profile %s requested but AppArmor is not enabled on this host",
				profile);
	/* the per-LSM file (5.8+) is right even when another LSM is stacked first */
	if (stat("/proc/self/attr/apparmor", &st) < 0)
		attr = "self/attr/exec";
	if ((size_t)snprintf(buf, sizeof(buf), "exec %s", profile) >= sizeof(buf))
		return kerr_set(err, "apparmor profile %s: name too long", profile);
	if (proc_write_file(attr, buf, err) < 0)
		return kerr_wrap(err, "apparmor profile %s", profile);
	return 0;
}

/* selinuxfs is only registered when SELinux is enabled at boot. */
static bool selinux_enabled(void)
{
	struct stat st;
	_cleanup_free_ char *fs = NULL;
	struct kerr ignored;

	if (stat("/sys/fs/selinux/enforce", &st) == 0)
		return true;
	fs = util_read_file("/proc/filesystems", NULL, &ignored);
	return fs && strstr(fs, "\tselinuxfs\n") != NULL;
}

static int selinux_apply(const char *label, struct kerr *err)
{
	if (!label || !*label)
		return 0;
	if (!selinux_enabled())
		return kerr_set(err, "selinux label %s requested but SELinux is not enabled on this host",
				label);
	if (proc_write_file("self/attr/exec", label, err) < 0)
		return kerr_wrap(err, "selinux label %s", label);
	return 0;
}

/* linux.memoryPolicy: inherited through the execve, as set_mempolicy(2) says */
static int memory_policy_apply(const struct spec *s, struct kerr *err)
{
	const struct spec_memory_policy *m = &s->linux_.memory_policy;
	unsigned long mask[SPEC_MEMPOLICY_MAX_NODES / (8 * sizeof(unsigned long))];
	unsigned highest;

	if (!s->has_linux || !m->present)
		return 0;
	/* the parser checked the list and the mode/flags pairs */
	if (m->mode < 0 ||
	    spec_nodes_parse(m->nodes, mask, sizeof(mask) / sizeof(mask[0]), &highest) < 0)
		return kerr_set(err, "linux.memoryPolicy: invalid");
	if (syscall(SYS_set_mempolicy, m->mode | (int)m->flags, highest ? mask : NULL,
		    highest ? (unsigned long)highest + 1 : 0UL) < 0)
		return kerr_errno(err, errno, "linux.memoryPolicy: set_mempolicy mode %d nodes \"%s\"",
				  m->mode, m->nodes ? m->nodes : "");
	return 0;
}

int process_setup(const struct spec_process *p, const struct spec *s, struct kerr *err)
{
	if (s && memory_policy_apply(s, err) < 0)
		return -1;
	if (rlimits_apply(p, err) < 0)
		return -1;
	if (oom_score_adj_apply(p, err) < 0)
		return -1;
	if (s && personality_apply(s, err) < 0)
		return -1;
	if (scheduler_apply(p, err) < 0)
		return -1;
	if (io_priority_apply(p, err) < 0)
		return -1;
	if (p->exec_cpu_affinity_initial &&
	    affinity_apply(p->exec_cpu_affinity_initial, "execCPUAffinity.initial", err) < 0)
		return -1;
	if (apparmor_apply(p->apparmor_profile, err) < 0)
		return -1;
	return selinux_apply(p->selinux_label, err);
}
