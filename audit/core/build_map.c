// SPDX-License-Identifier: ISC
/*
 * The GNU ld map reader (ld -Map): which archive members the linker took and
 * why, the discarded input sections, the link's inputs (LOAD) and where each
 * input section went. The text is hostile: lines of any length, anything may
 * be missing; what does not parse is skipped.
 */
#include <stdlib.h>
#include <string.h>

#include "audit/core/build_priv.h"
#include "audit/core/xalloc.h"

enum map_part {
	PART_NONE,	/* before the first heading, or a part we do not read */
	PART_INCLUDE,	/* Archive member included to satisfy reference by file (symbol) */
	PART_DISCARD,	/* Discarded input sections */
	PART_MEMMAP,	/* Linker script and memory map */
};

/* A line of the text: [s, s + n), without its newline. */
struct line {
	const char *s;
	size_t n;
};

struct map_state {
	struct build *b;
	const char *name;	/* the map, for warnings */
	enum map_part part;
	struct strset words;	/* section names, interned in the arena */
	struct line pending;	/* a section name alone on its line, wrapped before its numbers */
	ptrdiff_t member;	/* an included member whose "file (symbol)" is on the next line */
	const char *output;	/* the current output section */
	bool is_output_alloc;	/* it has an address: not .comment, .debug_* (at 0) */
	bool is_output_wrapped;	/* its name was alone on the line: the address follows */
	bool has_headings, has_memmap, has_output;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static struct line trim(struct line l)
{
	while (l.n && is_space(l.s[0])) {
		l.s++;
		l.n--;
	}
	while (l.n && (is_space(l.s[l.n - 1]) || l.s[l.n - 1] == '\r'))
		l.n--;
	return l;
}

static bool line_is(struct line l, const char *heading)
{
	l = trim(l);
	return l.n == strlen(heading) && !memcmp(l.s, heading, l.n);
}

static bool starts(struct line l, const char *prefix)
{
	size_t n = strlen(prefix);

	return l.n >= n && !memcmp(l.s, prefix, n);
}

/* The first word of L (up to a blank), and L past it and the blanks after. */
static struct line word(struct line *l)
{
	struct line w = { l->s, 0 };

	while (w.n < l->n && !is_space(l->s[w.n]))
		w.n++;
	l->s += w.n;
	l->n -= w.n;
	*l = trim(*l);
	return w;
}

/* A "0x..." number of at most 16 digits, the whole word. */
static bool hex(struct line w, uint64_t *v)
{
	size_t i;

	if (w.n < 3 || w.n > 18 || w.s[0] != '0' || w.s[1] != 'x')
		return false;
	*v = 0;
	for (i = 2; i < w.n; i++) {
		char c = w.s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		*v = *v << 4 | d;
	}
	return true;
}

static const char *intern(struct map_state *m, struct line w)
{
	char *s = xmalloc(w.n + 1);
	uint32_t id;

	memcpy(s, w.s, w.n);
	s[w.n] = '\0';
	id = strset_intern(&m->words, s);
	free(s);
	return m->words.names[id];
}

static char *copy(struct map_state *m, struct line w)
{
	return arena_strndup(&m->b->arena, w.s, w.n);
}

/* The heading lines that switch parts; any other column-0 text ends the include part. */
static bool heading(struct map_state *m, struct line l)
{
	static const struct { const char *text; enum map_part part; } heads[] = {
		{ "Archive member included to satisfy reference by file (symbol)", PART_INCLUDE },
		{ "Discarded input sections", PART_DISCARD },
		{ "Linker script and memory map", PART_MEMMAP },
		{ "As-needed library included to satisfy reference by file (symbol)", PART_NONE },
		{ "Allocating common symbols", PART_NONE },
		{ "Memory Configuration", PART_NONE },
		{ "Merging program properties", PART_NONE },
		{ "Cross Reference Table", PART_NONE },
	};
	size_t i;

	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		if (line_is(l, heads[i].text)) {
			m->part = heads[i].part;
			m->has_headings = true;
			m->has_memmap |= heads[i].part == PART_MEMMAP;
			m->pending.n = 0;
			m->member = -1;
			return true;
		}
	}
	return false;
}

/* Whether L.s[I] is a "(" at the start of L or after a blank. */
static bool is_open(struct line l, size_t i)
{
	return l.s[i] == '(' && (i == 0 || is_space(l.s[i - 1]));
}

/* "file (symbol)", "(symbol)" or "file": why the member at M->member was taken. */
static void include_why(struct map_state *m, struct line why)
{
	struct build_object *o = &m->b->objects[m->member];
	struct line file = trim(why), sym = { NULL, 0 };
	size_t i;

	m->member = -1;
	if (o->why_file || o->why_symbol || !file.n)
		return;
	if (file.s[file.n - 1] == ')') {
		/* the last "(" that starts the text or follows a blank: "lib.a(x.o) (sym)" */
		for (i = file.n - 1; i > 0 && !is_open(file, i); i--)
			;
		if (is_open(file, i)) {
			sym.s = file.s + i + 1;
			sym.n = file.n - i - 2;
			file.n = i;
			file = trim(file);
		}
	}
	o->why_file = file.n ? copy(m, file) : NULL;
	o->why_symbol = sym.s ? copy(m, sym) : NULL;
}

/*
 * ld pads "archive(member)" to column 30 and writes "file (symbol)" after it;
 * a name of 29 columns or more is alone on its line and the rest comes on the
 * next, indented (ldmain.c, add_archive_element).
 */
