// SPDX-License-Identifier: ISC
/*
 * The MirageOS configuration artefacts of a build directory (generations 2,
 * 3 and 4) and the package of each build object: what docs/build.md
 * "Layouts" and "Packages" describe. Every file is hostile input: bounded,
 * parsed without trust, and a file that cannot be read or parsed is one
 * warning naming it, after which what it would have told stays unknown.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/core/build_config.h"
#include "audit/core/build_priv.h"
#include "audit/core/readfile.h"
#include "audit/core/strset.h"
#include "audit/core/xalloc.h"

/* Bounds on what a build directory may make us do. */
#define CFG_FILE_MAX INPUT_MAX_TEXT	/* one file */
#define CFG_WALK_DEPTH 16		/* directories below --build DIR */
#define CFG_WALK_ENTRIES 200000		/* directory entries looked at in all */
#define CFG_WALK_FILES 4096		/* dune, META and dune-package files read */
#define CFG_MAX_DEVICES 256		/* Solo5 allows 63 */
#define CFG_MAX_FUNCTORS 4096
#define CFG_MAX_ARGS 4096		/* bytes of one functor application's arguments */
#define CFG_MAX_LIBRARIES 50000		/* dune, META and dune-package libraries in all */
#define CFG_MAX_UNITS_DIR 4096		/* .ml files listed for one unwrapped library */
#define CFG_MAX_OBJECT_DIRS 1024	/* archive directories whose META is read */
/* Debian's findlib directory: one directory per findlib package, the stdlib's files at its top. */
#define DEBIAN_OCAML "/usr/lib/ocaml/"

/* One pass over a build: the packages indexed by name (id == index in b->packages). */
struct cfg {
	struct build *b;
	struct strset pkg_names;
	bool has[16];		/* which files were found (enum seen) */
	bool has_ocamlbuild;	/* a Makefile runs ocamlbuild */
	const char *target_hint;	/* from file names, .xl or _tags, when no context says it */
	size_t n_libs_named;	/* libraries named by dune.build, Makefile, _tags */
};

enum seen {
	SEEN_CONTEXT, SEEN_MAIN4, SEEN_DUNE_BUILD, SEEN_OPAM4, SEEN_MAIN, SEEN_MAKEFILE,
	SEEN_OPAM, SEEN_XL, SEEN_KEY_GEN, SEEN_TAGS, SEEN_MANIFEST, SEEN_DUNIVERSE,
};

static const char *const targets[] = {
	"hvt", "spt", "virtio", "muen", "genode", "xen", "qubes", "unix", "macosx", "unikraft-qemu",
	"unikraft-firecracker",
};

static bool is_target(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (!strcmp(s, targets[i]))
			return true;
	return false;
}

int cfg_read_file(struct build *b, const char *path, const char *name, size_t max, char **buf,
		  size_t *len)
{
	struct diag d;

	diag_init(&d);
	if (read_bounded(path, NULL, max, buf, len, &d) < 0) {
		diag_warn(&b->diag, "build file '%s': %s", name, d.error ? d.error : "cannot read");
		diag_release(&d);
		return -1;
	}
	diag_release(&d);
	return 0;
}

/* An opam package name: letters, digits, '-', '_', '+' (opam's own rule), 1 to 128 bytes. */
static bool is_package_name(const char *s)
{
	size_t n;

	for (n = 0; s[n]; n++)
		if (n >= 128 || !(isalnum((unsigned char)s[n]) || s[n] == '-' || s[n] == '_' ||
				  s[n] == '+'))
			return false;
	return n > 0 && s[0] != '-';
}

/* Findlib names add '.' between the package and its sub-libraries. */
static bool is_findlib_name(const char *s)
{
	size_t n;

	for (n = 0; s[n]; n++)
		if (n >= 256 || !(isalnum((unsigned char)s[n]) || strchr("-_+.", s[n])))
			return false;
	return n > 0 && s[0] != '-' && s[0] != '.';
}

static void cfg_init(struct cfg *c, struct build *b)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->b = b;
	strset_init(&c->pkg_names, &b->arena);
	for (i = 0; i < b->n_packages; i++)
		strset_intern(&c->pkg_names, b->packages[i].name);
}

static void cfg_release(struct cfg *c)
{
	strset_release(&c->pkg_names);
}

/*
 * pkg_add: the package NAME, named by FROM; VERSION fills in a version not yet
 * known (the lock is read before anything else, so its versions win), IS_DIRECT
 * accumulates. NULL (and nothing added) for a name opam would refuse.
 */
static struct build_package *pkg_add(struct cfg *c, const char *name, const char *version,
				     const char *from, bool is_direct)
{
	struct build *b = c->b;
	struct build_package *p;
	uint32_t id;

	if (!is_package_name(name))
		return NULL;
	id = strset_intern(&c->pkg_names, name);
	if (id == b->n_packages) {
		b->packages = arena_push(&b->arena, b->packages, b->n_packages,
					 sizeof(*b->packages));
		p = &b->packages[b->n_packages++];
		memset(p, 0, sizeof(*p));
		p->name = c->pkg_names.names[id];
		p->from = arena_strdup(&b->arena, from);
	}
	p = &b->packages[id];
	if (!p->version && version && cfg_is_word(version, 128))
		p->version = arena_strdup(&b->arena, version);
	p->is_direct |= is_direct;
	return p;
}

/* The findlib libraries that come with the compiler: their opam package is "ocaml". */
static bool is_compiler_library(const char *findlib)
{
	static const char *const names[] = {
		"stdlib", "unix", "str", "threads", "bigarray", "dynlink", "compiler-libs",
		"runtime_events", "ocamldoc", "raw_spacetime", "threads.posix",
	};
	size_t i, n = strcspn(findlib, ".");

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && !strncmp(findlib, names[i], n))
			return true;
	return false;
}

/* The opam package of findlib library NAME (arena-owned), or NULL for a malformed name. */
static const char *findlib_package(struct build *b, const char *name)
{
	if (!is_findlib_name(name))
		return NULL;
	if (is_compiler_library(name))
		return "ocaml";
	return arena_strndup(&b->arena, name, strcspn(name, "."));
}

/* A library named by a build file (dune.build, Makefile, _tags): its package, direct. */
static void lib_named(struct cfg *c, const char *findlib, const char *from)
{
	const char *pkg = findlib_package(c->b, findlib);

	if (pkg && pkg_add(c, pkg, NULL, from, true))
		c->n_libs_named++;
}

bool cfg_add_device(struct build *b, const char *name, const char *type, const char *from)
{
	struct build_device *d;
	size_t i;

	if (!cfg_is_word(name, 128))
		return false;
	for (i = 0; i < b->n_devices; i++)
		if (!strcmp(b->devices[i].name, name)) {
			if (!b->devices[i].type && type)
				b->devices[i].type = arena_strdup(&b->arena, type);
			return true;
		}
	if (b->n_devices >= CFG_MAX_DEVICES) {
		diag_warn(&b->diag, "build file '%s': more than %d devices: the rest ignored", from,
			  CFG_MAX_DEVICES);
		return true;
	}
	b->devices = arena_push(&b->arena, b->devices, b->n_devices, sizeof(*b->devices));
	d = &b->devices[b->n_devices++];
	d->name = arena_strdup(&b->arena, name);
	d->type = type ? arena_strdup(&b->arena, type) : NULL;
	d->from = arena_strdup(&b->arena, from);
	return true;
}

static struct build_library *lib_new(struct build *b, const char *name, const char *from)
{
	struct build_library *l;

	if (b->n_libraries >= CFG_MAX_LIBRARIES) {
		diag_warn(&b->diag, "build file '%s': more than %d libraries in the build: the rest "
			  "ignored", from, CFG_MAX_LIBRARIES);
		return NULL;
	}
	b->libraries = arena_push(&b->arena, b->libraries, b->n_libraries, sizeof(*b->libraries));
	l = &b->libraries[b->n_libraries++];
	memset(l, 0, sizeof(*l));
	l->name = arena_strdup(&b->arena, name);
	l->from = arena_strdup(&b->arena, from);
	return l;
}

