/* SPDX-License-Identifier: Apache-2.0 */
/* `kura features`: the runtime-spec features document. */
#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "util/log.h"
#include "specs/spec.h"

static void add_strings(json_t *obj, const char *key, const char *const *v)
{
	json_t *a = json_array();

	for (; *v; v++)
		json_array_append_new(a, json_string(*v));
	json_object_set_new(obj, key, a);
}

static json_t *add_object(json_t *obj, const char *key)
{
	json_t *o = json_object();

	json_object_set_new(obj, key, o);
	return o;
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
	json_t *j, *l, *o;
	char *text;

	if (argc > 1) {
		log_error("features: takes no arguments");
		cmd_usage("features", true);
		return 1;
	}
	j = json_object();
	json_object_set_new(j, "ociVersionMin", json_string("1.0.0"));
	json_object_set_new(j, "ociVersionMax", json_string(SPEC_OCI_VERSION));
	add_strings(j, "hooks",
		    (const char *const[]){ "prestart", "createRuntime", "createContainer",
					   "startContainer", "poststart", "poststop", NULL });
	add_strings(j, "mountOptions", mount_options);
	l = add_object(j, "linux");
	add_strings(l, "namespaces", namespaces);
	{
		json_t *caps = json_array();
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
			json_array_append_new(caps, json_string(*p));
		json_object_set_new(l, "capabilities", caps);
	}
	o = add_object(l, "cgroup");
	json_object_set_new(o, "v1", json_true());
	json_object_set_new(o, "v2", json_true());
	json_object_set_new(o, "systemd", json_true());
	json_object_set_new(o, "systemdUser", json_true());
	json_object_set_new(o, "rdma", json_true());
	o = add_object(l, "seccomp");
	json_object_set_new(o, "enabled", json_true());
	add_strings(o, "actions", seccomp_actions);
	add_strings(o, "operators", seccomp_ops);
	add_strings(o, "archs", seccomp_archs);
	add_strings(o, "knownFlags", seccomp_flags);
	add_strings(o, "supportedFlags", seccomp_flags);
	o = add_object(l, "apparmor");
	json_object_set_new(o, "enabled", json_true());
	o = add_object(l, "selinux");
	json_object_set_new(o, "enabled", json_true());
	/* resctrl groups, schemata and MON groups (cgroup/resctrl.h) */
	o = add_object(l, "intelRdt");
	json_object_set_new(o, "enabled", json_true());
	json_object_set_new(o, "schemata", json_true());
	json_object_set_new(o, "monitoring", json_true());
	o = add_object(l, "memoryPolicy");
	add_strings(o, "modes", spec_mempolicy_mode_names);
	add_strings(o, "flags", spec_mempolicy_flag_names);
	json_object_set_new(add_object(l, "netDevices"), "enabled", json_true());
	o = add_object(l, "mountExtensions");
	json_object_set_new(add_object(o, "idmap"), "enabled", json_true());
	o = add_object(j, "annotations");
	json_object_set_new(o, "io.github.kura.version", json_string(KURA_VERSION));
	json_object_set_new(o, "io.github.kura.commit", json_string(KURA_COMMIT));
	{
		const struct scmp_version *v = seccomp_version();
		char buf[32];

		snprintf(buf, sizeof(buf), "%u.%u.%u", v->major, v->minor, v->micro);
		json_object_set_new(o, "io.github.seccomp.libseccomp.version", json_string(buf));
	}
	text = json_dumps(j, JSON_INDENT(2));
	json_decref(j);
	puts(text);
	free(text);
	return 0;
}
