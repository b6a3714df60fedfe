/* SPDX-License-Identifier: ISC */
/*
 * Layout of the Solo5 ELF notes (MFT1 manifest, ABI1, OpenBSD ident), written
 * from the format description in docs (formats.md section 1), not copied.
 */
#ifndef MA_EXAMPLES_MFT_ABI_H
#define MA_EXAMPLES_MFT_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SOLO5_NOTE_NAME "Solo5"
#define MFT1_NOTE_TYPE 0x3154464dU	/* "MFT1" little-endian */
#define ABI1_NOTE_TYPE 0x31494241U	/* "ABI1" little-endian */
#define MFT_VERSION 1U
#define MFT_NAME_SIZE 68
#define MFT_NAME_MAX (MFT_NAME_SIZE - 1)
#define MFT_MAX_ENTRIES 64

enum mft_type {
	MFT_DEV_BLOCK_BASIC = 1,
	MFT_DEV_NET_BASIC = 2,
	MFT_RESERVED_FIRST = 1U << 30
};

enum abi_target {
	ABI_TARGET_HVT = 1,
	ABI_TARGET_SPT = 2,
	ABI_TARGET_VIRTIO = 3,
	ABI_TARGET_MUEN = 4,
	ABI_TARGET_GENODE = 5,
	ABI_TARGET_XEN = 6
};

struct mft_entry {
	char name[MFT_NAME_SIZE];
	uint32_t type;
	union {
		struct {
			uint64_t capacity;
			uint16_t block_size;
		} block_basic;
		struct {
			uint8_t mac[6];
			uint16_t mtu;
		} net_basic;
	} u;
	union {
		int hostfd;	/* private to the tender: the host file attached */
		void *data;
	} b;
	bool attached;		/* 0 in the file; set by the tender */
};

struct mft {
	uint32_t version;
	uint32_t entries;
	struct mft_entry e[];
};

/* Elf64_Nhdr plus the name "Solo5" padded to 8 bytes: 20 bytes. */
struct solo5_nhdr {
	uint32_t n_namesz;
	uint32_t n_descsz;
	uint32_t n_type;
	char n_name[8];
};

struct abi1_info {
	uint32_t abi_target;
	uint32_t abi_version;
	uint32_t reserved0;
	uint32_t reserved1;
};

struct abi1_note {
	struct solo5_nhdr h;
	struct abi1_info i;
};

struct openbsd_note {
	uint32_t n_namesz;
	uint32_t n_descsz;
	uint32_t n_type;
	char n_name[8];
	uint32_t desc;
};

/*
 * The manifest note: the header, 4 bytes of padding (the struct mft starts
 * at note offset 24 because it is 8-aligned), then version, entries and the
 * entries. n_descsz counts everything after the 20-byte header. Declare the
 * type once with MFT1_NOTE_STRUCT(entries); and then use struct mft1_note.
 */
#define MFT1_NOTE_STRUCT(n) \
	struct mft1_note { \
		struct solo5_nhdr h; \
		struct { \
			uint32_t version; \
			uint32_t entries; \
			struct mft_entry e[n]; \
		} m; \
	}

#define MFT1_NOTE_DESCSZ (sizeof(struct mft1_note) - sizeof(struct solo5_nhdr))

_Static_assert(sizeof(struct solo5_nhdr) == 20, "Solo5 note header is 12 + 8 bytes");
_Static_assert(sizeof(struct mft_entry) == 104, "struct mft_entry is 104 bytes");
_Static_assert(offsetof(struct mft_entry, type) == 68, "mft_entry.type at 68");
_Static_assert(offsetof(struct mft_entry, b) == 88, "mft_entry.b at 88");
_Static_assert(offsetof(struct mft_entry, attached) == 96, "mft_entry.attached at 96");
_Static_assert(sizeof(struct abi1_note) == 36, "ABI1 note is 36 bytes");
_Static_assert(sizeof(struct openbsd_note) == 24, "OpenBSD note is 24 bytes");

#endif