static void lib_add_unit(struct build *b, struct build_library *l, const char *unit, size_t n)
{
	char *u;

	if (n == 0 || n > 256)
		return;
	u = arena_strndup(&b->arena, unit, n);
	u[0] = (char)toupper((unsigned char)u[0]);
	l->units = arena_push(&b->arena, l->units, l->n_units, sizeof(*l->units));
	l->units[l->n_units++] = u;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void lib_add_archive(struct build *b, struct build_library *l, const char *name)
{
	const char *base = strrchr(name, '/');
	size_t n;

	base = base ? base + 1 : name;
	n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".cmxa"))
		n -= 5;
	else if (n > 2 && !strcmp(base + n - 2, ".a"))
		n -= 2;
	if (n == 0)
		return;
	l->archives = arena_push(&b->arena, l->archives, l->n_archives, sizeof(*l->archives));
	l->archives[l->n_archives++] = arena_strndup(&b->arena, base, n);
}

/* The directory part of PATH (arena-owned), "." when it has none. */
static const char *dirname_of(struct arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? arena_strndup(a, path, (size_t)(slash - path)) : ".";
}

/* --- reading files -------------------------------------------------------- */

/* The text of REL under b->dir (NULL when absent: an absent file says nothing). */
static char *read_rel(struct cfg *c, const char *rel, size_t *len)
{
	struct stat st;
	char *path, *text;

	path = arena_printf(&c->b->arena, "%s/%s", c->b->dir, rel);
	if (lstat(path, &st) < 0)
		return NULL;
	if (cfg_read_file(c->b, path, rel, CFG_FILE_MAX, &text, len) < 0)
		return NULL;
	return text;
}

static bool exists_rel(struct cfg *c, const char *rel)
{
	struct stat st;
	char *path = arena_printf(&c->b->arena, "%s/%s", c->b->dir, rel);

	return lstat(path, &st) == 0;
}

/* mirage/context: the arguments of `mirage configure`, one a line (-t hvt, --target=hvt). */
static void read_context(struct cfg *c, const char *rel)
{
	char *text, *line, *next, *save = NULL, *prev = NULL;
	const char *t = NULL;
	size_t len;

	if (!(text = read_rel(c, rel, &len)))
		return;
	c->has[SEEN_CONTEXT] = true;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, "\r")] = '\0';
		next = NULL;
		if (!strncmp(line, "--target=", 9))
			next = line + 9;
		else if (!strncmp(line, "-t ", 3) || !strncmp(line, "--target ", 9))
			next = strchr(line, ' ') + 1;
		else if (prev && (!strcmp(prev, "-t") || !strcmp(prev, "--target")))
			next = line;
		if (next && cfg_is_word(next, 64))
			t = arena_strdup(&c->b->arena, next);
		prev = line;
	}
	if (t)
		c->b->target = t;
	build_read_note(c->b, "%s: target %s", rel, t ? t : "not given");
	free(text);
}

/* --- main.ml: functor applications and device connects -------------------- */

struct ml {
	const char *p, *end, *text;
	size_t line;
	/* the token */
	enum { ML_EOF, ML_IDENT, ML_STRING, ML_PUNCT, ML_ERROR } tok;
	const char *s;
	size_t n, tok_line;
	const char *error;
};

static void ml_next(struct ml *m)
{
	const char *q;

	for (;;) {
		while (m->p < m->end && isspace((unsigned char)*m->p))
			m->line += *m->p++ == '\n';
		if (m->p + 1 < m->end && m->p[0] == '(' && m->p[1] == '*') {
			if (!(m->p = cfg_skip_comment(m->p, m->end, &m->line))) {
				m->p = m->end;
				m->tok = ML_ERROR;
				m->error = "unterminated comment";
				return;
			}
			continue;
		}
		/* "# 12 "file"" line directives of the generated file */
		if (m->p < m->end && *m->p == '#' && (m->p == m->text || m->p[-1] == '\n')) {
			while (m->p < m->end && *m->p != '\n')
				m->p++;
			continue;
		}
		break;
	}
	m->s = m->p;
	m->tok_line = m->line;
	if (m->p >= m->end) {
		m->tok = ML_EOF;
		return;
	}
	if (*m->p == '"') {
		for (q = m->p + 1; q < m->end && *q != '"'; q++) {
			m->line += *q == '\n';
			if (*q == '\\' && q + 1 < m->end)
				m->line += *++q == '\n';
		}
		if (q >= m->end) {
			m->tok = ML_ERROR;
			m->error = "unterminated string";
			return;
		}
		m->tok = ML_STRING;
		m->s = m->p + 1;
		m->n = (size_t)(q - m->s);
		m->p = q + 1;
		return;
	}
	if (isalpha((unsigned char)*m->p) || *m->p == '_') {
		while (m->p < m->end && (isalnum((unsigned char)*m->p) || *m->p == '_' ||
					 *m->p == '\'' || (*m->p == '.' && m->p + 1 < m->end &&
							   (isalpha((unsigned char)m->p[1]) ||
							    m->p[1] == '_'))))
			m->p++;
		m->tok = ML_IDENT;
		m->n = (size_t)(m->p - m->s);
		return;
	}
	/* a character literal, so that '"' is not a string */
	if (*m->p == '\'' && m->end - m->p >= 3 && m->p[2] == '\'') {
		m->p += 3;
		m->tok = ML_PUNCT;
		m->n = 3;
		return;
	}
	if (*m->p == '\'' && m->end - m->p >= 4 && m->p[1] == '\\' && m->p[3] == '\'') {
		m->p += 4;
		m->tok = ML_PUNCT;
		m->n = 4;
		return;
	}
	m->tok = ML_PUNCT;
	m->n = 1;
	m->p++;
}

static bool ml_is(const struct ml *m, const char *s)
{
	return (m->tok == ML_IDENT || m->tok == ML_PUNCT) && m->n == strlen(s) &&
	       !memcmp(m->s, s, m->n);
}

/* TEXT (N bytes) with each run of blanks as one space, trimmed, at most 1024 bytes. */
static char *squeeze(struct arena *a, const char *text, size_t n)
{
	char *out = arena_alloc(a, (n < 1024 ? n : 1024) + 1);
	size_t i, k = 0;
	bool is_blank = false;

	for (i = 0; i < n && k < 1024; i++) {
		if (isspace((unsigned char)text[i])) {
			is_blank = k > 0;
			continue;
		}
		if (is_blank && k < 1023)
			out[k++] = ' ';
		is_blank = false;
		out[k++] = isprint((unsigned char)text[i]) ? text[i] : '?';
	}
	out[k] = '\0';
	return out;
}

/*
 * After "module NAME =": a module path, then one or more parenthesised
 * arguments: a functor application. 1 read, 0 not one, -1 unterminated.
 */
static int ml_functor(struct cfg *c, struct ml *m, const char *rel, const char *name,
		      size_t line)
{
	struct build *b = c->b;
	struct build_functor *f;
	const char *path, *start;
	char *args = NULL, *arg;
	size_t path_n, depth;

	ml_next(m);
	if (m->tok != ML_IDENT || !isupper((unsigned char)m->s[0]))
		return 0;
	path = m->s;
	path_n = m->n;
	ml_next(m);
	if (!ml_is(m, "("))
		return 0;
	while (ml_is(m, "(")) {
		start = m->p;
		for (depth = 1; depth;) {
			ml_next(m);
			if (m->tok == ML_EOF || m->tok == ML_ERROR)
				return -1;
			depth += ml_is(m, "(");
			depth -= ml_is(m, ")");
		}
		arg = squeeze(&b->arena, start, (size_t)(m->s - start));
		if (!args)
			args = arg;
		else if (strlen(args) < CFG_MAX_ARGS)	/* bounded: each join copies */
			args = arena_printf(&b->arena, "%s, %s", args, arg);
		ml_next(m);
	}
	if (b->n_functors >= CFG_MAX_FUNCTORS)
		return 1;
	b->functors = arena_push(&b->arena, b->functors, b->n_functors, sizeof(*b->functors));
	f = &b->functors[b->n_functors++];
	f->name = name;
	f->functor = arena_strndup(&b->arena, path, path_n);
	f->args = args;
	f->from = arena_printf(&b->arena, "%s:%zu", rel, line);
	return 1;
}

