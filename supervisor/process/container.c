/* SPDX-License-Identifier: Apache-2.0 */
/* Settings of the whole container: lo up, hostname, domainname, sysctl. */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "process.h"
#include "process_internal.h"
#include "util/util.h"

/* The IPC namespace owns these (ipc/ipc_sysctl.c, ipc/mq_sysctl.c). */
static const char *const sysctl_ipc_keys[] = {
	"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	"kernel.shm_rmid_forced", "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
};

static bool sysctl_is_ipc(const char *key)
{
	if (strncmp(key, "fs.mqueue.", strlen("fs.mqueue.")) == 0)
		return true;
	for (size_t i = 0; i < sizeof(sysctl_ipc_keys) / sizeof(sysctl_ipc_keys[0]); i++)
		if (strcmp(key, sysctl_ipc_keys[i]) == 0)
			return true;
	return false;
}

/*
 * Only keys that a namespace of the container owns may be set: anything
 * else would change the host (runc refuses the same way).  user.* are the
 * user namespace's own limits (kernel/ucount.c), written from inside it.
 */
static int sysctl_check(const struct spec *s, const char *key, struct kerr *err)
{
	enum spec_ns_type need;
	const char *nsname;

	if (strncmp(key, "net.", 4) == 0)
		need = SPEC_NS_NETWORK;
	else if (sysctl_is_ipc(key))
		need = SPEC_NS_IPC;
	else if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
		need = SPEC_NS_UTS;
	else if (strncmp(key, "user.", 5) == 0)
		need = SPEC_NS_USER;
	else
		return kerr_set(err, "sysctl %s is not in a separate kernel namespace", key);
	if (spec_find_ns(s, need))
		return 0;
	nsname = spec_ns_name(need);
	return kerr_set(err, "sysctl %s is not allowed as it conflicts with the OCI \"%s\" namespace setting",
			key, nsname ? nsname : "?");
}

/*
 * "net.ipv4.conf.eth0/1.forwarding" -> "sys/net/ipv4/conf/eth0.1/forwarding":
 * dots and slashes swap, as sysctl(8) reads them.
 */
static int sysctl_key_path(const char *key, char *buf, size_t size, struct kerr *err)
{
	size_t len = strlen(key);
	const char *comp;

	if (len == 0 || len + 5 > size)
		return kerr_set(err, "sysctl \"%s\": bad key", key);
	memcpy(buf, "sys/", 4);
	for (size_t i = 0; i <= len; i++)
		buf[4 + i] = key[i] == '.' ? '/' : key[i] == '/' ? '.' : key[i];
	/* no empty, "." or ".." component may walk out of /proc/sys */
	comp = buf + 4;
	for (;;) {
		const char *slash = strchr(comp, '/');
		size_t n = slash ? (size_t)(slash - comp) : strlen(comp);

		if (n == 0 || (n == 1 && comp[0] == '.') || (n == 2 && comp[0] == '.' && comp[1] == '.'))
			return kerr_set(err, "sysctl \"%s\": bad key", key);
		if (!slash)
			break;
		comp = slash + 1;
	}
	return 0;
}

static int sysctl_apply(const struct spec *s, struct kerr *err)
{
	const struct spec_kv_list *l = &s->linux_.sysctl;
	char path[PATH_MAX];

	for (size_t i = 0; i < l->n; i++) {
		const struct spec_kv *kv = &l->v[i];

		if (sysctl_check(s, kv->key, err) < 0)
			return -1;
		if (sysctl_key_path(kv->key, path, sizeof(path), err) < 0)
			return -1;
		if (proc_write_file(path, kv->value ? kv->value : "", err) < 0)
			return kerr_wrap(err, "sysctl %s", kv->key);
	}
	return 0;
}

/* A network namespace kura made starts with lo down; runc and crun bring it up. */
static int loopback_up(const struct spec *s, struct kerr *err)
{
	const struct spec_namespace *net = spec_find_ns(s, SPEC_NS_NETWORK);
	struct ifreq ifr = { 0 };
	_cleanup_close_ int fd = -1;

	if (!net || net->path)
		return 0;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return kerr_errno(err, errno, "loopback: socket");
	memcpy(ifr.ifr_name, "lo", 3);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return kerr_errno(err, errno, "loopback: get flags of lo");
	if (ifr.ifr_flags & IFF_UP)
		return 0;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return kerr_errno(err, errno, "loopback: set lo up");
	return 0;
}

int process_setup_container(const struct spec *s, struct kerr *err)
{
	bool uts = spec_find_ns(s, SPEC_NS_UTS) != NULL;

	if (loopback_up(s, err) < 0)
		return -1;

	if (s->hostname) {
		if (!uts)
			return kerr_set(err, "unable to set hostname without a private UTS namespace");
		if (sethostname(s->hostname, strlen(s->hostname)) < 0)
			return kerr_errno(err, errno, "sethostname \"%s\"", s->hostname);
	}
	if (s->domainname) {
		if (!uts)
			return kerr_set(err, "unable to set domainname without a private UTS namespace");
		if (setdomainname(s->domainname, strlen(s->domainname)) < 0)
			return kerr_errno(err, errno, "setdomainname \"%s\"", s->domainname);
	}
	return sysctl_apply(s, err);
}
