/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OCI runtime-spec 1.3 Linux configuration as typed C structs.
 *
 * Conventions: a string that is absent is NULL; an array is a pointer and a
 * count (n_x); an optional number has a has_x flag beside it.  Everything is
 * owned by the struct and freed by spec_free()/spec_process_free().
 */
#ifndef KURA_SPEC_H
#define KURA_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SPEC_OCI_VERSION "1.3.0"

/* ---- small shared pieces ---- */

struct spec_strv {
	char **v;
	size_t n;
};

/* ---- process ---- */

struct spec_rlimit {
	int resource; /* RLIMIT_* */
	char *type;   /* "RLIMIT_NOFILE" */
	uint64_t hard;
	uint64_t soft;
};

struct spec_capabilities {
	bool present;
	struct spec_strv bounding, effective, permitted, inheritable, ambient;
};

struct spec_user {
	uint32_t uid, gid;
	bool has_umask;
	uint32_t umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	char *username;
};

struct spec_scheduler {
	bool present;
	int policy; /* SCHED_* */
	int nice;
	int priority;
	uint32_t flags; /* SCHED_FLAG_* */
	uint64_t runtime, deadline, period;
};

struct spec_io_priority {
	bool present;
	int class_; /* IOPRIO_CLASS_RT/BE/IDLE */
	int priority;
};

struct spec_process {
	bool terminal;
	bool has_console_size;
	uint32_t console_height, console_width;
	struct spec_user user;
	struct spec_strv args;
	char *command_line; /* windows only; kept for completeness */
	struct spec_strv env;
	char *cwd;
	struct spec_capabilities caps;
	struct spec_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	char *apparmor_profile;
	bool has_oom_score_adj;
	int oom_score_adj;
	struct spec_scheduler scheduler;
	char *selinux_label;
	struct spec_io_priority io_priority;
	char *exec_cpu_affinity_initial;
	char *exec_cpu_affinity_final;
};

/* ---- root, mounts ---- */

struct spec_root {
	char *path;
	bool readonly;
};

struct spec_idmap {
	uint32_t container_id, host_id, size;
};

struct spec_mount {
	char *destination;
	char *type;
	char *source;
	struct spec_strv options;
	struct spec_idmap *uid_mappings;
	size_t n_uid_mappings;
	struct spec_idmap *gid_mappings;
	size_t n_gid_mappings;
};

/* ---- hooks ---- */

struct spec_hook {
	char *path;
	struct spec_strv args;
	struct spec_strv env;
	bool has_timeout;
	int timeout; /* seconds, > 0 */
};

struct spec_hook_list {
	struct spec_hook *v;
	size_t n;
};

struct spec_hooks {
	struct spec_hook_list prestart, create_runtime, create_container,
		start_container, poststart, poststop;
};

/* ---- linux ---- */

enum spec_ns_type {
	SPEC_NS_PID,
	SPEC_NS_NETWORK,
	SPEC_NS_MOUNT,
	SPEC_NS_IPC,
	SPEC_NS_UTS,
	SPEC_NS_USER,
	SPEC_NS_CGROUP,
	SPEC_NS_TIME,
	SPEC_NS_COUNT
};

struct spec_namespace {
	enum spec_ns_type type;
	char *path; /* NULL: create a new one */
};

struct spec_time_offset {
	bool present;
	int64_t secs;
	uint32_t nanosecs;
};

struct spec_device {
	char *path;
	char type; /* 'c', 'b', 'u', 'p' */
	bool has_major, has_minor;
	int64_t major, minor;
	bool has_file_mode;
	uint32_t file_mode;
	bool has_uid, has_gid;
	uint32_t uid, gid;
};

struct spec_device_cgroup {
	bool allow;
	char type; /* 'a', 'c', 'b'; 0 when absent (= all) */
	bool has_major, has_minor;
	int64_t major, minor; /* -1 for wildcard */
	char *access;         /* "rwm" subset; NULL = all */
};

