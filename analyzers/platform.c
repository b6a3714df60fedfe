// SPDX-License-Identifier: ISC
/* Platform metadata: Solo5 manifest and ABI notes, Xen notes, __xen_guest, multiboot; the target. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/core/seal.h"

#define SOLO5_MFT1 0x3154464du
#define SOLO5_ABI1 0x31494241u
#define MFT_VERSION 1
#define MFT_MAX_ENTRIES 64
#define MFT_NAME_SIZE 68
#define MFT_ENTRY_SIZE 104
#define XEN_PHYS32_ENTRY 18

static uint32_t rd32(const struct image *img, const unsigned char *p)
{
	if (img->is_le)
		return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		       (uint32_t)p[3] << 24;
	return (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24;
}

static uint64_t rd64(const struct image *img, const unsigned char *p)
{
	uint64_t lo = rd32(img, p), hi = rd32(img, p + 4);

	return img->is_le ? lo | hi << 32 : hi | lo << 32;
}

static void evidence(struct audit *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void evidence(struct audit *a, const char *fmt, ...)
{
	struct platform_facts *pf = &a->facts.platform;
	const char **nv;
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	nv = arena_push(&a->arena, pf->evidence, pf->n_evidence, sizeof(*nv));
	nv[pf->n_evidence++] = arena_strdup(&a->arena, buf);
	pf->evidence = nv;
}

static const char *where(struct audit *a, const struct image_note *n)
{
	if (n->segment >= 0)
		return arena_printf(&a->arena, "PT_NOTE #%d%s%s%s", n->segment,
				    n->section ? " (" : "", n->section ? n->section : "",
				    n->section ? ")" : "");
	return arena_printf(&a->arena, "section %s", n->section ? n->section : "?");
}

/* A printable, bounded copy of a name from the image (never trusted to be terminated). */
static const char *safe_name(struct audit *a, const unsigned char *p, size_t max)
{
	size_t n = strnlen((const char *)p, max);

	return arena_strndup(&a->arena, (const char *)p, n);
}

/* Solo5's mft_validate() rules (tenders/common/mft.c), applied to the note's descriptor. */
static void parse_manifest(struct audit *a, const struct image_note *n)
{
	struct solo5_manifest *m = &a->facts.platform.manifest;
	const struct image *img = &a->image;
	const unsigned char *mft;
	uint64_t size;
	uint32_t i;

	if (m->is_present)
		return;	/* Solo5 reads the first one */
	m->is_present = true;
	m->where = where(a, n);
	if (n->segment < 0) {
		/* Solo5's loader reads PT_NOTE only (tenders/common/elf.c). */
		m->error = "manifest note found only through section headers, in no PT_NOTE: "
			   "Solo5's loader would not see it";
		return;
	}
	/* The descriptor starts 20 bytes into the note, struct mft at 24 (MFT1_NOTE_ALIGN). */
	if (n->descsz < 4) {
		m->error = "manifest note too small";
		return;
	}
	mft = n->desc + 4;
	size = n->descsz - 4;
	if (size < 8) {
		m->error = "manifest smaller than its header";
		return;
	}
	m->version = rd32(img, mft);
	m->entries = rd32(img, mft + 4);
	if (m->version != MFT_VERSION) {
		m->error = arena_printf(&a->arena, "unsupported manifest version %u", m->version);
		return;
	}
	if (m->entries > MFT_MAX_ENTRIES) {
		m->error = arena_printf(&a->arena, "too many manifest entries (%u, at most %d)",
					m->entries, MFT_MAX_ENTRIES);
		return;
	}
	if (size != 8 + (uint64_t)m->entries * MFT_ENTRY_SIZE) {
		m->error = arena_printf(&a->arena, "manifest size %llu does not match %u entries",
					(unsigned long long)size, m->entries);
		return;
	}
	if (m->entries < 1) {
		m->error = "manifest has no entries";
		return;
	}
	m->devices = arena_array(&a->arena, m->entries, sizeof(*m->devices));
	for (i = 0; i < m->entries; i++) {
		const unsigned char *e = mft + 8 + (size_t)i * MFT_ENTRY_SIZE;
		uint32_t type = rd32(img, e + MFT_NAME_SIZE);
		struct solo5_device *dv;

		if (e[MFT_NAME_SIZE - 1] != 0) {
			m->error = arena_printf(&a->arena, "manifest entry %u: name not terminated", i);
			return;
		}
		if (e[96] != 0) {
			m->error = arena_printf(&a->arena, "manifest entry %u: marked attached", i);
			return;
		}
		if (i == 0) {
			if (type != MFT_RESERVED_FIRST || e[0] != 0) {
				m->error = "manifest entry 0 is not the reserved entry";
				return;
			}
			continue;
		}
		if (type >= MFT_RESERVED_FIRST)
			continue;	/* reserved entries are not devices (solo5-elftool skips them) */
		dv = &m->devices[m->n_devices++];
		dv->name = safe_name(a, e, MFT_NAME_SIZE);
		dv->type = type;
		dv->type_name = type == MFT_DEV_NET_BASIC ? "NET_BASIC" :
				type == MFT_DEV_BLOCK_BASIC ? "BLOCK_BASIC" : "<undefined type>";
	}
	m->is_valid = true;
}

