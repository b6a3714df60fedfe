// SPDX-License-Identifier: ISC
/* gen-manifest: turn a Solo5 manifest.json into the C source of the MFT1 note. */
/*
 * usage: gen-manifest MANIFEST.json OUTPUT.c
 *
 * Accepts the document MirageOS writes at configure time:
 *   {"type":"solo5.manifest","version":1,"devices":[{"name":"service","type":"NET_BASIC"}]}
 * and applies the rules of solo5-elftool gen-manifest: device names are
 * non-empty, alphanumeric and at most 67 characters, types are NET_BASIC or
 * BLOCK_BASIC, at most 63 devices (entry 0 is the reserved entry), and no
 * duplicate names. The output defines __solo5_mft1_note in section
 * .note.solo5.manifest, laid out as include/mft_abi.h describes.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 67
#define MAX_DEVICES 63

struct device {
	char name[NAME_MAX_LEN + 1];
	const char *type;	/* "MFT_DEV_NET_BASIC" or "MFT_DEV_BLOCK_BASIC" */
};

struct parser {
	const char *path;
	const char *p;
	const char *end;
	int line;
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("gen-manifest: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && isspace((unsigned char)*ps->p)) {
		if (*ps->p == '\n')
			ps->line++;
		ps->p++;
	}
}

static void expect(struct parser *ps, char c)
{
	skip_ws(ps);
	if (ps->p >= ps->end || *ps->p != c)
		die("%s:%d: expected '%c'", ps->path, ps->line, c);
	ps->p++;
}

static int peek(struct parser *ps)
{
	skip_ws(ps);
	return ps->p < ps->end ? (unsigned char)*ps->p : EOF;
}

/* Parse a JSON string without escapes beyond \" and \\ (none occur in manifests). */
static void parse_string(struct parser *ps, char *buf, size_t size)
{
	size_t n = 0;

	expect(ps, '"');
	while (ps->p < ps->end && *ps->p != '"') {
		char c = *ps->p++;

		if (c == '\\') {
			if (ps->p >= ps->end || (*ps->p != '"' && *ps->p != '\\'))
				die("%s:%d: unsupported escape in string", ps->path, ps->line);
			c = *ps->p++;
		}
		if ((unsigned char)c < 0x20)
			die("%s:%d: control character in string", ps->path, ps->line);
		if (n + 1 >= size)
			die("%s:%d: string too long", ps->path, ps->line);
		buf[n++] = c;
	}
	if (ps->p >= ps->end)
		die("%s:%d: unterminated string", ps->path, ps->line);
	ps->p++;
	buf[n] = '\0';
}

static long parse_int(struct parser *ps)
{
	long v = 0;
	int digits = 0;

	skip_ws(ps);
	while (ps->p < ps->end && isdigit((unsigned char)*ps->p) && digits < 9) {
		v = v * 10 + (*ps->p++ - '0');
		digits++;
	}
	if (!digits || (ps->p < ps->end && isdigit((unsigned char)*ps->p)))
		die("%s:%d: expected a small integer", ps->path, ps->line);
	return v;
}

static void parse_device(struct parser *ps, struct device *d)
{
	char key[32], val[128];
	int has_name = 0, has_type = 0;

	expect(ps, '{');
	while (peek(ps) != '}') {
		parse_string(ps, key, sizeof(key));
		expect(ps, ':');
		parse_string(ps, val, sizeof(val));
		if (!strcmp(key, "name")) {
			size_t i, len = strlen(val);

			if (len == 0 || len > NAME_MAX_LEN)
				die("%s:%d: device name '%s' must be 1 to %d characters", ps->path,
				    ps->line, val, NAME_MAX_LEN);
			for (i = 0; i < len; i++)
				if (!isalnum((unsigned char)val[i]))
					die("%s:%d: device name '%s' is not alphanumeric", ps->path,
					    ps->line, val);
			memcpy(d->name, val, len + 1);
			has_name = 1;
		} else if (!strcmp(key, "type")) {
			if (!strcmp(val, "NET_BASIC"))
				d->type = "MFT_DEV_NET_BASIC";
			else if (!strcmp(val, "BLOCK_BASIC"))
				d->type = "MFT_DEV_BLOCK_BASIC";
			else
				die("%s:%d: unknown device type '%s'", ps->path, ps->line, val);
			has_type = 1;
		} else {
			die("%s:%d: unknown device key '%s'", ps->path, ps->line, key);
		}
		if (peek(ps) == ',')
			ps->p++;
		else
			break;
	}
	expect(ps, '}');
	if (!has_name || !has_type)
		die("%s:%d: a device needs both 'name' and 'type'", ps->path, ps->line);
}