struct spec_memory {
	bool present;
	bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp,
		has_swappiness;
	int64_t limit, reservation, swap, kernel, kernel_tcp;
	uint64_t swappiness;
	bool has_disable_oom_killer, disable_oom_killer;
	bool has_use_hierarchy, use_hierarchy;
	bool has_check_before_update, check_before_update;
};

struct spec_cpu {
	bool present;
	bool has_shares, has_quota, has_burst, has_period, has_realtime_runtime,
		has_realtime_period, has_idle;
	uint64_t shares;
	int64_t quota;
	uint64_t burst;
	uint64_t period;
	int64_t realtime_runtime;
	uint64_t realtime_period;
	int64_t idle;
	char *cpus;
	char *mems;
};

struct spec_weight_device {
	int64_t major, minor;
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
};

struct spec_throttle_device {
	int64_t major, minor;
	uint64_t rate;
};

struct spec_throttle_list {
	struct spec_throttle_device *v;
	size_t n;
};

struct spec_blkio {
	bool present;
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
	struct spec_weight_device *weight_device;
	size_t n_weight_device;
	struct spec_throttle_list throttle_read_bps, throttle_write_bps,
		throttle_read_iops, throttle_write_iops;
};

struct spec_hugepage_limit {
	char *page_size; /* "2MB" */
	uint64_t limit;
};

struct spec_net_priority {
	char *name;
	uint32_t priority;
};

struct spec_network {
	bool present;
	bool has_class_id;
	uint32_t class_id;
	struct spec_net_priority *priorities;
	size_t n_priorities;
};

struct spec_rdma {
	char *device;
	bool has_hca_handles, has_hca_objects;
	uint32_t hca_handles, hca_objects;
};

struct spec_kv {
	char *key;
	char *value;
};

struct spec_kv_list {
	struct spec_kv *v;
	size_t n;
};

struct spec_resources {
	bool present;
	struct spec_device_cgroup *devices;
	size_t n_devices;
	struct spec_memory memory;
	struct spec_cpu cpu;
	bool has_pids_limit;
	int64_t pids_limit; /* <= 0: unlimited */
	struct spec_blkio blkio;
	struct spec_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;
	struct spec_network network;
	struct spec_rdma *rdma;
	size_t n_rdma;
	struct spec_kv_list unified;
};

struct spec_intel_rdt {
	bool present;
	char *clos_id;
	char *l3_cache_schema;
	char *mem_bw_schema;
	struct spec_strv schemata; /* 1.3: lines of the schemata file */
	bool enable_monitoring;    /* 1.3: a mon_groups/<id> group */
	bool enable_cmt, enable_mbm; /* 1.1-1.2, read but unused (1.3 dropped them) */
};

/* A host network device moved into the container's network namespace (1.3). */
struct spec_net_device {
	char *host_name; /* the key: its name on the host */
	char *name;      /* its name inside; NULL: the same */
};

/* The NUMA memory policy of the container's process (1.3, set_mempolicy). */
#define SPEC_MEMPOLICY_MAX_NODES 1024
struct spec_memory_policy {
	bool present;
	int mode;       /* MPOL_* */
	char *nodes;    /* "0-3,7"; NULL or "" when none */
	uint32_t flags; /* MPOL_F_* */
};

struct spec_syscall_arg {
	uint32_t index;
	uint64_t value;
	uint64_t value_two;
	int op; /* SCMP_CMP_* */
};

struct spec_syscall {
	struct spec_strv names;
	uint32_t action; /* SCMP_ACT_* without errno/trace data */
	char *action_name;
	bool has_errno_ret;
	uint32_t errno_ret;
	struct spec_syscall_arg *args;
	size_t n_args;
};

