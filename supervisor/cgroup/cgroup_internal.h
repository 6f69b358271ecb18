/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals of the cgroup module, shared by its files and its unit tests.
 * Every function that touches the filesystem takes the directory it works
 * in, so tests point it at a temporary directory instead of /sys/fs/cgroup.
 */
#ifndef KURA_CGROUP_INTERNAL_H
#define KURA_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroup.h"
#include "resctrl.h"
#include "util/backoff.h"

/* One mounted hierarchy and the container's directory in it. */
struct cgroup_hier {
	char *controllers; /* "memory", "cpu,cpuacct", "name=systemd"; "" for cgroup2 */
	char *mount;       /* where it is mounted: /sys/fs/cgroup/memory */
	char *path;        /* the container's cgroup: /sys/fs/cgroup/memory/<inner> */
	char **made;       /* dirs kura created, outermost first */
	size_t n_made;
};

struct cgroup {
	enum cgroup_mode mode;
	bool systemd;
	/* --systemd-cgroup: the unit, its slice, and whether systemd made it */
	char *unit, *slice;
	bool unit_started;
	char *inner; /* the resolved cgroupsPath, as runc's cgroupfs driver reads it */
	struct cgroup_hier *h;
	size_t n;
	struct cgroup_rdt *rdt; /* linux.intelRdt's resctrl groups, or NULL */
	/* cgroup_v1_paths() views, built on demand */
	const char **v1_names, **v1_paths;
	size_t n_v1;
};

/* ---- layout: mountinfo + /proc/self/cgroup -> hierarchies ---- */

/* A hierarchy as found in mountinfo, before a container path is chosen. */
struct cgroup_mount {
	char *controllers; /* "" for cgroup2 */
	char *mount;
	char *root; /* field 4 of mountinfo: the hierarchy path mounted there */
};

/* A mountinfo field in place: mountinfo escapes space, tab, newline and backslash as \ooo. */
void cgroup_unescape_octal(char *s);
/* Parse mountinfo text: the first mount of every cgroup/cgroup2 hierarchy. */
int cgroup_mounts_parse(const char *mountinfo, struct cgroup_mount **out, size_t *n,
			struct kerr *err);
void cgroup_mounts_free(struct cgroup_mount *m, size_t n);
enum cgroup_mode cgroup_mode_of(const struct cgroup_mount *m, size_t n);
/*
 * The cgroup of a process in the hierarchy with `controllers` ("" = v2),
 * from /proc/PID/cgroup text; NULL when it is not listed.
 */
char *cgroup_proc_path(const char *proc_cgroup, const char *controllers);
/* runc's CleanPath: lexical clean; a relative path can never climb above "". */
char *cgroup_clean_path(const char *p);
/*
 * The host directory of the container's cgroup in one hierarchy.
 * inner: cleaned cgroupsPath (absolute, or relative to the caller's own cgroup,
 * which is own_path; for v2 runc uses its parent, because the caller's own
 * cgroup has processes and so cannot enable controllers for children).
 */
char *cgroup_dir_for(const struct cgroup_mount *m, const char *inner, const char *own_path);
/* True when a controller name is in a comma list ("cpu" in "cpu,cpuacct"). */
bool cgroup_has_controller(const char *list, const char *name);

/* Build the struct cgroup paths for `inner` from mountinfo/proc text (no mkdir). */
int cgroup_layout(const char *mountinfo, const char *proc_cgroup, const char *inner,
		  struct cgroup **out, struct kerr *err);
/* cgroup_create with the mountinfo and /proc/self/cgroup texts given (tests). */
int cgroup_create_from(const struct spec *s, const char *id, const char *mountinfo,
		       const char *proc_cgroup, struct cgroup **out, struct kerr *err);
/* cgroupsPath + id -> inner path, as runc's specconv does (empty -> id). */
char *cgroup_inner_path(const char *cgroups_path, const char *id);

/* ---- conversions: pure functions ---- */

uint64_t cgroup_cpu_shares_to_weight(uint64_t shares);
uint64_t cgroup_blkio_weight_to_io_weight(uint64_t w);
/* memory.swap.max from OCI swap (memory+swap) and limit; -1 = "max", 0 = unset. */
int cgroup_swap_to_v2(int64_t swap, int64_t limit, int64_t *out, struct kerr *err);
/* "max" for negative values, else the decimal number. */
void cgroup_fmt_limit(char *buf, size_t len, int64_t v);
/* cpu.max: "max 100000", "50000 100000", "50000"; false when nothing to write. */
bool cgroup_fmt_cpu_max(char *buf, size_t len, bool has_quota, int64_t quota,
			bool has_period, uint64_t period);
/* A device cgroup v1 rule: "c 1:3 rwm", "a *:* rwm". */
void cgroup_fmt_device_rule(char *buf, size_t len, const struct spec_device_cgroup *d);
/* "2MB" -> 2097152; 0 when not a size. */
uint64_t cgroup_page_size_parse(const char *s);
/* BPF_DEVCG access bits from "rwm" (NULL = all). */
unsigned cgroup_device_access_bits(const char *access);

/* ---- file writes ---- */

/* Write val to dir/file; errors name the whole path. */
int cgroup_write(const char *dir, const char *file, const char *val, struct kerr *err);
/* Read dir/file (trailing newline stripped); NULL with err set. */
char *cgroup_read(const char *dir, const char *file, struct kerr *err);
bool cgroup_file_exists(const char *dir, const char *file);
int cgroup_read_u64(const char *dir, const char *file, uint64_t *out);

