/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --systemd-cgroup: systemd (PID 1) owns the container's cgroup.  kura asks
 * it for a transient scope holding the container's first process, as runc's
 * systemd driver does, then writes the resource files itself as the cgroupfs
 * driver would.  The D-Bus calls are made by build/kura-systemd, a small
 * helper linked with Debian's libsystemd (sd-bus): kura itself is static and
 * Debian has no static libsystemd, and only --systemd-cgroup pays for it.
 *
 * cgroupsPath is "slice:prefix:name": the unit is "prefix-name.scope" in
 * "slice" (default system.slice), or the slice "name" when it ends in
 * ".slice".  Its cgroup is the slice's path, each dash a level
 * (a-b.slice -> /a.slice/a-b.slice), then the unit.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroup_internal.h"
#include "util/util.h"

int cgroup_systemd_check(struct kerr *err)
{
	struct stat st;

	if (stat("/run/systemd/system", &st) < 0 || !S_ISDIR(st.st_mode))
		return kerr_set(err, "systemd cgroup driver requested but systemd is not running "
				     "(no /run/systemd/system)");
	return 0;
}

/* ---- properties, as "Name=SIG:VALUE" arguments of kura-systemd ---- */

struct props {
	char **v;
	size_t n;
};

static void props_free(struct props *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

__attribute__((format(printf, 2, 3))) static int prop_add(struct props *p, const char *fmt, ...)
{
	char **nv = realloc(p->v, (p->n + 2) * sizeof(*nv));
	va_list ap;
	int r;

	if (!nv)
		return -1;
	p->v = nv;
	va_start(ap, fmt);
	r = vasprintf(&p->v[p->n], fmt, ap);
	va_end(ap);
	if (r < 0)
		return -1;
	p->v[++p->n] = NULL;
	return 0;
}

/* systemd's "infinity" for a uint64 limit */
#define SD_INFINITY UINT64_MAX

static uint64_t limit_u64(int64_t v)
{
	return v < 0 ? SD_INFINITY : (uint64_t)v;
}

int cgroup_cpuset_mask(const char *list, char **hex, struct kerr *err)
{
	enum { MAX_CPU = 8192 };
	uint8_t mask[MAX_CPU / 8] = { 0 };
	size_t top = 0;
	const char *p = list;
	char *h;

	while (*p) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;

		if (end == p || a >= MAX_CPU)
			return kerr_set(err, "invalid list \"%s\"", list);
		p = end;
		if (*p == '-') {
			b = strtoul(p + 1, &end, 10);
			if (end == p + 1 || b >= MAX_CPU || b < a)
				return kerr_set(err, "invalid list \"%s\"", list);
			p = end;
		}
		for (unsigned long i = a; i <= b; i++)
			mask[i / 8] |= (uint8_t)(1u << (i % 8));
		if (b / 8 + 1 > top)
			top = b / 8 + 1;
		if (*p == ',')
			p++;
		else if (*p)
			return kerr_set(err, "invalid list \"%s\"", list);
	}
	h = malloc(2 * top + 1);
	if (!h)
		return kerr_errno(err, ENOMEM, "cpuset");
	for (size_t i = 0; i < top; i++)
		sprintf(h + 2 * i, "%02x", mask[i]);
	h[2 * top] = '\0';
	*hex = h;
	return 0;
}

/* systemd keeps CPU quota in whole percents: round a fraction up (runc does) */
uint64_t cgroup_systemd_quota_per_sec(int64_t quota, uint64_t period)
{
	uint64_t v;

	if (quota < 0)
		return SD_INFINITY;
	if (period == 0)
		period = 100000;
	v = (uint64_t)quota * 1000000 / period;
	if (v % 10000)
		v = (v / 10000 + 1) * 10000;
	return v;
}

/* The resource properties, for both the start and later updates. */
static int resource_props(const struct spec_resources *r, bool v2, struct props *p,
			  struct kerr *err)
{
	const struct spec_memory *m = &r->memory;
	const struct spec_cpu *c = &r->cpu;
	int oom = 0;