static const char *const abi_targets[] = {
	[1] = "hvt", [2] = "spt", [3] = "virtio", [4] = "muen", [5] = "genode", [6] = "xen",
};

static void parse_abi(struct audit *a, const struct image_note *n)
{
	struct solo5_abi *abi = &a->facts.platform.abi;

	if (abi->is_present)
		return;
	if (n->descsz < 16) {
		diag_warn(&a->diag, "Solo5 ABI note too small (%llu bytes)",
			  (unsigned long long)n->descsz);
		return;
	}
	abi->is_present = true;
	abi->target = rd32(&a->image, n->desc);
	abi->version = rd32(&a->image, n->desc + 4);
	abi->target_name = abi->target >= 1 && abi->target <= 6 ? abi_targets[abi->target] :
			   "unknown";
	abi->where = where(a, n);
}

static const char *const xen_names[] = {
	"INFO", "ENTRY", "HYPERCALL_PAGE", "VIRT_BASE", "PADDR_OFFSET", "XEN_VERSION",
	"GUEST_OS", "GUEST_VERSION", "LOADER", "PAE_MODE", "FEATURES", "BSD_SYMTAB",
	"HV_START_LOW", "L1_MFN_VALID", "SUSPEND_CANCEL", "INIT_P2M", "MOD_START_PFN",
	"SUPPORTED_FEATURES", "PHYS32_ENTRY", "PHYS32_RELOC",
};

static bool xen_is_string(uint32_t t)
{
	return (t >= 5 && t <= 10) || t == 0;
}

