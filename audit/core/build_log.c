// SPDX-License-Identifier: ISC
/*
 * The build log reader: dune's _build/log and the examples' build.log, where
 * "$ (cd DIR && CMD)" or "$ CMD" is a command run and "+ CMD" one a compiler
 * driver printed under -verbose (ocamlopt's calls of the assembler and the C
 * linker; dune's log prefixes a command's output with "> "). It finds the
 * final link commands and the kept startup file.
 */
#include <stdlib.h>
#include <string.h>

#include "audit/core/build_priv.h"
#include "audit/core/xalloc.h"

/* Words split from one command: heap scratch until one is kept (arena copy). */
struct words {
	char **v;
	size_t n, alloc;
	char *buf;	/* the words' bytes, one after another, each NUL-terminated */
};

static void words_release(struct words *w)
{
	free(w->v);
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

/*
 * The POSIX quoting that occurs in logs: '...' keeps everything, "..." keeps
 * everything but \" \\ \$ \` (which lose the backslash), a backslash outside
 * quotes keeps the next character. Operators are not parsed: they stay words.
 */
static int split(const char *cmd, size_t len, struct words *w)
{
	size_t i = 0, k = 0;
	char quote = 0;
	bool in_word = false, is_full = false;

	w->buf = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		char c = cmd[i];

		if (quote == '\'') {
			if (c == '\'')
				quote = 0;
			else
				w->buf[k++] = c;
			continue;
		}
		if (quote == '"') {
			if (c == '"')
				quote = 0;
			else if (c == '\\' && i + 1 < len && strchr("\"\\$`", cmd[i + 1]))
				w->buf[k++] = cmd[++i];
			else
				w->buf[k++] = c;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n') {
			if (in_word)
				w->buf[k++] = '\0';
			in_word = false;
			continue;
		}
		if (!in_word) {
			if (w->n >= BUILD_MAX_ARGS) {
				is_full = true;
				break;
			}
			xgrow(&w->v, &w->alloc, w->n + 1, sizeof(*w->v));
			w->v[w->n++] = (char *)(uintptr_t)k;	/* an offset until the end */
			in_word = true;
		}
		if (c == '\'' || c == '"')
			quote = c;
		else if (c == '\\' && i + 1 < len)
			w->buf[k++] = cmd[++i];
		else
			w->buf[k++] = c;
	}
	w->buf[k] = '\0';
	/* k <= len: each input byte gives at most one output byte, a word end replaces a blank */
	for (i = 0; i < w->n; i++)
		w->v[i] = w->buf + (uintptr_t)w->v[i];
	return quote || is_full ? -1 : 0;
}

int build_shell_split(struct arena *a, const char *cmd, size_t len, char ***argv, size_t *argc)
{
	struct words w = { 0 };
	int ret = split(cmd, len, &w);
	size_t i;

	*argv = arena_array(a, w.n + 1, sizeof(**argv));
	for (i = 0; i < w.n; i++)
		(*argv)[i] = arena_strdup(a, w.v[i]);
	*argc = w.n;
	words_release(&w);
	return ret;
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static bool ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/*
 * Whether basename B is the tool NAME, with or without a target prefix and a
 * version suffix: "gcc", "x86_64-linux-gnu-gcc", "gcc-12", "x86_64-linux-gnu-gcc-12"
 * (so "ocamlbuild" is no "ld" and "ocamlfind" no "cc").
 */
static bool is_tool(const char *b, const char *name)
{
	size_t n = strlen(name), m = strlen(b), i;

	for (i = 0; i + n <= m; i++) {
		const char *rest = b + i + n;

		if ((i > 0 && b[i - 1] != '-') || strncmp(b + i, name, n))
			continue;
		if (!*rest)
			return true;
		if (*rest == '-' && rest[1] && strspn(rest + 1, "0123456789.") == strlen(rest + 1))
			return true;
	}
	return false;
}

/* A C compiler driver or a linker: cc, gcc, clang, ld (ld.bfd, ld.gold, ld.lld). */
static bool is_c_driver(const char *argv0, const char **driver)
{
	static const char *const cc[] = { "cc", "gcc", "clang" };
	static const char *const ld[] = { "ld", "ld.bfd", "ld.gold", "ld.lld" };
	const char *b = base(argv0);
	size_t i;

	for (i = 0; i < sizeof(cc) / sizeof(cc[0]); i++)
		if (is_tool(b, cc[i])) {
			*driver = "cc";
			return true;
		}
	for (i = 0; i < sizeof(ld) / sizeof(ld[0]); i++)
		if (is_tool(b, ld[i])) {
			*driver = "ld";
			return true;
		}
	return false;
}

static bool is_ocamlopt(char **v, size_t n)
{
	const char *b = base(v[0]);

	if (!strncmp(b, "ocamlopt", 8))
		return true;
	return !strcmp(b, "ocamlfind") && n > 1 && !strcmp(v[1], "ocamlopt");
}

static const char *output_of(char **v, size_t n)
{
	size_t i;

	for (i = 1; i + 1 < n; i++)
		if (!strcmp(v[i], "-o"))
			return v[i + 1];
	return NULL;
}

static bool has_word(char **v, size_t n, const char *word)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (!strcmp(v[i], word))
			return true;
	return false;
}

struct log_state {
	struct build *b;
	const char *name, *image;
	const char *cwd;	/* of the enclosing "$" command, arena-owned, or NULL */
	size_t lineno;
	bool is_bad_quotes;
	bool is_image_link, is_image_ocaml;	/* the kept link matches the image's name */
	/* The "+ as -o OBJ FILE.startup.s" lines seen: OBJ -> FILE (arena). */
	const char **asm_obj, **asm_src;
	size_t n_asm;
};

