/* SPDX-License-Identifier: ISC */
/*
 * The Solo5 hvt guest ABI as the freestanding AArch64 example uses it,
 * written from Solo5's description of hvt (ABI version 2): the boot info
 * the tender passes to the entry point in x0, the hypercall numbers and
 * argument structs, and the AArch64 hypercall, a 32-bit store of the
 * argument's address to MMIO at 4 GiB + (number << 3).
 */
#ifndef MA_EXAMPLES_HVT_ABI_H
#define MA_EXAMPLES_HVT_ABI_H

#include <stddef.h>
#include <stdint.h>

#include "mft_abi.h"

#define HVT_ABI_VERSION 2

/* Passed by the tender, in x0, as the entry point's only argument. */
struct hvt_boot_info {
	uint64_t mem_size;		/* guest memory in bytes */
	uint64_t kernel_end;		/* first free byte after the image */
	uint64_t cpu_cycle_freq;	/* counter frequency, Hz */
	const char *cmdline;
	const struct mft *mft;		/* tender's copy; attached filled in */
};

enum hvt_hypercall {
	HVT_HYPERCALL_WALLTIME = 1,
	HVT_HYPERCALL_PUTS,
	HVT_HYPERCALL_POLL,
	HVT_HYPERCALL_BLOCK_WRITE,
	HVT_HYPERCALL_BLOCK_READ,
	HVT_HYPERCALL_NET_WRITE,
	HVT_HYPERCALL_NET_READ,
	HVT_HYPERCALL_HALT,
};

struct hvt_hc_walltime {
	uint64_t nsecs;			/* out */
};

struct hvt_hc_puts {
	const char *data;
	size_t len;
};

struct hvt_hc_poll {
	uint64_t timeout_nsecs;		/* in, relative */
	uint64_t ready_set;		/* out */
	int ret;			/* out */
};

struct hvt_hc_block_write {
	uint64_t handle;
	uint64_t offset;
	const void *data;
	size_t len;
	int ret;			/* out */
};

struct hvt_hc_block_read {
	uint64_t handle;
	uint64_t offset;
	void *data;
	size_t len;			/* in/out */
	int ret;			/* out */
};

struct hvt_hc_net_write {
	uint64_t handle;
	const void *data;
	size_t len;
	int ret;			/* out */
};

struct hvt_hc_net_read {
	uint64_t handle;
	void *data;
	size_t len;			/* in/out */
	int ret;			/* out */
};

struct hvt_hc_halt {
	void *cookie;
	int exit_status;
};

#if defined(__aarch64__)
#define HVT_HYPERCALL_MMIO_BASE 0x100000000UL

/*
 * The tender traps the store; only the low 32 bits of the argument's
 * address travel, so guest memory stays below 4 GiB.
 */
static inline void hvt_do_hypercall(int n, volatile void *arg)
{
	__asm__ __volatile__("str %w0, [%1]"
			     :
			     : "rZ"((uint32_t)(uint64_t)arg),
			       "r"(HVT_HYPERCALL_MMIO_BASE + ((uint64_t)n << 3))
			     : "memory");
}
#else
#error "hvt_abi.h: only the AArch64 hypercall is written here"
#endif

#endif