struct spec_seccomp {
	bool present;
	uint32_t default_action;
	char *default_action_name;
	bool has_default_errno_ret;
	uint32_t default_errno_ret;
	struct spec_strv architectures; /* "SCMP_ARCH_X86_64" */
	struct spec_strv flags;         /* "SECCOMP_FILTER_FLAG_TSYNC" */
	char *listener_path;
	char *listener_metadata;
	struct spec_syscall *syscalls;
	size_t n_syscalls;
};

struct spec_personality {
	bool present;
	char *domain; /* "LINUX" or "LINUX32" */
	struct spec_strv flags;
};

struct spec_linux {
	struct spec_namespace *namespaces;
	size_t n_namespaces;
	struct spec_idmap *uid_mappings;
	size_t n_uid_mappings;
	struct spec_idmap *gid_mappings;
	size_t n_gid_mappings;
	struct spec_time_offset time_monotonic, time_boottime;
	struct spec_device *devices;
	size_t n_devices;
	char *cgroups_path;
	struct spec_resources resources;
	struct spec_intel_rdt intel_rdt;
	struct spec_net_device *net_devices;
	size_t n_net_devices;
	struct spec_memory_policy memory_policy;
	struct spec_kv_list sysctl;
	struct spec_seccomp seccomp;
	char *rootfs_propagation;
	struct spec_strv masked_paths;
	struct spec_strv readonly_paths;
	char *mount_label;
	struct spec_personality personality;
};

/* ---- the whole config ---- */

struct spec {
	char *oci_version;
	struct spec_root root;
	struct spec_mount *mounts;
	size_t n_mounts;
	bool has_process;
	struct spec_process process;
	char *hostname;
	char *domainname;
	struct spec_hooks hooks;
	struct spec_kv_list annotations;
	bool has_linux;
	struct spec_linux linux_;
};

/* ---- parsing ---- */

/*
 * A list of problems: the parser records every one it finds (so `kura check`
 * can show them all); callers that only need a verdict use the first.
 * Each message reads "<file>: <json path>: <problem>".
 */
struct spec_errors {
	char **msg;
	size_t n;
};

void spec_errors_free(struct spec_errors *e);

/*
 * Parse a config.json text.  `file` names it in messages ("config.json").
 * Returns 0 with *out filled, or -1 with every problem appended to *errs
 * (errs may be NULL: only the verdict is wanted).  *out is left zeroed on
 * failure.  Unknown fields are ignored, as the spec asks.
 */
int spec_parse(const char *text, size_t len, const char *file, struct spec *out,
	       struct spec_errors *errs);
int spec_load_file(const char *path, const char *file, struct spec *out,
		   struct spec_errors *errs);

/*
 * A config.json read once, for a caller that needs both the spec and the
 * JSON itself (`exec` builds its process from .process): the tree has every
 * integer exact, an integer outside int64 standing in it for its literal
 * (see specs/parse_json.c).  spec_doc_parse gives what spec_parse gives for
 * the same text; spec_doc_dump writes any part of the tree as compact JSON
 * with those literals back in place (NULL with errno: ENOMEM, or ERANGE for
 * a literal outside uint64, which no field of the spec takes).
 */
struct spec_doc;
struct json_t;
struct spec_doc *spec_doc_load(const char *text, size_t len, const char *file,
			       struct spec_errors *errs);
int spec_doc_parse(const struct spec_doc *d, struct spec *out, struct spec_errors *errs);
struct json_t *spec_doc_root(const struct spec_doc *d);
char *spec_doc_dump(const struct spec_doc *d, const struct json_t *j);
void spec_doc_free(struct spec_doc *d);

/* The process JSON of `exec --process`, same rules as .process. */
int spec_process_parse(const char *text, size_t len, const char *file,
		       struct spec_process *out, struct spec_errors *errs);

/* A LinuxResources object alone (`kura update --resources`), same rules. */
int spec_resources_parse(const char *text, size_t len, const char *file,
			 struct spec_resources *out, struct spec_errors *errs);