static int parse_manifest(struct parser *ps, struct device *devs)
{
	char key[32], val[64];
	int n = 0, has_type = 0, has_version = 0, has_devices = 0, i;

	expect(ps, '{');
	while (peek(ps) != '}') {
		parse_string(ps, key, sizeof(key));
		expect(ps, ':');
		if (!strcmp(key, "type")) {
			parse_string(ps, val, sizeof(val));
			if (strcmp(val, "solo5.manifest"))
				die("%s: type is '%s', not 'solo5.manifest'", ps->path, val);
			has_type = 1;
		} else if (!strcmp(key, "version")) {
			if (parse_int(ps) != 1)
				die("%s: unsupported manifest version", ps->path);
			has_version = 1;
		} else if (!strcmp(key, "devices")) {
			expect(ps, '[');
			while (peek(ps) != ']') {
				if (n == MAX_DEVICES)
					die("%s: more than %d devices", ps->path, MAX_DEVICES);
				parse_device(ps, &devs[n]);
				for (i = 0; i < n; i++)
					if (!strcmp(devs[i].name, devs[n].name))
						die("%s: duplicate device name '%s'", ps->path,
						    devs[n].name);
				n++;
				if (peek(ps) == ',')
					ps->p++;
				else
					break;
			}
			expect(ps, ']');
			has_devices = 1;
		} else {
			die("%s:%d: unknown key '%s'", ps->path, ps->line, key);
		}
		if (peek(ps) == ',')
			ps->p++;
		else
			break;
	}
	expect(ps, '}');
	if (peek(ps) != EOF)
		die("%s:%d: trailing garbage", ps->path, ps->line);
	if (!has_type || !has_version || !has_devices)
		die("%s: needs 'type', 'version' and 'devices'", ps->path);
	return n;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		die("cannot open '%s': %s", path, strerror(errno));
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			if (cap > (1U << 20))
				die("'%s' is too large for a manifest", path);
			buf = realloc(buf, cap);
			if (!buf)
				die("out of memory");
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r);
	if (ferror(f))
		die("cannot read '%s': %s", path, strerror(errno));
	fclose(f);
	*len = n;
	return buf;
}

static void emit(FILE *out, const char *src, const struct device *devs, int n)
{
	int i;

	fprintf(out, "/* Generated by gen-manifest from %s: do not edit. */\n", src);
	fprintf(out, "#include \"mft_abi.h\"\n\n");
	fprintf(out, "#define MFT_ENTRIES %d\n\n", n + 1);
	fprintf(out, "MFT1_NOTE_STRUCT(MFT_ENTRIES);\n\n");
	fprintf(out, "const struct mft1_note __solo5_mft1_note\n");
	fprintf(out, "\t__attribute__((section(\".note.solo5.manifest\"), aligned(8), used)) = {\n");
	fprintf(out, "\t.h = {\n");
	fprintf(out, "\t\t.n_namesz = sizeof(SOLO5_NOTE_NAME),\n");
	fprintf(out, "\t\t.n_descsz = MFT1_NOTE_DESCSZ,\n");
	fprintf(out, "\t\t.n_type = MFT1_NOTE_TYPE,\n");
	fprintf(out, "\t\t.n_name = SOLO5_NOTE_NAME,\n");
	fprintf(out, "\t},\n");
	fprintf(out, "\t.m = {\n");
	fprintf(out, "\t\t.version = MFT_VERSION,\n");
	fprintf(out, "\t\t.entries = MFT_ENTRIES,\n");
	fprintf(out, "\t\t.e = {\n");
	fprintf(out, "\t\t\t{ .name = \"\", .type = MFT_RESERVED_FIRST },\n");
	for (i = 0; i < n; i++)
		fprintf(out, "\t\t\t{ .name = \"%s\", .type = %s },\n", devs[i].name, devs[i].type);
	fprintf(out, "\t\t},\n");
	fprintf(out, "\t},\n");
	fprintf(out, "};\n\n");
	fprintf(out, "_Static_assert(offsetof(struct mft1_note, m) == 24,\n");
	fprintf(out, "\t\"struct mft starts at note offset 24\");\n");
	fprintf(out, "_Static_assert(MFT1_NOTE_DESCSZ == 12 + 104 * MFT_ENTRIES,\n");
	fprintf(out, "\t\"n_descsz is 12 + 104 * entries\");\n");
}

int main(int argc, char **argv)
{
	struct device devs[MAX_DEVICES];
	struct parser ps;
	size_t len;
	char *buf, *tmp;
	FILE *out;
	int n;

	if (argc != 3) {
		fputs("usage: gen-manifest MANIFEST.json OUTPUT.c\n", stderr);
		return 2;
	}
	buf = read_file(argv[1], &len);
	ps.path = argv[1];
	ps.p = buf;
	ps.end = buf + len;
	ps.line = 1;
	n = parse_manifest(&ps, devs);

	tmp = malloc(strlen(argv[2]) + 5);
	if (!tmp)
		die("out of memory");
	sprintf(tmp, "%s.tmp", argv[2]);
	out = fopen(tmp, "w");
	if (!out)
		die("cannot create '%s': %s", tmp, strerror(errno));
	emit(out, argv[1], devs, n);
	if (fflush(out) || ferror(out) || fclose(out))
		die("cannot write '%s': %s", tmp, strerror(errno));
	if (rename(tmp, argv[2]))
		die("cannot rename '%s' to '%s': %s", tmp, argv[2], strerror(errno));
	free(tmp);
	free(buf);
	return 0;
}