static void keep(struct log_state *s, struct build_link *l, struct words *w, const char *driver)
{
	struct arena *a = &s->b->arena;
	size_t i;

	l->is_known = true;
	l->argv = arena_array(a, w->n + 1, sizeof(*l->argv));
	for (i = 0; i < w->n; i++)
		l->argv[i] = arena_strdup(a, w->v[i]);
	l->argc = w->n;
	l->cwd = s->cwd;
	l->output = output_of(l->argv, l->argc);
	l->from = arena_printf(a, "%s:%zu", s->name, s->lineno);
	l->driver = driver;
}

/* Whether OUT names the image: same basename (no image name: anything does). */
static bool is_image(const struct log_state *s, const char *out)
{
	return !s->image || !strcmp(base(out), base(s->image));
}

static void assembler(struct log_state *s, struct words *w)
{
	const char *out = output_of(w->v, w->n);
	size_t i;

	if (!out || s->n_asm >= 64)
		return;
	for (i = 1; i < w->n; i++) {
		if (!ends(w->v[i], ".startup.s"))
			continue;
		s->asm_obj = arena_push(&s->b->arena, s->asm_obj, s->n_asm, sizeof(*s->asm_obj));
		s->asm_src = arena_push(&s->b->arena, s->asm_src, s->n_asm, sizeof(*s->asm_src));
		s->asm_obj[s->n_asm] = arena_strdup(&s->b->arena, out);
		s->asm_src[s->n_asm++] = s->cwd && w->v[i][0] != '/' ?
			arena_printf(&s->b->arena, "%s/%s", s->cwd, w->v[i]) :
			arena_strdup(&s->b->arena, w->v[i]);
		return;
	}
}

/* The startup file assembled into an object the C link names. */
static void startup_of(struct log_state *s, const struct build_link *l)
{
	size_t i, k;

	for (i = 1; i < l->argc; i++)
		for (k = s->n_asm; k-- > 0;)
			if (!strcmp(l->argv[i], s->asm_obj[k])) {
				s->b->startup_asm = s->asm_src[k];
				return;
			}
}

static void command(struct log_state *s, const char *cmd, size_t len)
{
	struct words w = { 0 };
	const char *driver, *out;
	bool match;

	if (split(cmd, len, &w) < 0)
		s->is_bad_quotes = true;
	if (w.n == 0)
		goto out;
	out = output_of(w.v, w.n);
	if (is_ocamlopt(w.v, w.n) && out) {
		match = is_image(s, out);
		if (match || !s->is_image_ocaml) {
			keep(s, &s->b->ocaml_link, &w, "ocamlopt");
			s->is_image_ocaml = match;
		}
	} else if (is_c_driver(w.v[0], &driver) && out && !has_word(w.v, w.n, "-c") &&
		   !has_word(w.v, w.n, "-S")) {
		match = is_image(s, out);
		if (match || !s->is_image_link) {
			keep(s, &s->b->link, &w, driver);
			s->is_image_link = match;
			startup_of(s, &s->b->link);
		}
	} else if (is_tool(base(w.v[0]), "as") && out) {
		assembler(s, &w);
	}
out:
	words_release(&w);
}

/* "$ (cd DIR && CMD)": DIR becomes the cwd of CMD and of the "+" lines after it. */
static void dollar(struct log_state *s, const char *cmd, size_t len)
{
	const char *and;
	struct words w = { 0 };

	s->cwd = NULL;
	if (len < 5 || strncmp(cmd, "(cd ", 4) || !(and = memmem(cmd, len, " && ", 4))) {
		command(s, cmd, len);
		return;
	}
	if (split(cmd + 4, (size_t)(and - cmd) - 4, &w) == 0 && w.n == 1)
		s->cwd = arena_strdup(&s->b->arena, w.v[0]);
	words_release(&w);
	len -= (size_t)(and + 4 - cmd);
	cmd = and + 4;
	while (len && (cmd[len - 1] == ' ' || cmd[len - 1] == '\r'))
		len--;
	if (len && cmd[len - 1] == ')')
		len--;
	command(s, cmd, len);
}

void build_log_parse(struct build *b, const char *text, size_t len, const char *name,
		     const char *image_name)
{
	struct log_state s = { .b = b, .name = name, .image = image_name };
	const char *p = text, *end = text + len, *nl;

	while (p < end) {
		size_t n;

		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		s.lineno++;
		while (n && p[n - 1] == '\r')
			n--;
		if (n > 2 && !strncmp(p, "$ ", 2))
			dollar(&s, p + 2, n - 2);
		else if (n > 2 && !strncmp(p, "+ ", 2))
			command(&s, p + 2, n - 2);
		else if (n > 4 && !strncmp(p, "> + ", 4))	/* dune logs a command's output so */
			command(&s, p + 4, n - 4);
		p = nl ? nl + 1 : end;
	}
	if (s.is_bad_quotes)
		diag_warn(&b->diag, "log '%s': a command with unbalanced quotes or more than %d "
			  "words, split as far as it goes", name, BUILD_MAX_ARGS);
	if (b->link.is_known)
		build_read_note(b, "%s: link command (%s), %zu arguments", name, b->link.driver,
				b->link.argc);
	if (b->ocaml_link.is_known)
		build_read_note(b, "%s: link command (ocamlopt), %zu arguments", name,
				b->ocaml_link.argc);
	if (!b->link.is_known && !b->ocaml_link.is_known)
		build_read_note(b, "%s: no link command", name);
}