/* Printable copy: control bytes become '?', so names cannot carry escapes. */
static const char *printable(struct audit *a, const unsigned char *p, size_t n)
{
	char *s = arena_alloc(&a->arena, n + 1);
	size_t i;

	for (i = 0; i < n && p[i]; i++)
		s[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	s[i] = '\0';
	return s;
}

static void parse_xen(struct audit *a, const struct image_note *n)
{
	struct platform_facts *pf = &a->facts.platform;
	struct xen_note *xn, *nv;
	uint64_t v = 0;

	/* One per note: copying the array on every append was quadratic in notes. */
	nv = arena_push(&a->arena, pf->xen_notes, pf->n_xen_notes, sizeof(*nv));
	pf->xen_notes = nv;
	xn = &nv[pf->n_xen_notes++];
	xn->type = n->type;
	xn->name = n->type < sizeof(xen_names) / sizeof(xen_names[0]) ? xen_names[n->type] :
		   arena_printf(&a->arena, "type %u", n->type);
	if (xen_is_string(n->type)) {
		xn->value = printable(a, n->desc, n->descsz > 256 ? 256 : n->descsz);
		if (n->type == 6)
			pf->xen_guest_os = xn->value;
		return;
	}
	if (n->descsz >= 8)
		v = rd64(&a->image, n->desc);
	else if (n->descsz >= 4)
		v = rd32(&a->image, n->desc);
	xn->value = arena_printf(&a->arena, "0x%llx", (unsigned long long)v);
	if (n->type == XEN_PHYS32_ENTRY && n->descsz >= 4) {
		pf->has_phys32_entry = true;
		pf->phys32_entry = rd32(&a->image, n->desc);
	}
}

/* Multiboot v1 (first 8 KiB, 4-aligned) and v2 (first 32 KiB, 8-aligned) headers. */
static void find_multiboot(struct audit *a)
{
	struct platform_facts *pf = &a->facts.platform;
	const struct image *img = &a->image;
	uint64_t off;

	for (off = 0; off + 12 <= img->size && off < 8192; off += 4) {
		uint32_t magic = rd32(img, img->data + off);
		uint32_t flags = rd32(img, img->data + off + 4);
		uint32_t sum = rd32(img, img->data + off + 8);

		if (magic == 0x1BADB002u && (uint32_t)(magic + flags + sum) == 0) {
			pf->has_multiboot = true;
			pf->multiboot_version = 1;
			pf->multiboot_offset = off;
			pf->multiboot_flags = flags;
			return;
		}
	}
	for (off = 0; off + 16 <= img->size && off < 32768; off += 8) {
		uint32_t magic = rd32(img, img->data + off);
		uint32_t arch = rd32(img, img->data + off + 4);
		uint32_t len = rd32(img, img->data + off + 8);
		uint32_t sum = rd32(img, img->data + off + 12);

		if (magic == 0xE85250D6u && (uint32_t)(magic + arch + len + sum) == 0) {
			pf->has_multiboot = true;
			pf->multiboot_version = 2;
			pf->multiboot_offset = off;
			return;
		}
	}
}

static bool has_symbol(const struct image *img, const char *name)
{
	return image_find_symbol(img, name) != NULL;
}

/* The classifier of formats.md section 2.3, with each step's evidence kept. */
static void decide_target(struct audit *a, bool has_solo5, bool has_xen_pv, bool has_gnu_abi)
{
	struct platform_facts *pf = &a->facts.platform;
	const struct image *img = &a->image;
	bool solo5_interp = pf->interp && !strcmp(pf->interp, "/nonexistent/solo5/");

	if (pf->abi.is_present) {
		pf->target = pf->abi.target_name;
		evidence(a, "Solo5 ABI1 note in %s: target %u (%s), ABI version %u", pf->abi.where,
			 pf->abi.target, pf->abi.target_name, pf->abi.version);
	}
	if (pf->manifest.is_present)
		evidence(a, "Solo5 MFT1 manifest note in %s%s", pf->manifest.where,
			 pf->manifest.is_valid ? "" : " (invalid)");
	if (solo5_interp)
		evidence(a, "PT_INTERP is \"/nonexistent/solo5/\" (Solo5 binaries set it)");
	if (pf->has_phys32_entry)
		evidence(a, "Xen PHYS32_ENTRY note: PVH entry 0x%llx",
			 (unsigned long long)pf->phys32_entry);
	if (pf->has_multiboot)
		evidence(a, "multiboot v%d header at file offset 0x%llx", pf->multiboot_version,
			 (unsigned long long)pf->multiboot_offset);
	if (pf->xen_legacy_guest)
		evidence(a, "legacy __xen_guest section: \"%s\"", pf->xen_legacy_guest);
	if (pf->target)
		return;
	if (has_solo5 || solo5_interp) {
		pf->target = "unknown";
		evidence(a, "Solo5 markers but no ABI1 note: a Solo5 release before 0.6, target undetermined");
		return;
	}
	if (pf->has_phys32_entry) {
		pf->target = "xen";
		evidence(a, "PVH entry without Solo5 notes: a non-Solo5 Xen PVH kernel");
		return;
	}
	if (has_xen_pv) {
		pf->target = "xen-pv";
		evidence(a, "Xen PV notes (GUEST_OS \"%s\"): a Mini-OS based Xen PV kernel",
			 pf->xen_guest_os ? pf->xen_guest_os : "?");
		return;
	}
	if (pf->xen_legacy_guest) {
		pf->target = "xen-pv";
		evidence(a, "__xen_guest string without ELF notes: a Mirage 1.x-3.x era Xen PV kernel");
		return;
	}
	if (has_gnu_abi || (pf->interp && pf->interp[0] == '/') ||
	    has_symbol(img, "__libc_start_main")) {
		pf->target = "linux";
		evidence(a, "%s", has_gnu_abi ? "GNU ABI-tag note (a Linux executable)" :
				  pf->interp ? "PT_INTERP names a host dynamic loader" :
					       "__libc_start_main (a Linux C runtime)");
		return;
	}
	pf->target = "unknown";
	evidence(a, "no Solo5, Xen or Linux markers found");
}

/* A seal record (docs/seal.md): the image was sealed, and by what. */
static void seal_record(struct audit *a)
{
	struct seal_record *r = arena_alloc(&a->arena, sizeof(*r));
	const char *why;
	int found = seal_record_parse(&a->image, &a->arena, r, &why);

	if (found > 0)
		a->facts.platform.seal = r;
	else if (found < 0)
		diag_warn(&a->diag, "malformed seal record: %s", why);
}

static int platform_run(struct audit *a)
{
	struct platform_facts *pf = &a->facts.platform;
	const struct image *img = &a->image;
	const struct image_section *xg;
	bool has_solo5 = false, has_xen_pv = false, has_gnu_abi = false;
	size_t i;

	pf->interp = img->interp;
	for (i = 0; i < img->n_notes; i++) {
		const struct image_note *n = &img->notes[i];

		if (!strcmp(n->owner, "Solo5")) {
			has_solo5 = true;
			if (n->type == SOLO5_MFT1)
				parse_manifest(a, n);
			else if (n->type == SOLO5_ABI1)
				parse_abi(a, n);
		} else if (!strcmp(n->owner, "OpenBSD") && n->type == 1) {
			pf->has_openbsd_note = true;
		} else if (!strcmp(n->owner, "Xen")) {
			parse_xen(a, n);
			if (n->type == 2 || n->type == 5 || n->type == 6 || n->type == 8)
				has_xen_pv = true;
		} else if (!strcmp(n->owner, "GNU") && n->type == 1) {
			has_gnu_abi = true;
		}
	}
	seal_record(a);
	if (pf->manifest.is_present && !pf->manifest.is_valid)
		diag_warn(&a->diag, "invalid Solo5 manifest: %s", pf->manifest.error);
	xg = image_section_by_name(img, "__xen_guest");
	if (xg && xg->type != IMG_SHT_NOBITS && xg->size) {
		pf->xen_legacy_guest = printable(a, img->data + xg->offset,
						 xg->size > 512 ? 512 : xg->size);
		if (!pf->xen_guest_os) {
			const char *g = strstr(pf->xen_legacy_guest, "GUEST_OS=");

			if (g) {
				size_t len = strcspn(g + 9, ",");

				pf->xen_guest_os = arena_strndup(&a->arena, g + 9, len);
			}
		}
	}
	find_multiboot(a);
	decide_target(a, has_solo5, has_xen_pv, has_gnu_abi);
	if (img->machine != IMG_EM_X86_64 && img->machine != IMG_EM_AARCH64)
		diag_note(&a->diag, "machine '%s' (e_machine %u): code analysis is available for "
			  "x86-64 and AArch64 only; this image gets sizes and metadata",
			  image_machine_name(img, &a->arena), img->machine);
	return 0;
}

const struct analyzer analyzer_platform = {
	.name = "platform",
	.id = AN_PLATFORM,
	.needs = 0,
	.run = platform_run,
};
