// SPDX-License-Identifier: ISC
/* diff: a query over two snapshots; no image, no report format is looked at here. */
#include <stdlib.h>
#include <string.h>

#include "audit/gates/diff.h"

static const char *const change_names[] = { "added", "removed", "grown", "shrunk" };

const char *diff_change_name(enum diff_change c)
{
	return change_names[c];
}

static uint64_t mag(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

static bool sort_by_file;	/* qsort has no context argument in C11 */

static int cmp_delta(const void *x, const void *y)
{
	const struct diff_row *p = x, *q = y;
	uint64_t p1 = mag(sort_by_file ? p->d_file : p->d_vm), q1 = mag(sort_by_file ? q->d_file : q->d_vm);
	uint64_t p2 = mag(sort_by_file ? p->d_vm : p->d_file), q2 = mag(sort_by_file ? q->d_vm : q->d_file);

	if (p1 != q1)
		return p1 > q1 ? -1 : 1;
	if (p2 != q2)
		return p2 > q2 ? -1 : 1;
	return strcmp(p->name, q->name);
}

/* Both sides' rows are sorted by unique name (snapshot.h): one merge walk. */
static void diff_level(struct diff *d, int l)
{
	const struct snapshot_row *o = d->old->rows[l], *n = d->new->rows[l];
	size_t no = d->old->n_rows[l], nn = d->new->n_rows[l], i = 0, k = 0;
	struct diff_level *dl = &d->levels[l];

	dl->rows = arena_array(&d->arena, no + nn + 1, sizeof(*dl->rows));
	while (i < no || k < nn) {
		int c = i == no ? 1 : k == nn ? -1 : strcmp(o[i].name, n[k].name);
		struct diff_row r = { 0 };
		int64_t primary;

		if (c <= 0) {
			r.name = o[i].name;
			r.old_file = o[i].file_size;
			r.old_vm = o[i].vm_size;
			i++;
		}
		if (c >= 0) {
			r.name = n[k].name;
			r.new_file = n[k].file_size;
			r.new_vm = n[k].vm_size;
			k++;
		}
		r.d_file = (int64_t)(r.new_file - r.old_file);
		r.d_vm = (int64_t)(r.new_vm - r.old_vm);
		if (c == 0 && !r.d_file && !r.d_vm)
			continue;
		primary = d->sort_file ? r.d_file : r.d_vm;
		if (!primary)
			primary = d->sort_file ? r.d_vm : r.d_file;
		r.change = c > 0 ? DIFF_ADDED : c < 0 ? DIFF_REMOVED :
			   primary > 0 ? DIFF_GROWN : DIFF_SHRUNK;
		dl->d_file += r.d_file;
		dl->d_vm += r.d_vm;
		dl->rows[dl->n_rows++] = r;
	}
	sort_by_file = d->sort_file;
	if (dl->n_rows)
		qsort(dl->rows, dl->n_rows, sizeof(*dl->rows), cmp_delta);
}

/*
 * Symbols in the VM domain, as bloat-o-meter counts functions: a name with VM
 * bytes only in NEW is added, only in OLD removed. So up - down is exactly the
 * symbol level's VM delta, which is the VM total's.
 */
static void summarize(struct diff *d)
{
	const struct diff_level *dl = &d->levels[LEVEL_SYMBOL];
	struct diff_summary *s = &d->summary;
	size_t i;

	for (i = 0; i < dl->n_rows; i++) {
		const struct diff_row *r = &dl->rows[i];

		if (!r->d_vm)
			continue;
		if (!r->old_vm) {
			s->added++;
			s->up += r->new_vm;
		} else if (!r->new_vm) {
			s->removed++;
			s->down += r->old_vm;
		} else if (r->d_vm > 0) {
			s->grown++;
			s->up += (uint64_t)r->d_vm;
		} else {
			s->shrunk++;
			s->down += mag(r->d_vm);
		}
	}
	s->net = (int64_t)(s->up - s->down);
}

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static void diff_verdicts(struct diff *d)
{
	const struct snapshot *o = d->old, *n = d->new;
	size_t i = 0, k = 0;

	d->has_verdicts = o->has_facilities && n->has_facilities;
	if (!d->has_verdicts)
		return;
	d->verdicts = arena_array(&d->arena, o->n_facilities + n->n_facilities + 1,
				  sizeof(*d->verdicts));
	while (i < o->n_facilities || k < n->n_facilities) {
		int c = i == o->n_facilities ? 1 : k == n->n_facilities ? -1 :
			strcmp(o->facilities[i].name, n->facilities[k].name);
		struct diff_verdict v = { 0 };

		if (c <= 0) {
			v.name = o->facilities[i].name;
			v.klass = o->facilities[i].klass;
			v.old_verdict = o->facilities[i++].verdict;
		}
		if (c >= 0) {
			v.name = n->facilities[k].name;
			v.klass = n->facilities[k].klass;
			v.new_verdict = n->facilities[k++].verdict;
		}
		if (!str_eq(v.old_verdict, v.new_verdict))
			d->verdicts[d->n_verdicts++] = v;
	}
}

static int cmp_dev(const struct snapshot_device *p, const struct snapshot_device *q)
{
	int c = strcmp(p->name, q->name);

	return c ? c : strcmp(p->type, q->type);
}

/* No (valid) manifest declares no device: every device of the other side is the change. */
static void diff_devices(struct diff *d)
{
	const struct snapshot *o = d->old, *n = d->new;
	size_t i = 0, k = 0;

	d->devices = arena_array(&d->arena, o->n_devices + n->n_devices + 1, sizeof(*d->devices));
	while (i < o->n_devices || k < n->n_devices) {
		int c = i == o->n_devices ? 1 : k == n->n_devices ? -1 :
			cmp_dev(&o->devices[i], &n->devices[k]);

		if (c < 0) {
			d->devices[d->n_devices].name = o->devices[i].name;
			d->devices[d->n_devices++].type = o->devices[i].type;
			i++;
		} else if (c > 0) {
			d->devices[d->n_devices].name = n->devices[k].name;
			d->devices[d->n_devices].type = n->devices[k].type;
			d->devices[d->n_devices++].is_added = true;
			k++;
		} else {
			i++;
			k++;
		}
	}
}

static bool in_sorted(const char *const *v, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid], name);

		if (!c)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool has_symbol(const struct snapshot *s, const char *name)
{
	const struct snapshot_row *r = s->rows[LEVEL_SYMBOL];
	size_t lo = 0, hi = s->n_rows[LEVEL_SYMBOL];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r[mid].name, name);

		if (!c)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Dead in FROM, present in TO and not dead there. */
