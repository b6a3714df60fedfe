// SPDX-License-Identifier: ISC
/*
 * seal --relink --build DIR -o OUT IMAGE: replay the image's C-level link with
 * every dead object the plan allows replaced by a stub (audit/gates/relink.c),
 * check the result with the loader, and write it to OUT with a note of what was
 * stubbed (docs/seal.md, "Relinking").
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <dirent.h>

#include "audit/core/analyzer.h"
#include "audit/core/build.h"
#include "audit/core/seal.h"
#include "audit/core/xalloc.h"
#include "audit/gates/relink.h"
#include "audit/cli/cli.h"
#include "audit/cli/output.h"

extern char **environ;

/* Test and debugging aid (docs/seal.md): keep the stubs, the startup object and the new
 * map in this directory (created) instead of a temporary one removed afterwards. */
#define RELINK_KEEP_ENV "MIRAGE_AUDIT_KEEP_TEMPS"
#define RELINK_SECTION ".note.mirage-audit.relink"
#define RELINK_NOTE_TYPE 2

#define RELINK_WANT (AN_BIT(AN_PLATFORM) | AN_BIT(AN_OCAML) | AN_BIT(AN_DEAD) | \
		     AN_BIT(AN_SIZES))

struct argv_buf {
	char **v;
	size_t n, cap;
};

static void push(struct argv_buf *a, const char *s)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap * 2 + 16;
		a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	a->v[a->n++] = xstrdup(s);
	a->v[a->n] = NULL;
}