	if (m->has_limit && m->limit != 0)
		oom |= prop_add(p, "%s=t:%" PRIu64, v2 ? "MemoryMax" : "MemoryLimit",
				limit_u64(m->limit));
	if (v2 && m->has_reservation && m->reservation != 0)
		oom |= prop_add(p, "MemoryLow=t:%" PRIu64, limit_u64(m->reservation));
	if (v2 && m->has_swap) {
		int64_t swap = 0;

		if (cgroup_swap_to_v2(m->swap, m->has_limit ? m->limit : 0, &swap, err) < 0)
			return kerr_wrap(err, "linux.resources.memory.swap");
		if (swap != 0)
			oom |= prop_add(p, "MemorySwapMax=t:%" PRIu64, limit_u64(swap));
	}
	if (c->has_shares && c->shares)
		oom |= v2 ? prop_add(p, "CPUWeight=t:%" PRIu64,
				     cgroup_cpu_shares_to_weight(c->shares))
			  : prop_add(p, "CPUShares=t:%" PRIu64, c->shares);
	if (c->has_quota && c->quota != 0)
		oom |= prop_add(p, "CPUQuotaPerSecUSec=t:%" PRIu64,
				cgroup_systemd_quota_per_sec(c->quota,
							     c->has_period ? c->period : 0));
	if (c->has_period && c->period)
		oom |= prop_add(p, "CPUQuotaPeriodUSec=t:%" PRIu64, c->period);
	if (c->cpus && *c->cpus) {
		_cleanup_free_ char *hex = NULL;

		if (cgroup_cpuset_mask(c->cpus, &hex, err) < 0)
			return kerr_wrap(err, "linux.resources.cpu.cpus");
		oom |= prop_add(p, "AllowedCPUs=ay:%s", hex);
	}
	if (c->mems && *c->mems) {
		_cleanup_free_ char *hex = NULL;

		if (cgroup_cpuset_mask(c->mems, &hex, err) < 0)
			return kerr_wrap(err, "linux.resources.cpu.mems");
		oom |= prop_add(p, "AllowedMemoryNodes=ay:%s", hex);
	}
	if (r->has_pids_limit)
		oom |= prop_add(p, "TasksMax=t:%" PRIu64,
				r->pids_limit > 0 ? (uint64_t)r->pids_limit : SD_INFINITY);
	if (r->blkio.has_weight && r->blkio.weight)
		oom |= v2 ? prop_add(p, "IOWeight=t:%" PRIu64,
				     cgroup_blkio_weight_to_io_weight(r->blkio.weight))
			  : prop_add(p, "BlockIOWeight=t:%u", (unsigned)r->blkio.weight);
	return oom ? kerr_errno(err, ENOMEM, "systemd properties") : 0;
}

/*
 * The name /proc/devices gives a major of type 'c' or 'b' ("pts" for c 136),
 * for DeviceAllow's "char-NAME"; NULL when it has none kura can name.
 */
static char *proc_devices_name(const char *proc_devices, char type, int64_t major)
{
	const char *section = type == 'b' ? "Block devices:" : "Character devices:";
	const char *p = proc_devices ? strstr(proc_devices, section) : NULL;

	if (!p)
		return NULL;
	p = strchr(p, '\n');
	while (p && *++p && *p != '\n') { /* a blank line ends the section */
		char name[64];
		long long m;

		if (sscanf(p, "%lld %63s", &m, name) == 2 && m == major && !strchr(name, '/'))
			return strdup(name);
		p = strchr(p, '\n');
	}
	return NULL;
}

/* One rule as a DeviceAllow entry ("/dev/char/1:3 rwm", "char-pts rwm"), or NULL. */
static char *device_entry(const struct spec_device_cgroup *d, const char *proc_devices)
{
	const char *kind = d->type == 'b' ? "block" : "char";
	const char *acc = d->access && *d->access ? d->access : "rwm";
	bool any_major = !d->has_major || d->major < 0, any_minor = !d->has_minor || d->minor < 0;
	char *e = NULL;

	if (any_major) {
		if (asprintf(&e, "%s-* %s", kind, acc) < 0)
			e = NULL;
	} else if (any_minor) {
		_cleanup_free_ char *name = proc_devices_name(proc_devices, d->type, d->major);

		/* a major /proc/devices does not name: systemd cannot say it */
		if (name && asprintf(&e, "%s-%s %s", kind, name, acc) < 0)
			e = NULL;
	} else if (asprintf(&e, "/dev/%s/%lld:%lld %s", kind, (long long)d->major,
			    (long long)d->minor, acc) < 0) {
		e = NULL;
	}
	return e;
}

static bool same_device(const struct spec_device_cgroup *a, const struct spec_device_cgroup *b)
{
	int64_t ma = a->has_major ? a->major : -1, mb = b->has_major ? b->major : -1;
	int64_t na = a->has_minor ? a->minor : -1, nb = b->has_minor ? b->minor : -1;

	return a->type == b->type && ma == mb && na == nb;
}

/*
 * kura's device rules (last match wins, default deny) as systemd's allow
 * list, so systemd, when it applies the unit again (daemon-reload,
 * SetUnitProperties), keeps what kura enforces instead of "allow all"
 * (cgroup v1).  Returns 1 with *out the DeviceAllow=a(ss) argument (the
 * caller adds DevicePolicy=strict), 0 when every device is allowed (nothing
 * to say), -1 on error.  A deny carved out of a wider allow cannot be said
 * to systemd; kura's own rules still hold it.
 */
