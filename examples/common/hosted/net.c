// SPDX-License-Identifier: ISC
/*
 * Solo5 NET_BASIC over a frame file: each frame is a 16-bit big-endian
 * length then the bytes; the device replays the file once. Writes are
 * accepted and dropped, as a tap with nobody listening would.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hosted.h"

#define NET_MTU 1500
#define ETH_HLEN 14

solo5_result_t solo5_net_acquire(const char *name, solo5_handle_t *handle,
		struct solo5_net_info *info)
{
	const struct mft_entry *e;

	if (hosted_lookup(name, MFT_DEV_NET_BASIC, handle) != SOLO5_R_OK)
		return SOLO5_R_EINVAL;
	e = hosted_device(*handle, MFT_DEV_NET_BASIC);
	memcpy(info->mac_address, e->u.net_basic.mac, SOLO5_NET_ALEN);
	info->mtu = e->u.net_basic.mtu;
	return SOLO5_R_OK;
}

static ssize_t read_full(int fd, uint8_t *buf, size_t size)
{
	size_t done = 0;

	while (done < size) {
		ssize_t n = read(fd, buf + done, size - done);

		if (n < 0)
			return n;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

solo5_result_t solo5_net_read(solo5_handle_t handle, uint8_t *buf, size_t size,
		size_t *read_size)
{
	const struct mft_entry *e = hosted_device(handle, MFT_DEV_NET_BASIC);
	uint8_t hdr[2];
	size_t len;
	ssize_t n;

	if (!e)
		return SOLO5_R_EINVAL;
	n = read_full(e->b.hostfd, hdr, sizeof(hdr));
	if (n == 0) {
		hosted_net_eof[handle] = true;
		return SOLO5_R_AGAIN;
	}
	if (n != (ssize_t)sizeof(hdr))
		return SOLO5_R_EUNSPEC;
	len = (size_t)hdr[0] << 8 | hdr[1];
	if (len > size || len > NET_MTU + ETH_HLEN)
		return SOLO5_R_EINVAL;
	if (read_full(e->b.hostfd, buf, len) != (ssize_t)len)
		return SOLO5_R_EUNSPEC;
	*read_size = len;
	return SOLO5_R_OK;
}

solo5_result_t solo5_net_write(solo5_handle_t handle, const uint8_t *buf, size_t size)
{
	(void)buf;
	if (!hosted_device(handle, MFT_DEV_NET_BASIC))
		return SOLO5_R_EINVAL;
	return size <= NET_MTU + ETH_HLEN ? SOLO5_R_OK : SOLO5_R_EINVAL;
}

/*
 * Deliberately dead: never called and never address-taken; linked because
 * this object is (ground truth for mirage-audit, see the examples' truth.txt).
 */
uint16_t unused_net_checksum(const uint8_t *buf, size_t len);
uint16_t unused_net_checksum(const uint8_t *buf, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)buf[i] << 8 | buf[i + 1];
	if (len & 1)
		sum += (uint32_t)buf[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}
