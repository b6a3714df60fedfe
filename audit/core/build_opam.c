// SPDX-License-Identifier: ISC
/*
 * The text formats of a build directory, read as hostile input: opam files,
 * dune s-expressions and findlib META files, each into a small tree or
 * record (build_config.h) that build_config.c interprets. Nesting is bounded,
 * so a file of a million '(' is one error, not a deep recursion.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "audit/core/build_config.h"

/* Deeper than any dune, opam or META file written by a tool or a person. */
#define CFG_MAX_DEPTH 64

struct builder {
	struct arena *arena;
	struct cfg_node stack[CFG_MAX_DEPTH + 1];
	char close[CFG_MAX_DEPTH + 1];		/* the bracket that closes each open list */
	unsigned skip[CFG_MAX_DEPTH + 1];	/* dune "#;": data still to drop at this depth */
	bool is_dropped[CFG_MAX_DEPTH + 1];	/* this open list is dropped when closed */
	size_t depth;
	char *why;
	size_t size;
};

__attribute__((format(printf, 3, 4)))
static int fail(struct builder *bd, size_t line, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(bd->why, bd->size, "line %zu: ", line);
	if (n < 0 || (size_t)n >= bd->size)
		return -1;
	va_start(ap, fmt);
	vsnprintf(bd->why + n, bd->size - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static void builder_init(struct builder *bd, struct arena *arena, char *why, size_t size)
{
	memset(bd, 0, sizeof(*bd));
	bd->arena = arena;
	bd->why = why;
	bd->size = size;
	bd->stack[0].kind = CFG_LIST;
	bd->stack[0].line = 1;
}

static void append(struct builder *bd, const struct cfg_node *n)
{
	struct cfg_node *top = &bd->stack[bd->depth];

	if (bd->skip[bd->depth]) {
		bd->skip[bd->depth]--;
		return;
	}
	top->kids = arena_push(bd->arena, top->kids, top->n_kids, sizeof(*top->kids));
	top->kids[top->n_kids++] = *n;
}

static void add_atom(struct builder *bd, enum cfg_kind kind, const char *s, size_t len,
		     size_t line)
{
	struct cfg_node n = { .kind = kind, .line = line };

	n.s = arena_strndup(bd->arena, s, len);
	append(bd, &n);
}

static int open_list(struct builder *bd, enum cfg_kind kind, char close, size_t line)
{
	bool is_dropped = bd->skip[bd->depth] > 0;

	if (bd->depth >= CFG_MAX_DEPTH)
		return fail(bd, line, "nested deeper than %d", CFG_MAX_DEPTH);
	if (is_dropped)
		bd->skip[bd->depth]--;
	bd->depth++;
	memset(&bd->stack[bd->depth], 0, sizeof(bd->stack[0]));
	bd->stack[bd->depth].kind = kind;
	bd->stack[bd->depth].line = line;
	bd->close[bd->depth] = close;
	bd->skip[bd->depth] = 0;
	bd->is_dropped[bd->depth] = is_dropped;
	return 0;
}

static int close_list(struct builder *bd, char c, size_t line)
{
	struct cfg_node n;

	if (bd->depth == 0)
		return fail(bd, line, "unbalanced '%c'", c);
	if (bd->close[bd->depth] != c)
		return fail(bd, line, "'%c' closes the bracket opened on line %zu", c,
			    bd->stack[bd->depth].line);
	n = bd->stack[bd->depth];
	if (bd->is_dropped[bd->depth--])
		return 0;
	append(bd, &n);
	return 0;
}

static int finish(struct builder *bd, size_t line, struct cfg_node *out)
{
	if (bd->depth > 0)
		return fail(bd, line, "end of file inside the bracket opened on line %zu",
			    bd->stack[bd->depth].line);
	*out = bd->stack[0];
	return 0;
}

/*
 * A quoted string from P (just past the opening quote) to its closing quote:
 * the unescaped text into the arena, *END past the quote; -1 when unterminated.
 * OCaml-style escapes (dune, opam and META all use them); a backslash before a
 * newline continues the line, leading blanks dropped.
 */
static int read_string(struct builder *bd, const char *p, const char *end, size_t *line,
		       const char **endp, char **out)
{
	size_t start_line = *line, n = 0;
	const char *q;
	unsigned v;
	char *buf;
	int i;

	/* The extent first, so that the copy is as large as the string, not the rest of the file. */
	for (q = p; q < end && *q != '"'; q++)
		if (*q == '\\')
			q++;
	if (q >= end)
		return fail(bd, start_line, "unterminated string");
	end = q;
	buf = arena_alloc(bd->arena, (size_t)(end - p) + 1);
	while (p < end) {
		if (*p == '\n')
			(*line)++;
		if (*p != '\\' || p + 1 >= end) {
			buf[n++] = *p++;
			continue;
		}
		p++;
		switch (*p) {
		case 'n': buf[n++] = '\n'; p++; break;
		case 't': buf[n++] = '\t'; p++; break;
		case 'r': buf[n++] = '\r'; p++; break;
		case 'b': buf[n++] = '\b'; p++; break;
		case '\n':
			(*line)++;
			p++;
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			break;
		default:
			if (*p >= '0' && *p <= '9') {
				for (v = 0, i = 0; i < 3 && p < end && *p >= '0' && *p <= '9'; i++)
					v = v * 10 + (unsigned)(*p++ - '0');
				buf[n++] = (char)(v & 0xff);
			} else if (*p == 'x' && end - p >= 3) {
				unsigned hi, lo;
				char h[3] = { p[1], p[2], 0 };

				if (sscanf(h, "%1x%1x", &hi, &lo) == 2)
					buf[n++] = (char)(hi << 4 | lo);
				p += 3;
			} else {
				buf[n++] = *p++;	/* \\ \" \' and unknown: the byte itself */
			}
		}
	}
	buf[n] = '\0';
	/* A NUL from an escape ends the string early: text after it is not a name. */
	*out = buf;
	*endp = p + 1;
	return 0;
}

/* Past one blank or one COMMENT-to-end-of-line at P (counting LINE), or NULL when none. */
static const char *skip_blank(const char *p, const char *end, size_t *line, char comment)
{
	if (*p == '\n') {
		(*line)++;
		return p + 1;
	}
	if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f')
		return p + 1;
	if (*p != comment)
		return NULL;
	while (p < end && *p != '\n')
		p++;
	return p;
}

const char *cfg_skip_comment(const char *p, const char *end, size_t *line)
{
	size_t nest;

	/* OCaml comments nest */
	for (nest = 1, p += 2; p < end && nest; p++) {
		*line += *p == '\n';
		if (p + 1 < end && p[0] == '(' && p[1] == '*')
			nest++, p++;
		else if (p + 1 < end && p[0] == '*' && p[1] == ')')
			nest--, p++;
	}
	return nest ? NULL : p;
}

/* The dune-specific tokens at P: block and datum comments, parentheses, atoms. */
static int sexp_token(struct builder *bd, const char **pp, const char *end, size_t *line)
{
	const char *p = *pp, *s;
	size_t start = *line;

	if (*p == '#' && p + 1 < end && p[1] == '|') {
		for (p += 2; p + 1 < end && !(p[0] == '|' && p[1] == '#'); p++)
			*line += *p == '\n';
		if (p + 1 >= end)
			return fail(bd, start, "unterminated '#|' comment");
		p += 2;
	} else if (*p == '#' && p + 1 < end && p[1] == ';') {
		bd->skip[bd->depth]++;
		p += 2;
	} else if (*p == '(' || *p == ')') {
		if ((*p == '(' ? open_list(bd, CFG_LIST, ')', *line) : close_list(bd, ')', *line)) < 0)
			return -1;
		p++;
	} else {
		for (s = p++; p < end && !strchr(" \t\r\n\f();\"", *p); p++)
			;
		add_atom(bd, CFG_ATOM, s, (size_t)(p - s), *line);
	}
	*pp = p;
	return 0;
}

static bool is_opam_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '+' || c == '.' || c == '~' || c == '/';
}

/* The opam-specific tokens at P: comments, """strings""", brackets, operators, idents, fields. */
static int opam_token(struct builder *bd, const char **pp, const char *end, size_t *line)
{
	const char *p = *pp, *s;
	size_t start = *line;

	if (*p == '(' && p + 1 < end && p[1] == '*') {
		if (!(p = cfg_skip_comment(p, end, line)))
			return fail(bd, start, "unterminated comment");
	} else if (*p == '"' && end - p >= 3 && p[1] == '"' && p[2] == '"') {
		for (s = p += 3; p + 2 < end && memcmp(p, "\"\"\"", 3); p++)
			*line += *p == '\n';
		if (p + 2 >= end)
			return fail(bd, start, "unterminated string");
		add_atom(bd, CFG_STRING, s, (size_t)(p - s), start);
		p += 3;
	} else if (strchr("([{", *p)) {
		if (open_list(bd, *p == '(' ? CFG_LIST : *p == '[' ? CFG_BRACKET : CFG_BRACE,
			      *p == '(' ? ')' : *p == '[' ? ']' : '}', *line) < 0)
			return -1;
		p++;
	} else if (strchr(")]}", *p)) {
		if (close_list(bd, *p, *line) < 0)
			return -1;
		p++;
	} else if (strchr("=<>!&|?", *p)) {
		s = p++;
		if (p < end && *p == '=' && strchr("<>!", *s))
			p++;
		add_atom(bd, CFG_ATOM, s, (size_t)(p - s), *line);
	} else if (is_opam_ident(*p)) {
		/* "name:" at the top level is a field; "pkg:var" inside a filter is a variable */
		for (s = p; p < end && (is_opam_ident(*p) || (*p == ':' && bd->depth > 0)); p++)
			;
		if (p < end && *p == ':' && bd->depth == 0) {
			add_atom(bd, CFG_FIELD, s, (size_t)(p - s), *line);
			p++;
		} else {
			add_atom(bd, CFG_ATOM, s, (size_t)(p - s), *line);
		}
	} else {
		return fail(bd, *line, "unexpected byte 0x%02x", (unsigned char)*p);
	}
	*pp = p;
	return 0;
}

/* Blanks, line comments and strings are alike in dune and opam; the rest is TOKEN's. */
static int parse(struct arena *arena, const char *text, size_t len, struct cfg_node *out,
		 char *why, size_t size, char comment,
		 int (*token)(struct builder *, const char **, const char *, size_t *))
{
	const char *p = text, *end = text + len, *q;
	struct builder *bd = arena_alloc(arena, sizeof(*bd));
	size_t line = 1, start;
	char *str;

	builder_init(bd, arena, why, size);
	while (p < end) {
		if (*p == '\0') {
			return fail(bd, line, "NUL byte");	/* strchr() would find it in any set */
		} else if ((q = skip_blank(p, end, &line, comment))) {
			p = q;
		} else if (*p == '"' && !(comment == '#' && end - p >= 3 && p[1] == '"' &&
					  p[2] == '"')) {
			start = line;
			if (read_string(bd, p + 1, end, &line, &p, &str) < 0)
				return -1;
			add_atom(bd, CFG_STRING, str, strlen(str), start);
		} else if (token(bd, &p, end, &line) < 0) {
			return -1;
		}
	}
	return finish(bd, line, out);
}

int cfg_parse_sexp(struct arena *arena, const char *text, size_t len, struct cfg_node *out,
		   char *why, size_t size)
{
	return parse(arena, text, len, out, why, size, ';', sexp_token);
}

int cfg_parse_opam(struct arena *arena, const char *text, size_t len, struct cfg_node *out,
		   char *why, size_t size)
{
	return parse(arena, text, len, out, why, size, '#', opam_token);
}

/* META: findlib's own small language (findlib's "META" man page). */
struct meta {
	struct builder *bd;
	const char *p, *end;
	size_t line;
	struct cfg_findlib *pkgs;
	size_t n_pkgs;
	/* The current token: */
	enum { T_END, T_IDENT, T_STRING, T_PUNCT } tok;
	const char *tok_s;
	size_t tok_len;
	char *str;
};

static int meta_next(struct meta *m)
{
	size_t start;

	for (;;) {
		while (m->p < m->end && strchr(" \t\r\f\n", *m->p))
			m->line += *m->p++ == '\n';
		if (m->p < m->end && *m->p == '#') {
			while (m->p < m->end && *m->p != '\n')
				m->p++;
			continue;
		}
		break;
	}
	m->tok_s = m->p;
	if (m->p >= m->end) {
		m->tok = T_END;
		return 0;
	}
	if (*m->p == '"') {
		start = m->line;
		if (read_string(m->bd, m->p + 1, m->end, &m->line, &m->p, &m->str) < 0)
			return -1;
		(void)start;
		m->tok = T_STRING;
		return 0;
	}
	if (*m->p == '+' && m->p + 1 < m->end && m->p[1] == '=') {
		m->tok = T_PUNCT;
		m->tok_len = 2;
		m->p += 2;
		return 0;
	}
	if (strchr("=(),", *m->p)) {
		m->tok = T_PUNCT;
		m->tok_len = 1;
		m->p++;
		return 0;
	}
	while (m->p < m->end && (is_opam_ident(*m->p) || *m->p == '-'))
		m->p++;
	if (m->p == m->tok_s)
		return fail(m->bd, m->line, "unexpected byte 0x%02x", (unsigned char)*m->p);
	m->tok = T_IDENT;
	m->tok_len = (size_t)(m->p - m->tok_s);
	return 0;
}

static bool meta_is(const struct meta *m, const char *punct)
{
	return m->tok == T_PUNCT && m->tok_len == strlen(punct) &&
	       !memcmp(m->tok_s, punct, m->tok_len);
}

static bool meta_is_ident(const struct meta *m, const char *word)
{
	return m->tok == T_IDENT && m->tok_len == strlen(word) && !memcmp(m->tok_s, word, m->tok_len);
}

/* One archive(native) value: "a.cmxa b.cmxa", each name without ".cmxa". */
static void meta_archives(struct meta *m, struct cfg_findlib *f, const char *v)
{
	const char *s, *e;
	size_t n;

	for (s = v; *s; s = e) {
		while (*s == ' ' || *s == '\t')
			s++;
		for (e = s; *e && *e != ' ' && *e != '\t'; e++)
			;
		n = (size_t)(e - s);
		if (n > 5 && !memcmp(e - 5, ".cmxa", 5))
			n -= 5;
		if (n == 0)
			continue;
		f->archives = arena_push(m->bd->arena, f->archives, f->n_archives,
					 sizeof(*f->archives));
		f->archives[f->n_archives++] = arena_strndup(m->bd->arena, s, n);
	}
}

static bool ci_contains(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (; *s; s++)
		if (!strncasecmp(s, word, n))
			return true;
	return false;
}

static int meta_entries(struct meta *m, size_t self, size_t depth);

static int meta_package(struct meta *m, size_t parent, size_t depth)
{
	size_t self;

	if (depth >= CFG_MAX_DEPTH)
		return fail(m->bd, m->line, "nested deeper than %d", CFG_MAX_DEPTH);
	if (meta_next(m) < 0)
		return -1;
	if (m->tok != T_STRING)
		return fail(m->bd, m->line, "'package' without a quoted name");
	m->pkgs = arena_push(m->bd->arena, m->pkgs, m->n_pkgs, sizeof(*m->pkgs));
	self = m->n_pkgs++;
	memset(&m->pkgs[self], 0, sizeof(m->pkgs[self]));
	m->pkgs[self].name = arena_printf(m->bd->arena, "%s.%s", m->pkgs[parent].name, m->str);
	if (meta_next(m) < 0)
		return -1;
	if (!meta_is(m, "("))
		return fail(m->bd, m->line, "'package \"%s\"' without '('", m->str);
	if (meta_next(m) < 0 || meta_entries(m, self, depth + 1) < 0)
		return -1;
	if (!meta_is(m, ")"))
		return fail(m->bd, m->line, "'package' not closed by ')'");
	return meta_next(m);
}

/* Entries up to a ')' or the end, for package SELF. */
static int meta_entries(struct meta *m, size_t self, size_t depth)
{
	char var[64];
	bool is_native, is_plugin;

	while (m->tok != T_END && !meta_is(m, ")")) {
		if (meta_is_ident(m, "package")) {
			if (meta_package(m, self, depth) < 0)
				return -1;
			continue;
		}
		if (m->tok != T_IDENT)
			return fail(m->bd, m->line, "expected a variable name");
		snprintf(var, sizeof(var), "%.*s", (int)m->tok_len, m->tok_s);
		is_native = is_plugin = false;
		if (meta_next(m) < 0)
			return -1;
		if (meta_is(m, "(")) {
			do {
				if (meta_next(m) < 0)
					return -1;
				if (m->tok != T_IDENT)
					return fail(m->bd, m->line, "expected a predicate");
				is_native |= m->tok_len == 6 && !memcmp(m->tok_s, "native", 6);
				is_plugin |= m->tok_len == 6 && !memcmp(m->tok_s, "plugin", 6);
				if (meta_next(m) < 0)
					return -1;
			} while (meta_is(m, ","));
			if (!meta_is(m, ")"))
				return fail(m->bd, m->line, "predicates not closed by ')'");
			if (meta_next(m) < 0)
				return -1;
		}
		if (!meta_is(m, "=") && !meta_is(m, "+="))
			return fail(m->bd, m->line, "expected '=' after '%s'", var);
		if (meta_next(m) < 0)
			return -1;
		if (m->tok != T_STRING)
			return fail(m->bd, m->line, "'%s' without a quoted value", var);
		if (!strcmp(var, "version")) {
			m->pkgs[self].is_with_ocaml = ci_contains(m->str, "distributed with ocaml");
			m->pkgs[self].version = m->pkgs[self].is_with_ocaml ||
						!cfg_is_word(m->str, 128) ? NULL : m->str;
		} else if (!strcmp(var, "directory")) {
			m->pkgs[self].directory = m->str;
		} else if (!strcmp(var, "archive") && is_native && !is_plugin) {
			meta_archives(m, &m->pkgs[self], m->str);
		}
		if (meta_next(m) < 0)
			return -1;
	}
	return 0;
}

ssize_t cfg_parse_meta(struct arena *arena, const char *top, const char *text, size_t len,
		       struct cfg_findlib **out, char *why, size_t size)
{
	struct meta m = { .p = text, .end = text + len, .line = 1 };

	m.bd = arena_alloc(arena, sizeof(*m.bd));
	builder_init(m.bd, arena, why, size);
	m.pkgs = arena_push(arena, NULL, 0, sizeof(*m.pkgs));
	memset(&m.pkgs[0], 0, sizeof(m.pkgs[0]));
	m.pkgs[0].name = arena_strdup(arena, top);
	m.n_pkgs = 1;
	if (meta_next(&m) < 0 || meta_entries(&m, 0, 0) < 0)
		return -1;
	if (m.tok != T_END)
		return fail(m.bd, m.line, "unbalanced ')'");
	*out = m.pkgs;
	return (ssize_t)m.n_pkgs;
}

bool cfg_is_word(const char *s, size_t max)
{
	size_t n;

	for (n = 0; s[n]; n++)
		if (n >= max || s[n] <= ' ' || s[n] > '~' || s[n] == '"' || s[n] == '\'' ||
		    s[n] == '\\')
			return false;
	return n > 0;
}