int cgroup_systemd_device_props(const struct spec_device_cgroup *rules, size_t n,
				const char *proc_devices, char **out, struct kerr *err)
{
	_cleanup_free_ const struct spec_device_cgroup **allowed = calloc(n + 1, sizeof(*allowed));
	size_t k = 0, len;
	bool all = false;
	char *buf;

	*out = NULL;
	if (!allowed)
		return kerr_errno(err, ENOMEM, "DeviceAllow");
	for (size_t i = 0; i < n; i++) {
		const struct spec_device_cgroup *d = &rules[i];
		bool every = (d->type == 'a' || d->type == 0) && (!d->has_major || d->major < 0) &&
			     (!d->has_minor || d->minor < 0);

		if (every) {
			all = d->allow;
			k = 0;
		} else if (d->allow && !all) {
			allowed[k++] = d;
		} else if (!d->allow) {
			size_t w = 0;

			for (size_t j = 0; j < k; j++)
				if (!same_device(allowed[j], d))
					allowed[w++] = allowed[j];
			k = w;
		}
	}
	if (all)
		return 0;
	/* "DeviceAllow=a(ss):PATH PERMS,PATH PERMS" */
	buf = strdup("DeviceAllow=a(ss):");
	len = buf ? strlen(buf) : 0;
	for (size_t j = 0; buf && j < k; j++) {
		_cleanup_free_ char *e = device_entry(allowed[j], proc_devices);
		char *nb;

		if (!e)
			continue;
		nb = realloc(buf, len + strlen(e) + 2);
		if (!nb) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
		len += (size_t)sprintf(buf + len, "%s%s", buf[len - 1] == ':' ? "" : ",", e);
	}
	if (!buf)
		return kerr_errno(err, ENOMEM, "DeviceAllow");
	*out = buf;
	return 1;
}

#define PROP_ANNOTATION "org.systemd.property."

/*
 * An annotation "org.systemd.property.NAME": a GVariant text value, as runc
 * takes them.  kura reads the forms systemd's properties use: "uint64 N",
 * "int64 N", "uint32 N", "int32 N", a plain integer (int32), true/false and
 * a quoted string.
 */
int cgroup_systemd_annotation(const char *key, const char *value, char **out, struct kerr *err)
{
	static const struct {
		const char *word, *sig;
	} typed[] = { { "uint64 ", "t" }, { "int64 ", "x" }, { "uint32 ", "u" }, { "int32 ", "i" } };
	const char *name = key + strlen(PROP_ANNOTATION);
	const char *sig = NULL, *num = value;
	long long n;
	size_t vl = strlen(value);

	*out = NULL;
	if (!*name || !systemd_unit_chars_ok(name) || strpbrk(name, ":.-\\"))
		return kerr_set(err, "config.json: .annotations[\"%s\"]: not a property name", key);
	if (!strcmp(value, "true") || !strcmp(value, "false")) {
		if (asprintf(out, "%s=b:%s", name, value) < 0)
			goto oom;
		return 0;
	}
	if (vl >= 2 && (value[0] == '\'' || value[0] == '"') && value[vl - 1] == value[0]) {
		if (asprintf(out, "%s=s:%.*s", name, (int)(vl - 2), value + 1) < 0)
			goto oom;
		return 0;
	}
	for (size_t i = 0; i < sizeof(typed) / sizeof(typed[0]); i++)
		if (!strncmp(value, typed[i].word, strlen(typed[i].word))) {
			sig = typed[i].sig;
			num = value + strlen(typed[i].word);
		}
	if (util_parse_long(num, &n) < 0 || (sig && (*sig == 't' || *sig == 'u') && n < 0))
		return kerr_set(err, "config.json: .annotations[\"%s\"]: \"%s\" is not a value kura "
				     "can pass to systemd (uint64 N, int64 N, uint32 N, int32 N, "
				     "N, true, false, 'text')", key, value);
	if (asprintf(out, "%s=%s:%lld", name, sig ? sig : "i", n) < 0)
		goto oom;
	return 0;
oom:
	*out = NULL;
	return kerr_errno(err, ENOMEM, "%s", key);
}

/* ---- talking to kura-systemd ---- */

/* argv for kura-systemd: slot 0 for the path, then verb, unit, properties. */
static int run_verb(const char *verb, const char *unit, const struct props *p, int *status,
		    struct kerr *err)
{
	_cleanup_free_ char **argv = calloc(p->n + 4, sizeof(char *));
	char path[4096];

