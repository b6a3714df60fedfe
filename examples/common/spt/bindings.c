// SPDX-License-Identifier: ISC
/*
 * Solo5 spt-style bindings for a freestanding guest: every call is a raw
 * Linux system call on a host fd the tender attached (spt does the same,
 * behind a seccomp filter, which these examples do not install).
 */
#include "nolibc.h"
#include "solo5.h"
#include "spt_boot.h"
#include "syscall.h"

/*
 * A net device is a file of frames, each a 16-bit big-endian length then
 * the frame; reading it replays the frames once. Writes are accepted and
 * dropped, as a tap with nobody listening would.
 */
#define NET_MTU 1500
#define BLOCK_SIZE 512

static const struct spt_boot_info *boot;

/* Per manifest entry: the net device has replayed its last frame. */
static bool net_eof[MFT_MAX_ENTRIES];

void spt_start(const struct spt_boot_info *bi);

static const struct mft_entry *mft_get(solo5_handle_t h, uint32_t type)
{
	const struct mft *m = boot->mft;

	if (h >= m->entries || m->e[h].type != type || !m->e[h].attached)
		return NULL;
	return &m->e[h];
}

static solo5_result_t mft_lookup(const char *name, uint32_t type, solo5_handle_t *h)
{
	const struct mft *m = boot->mft;
	uint32_t i;

	for (i = 1; i < m->entries; i++)
		if (m->e[i].type == type && m->e[i].attached && !strcmp(m->e[i].name, name)) {
			*h = i;
			return SOLO5_R_OK;
		}
	return SOLO5_R_EINVAL;
}

void solo5_console_write(const char *buf, size_t size)
{
	while (size) {
		long n = sys_call3(SYS_WRITE, 1, (long)buf, (long)size);

		if (n <= 0)
			return;
		buf += n;
		size -= (size_t)n;
	}
}

void solo5_exit(int status)
{
	for (;;)
		sys_call1(SYS_EXIT_GROUP, status);
}

void solo5_abort(void)
{
	solo5_console_write("solo5: abort\n", 13);
	solo5_exit(SOLO5_EXIT_ABORT);
}

static solo5_time_t clock_ns(int clock)
{
	struct sys_timespec ts;

	if (sys_call2(SYS_CLOCK_GETTIME, clock, (long)&ts) < 0)
		solo5_abort();
	return (solo5_time_t)ts.tv_sec * 1000000000ULL + (solo5_time_t)ts.tv_nsec;
}

