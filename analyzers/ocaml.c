// SPDX-License-Identifier: ISC
/* OCaml compilation units from their code/data marker symbols; separator and version hints. */
#include <stdlib.h>
#include <string.h>

#include "audit/analyzer.h"
#include "audit/xalloc.h"

enum marker { M_CODE_BEGIN, M_CODE_END, M_DATA_BEGIN, M_DATA_END, N_MARKERS };

static const char *const marker_names[N_MARKERS] = {
	"code_begin", "code_end", "data_begin", "data_end",
};

struct unit_tmp {
	uint64_t at[N_MARKERS];
	bool has[N_MARKERS];
};

/*
 * Parse caml<U><sep><marker>: OCaml <= 5.0 writes camlFoo__code_begin, 5.1+
 * camlFoo.code_begin (formats.md 3.1). Returns the marker and sets *sep and
 * the unit's length, or -1.
 */
static int parse_marker(const char *name, size_t *unit_len, const char **sep)
{
	size_t len = strlen(name);
	int m;

	if (len < 5 || strncmp(name, "caml", 4))
		return -1;
	for (m = 0; m < N_MARKERS; m++) {
		size_t ml = strlen(marker_names[m]);

		if (len < 4 + ml + 2)
			continue;
		if (strcmp(name + len - ml, marker_names[m]))
			continue;
		if (name[len - ml - 1] == '.') {
			*sep = ".";
			*unit_len = len - ml - 1 - 4;
		} else if (name[len - ml - 1] == '_' && name[len - ml - 2] == '_') {
			*sep = "__";
			*unit_len = len - ml - 2 - 4;
		} else {
			continue;
		}
		return *unit_len ? m : -1;
	}
	return -1;
}

static int cmp_unit(const void *x, const void *y)
{
	return strcmp(((const struct ocaml_unit *)x)->name, ((const struct ocaml_unit *)y)->name);
}

/* Unit ranges for address lookups: where two overlap, the one that starts first keeps the bytes. */
static void build_ranges(struct audit *a)
{
	struct ocaml_facts *of = &a->facts.ocaml;
	size_t i;

	for (i = 0; i < of->n_units; i++) {
		const struct ocaml_unit *u = &of->units[i];

		if (u->has_code)
			claims_add(&of->ranges, u->code.lo, u->code.hi, (int32_t)i);
		if (u->has_data)
			claims_add(&of->ranges, u->data.lo, u->data.hi, (int32_t)i);
	}
	claims_settle(&of->ranges, NULL, NULL);
}

static void version_evidence(struct audit *a, const char *s)
{
	struct ocaml_facts *of = &a->facts.ocaml;
	const char **nv = arena_push(&a->arena, of->version_evidence, of->n_version_evidence,
				     sizeof(*nv));

	nv[of->n_version_evidence++] = s;
	of->version_evidence = nv;
}

static bool has_name(const struct image *img, const char *name)
{
	return image_find_symbol(img, name) != NULL;
}

/*
 * Stdlib.Sys.ocaml_version is a string constant in the data of unit
 * Stdlib__Sys (Sys before 4.07): "4.13.1", "5.2.0+ox". Read it from there.
 */
static const char *version_string(struct audit *a)
{
	const struct ocaml_facts *of = &a->facts.ocaml;
	static const char *const units[] = { "Stdlib__Sys", "Sys" };
	size_t k;

	for (k = 0; k < 2; k++) {
		uint32_t id = strset_find(&of->unit_index, units[k]);
		const struct ocaml_unit *u;
		const unsigned char *p;
		uint64_t len, i;

		if (id == UINT32_MAX)
			continue;
		u = &of->units[id];
		if (!u->has_data)
			continue;
		len = u->data.hi - u->data.lo;
		if (len > 65536)
			len = 65536;
		p = image_vaddr_bytes(&a->image, u->data.lo, &len);
		for (i = 0; p && i + 5 < len; i++) {
			uint64_t j = i;

			/* An OCaml string starts word-aligned after its header. */
			if ((i & 7) || (p[i] != '4' && p[i] != '5') || p[i + 1] != '.')
				continue;
			for (j = i + 2; j < len && ((p[j] >= '0' && p[j] <= '9') || p[j] == '.' ||
						     p[j] == '+' || p[j] == '~' ||
						     (p[j] >= 'a' && p[j] <= 'z')); j++)
				;
			if (j < len && p[j] == 0 && j - i >= 5 && j - i < 32)
				return arena_strndup(&a->arena, (const char *)p + i, j - i);
		}
	}
	return NULL;
}