static const char **changed_reach(struct diff *d, const struct snapshot *from,
				  const struct snapshot *to, size_t *n)
{
	const char **v = arena_array(&d->arena, from->n_dead + 1, sizeof(*v));
	size_t i;

	*n = 0;
	for (i = 0; i < from->n_dead; i++)
		if (has_symbol(to, from->dead[i]) && !in_sorted(to->dead, to->n_dead, from->dead[i]))
			v[(*n)++] = from->dead[i];
	return v;
}

void diff_compute(struct diff *d, const struct snapshot *old, const struct snapshot *new,
		  bool sort_file)
{
	int l;

	memset(d, 0, sizeof(*d));
	arena_init(&d->arena);
	d->old = old;
	d->new = new;
	d->sort_file = sort_file;
	d->d_file = (int64_t)(new->file_total - old->file_total);
	d->d_vm = (int64_t)(new->vm_total - old->vm_total);
	for (l = 0; l < N_LEVELS; l++)
		diff_level(d, l);
	summarize(d);
	d->target_changed = !str_eq(old->target, new->target);
	/* Solo5 tenders refuse an image of another ABI version: a version change is a change. */
	d->abi_changed = !str_eq(old->abi_target, new->abi_target) ||
			 old->abi_version != new->abi_version;
	diff_verdicts(d);
	diff_devices(d);
	d->has_reach = old->has_dead && new->has_dead;
	if (d->has_reach) {
		d->now_reachable = changed_reach(d, old, new, &d->n_now_reachable);
		d->now_dead = changed_reach(d, new, old, &d->n_now_dead);
	}
}

void diff_release(struct diff *d)
{
	arena_release(&d->arena);
	memset(d, 0, sizeof(*d));
}

bool diff_is_empty(const struct diff *d)
{
	int l;

	for (l = 0; l < N_LEVELS; l++)
		if (d->levels[l].n_rows)
			return false;
	return !d->target_changed && !d->abi_changed && !d->n_verdicts && !d->n_devices &&
	       !d->n_now_reachable && !d->n_now_dead;
}