static void include_line(struct map_state *m, struct line l)
{
	struct line name = l, why = { NULL, 0 };
	ptrdiff_t o;

	if (is_space(l.s[0])) {
		if (m->member >= 0)
			include_why(m, l);
		return;
	}
	m->member = -1;
	if (!memchr(l.s, '(', l.n)) {
		m->part = PART_NONE;	/* a heading we do not know */
		return;
	}
	if (l.n > 30 && is_space(l.s[29])) {
		name.n = 30;
		why.s = l.s + 30;
		why.n = l.n - 30;
	}
	name = trim(name);
	if (!name.n)
		return;
	if ((o = build_object_by_name(m->b, copy(m, name))) < 0)
		return;
	m->b->objects[o].state = LINK_LINKED;
	m->member = o;
	if (why.s)
		include_why(m, why);
}

/* One input section: SECTION at ADDR, SIZE bytes, of FILE ("path" or "archive(member)"). */
static void input_section(struct map_state *m, struct line section, uint64_t addr,
			  uint64_t size, struct line file)
{
	struct build *b = m->b;
	ptrdiff_t o;

	file = trim(file);
	if (!file.n || line_is(file, "linker stubs"))
		return;
	if ((o = build_object_by_name(b, copy(m, file))) < 0)
		return;
	/* Only a loaded input has sections, in the memory map or among the discards. */
	b->objects[o].state = LINK_LINKED;
	if (m->part == PART_DISCARD) {
		if (b->n_discards >= BUILD_MAX_DISCARDS)
			return;
		b->discards = arena_push(&b->arena, b->discards, b->n_discards,
					 sizeof(*b->discards));
		b->discards[b->n_discards].section = intern(m, section);
		b->discards[b->n_discards].file = build_object_name(b, &b->objects[o]);
		b->discards[b->n_discards++].size = size;
		b->objects[o].discarded_bytes += size;
	} else if (m->is_output_alloc) {
		struct build_placed p = { intern(m, section), m->output, addr, size };

		build_place(b, (size_t)o, &p);
	}
}

/* "0xADDR 0xSIZE file" after SECTION (on its line, or the next when wrapped). */
static bool section_numbers(struct map_state *m, struct line section, struct line rest)
{
	uint64_t addr, size;

	if (!hex(word(&rest), &addr) || !hex(word(&rest), &size))
		return false;
	input_section(m, section, addr, size, rest);
	return true;
}

static void output_section(struct map_state *m, struct line l)
{
	struct line name = word(&l);
	uint64_t addr = 0;

	m->output = intern(m, name);
	m->is_output_wrapped = l.n == 0;
	m->is_output_alloc = hex(word(&l), &addr) && addr != 0;
}

/* A line of the discards or the memory map. */
static void section_line(struct map_state *m, struct line l)
{
	struct line pending = m->pending, rest = l, w;
	bool is_wrapped = m->is_output_wrapped;
	uint64_t addr;

	m->pending.n = 0;
	m->is_output_wrapped = false;
	if (m->part == PART_MEMMAP && !is_space(l.s[0])) {
		if (starts(l, "LOAD ")) {
			struct build *b = m->b;
			struct line f = trim((struct line){ l.s + 5, l.n - 5 });

			if (!f.n || line_is(f, "linker stubs") || b->n_inputs >= BUILD_MAX_INPUTS)
				return;
			b->inputs = arena_push(&b->arena, b->inputs, b->n_inputs, sizeof(*b->inputs));
			b->inputs[b->n_inputs++] = copy(m, f);
			if (f.n < 2 || memcmp(f.s + f.n - 2, ".a", 2))
				build_object_add(b, b->inputs[b->n_inputs - 1], NULL);
		} else if (starts(l, "OUTPUT(")) {
			m->has_output = true;
		} else if (!starts(l, "START GROUP") && !starts(l, "END GROUP")) {
			output_section(m, l);
		}
		return;
	}
	if (!is_space(l.s[0]))
		return;
	rest = trim(l);
	if (!rest.n || rest.s[0] == '*')
		return;	/* a pattern, *fill*, *default* */
	if (is_space(l.s[1])) {
		/* numbers of a wrapped name (input or output section), a symbol, an assignment */
		if (pending.n) {
			section_numbers(m, pending, rest);
		} else if (is_wrapped) {
			w = word(&rest);
			m->is_output_alloc = hex(w, &addr) && addr != 0;
		}
		return;
	}
	w = word(&rest);
	if (!rest.n)
		m->pending = w;
	else
		section_numbers(m, w, rest);
}

static void map_line(struct map_state *m, struct line l)
{
	if (!l.n || heading(m, l))
		return;
	if (m->part == PART_INCLUDE)
		include_line(m, l);
	else if (m->part == PART_DISCARD || m->part == PART_MEMMAP)
		section_line(m, l);
}

void build_map_parse(struct build *b, const char *text, size_t len, const char *name)
{
	struct map_state m = { .b = b, .name = name, .member = -1 };
	const char *p = text, *end = text + len, *nl;

	strset_init(&m.words, &b->arena);
	while (p < end) {
		struct line l;

		nl = memchr(p, '\n', (size_t)(end - p));
		l.s = p;
		l.n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		while (l.n && l.s[l.n - 1] == '\r')
			l.n--;
		map_line(&m, l);
		p = nl ? nl + 1 : end;
	}
	strset_release(&m.words);
	b->has_memory_map = m.has_memmap && m.has_output;
	if (!m.has_headings)
		diag_warn(&b->diag, "map '%s': not a GNU ld map (no heading it writes); what it "
			  "would tell is unknown", name);
	else if (!b->has_memory_map)
		diag_warn(&b->diag, "map '%s': no memory map or truncated (no OUTPUT line); "
			  "placements and left-out members are unknown", name);
	build_read_note(b, "%s: GNU ld map, %zu objects, %zu inputs, %zu discarded sections",
			name, b->n_objects, b->n_inputs, b->n_discards);
}
