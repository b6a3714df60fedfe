// SPDX-License-Identifier: ISC
/*
 * mirage-audit why-linked IMAGE SYMBOL|MODULE|OBJECT: why the linker took it
 * (the map's chain of "archive member included to satisfy reference by file
 * (symbol)"), joined with why it can run (why's reachability chain).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/core/analyzer.h"
#include "audit/core/build.h"
#include "audit/cli/cli.h"

static void why_linked_help(void)
{
	printf("usage: mirage-audit why-linked (--build DIR | -M FILE.map)\n"
	       "                               [--precision conservative|ocaml] [--root SYMBOL]\n"
	       "                               [-o FILE] [-f FORMAT] [--rules FILE] [-q|-v]\n"
	       "                               IMAGE SYMBOL|MODULE|OBJECT\n"
	       "\n"
	       "Say why the linker took SYMBOL (the object defining it), MODULE (an OCaml\n"
	       "unit or C module) or OBJECT (\"archive.a(member.o)\", a member name or an\n"
	       "object's path) into IMAGE: the link map's chain, each member included to\n"
	       "satisfy a reference by file X (symbol S), then why X was included, up to\n"
	       "an object of the link line; then the shortest chain of references from a\n"
	       "root that makes it run, as `why` prints it (or that nothing reaches it).\n"
	       "\n"
	       CLI_HELP_BUILD
	       "      --precision MODE  conservative or ocaml (default)\n"
	       "      --root SYMBOL    one more root (repeatable)\n"
	       "  -o, --output FILE    write to FILE (atomically)\n"
	       "  -f, --format FORMAT  %s\n"
	       "      --rules FILE     extra attribution rules\n"
	       "  -q, --quiet          no warnings on standard error\n"
	       "  -v, --verbose        also print notes on standard error\n"
	       "\n"
	       "exit status: 0 linked, 1 not linked (available and left out, or not\n"
	       "available), 2 usage or input error, or nothing of that name is known\n",
	       cli_formats(VIEW_WHY_LINKED));
}

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path;
}

/* How well object O answers QUERY as an object's name: 2 exactly, 1 by base name, 0 not. */
static int object_name_match(const struct build *b, const struct build_object *o, const char *query)
{
	if (!strcmp(build_object_name(b, o), query))
		return 2;
	if (o->member ? !strcmp(o->member, query) : !strcmp(o->path, query))
		return 2;
	if (o->member) {
		const char *q = strchr(query, '(');

		/* "lwt.a(lwt.o)": the archive's base name with the member. */
		if (q && !strncmp(base_name(o->path), query, (size_t)(q - query)) &&
		    strlen(base_name(o->path)) == (size_t)(q - query) &&
		    !strncmp(q + 1, o->member, strlen(o->member)) &&
		    !strcmp(q + 1 + strlen(o->member), ")"))
			return 1;
		return 0;
	}
	return !strcmp(base_name(o->path), query);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Whether O defines SYMBOL (its defined list is sorted). */
static bool defines(const struct build_object *o, const char *symbol)
{
	return o->n_defined && bsearch(&symbol, o->defined, o->n_defined, sizeof(*o->defined),
				       cmp_str);
}

/*
 * The build object QUERY names: an object, a module (an OCaml unit or the module the
 * linkage gave it), or a symbol it defines (when the objects' symbols were not read:
 * the object holding the image's symbol). A linked object is preferred to one left
 * out. *WHAT says what matched. Returns the index, or -1.
 */
static ptrdiff_t find_target(struct audit *a, const struct build *b, const char *query,
			     const char **what)
{
	const struct linkage_facts *lf = &a->facts.linkage;
	ptrdiff_t best = -1;
	int best_score = 0, pass;
	size_t i;

	for (pass = 0; pass < 3 && best < 0; pass++) {
		for (i = 0; i < b->n_objects; i++) {
			const struct build_object *o = &b->objects[i];
			int score = 0;

			if (pass == 0)
				score = object_name_match(b, o, query);
			else if (pass == 1)
				score = (o->unit && !strcmp(o->unit, query)) ||
					(lf->objects[i].module &&
					 !strcmp(lf->objects[i].module, query)) ? 1 : 0;
			else
				score = defines(o, query) ? 1 : 0;
			if (!score)
				continue;
			/* Linked first, then the better name. */
			score += o->state == LINK_LINKED ? 4 : 0;
			if (score > best_score) {
				best_score = score;
				best = (ptrdiff_t)i;
			}
		}
		if (best >= 0)
			*what = pass == 0 ? "object" : pass == 1 ? "module" : "symbol";
	}
	if (best < 0) {
		/* The symbol in the image: the object whose placed bytes hold it. */
		const char *w = NULL;
		ptrdiff_t n = why_resolve(a, query, &w);

		if (n >= 0 && lf->node_object[n] != UINT32_MAX) {
			best = lf->node_object[n];
			*what = "symbol";
		}
	}
	return best;
}

/* The object named by a map's "by file" (path, or archive(member)), or -1. */
static ptrdiff_t find_file(const struct build *b, const char *file)
{
	size_t len = strlen(file);
	const char *open = len && file[len - 1] == ')' ? strrchr(file, '(') : NULL;
	ptrdiff_t r;
	char *path, *member;

	if (!open)
		return build_find(b, file, NULL);
	path = strndup(file, (size_t)(open - file));
	member = strndup(open + 1, len - (size_t)(open - file) - 2);
	if (!path || !member) {
		free(path);
		free(member);
		return -1;
	}
	r = build_find(b, path, member);
	free(path);
	free(member);
	return r;
}

/* The map's chain from the target up: each step the object whose reference pulled it in. */
static void link_chain(struct audit *a, const struct build *b, struct view *v)
{
	ptrdiff_t at = v->link_target;
	size_t n = 0;

	v->link_chain = arena_array(&a->arena, b->n_objects + 1, sizeof(*v->link_chain));
	while (at >= 0 && n < b->n_objects) {
		const struct build_object *o = &b->objects[at];
		size_t k;

		for (k = 0; k < n; k++)
			if (v->link_chain[k] == (uint32_t)at)
				break;
		if (k < n)
			break;	/* a cycle in a hostile map: stop, incomplete */
		v->link_chain[n++] = (uint32_t)at;
		if (o->state == LINK_LINKED && !o->why_file) {
			v->is_link_complete = true;
			break;
		}
		if (!o->why_file)
			break;
		at = find_file(b, o->why_file);
	}
	v->n_link = n;
}

/*
 * The target's node nearest a root (or its first node when none is reached), a named
 * one when it has any (a symbol says more than "[.data+0x10]"), or -1.
 */
static ptrdiff_t target_node(const struct audit *a, uint32_t obj)
{
	const struct linkage_facts *lf = &a->facts.linkage;
	const struct layout_facts *l = &a->facts.layout;
	ptrdiff_t best = -1;
	size_t i;
	int named;

	for (named = 1; named >= 0 && best < 0; named--)
		for (i = 0; i < l->n_nodes; i++)
			if (lf->node_object[i] == obj && (!named || l->nodes[i].sym >= 0))
				best = why_nearer(a, best, i);
	return best;
}

static int prepare(struct audit *a, struct view *v)
{
	const struct build *b = a->opt.build;
	const struct build_object *o;
	const char *what = NULL;
	ptrdiff_t node;

	v->link_target = find_target(a, b, v->why_query, &what);
	if (v->link_target < 0)
		return diag_err(&a->diag, "'%s': no object, module or symbol of that name in the "
				"build or the image", v->why_query);
	o = &b->objects[v->link_target];
	v->link_what = what;
	link_chain(a, b, v);
	v->is_failed = o->state != LINK_LINKED;
	if (o->state != LINK_LINKED)
		return 0;
	node = target_node(a, (uint32_t)v->link_target);
	v->why_found = node >= 0;
	if (node < 0)
		return 0;
	/* A symbol asked for: its own chain, as why gives it, when it is in the image. */
	if (!strcmp(what, "symbol") || !strcmp(what, "module")) {
		const char *w = NULL;
		ptrdiff_t n = why_resolve(a, v->why_query, &w);

		if (n >= 0 && a->facts.linkage.node_object[n] == (uint32_t)v->link_target) {
			node = n;
			v->why_target = w;
		}
	}
	if (!v->why_target) {
		const struct layout_node *nd = &a->facts.layout.nodes[node];
		char buf[128];

		if (nd->sym >= 0)
			v->why_target = arena_printf(&a->arena, "symbol %s",
						     layout_node_name(a, (size_t)node, buf, sizeof(buf)));
		else
			v->why_target = arena_printf(&a->arena, "address 0x%llx",
						     (unsigned long long)nd->lo);
	}
	return why_chain_to(a, v, (size_t)node);
}

int cmd_why_linked(int argc, char **argv)
{
	struct view view = { .kind = VIEW_WHY_LINKED, .link_target = -1 };
	int r = cli_parse(argc, argv, NULL, NULL, why_linked_help);

	if (r != CLI_GO)
		return r;
	if (argc - optind != 2)
		return cli_usage_error(NULL, "expected IMAGE and SYMBOL|MODULE|OBJECT");
	if (!cli_given(OPT_BUILD) && !cli_given(OPT_MAP))
		return cli_usage_error(NULL, "why-linked needs the build: --build DIR or "
				       "-M FILE.map");
	view.why_query = argv[optind + 1];
	return cli_run(argv + optind, 1,
		       AN_BIT(AN_PLATFORM) | AN_BIT(AN_OCAML) | AN_BIT(AN_ATTRIBUTION) |
		       AN_BIT(AN_REACH) | AN_BIT(AN_LINKAGE), &view, prepare);
}
