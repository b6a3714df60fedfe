// SPDX-License-Identifier: ISC
/*
 * main() of the hosted OCaml examples: the tender half of Solo5 spt done
 * in-process. It validates the manifest linked into the image, attaches
 * each declared device from "--net:NAME=FILE" / "--block:NAME=FILE", then
 * calls solo5_app_main() like the spt bindings do. It replaces the main()
 * of the OCaml runtime (libasmrun.a), which is then not linked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hosted.h"

#define BLOCK_SIZE 512
#define NET_MTU 1500

/* Linked from the generated manifest.c: the note starts with its header. */
extern const unsigned char __solo5_mft1_note[];

struct mft *hosted_mft;
bool hosted_net_eof[MFT_MAX_ENTRIES];
char **hosted_argv;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("solo5: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(SOLO5_EXIT_FAILURE);
}

const struct mft_entry *hosted_device(solo5_handle_t handle, uint32_t type)
{
	if (!hosted_mft || handle >= hosted_mft->entries)
		return NULL;
	if (hosted_mft->e[handle].type != type || !hosted_mft->e[handle].attached)
		return NULL;
	return &hosted_mft->e[handle];
}

solo5_result_t hosted_lookup(const char *name, uint32_t type, solo5_handle_t *handle)
{
	uint32_t i;

	for (i = 1; hosted_mft && i < hosted_mft->entries; i++)
		if (hosted_mft->e[i].type == type && hosted_mft->e[i].attached &&
		    !strcmp(hosted_mft->e[i].name, name)) {
			*handle = i;
			return SOLO5_R_OK;
		}
	return SOLO5_R_EINVAL;
}

/* Copy and validate the built-in manifest (Solo5's mft_validate() rules). */
static struct mft *manifest_load(void)
{
	const struct solo5_nhdr *nh = (const void *)__solo5_mft1_note;
	size_t size;
	struct mft *m;
	uint32_t i;

	if (nh->n_type != MFT1_NOTE_TYPE || nh->n_descsz < 4 + sizeof(struct mft))
		die("manifest validation failed: bad note header");
	size = nh->n_descsz - 4;
	m = malloc(size);
	if (!m)
		die("out of memory");
	memcpy(m, __solo5_mft1_note + 24, size);
	if (m->version != MFT_VERSION || m->entries < 1 || m->entries > MFT_MAX_ENTRIES ||
	    size != sizeof(*m) + m->entries * sizeof(m->e[0]) ||
	    m->e[0].type != MFT_RESERVED_FIRST || m->e[0].name[0])
		die("manifest validation failed");
	for (i = 0; i < m->entries; i++)
		if (m->e[i].name[MFT_NAME_MAX] || m->e[i].attached)
			die("manifest validation failed: entry %u", i);
	return m;
}

/* ARG is "NAME=FILE" after "--net:" or "--block:". */
static void attach(struct mft *m, const char *arg, uint32_t type)
{
	const char *eq = strchr(arg, '='), *tname;
	struct mft_entry *e = NULL;
	struct stat st;
	uint32_t i;
	int fd;

	tname = type == MFT_DEV_NET_BASIC ? "NET_BASIC" : "BLOCK_BASIC";
	if (!eq || eq == arg || !eq[1])
		die("bad device argument '%s': expected NAME=FILE", arg);
	for (i = 1; i < m->entries; i++)
		if (!strncmp(m->e[i].name, arg, (size_t)(eq - arg)) &&
		    m->e[i].name[eq - arg] == '\0' && m->e[i].type == type)
			e = &m->e[i];
	if (!e)
		die("device '%.*s' of type %s is not declared in the manifest", (int)(eq - arg),
		    arg, tname);
	if (e->attached)
		die("device '%s' is attached twice", e->name);
	fd = open(eq + 1, type == MFT_DEV_NET_BASIC ? O_RDONLY : O_RDWR);
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

static char *join_args(char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; argv[i]; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	if (!s)
		die("out of memory");
	for (i = 0; argv[i]; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

int main(int argc, char **argv)
{
	struct solo5_start_info si;
	struct mft *m = manifest_load();
	int i, n = 1;
	uint32_t j;

	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--net:", 6))
			attach(m, argv[i] + 6, MFT_DEV_NET_BASIC);
		else if (!strncmp(argv[i], "--block:", 8))
			attach(m, argv[i] + 8, MFT_DEV_BLOCK_BASIC);
		else
			argv[n++] = argv[i];	/* left for the application */
	}
	argv[n] = NULL;
	for (j = 1; j < m->entries; j++)
		if (!m->e[j].attached)
			die("device '%s' declared in the manifest but not attached; use --%s:%s=FILE",
			    m->e[j].name, m->e[j].type == MFT_DEV_NET_BASIC ? "net" : "block",
			    m->e[j].name);
	hosted_mft = m;
	hosted_argv = argv;
	si.cmdline = join_args(argv + 1);
	si.heap_start = 0;	/* the OCaml runtime allocates with malloc */
	si.heap_size = 0;
	solo5_exit(solo5_app_main(&si));
}
