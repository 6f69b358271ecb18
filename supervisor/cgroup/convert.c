/* SPDX-License-Identifier: Apache-2.0 */
/* Value conversions between OCI, cgroup v1 and cgroup v2: pure functions. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "cgroup_internal.h"

/* runc's ConvertCPUSharesToCgroupV2Value: [2, 262144] -> [1, 10000]. */
uint64_t cgroup_cpu_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	if (shares < 2)
		shares = 2;
	return 1 + ((shares - 2) * 9999) / 262142;
}

/* runc's ConvertBlkIOToIOWeightValue: [10, 1000] -> [1, 10000]. */
uint64_t cgroup_blkio_weight_to_io_weight(uint64_t w)
{
	if (w == 0)
		return 0;
	if (w < 10)
		w = 10;
	return 1 + (w - 10) * 9999 / 990;
}

/*
 * OCI swap is memory+swap (v1 memsw); v2 memory.swap.max is swap alone.
 * Unlimited memory with swap unset means both unlimited, as runc reads it.
 */
int cgroup_swap_to_v2(int64_t swap, int64_t limit, int64_t *out, struct kerr *err)
{
	if (limit == -1 && swap == 0) {
		*out = -1;
		return 0;
	}
	if (swap == -1 || swap == 0) {
		*out = swap;
		return 0;
	}
	if (limit == 0 || limit == -1)
		return kerr_set(err, "unable to set swap limit without memory limit");
	if (limit < 0)
		return kerr_set(err, "invalid memory value: %" PRId64, limit);
	if (swap < limit)
		return kerr_set(err, "memory+swap limit (%" PRId64 ") should be >= memory limit (%" PRId64 ")",
				swap, limit);
	*out = swap - limit;
	return 0;
}

void cgroup_fmt_limit(char *buf, size_t len, int64_t v)
{
	if (v < 0)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%" PRId64, v);
}

bool cgroup_fmt_cpu_max(char *buf, size_t len, bool has_quota, int64_t quota,
			bool has_period, uint64_t period)
{
	int k;

	if ((!has_quota || quota == 0) && (!has_period || period == 0))
		return false;
	if (has_quota && quota > 0)
		k = snprintf(buf, len, "%" PRId64, quota);
	else
		k = snprintf(buf, len, "max");
	if (has_period && period != 0 && k > 0 && (size_t)k < len)
		snprintf(buf + k, len - (size_t)k, " %" PRIu64, period);
	return true;
}

static void fmt_devnum(char *buf, size_t len, bool has, int64_t v)
{
	if (!has || v < 0)
		snprintf(buf, len, "*");
	else
		snprintf(buf, len, "%" PRId64, v);
}

void cgroup_fmt_device_rule(char *buf, size_t len, const struct spec_device_cgroup *d)
{
	char maj[24], min[24];
	char type = d->type ? d->type : 'a';

	fmt_devnum(maj, sizeof(maj), d->has_major, d->major);
	fmt_devnum(min, sizeof(min), d->has_minor, d->minor);
	if (type == 'a' && !d->has_major && !d->has_minor)
		snprintf(buf, len, "a *:* %s", d->access && *d->access ? d->access : "rwm");
	else
		snprintf(buf, len, "%c %s:%s %s", type, maj, min,
			 d->access && *d->access ? d->access : "rwm");
}

uint64_t cgroup_page_size_parse(const char *s)
{
	char *end;
	unsigned long long v;

	if (!s || !isdigit((unsigned char)*s))
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v == 0)
		return 0;
	if (!strcmp(end, "KB") || !strcmp(end, "kB"))
		return v << 10;
	if (!strcmp(end, "MB"))
		return v << 20;
	if (!strcmp(end, "GB"))
		return v << 30;
	if (!strcmp(end, "TB"))
		return v << 40;
	return 0;
}

int cgroup_size_parse(const char *s, int64_t *out)
{
	char *end;
	long long v;
	int shift = 0;

	if (!s || !*s)
		return -1;
	if (!strcmp(s, "-1")) {
		*out = -1;
		return 0;
	}
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno)
		return -1;
	switch (tolower((unsigned char)*end)) {
	case '\0':
		break;
	case 'b':
		shift = 0;
		end++;
		break;
	case 'k':
		shift = 10;
		end++;
		break;
	case 'm':
		shift = 20;
		end++;
		break;
	case 'g':
		shift = 30;
		end++;
		break;
	case 't':
		shift = 40;
		end++;
		break;
	default:
		return -1;
	}
	/* "512m", "512mb", "512MiB" are all the same to docker's RAMInBytes */
	if (shift && (*end == 'i' || *end == 'I'))
		end++;
	if (shift && (*end == 'b' || *end == 'B'))
		end++;
	if (*end)
		return -1;
	if (shift && v > (INT64_MAX >> shift))
		return -1;
	*out = (int64_t)v << shift;
	return 0;
}

unsigned cgroup_device_access_bits(const char *access)
{
	unsigned bits = 0;

	if (!access || !*access)
		return BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
	for (const char *p = access; *p; p++) {
		if (*p == 'r')
			bits |= BPF_DEVCG_ACC_READ;
		else if (*p == 'w')
			bits |= BPF_DEVCG_ACC_WRITE;
		else if (*p == 'm')
			bits |= BPF_DEVCG_ACC_MKNOD;
	}
	return bits;
}

bool cgroup_resources_warning(enum cgroup_mode mode, const struct spec_resources *r,
			      char *buf, size_t len)
{
	const struct spec_memory *m;
	bool leaf = false;
	size_t at = 0;

	if (!r || !len)
		return false;
	m = &r->memory;
	buf[0] = '\0';
	/*
	 * kernel memory limits are gone from the kernel (5.16+); v1's TCP buffer
	 * limit is not (v1.c writes it), v2 has no file for it
	 */
	if (m->has_kernel || (m->has_kernel_tcp && mode == CGROUP_V2))
		at += (size_t)snprintf(buf, len, "%s ignored: the kernel no longer supports "
						 "kernel memory limits",
				       !m->has_kernel_tcp || mode != CGROUP_V2
					       ? "linux.resources.memory.kernel is"
				       : !m->has_kernel ? "linux.resources.memory.kernelTCP is"
							: "linux.resources.memory.kernel and kernelTCP are");
	if (mode != CGROUP_V2)
		return at > 0;
	/* cgroup v2 has no file for these: ignored, as runc and crun do */
	for (size_t i = 0; i < r->blkio.n_weight_device; i++)
		leaf |= r->blkio.weight_device[i].has_leaf_weight;
	if ((m->has_swappiness || (m->has_disable_oom_killer && m->disable_oom_killer) ||
	     r->blkio.has_leaf_weight || leaf) && at < len)
		at += (size_t)snprintf(buf + at, len - at, "%s%s%s%s%s ignored: cgroup v2 has no "
				       "file for them", at ? ";" : "",
				       m->has_swappiness ? " linux.resources.memory.swappiness" : "",
				       m->has_disable_oom_killer && m->disable_oom_killer
					       ? " linux.resources.memory.disableOOMKiller"
					       : "",
				       r->blkio.has_leaf_weight ? " linux.resources.blockIO.leafWeight"
								: "",
				       leaf ? " linux.resources.blockIO.weightDevice[].leafWeight"
					    : "");
	if (buf[0] == ' ')
		memmove(buf, buf + 1, strlen(buf));
	return at > 0;
}
