// SPDX-License-Identifier: ISC
/* Interned strings with an open-addressing hash table (FNV-1a, linear probing). */
#include <stdlib.h>
#include <string.h>

#include "audit/core/strset.h"
#include "audit/core/xalloc.h"

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

void strset_init(struct strset *s, struct arena *arena)
{
	memset(s, 0, sizeof(*s));
	s->arena = arena;
}

void strset_release(struct strset *s)
{
	free(s->names);
	free(s->slots);
	s->names = NULL;
	s->slots = NULL;
	s->n = s->alloc = s->n_slots = 0;
}

static void rehash(struct strset *s)
{
	uint32_t n = s->n_slots ? s->n_slots * 2 : 64, i;

	free(s->slots);
	s->slots = xcalloc(n, sizeof(*s->slots));
	s->n_slots = n;
	for (i = 0; i < s->n; i++) {
		uint32_t j = hash(s->names[i]) & (n - 1);

		while (s->slots[j])
			j = (j + 1) & (n - 1);
		s->slots[j] = i + 1;
	}
}

uint32_t strset_find(const struct strset *s, const char *name)
{
	uint32_t j;

	if (!s->n_slots)
		return UINT32_MAX;
	j = hash(name) & (s->n_slots - 1);
	while (s->slots[j]) {
		if (!strcmp(s->names[s->slots[j] - 1], name))
			return s->slots[j] - 1;
		j = (j + 1) & (s->n_slots - 1);
	}
	return UINT32_MAX;
}

uint32_t strset_intern(struct strset *s, const char *name)
{
	uint32_t id = strset_find(s, name), j;
	size_t alloc = s->alloc;

	if (id != UINT32_MAX)
		return id;
	if ((uint64_t)(s->n + 1) * 2 > s->n_slots)
		rehash(s);
	xgrow(&s->names, &alloc, (size_t)s->n + 1, sizeof(*s->names));
	s->alloc = (uint32_t)alloc;
	id = s->n++;
	s->names[id] = arena_strdup(s->arena, name);
	j = hash(name) & (s->n_slots - 1);
	while (s->slots[j])
		j = (j + 1) & (s->n_slots - 1);
	s->slots[j] = id + 1;
	return id;
}
