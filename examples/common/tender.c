// SPDX-License-Identifier: ISC
/*
 * tender: a minimal spt-style tender that loads a freestanding Solo5 guest
 * into its own process and jumps to it.
 *
 * usage: tender [--mem=MB] [--net:NAME=FILE]... [--block:NAME=FILE]... IMAGE [ARGS...]
 *
 * Like Solo5's spt tender it reads the ELF program headers only (never the
 * section headers), maps each PT_LOAD at its p_vaddr, takes the MFT1
 * manifest and ABI1 notes from the PT_NOTE segments, attaches every device
 * the manifest declares to a host file, and hands the guest a struct
 * spt_boot_info in %rdi. The PT_LOADs are file-backed mappings of IMAGE so
 * tools such as valgrind or perf see the guest's symbols. There is no
 * seccomp filter: the guest could make any system call.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mft_abi.h"
#include "spt_boot.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define GUEST_MIN_VADDR 0x10000ULL
#define GUEST_MAX_VADDR (1ULL << 40)
#define MAX_PHDRS 64
#define NOTE_MAX 8192
#define BLOCK_SIZE 512
#define NET_MTU 1500
#define STACK_SIZE (1UL << 20)
#define DEFAULT_MEM_MB 32

struct image {
	const char *path;
	int fd;
	uint64_t size;
	Elf64_Ehdr eh;
	Elf64_Phdr ph[MAX_PHDRS];
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("tender: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void usage(FILE *f, int code)
{
	fputs("usage: tender [--mem=MB] [--net:NAME=FILE]... [--block:NAME=FILE]... "
	      "IMAGE [ARGS...]\n", f);
	exit(code);
}

/* Read exactly LEN bytes at OFF, which the caller has bounds-checked. */
static void read_at(const struct image *img, void *buf, size_t len, uint64_t off)
{
	ssize_t n = pread(img->fd, buf, len, (off_t)off);

	if (n < 0 || (size_t)n != len)
		die("%s: cannot read %zu bytes at offset %llu", img->path, len,
		    (unsigned long long)off);
}

static int in_file(const struct image *img, uint64_t off, uint64_t size)
{
	return size <= img->size && off <= img->size - size;
}

static void image_open(struct image *img, const char *path)
{
	struct stat st;
	unsigned i;

	img->path = path;
	img->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (img->fd < 0)
		die("%s: cannot open: %s", path, strerror(errno));
	if (fstat(img->fd, &st) < 0)
		die("%s: cannot stat: %s", path, strerror(errno));
	img->size = (uint64_t)st.st_size;
	if (!in_file(img, 0, sizeof(img->eh)))
		die("%s: not an ELF file: too short", path);
	read_at(img, &img->eh, sizeof(img->eh), 0);
	if (memcmp(img->eh.e_ident, ELFMAG, SELFMAG))
		die("%s: not an ELF file", path);
	if (img->eh.e_ident[EI_CLASS] != ELFCLASS64 || img->eh.e_ident[EI_DATA] != ELFDATA2LSB)
		die("%s: not a little-endian ELF64 file", path);
	if (img->eh.e_type != ET_EXEC)
		die("%s: not an executable (ET_EXEC)", path);
	if (img->eh.e_machine != EM_X86_64)
		die("%s: not an x86-64 image", path);
	if (img->eh.e_phentsize != sizeof(Elf64_Phdr) || img->eh.e_phnum == 0 ||
	    img->eh.e_phnum > MAX_PHDRS)
		die("%s: bad program header table", path);
	if (!in_file(img, img->eh.e_phoff, (uint64_t)img->eh.e_phnum * sizeof(Elf64_Phdr)))
		die("%s: program headers extend past end of file", path);
	read_at(img, img->ph, img->eh.e_phnum * sizeof(Elf64_Phdr), img->eh.e_phoff);
	for (i = 0; i < img->eh.e_phnum; i++) {
		const Elf64_Phdr *p = &img->ph[i];

		if (p->p_type != PT_LOAD && p->p_type != PT_NOTE)
			continue;
		if (!in_file(img, p->p_offset, p->p_filesz))
			die("%s: segment %u extends past end of file", path, i);
	}
}

/*
 * Return a malloc'd copy of the descriptor of the first "Solo5" note of
 * TYPE found at the start of a PT_NOTE segment (Solo5's elf_load_note()
 * rule), DESC_OFF bytes into the note; NULL if there is none.
 */
static void *image_solo5_note(const struct image *img, uint32_t type, size_t desc_off,
		size_t *desc_len)
{
	unsigned i;

	for (i = 0; i < img->eh.e_phnum; i++) {
		const Elf64_Phdr *p = &img->ph[i];
		struct solo5_nhdr nh;
		void *desc;

		if (p->p_type != PT_NOTE || p->p_filesz < sizeof(nh))
			continue;
		read_at(img, &nh, sizeof(nh), p->p_offset);
		if (nh.n_namesz != sizeof(SOLO5_NOTE_NAME) || nh.n_type != type ||
		    memcmp(nh.n_name, SOLO5_NOTE_NAME, sizeof(SOLO5_NOTE_NAME)))
			continue;
		if (nh.n_descsz > NOTE_MAX || nh.n_descsz + sizeof(nh) < desc_off ||
		    nh.n_descsz + sizeof(nh) > p->p_filesz)
			die("%s: Solo5 note 0x%x has a bad size", img->path, type);
		*desc_len = nh.n_descsz + sizeof(nh) - desc_off;
		desc = malloc(*desc_len ? *desc_len : 1);
		if (!desc)
			die("out of memory");
		read_at(img, desc, *desc_len, p->p_offset + desc_off);
		return desc;
	}
	return NULL;
}