static void read_main_ml(struct cfg *c, const char *rel)
{
	struct build *b = c->b;
	size_t len, line, n_functors = b->n_functors, n_connects = 0;
	struct ml m = { .line = 1 };
	const char *name;
	char *text, *dev;
	bool is_console;
	int r;

	if (!(text = read_rel(c, rel, &len)))
		return;
	m.text = m.p = text;
	m.end = text + len;
	ml_next(&m);
	while (m.tok != ML_EOF && m.tok != ML_ERROR) {
		if (ml_is(&m, "module")) {
			line = m.tok_line;
			ml_next(&m);
			if (m.tok != ML_IDENT || !isupper((unsigned char)m.s[0]) || ml_is(&m, "type"))
				continue;
			name = arena_strndup(&b->arena, m.s, m.n);
			ml_next(&m);
			if (!ml_is(&m, "="))
				continue;
			if ((r = ml_functor(c, &m, rel, name, line)) < 0) {
				diag_warn(&b->diag, "build file '%s': line %zu: unterminated functor "
					  "application", rel, line);
				break;
			}
			continue;
		}
		if (m.tok == ML_IDENT && m.n > 8 && !memcmp(m.s + m.n - 8, ".connect", 8)) {
			/* a console is no device a manifest or an .xl declares: "0" is not a vif */
			is_console = memmem(m.s, m.n, "Console", 7) != NULL;
			ml_next(&m);
			if (m.tok == ML_STRING && !is_console) {
				dev = arena_strndup(&b->arena, m.s, m.n);
				if (cfg_add_device(b, dev, NULL, arena_printf(&b->arena, "%s:%zu", rel,
									      m.tok_line)))
					n_connects++;
				ml_next(&m);
			}
			continue;
		}
		ml_next(&m);
	}
	if (m.tok == ML_ERROR)
		diag_warn(&b->diag, "build file '%s': line %zu: %s", rel, m.tok_line, m.error);
	build_read_note(c->b, "%s: %zu functor applications, %zu device connects", rel,
		  b->n_functors - n_functors, n_connects);
	free(text);
}

/* --- opam files ------------------------------------------------------------ */

/* In the { } after a package of a lock: the version of "= "x"", or NULL. */
static const char *exact_version(const struct cfg_node *brace)
{
	size_t i;

	for (i = 0; i + 1 < brace->n_kids; i++)
		if (brace->kids[i].kind == CFG_ATOM && !strcmp(brace->kids[i].s, "=") &&
		    brace->kids[i + 1].kind == CFG_STRING)
			return brace->kids[i + 1].s;
	return NULL;
}

/* The packages of a depends: list (strings, alternatives in ( ), each maybe with { }). */
static void opam_depends(struct cfg *c, const struct cfg_node *list, const char *rel,
			 bool is_direct, size_t *n_pkgs, size_t *n_versions)
{
	const struct cfg_node *k, *next;
	const char *version;
	size_t i;

	for (i = 0; i < list->n_kids; i++) {
		k = &list->kids[i];
		if (k->kind == CFG_LIST) {
			opam_depends(c, k, rel, is_direct, n_pkgs, n_versions);
			continue;
		}
		if (k->kind != CFG_STRING)
			continue;
		next = i + 1 < list->n_kids ? &list->kids[i + 1] : NULL;
		version = next && next->kind == CFG_BRACE ? exact_version(next) : NULL;
		if (!pkg_add(c, k->s, version, rel, is_direct))
			continue;
		(*n_pkgs)++;
		if (version && cfg_is_word(version, 128))
			(*n_versions)++;
		if (version && !strcmp(k->s, "ocaml") && !c->b->ocaml_version &&
		    cfg_is_word(version, 128))
			c->b->ocaml_version = arena_strdup(&c->b->arena, version);
	}
}

/* pin-depends: [ ["pkg.version" "url"] ... ] or one ["pkg.version" "url"]. */
static size_t opam_pins(struct cfg *c, const struct cfg_node *v, const char *rel)
{
	const struct cfg_node *k;
	size_t i, n = 0, dot;
	char *name;

	if (v->n_kids && v->kids[0].kind == CFG_STRING) {
		k = &v->kids[0];
		dot = strcspn(k->s, ".");
		name = arena_strndup(&c->b->arena, k->s, dot);
		return pkg_add(c, name, k->s[dot] ? k->s + dot + 1 : NULL, rel, false) != NULL;
	}
	for (i = 0; i < v->n_kids; i++)
		if (v->kids[i].kind == CFG_BRACKET)
			n += opam_pins(c, &v->kids[i], rel);
	return n;
}

static void read_opam(struct cfg *c, const char *rel, bool is_lock)
{
	struct build *b = c->b;
	size_t len, i, j, n_pkgs = 0, n_versions = 0, n_pins = 0, n_dirs = 0;
	const struct cfg_node *f, *v;
	struct cfg_node top;
	struct arena scratch;
	char why[256], *text;

	if (!(text = read_rel(c, rel, &len)))
		return;
	arena_init(&scratch);
	if (cfg_parse_opam(&scratch, text, len, &top, why, sizeof(why)) < 0) {
		diag_warn(&b->diag, "build file '%s': %s", rel, why);
		goto out;
	}
	for (i = 0; i < top.n_kids; i++) {
		f = &top.kids[i];
		if (f->kind != CFG_FIELD || i + 1 >= top.n_kids)
			continue;
		v = &top.kids[i + 1];
		if (!strcmp(f->s, "depends") && v->kind == CFG_BRACKET) {
			opam_depends(c, v, rel, !is_lock, &n_pkgs, &n_versions);
		} else if (!strcmp(f->s, "pin-depends") && v->kind == CFG_BRACKET) {
			n_pins += opam_pins(c, v, rel);
		} else if (!strcmp(f->s, "x-opam-monorepo-duniverse-dirs") &&
			   v->kind == CFG_BRACKET) {
			for (j = 0; j < v->n_kids; j++)
				n_dirs += v->kids[j].kind == CFG_BRACKET &&
					  v->kids[j].n_kids >= 2 &&
					  v->kids[j].kids[1].kind == CFG_STRING;
		} else if (!strcmp(f->s, "name") && v->kind == CFG_STRING && !is_lock &&
			   !b->unikernel && is_package_name(v->s)) {
			b->unikernel = arena_strdup(&b->arena, v->s);
		}
	}
	if (is_lock)
		build_read_note(c->b, "%s: %zu packages with versions, %zu pinned, %zu duniverse dirs", rel,
			  n_versions, n_pins, n_dirs);
	else
		build_read_note(c->b, "%s: %zu direct packages", rel, n_pkgs);
out:
	arena_release(&scratch);
	free(text);
}

/* --- dune files ------------------------------------------------------------ */

/* (FIELD ...) among the kids of list L, or NULL. */
static const struct cfg_node *field(const struct cfg_node *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n_kids; i++)
		if (l->kids[i].kind == CFG_LIST && l->kids[i].n_kids &&
		    l->kids[i].kids[0].kind == CFG_ATOM && !strcmp(l->kids[i].kids[0].s, name))
			return &l->kids[i];
	return NULL;
}

/* The one atom of (FIELD atom), or NULL. */
static const char *field_atom(const struct cfg_node *l, const char *name)
{
	const struct cfg_node *f = field(l, name);

	return f && f->n_kids == 2 && f->kids[1].kind != CFG_LIST ? f->kids[1].s : NULL;
}

