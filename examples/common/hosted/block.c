// SPDX-License-Identifier: ISC
/* Solo5 BLOCK_BASIC over a regular file of 512-byte blocks (pread/pwrite). */
#include <unistd.h>

#include "hosted.h"

solo5_result_t solo5_block_acquire(const char *name, solo5_handle_t *handle,
		struct solo5_block_info *info)
{
	const struct mft_entry *e;

	if (hosted_lookup(name, MFT_DEV_BLOCK_BASIC, handle) != SOLO5_R_OK)
		return SOLO5_R_EINVAL;
	e = hosted_device(*handle, MFT_DEV_BLOCK_BASIC);
	info->capacity = e->u.block_basic.capacity;
	info->block_size = e->u.block_basic.block_size;
	return SOLO5_R_OK;
}

/* Solo5 rule: whole blocks, block-aligned, inside the device. */
static const struct mft_entry *block_check(solo5_handle_t handle, solo5_off_t offset,
		size_t size)
{
	const struct mft_entry *e = hosted_device(handle, MFT_DEV_BLOCK_BASIC);
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
	if (pwrite(e->b.hostfd, buf, size, (off_t)offset) != (ssize_t)size)
		return SOLO5_R_EUNSPEC;
	return SOLO5_R_OK;
}

solo5_result_t solo5_block_read(solo5_handle_t handle, solo5_off_t offset, uint8_t *buf,
		size_t size)
{
	const struct mft_entry *e = block_check(handle, offset, size);

	if (!e)
		return SOLO5_R_EINVAL;
	if (pread(e->b.hostfd, buf, size, (off_t)offset) != (ssize_t)size)
		return SOLO5_R_EUNSPEC;
	return SOLO5_R_OK;
}

/*
 * Deliberately dead: never called and never address-taken; linked because
 * this object is (ground truth for mirage-audit, see ocaml-full/truth.txt).
 */
uint32_t unused_block_checksum(const uint8_t *block, size_t size);
uint32_t unused_block_checksum(const uint8_t *block, size_t size)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 4 <= size; i += 4)
		sum += (uint32_t)block[i] | (uint32_t)block[i + 1] << 8 |
		       (uint32_t)block[i + 2] << 16 | (uint32_t)block[i + 3] << 24;
	return ~sum;
}