/* Resources of one hierarchy/dir; `field` errors carry the linux.resources path. */
/* devs: the device rules to enforce (cgroup_device_rules), NULL to leave devices alone. */
int cgroup_v1_apply(const struct cgroup *cg, const struct spec_resources *r,
		    const struct spec_device_cgroup *devs, size_t n_devs, struct kerr *err);
int cgroup_v2_apply(const char *dir, const struct spec_resources *r,
		    const struct spec_device_cgroup *devs, size_t n_devs, struct kerr *err);
/* Hybrid: what the v1 hierarchies lack, applied in the unified one (hugetlb, unified). */
int cgroup_v2_apply_hybrid(const struct cgroup *cg, const struct spec_resources *r,
			   struct kerr *err);
/* Hybrid: a controller v1 lacks but the unified hierarchy offers. */
bool cgroup_hybrid_has(const struct cgroup *cg, const char *controller);
/* A clear error for a controller this host lacks: "(no /sys/fs/cgroup/net_cls)". */
int cgroup_missing(const struct cgroup *cg, const char *field, const char *controller,
		   struct kerr *err);
/* The v2 controllers a resources object needs ("memory", "cpu", ...), space separated. */
void cgroup_v2_needed(const struct spec_resources *r, char *buf, size_t len);

/* The hierarchy with a v1 controller, or NULL. */
const struct cgroup_hier *cgroup_v1_find(const struct cgroup *cg, const char *controller);
/* The cgroup2 hierarchy, or NULL. */
const struct cgroup_hier *cgroup_unified(const struct cgroup *cg);

/*
 * v1: "a" to devices.deny, then the rules in order, each one write() on one
 * fd per file (opened on first use); a deny-all right after a deny-all is
 * skipped.  The errors of a per-file write: the field, the path.
 */
int cgroup_v1_devices_write(const char *dir, const struct spec_device_cgroup *devs, size_t n,
			    struct kerr *err);

/* ---- v2 device filter (eBPF) ---- */

struct bpf_insn;
/* Build the device program: rules in order, the last match wins, default deny. */
int cgroup_bpf_devices_build(const struct spec_device_cgroup *rules, size_t n,
			     struct bpf_insn **out, size_t *n_insn, struct kerr *err);
/* Load and attach to the cgroup dir, replacing any program kura attached before. */
int cgroup_bpf_devices_apply(const char *dir, const struct spec_device_cgroup *rules,
			     size_t n, struct kerr *err);

/*
 * The device rules kura enforces: the spec's, then the defaults runc appends
 * (/dev/null, zero, full, tty, random, urandom, ptmx, pts, tun, mknod of any),
 * and rwm for every linux.devices entry (lx may be NULL).
 * *out is an array the caller frees (the strings are static or borrowed).
 */
int cgroup_device_rules(const struct spec_linux *lx, const struct spec_resources *r,
			struct spec_device_cgroup **out, size_t *n);


/* cgroup.c: note dir as made by kura in h (kept for the undo and state.json). */
int cgroup_made_push(struct cgroup_hier *h, const char *dir);

/* mkdir what is missing in every hierarchy and apply linux.resources. */
int cgroup_make(struct cgroup *cg, const struct spec *s, struct kerr *err);

/* ---- systemd driver ---- */
int cgroup_systemd_check(struct kerr *err);
/* systemd_unit.c: systemd's unit name characters only ([A-Za-z0-9:_.\-] and \ escapes) */
bool systemd_unit_chars_ok(const char *s);
/* a name ending in ".slice" */
bool systemd_is_slice(const char *name);
/* "a-b.slice" -> "/a.slice/a-b.slice"; "-.slice" -> "". */
int cgroup_systemd_expand_slice(const char *slice, char **out, struct kerr *err);
/* cgroupsPath "slice:prefix:name" (empty: system.slice:kura:id) -> slice, unit, cgroup path. */
int cgroup_systemd_unit(const char *cgroups_path, const char *id, char **slice, char **unit,
			char **path, struct kerr *err);
/* "0-2,9" -> the bitmask systemd's AllowedCPUs takes, as hex bytes ("0702"). */
int cgroup_cpuset_mask(const char *list, char **hex, struct kerr *err);
/* CPUQuotaPerSecUSec from quota/period, rounded up to whole percents. */
uint64_t cgroup_systemd_quota_per_sec(int64_t quota, uint64_t period);
/* An org.systemd.property.NAME annotation -> "NAME=SIG:VALUE". */
int cgroup_systemd_annotation(const char *key, const char *value, char **out, struct kerr *err);
/* The StartTransientUnit properties as kura-systemd arguments (NULL-terminated *out). */
int cgroup_systemd_props(const struct spec *s, const char *id, const char *slice,
			 const char *unit, bool v2, pid_t pid, char ***out, size_t *n,
			 struct kerr *err);
/* Device rules -> DeviceAllow=a(ss):... (1), nothing to say (0); proc_devices: its text. */
int cgroup_systemd_device_props(const struct spec_device_cgroup *rules, size_t n,
				const char *proc_devices, char **out, struct kerr *err);
/* Stop the unit (systemd removes its cgroup); a unit already gone is no error. */
int cgroup_systemd_stop(const struct cgroup *cg, struct kerr *err);
/* SetUnitProperties for `update`. */
int cgroup_systemd_set(const struct cgroup *cg, const struct spec_resources *r,
		       struct kerr *err);

#endif
