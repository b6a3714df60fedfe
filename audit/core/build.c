// SPDX-License-Identifier: ISC
/* Loading the build inputs of an image (build.h): the directory walk, the object table, lookups. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/core/build_priv.h"
#include "audit/core/readfile.h"
#include "audit/core/xalloc.h"

/* The walk of DIR: deep enough for _build/solo5/..., bounded for a tree of any size. */
#define WALK_MAX_DEPTH 8
#define WALK_MAX_ENTRIES 20000
/* A map or a log larger than this is refused: real ones are tens of MiB. */
#define BUILD_MAX_TEXT INPUT_MAX_REPORT

/* What the walk found, arena-owned lists of paths. */
struct found {
	const char **maps, **logs, **startups;
	size_t n_maps, n_logs, n_startups;
	size_t n_entries;
	bool is_truncated;
};

static void push_path(struct arena *a, const char ***list, size_t *n, const char *path)
{
	*list = arena_push(a, *list, *n, sizeof(**list));
	(*list)[(*n)++] = arena_strdup(a, path);
}

void build_read_note(struct build *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		xoom();
	va_end(ap);
	b->files_read = arena_push(&b->arena, b->files_read, b->n_files_read,
				   sizeof(*b->files_read));
	b->files_read[b->n_files_read++] = arena_strdup(&b->arena, s);
	free(s);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* Whether the file at PATH begins like a GNU ld map (for maps not named *.map). */
static bool looks_like_map(const char *path)
{
	static const char *const heads[] = {
		"Archive member included", "Discarded input sections", "Memory Configuration",
		"Linker script and memory map", "Allocating common symbols",
		"As-needed library included", "Merging program properties",
	};
	char head[64];
	ssize_t n = read_head(path, head, sizeof(head) - 1);
	size_t i;

	if (n <= 0)
		return false;
	head[n] = '\0';
	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		if (!strncmp(head, heads[i], strlen(heads[i])))
			return true;
	return false;
}

/* A name the walk reads by its name alone (a map, a log, a startup file). */
static bool is_input_name(const char *path, const char *name)
{
	return has_suffix(name, ".map") || !strcmp(name, "build.log") ||
	       has_suffix(path, "/_build/log") || has_suffix(name, ".startup.s");
}

static void classify(struct build *b, struct found *f, const char *path, const char *name)
{
	if (has_suffix(name, ".map") || looks_like_map(path))
		push_path(&b->arena, &f->maps, &f->n_maps, path);
	else if (!strcmp(name, "build.log") || has_suffix(path, "/_build/log"))
		push_path(&b->arena, &f->logs, &f->n_logs, path);
	else if (has_suffix(name, ".startup.s"))
		push_path(&b->arena, &f->startups, &f->n_startups, path);
}

static void walk(struct build *b, struct found *f, const char *dir, int depth);

/* One entry of the walk: a directory entered, a file classified, the rest named. */
static void entry(struct build *b, struct found *f, const char *path, const char *name,
		  int depth)
{
	struct stat lst, st;
	bool is_link = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);
	bool is_stat = stat(path, &st) == 0;

	if (is_stat && S_ISDIR(st.st_mode)) {
		if (is_link)
			diag_note(&b->diag, "'%s': a symlink to a directory, not followed", path);
		else if (depth < WALK_MAX_DEPTH)
			walk(b, f, path, depth + 1);
	} else if (is_stat && S_ISREG(st.st_mode)) {
		classify(b, f, path, name);
	} else if (is_input_name(path, name)) {
		diag_warn(&b->diag, "'%s': not a regular file, not read", path);
	}
}

static int skip_dot(const struct dirent *e)
{
	return strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, ".git");
}

/*
 * Directories are entered by lstat, so a symlink to a directory is never
 * followed (no loops); a symlink to a file is classified as that file.
 * Entries are sorted, so the same tree gives the same choices.
 */
