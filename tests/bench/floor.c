/* SPDX-License-Identifier: Apache-2.0 */
/*
 * floor: the floor of `make bench` (scripts/bench.sh).  It starts the same
 * container as the bench's bundle (the default `kura spec` config, args
 * /bin/true, no terminal) with nothing but the kernel calls a runtime cannot
 * avoid: no spec parsing, no state, no second exec, no error-path care.
 * What a runtime's `run` costs above this program is the runtime's own.
 *
 *   usage: floor ROOTFS NAME
 *
 * The parent makes the cgroups (NAME in every hierarchy under
 * /sys/fs/cgroup, in its own cgroup), clones a child into new pid, net, ipc,
 * uts and mount namespaces (sharing its memory up to the execve), waits for
 * it and removes the cgroups.  The child joins the cgroups, builds the
 * container's mounts, devices, hostname, rlimits and capabilities as the
 * spec lists them and executes /bin/true.  Every mount is made in the
 * child's mount namespace, so nothing is left on the host.
 * On any failure: the step is printed, exit 1.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

#define CG "/sys/fs/cgroup"
#define NS (CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS)
/* the spec's bounding, effective and permitted sets; inheritable is empty, so
 * its ambient list raises nothing (as with runc and kura) */
#define CAPS ((1ULL << CAP_AUDIT_WRITE) | (1ULL << CAP_KILL) | (1ULL << CAP_NET_BIND_SERVICE))

static char ctl[16][64], cgdir[16][384];	/* a hierarchy (cpu, ..., unified), NAME's dir in it */
static int nctl;

static __attribute__((noreturn)) void die(const char *step)
{
	fprintf(stderr, "floor: %s: %s\n", step, strerror(errno));
	exit(1);
}

static char *get(const char *path, char *buf, size_t n)	/* a file as a string */
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r = fd < 0 ? -1 : read(fd, buf, n - 1);

	if (r < 0)
		die(path);
	close(fd);
	buf[r] = 0;
	return buf;
}

static void put(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		die(path);
	close(fd);
}

static const char *in(int i, const char *file)	/* "<cgdir[i]>/FILE" */
{
	static char p[448];

	snprintf(p, sizeof(p), "%s/%s", cgdir[i], file);
	return p;
}

static void mnt(const char *src, const char *dst, const char *type, unsigned long fl,
		const char *data)
{
	if (mount(src, dst, type, fl, data) < 0)
		die(dst);
}

/* ---- parent: the container's cgroups where a runtime puts them when the
 * spec has no cgroupsPath: NAME in the caller's cgroup of each hierarchy ---- */
static void cgroups_make(const char *name)
{
	/* the spec's "deny all", then what runtimes always allow after it */
	static const char *const allow[] = { "c *:* m", "b *:* m", "c 1:3 rwm", "c 1:8 rwm",
		"c 1:7 rwm", "c 5:0 rwm", "c 1:5 rwm", "c 1:9 rwm", "c 136:* rwm", "c 5:2 rwm",
		"c 10:200 rwm" };
	char self[2048], *key[32], *own[32], buf[256];
	int n = 0;
	DIR *d = opendir(CG);
	struct dirent *e;

	/* "N:controllers:/path" lines, one hierarchy each ("0::/path" for cgroup2) */
	for (char *l = strtok(get("/proc/self/cgroup", self, sizeof(self)), "\n"); l && n < 32;
	     l = strtok(NULL, "\n"), n++) {
		key[n] = strchr(l, ':') + 1;
		own[n] = strchr(key[n], ':');
		*own[n]++ = 0;
		if (strncmp(key[n], "name=", 5) == 0)
			key[n] += 5;
	}
	if (!d)
		die("opendir " CG);
	while ((e = readdir(d)) && nctl < 16) {
		int j = 0, i = nctl;

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		while (j < n && strcmp(key[j], e->d_name) && (*key[j] || strcmp(e->d_name, "unified")))
			j++;
		if (j == n)
			die(e->d_name);
		snprintf(ctl[i], sizeof(ctl[i]), "%s", e->d_name);
		snprintf(cgdir[i], sizeof(cgdir[i]), CG "/%s%s/%s", ctl[i], own[j], name);
		if (mkdir(cgdir[nctl++], 0755) < 0)
			die(cgdir[i]);
		if (strcmp(ctl[i], "cpuset") == 0) {	/* v1: an empty cpuset takes no task */
			snprintf(buf, sizeof(buf), CG "/cpuset%s/cpuset.cpus", own[j]);
			put(in(i, "cpuset.cpus"), get(buf, buf, sizeof(buf)));
			snprintf(buf, sizeof(buf), CG "/cpuset%s/cpuset.mems", own[j]);
			put(in(i, "cpuset.mems"), get(buf, buf, sizeof(buf)));
		} else if (strcmp(ctl[i], "devices") == 0) {
			put(in(i, "devices.deny"), "a");
			for (size_t k = 0; k < sizeof(allow) / sizeof(allow[0]); k++)
				put(in(i, "devices.allow"), allow[k]);
		}
	}
	closedir(d);
}

/* ---- child: from joining the cgroups to execve ---- */
static void cgroups_join(void)
{
	for (int i = 0; i < nctl; i++)	/* v1 has tasks, cgroup2 only cgroup.procs */
		put(access(in(i, "tasks"), F_OK) == 0 ? in(i, "tasks") : in(i, "cgroup.procs"), "0");
}

static void loopback_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		die("lo flags");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		die("lo up");
	close(fd);
}