static char *lowercase(struct arena *a, const char *s)
{
	char *l = arena_strdup(a, s), *p;

	for (p = l; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return l;
}

/* The .ml files of DIR as units: what an unwrapped dune library without (modules) holds. */
static void dir_units(struct build *b, struct build_library *l, const char *dir)
{
	struct dirent *e;
	size_t n, count = 0;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d)) && count < CFG_MAX_UNITS_DIR) {
		n = strlen(e->d_name);
		if (n > 3 && !strcmp(e->d_name + n - 3, ".ml") && e->d_name[0] != '.') {
			lib_add_unit(b, l, e->d_name, n - 3);
			count++;
		}
	}
	closedir(d);
}

/*
 * A dune file under duniverse/PKGDIR/: its (library) stanzas. Without a
 * public_name a library is private to the duniverse directory's package.
 */
static size_t dune_libraries(struct cfg *c, const struct cfg_node *top, const char *rel,
			     const char *path, const char *pkgdir)
{
	struct build *b = c->b;
	const struct cfg_node *s, *mods;
	struct build_library *l;
	const char *name, *pub, *wrapped;
	char *dir;
	size_t i, j, n = 0;

	for (i = 0; i < top->n_kids; i++) {
		s = &top->kids[i];
		if (s->kind != CFG_LIST || !s->n_kids || s->kids[0].kind != CFG_ATOM ||
		    strcmp(s->kids[0].s, "library"))
			continue;
		name = field_atom(s, "name");
		pub = field_atom(s, "public_name");
		/* dune: without (name), the public_name is the name when it is a module name */
		if (!name && pub && !pub[strcspn(pub, ".-+")])
			name = pub;
		if (!name || !is_findlib_name(name) || (pub && !is_findlib_name(pub)))
			continue;
		if (!(l = lib_new(b, pub ? pub : name, rel)))
			break;
		l->dune_name = lowercase(&b->arena, name);
		l->package = pub ? findlib_package(b, pub) : pkgdir;
		dir = arena_strdup(&b->arena, rel);
		*strrchr(dir, '/') = '\0';
		l->dir = dir;
		wrapped = field_atom(s, "wrapped");
		mods = field(s, "modules");
		if (wrapped && !strcmp(wrapped, "false")) {
			if (mods) {
				for (j = 1; j < mods->n_kids; j++)
					if (mods->kids[j].kind == CFG_ATOM &&
					    isalpha((unsigned char)mods->kids[j].s[0]))
						lib_add_unit(b, l, mods->kids[j].s,
							     strlen(mods->kids[j].s));
			} else {
				char *abs = arena_strdup(&b->arena, path);

				*strrchr(abs, '/') = '\0';
				dir_units(b, l, abs);
			}
			if (l->n_units)
				qsort(l->units, l->n_units, sizeof(*l->units), cmp_str);
		}
		lib_add_archive(b, l, name);
		if (l->package)
			pkg_add(c, l->package, NULL, rel, false);
		n++;
	}
	return n;
}

/* (library ... (modules (unwrapped|wrapped ...))) of a dune-package: every obj_name, as a unit. */
static void dune_package_units(struct build *b, struct build_library *l, const struct cfg_node *n,
			       size_t depth)
{
	size_t i;

	if (depth > 32)
		return;
	for (i = 0; i < n->n_kids; i++) {
		const struct cfg_node *k = &n->kids[i];

		if (k->kind != CFG_LIST)
			continue;
		if (k->n_kids == 2 && k->kids[0].kind == CFG_ATOM && k->kids[1].kind == CFG_ATOM &&
		    !strcmp(k->kids[0].s, "obj_name"))
			lib_add_unit(b, l, k->kids[1].s, strlen(k->kids[1].s));
		else
			dune_package_units(b, l, k, depth + 1);
	}
}

/* Every "*.a" atom under N: the archives of a dune-package's (foreign_archives ...). */
static void dune_package_archives(struct build *b, struct build_library *l,
				  const struct cfg_node *n, size_t depth)
{
	size_t i, len;

	if (depth > 8)
		return;
	for (i = 1; i < n->n_kids; i++) {
		if (n->kids[i].kind == CFG_LIST) {
			dune_package_archives(b, l, &n->kids[i], depth + 1);
			continue;
		}
		len = strlen(n->kids[i].s);
		if (len > 2 && !strcmp(n->kids[i].s + len - 2, ".a"))
			lib_add_archive(b, l, n->kids[i].s);
	}
}

static size_t dune_package(struct cfg *c, const struct cfg_node *top, const char *rel,
			   const char *dir)
{
	struct build *b = c->b;
	const char *pkg = field_atom(top, "name"), *version = field_atom(top, "version");
	const struct cfg_node *s, *f;
	struct build_library *l;
	const char *name, *main;
	size_t i, j, n = 0;

	if (!pkg || !is_package_name(pkg))
		return 0;
	if (version && !cfg_is_word(version, 128))
		version = NULL;
	pkg_add(c, pkg, version, rel, false);
	for (i = 0; i < top->n_kids; i++) {
		s = &top->kids[i];
		if (s->kind != CFG_LIST || !s->n_kids || s->kids[0].kind != CFG_ATOM ||
		    strcmp(s->kids[0].s, "library") || !(name = field_atom(s, "name")) ||
		    !is_findlib_name(name))
			continue;
		if (!(l = lib_new(b, name, rel)))
			break;
		l->package = findlib_package(b, name);
		l->version = version ? arena_strdup(&b->arena, version) : NULL;
		l->dir = dir;
		if ((main = field_atom(s, "main_module_name")))
			l->dune_name = lowercase(&b->arena, main);
		if ((f = field(s, "archives")) && (f = field(f, "native")))
			for (j = 1; j < f->n_kids; j++)
				if (f->kids[j].kind == CFG_ATOM)
					lib_add_archive(b, l, f->kids[j].s);
		/* the C stubs too: (foreign_archives libx_stubs.a), or nested in dune 3 */
		if ((f = field(s, "foreign_archives")))
			dune_package_archives(b, l, f, 0);
		if ((f = field(s, "modules")))
			dune_package_units(b, l, f, 0);
		if (l->n_units)	/* qsort() wants a non-NULL base even for 0 */
			qsort(l->units, l->n_units, sizeof(*l->units), cmp_str);
		n++;
	}
	return n;
}

/* dune.build: (executable ... (libraries ...)); dune-workspace: the cross context. */
static void dune_top(struct cfg *c, const struct cfg_node *top, const char *rel, bool is_build)
{
	struct build *b = c->b;
	const struct cfg_node *s, *f;
	const char *name;
	size_t i, j, n = 0;

	for (i = 0; i < top->n_kids; i++) {
		s = &top->kids[i];
		if (s->kind != CFG_LIST || !s->n_kids || s->kids[0].kind != CFG_ATOM)
			continue;
		if (is_build && !strcmp(s->kids[0].s, "executable") &&
		    (f = field(s, "libraries"))) {
			for (j = 1; j < f->n_kids; j++)
				if (f->kids[j].kind == CFG_ATOM &&
				    is_findlib_name(f->kids[j].s)) {
					lib_named(c, f->kids[j].s, rel);
					n++;
				}
		} else if (!is_build && !strcmp(s->kids[0].s, "context") && s->n_kids == 2 &&
			   (f = field(&s->kids[1], "name")) && f->n_kids == 2 &&
			   f->kids[1].kind == CFG_ATOM && cfg_is_word(f->kids[1].s, 64)) {
			name = f->kids[1].s;
			b->dune_context = arena_strdup(&b->arena, name);
		}
	}
	if (is_build)
		build_read_note(c->b, "%s: %zu libraries", rel, n);
	else
		build_read_note(c->b, "%s: context %s", rel, b->dune_context ? b->dune_context : "default");
}

enum dune_kind { DUNE_BUILD, DUNE_WORKSPACE, DUNE_LIBS, DUNE_PACKAGE };