	if (!argv)
		return kerr_errno(err, ENOMEM, "systemd");
	if (util_find_libexec("kura-systemd", path, sizeof(path), err) < 0)
		return kerr_wrap(err, "systemd cgroup driver");
	argv[0] = path;
	argv[1] = (char *)verb;
	argv[2] = (char *)unit;
	for (size_t i = 0; i < p->n; i++)
		argv[3 + i] = p->v[i];
	return util_run(path, argv, status, err);
}

int cgroup_systemd_props(const struct spec *s, const char *id, const char *slice,
			 const char *unit, bool v2, pid_t pid, char ***out, size_t *n,
			 struct kerr *err)
{
	const struct spec_resources *r = s->has_linux ? &s->linux_.resources : NULL;
	bool scope = !systemd_is_slice(unit); /* the unit kura names is a scope or a slice */
	struct props p = { 0 };
	int oom = 0;

	oom |= prop_add(&p, "Description=s:kura container %s", id);
	if (scope) {
		oom |= prop_add(&p, "Slice=s:%s", slice);
		oom |= prop_add(&p, "Delegate=b:true");
		oom |= prop_add(&p, "PIDs=au:%d", (int)pid);
	} else {
		oom |= prop_add(&p, "Wants=as:%s", slice);
	}
	oom |= prop_add(&p, "DefaultDependencies=b:false");
	oom |= prop_add(&p, "MemoryAccounting=b:true");
	oom |= prop_add(&p, "CPUAccounting=b:true");
	oom |= prop_add(&p, "TasksAccounting=b:true");
	oom |= prop_add(&p, v2 ? "IOAccounting=b:true" : "BlockIOAccounting=b:true");
	if (oom)
		goto nomem;
	if (r && resource_props(r, v2, &p, err) < 0)
		goto fail;
	if (s->has_linux) {
		_cleanup_free_ struct spec_device_cgroup *devs = NULL;
		_cleanup_free_ char *procdev = util_read_file("/proc/devices", NULL, err);
		_cleanup_free_ char *allow = NULL;
		size_t n_devs = 0;
		int has;

		if (cgroup_device_rules(&s->linux_, r, &devs, &n_devs) < 0)
			goto nomem;
		has = cgroup_systemd_device_props(devs, n_devs, procdev, &allow, err);
		if (has < 0)
			goto fail;
		if (has && (prop_add(&p, "DevicePolicy=s:strict") || prop_add(&p, "%s", allow)))
			goto nomem;
	}
	/* the config's own properties last: systemd takes the last of a name */
	for (size_t i = 0; i < s->annotations.n; i++) {
		const struct spec_kv *kv = &s->annotations.v[i];
		char *one;

		if (strncmp(kv->key, PROP_ANNOTATION, strlen(PROP_ANNOTATION)))
			continue;
		if (cgroup_systemd_annotation(kv->key, kv->value, &one, err) < 0)
			goto fail;
		oom = prop_add(&p, "%s", one);
		free(one);
		if (oom)
			goto nomem;
	}
	*out = p.v;
	*n = p.n;
	return 0;
nomem:
	kerr_errno(err, ENOMEM, "systemd properties");
fail:
	props_free(&p);
	return -1;
}

int cgroup_systemd_start(struct cgroup *cg, const struct spec *s, const char *id, pid_t pid,
			 struct kerr *err)
{
	struct props p = { 0 };
	int r, status = -1;

	if (cgroup_systemd_props(s, id, cg->slice, cg->unit, cg->mode == CGROUP_V2, pid, &p.v,
				 &p.n, err) < 0)
		return -1;
	r = run_verb("start", cg->unit, &p, &status, err);
	props_free(&p);
	/* 3: systemd took the job, its end unseen: the unit may exist, destroy stops it */
	if (r == 0 || status == 3)
		cg->unit_started = true;
	if (r < 0)
		return -1;
	/* what systemd did not make (hierarchies it does not manage), the resources */
	if (cgroup_make(cg, s, err) < 0)
		return -1;
	return cgroup_enter(cg, pid, err);
}

int cgroup_systemd_stop(const struct cgroup *cg, struct kerr *err)
{
	struct props none = { 0 };

	return run_verb("stop", cg->unit, &none, NULL, err);
}

int cgroup_systemd_set(const struct cgroup *cg, const struct spec_resources *r, struct kerr *err)
{
	struct props p = { 0 };
	int ret;

	if (resource_props(r, cg->mode == CGROUP_V2, &p, err) < 0) {
		props_free(&p);
		return -1;
	}
	if (p.n == 0)
		return 0;
	ret = run_verb("set", cg->unit, &p, NULL, err);
	props_free(&p);
	return ret;
}