/* the spec's mounts, relative to the rootfs (the cwd), before pivot_root */
static void mounts(void)
{
	const unsigned long sx = MS_NOSUID | MS_NOEXEC, sxd = sx | MS_NODEV;
	char q[256];

	mnt("proc", "proc", "proc", 0, NULL);
	mnt("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
	if (mkdir("dev/pts", 0755) || mkdir("dev/shm", 0755) || mkdir("dev/mqueue", 0755))
		die("mkdir dev/*");
	mnt("devpts", "dev/pts", "devpts", sx, "newinstance,ptmxmode=0666,mode=0620,gid=5");
	mnt("shm", "dev/shm", "tmpfs", sxd, "mode=1777,size=65536k");
	mnt("mqueue", "dev/mqueue", "mqueue", sxd, NULL);
	mnt("sysfs", "sys", "sysfs", sxd | MS_RDONLY, NULL);
	/* cgroup v1 without a cgroup namespace: a tmpfs of the container's own
	 * cgroup of each hierarchy, bound read-only, then the tmpfs read-only */
	mnt("tmpfs", "sys/fs/cgroup", "tmpfs", sxd | MS_RELATIME, "mode=755");
	for (int i = 0; i < nctl; i++) {
		snprintf(q, sizeof(q), "sys/fs/cgroup/%s", ctl[i]);
		if (mkdir(q, 0755) < 0)
			die(q);
		mnt(cgdir[i], q, NULL, MS_BIND, NULL);
		mnt(NULL, q, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | sxd | MS_RELATIME, NULL);
	}
	mnt(NULL, "sys/fs/cgroup", NULL, MS_REMOUNT | MS_RDONLY | sxd | MS_RELATIME, "mode=755");
}

static void devices(void)
{
	static const struct { const char *path; unsigned int major, minor; } dev[] = {
		{ "dev/null", 1, 3 }, { "dev/zero", 1, 5 }, { "dev/full", 1, 7 }, { "dev/random", 1, 8 },
		{ "dev/urandom", 1, 9 }, { "dev/tty", 5, 0 } };
	static const char *const link[][2] = { { "/proc/self/fd", "dev/fd" },
		{ "/proc/self/fd/0", "dev/stdin" }, { "/proc/self/fd/1", "dev/stdout" },
		{ "/proc/self/fd/2", "dev/stderr" }, { "pts/ptmx", "dev/ptmx" } };

	umask(0);
	for (size_t i = 0; i < sizeof(dev) / sizeof(dev[0]); i++)
		if (mknod(dev[i].path, S_IFCHR | 0666, makedev(dev[i].major, dev[i].minor)) < 0)
			die(dev[i].path);
	for (size_t i = 0; i < sizeof(link) / sizeof(link[0]); i++)
		if (symlink(link[i][0], link[i][1]) < 0)
			die(link[i][1]);
	umask(022);
}

static void masks(void)
{
	static const char *const masked[] = { "/proc/acpi", "/proc/asound", "/proc/kcore",
		"/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
		"/proc/sched_debug", "/sys/firmware", "/proc/scsi" };
	static const char *const ro[] = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
		"/proc/sysrq-trigger" };
	struct stat st;

	for (size_t i = 0; i < sizeof(masked) / sizeof(masked[0]); i++)
		if (stat(masked[i], &st) == 0)	/* else: not on this kernel */
			S_ISDIR(st.st_mode) ? mnt("tmpfs", masked[i], "tmpfs", MS_RDONLY, NULL)
					    : mnt("/dev/null", masked[i], NULL, MS_BIND, NULL);
	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++)
		if (stat(ro[i], &st) == 0) {
			mnt(ro[i], ro[i], NULL, MS_BIND | MS_REC, NULL);
			mnt(NULL, ro[i], NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_REC, NULL);
		}
}

static void caps(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { { 0 } };
	char buf[16];
	int last = atoi(get("/proc/sys/kernel/cap_last_cap", buf, sizeof(buf)));

	for (int c = 0; c <= last; c++)
		if (!(CAPS & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
			die("PR_CAPBSET_DROP");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		die("PR_CAP_AMBIENT_CLEAR_ALL");
	d[0].effective = d[0].permitted = (__u32)CAPS;
	d[1].effective = d[1].permitted = (__u32)(CAPS >> 32);
	if (syscall(SYS_capset, &h, d) < 0)
		die("capset");
}

static __attribute__((noreturn)) void child(const char *rootfs)
{
	static char *const argv[] = { "/bin/true", NULL };
	static char *const envp[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL };
	const struct rlimit nofile = { 1024, 1024 };

	cgroups_join();
	loopback_up();
	mnt(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL);
	mnt(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL);
	if (chdir(rootfs) < 0)
		die("chdir rootfs");
	mounts();
	devices();
	if (syscall(SYS_pivot_root, ".", ".") < 0)	/* the old root stacks under the new */
		die("pivot_root");
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		die("umount old root");
	mnt(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL);	/* root.readonly */
	masks();
	if (sethostname("kura", 4) < 0)
		die("sethostname");
	if (setrlimit(RLIMIT_NOFILE, &nofile) < 0)
		die("setrlimit");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("no_new_privs");
	caps();
	execve(argv[0], argv, envp);
	die("execve");
}

static int child_fn(void *rootfs)
{
	child(rootfs);
}

int main(int argc, char **argv)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	int status;
	pid_t pid;

	if (argc != 3)
		return fprintf(stderr, "usage: floor ROOTFS NAME\n"), 2;
	cgroups_make(argv[2]);
	/*
	 * The cheapest clone, as kura's: the child borrows this process's
	 * memory until its execve (CLONE_VM|CLONE_VFORK), so no page tables are
	 * copied and none torn down at the exec.
	 */
	pid = clone(child_fn, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | NS | SIGCHLD, argv[1]);
	if (pid < 0)
		die("clone");
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	for (int i = 0; i < nctl; i++)	/* the cgroups go with the container */
		if (rmdir(cgdir[i]) < 0)
			die(cgdir[i]);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
