// SPDX-License-Identifier: ISC
/* Snapshots: the facts `diff` compares, taken from an audited image (reports fill them too). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/gates/snapshot.h"
#include "audit/core/vocab.h"

void snapshot_init(struct snapshot *s, const char *source)
{
	memset(s, 0, sizeof(*s));
	arena_init(&s->arena);
	s->source = source;
}

void snapshot_release(struct snapshot *s)
{
	arena_release(&s->arena);
	memset(s, 0, sizeof(*s));
}

static int cmp_row(const void *x, const void *y)
{
	return strcmp(((const struct snapshot_row *)x)->name, ((const struct snapshot_row *)y)->name);
}

static int cmp_device(const void *x, const void *y)
{
	const struct snapshot_device *p = x, *q = y;
	int c = strcmp(p->name, q->name);

	return c ? c : strcmp(p->type, q->type);
}

static int cmp_facility(const void *x, const void *y)
{
	return strcmp(((const struct snapshot_facility *)x)->name,
		      ((const struct snapshot_facility *)y)->name);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

void snapshot_sort(struct snapshot *s)
{
	size_t i, k;
	int l;

	/* qsort's array must not be NULL, even for zero elements. */
	for (l = 0; l < N_LEVELS; l++)
		if (s->n_rows[l])
			qsort(s->rows[l], s->n_rows[l], sizeof(*s->rows[l]), cmp_row);
	if (s->n_devices)
		qsort(s->devices, s->n_devices, sizeof(*s->devices), cmp_device);
	if (s->n_facilities)
		qsort(s->facilities, s->n_facilities, sizeof(*s->facilities), cmp_facility);
	if (s->n_dead)
		qsort(s->dead, s->n_dead, sizeof(*s->dead), cmp_str);
	/* Two static functions of one name are one dead name, as they are one symbols row. */
	for (i = k = 0; i < s->n_dead; i++)
		if (!k || strcmp(s->dead[k - 1], s->dead[i]))
			s->dead[k++] = s->dead[i];
	s->n_dead = k;
}

void snapshot_from_audit(struct snapshot *s, const struct audit *a)
{
	const struct size_facts *sf = &a->facts.sizes;
	const struct platform_facts *pf = &a->facts.platform;
	const struct facility_facts *ff = &a->facts.facilities;
	const struct dead_facts *df = &a->facts.dead;
	struct arena *ar = &s->arena;
	size_t i;
	int l;

	s->sha256 = a->image.sha256[0] ? arena_strdup(ar, a->image.sha256) : NULL;
	s->file_total = sf->file.total;
	s->vm_total = sf->vm.total;
	for (l = 0; l < N_LEVELS; l++) {
		s->n_rows[l] = sf->n_rows[l];
		s->rows[l] = arena_array(ar, sf->n_rows[l] + 1, sizeof(*s->rows[l]));
		for (i = 0; i < sf->n_rows[l]; i++) {
			const struct size_row *r = &sf->rows[l][i];

			s->rows[l][i].name = arena_strdup(ar, sf->labels[l].names[r->label]);
			s->rows[l][i].file_size = r->file_size;
			s->rows[l][i].vm_size = r->vm_size;
		}
	}
	s->target = arena_strdup(ar, pf->target ? pf->target : "unknown");
	s->abi_target = pf->abi.is_present ? arena_strdup(ar, pf->abi.target_name) : NULL;
	s->abi_version = pf->abi.is_present ? pf->abi.version : 0;
	s->has_manifest = pf->manifest.is_present && pf->manifest.is_valid;
	if (s->has_manifest) {
		s->n_devices = pf->manifest.n_devices;
		s->devices = arena_array(ar, s->n_devices + 1, sizeof(*s->devices));
		for (i = 0; i < s->n_devices; i++) {
			s->devices[i].name = arena_strdup(ar, pf->manifest.devices[i].name);
			s->devices[i].type = arena_strdup(ar, pf->manifest.devices[i].type_name);
		}
	}
	s->has_facilities = ff->is_done;
	if (ff->is_done) {
		s->n_facilities = ff->n;
		s->facilities = arena_array(ar, ff->n + 1, sizeof(*s->facilities));
		for (i = 0; i < ff->n; i++) {
			s->facilities[i].name = arena_strdup(ar, ff->v[i].name);
			s->facilities[i].klass = arena_strdup(ar, ff->v[i].klass);
			s->facilities[i].verdict = verdict_name(ff->v[i].verdict);
		}
	}
	/* Without code analysis nothing is called dead: the list says nothing then. */
	s->has_dead = df->is_done && a->facts.reach.is_complete;
	if (s->has_dead) {
		char buf[128];

		s->n_dead = df->n_functions;
		s->dead = arena_array(ar, s->n_dead + 1, sizeof(*s->dead));
		for (i = 0; i < s->n_dead; i++)
			s->dead[i] = arena_strdup(ar, layout_node_name(a, df->functions[i].node, buf,
								       sizeof(buf)));
	}
	snapshot_sort(s);
}

const char *snapshot_abi(const struct snapshot *s, char *buf, size_t size)
{
	if (!s->abi_target)
		return "none";
	snprintf(buf, size, "%s v%u", s->abi_target, (unsigned)s->abi_version);
	return buf;
}
