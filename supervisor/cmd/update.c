/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `kura update [flags] ID`: change a live container's cgroup limits.  A
 * LinuxResources JSON (--resources FILE, or - for stdin) is read first, as
 * runc does; the single-value flags then override it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup.h"
#include "cmd.h"
#include "util/log.h"
#include "state.h"
#include "util/util.h"

enum {
	OPT_MEMORY = 256,
	OPT_SWAP,
	OPT_RESERVATION,
	OPT_KMEM,
	OPT_KMEM_TCP,
	OPT_SHARES,
	OPT_QUOTA,
	OPT_PERIOD,
	OPT_RT_PERIOD,
	OPT_RT_RUNTIME,
	OPT_CPUS,
	OPT_MEMS,
	OPT_PIDS,
	OPT_BLKIO,
	OPT_L3,
	OPT_MB,
};

/* A LinuxResources JSON text into r; errors carry the JSON path. */
static int resources_parse(const char *text, size_t len, const char *file,
			   struct spec_resources *r, struct kerr *err)
{
	struct spec_errors errs = { 0 };
	int ret = 0;

	if (spec_resources_parse(text, len, file, r, &errs) < 0)
		ret = kerr_set(err, "%s", errs.n ? errs.msg[0] : "invalid resources JSON");
	spec_errors_free(&errs);
	return ret;
}

static int read_resources(const char *src, struct spec_resources *r, struct kerr *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;

	if (!strcmp(src, "-"))
		text = util_read_fd(0, &len, err);
	else
		text = util_read_file(src, &len, err);
	if (!text)
		return kerr_wrap(err, "--resources");
	return resources_parse(text, len, strcmp(src, "-") ? src : "<stdin>", r, err);
}

static int num_flag(const char *name, const char *v, int64_t *out, bool sizes)
{
	long long n;

	if (sizes ? cgroup_size_parse(v, out) == 0 : util_parse_long(v, &n) == 0) {
		if (!sizes)
			*out = n;
		return 0;
	}
	log_error("update: --%s: invalid value \"%s\"", name, v);
	return -1;
}

/* Apply one flag onto r; -1 after log_error. */
static int flag_apply(int opt, const char *name, const char *v, struct spec_resources *r)
{
	int64_t n = 0;

	switch (opt) {
	case OPT_CPUS:
		free(r->cpu.cpus);
		r->cpu.cpus = strdup(v);
		return r->cpu.cpus ? 0 : -1;
	case OPT_MEMS:
		free(r->cpu.mems);
		r->cpu.mems = strdup(v);
		return r->cpu.mems ? 0 : -1;
	default:
		break;
	}
	if (num_flag(name, v, &n, opt == OPT_MEMORY || opt == OPT_SWAP ||
					 opt == OPT_RESERVATION || opt == OPT_KMEM ||
					 opt == OPT_KMEM_TCP) < 0)
		return -1;
	switch (opt) {
	case OPT_MEMORY:
		r->memory.has_limit = true;
		r->memory.limit = n;
		break;
	case OPT_SWAP:
		r->memory.has_swap = true;
		r->memory.swap = n;
		break;
	case OPT_RESERVATION:
		r->memory.has_reservation = true;
		r->memory.reservation = n;
		break;
	case OPT_KMEM:
	case OPT_KMEM_TCP:
		log_warn("update: --%s is ignored: kernel memory limits are gone from the kernel",
			 name);
		break;
	case OPT_SHARES:
		r->cpu.has_shares = true;
		r->cpu.shares = (uint64_t)n;
		break;
	case OPT_QUOTA:
	case OPT_PIDS:
		/* as linux.resources.{cpu.quota,pids.limit}: -1 is no limit, no other negative */
		if (n < -1) {
			log_error("update: --%s: must be -1 (no limit) or at least 0, not %lld", name,
				  (long long)n);
			return -1;
		}
		if (opt == OPT_PIDS) {
			r->has_pids_limit = true;
			r->pids_limit = n;
			break;
		}
		r->cpu.has_quota = true;
		r->cpu.quota = n;
		break;
	case OPT_PERIOD:
		r->cpu.has_period = true;
		r->cpu.period = (uint64_t)n;
		break;
	case OPT_RT_PERIOD:
		r->cpu.has_realtime_period = true;
		r->cpu.realtime_period = (uint64_t)n;
		break;
	case OPT_RT_RUNTIME:
		r->cpu.has_realtime_runtime = true;
		r->cpu.realtime_runtime = n;
		break;
	case OPT_BLKIO:
		if (n < 10 || n > 1000) {
			log_error("update: --blkio-weight: %lld is outside 10-1000", (long long)n);
			return -1;
		}
		r->blkio.has_weight = true;
		r->blkio.weight = (uint16_t)n;
		break;
	default:
		return -1;
	}
	return 0;
}

