// SPDX-License-Identifier: ISC
/*
 * gc-sections: a C-only Solo5 unikernel built with -ffunction-sections
 * -fdata-sections and linked twice, without and with --gc-sections, so the
 * linker's list of removed sections is ground truth for dead-code analysis
 * of the image that keeps everything. It reads the frames waiting on the
 * net device "service", dispatches each through a table of protocol
 * handlers, runs a small accumulator program over the totals and prints
 * one line through a struct of output callbacks.
 */
#include "nolibc.h"
#include "solo5.h"
#include "gc.h"

#define ETH_HLEN 14

/* Used data: one object per section, each kept by a reference from live code. */
const char banner[] = "gc-sections";
int verbosity = 1;
struct stats stats;
void (*frame_hook)(const uint8_t *frame, size_t len);

/*
 * Deliberately unused data: nothing refers to these but the dead functions
 * below, so --gc-sections removes each object's section.
 */
extern int unused_counter;
extern char unused_scratch[2048];
extern const uint32_t unused_crc_table[8];
extern proto_input_fn unused_saved_handler;
int unused_counter = 5;
char unused_scratch[2048];
const uint32_t unused_crc_table[8] = {
	0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
	0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
};
proto_input_fn unused_saved_handler;

/* The accumulator program run over the totals (see cmd.c). */
static const struct cmd program[] = {
	{ OP_FRAMES, 0 }, { OP_MUL, 1000 }, { OP_ADD, 7 }, { OP_HASH, 0 },
	{ OP_ROTATE, 5 }, { OP_XOR, 0x5a5a }, { OP_FOLD, 16 }, { OP_MAX, 12 },
	{ OP_HALT, 0 },
};

/*
 * Dispatch on the EtherType. The handlers are reached only through the
 * function pointers of proto_table (proto.c, another unit, so the compiler
 * cannot turn these calls into direct ones).
 */
int proto_dispatch(const uint8_t *frame, size_t len)
{
	uint16_t type;
	size_t i;

	if (len < ETH_HLEN)
		return -1;
	type = (uint16_t)(frame[12] << 8 | frame[13]);
	for (i = 0; i < n_proto_table; i++)
		if (proto_table[i].ethertype == type)
			return proto_table[i].input(frame + ETH_HLEN, len - ETH_HLEN);
	stats.other++;
	return 0;
}

/*
 * Deliberately dead: only unused_install_hooks() takes its address, and
 * nothing calls that.
 */
static void debug_dump_frame(const uint8_t *frame, size_t len)
{
	printf("frame: %lu bytes, type %02x%02x\n", (unsigned long)len, frame[12], frame[13]);
}

/*
 * Deliberately dead: never called, never address-taken. It takes the
 * address of a live function (handle_arp, also in proto_table) and of a
 * dead one (debug_dump_frame); neither reference may keep anything alive.
 */
void unused_install_hooks(void);
void unused_install_hooks(void)
{
	frame_hook = debug_dump_frame;
	unused_saved_handler = handle_arp;
	unused_counter++;
}

int solo5_app_main(const struct solo5_start_info *si)
{
	static uint8_t frame[1514];
	struct solo5_net_info ni;
	solo5_handle_t net;
	size_t len;
	long acc;

	(void)si;
	if (solo5_net_acquire("service", &net, &ni) != SOLO5_R_OK) {
		printf("%s: cannot acquire net device 'service'\n", banner);
		return SOLO5_EXIT_FAILURE;
	}
	while (solo5_net_read(net, frame, sizeof(frame), &len) == SOLO5_R_OK) {
		stats.frames++;
		stats.bytes += len;
		if (frame_hook)
			frame_hook(frame, len);
		if (proto_dispatch(frame, len) < 0)
			stats.other++;
	}
	acc = cmd_run(program, sizeof(program) / sizeof(program[0]));
	if (verbosity > 0)
		report(&text_ops, banner, acc);
	return SOLO5_EXIT_SUCCESS;
}