/* REL (PATH on disk, NULL: under b->dir): a dune file of KIND. */
static void read_dune(struct cfg *c, const char *rel, const char *path, enum dune_kind kind,
		      const char *pkgdir)
{
	struct build *b = c->b;
	struct cfg_node top;
	struct arena scratch;
	char why[256], *text, *dir;
	size_t len, n;

	if (path) {
		if (cfg_read_file(b, path, rel, CFG_FILE_MAX, &text, &len) < 0)
			return;
	} else if (!(text = read_rel(c, rel, &len))) {
		return;
	}
	arena_init(&scratch);
	if (cfg_parse_sexp(&scratch, text, len, &top, why, sizeof(why)) < 0) {
		diag_warn(&b->diag, "build file '%s': %s", rel, why);
	} else if (kind == DUNE_BUILD || kind == DUNE_WORKSPACE) {
		dune_top(c, &top, rel, kind == DUNE_BUILD);
	} else if (kind == DUNE_LIBS) {
		if ((n = dune_libraries(c, &top, rel, path, pkgdir)))
			build_read_note(c->b, "%s: %zu libraries", rel, n);
	} else {
		dir = arena_strdup(&b->arena, path);
		*strrchr(dir, '/') = '\0';
		n = dune_package(c, &top, rel, dir);
		build_read_note(c->b, "%s: %zu libraries", rel, n);
	}
	arena_release(&scratch);
	free(text);
}

/* --- findlib META ---------------------------------------------------------- */

/* The META at PATH (REL in messages) of directory DIR, whose name is the findlib package. */
static size_t read_meta(struct cfg *c, const char *path, const char *rel, const char *dir)
{
	struct build *b = c->b;
	struct cfg_findlib *f;
	struct build_library *l;
	const char *top = strrchr(dir, '/'), *version = NULL;
	struct arena scratch;
	char why[256], *text;
	ssize_t n, i;
	size_t j, len;

	top = top ? top + 1 : dir;
	if (!is_findlib_name(top) || cfg_read_file(b, path, rel, CFG_FILE_MAX, &text, &len) < 0)
		return 0;
	arena_init(&scratch);
	if ((n = cfg_parse_meta(&scratch, top, text, len, &f, why, sizeof(why))) < 0) {
		diag_warn(&b->diag, "build file '%s': %s", rel, why);
		n = 0;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (!(l = lib_new(b, f[i].name, rel)))
			break;
		l->package = f[i].is_with_ocaml ? "ocaml" : findlib_package(b, f[i].name);
		if (f[i].version)
			version = f[i].version;		/* sub-packages inherit the top one's */
		l->version = f[i].is_with_ocaml || !version ? NULL :
			     arena_strdup(&b->arena, version);
		if (f[i].directory && f[i].directory[0] != '^' && f[i].directory[0] != '/' &&
		    !strstr(f[i].directory, ".."))
			l->dir = arena_printf(&b->arena, "%s/%s", dir, f[i].directory);
		else if (f[i].directory && !strcmp(f[i].directory, "^"))
			l->dir = dirname_of(&b->arena, dir);	/* the stdlib's directory */
		else
			l->dir = arena_strdup(&b->arena, dir);
		for (j = 0; j < f[i].n_archives; j++)
			lib_add_archive(b, l, f[i].archives[j]);
		if (l->package)
			pkg_add(c, l->package, l->version, rel, false);
	}
	build_read_note(c->b, "%s: %zd findlib packages%s%s", rel, n, f[0].version ? ", version " : "",
		  f[0].version ? f[0].version : "");
out:
	arena_release(&scratch);
	free(text);
	return (size_t)n;
}

/* --- MirageOS 2 and 3 ------------------------------------------------------ */

/* Findlib names in a comma or blank separated list after -pkgs/-pkg/-package. */
static void named_libs(struct cfg *c, const char *list, const char *rel)
{
	char *copy = xstrdup(list), *tok, *save = NULL;

	for (tok = strtok_r(copy, ", \t\"'", &save); tok; tok = strtok_r(NULL, ", \t\"'", &save))
		if (is_findlib_name(tok))
			lib_named(c, tok, rel);
	free(copy);
}

/* In LINE, the word after each of -pkgs, -pkg, -package. */
static void line_pkgs(struct cfg *c, char *line, const char *rel)
{
	char *w, *save = NULL;
	bool is_next = false;

	for (w = strtok_r(line, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (is_next)
			named_libs(c, w, rel);
		is_next = !strcmp(w, "-pkgs") || !strcmp(w, "-pkg") || !strcmp(w, "-package");
	}
}

/* Makefile of MirageOS 2 (LIBS = -pkgs ..., PKGS = ..., BUILD = ocamlbuild ...). */
static void read_makefile(struct cfg *c, const char *rel)
{
	size_t len, before = c->n_libs_named, n_pkgs = 0;
	char *text, *p, *q, *line, *eq, *save = NULL, *val, *w, *wsave = NULL;

	if (!(text = read_rel(c, rel, &len)))
		return;
	c->has[SEEN_MAKEFILE] = true;
	/* join continued lines */
	for (p = q = text; *p; p++) {
		if (p[0] == '\\' && p[1] == '\n') {
			*q++ = ' ';
			p++;
			continue;
		}
		*q++ = *p;
	}
	*q = '\0';
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, "#")] = '\0';
		if (strstr(line, "ocamlbuild"))
			c->has_ocamlbuild = true;
		eq = strchr(line, '=');
		if (eq && eq > line && !strncmp(line, "PKGS", 4) &&
		    strspn(line + 4, " \t:?+") == (size_t)(eq - line - 4)) {
			for (val = strtok_r(eq + 1, " \t", &wsave); val;
			     val = strtok_r(NULL, " \t", &wsave))
				n_pkgs += pkg_add(c, val, NULL, rel, true) != NULL;
			continue;
		}
		w = line;
		line_pkgs(c, w, rel);
	}
	build_read_note(c->b, "%s: %zu libraries, %zu packages%s", rel, c->n_libs_named - before, n_pkgs,
		  c->has_ocamlbuild ? ", ocamlbuild" : "");
	free(text);
}

/* _tags: package(a b) and predicate(mirage_TARGET). */
static void read_tags(struct cfg *c, const char *rel)
{
	size_t len, before = c->n_libs_named;
	char *text, *p, *e, *list;

	if (!(text = read_rel(c, rel, &len)))
		return;
	c->has[SEEN_TAGS] = true;
	for (p = text; (p = strstr(p, "package(")); p = e) {
		p += 8;
		if (!(e = strchr(p, ')')))
			break;
		list = arena_strndup(&c->b->arena, p, (size_t)(e - p));
		named_libs(c, list, rel);
	}
	for (p = text; (p = strstr(p, "predicate(mirage_")); p = e) {
		p += 17;
		if (!(e = strchr(p, ')')))
			break;
		list = arena_strndup(&c->b->arena, p, (size_t)(e - p));
		if (is_target(list))
			c->target_hint = list;
	}
	build_read_note(c->b, "%s: %zu libraries", rel, c->n_libs_named - before);
	free(text);
}

/*
 * A Xen .xl: disk = [ '...vdev=xvdb...' ], vif = [ '...' ], builder/type,
 * name. Python-like syntax; what we need are the quoted strings of each key.
 */