static void argv_free(struct argv_buf *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* The command as one line (for the failure message). */
static char *argv_line(char *const *v)
{
	size_t len = 1, i;
	char *s;

	for (i = 0; v[i]; i++)
		len += strlen(v[i]) + 1;
	s = xmalloc(len);
	s[0] = '\0';
	for (i = 0; v[i]; i++) {
		strcat(s, v[i]);
		if (v[i + 1])
			strcat(s, " ");
	}
	return s;
}

/*
 * Run ARGV (no shell) in CWD with stdout and stderr into ERRFILE. 0 when it exits 0;
 * else prints what it wrote and one line naming the command, and returns -1.
 */
static int run(char *const *argv, const char *cwd, const char *errfile)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st = 0, rc;
	char *line;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	if (cwd)
		posix_spawn_file_actions_addchdir_np(&fa, cwd);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc == 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	if (rc == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	{
		FILE *f = fopen(errfile, "r");
		char buf[4096];
		size_t n;

		while (f && (n = fread(buf, 1, sizeof(buf), f)) > 0)
			fwrite(buf, 1, n, stderr);
		if (f)
			fclose(f);
	}
	line = argv_line(argv);
	if (rc)
		cli_error("relink: cannot run '%s': %s", line, strerror(rc));
	else if (WIFEXITED(st))
		cli_error("relink: '%s' exited %d", line, WEXITSTATUS(st));
	else
		cli_error("relink: '%s' was killed by signal %d", line, WTERMSIG(st));
	free(line);
	return -1;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		if (f)
			fclose(f);
		cli_error("relink: %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Remove DIR and the files in it (it holds no subdirectories). */
static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int fd = d ? dirfd(d) : -1;

	while (d && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(fd, e->d_name, 0);
	if (d)
		closedir(d);
	rmdir(dir);
}

static bool is_map_arg(const char *s, bool *takes_next)
{
	*takes_next = !strcmp(s, "-Map") || !strcmp(s, "--Map");
	return *takes_next || !strncmp(s, "-Wl,-Map", 8) || !strncmp(s, "-Wl,--Map", 9) ||
	       !strncmp(s, "-Map=", 5) || !strncmp(s, "--Map=", 6);
}

/* Where archives begin on the line (member stubs go before it). */
static bool is_library_arg(const char *s)
{
	size_t n = strlen(s);

	return (n > 2 && !strcmp(s + n - 2, ".a")) || !strncmp(s, "-l", 2) ||
	       strstr(s, "--start-group") || !strcmp(s, "-(");
}

struct relink_run {
	struct audit *a;
	const struct build *b;
	struct relink_plan plan;
	char dir[PATH_MAX];
	bool keep;
	const char *cc;			/* the driver that assembles */
	const char *startup_obj;	/* the rebuilt OCaml startup object, or NULL */
	char **stub_obj;		/* per plan object: its assembled stub, or NULL */
};

static const char *tmp_path(struct relink_run *r, const char *name)
{
	return arena_printf(&r->a->arena, "%s/%s", r->dir, name);
}

/* Assemble SRC into OBJ with the link's own driver. */
static int assemble(struct relink_run *r, const char *src, const char *obj)
{
	char *argv[] = { (char *)r->cc, "-c", "-o", (char *)obj, (char *)src, NULL };

	return run(argv, r->b->link.cwd, tmp_path(r, "as.log"));
}

static int make_stubs(struct relink_run *r)
{
	size_t i;

	r->stub_obj = arena_array(&r->a->arena, r->plan.n_objects + 1, sizeof(*r->stub_obj));
	for (i = 0; i < r->plan.n_objects; i++) {
		const struct relink_object *o = &r->plan.objects[i];
		const char *s, *obj;

		if (o->verdict != RELINK_STUB)
			continue;
		s = tmp_path(r, arena_printf(&r->a->arena, "stub%zu.s", i));
		obj = tmp_path(r, arena_printf(&r->a->arena, "stub%zu.o", i));
		if (write_file(s, o->asm_text) < 0 || assemble(r, s, obj) < 0)
			return -1;
		r->stub_obj[i] = (char *)obj;
	}
	return 0;
}

/* The stub replacing the plain object spelled ARG on the line, or NULL. */
static const char *plain_stub(const struct relink_run *r, const char *arg)
{
	size_t i;

	for (i = 0; i < r->plan.n_objects; i++) {
		const struct build_object *o = &r->b->objects[r->plan.objects[i].obj];

		if (r->stub_obj[i] && !o->member && !strcmp(o->path, arg))
			return r->stub_obj[i];
	}
	return NULL;
}

static void push_members(struct relink_run *r, struct argv_buf *out)
{
	bool is_ld = r->b->link.driver && !strcmp(r->b->link.driver, "ld");
	size_t i;

	for (i = 0; i < r->plan.n_objects; i++)
		if (r->stub_obj[i] && r->b->objects[r->plan.objects[i].obj].member)
			push(out, r->stub_obj[i]);
	for (i = 0; i < r->plan.n_force; i++) {
		if (is_ld) {
			push(out, "-u");
			push(out, r->plan.force[i]);
		} else {
			push(out, arena_printf(&r->a->arena, "-Wl,-u,%s", r->plan.force[i]));
		}
	}
}

/*
 * The link's argv with the output, the map, the startup object and the stubs replaced.
 * Returns -1 when the line has no "-o FILE": the replay would write where the log says.
 */
static int relink_argv(struct relink_run *r, struct argv_buf *out)
{
	const struct build_link *l = &r->b->link;
	bool members_done = false, next_map = false, has_output = false;
	size_t i;

	for (i = 0; i < l->argc; i++) {
		const char *s = l->argv[i], *stub;
		bool takes_next;

		if (i && !members_done && is_library_arg(s)) {
			push_members(r, out);
			members_done = true;
		}
		if (!strcmp(s, "-o") && i + 1 < l->argc) {
			push(out, "-o");
			push(out, tmp_path(r, "out"));
			has_output = true;
			i++;
		} else if (next_map) {
			push(out, tmp_path(r, "relink.map"));
			next_map = false;
		} else if (is_map_arg(s, &takes_next)) {
			if (takes_next)
				next_map = true, push(out, s);
			else
				push(out, arena_printf(&r->a->arena, "%s%s", !strncmp(s, "-Wl,", 4) ?
						       "-Wl,-Map," : "-Map=",
						       tmp_path(r, "relink.map")));
		} else if (r->startup_obj && strstr(s, "camlstartup") &&
			   strlen(s) > 2 && !strcmp(s + strlen(s) - 2, ".o")) {
			push(out, r->startup_obj);
		} else if ((stub = plain_stub(r, s)) != NULL) {
			push(out, stub);
		} else {
			push(out, s);
		}
	}
	if (!members_done)
		push_members(r, out);
	return has_output ? 0 : -1;
}

/* The link line names an OCaml startup object: rebuild it from the kept startup file. */
static int make_startup(struct relink_run *r, const char *input)
{
	const struct build_link *l = &r->b->link;
	const char *src = r->b->startup_asm;
	size_t i;
	bool wants = false;

	for (i = 0; i < l->argc; i++)
		wants |= strstr(l->argv[i], "camlstartup") != NULL;
	if (!wants)
		return 0;
	if (!src) {
		cli_error("%s: relink: the link names an OCaml startup object and the build keeps "
			  "no startup file (*.startup.s: link with ocamlopt -dstartup)", input);
		return -1;
	}
	if (src[0] != '/' && l->cwd && access(src, R_OK) != 0)
		src = arena_printf(&r->a->arena, "%s/%s", l->cwd, src);
	r->startup_obj = tmp_path(r, "camlstartup.o");
	return assemble(r, src, r->startup_obj);
}

struct note_ctx {
	struct relink_run *r;
	const char *input_sha256;
};

static const char *note_desc(void *ctx, const char *loaded_sha256, size_t *len)
{
	struct note_ctx *n = ctx;
	const struct relink_plan *p = &n->r->plan;
	char *buf = NULL;
	size_t sz = 0, i;
	FILE *f = open_memstream(&buf, &sz);
	const char *res;

	(void)loaded_sha256;
	if (!f)
		return NULL;
	fprintf(f, "mirage-audit relink 1\ntool mirage-audit %s\ninput-sha256 %s\n", MA_VERSION,
		n->input_sha256);
	fprintf(f, "stubbed %zu\n", p->n_stubbed);
	for (i = 0; i < p->n_objects; i++)
		if (p->objects[i].verdict == RELINK_STUB)
			fprintf(f, "%llu %s\n", (unsigned long long)p->objects[i].bytes,
				p->objects[i].name);
	if (fclose(f))
		return NULL;
	res = arena_strndup(&n->r->a->arena, buf, sz);
	*len = sz;
	free(buf);
	return res;
}

static void load_bytes(const struct image *img, uint64_t *file, uint64_t *load)
{
	size_t i;

	*file = img->size;
	*load = 0;
	for (i = 0; i < img->n_segments; i++)
		if (img->segments[i].type == 1 /* PT_LOAD */)
			*load += img->segments[i].memsz;
}

/* Check the linked image with the loader and write it to OUT with the relink note. */
static int write_output(struct relink_run *r, const char *input, const char *linked,
			struct audit *c)
{
	struct note_ctx nc = { r, r->a->image.sha256 };
	struct image_edit e = { .note_section = RELINK_SECTION, .note_owner = SEAL_NOTE_OWNER,
				.note_type = RELINK_NOTE_TYPE, .note_desc = note_desc, .ctx = &nc };
	struct output out;
	struct stat st;

	if (image_load(&c->image, linked, &c->arena, &c->diag) < 0) {
		cli_error("%s: relink: the linked image does not load: %s", input,
			  c->diag.error ? c->diag.error : "unknown error");
		return -1;
	}
	if (output_open(&out, cli.output) < 0)
		return -1;
	if (stat(input, &st) == 0)
		fchmod(fileno(out.f), st.st_mode & 07777);
	if (image_write(&c->image, &e, out.f, &c->diag) < 0) {
		output_abort(&out);
		cli_error("%s: %s", linked, c->diag.error ? c->diag.error : "unknown error");
		return -1;
	}
	return output_commit(&out);
}

int seal_relink(struct audit *a, const char *input, struct rules *rules, size_t top_n)
{
	struct relink_run r = { .a = a, .b = a->opt.build };
	struct relink_result res = { .input = input, .output = cli.output, .plan = &r.plan };
	struct seal_result sr = { .output = cli.output, .relink = &res };
	struct audit c, d;
	struct argv_buf av = { 0 };
	const char *keep = getenv(RELINK_KEEP_ENV), *tmp = getenv("TMPDIR");
	int rc = MA_EXIT_ERROR;

	audit_init(&c, rules);
	audit_init(&d, rules);
	if (!r.b) {
		cli_error("%s: seal --relink needs the build: --build DIR", input);
		goto out;
	}
	if (!a->image.n_symbols) {
		cli_error("%s: relink: the image has no symbol table (stripped): its objects "
			  "cannot be told apart", input);
		goto out;
	}
	if (!r.b->link.is_known || !r.b->link.argc) {
		cli_error("%s: relink: no link command in the build (a build log with the link "
			  "line: dune's _build/log, build.log)", input);
		goto out;
	}
	if (r.b->link.driver && !strcmp(r.b->link.driver, "ocamlopt")) {
		cli_error("%s: relink: the build log has ocamlopt's link but not the C-level one "
			  "(link with ocamlopt -verbose)", input);
		goto out;
	}
	if (relink_plan(a, r.b, &r.plan) < 0) {
		cli_error("%s: relink: %s", input, a->diag.error ? a->diag.error : "no plan");
		goto out;
	}
	r.cc = r.b->link.driver && !strcmp(r.b->link.driver, "ld") ? "cc" : r.b->link.argv[0];
	if (keep && *keep) {
		r.keep = true;
		snprintf(r.dir, sizeof(r.dir), "%s", keep);
		if (mkdir(r.dir, 0700) < 0 && errno != EEXIST) {
			cli_error("relink: %s: %s", r.dir, strerror(errno));
			goto out;
		}
	} else {
		snprintf(r.dir, sizeof(r.dir), "%s/mirage-audit-relink.XXXXXX",
			 tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(r.dir)) {
			cli_error("relink: cannot make a temporary directory: %s", strerror(errno));
			goto out;
		}
	}
	if (r.dir[0] != '/') {
		char abs[PATH_MAX];

		if (!realpath(r.dir, abs)) {
			cli_error("relink: %s: %s", r.dir, strerror(errno));
			goto done;
		}
		snprintf(r.dir, sizeof(r.dir), "%s", abs);
	}
	if (make_startup(&r, input) < 0 || make_stubs(&r) < 0)
		goto done;
	if (relink_argv(&r, &av) < 0) {
		cli_error("%s: relink: the link command (%s) has no '-o FILE': replaying it would "
			  "write where it wrote", input, r.b->link.from ? r.b->link.from : "?");
		goto done;
	}
	if (run(av.v, r.b->link.cwd, tmp_path(&r, "link.log")) < 0)
		goto done;
	if (write_output(&r, input, tmp_path(&r, "out"), &c) < 0)
		goto done;
	/* The written image, audited as the input was: the before/after table. */
	cli_audit_options(&d, NULL);
	d.opt.build = NULL;
	if (image_load(&d.image, cli.output, &d.arena, &d.diag) < 0 ||
	    analyzers_run(&d, RELINK_WANT) < 0 || analyzers_run(a, AN_BIT(AN_SIZES)) < 0) {
		cli_error("%s: %s", cli.output, d.diag.error ? d.diag.error : "unknown error");
		goto done;
	}
	load_bytes(&a->image, &res.file_before, &res.load_before);
	load_bytes(&d.image, &res.file_after, &res.load_after);
	res.link_from = r.b->link.from;
	relink_rows(a, &d, &a->arena, &res);
	rc = seal_render(a, &sr, top_n);
done:
	if (!r.keep)
		remove_dir(r.dir);
out:
	argv_free(&av);
	audit_release(&d);
	audit_release(&c);
	return rc;
}
