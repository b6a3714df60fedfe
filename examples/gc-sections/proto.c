// SPDX-License-Identifier: ISC
/*
 * Protocol handlers of the gc-sections example, reached only through tables
 * of function pointers: proto_table (by EtherType) and l4_input (by IPv4
 * protocol). legacy_proto_table is a table nothing refers to.
 */
#include "gc.h"

enum { L4_ICMP, L4_TCP, L4_UDP, L4_OTHER, N_L4 };

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int icmp_input(const uint8_t *p, size_t n)
{
	if (n < 4)
		return -1;
	stats.icmp++;
	stats.hash ^= (uint32_t)p[0] << 16 | p[1];
	return 0;
}

static int tcp_input(const uint8_t *p, size_t n)
{
	if (n < 20)
		return -1;
	stats.tcp++;
	stats.hash += (uint32_t)rd16(p) << 16 ^ rd16(p + 2);
	return 0;
}

static int udp_input(const uint8_t *p, size_t n)
{
	if (n < 8 || rd16(p + 4) > n)
		return -1;
	stats.udp++;
	stats.hash = stats.hash * 31 + rd16(p + 2);
	return 0;
}

static int l4_other_input(const uint8_t *p, size_t n)
{
	(void)p;
	(void)n;
	stats.l4_other++;
	return 0;
}

/* Indexed by a value known only at run time: every entry is a use. */
static int (*const l4_input[N_L4])(const uint8_t *p, size_t n) = {
	[L4_ICMP] = icmp_input,
	[L4_TCP] = tcp_input,
	[L4_UDP] = udp_input,
	[L4_OTHER] = l4_other_input,
};

static unsigned l4_class(uint8_t proto)
{
	switch (proto) {
	case 1:
		return L4_ICMP;
	case 6:
		return L4_TCP;
	case 17:
		return L4_UDP;
	default:
		return L4_OTHER;
	}
}

int handle_arp(const uint8_t *pkt, size_t len)
{
	if (len < 28 || rd16(pkt) != 1 || rd16(pkt + 2) != 0x0800)
		return -1;
	stats.arp++;
	stats.hash ^= (uint32_t)rd16(pkt + 6) << 8;
	return 0;
}

int handle_ipv4(const uint8_t *pkt, size_t len)
{
	size_t ihl;

	if (len < 20 || pkt[0] >> 4 != 4)
		return -1;
	ihl = (size_t)(pkt[0] & 15) * 4;
	if (ihl < 20 || ihl > len)
		return -1;
	stats.ipv4++;
	return l4_input[l4_class(pkt[9])](pkt + ihl, len - ihl);
}

/* Live: in proto_table, though no IPv6 frame arrives. */
int handle_ipv6(const uint8_t *pkt, size_t len)
{
	if (len < 40 || pkt[0] >> 4 != 6)
		return -1;
	stats.ipv6++;
	return 0;
}

const struct proto proto_table[] = {
	{ 0x0806, "arp", handle_arp },
	{ 0x0800, "ipv4", handle_ipv4 },
	{ 0x86dd, "ipv6", handle_ipv6 },
};
const size_t n_proto_table = sizeof(proto_table) / sizeof(proto_table[0]);

/*
 * Deliberately dead: legacy_proto_table is global, so the compiler keeps it
 * and the two handlers it names, but nothing refers to the table.
 */
static int handle_ipx(const uint8_t *pkt, size_t len)
{
	if (len < 30)
		return -1;
	stats.other += rd16(pkt + 2) == len ? 1 : 2;
	return 0;
}

static int handle_appletalk(const uint8_t *pkt, size_t len)
{
	if (len < 13)
		return -1;
	stats.other += pkt[12];
	return 0;
}

extern const struct proto legacy_proto_table[2];
const struct proto legacy_proto_table[2] = {
	{ 0x8137, "ipx", handle_ipx },
	{ 0x809b, "appletalk", handle_appletalk },
};