int cmd_update(struct kura_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "resources", required_argument, NULL, 'r' },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "memory-swap", required_argument, NULL, OPT_SWAP },
		{ "memory-reservation", required_argument, NULL, OPT_RESERVATION },
		{ "kernel-memory", required_argument, NULL, OPT_KMEM },
		{ "kernel-memory-tcp", required_argument, NULL, OPT_KMEM_TCP },
		{ "cpu-shares", required_argument, NULL, OPT_SHARES },
		{ "cpu-quota", required_argument, NULL, OPT_QUOTA },
		{ "cpu-period", required_argument, NULL, OPT_PERIOD },
		{ "cpu-rt-period", required_argument, NULL, OPT_RT_PERIOD },
		{ "cpu-rt-runtime", required_argument, NULL, OPT_RT_RUNTIME },
		{ "cpuset-cpus", required_argument, NULL, OPT_CPUS },
		{ "cpuset-mems", required_argument, NULL, OPT_MEMS },
		{ "pids-limit", required_argument, NULL, OPT_PIDS },
		{ "blkio-weight", required_argument, NULL, OPT_BLKIO },
		{ "l3-cache-schema", required_argument, NULL, OPT_L3 },
		{ "mem-bw-schema", required_argument, NULL, OPT_MB },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct {
		int opt;
		const char *name, *val;
	} flags[32];
	size_t n_flags = 0;
	const char *resources = NULL, *l3 = NULL, *mb = NULL;
	struct spec_resources r;
	struct container c;
	struct kerr err;
	enum container_status st;
	int opt, idx, rc = 1;

	memset(&r, 0, sizeof(r));
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+r:h", opts, &idx)) != -1) {
		if (opt == 'h') {
			cmd_usage("update", false);
			return 0;
		}
		if (opt == 'r') {
			resources = optarg;
			continue;
		}
		if (opt == OPT_L3 || opt == OPT_MB) {
			/* one line of the resctrl schemata file, as linux.intelRdt's */
			const char *want = opt == OPT_L3 ? "L3" : "MB";

			if (strncmp(optarg, want, 2) || optarg[2] != ':' || strchr(optarg, '\n')) {
				log_error("update: --%s: must start with \"%s:\" and hold no newline",
					  opts[idx].name, want);
				return 1;
			}
			*(opt == OPT_L3 ? &l3 : &mb) = optarg;
			continue;
		}
		if (opt == '?' || opt == ':') {
			log_error("update: unknown flag or missing value \"%s\"", argv[optind - 1]);
			cmd_usage("update", true);
			return 1;
		}
		if (n_flags == sizeof(flags) / sizeof(flags[0])) {
			log_error("update: too many flags");
			return 1;
		}
		flags[n_flags].opt = opt;
		flags[n_flags].name = opts[idx].name;
		flags[n_flags].val = optarg;
		n_flags++;
	}
	if (optind != argc - 1) {
		log_error("update: %s", optind >= argc ? "container id is required" : "too many arguments");
		cmd_usage("update", true);
		return 1;
	}
	if (resources && read_resources(resources, &r, &err) < 0) {
		log_error("update: %s", err.msg);
		return 1;
	}
	for (size_t i = 0; i < n_flags; i++) {
		if (flag_apply(flags[i].opt, flags[i].name, flags[i].val, &r) < 0) {
			spec_resources_free(&r);
			return 1;
		}
	}
	if (state_load_locked(g->root, argv[optind], &c, &err) < 0) {
		log_error("%s", err.msg);
		spec_resources_free(&r);
		return 1;
	}
	st = state_status(&c);
	if (st == STATUS_STOPPED || st == STATUS_CREATING) {
		log_error("container not running");
		goto out;
	}
	if (!c.cg) {
		log_error("update %s: the container has no cgroup", c.id);
		goto out;
	}
	{
		char w[512];

		if (cgroup_resources_warning(cgroup_made_in(c.cg), &r, w, sizeof(w)))
			log_warn("update: %s", w);
	}
	if (cgroup_update(c.cg, &r, &err) < 0) {
		log_error("update %s: %s", c.id, err.msg);
		goto out;
	}
	if ((l3 || mb) && cgroup_rdt_update(c.cg, l3, mb, &err) < 0) {
		log_error("update %s: --%s: %s", c.id, l3 ? "l3-cache-schema" : "mem-bw-schema",
			  err.msg);
		goto out;
	}
	rc = 0;
out:
	spec_resources_free(&r);
	state_free(&c);
	return rc;
}