static void read_xl(struct cfg *c, const char *rel)
{
	struct build *b = c->b;
	size_t len, n_disks = 0, n_vifs = 0;
	char *text, *p, *key = NULL, *s, *e, quote, *v, *vdev;
	const char *kind = NULL;

	if (!(text = read_rel(c, rel, &len)))
		return;
	c->has[SEEN_XL] = true;
	for (p = text; *p;) {
		if (*p == '#') {
			p += strcspn(p, "\n");
		} else if (isalpha((unsigned char)*p) || *p == '_') {
			for (s = p; isalnum((unsigned char)*p) || *p == '_'; p++)
				;
			key = arena_strndup(&b->arena, s, (size_t)(p - s));
		} else if (*p == '\'' || *p == '"') {
			quote = *p++;
			if (!(e = strchr(p, quote))) {
				diag_warn(&b->diag, "build file '%s': unterminated string", rel);
				break;
			}
			v = arena_strndup(&b->arena, p, (size_t)(e - p));
			p = e + 1;
			if (!key)
				continue;
			if (!strcmp(key, "disk")) {
				vdev = strstr(v, "vdev=");
				if (vdev) {
					vdev += 5;
					vdev[strcspn(vdev, ", ")] = '\0';
				}
				if (cfg_add_device(b, vdev && *vdev ? vdev :
						   arena_printf(&b->arena, "%zu", n_disks), "disk", rel))
					n_disks++;
			} else if (!strcmp(key, "vif")) {
				if (cfg_add_device(b, arena_printf(&b->arena, "%zu", n_vifs), "vif",
						   rel))
					n_vifs++;
			} else if (!strcmp(key, "builder") || !strcmp(key, "type")) {
				kind = v;
			} else if (!strcmp(key, "name") && !b->unikernel && is_package_name(v)) {
				b->unikernel = v;
			}
		} else {
			p++;
		}
	}
	if (!c->target_hint)
		c->target_hint = "xen";
	build_read_note(c->b, "%s: %zu disks, %zu vifs%s%s", rel, n_disks, n_vifs,
		  kind ? ", builder " : "", kind ? kind : "");
	free(text);
}

/* --- the walk -------------------------------------------------------------- */

struct walk {
	size_t entries, files;
	bool is_truncated;
};

/*
 * Below b->dir/REL (DEPTH deep): dune files under duniverse/<pkg>/, META and
 * dune-package files anywhere. Symbolic links are not followed (a loop, or a
 * way out of the tree).
 */
static void walk(struct cfg *c, struct walk *w, const char *rel, size_t depth,
		 const char *pkgdir)
{
	struct build *b = c->b;
	char *path = rel[0] ? arena_printf(&b->arena, "%s/%s", b->dir, rel) :
		     arena_strdup(&b->arena, b->dir);
	char *sub, *subrel, *abs;
	struct dirent *e;
	struct stat st;
	const char *pd;
	DIR *d;

	if (depth > CFG_WALK_DEPTH || !(d = opendir(path)))
		return;
	while ((e = readdir(d))) {
		if (++w->entries > CFG_WALK_ENTRIES || w->files >= CFG_WALK_FILES) {
			w->is_truncated = true;
			break;
		}
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, ".git"))
			continue;
		subrel = rel[0] ? arena_printf(&b->arena, "%s/%s", rel, e->d_name) :
			 arena_strdup(&b->arena, e->d_name);
		abs = arena_printf(&b->arena, "%s/%s", path, e->d_name);
		if (lstat(abs, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			pd = pkgdir;
			if (!pkgdir && depth == 0 && !strcmp(e->d_name, "duniverse"))
				pd = "";
			else if (pkgdir && !pkgdir[0] && is_package_name(e->d_name))
				pd = arena_strdup(&b->arena, e->d_name);
			if (pd && !pd[0] && depth == 0)
				c->has[SEEN_DUNIVERSE] = true;
			walk(c, w, subrel, depth + 1, pd);
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		if (!strcmp(e->d_name, "META")) {
			w->files++;
			sub = arena_strdup(&b->arena, abs);
			*strrchr(sub, '/') = '\0';
			read_meta(c, abs, subrel, sub);
		} else if (!strcmp(e->d_name, "dune-package")) {
			w->files++;
			read_dune(c, subrel, abs, DUNE_PACKAGE, NULL);
		} else if (pkgdir && pkgdir[0] && !strcmp(e->d_name, "dune")) {
			w->files++;
			read_dune(c, subrel, abs, DUNE_LIBS, pkgdir);
		}
	}
	closedir(d);
}

/* The first FILE of the top directory ending in SUFFIX (sorted, for a stable choice), or NULL. */
static char *find_suffix(struct cfg *c, const char *sub, const char *suffix)
{
	struct dirent **names;
	const char *dir = sub ? arena_printf(&c->b->arena, "%s/%s", c->b->dir, sub) : c->b->dir;
	char *found = NULL;
	size_t n, ls = strlen(suffix);
	int i, count = scandir(dir, &names, NULL, alphasort);

	for (i = 0; i < count; i++) {
		n = strlen(names[i]->d_name);
		if (!found && n > ls && !strcmp(names[i]->d_name + n - ls, suffix))
			found = sub ? arena_printf(&c->b->arena, "%s/%s", sub, names[i]->d_name) :
				arena_strdup(&c->b->arena, names[i]->d_name);
		free(names[i]);
	}
	if (count >= 0)
		free(names);
	return found;
}

/* "<name>-<target>.opam" (MirageOS 4): the target its name carries, or NULL. */
static const char *target_of_opam(struct arena *a, const char *rel)
{
	const char *base = strrchr(rel, '/'), *dash, *dot;

	base = base ? base + 1 : rel;
	if (!(dot = strstr(base, ".opam")))
		return NULL;
	for (dash = dot; dash > base && dash[-1] != '-'; dash--)
		;
	if (dash == base)
		return NULL;
	base = arena_strndup(a, dash, (size_t)(dot - dash));
	return is_target(base) ? base : NULL;
}

void build_read_config(struct build *b)
{
	struct walk w = { 0 };
	struct cfg c;
	char *opam, *lock, *xl;
	const char *t;

	if (!b->dir) {
		if (!b->layout)
			b->layout = "map only";
		return;
	}
	cfg_init(&c, b);
	/* MirageOS 4: the lock first, so that its exact versions win over META's */
	lock = find_suffix(&c, "mirage", ".opam.locked");
	opam = find_suffix(&c, "mirage", ".opam");
	if (lock) {
		read_opam(&c, lock, true);
		c.has[SEEN_OPAM4] = true;
	}
	if (opam) {
		read_opam(&c, opam, false);
		c.has[SEEN_OPAM4] = true;
	}
	read_context(&c, "mirage/context");
	if (exists_rel(&c, "mirage/manifest.json")) {
		c.has[SEEN_MANIFEST] = true;
		build_read_note(b, "mirage/manifest.json: %zd devices",
			  cfg_read_manifest(b, arena_printf(&b->arena, "%s/mirage/manifest.json",
							    b->dir), "mirage/manifest.json"));
	}
	if (exists_rel(&c, "mirage/main.ml")) {
		c.has[SEEN_MAIN4] = true;
		read_main_ml(&c, "mirage/main.ml");
	}
	if (exists_rel(&c, "dune.build")) {
		c.has[SEEN_DUNE_BUILD] = true;
		read_dune(&c, "dune.build", NULL, DUNE_BUILD, NULL);
	}
	if (exists_rel(&c, "dune-workspace"))
		read_dune(&c, "dune-workspace", NULL, DUNE_WORKSPACE, NULL);
	/* MirageOS 2 and 3: the unikernel's own directory */
	if (!c.has[SEEN_MANIFEST] && exists_rel(&c, "manifest.json")) {
		c.has[SEEN_MANIFEST] = true;
		build_read_note(b, "manifest.json: %zd devices",
			  cfg_read_manifest(b, arena_printf(&b->arena, "%s/manifest.json", b->dir),
					    "manifest.json"));
	}
	if (!c.has[SEEN_MAIN4] && exists_rel(&c, "main.ml")) {
		c.has[SEEN_MAIN] = true;
		read_main_ml(&c, "main.ml");
	}
	if (!c.has[SEEN_OPAM4]) {
		opam = exists_rel(&c, "opam") ? "opam" : find_suffix(&c, NULL, ".opam");
		if (opam) {
			c.has[SEEN_OPAM] = true;
			read_opam(&c, opam, false);
		}
	}
	read_makefile(&c, "Makefile");
	if ((xl = find_suffix(&c, NULL, ".xl")))
		read_xl(&c, xl);
	if (exists_rel(&c, "key_gen.ml")) {
		c.has[SEEN_KEY_GEN] = true;
		build_read_note(b, "key_gen.ml: present (functoria keys)");
	}
	read_tags(&c, "_tags");
	walk(&c, &w, "", 0, NULL);
	if (w.is_truncated)
		diag_warn(&b->diag, "build directory '%s': more than %d entries or %d package "
			  "files: the rest not read", b->dir, CFG_WALK_ENTRIES, CFG_WALK_FILES);

	if (c.has[SEEN_CONTEXT] || c.has[SEEN_MAIN4] || c.has[SEEN_DUNE_BUILD] ||
	    c.has[SEEN_OPAM4])
		/* MirageOS 4's files; dune only when dune's own files or log say so. */
		b->layout = c.has[SEEN_DUNE_BUILD] || (b->log && strstr(b->log, "_build/log"))
			    ? "mirage4 (dune)" : "mirage4 (another build tool)";
	else if (c.has[SEEN_MAIN] && (c.has[SEEN_KEY_GEN] || c.has[SEEN_TAGS] ||
				      (c.has[SEEN_OPAM] && !c.has_ocamlbuild)))
		b->layout = "mirage3 (ocamlbuild)";
	else if (c.has[SEEN_MAIN] && c.has_ocamlbuild)
		b->layout = "mirage2";
	else if (c.has[SEEN_MAKEFILE] && (!b->layout || !strcmp(b->layout, "unknown")))
		b->layout = "make";
	else if (!b->layout)
		b->layout = "unknown";
	if (!c.has[SEEN_CONTEXT] || !b->target) {
		t = lock ? target_of_opam(&b->arena, lock) : NULL;
		t = t ? t : opam ? target_of_opam(&b->arena, opam) : NULL;
		if (t || c.target_hint)
			b->target = t ? t : c.target_hint;
	}
	cfg_release(&c);
}