void spec_free(struct spec *s);
void spec_process_free(struct spec_process *p);
void spec_resources_free(struct spec_resources *r);

/* ---- lookups shared by the parser and the runtime ---- */

const char *spec_ns_name(enum spec_ns_type t);      /* "pid", "network", ... */
const char *spec_ns_proc_name(enum spec_ns_type t); /* "pid", "net", ... */
int spec_ns_clone_flag(enum spec_ns_type t);        /* CLONE_NEWPID ... */
int spec_ns_from_name(const char *name);            /* -1 when unknown */
/* The namespace entry of type t, or NULL when the config has none. */
const struct spec_namespace *spec_find_ns(const struct spec *s, enum spec_ns_type t);

/*
 * Name tables of the spec's enumerations, each one sorted table looked up in
 * one place (specs/names.c).  Every *_from_name returns -1 when unknown.
 */
int spec_rlimit_from_name(const char *name);        /* "RLIMIT_NOFILE" -> RLIMIT_NOFILE */
int spec_sched_policy_from_name(const char *name);  /* "SCHED_FIFO" -> SCHED_FIFO */
int spec_sched_flag_from_name(const char *name, uint32_t *flag); /* SCHED_FLAG_* */
int spec_ioprio_class_from_name(const char *name);  /* "IOPRIO_CLASS_BE" -> 2 */
int spec_seccomp_action_from_name(const char *name, uint32_t *action); /* SCMP_ACT_* base */
int spec_seccomp_op_from_name(const char *name);    /* "SCMP_CMP_EQ" -> SCMP_CMP_EQ */
int spec_seccomp_flag_from_name(const char *name, unsigned int *flag); /* SECCOMP_FILTER_FLAG_* */
/* "SCMP_ARCH_X86_64" -> SCMP_ARCH_X86_64 (libseccomp token); 0 when unknown. */
uint32_t spec_seccomp_arch_from_name(const char *name);
/* "MPOL_BIND" -> MPOL_BIND; -1 when unknown. */
int spec_mempolicy_mode_from_name(const char *name);
/* "MPOL_F_STATIC_NODES" -> its bit; -1 when unknown. */
int spec_mempolicy_flag_from_name(const char *name, uint32_t *flag);
/* The names the two accept, NULL-terminated (for `kura features`). */
extern const char *const spec_mempolicy_mode_names[];
extern const char *const spec_mempolicy_flag_names[];
/*
 * A node list ("0-3,7") as a bit mask of SPEC_MEMPOLICY_MAX_NODES bits;
 * -1 when malformed or out of range.  *highest: the highest node + 1 (0: none).
 */
int spec_nodes_parse(const char *list, unsigned long *mask, size_t n_longs,
		     unsigned *highest);
/* Whether a network interface name is one the kernel takes (dev_valid_name). */
bool spec_ifname_valid(const char *name);

/* "rslave" -> MS_SLAVE|MS_REC; 0 when unknown. */
unsigned long spec_propagation_flags(const char *name);

/*
 * Like spec_parse, but keeps whatever parsed in *out even when there were
 * problems (returns -1 then); the caller always calls spec_free().  For
 * `kura check`, which reports host problems beside the config ones.
 */
int spec_parse_lenient(const char *text, size_t len, const char *file, struct spec *out,
		       struct spec_errors *errs);
/*
 * spec_parse_lenient that also appends to *warns (when not NULL) every
 * unknown key one or two letters from a key of its object, naming the
 * path and the key meant: a typo that would silently drop a setting.
 */
int spec_parse_check(const char *text, size_t len, const char *file, struct spec *out,
		     struct spec_errors *errs, struct spec_errors *warns);

/* The PATH args[0] is looked up in when process.env has none (as runc's). */
#define SPEC_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Default config of `kura spec` (runc's equivalent), as JSON text (malloc'd). */
char *spec_default_json(bool rootless);

#endif