/* Apply the rules of Solo5's mft_validate(). */
static struct mft *image_manifest(const struct image *img)
{
	size_t len;
	struct mft *m = image_solo5_note(img, MFT1_NOTE_TYPE, 24, &len);
	uint32_t i;

	if (!m)
		die("%s: no Solo5 manifest found in executable", img->path);
	if (len < sizeof(*m) || m->version != MFT_VERSION || m->entries < 1 ||
	    m->entries > MFT_MAX_ENTRIES || len != sizeof(*m) + m->entries * sizeof(m->e[0]))
		die("%s: manifest validation failed", img->path);
	if (m->e[0].type != MFT_RESERVED_FIRST || m->e[0].name[0])
		die("%s: manifest validation failed: bad reserved entry", img->path);
	for (i = 0; i < m->entries; i++)
		if (m->e[i].name[MFT_NAME_MAX] || m->e[i].attached)
			die("%s: manifest validation failed: entry %u", img->path, i);
	return m;
}

static void image_check_abi(const struct image *img)
{
	size_t len;
	struct abi1_info *abi = image_solo5_note(img, ABI1_NOTE_TYPE, 20, &len);

	if (!abi || len != sizeof(*abi))
		die("%s: no Solo5 ABI note found in executable", img->path);
	if (abi->abi_target != ABI_TARGET_SPT || abi->abi_version != 2)
		die("%s: ABI target %u version %u, this tender runs spt version 2", img->path,
		    abi->abi_target, abi->abi_version);
	free(abi);
}

static int seg_prot(uint32_t flags)
{
	return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) |
	       (flags & PF_X ? PROT_EXEC : 0);
}

static void map_fixed(uint64_t addr, uint64_t len, int prot, int flags, int fd, uint64_t off,
		const char *path)
{
	void *p = mmap((void *)addr, len, prot, flags | MAP_FIXED_NOREPLACE, fd, (off_t)off);

	if (p == MAP_FAILED)
		die("%s: cannot map 0x%llx+0x%llx: %s", path, (unsigned long long)addr,
		    (unsigned long long)len, strerror(errno));
	if ((uint64_t)(uintptr_t)p != addr)
		die("%s: kernel ignored the fixed address 0x%llx", path,
		    (unsigned long long)addr);
}

/* Map every PT_LOAD at its p_vaddr and return the end of the highest one. */
static uint64_t image_load(const struct image *img)
{
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE), end = 0;
	unsigned i;

	for (i = 0; i < img->eh.e_phnum; i++) {
		const Elf64_Phdr *p = &img->ph[i];
		uint64_t start, file_end, mem_end, anon_start;
		int prot;

		if (p->p_type != PT_LOAD || p->p_memsz == 0)
			continue;
		if (p->p_filesz > p->p_memsz || p->p_vaddr < GUEST_MIN_VADDR ||
		    p->p_vaddr > GUEST_MAX_VADDR || p->p_memsz > GUEST_MAX_VADDR - p->p_vaddr)
			die("%s: segment %u has a bad address or size", img->path, i);
		if (p->p_vaddr % pg != p->p_offset % pg)
			die("%s: segment %u is not page-congruent", img->path, i);
		prot = seg_prot(p->p_flags);
		start = p->p_vaddr & ~(pg - 1);
		file_end = p->p_vaddr + p->p_filesz;
		mem_end = (p->p_vaddr + p->p_memsz + pg - 1) & ~(pg - 1);
		anon_start = start;
		if (p->p_filesz) {
			uint64_t map_end = (file_end + pg - 1) & ~(pg - 1);

			/* Writable while the bss tail of the last file page is cleared. */
			map_fixed(start, map_end - start, prot | PROT_WRITE, MAP_PRIVATE, img->fd,
				  p->p_offset & ~(pg - 1), img->path);
			if (p->p_memsz > p->p_filesz)
				memset((void *)file_end, 0, map_end - file_end);
			if (!(prot & PROT_WRITE) && mprotect((void *)start, map_end - start, prot))
				die("%s: mprotect: %s", img->path, strerror(errno));
			anon_start = map_end;
		}
		if (mem_end > anon_start)
			map_fixed(anon_start, mem_end - anon_start, prot,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, img->path);
		if (mem_end > end)
			end = mem_end;
	}
	if (!end)
		die("%s: no PT_LOAD segment", img->path);
	return end;
}

