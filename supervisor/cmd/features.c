/* SPDX-License-Identifier: Apache-2.0 */
/* `kura features`: the runtime-spec features document. */
#include <cjson/cJSON.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "log.h"
#include "spec.h"

static void add_strings(cJSON *obj, const char *key, const char *const *v)
{
	cJSON *a = cJSON_AddArrayToObject(obj, key);

	for (; *v; v++)
		cJSON_AddItemToArray(a, cJSON_CreateString(*v));
}

static const char *const namespaces[] = { "cgroup", "ipc", "mount", "network", "pid",
					  "time", "user", "uts", NULL };
static const char *const mount_options[] = {
	"async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "idmap",
	"mand", "noatime", "nodev", "nodiratime", "noexec", "nomand", "norelatime",
	"nostrictatime", "nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev",
	"rdiratime", "relatime", "remount", "rexec", "ridmap", "rnoatime", "rnodev",
	"rnodiratime", "rnoexec", "rnorelatime", "rnostrictatime", "rnosuid", "rnosymfollow",
	"ro", "rprivate", "rrelatime", "rro", "rrw", "rshared", "rslave", "rstrictatime",
	"rsuid", "rsymfollow", "runbindable", "rw", "shared", "slave", "strictatime", "suid",
	"symfollow", "sync", "tmpcopyup", "unbindable", NULL
};
static const char *const seccomp_actions[] = {
	"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
	"SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",
	"SCMP_ACT_TRAP", NULL
};
static const char *const seccomp_ops[] = { "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
					   "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ",
					   "SCMP_CMP_NE", NULL };
static const char *const seccomp_archs[] = {
	"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64",
	"SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
	"SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64",
	"SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_X32", "SCMP_ARCH_X86",
	"SCMP_ARCH_X86_64", NULL
};
static const char *const seccomp_flags[] = { "SECCOMP_FILTER_FLAG_LOG",
					     "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
					     "SECCOMP_FILTER_FLAG_TSYNC", NULL };

int cmd_features(struct kura_global *g, int argc, char **argv)
{
	cJSON *j, *l, *o;
	char *text;

	if (argc > 1) {
		log_error("features: takes no arguments");
		cmd_usage("features", true);
		return 1;
	}
	j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "ociVersionMin", "1.0.0");
	cJSON_AddStringToObject(j, "ociVersionMax", SPEC_OCI_VERSION);
	add_strings(j, "hooks",
		    (const char *const[]){ "prestart", "createRuntime", "createContainer",
					   "startContainer", "poststart", "poststop", NULL });
	add_strings(j, "mountOptions", mount_options);
	l = cJSON_AddObjectToObject(j, "linux");
	add_strings(l, "namespaces", namespaces);
	{
		cJSON *caps = cJSON_AddArrayToObject(l, "capabilities");
		static const char *const names[] = {
			"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
			"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
			"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
			"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
			"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
			"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
			"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
			"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
			"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
			"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
			"CAP_CHECKPOINT_RESTORE", NULL
		};
		for (const char *const *p = names; *p; p++)
			cJSON_AddItemToArray(caps, cJSON_CreateString(*p));
	}
	o = cJSON_AddObjectToObject(l, "cgroup");
	cJSON_AddTrueToObject(o, "v1");
	cJSON_AddTrueToObject(o, "v2");
	cJSON_AddTrueToObject(o, "systemd");
	cJSON_AddTrueToObject(o, "systemdUser");
	cJSON_AddTrueToObject(o, "rdma");
	o = cJSON_AddObjectToObject(l, "seccomp");
	cJSON_AddTrueToObject(o, "enabled");
	add_strings(o, "actions", seccomp_actions);
	add_strings(o, "operators", seccomp_ops);
	add_strings(o, "archs", seccomp_archs);
	add_strings(o, "knownFlags", seccomp_flags);
	add_strings(o, "supportedFlags", seccomp_flags);
	o = cJSON_AddObjectToObject(l, "apparmor");
	cJSON_AddTrueToObject(o, "enabled");
	o = cJSON_AddObjectToObject(l, "selinux");
	cJSON_AddTrueToObject(o, "enabled");
	o = cJSON_AddObjectToObject(l, "intelRdt");
	cJSON_AddFalseToObject(o, "enabled");
	o = cJSON_AddObjectToObject(l, "mountExtensions");
	cJSON_AddTrueToObject(cJSON_AddObjectToObject(o, "idmap"), "enabled");
	o = cJSON_AddObjectToObject(j, "annotations");
	cJSON_AddStringToObject(o, "io.github.kura.version", KURA_VERSION);
	cJSON_AddStringToObject(o, "io.github.kura.commit", KURA_COMMIT);
	{
		const struct scmp_version *v = seccomp_version();
		char buf[32];

		snprintf(buf, sizeof(buf), "%u.%u.%u", v->major, v->minor, v->micro);
		cJSON_AddStringToObject(o, "io.github.seccomp.libseccomp.version", buf);
	}
	text = cJSON_Print(j);
	cJSON_Delete(j);
	puts(text);
	free(text);
	return 0;
}
