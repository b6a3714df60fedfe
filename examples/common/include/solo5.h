/* SPDX-License-Identifier: ISC */
/* The Solo5 public API (include/solo5.h, 0.8+) as the example unikernels use it. */
#ifndef MA_EXAMPLES_SOLO5_H
#define MA_EXAMPLES_SOLO5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	SOLO5_R_OK,
	SOLO5_R_AGAIN,
	SOLO5_R_EINVAL,
	SOLO5_R_EUNSPEC
} solo5_result_t;

struct solo5_start_info {
	const char *cmdline;
	uintptr_t heap_start;
	size_t heap_size;
};

typedef uint64_t solo5_time_t;
typedef uint64_t solo5_handle_t;
typedef uint64_t solo5_handle_set_t;
typedef uint64_t solo5_off_t;

#define SOLO5_EXIT_SUCCESS 0
#define SOLO5_EXIT_FAILURE 1
#define SOLO5_EXIT_ABORT 255
#define SOLO5_NET_ALEN 6

struct solo5_net_info {
	uint8_t mac_address[SOLO5_NET_ALEN];
	size_t mtu;
};

struct solo5_block_info {
	solo5_off_t capacity;
	solo5_off_t block_size;
};

/*
 * The application's entry point; the bindings call it once with the start
 * info and pass its return value to solo5_exit().
 */
int solo5_app_main(const struct solo5_start_info *si);

/* Terminate the unikernel with STATUS; does not return. */
void solo5_exit(int status) __attribute__((noreturn));

/* Terminate with SOLO5_EXIT_ABORT; does not return. */
void solo5_abort(void) __attribute__((noreturn));

/* Nanoseconds since an arbitrary point, never decreasing. */
solo5_time_t solo5_clock_monotonic(void);

/* Nanoseconds since the Unix epoch. */
solo5_time_t solo5_clock_wall(void);

/*
 * Wait until DEADLINE (monotonic) or until a device has input; the ready
 * handles are stored in *READY_SET when it is not NULL.
 */
void solo5_yield(solo5_time_t deadline, solo5_handle_set_t *ready_set);

/* Write SIZE bytes of BUF to the console; never fails. */
void solo5_console_write(const char *buf, size_t size);

/*
 * Acquire the network device NAME declared in the manifest. Fails with
 * SOLO5_R_EINVAL when no such attached NET_BASIC device exists.
 */
solo5_result_t solo5_net_acquire(const char *name, solo5_handle_t *handle,
		struct solo5_net_info *info);

/* Send one frame of SIZE bytes. */
solo5_result_t solo5_net_write(solo5_handle_t handle, const uint8_t *buf, size_t size);

/*
 * Receive one frame into BUF (SIZE bytes at most); SOLO5_R_AGAIN when no
 * frame is pending.
 */
solo5_result_t solo5_net_read(solo5_handle_t handle, uint8_t *buf, size_t size,
		size_t *read_size);

/* Acquire the block device NAME declared in the manifest. */
solo5_result_t solo5_block_acquire(const char *name, solo5_handle_t *handle,
		struct solo5_block_info *info);

/* Write SIZE bytes (a multiple of the block size) at block-aligned OFFSET. */
solo5_result_t solo5_block_write(solo5_handle_t handle, solo5_off_t offset,
		const uint8_t *buf, size_t size);

/* Read SIZE bytes (a multiple of the block size) from block-aligned OFFSET. */
solo5_result_t solo5_block_read(solo5_handle_t handle, solo5_off_t offset,
		uint8_t *buf, size_t size);

#endif