/* The entry point must lie inside an executable PT_LOAD. */
static void image_check_entry(const struct image *img)
{
	unsigned i;

	for (i = 0; i < img->eh.e_phnum; i++) {
		const Elf64_Phdr *p = &img->ph[i];

		if (p->p_type == PT_LOAD && (p->p_flags & PF_X) && img->eh.e_entry >= p->p_vaddr &&
		    img->eh.e_entry - p->p_vaddr < p->p_filesz)
			return;
	}
	die("%s: entry point 0x%llx is not in an executable segment", img->path,
	    (unsigned long long)img->eh.e_entry);
}

static struct mft_entry *mft_find(struct mft *m, const char *name, uint32_t type)
{
	uint32_t i;

	for (i = 1; i < m->entries; i++)
		if (!strcmp(m->e[i].name, name))
			return m->e[i].type == type ? &m->e[i] : NULL;
	return NULL;
}

/* ARG is "NAME=FILE" after "--net:" or "--block:". */
static void attach(struct mft *m, const char *arg, uint32_t type)
{
	const char *eq = strchr(arg, '=');
	char name[MFT_NAME_SIZE];
	struct mft_entry *e;
	struct stat st;
	int fd;

	if (!eq || eq == arg || (size_t)(eq - arg) > MFT_NAME_MAX || !eq[1])
		die("bad device argument '%s': expected NAME=FILE", arg);
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	e = mft_find(m, name, type);
	if (!e)
		die("device '%s' of type %s is not declared in the manifest", name,
		    type == MFT_DEV_NET_BASIC ? "NET_BASIC" : "BLOCK_BASIC");
	if (e->attached)
		die("device '%s' is attached twice", name);
	fd = open(eq + 1, (type == MFT_DEV_NET_BASIC ? O_RDONLY : O_RDWR));
	if (fd < 0 || fstat(fd, &st) < 0)
		die("cannot open '%s': %s", eq + 1, strerror(errno));
	if (type == MFT_DEV_NET_BASIC) {
		static const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

		memcpy(e->u.net_basic.mac, mac, sizeof(mac));
		e->u.net_basic.mtu = NET_MTU;
	} else {
		if (!S_ISREG(st.st_mode) || st.st_size % BLOCK_SIZE)
			die("'%s': a block device must be a regular file of 512-byte blocks",
			    eq + 1);
		e->u.block_basic.capacity = (uint64_t)st.st_size;
		e->u.block_basic.block_size = BLOCK_SIZE;
	}
	e->b.hostfd = fd;
	e->attached = true;
}

static char *join_args(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	if (!s)
		die("out of memory");
	for (i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static void __attribute__((noreturn)) enter_guest(uint64_t entry, uint64_t sp,
		const struct spt_boot_info *bi)
{
	__asm__ volatile("movq %0, %%rsp\n\t"
			 "xorl %%ebp, %%ebp\n\t"
			 "jmp *%2"
			 :
			 : "r"(sp), "D"(bi), "r"(entry)
			 : "memory");
	__builtin_unreachable();
}

int main(int argc, char **argv)
{
	static struct spt_boot_info bi;
	struct image img;
	struct mft *m;
	unsigned long mem_mb = DEFAULT_MEM_MB;
	uint64_t mem, stack_top;
	void *guest_mem;
	int i, k;
	uint32_t j;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		if (!strcmp(argv[i], "--help"))
			usage(stdout, 0);
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strncmp(argv[i], "--mem=", 6)) {
			char *end;

			mem_mb = strtoul(argv[i] + 6, &end, 10);
			if (*end || mem_mb < 2 || mem_mb > 4096)
				die("bad --mem value '%s'", argv[i] + 6);
		} else if (strncmp(argv[i], "--net:", 6) && strncmp(argv[i], "--block:", 8)) {
			fprintf(stderr, "tender: unknown option '%s'\n", argv[i]);
			usage(stderr, 2);
		}
	}
	if (i >= argc)
		usage(stderr, 2);
	image_open(&img, argv[i]);
	image_check_abi(&img);
	image_check_entry(&img);
	m = image_manifest(&img);
	for (k = 1; k < i; k++) {
		if (!strncmp(argv[k], "--net:", 6))
			attach(m, argv[k] + 6, MFT_DEV_NET_BASIC);
		else if (!strncmp(argv[k], "--block:", 8))
			attach(m, argv[k] + 8, MFT_DEV_BLOCK_BASIC);
	}
	for (j = 1; j < m->entries; j++)
		if (!m->e[j].attached)
			die("device '%s' declared in the manifest but not attached", m->e[j].name);

	image_load(&img);
	close(img.fd);

	mem = (uint64_t)mem_mb << 20;
	guest_mem = mmap(NULL, mem, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guest_mem == MAP_FAILED)
		die("cannot allocate %lu MB of guest memory: %s", mem_mb, strerror(errno));
	stack_top = (uint64_t)(uintptr_t)guest_mem + mem;

	bi.magic = SPT_BOOT_MAGIC;
	bi.heap_start = (uint64_t)(uintptr_t)guest_mem;
	bi.heap_size = mem - STACK_SIZE;
	bi.cmdline = join_args(argc - i - 1, argv + i + 1);
	bi.mft = m;
	fflush(NULL);
	enter_guest(img.eh.e_entry, stack_top, &bi);
}
