// SPDX-License-Identifier: GPL-2.0-only
/* Control messages of UDP sockets (see cmsg.h). */
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>

#include "cmsg.h"

size_t prl_cmsg_pktinfo_space(int family)
{
	return family == AF_INET ? CMSG_SPACE(sizeof(struct in_pktinfo)) :
				   CMSG_SPACE(sizeof(struct in6_pktinfo));
}

static struct cmsghdr *put(struct msghdr *mh, struct cmsghdr *cm, int level,
			   int type, const void *data, size_t len)
{
	cm->cmsg_level = level;
	cm->cmsg_type = type;
	cm->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(cm), data, len);
	return CMSG_NXTHDR(mh, cm);
}

struct cmsghdr *prl_cmsg_put_pktinfo(struct msghdr *mh, struct cmsghdr *cm,
				     int family, const void *addr)
{
	if (family == AF_INET) {
		struct in_pktinfo pi = { 0 };

		memcpy(&pi.ipi_spec_dst, addr, sizeof(pi.ipi_spec_dst));
		return put(mh, cm, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
	} else {
		struct in6_pktinfo pi = { 0 };

		memcpy(&pi.ipi6_addr, addr, sizeof(pi.ipi6_addr));
		return put(mh, cm, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
	}
}

struct cmsghdr *prl_cmsg_put_segment(struct msghdr *mh, struct cmsghdr *cm,
				     uint16_t seg)
{
	return put(mh, cm, SOL_UDP, UDP_SEGMENT, &seg, sizeof(seg));
}

/* The payload of the first (@level, @type) message of @mh, if it fits. */
static bool find(const struct msghdr *mh, int level, int type, void *out,
		 size_t len)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(mh); cm;
	     cm = CMSG_NXTHDR((struct msghdr *)mh, cm)) {
		if (cm->cmsg_level == level && cm->cmsg_type == type &&
		    cm->cmsg_len >= CMSG_LEN(len)) {
			memcpy(out, CMSG_DATA(cm), len);
			return true;
		}
	}
	return false;
}

bool prl_cmsg_pktinfo(const struct msghdr *mh, struct prl_addr *dst,
		      int *ifindex)
{
	struct in6_pktinfo pi6;
	struct in_pktinfo pi;

	if (find(mh, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi))) {
		prl_addr_from_raw(dst, &pi.ipi_addr, sizeof(pi.ipi_addr));
		*ifindex = pi.ipi_ifindex;
		return true;
	}
	if (find(mh, IPPROTO_IPV6, IPV6_PKTINFO, &pi6, sizeof(pi6))) {
		prl_addr_from_raw(dst, &pi6.ipi6_addr, sizeof(pi6.ipi6_addr));
		*ifindex = (int)pi6.ipi6_ifindex;
		return true;
	}
	return false;
}

size_t prl_cmsg_gro_size(const struct msghdr *mh)
{
	int v;

	if (!find(mh, SOL_UDP, UDP_GRO, &v, sizeof(v)))
		return 0;
	return v > 0 ? (size_t)v : 0;
}