/*
 * A version range from facts that survive in every image: the symbol
 * separator (changed in 5.1) and the effect-handler primitives (new in 5.0).
 */
static void version_hint(struct audit *a, size_t n_dot, size_t n_uu)
{
	struct ocaml_facts *of = &a->facts.ocaml;
	const struct image *img = &a->image;
	bool effects = has_name(img, "caml_perform") || has_name(img, "caml_runstack");

	if (n_dot > n_uu) {
		of->separator = ".";
		of->version_hint = ">= 5.1";
		version_evidence(a, "unit markers use '.' (camlU.code_begin): OCaml 5.1 or later");
	} else if (n_uu) {
		of->separator = "__";
		of->version_hint = effects ? "5.0" : "< 5.0";
		version_evidence(a, "unit markers use '__' (camlU__code_begin): OCaml 5.0 or earlier");
		version_evidence(a, effects ?
			"effect primitives (caml_perform, caml_runstack) present: OCaml 5.0" :
			"no effect primitives (caml_perform, caml_runstack): OCaml 4.x");
	}
	if (has_name(img, "caml_start_program"))
		version_evidence(a, "caml_start_program present: native-code OCaml runtime");
	{
		const char *v = version_string(a);

		if (v) {
			of->version_hint = v;
			version_evidence(a, arena_printf(&a->arena, "Sys.ocaml_version is \"%s\" "
							 "(a string in the data of Stdlib__Sys)", v));
		}
	}
}

static int ocaml_run(struct audit *a)
{
	struct ocaml_facts *of = &a->facts.ocaml;
	const struct image *img = &a->image;
	struct unit_tmp *tmp = NULL;
	size_t n_tmp = 0, alloc = 0, i, n_dot = 0, n_uu = 0;
	struct strset *idx = &of->unit_index;
	char buf[4096];

	for (i = 0; i < img->n_symbols; i++) {
		const struct image_symbol *s = &img->symbols[i];
		size_t ulen;
		const char *sep;
		int m = parse_marker(s->name, &ulen, &sep);
		uint32_t id;

		if (m < 0 || ulen >= sizeof(buf) || s->section < 0)
			continue;
		memcpy(buf, s->name + 4, ulen);
		buf[ulen] = '\0';
		if (sep[0] == '.')
			n_dot++;
		else
			n_uu++;
		id = strset_intern(idx, buf);
		if (id >= n_tmp) {
			xgrow(&tmp, &alloc, (size_t)id + 1, sizeof(*tmp));
			memset(tmp + n_tmp, 0, ((size_t)id + 1 - n_tmp) * sizeof(*tmp));
			n_tmp = (size_t)id + 1;
		}
		if (!tmp[id].has[m]) {
			tmp[id].has[m] = true;
			tmp[id].at[m] = s->value;
		}
	}
	of->n_units = n_tmp;
	of->units = arena_array(&a->arena, n_tmp, sizeof(*of->units));
	for (i = 0; i < n_tmp; i++) {
		struct ocaml_unit *u = &of->units[i];
		const struct unit_tmp *t = &tmp[i];

		u->name = idx->names[i];
		u->has_code = t->has[M_CODE_BEGIN] && t->has[M_CODE_END] &&
			      t->at[M_CODE_END] >= t->at[M_CODE_BEGIN];
		u->code = (struct image_range){ t->at[M_CODE_BEGIN], t->at[M_CODE_END] };
		u->has_data = t->has[M_DATA_BEGIN] && t->has[M_DATA_END] &&
			      t->at[M_DATA_END] >= t->at[M_DATA_BEGIN];
		u->data = (struct image_range){ t->at[M_DATA_BEGIN], t->at[M_DATA_END] };
	}
	free(tmp);
	/* Sorted by name; the index is rebuilt to match the new order. */
	qsort(of->units, of->n_units, sizeof(*of->units), cmp_unit);
	strset_release(idx);
	strset_init(idx, &a->arena);
	for (i = 0; i < of->n_units; i++)
		strset_intern(idx, of->units[i].name);
	build_ranges(a);
	of->is_present = of->n_units > 0 || has_name(img, "caml_program") ||
			 has_name(img, "caml_start_program");
	if (of->is_present)
		version_hint(a, n_dot, n_uu);
	if (img->is_stripped && !img->n_symbols)
		diag_note(&a->diag, "no symbol table: OCaml units, libraries and modules cannot be "
			  "determined; bytes are attributed by section only");
	return 0;
}

const struct analyzer analyzer_ocaml = {
	.name = "ocaml",
	.id = AN_OCAML,
	.needs = 0,
	.run = ocaml_run,
};