/* --- attribution ----------------------------------------------------------- */

/* The component after MARKER in PATH ("lwt" of ".../_opam/lib/lwt/lwt.a"), or NULL. */
static const char *component_after(struct arena *a, const char *path, const char *marker)
{
	const char *p = strstr(path, marker), *e;

	if (!p)
		return NULL;
	p += strlen(marker);
	if (!(e = strchr(p, '/')) || e == p)
		return NULL;
	return arena_strndup(a, p, (size_t)(e - p));
}

/* ~/.opam/<switch>/lib/<pkg>/: the package directory of an opam switch. */
static const char *opam_switch_pkg(struct arena *a, const char *path)
{
	const char *p = strstr(path, "/.opam/"), *lib;

	if (!p || !(p = strchr(p + 7, '/')) || strncmp(p, "/lib/", 5))
		return NULL;
	lib = p + 1;
	return component_after(a, lib - 1, "/lib/");
}

/* The archive's name without "lib" and ".a" ("c" of libc.a), or NULL for a plain object. */
static const char *archive_library(struct arena *a, const struct build_object *o)
{
	const char *base;
	size_t n;

	if (!o->member)
		return NULL;
	base = strrchr(o->path, '/');
	base = base ? base + 1 : o->path;
	n = strlen(base);
	if (n > 2 && !strcmp(base + n - 2, ".a"))
		n -= 2;
	if (n > 3 && !strncmp(base, "lib", 3))
		return arena_strndup(a, base + 3, n - 3);
	return arena_strndup(a, base, n);
}

/* The OCaml runtime and standard library archives (formats.md 3.4, 9). */
static bool is_ocaml_runtime(const char *path)
{
	static const char *const names[] = {
		"stdlib.a", "libasmrun.a", "libasmrund.a", "libasmruni.a", "libasmrun_pic.a",
		"libasmrun_shared.so", "std_exit.o",
	};
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(base, names[i]))
			return true;
	return false;
}

struct attr {
	struct cfg c;
	struct strset dirs;		/* object directories whose META was looked for */
	struct strset dune_names;	/* library dune_name -> id; lib_of_name[id] */
	struct strset units;		/* unit -> id; lib_of_unit[id] */
	size_t *lib_of_name, *lib_of_unit;
	struct strset lib_dirs;		/* library dir -> id; dir_first[id], then lib_next[] */
	size_t *dir_first, *lib_next;	/* SIZE_MAX ends a chain */
	bool has_sys;			/* the stdlib's sys.ml was looked at */
};

/* ARCHIVE's file name is NAME.a. */
static bool is_archive_of(const char *archive, const char *name)
{
	const char *base = strrchr(archive, '/');
	size_t n = strlen(name);

	base = base ? base + 1 : archive;
	return !strncmp(base, name, n) && !strcmp(base + n, ".a");
}

/* The library declared for directory DIR whose archives hold ARCHIVE, or NULL. */
static const struct build_library *lib_by_archive(const struct attr *t, const char *dir,
						  const char *archive)
{
	const struct build *b = t->c.b;
	uint32_t id = strset_find(&t->lib_dirs, dir);
	size_t i, j;

	for (i = id == UINT32_MAX ? SIZE_MAX : t->dir_first[id]; i != SIZE_MAX; i = t->lib_next[i])
		for (j = 0; j < b->libraries[i].n_archives; j++)
			if (is_archive_of(archive, b->libraries[i].archives[j]))
				return &b->libraries[i];
	return NULL;
}

/*
 * The dune library of directory DIR (a duniverse path) that built ARCHIVE: the
 * one whose archive it is, else the only library declared there; or NULL.
 */
static const struct build_library *lib_in_dir(const struct attr *t, const char *dir,
					      const char *archive)
{
	const struct build_library *l;
	uint32_t id;
	size_t first;

	if ((l = lib_by_archive(t, dir, archive)))
		return l;
	if ((id = strset_find(&t->lib_dirs, dir)) == UINT32_MAX)
		return NULL;
	first = t->dir_first[id];
	return t->lib_next[first] == SIZE_MAX ? &t->c.b->libraries[first] : NULL;
}

/* The META and dune-package beside an object's archive, read once per directory. */
static void read_object_dir(struct attr *t, const char *dir)
{
	struct build *b = t->c.b;
	uint32_t n = t->dirs.n;
	char *meta, *dp;
	struct stat st;

	if (strset_intern(&t->dirs, dir) != n || n >= CFG_MAX_OBJECT_DIRS)
		return;
	meta = arena_printf(&b->arena, "%s/META", dir);
	dp = arena_printf(&b->arena, "%s/dune-package", dir);
	if (stat(dp, &st) == 0)
		read_dune(&t->c, dp, dp, DUNE_PACKAGE, NULL);
	if (stat(meta, &st) == 0)
		read_meta(&t->c, meta, meta, dir);
}

/* The compiler's version from the stdlib's sys.ml next to stdlib.a (Debian installs it). */
static void read_sys_ml(struct attr *t, const char *dir)
{
	struct build *b = t->c.b;
	char *path, *text, *p, *e;
	struct stat st;
	size_t len;

	if (t->has_sys || b->ocaml_version)
		return;
	t->has_sys = true;
	path = arena_printf(&b->arena, "%s/sys.ml", dir);
	if (stat(path, &st) < 0 || cfg_read_file(b, path, path, (size_t)1 << 20, &text, &len) < 0)
		return;
	if ((p = strstr(text, "let ocaml_version = \"")) && (e = strchr(p + 21, '"'))) {
		*e = '\0';
		if (cfg_is_word(p + 21, 64)) {
			b->ocaml_version = arena_strdup(&b->arena, p + 21);
			build_read_note(t->c.b, "%s: OCaml %s", path, b->ocaml_version);
		}
	}
	free(text);
}