solo5_time_t solo5_clock_monotonic(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

solo5_time_t solo5_clock_wall(void)
{
	return clock_ns(CLOCK_REALTIME);
}

void solo5_yield(solo5_time_t deadline, solo5_handle_set_t *ready_set)
{
	solo5_handle_set_t ready = 0;
	uint32_t i;

	/*
	 * A frame file has input until its last frame has been read; after
	 * that only the deadline can end the wait.
	 */
	for (i = 1; i < boot->mft->entries; i++)
		if (boot->mft->e[i].type == MFT_DEV_NET_BASIC && boot->mft->e[i].attached &&
		    !net_eof[i])
			ready |= 1ULL << i;
	if (!ready) {
		solo5_time_t now = solo5_clock_monotonic();

		if (deadline > now) {
			struct sys_timespec ts = {
				(int64_t)((deadline - now) / 1000000000ULL),
				(int64_t)((deadline - now) % 1000000000ULL),
			};

			sys_call2(SYS_NANOSLEEP, (long)&ts, 0);
		}
	}
	if (ready_set)
		*ready_set = ready;
}

solo5_result_t solo5_net_acquire(const char *name, solo5_handle_t *handle,
		struct solo5_net_info *info)
{
	const struct mft_entry *e;

	if (mft_lookup(name, MFT_DEV_NET_BASIC, handle) != SOLO5_R_OK)
		return SOLO5_R_EINVAL;
	e = mft_get(*handle, MFT_DEV_NET_BASIC);
	memcpy(info->mac_address, e->u.net_basic.mac, SOLO5_NET_ALEN);
	info->mtu = e->u.net_basic.mtu;
	return SOLO5_R_OK;
}

static long read_full(int fd, uint8_t *buf, size_t size)
{
	size_t done = 0;

	while (done < size) {
		long n = sys_call3(SYS_READ, fd, (long)(buf + done), (long)(size - done));

		if (n < 0)
			return n;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (long)done;
}

solo5_result_t solo5_net_read(solo5_handle_t handle, uint8_t *buf, size_t size,
		size_t *read_size)
{
	const struct mft_entry *e = mft_get(handle, MFT_DEV_NET_BASIC);
	uint8_t hdr[2];
	size_t len;
	long n;

	if (!e)
		return SOLO5_R_EINVAL;
	n = read_full(e->b.hostfd, hdr, 2);
	if (n == 0) {
		net_eof[handle] = true;	/* no more frames */
		return SOLO5_R_AGAIN;
	}
	if (n != 2)
		return SOLO5_R_EUNSPEC;
	len = (size_t)hdr[0] << 8 | hdr[1];
	if (len > size || len > NET_MTU + 14)
		return SOLO5_R_EINVAL;
	if (read_full(e->b.hostfd, buf, len) != (long)len)
		return SOLO5_R_EUNSPEC;
	*read_size = len;
	return SOLO5_R_OK;
}

solo5_result_t solo5_net_write(solo5_handle_t handle, const uint8_t *buf, size_t size)
{
	(void)buf;
	if (!mft_get(handle, MFT_DEV_NET_BASIC))
		return SOLO5_R_EINVAL;
	return size <= NET_MTU + 14 ? SOLO5_R_OK : SOLO5_R_EINVAL;
}

solo5_result_t solo5_block_acquire(const char *name, solo5_handle_t *handle,
		struct solo5_block_info *info)
{
	const struct mft_entry *e;

	if (mft_lookup(name, MFT_DEV_BLOCK_BASIC, handle) != SOLO5_R_OK)
		return SOLO5_R_EINVAL;
	e = mft_get(*handle, MFT_DEV_BLOCK_BASIC);
	info->capacity = e->u.block_basic.capacity;
	info->block_size = e->u.block_basic.block_size;
	return SOLO5_R_OK;
}

static const struct mft_entry *block_check(solo5_handle_t handle, solo5_off_t offset,
		size_t size)
{
	const struct mft_entry *e = mft_get(handle, MFT_DEV_BLOCK_BASIC);
	uint64_t bs, cap;

	if (!e)
		return NULL;
	bs = e->u.block_basic.block_size;
	cap = e->u.block_basic.capacity;
	if (!size || size % bs || offset % bs || offset > cap || size > cap - offset)
		return NULL;
	return e;
}

solo5_result_t solo5_block_write(solo5_handle_t handle, solo5_off_t offset,
		const uint8_t *buf, size_t size)
{
	const struct mft_entry *e = block_check(handle, offset, size);

	if (!e)
		return SOLO5_R_EINVAL;
	if (sys_call4(SYS_PWRITE64, e->b.hostfd, (long)buf, (long)size, (long)offset) !=
	    (long)size)
		return SOLO5_R_EUNSPEC;
	return SOLO5_R_OK;
}

solo5_result_t solo5_block_read(solo5_handle_t handle, solo5_off_t offset, uint8_t *buf,
		size_t size)
{
	const struct mft_entry *e = block_check(handle, offset, size);

	if (!e)
		return SOLO5_R_EINVAL;
	if (sys_call4(SYS_PREAD64, e->b.hostfd, (long)buf, (long)size, (long)offset) !=
	    (long)size)
		return SOLO5_R_EUNSPEC;
	return SOLO5_R_OK;
}

/* Called from _start (start.S) with the tender's boot info. */
void spt_start(const struct spt_boot_info *bi)
{
	struct solo5_start_info si;

	if (!bi || bi->magic != SPT_BOOT_MAGIC)
		solo5_exit(SOLO5_EXIT_ABORT);
	boot = bi;
	si.cmdline = bi->cmdline;
	si.heap_start = bi->heap_start;
	si.heap_size = bi->heap_size;
	solo5_exit(solo5_app_main(&si));
}