static void walk(struct build *b, struct found *f, const char *dir, int depth)
{
	struct dirent **ents;
	int n, i;

	if ((n = scandir(dir, &ents, skip_dot, alphasort)) < 0) {
		diag_warn(&b->diag, "build directory '%s': cannot read: %s", dir,
			  strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		char *path;

		if (f->n_entries >= WALK_MAX_ENTRIES) {
			f->is_truncated = true;
			break;
		}
		f->n_entries++;
		if (asprintf(&path, "%s/%s", dir, ents[i]->d_name) < 0)
			xoom();
		entry(b, f, path, ents[i]->d_name, depth);
		free(path);
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
}

/* NAME without its directory and its last extension, arena-owned. */
static const char *stem(struct arena *a, const char *name)
{
	const char *base = strrchr(name, '/'), *dot;

	base = base ? base + 1 : name;
	dot = strrchr(base, '.');
	return arena_strndup(a, base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
}

/* The candidate whose stem is WANT, or NULL. */
static const char *by_stem(struct build *b, const char **list, size_t n, const char *want)
{
	size_t i;

	for (i = 0; want && i < n; i++)
		if (!strcmp(stem(&b->arena, list[i]), want))
			return list[i];
	return NULL;
}

/* The last component of directory DIR ("build/examples/ocaml-net/" -> "ocaml-net"). */
static const char *dir_base(struct arena *a, const char *dir)
{
	size_t n = strlen(dir);
	const char *s;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	for (s = dir + n; s > dir && s[-1] != '/'; s--)
		;
	return arena_strndup(a, s, (size_t)(dir + n - s));
}

/*
 * The map whose stem is the image's, else the one named like the directory
 * ("ocaml-net/ocaml-net.map"), else the first (sorted by the walk) that begins
 * like an ld map (a *.map may be anything: a JavaScript source map in a
 * duniverse), else the first.
 */
static const char *choose(struct build *b, const char **list, size_t n, const char *image_name)
{
	const char *c = NULL;
	size_t i;

	if (image_name)
		c = by_stem(b, list, n, stem(&b->arena, image_name));
	if (!c && b->dir)
		c = by_stem(b, list, n, dir_base(&b->arena, b->dir));
	for (i = 0; !c && i < n; i++)
		if (looks_like_map(list[i]))
			c = list[i];
	return c ? c : n ? list[0] : NULL;
}

/*
 * The log: dune's _build/log first, then a build.log beside MAP (the map
 * chosen so far), then one at the top of DIR, then any.
 */
static const char *choose_log(struct build *b, const struct found *f, const char *map)
{
	const char *top = arena_printf(&b->arena, "%s/build.log", b->dir);
	size_t i;

	for (i = 0; i < f->n_logs; i++)
		if (has_suffix(f->logs[i], "/_build/log"))
			return f->logs[i];
	for (i = 0; map && i < f->n_logs; i++) {
		const char *slash = strrchr(map, '/');
		size_t dl = slash ? (size_t)(slash - map) + 1 : 0;

		if (!strncmp(f->logs[i], map, dl) && !strchr(f->logs[i] + dl, '/'))
			return f->logs[i];
	}
	for (i = 0; i < f->n_logs; i++)
		if (!strcmp(f->logs[i], top))
			return f->logs[i];
	return f->n_logs ? f->logs[0] : NULL;
}

/* The whole text file PATH, or NULL with one warning naming it. */
static char *read_text(struct build *b, const char *path, size_t *len)
{
	struct diag d;
	char *text;

	diag_init(&d);
	if (read_bounded(path, NULL, BUILD_MAX_TEXT, &text, len, &d) < 0) {
		diag_warn(&b->diag, "'%s': %s; what it would tell is unknown", path, d.error);
		text = NULL;
	}
	diag_release(&d);
	return text;
}

static void load_map(struct build *b, const char *path)
{
	size_t len;
	char *text = read_text(b, path, &len);

	if (!text) {
		b->map = NULL;
		return;
	}
	build_map_parse(b, text, len, path);
	free(text);
}

static void load_log(struct build *b, const char *path, const char *image_name)
{
	size_t len;
	char *text = read_text(b, path, &len);

	if (!text)
		return;
	b->log = path;
	build_log_parse(b, text, len, path, image_name);
	free(text);
}

/* DIR/REL when that joins to a path, arena-owned. */
static const char *join(struct arena *a, const char *dir, const char *rel)
{
	if (!dir || rel[0] == '/')
		return rel;
	return arena_printf(a, "%s/%s", dir, rel);
}

/*
 * The startup file: the NAME.startup.s that ocamlopt's "+ as" line assembled
 * into the object the C link names (build_log_parse, relative to the link's
 * directory), when it exists; else the first kept *.startup.s of the walk.
 */
static void find_startup(struct build *b, const struct found *f)
{
	struct stat st;

	if (b->startup_asm) {
		const char *p = b->dir ? join(&b->arena, b->dir, b->startup_asm) : b->startup_asm;

		if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
			b->startup_asm = p;
		else if (stat(b->startup_asm, &st) < 0 || !S_ISREG(st.st_mode))
			b->startup_asm = NULL;
		if (b->startup_asm)
			return;
	}
	if (f->n_startups)
		b->startup_asm = f->startups[0];
}

/* At most this many response files are expanded per link line (one may name another). */
#define MAX_RESPONSE_FILES 64

/* The word after L's "-o", or NULL. */
static const char *output_of(const struct build_link *l)
{
	size_t i;

	for (i = 1; i + 1 < l->argc; i++)
		if (!strcmp(l->argv[i], "-o"))
			return l->argv[i + 1];
	return NULL;
}

/*
 * A link line's @FILE words (gcc and ld response files) replaced by the words
 * FILE holds, split as the shell would; a response file naming another is
 * expanded too, up to MAX_RESPONSE_FILES files. An unreadable one stays a word,
 * with a warning naming it.
 */
static void expand_responses(struct build *b, struct build_link *l)
{
	size_t i, n_files = 0;

	for (i = 1; l->is_known && i < l->argc && n_files < MAX_RESPONSE_FILES; i++) {
		const char *p;
		char *text, **words, **argv;
		size_t len, n;

		if (l->argv[i][0] != '@' || !l->argv[i][1])
			continue;
		n_files++;
		p = join(&b->arena, l->cwd, l->argv[i] + 1);
		if (p[0] != '/' && b->dir)
			p = join(&b->arena, b->dir, p);
		if (!(text = read_text(b, p, &len)))
			continue;
		if (build_shell_split(&b->arena, text, len, &words, &n) < 0 ||
		    l->argc + n > BUILD_MAX_ARGS)
			diag_warn(&b->diag, "response file '%s': unbalanced quotes or too many "
				  "words, split as far as it goes", p);
		free(text);
		if (l->argc + n > BUILD_MAX_ARGS)
			continue;
		build_read_note(b, "%s: response file, %zu arguments", p, n);
		argv = arena_array(&b->arena, l->argc + n, sizeof(*argv));
		memcpy(argv, l->argv, i * sizeof(*argv));
		memcpy(argv + i, words, n * sizeof(*argv));
		memcpy(argv + i + n, l->argv + i + 1, (l->argc - i - 1) * sizeof(*argv));
		l->argv = argv;
		l->argc += n - 1;
		i--;	/* the first word of the file is looked at next */
	}
	if (l->is_known && !l->output)
		l->output = output_of(l);
}

/* The map a link line names (-Wl,-Map,F, -Wl,-Map=F, -Map F, -Map=F), if it exists. */
static const char *map_of_link(struct build *b, const struct build_link *l)
{
	static const char *const flags[] = { "-Wl,-Map,", "-Wl,-Map=", "-Wl,--Map=", "-Map=" };
	struct stat st;
	size_t i, k;

	for (i = 1; l->is_known && i < l->argc; i++) {
		const char *f = NULL, *p;

		for (k = 0; !f && k < sizeof(flags) / sizeof(flags[0]); k++)
			if (!strncmp(l->argv[i], flags[k], strlen(flags[k])))
				f = l->argv[i] + strlen(flags[k]);
		if (!f && !strcmp(l->argv[i], "-Map") && i + 1 < l->argc)
			f = l->argv[i + 1];
		if (!f || !f[0])
			continue;
		p = join(&b->arena, l->cwd, f);
		if (p[0] != '/' && b->dir)
			p = join(&b->arena, b->dir, p);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
			return p;
	}
	return NULL;
}

/* Without a map: the objects and archives of the C link line (state from it). */
static void objects_from_link(struct build *b)
{
	const struct build_link *l = b->link.is_known ? &b->link : &b->ocaml_link;
	size_t i;

	if (!l->is_known || b->n_objects)
		return;
	for (i = 1; i < l->argc; i++) {
		const char *w = l->argv[i];
		ptrdiff_t o;

		if (!strcmp(w, "-o") && i + 1 < l->argc) {
			i++;
			continue;
		}
		if (w[0] == '-' || (!has_suffix(w, ".o") && !has_suffix(w, ".a")))
			continue;
		if (has_suffix(w, ".a")) {
			b->inputs = arena_push(&b->arena, b->inputs, b->n_inputs,
					       sizeof(*b->inputs));
			b->inputs[b->n_inputs++] = w;
		} else if ((o = build_object_add(b, w, NULL)) >= 0) {
			b->objects[o].state = LINK_LINKED;
		}
	}
}

/* The directories relative paths of the map and the link line are tried against. */
static const char **search_dirs(struct build *b)
{
	const char **dirs = arena_array(&b->arena, 9, sizeof(*dirs));
	const char *cwd = b->link.is_known ? b->link.cwd : b->ocaml_link.cwd;
	size_t n = 0;
	int up;

	if (cwd)
		dirs[n++] = cwd[0] == '/' || !b->dir ? cwd : join(&b->arena, b->dir, cwd);
	if (b->dir) {
		const char *up_dir = b->dir;

		dirs[n++] = b->dir;
		dirs[n++] = ".";	/* the link often ran where the tool runs (a repo's top) */
		for (up = 1; up <= 4; up++) {
			up_dir = arena_printf(&b->arena, "%s/..", up_dir);
			dirs[n++] = up_dir;
		}
	}
	dirs[n] = NULL;
	return dirs;
}

/* Hand each pending placement to its object, in map order, and sum the bytes. */
static void finish_placements(struct build *b)
{
	struct build_index *ix = b->index;
	size_t i, *fill;

	if (!ix)
		return;
	fill = xcalloc(b->n_objects + 1, sizeof(*fill));
	for (i = 0; i < ix->n_pending; i++)
		fill[ix->pending[i].obj]++;
	for (i = 0; i < b->n_objects; i++) {
		if (fill[i])
			b->objects[i].placed = arena_array(&b->arena, fill[i],
							   sizeof(struct build_placed));
		fill[i] = 0;
	}
	for (i = 0; i < ix->n_pending; i++) {
		struct build_object *o = &b->objects[ix->pending[i].obj];

		o->placed[o->n_placed++] = ix->pending[i].p;
		o->placed_bytes += ix->pending[i].p.size;
	}
	free(fill);
	free(ix->pending);
	ix->pending = NULL;
	ix->n_pending = ix->alloc_pending = 0;
}

static int open_inputs(struct build *b, const char *dir, const char *map)
{
	struct stat st;
	char why[256];
	int fd;

	if (dir && stat(dir, &st) < 0)
		return diag_err(&b->diag, "build directory '%s': %s", dir, strerror(errno));
	if (dir && !S_ISDIR(st.st_mode))
		return diag_err(&b->diag, "build directory '%s': not a directory", dir);
	if (map && (fd = open_regular(map, &st, why, sizeof(why))) < 0)
		return diag_err(&b->diag, "map '%s': %s", map, why);
	if (map)
		close(fd);
	return 0;
}

int build_load(struct build *b, const char *dir, const char *map, const char *image_name)
{
	struct found f = { 0 };
	const char *log, *link_map;

	memset(b, 0, sizeof(*b));
	arena_init(&b->arena);
	diag_init(&b->diag);
	if (open_inputs(b, dir, map) < 0)
		return -1;
	b->dir = dir ? arena_strdup(&b->arena, dir) : NULL;
	b->layout = dir ? "unknown" : "map only";
	if (dir)
		walk(b, &f, b->dir, 0);
	if (f.is_truncated)
		diag_warn(&b->diag, "build directory '%s': more than %d entries, the rest not "
			  "read", dir, WALK_MAX_ENTRIES);
	b->map = map ? arena_strdup(&b->arena, map) : choose(b, f.maps, f.n_maps, image_name);
	if (dir && (log = choose_log(b, &f, b->map)))
		load_log(b, log, image_name);
	expand_responses(b, &b->link);
	expand_responses(b, &b->ocaml_link);
	/* A map the link line names is the link's own, whatever its name. */
	if (!map && ((link_map = map_of_link(b, &b->link)) ||
		     (link_map = map_of_link(b, &b->ocaml_link))))
		b->map = link_map;
	if (b->map)
		load_map(b, b->map);
	objects_from_link(b);
	finish_placements(b);
	find_startup(b, &f);
	if (b->n_objects)
		build_elf_read(b, search_dirs(b));
	if (dir)
		build_read_config(b);
	build_attribute_packages(b);
	return 0;
}

void build_release(struct build *b)
{
	if (b->index) {
		strset_release(&b->index->names);
		free(b->index->obj_of);
		free(b->index->pending);
		free(b->index);
	}
	diag_release(&b->diag);
	arena_release(&b->arena);
	memset(b, 0, sizeof(*b));
}

static struct build_index *index_of(struct build *b)
{
	if (!b->index) {
		b->index = xcalloc(1, sizeof(*b->index));
		strset_init(&b->index->names, &b->arena);
	}
	return b->index;
}

const char *build_object_name(const struct build *b, const struct build_object *o)
{
	return o->name;
}

/* The archive basename without "lib" and ".a": "lwt", "c", "asmrun". */
static const char *library_of(struct arena *a, const char *archive)
{
	const char *base = strrchr(archive, '/');
	size_t n;

	base = base ? base + 1 : archive;
	if (!strncmp(base, "lib", 3) && strlen(base) > 5)
		base += 3;
	n = strlen(base);
	if (n > 2 && !strcmp(base + n - 2, ".a"))
		n -= 2;
	return arena_strndup(a, base, n);
}

ptrdiff_t build_object_add(struct build *b, const char *path, const char *member)
{
	struct build_index *ix = index_of(b);
	struct build_object *o;
	char *key = NULL;
	uint32_t id;

	if (member && asprintf(&key, "%s(%s)", path, member) < 0)
		xoom();
	id = strset_intern(&ix->names, key ? key : path);
	free(key);

	if (id < ix->alloc && ix->obj_of[id])
		return (ptrdiff_t)ix->obj_of[id] - 1;
	if (b->n_objects >= BUILD_MAX_OBJECTS) {
		diag_warn(&b->diag, "more than %d objects: the rest are not counted",
			  BUILD_MAX_OBJECTS);
		return -1;
	}
	build_grow(&ix->obj_of, &ix->alloc, (size_t)id + 1, sizeof(*ix->obj_of));
	b->objects = arena_push(&b->arena, b->objects, b->n_objects, sizeof(*b->objects));
	o = &b->objects[b->n_objects];
	memset(o, 0, sizeof(*o));
	o->path = arena_strdup(&b->arena, path);
	o->member = member ? arena_strdup(&b->arena, member) : NULL;
	o->name = ix->names.names[id];
	o->library = member ? library_of(&b->arena, path) : NULL;
	ix->obj_of[id] = ++b->n_objects;
	return (ptrdiff_t)b->n_objects - 1;
}

/*
 * "archive(member)" splits at the '(' that follows an archive name (".a"),
 * else at the last '(' of a name ending in ')'; any other name is a path.
 */
ptrdiff_t build_object_by_name(struct build *b, const char *name)
{
	size_t n = strlen(name);
	const char *open = NULL, *p;
	char *path;
	ptrdiff_t r;

	if ((r = build_find_name(b, name)) >= 0)
		return r;
	if (n < 4 || name[n - 1] != ')')
		return build_object_add(b, name, NULL);
	for (p = name; (p = strstr(p, ".a(")); p++)
		if (!open)
			open = p + 2;
	if (!open)
		open = strrchr(name, '(');
	if (!open || open == name || open + 2 > name + n - 1)
		return build_object_add(b, name, NULL);
	path = xstrdup(name);
	path[n - 1] = '\0';
	path[open - name] = '\0';
	r = build_object_add(b, path, path + (open - name) + 1);
	free(path);
	return r;
}

void build_grow(void *pp, size_t *alloc, size_t need, size_t elt)
{
	char **p = pp;
	size_t before = *alloc;

	xgrow(pp, alloc, need, elt);
	if (*alloc > before)
		memset(*p + before * elt, 0, (*alloc - before) * elt);
}

/* The sort key of build_order_objects: input rank, position in the archive, creation order. */
struct order_key {
	uint64_t input, pos;
	size_t i;
};

static int cmp_order(const void *x, const void *y)
{
	const struct order_key *a = x, *b = y;

	if (a->input != b->input)
		return a->input < b->input ? -1 : 1;
	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

void build_order_objects(struct build *b, const uint64_t *rank)
{
	struct order_key *k = xcalloc(b->n_objects + 1, sizeof(*k));
	struct build_object *sorted;
	struct strset inputs;
	size_t i, cap, *where = xcalloc(b->n_objects + 1, sizeof(*where));
	uint32_t id;

	strset_init(&inputs, &b->arena);
	for (i = 0; i < b->n_inputs; i++)
		strset_intern(&inputs, b->inputs[i]);
	for (i = 0; i < b->n_objects; i++) {
		id = strset_find(&inputs, b->objects[i].path);
		k[i].input = id == UINT32_MAX ? (uint64_t)inputs.n : id;
		k[i].pos = rank[i] ? rank[i] : UINT64_MAX;
		k[i].i = i;
	}
	strset_release(&inputs);
	qsort(k, b->n_objects, sizeof(*k), cmp_order);
	for (cap = 1; cap < b->n_objects; cap *= 2)
		;
	/* arena_push's capacity: the power of two at or above the count, so it can grow on */
	sorted = arena_array(&b->arena, cap, sizeof(*sorted));
	for (i = 0; i < b->n_objects; i++) {
		sorted[i] = b->objects[k[i].i];
		where[k[i].i] = i;
	}
	for (i = 0; b->index && i < b->index->alloc; i++)
		if (b->index->obj_of[i])
			b->index->obj_of[i] = where[b->index->obj_of[i] - 1] + 1;
	b->objects = sorted;
	free(where);
	free(k);
}

void build_place(struct build *b, size_t obj, const struct build_placed *p)
{
	struct build_index *ix = index_of(b);

	if (ix->n_pending >= BUILD_MAX_PLACED) {
		diag_warn(&b->diag, "map '%s': more than %d input sections, the rest not counted",
			  b->map, BUILD_MAX_PLACED);
		return;
	}
	xgrow(&ix->pending, &ix->alloc_pending, ix->n_pending + 1, sizeof(*ix->pending));
	ix->pending[ix->n_pending].obj = obj;
	ix->pending[ix->n_pending++].p = *p;
}

ptrdiff_t build_find_name(const struct build *b, const char *name)
{
	uint32_t id;

	if (!b->index || !name)
		return -1;
	id = strset_find(&b->index->names, name);
	if (id == UINT32_MAX || id >= b->index->alloc || !b->index->obj_of[id])
		return -1;
	return (ptrdiff_t)b->index->obj_of[id] - 1;
}

ptrdiff_t build_find(const struct build *b, const char *path, const char *member)
{
	char *key;
	ptrdiff_t r;

	if (!member || !path)
		return build_find_name(b, path);
	if (asprintf(&key, "%s(%s)", path, member) < 0)
		xoom();
	r = build_find_name(b, key);
	free(key);
	return r;
}

const struct build_package *build_package_of(const struct build *b, const char *name)
{
	size_t i;

	for (i = 0; name && i < b->n_packages; i++)
		if (b->packages[i].name && !strcmp(b->packages[i].name, name))
			return &b->packages[i];
	return NULL;
}
