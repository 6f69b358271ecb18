/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.netDevices: RTM_NEWLINK with IFLA_NET_NS_FD and IFLA_IFNAME moves a
 * device; the kernel drops its addresses on the way, so the permanent global
 * ones are read before and added again inside, and the device is set up
 * there (the spec asks for both).  Plain rtnetlink, no library.
 */
#include "netdev.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/util.h"

#define NETDEV_BUF 16384

struct nl_req {
	struct nlmsghdr nh;
	union {
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
	};
	char attrs[256];
};

/* A saved address of the device: its attributes to send again. */
struct netdev_addr {
	struct ifaddrmsg ifa;
	char attrs[128];
	size_t attrs_len;
};

static int nl_open(struct kerr *err)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return kerr_errno(err, errno, "netlink socket");
	return fd;
}

static void nl_attr(struct nl_req *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/*
 * Send one request and read until its answer.  With NLM_F_ACK: 0 or -errno.
 * A request that is answered with a message (a GET) gets it in buf.
 */
static int nl_talk(int fd, struct nl_req *r, char *buf, size_t size)
{
	static unsigned seq;
	ssize_t n;

	r->nh.nlmsg_seq = ++seq;
	if (send(fd, r, r->nh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(fd, buf, size, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != r->nh.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error;
			}
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (!(h->nlmsg_flags & NLM_F_MULTI)) {
				if (h != (struct nlmsghdr *)buf)
					memmove(buf, h, h->nlmsg_len);
				return 0;
			}
		}
	}
}

/* The ifindex of name in fd's namespace, or 0 when there is none. */
static int nl_ifindex(int fd, const char *name, int by_index, char *buf, size_t size)
{
	struct nl_req r = { 0 };
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;

	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	r.nh.nlmsg_type = RTM_GETLINK;
	r.nh.nlmsg_flags = NLM_F_REQUEST;
	r.ifi.ifi_family = AF_UNSPEC;
	r.ifi.ifi_index = by_index;
	if (!by_index)
		nl_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
	if (nl_talk(fd, &r, buf, size) < 0 || h->nlmsg_type != RTM_NEWLINK)
		return 0;
	return ((const struct ifinfomsg *)NLMSG_DATA(h))->ifi_index;
}

/* The permanent addresses of global scope of ifindex (RFC 3549 2.3.3.2). */
static int addrs_save(int fd, int ifindex, struct netdev_addr **out, size_t *n_out,
		      struct kerr *err)
{
	_cleanup_free_ char *buf = malloc(NETDEV_BUF);
	struct nl_req r = { 0 };
	static unsigned seq = 1U << 30;
	bool done = false;

	*out = NULL;
	*n_out = 0;
	if (!buf)
		return kerr_errno(err, ENOMEM, "netDevices");
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	r.nh.nlmsg_type = RTM_GETADDR;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	r.nh.nlmsg_seq = ++seq;
	r.ifa.ifa_family = AF_UNSPEC;
	if (send(fd, &r, r.nh.nlmsg_len, 0) < 0)
		return kerr_errno(err, errno, "netlink RTM_GETADDR");
	while (!done) {
		ssize_t n = recv(fd, buf, NETDEV_BUF, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kerr_errno(err, errno, "netlink RTM_GETADDR");
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			const struct ifaddrmsg *ifa = NLMSG_DATA(h);
			int len = (int)IFA_PAYLOAD(h);
			uint32_t flags;
			struct netdev_addr *a, *v;

			if (h->nlmsg_seq != r.nh.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
				done = true;
				break;
			}
			if (h->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != ifindex ||
			    ifa->ifa_scope != RT_SCOPE_UNIVERSE)
				continue;
			flags = ifa->ifa_flags;
			for (const struct rtattr *at = IFA_RTA(ifa); RTA_OK(at, len);
			     at = RTA_NEXT(at, len))
				if (at->rta_type == IFA_FLAGS)
					memcpy(&flags, RTA_DATA(at), sizeof(flags));
			if (!(flags & IFA_F_PERMANENT))
				continue;
			v = realloc(*out, (*n_out + 1) * sizeof(**out));
			if (!v)
				return kerr_errno(err, ENOMEM, "netDevices");
			*out = v;
			a = &v[(*n_out)++];
			memset(a, 0, sizeof(*a));
			a->ifa = *ifa;
			len = (int)IFA_PAYLOAD(h);
			/* the address itself; the label names the old device, the times are gone */
			for (const struct rtattr *at = IFA_RTA(ifa); RTA_OK(at, len);
			     at = RTA_NEXT(at, len)) {
				if ((at->rta_type != IFA_ADDRESS && at->rta_type != IFA_LOCAL &&
				     at->rta_type != IFA_BROADCAST && at->rta_type != IFA_FLAGS) ||
				    a->attrs_len + RTA_ALIGN(at->rta_len) > sizeof(a->attrs))
					continue;
				memcpy(a->attrs + a->attrs_len, at, at->rta_len);
				a->attrs_len += RTA_ALIGN(at->rta_len);
			}
		}
	}
	return 0;
}

/* A netlink socket of the namespace nsfd, kura's own left as it was. */
static int nl_open_in(int nsfd, struct kerr *err)
{
	_cleanup_close_ int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int fd;

	if (self < 0)
		return kerr_errno(err, errno, "open /proc/self/ns/net");
	if (setns(nsfd, CLONE_NEWNET) < 0)
		return kerr_errno(err, errno, "setns to the container's network namespace");
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		kerr_errno(err, errno, "netlink socket");
	if (setns(self, CLONE_NEWNET) < 0) {
		/* kura must not go on in the wrong namespace */
		fprintf(stderr, "kura: setns back to the host network namespace: %s\n",
			strerror(errno));
		_exit(1);
	}
	return fd;
}

static int move_one(int host, int inner, int nsfd, const struct spec_net_device *d, int ifindex,
		    char *buf, struct kerr *err)
{
	const char *name = d->name ? d->name : d->host_name;
	_cleanup_free_ struct netdev_addr *addrs = NULL;
	struct nl_req r = { 0 };
	size_t n_addrs = 0;
	uint32_t fd32 = (uint32_t)nsfd;
	int e, newindex;

	if (addrs_save(host, ifindex, &addrs, &n_addrs, err) < 0)
		return -1;
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	r.nh.nlmsg_type = RTM_NEWLINK;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r.ifi.ifi_family = AF_UNSPEC;
	r.ifi.ifi_index = ifindex;
	nl_attr(&r, IFLA_NET_NS_FD, &fd32, sizeof(fd32));
	nl_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
	e = nl_talk(host, &r, buf, NETDEV_BUF);
	if (e == -EEXIST)
		return kerr_set(err, ".linux.netDevices[\"%s\"]: the container already has a "
				     "device named \"%s\"", d->host_name, name);
	if (e < 0)
		return kerr_errno(err, -e, ".linux.netDevices[\"%s\"]: move to the container's "
					   "network namespace as \"%s\"", d->host_name, name);
	/* the kernel keeps the ifindex when it is free there; a %d name is found so */
	newindex = strchr(name, '%') ? nl_ifindex(inner, NULL, ifindex, buf, NETDEV_BUF)
				     : nl_ifindex(inner, name, 0, buf, NETDEV_BUF);
	if (!newindex)
		return kerr_set(err, ".linux.netDevices[\"%s\"]: moved, but not found in the "
				     "container's network namespace", d->host_name);
	for (size_t i = 0; i < n_addrs; i++) {
		memset(&r, 0, sizeof(r));
		r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
		r.nh.nlmsg_type = RTM_NEWADDR;
		r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
		r.ifa = addrs[i].ifa;
		r.ifa.ifa_index = (uint32_t)newindex;
		memcpy((char *)&r + r.nh.nlmsg_len, addrs[i].attrs, addrs[i].attrs_len);
		r.nh.nlmsg_len += (uint32_t)addrs[i].attrs_len;
		e = nl_talk(inner, &r, buf, NETDEV_BUF);
		if (e < 0)
			return kerr_errno(err, -e, ".linux.netDevices[\"%s\"]: restore its address",
					  d->host_name);
	}
	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	r.nh.nlmsg_type = RTM_NEWLINK;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r.ifi.ifi_family = AF_UNSPEC;
	r.ifi.ifi_index = newindex;
	r.ifi.ifi_flags = IFF_UP;
	r.ifi.ifi_change = IFF_UP;
	e = nl_talk(inner, &r, buf, NETDEV_BUF);
	if (e < 0)
		return kerr_errno(err, -e, ".linux.netDevices[\"%s\"]: set up", d->host_name);
	return 0;
}

int netdev_move_all(const struct spec *s, pid_t init_pid, struct kerr *err)
{
	const struct spec_linux *l = &s->linux_;
	_cleanup_close_ int host = -1, inner = -1, nsfd = -1;
	_cleanup_free_ char *buf = NULL;
	_cleanup_free_ int *index = NULL;
	char path[64];

	if (!s->has_linux || !l->n_net_devices)
		return 0;
	buf = malloc(NETDEV_BUF);
	index = calloc(l->n_net_devices, sizeof(*index));
	if (!buf || !index)
		return kerr_errno(err, ENOMEM, "netDevices");
	host = nl_open(err);
	if (host < 0)
		return -1;
	/* all or nothing: every device must be there before one moves */
	for (size_t i = 0; i < l->n_net_devices; i++) {
		index[i] = nl_ifindex(host, l->net_devices[i].host_name, 0, buf, NETDEV_BUF);
		if (!index[i])
			return kerr_set(err, ".linux.netDevices[\"%s\"]: no such network device "
					     "on the host", l->net_devices[i].host_name);
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)init_pid);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return kerr_errno(err, errno, "netDevices: open %s", path);
	inner = nl_open_in(nsfd, err);
	if (inner < 0)
		return -1;
	for (size_t i = 0; i < l->n_net_devices; i++)
		if (move_one(host, inner, nsfd, &l->net_devices[i], index[i], buf, err) < 0)
			return -1;
	return 0;
}