static void attr_index(struct attr *t)
{
	struct build *b = t->c.b;
	const struct build_library *l;
	uint32_t id;
	size_t i, j;

	strset_init(&t->dune_names, &b->arena);
	strset_init(&t->units, &b->arena);
	t->lib_of_name = xcalloc(b->n_libraries + 1, sizeof(size_t));
	t->lib_of_unit = NULL;
	for (i = j = 0; i < b->n_libraries; i++)
		j += b->libraries[i].n_units;
	t->lib_of_unit = xcalloc(j + 1, sizeof(size_t));
	strset_init(&t->lib_dirs, &b->arena);
	t->dir_first = xcalloc(b->n_libraries + 1, sizeof(size_t));
	t->lib_next = xcalloc(b->n_libraries + 1, sizeof(size_t));
	/* The first declaration wins: the build dir's own before the installed ones. */
	for (i = 0; i < b->n_libraries; i++) {
		l = &b->libraries[i];
		if (l->dune_name && (id = strset_intern(&t->dune_names, l->dune_name)) ==
				    t->dune_names.n - 1)
			t->lib_of_name[id] = i;
		for (j = 0; j < l->n_units; j++)
			if ((id = strset_intern(&t->units, l->units[j])) == t->units.n - 1)
				t->lib_of_unit[id] = i;
	}
	/* per directory, its libraries in declaration order: prepended from the last */
	for (i = b->n_libraries; i-- > 0;) {
		if (!b->libraries[i].dir) {
			t->lib_next[i] = SIZE_MAX;
			continue;
		}
		if ((id = strset_intern(&t->lib_dirs, b->libraries[i].dir)) == t->lib_dirs.n - 1)
			t->dir_first[id] = SIZE_MAX;
		t->lib_next[i] = t->dir_first[id];
		t->dir_first[id] = i;
	}
}

static void attr_release(struct attr *t)
{
	strset_release(&t->lib_dirs);
	free(t->dir_first);
	free(t->lib_next);
	strset_release(&t->dirs);
	strset_release(&t->dune_names);
	strset_release(&t->units);
	free(t->lib_of_name);
	free(t->lib_of_unit);
	cfg_release(&t->c);
}

/* The library the unit U belongs to: a unit its modules list, or Lib__Mod of (name lib). */
static const struct build_library *lib_of_unit(const struct attr *t, const char *u)
{
	const struct build *b = t->c.b;
	uint32_t id;
	const char *sep;
	char name[257];
	size_t n, i;

	if ((id = strset_find(&t->units, u)) != UINT32_MAX)
		return &b->libraries[t->lib_of_unit[id]];
	sep = strstr(u, "__");
	n = sep ? (size_t)(sep - u) : strlen(u);
	if (n == 0 || n >= sizeof(name) || !strncmp(u, "Dune__exe", 9))
		return NULL;
	for (i = 0; i < n; i++)
		name[i] = (char)tolower((unsigned char)u[i]);
	name[n] = '\0';
	if ((id = strset_find(&t->dune_names, name)) != UINT32_MAX)
		return &b->libraries[t->lib_of_name[id]];
	return NULL;
}

/*
 * The unit an archive member holds by its name, when the object's symbols were
 * not read: ocamlopt names a unit's object after it, first letter lowercased
 * ("stdlib__List.o", dune's obj_name). NULL for a name that is not one.
 */
static const char *unit_of_member(struct arena *a, const char *member)
{
	size_t n, i;
	char *u;

	if (!member || (n = strlen(member)) < 3 || strcmp(member + n - 2, ".o") ||
	    !islower((unsigned char)member[0]))
		return NULL;
	for (i = 0; i < n - 2; i++)
		if (!isalnum((unsigned char)member[i]) && member[i] != '_' && member[i] != '\'')
			return NULL;
	u = arena_strndup(a, member, n - 2);
	u[0] = (char)toupper((unsigned char)u[0]);
	return u;
}

/* Sets O's package (and library where NULL) when E is evidence. */
static void attribute(struct attr *t, struct build_object *o, const char *pkg, const char *lib,
		      const char *version, const char *from)
{
	struct build *b = t->c.b;
	struct build_package *p;

	if (!version && pkg && !strcmp(pkg, "ocaml"))
		version = b->ocaml_version;	/* the compiler's own libraries */
	if (!pkg || !(p = pkg_add(&t->c, pkg, version, from, false)))
		return;
	o->package = p->name;
	o->version = p->version;	/* the lock's first, then META/dune-package's */
	o->package_from = arena_strdup(&b->arena, from);
	if (!o->library && lib)
		o->library = arena_strdup(&b->arena, lib);
}

static void attribute_one(struct attr *t, struct build_object *o)
{
	struct build *b = t->c.b;
	const struct build_library *l = NULL;
	const char *fs = o->file ? o->file : o->path;	/* where it is on this machine */
	const char *pkg, *dir = dirname_of(&b->arena, fs), *base, *p, *unit;

	/* duniverse/<pkg>/...: the dune library declared there, else the directory */
	for (p = strstr(fs, "duniverse/"); p && p != fs && p[-1] != '/';
	     p = strstr(p + 1, "duniverse/"))
		;
	if (p && (pkg = component_after(&b->arena, p, "duniverse/"))) {
		l = lib_in_dir(t, dirname_of(&b->arena, p), fs);
		if (l && l->package)
			attribute(t, o, l->package, l->name, l->version, l->from);
		else
			attribute(t, o, pkg, NULL, NULL, arena_strndup(&b->arena, p, 10 + strlen(pkg)));
		if (o->package)
			return;
	}
	/* _opam/lib/<pkg>/ and ~/.opam/<switch>/lib/<pkg>/: opam installs by package name */
	pkg = component_after(&b->arena, fs, "_opam/lib/");
	if (!pkg)
		pkg = opam_switch_pkg(&b->arena, fs);
	if (pkg && is_package_name(pkg)) {
		l = o->member ? lib_by_archive(t, dir, fs) : NULL;
		attribute(t, o, pkg, l ? l->name : NULL, l ? l->version : NULL, o->path);
		return;
	}
	/* /usr/lib/ocaml/<findlib>/ (Debian): the META there names the findlib package */
	if (!strncmp(fs, DEBIAN_OCAML, strlen(DEBIAN_OCAML)) &&
	    (l = lib_by_archive(t, dir, fs)) && l->package) {
		attribute(t, o, l->package, l->name, l->version, l->from);
		return;
	}
	/* the unit: a library that lists it, or whose (name) prefixes it */
	if ((unit = o->unit ? o->unit : unit_of_member(&b->arena, o->member)) &&
	    (l = lib_of_unit(t, unit)) && l->package) {
		attribute(t, o, l->package, l->name, l->version, l->from);
		return;
	}
	/* the OCaml runtime and standard library */
	if (is_ocaml_runtime(fs)) {
		base = strrchr(fs, '/');
		attribute(t, o, "ocaml", NULL, b->ocaml_version, o->path);
		if (!o->library)
			o->library = !strcmp(base ? base + 1 : fs, "stdlib.a") ? "stdlib" : "asmrun";
		return;
	}
	/* C libraries: the library name only, the package stays unknown */
	if (!o->library)
		o->library = archive_library(&b->arena, o);
}

void build_attribute_packages(struct build *b)
{
	const char *fs;
	struct attr t;
	size_t i, n;

	memset(&t, 0, sizeof(t));
	cfg_init(&t.c, b);
	strset_init(&t.dirs, &b->arena);
	/* the files beside the archives first (META, dune-package, sys.ml), then one index */
	for (i = 0; i < b->n_objects; i++) {
		fs = b->objects[i].file ? b->objects[i].file : b->objects[i].path;
		if (b->objects[i].package)
			continue;
		if (is_ocaml_runtime(fs))
			read_sys_ml(&t, dirname_of(&b->arena, fs));
		if (!strncmp(fs, DEBIAN_OCAML, strlen(DEBIAN_OCAML)) || strstr(fs, "_opam/lib/") ||
		    strstr(fs, "/.opam/"))
			read_object_dir(&t, dirname_of(&b->arena, fs));
		/* unix.a in the stdlib's directory: its META is in unix/ (directory = "^") */
		n = strlen(fs);
		if (!strncmp(fs, DEBIAN_OCAML, strlen(DEBIAN_OCAML)) &&
		    !strchr(fs + strlen(DEBIAN_OCAML), '/') && n > 2 && !strcmp(fs + n - 2, ".a") &&
		    !is_ocaml_runtime(fs))
			read_object_dir(&t, arena_strndup(&b->arena, fs, n - 2));
	}
	attr_index(&t);
	for (i = 0; i < b->n_objects; i++)
		if (!b->objects[i].package)
			attribute_one(&t, &b->objects[i]);
	attr_release(&t);
}
