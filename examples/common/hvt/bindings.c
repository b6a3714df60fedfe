// SPDX-License-Identifier: ISC
/*
 * Solo5 hvt bindings for a freestanding AArch64 guest: every device call is
 * a hypercall (hvt_abi.h) on a handle of the manifest the tender passed in
 * the boot info. Monotonic time comes from the generic timer.
 */
#include "nolibc.h"
#include "solo5.h"
#include "hvt_abi.h"

static const struct hvt_boot_info *boot;

void hvt_start(const struct hvt_boot_info *bi);

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

static solo5_result_t hvt_result(int ret)
{
	switch (ret) {
	case 0:
		return SOLO5_R_OK;
	case 1:
		return SOLO5_R_AGAIN;
	case 2:
		return SOLO5_R_EINVAL;
	default:
		return SOLO5_R_EUNSPEC;
	}
}

void solo5_console_write(const char *buf, size_t size)
{
	volatile struct hvt_hc_puts p = { .data = buf, .len = size };

	hvt_do_hypercall(HVT_HYPERCALL_PUTS, &p);
}

void solo5_exit(int status)
{
	volatile struct hvt_hc_halt h = { .cookie = NULL, .exit_status = status };

	for (;;)
		hvt_do_hypercall(HVT_HYPERCALL_HALT, &h);
}

void solo5_abort(void)
{
	solo5_console_write("solo5: abort\n", 13);
	solo5_exit(SOLO5_EXIT_ABORT);
}

solo5_time_t solo5_clock_monotonic(void)
{
	uint64_t cnt, freq;

	__asm__ __volatile__("isb; mrs %0, cntvct_el0" : "=r"(cnt));
	__asm__ __volatile__("mrs %0, cntfrq_el0" : "=r"(freq));
	if (!freq)
		solo5_abort();
	return cnt / freq * 1000000000ULL + cnt % freq * 1000000000ULL / freq;
}

solo5_time_t solo5_clock_wall(void)
{
	volatile struct hvt_hc_walltime w = { 0 };

	hvt_do_hypercall(HVT_HYPERCALL_WALLTIME, &w);
	return w.nsecs;
}

void solo5_yield(solo5_time_t deadline, solo5_handle_set_t *ready_set)
{
	volatile struct hvt_hc_poll p = { 0 };
	solo5_time_t now = solo5_clock_monotonic();

	p.timeout_nsecs = deadline > now ? deadline - now : 0;
	hvt_do_hypercall(HVT_HYPERCALL_POLL, &p);
	if (ready_set)
		*ready_set = p.ready_set;
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

solo5_result_t solo5_net_read(solo5_handle_t handle, uint8_t *buf, size_t size,
		size_t *read_size)
{
	volatile struct hvt_hc_net_read r = { .handle = handle, .data = buf, .len = size };

	if (!mft_get(handle, MFT_DEV_NET_BASIC))
		return SOLO5_R_EINVAL;
	hvt_do_hypercall(HVT_HYPERCALL_NET_READ, &r);
	if (r.ret == 0)
		*read_size = r.len;
	return hvt_result(r.ret);
}

solo5_result_t solo5_net_write(solo5_handle_t handle, const uint8_t *buf, size_t size)
{
	volatile struct hvt_hc_net_write w = { .handle = handle, .data = buf, .len = size };

	if (!mft_get(handle, MFT_DEV_NET_BASIC))
		return SOLO5_R_EINVAL;
	hvt_do_hypercall(HVT_HYPERCALL_NET_WRITE, &w);
	return hvt_result(w.ret);
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

solo5_result_t solo5_block_write(solo5_handle_t handle, solo5_off_t offset,
		const uint8_t *buf, size_t size)
{
	volatile struct hvt_hc_block_write w = {
		.handle = handle, .offset = offset, .data = buf, .len = size,
	};

	if (!mft_get(handle, MFT_DEV_BLOCK_BASIC))
		return SOLO5_R_EINVAL;
	hvt_do_hypercall(HVT_HYPERCALL_BLOCK_WRITE, &w);
	return hvt_result(w.ret);
}

solo5_result_t solo5_block_read(solo5_handle_t handle, solo5_off_t offset, uint8_t *buf,
		size_t size)
{
	volatile struct hvt_hc_block_read r = {
		.handle = handle, .offset = offset, .data = buf, .len = size,
	};

	if (!mft_get(handle, MFT_DEV_BLOCK_BASIC))
		return SOLO5_R_EINVAL;
	hvt_do_hypercall(HVT_HYPERCALL_BLOCK_READ, &r);
	return hvt_result(r.ret);
}

/* Called from _start (start_aarch64.S) with the tender's boot info. */
void hvt_start(const struct hvt_boot_info *bi)
{
	struct solo5_start_info si;

	boot = bi;
	si.cmdline = bi->cmdline;
	si.heap_start = (uintptr_t)bi->kernel_end;
	si.heap_size = bi->mem_size - bi->kernel_end;
	solo5_exit(solo5_app_main(&si));
}
