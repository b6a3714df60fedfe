// SPDX-License-Identifier: ISC
/*
 * The C side of the Xen platform, under the names mirage-xen (>= 6) uses:
 * event channels (mirage_xen_evtchn_*), grant tables (mirage_xen_gnttab_*)
 * and the start-of-day pages. There is no hypervisor here: the calls keep
 * their state in this process, enough to link and audit a Xen-shaped image.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <caml/alloc.h>
#include <caml/bigarray.h>
#include <caml/callback.h>
#include <caml/fail.h>
#include <caml/memory.h>
#include <caml/mlvalues.h>

#include "solo5.h"

#define PAGE_SIZE 4096
#define NR_EVENT_CHANNELS 64
#define NR_GRANT_ENTRIES 128

static uint8_t xenstore_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint64_t evtchn_pending, evtchn_mask = ~0ULL;
static int evtchn_next = 2;	/* 1 is the xenstore channel */

struct grant {
	uint16_t flags;
	uint16_t domid;
	void *page;
};

static struct grant grant_table[NR_GRANT_ENTRIES];

static char *xen_argv[] = { "mirage", NULL };

/* Entered from _start (glibc here, the Solo5 xen bindings on a real boot). */
int solo5_app_main(const struct solo5_start_info *si)
{
	(void)si;
	caml_startup(xen_argv);
	return 0;
}

int main(void)
{
	struct solo5_start_info si = { "", 0, 0 };

	return solo5_app_main(&si);
}

value mirage_xen_get_xenstore_evtchn(value v_unit)
{
	(void)v_unit;
	return Val_int(1);
}

value mirage_xen_get_xenstore_page(value v_unit)
{
	(void)v_unit;
	return caml_ba_alloc_dims(CAML_BA_UINT8 | CAML_BA_C_LAYOUT, 1, xenstore_page,
				  (intnat)PAGE_SIZE);
}

value mirage_xen_evtchn_alloc_unbound(value v_remote_domid)
{
	(void)v_remote_domid;
	if (evtchn_next >= NR_EVENT_CHANNELS)
		caml_failwith("mirage_xen_evtchn_alloc_unbound: no free channel");
	return Val_int(evtchn_next++);
}

value mirage_xen_evtchn_bind_interdomain(value v_domid, value v_remote_port)
{
	(void)v_domid;
	(void)v_remote_port;
	return mirage_xen_evtchn_alloc_unbound(Val_int(0));
}

value mirage_xen_evtchn_unmask(value v_port)
{
	evtchn_mask &= ~(1ULL << (Long_val(v_port) % NR_EVENT_CHANNELS));
	return Val_unit;
}

value mirage_xen_evtchn_notify(value v_port)
{
	/* No backend: a notification comes straight back as an event. */
	evtchn_pending |= 1ULL << (Long_val(v_port) % NR_EVENT_CHANNELS);
	return Val_unit;
}

value mirage_xen_evtchn_unbind(value v_port)
{
	evtchn_mask |= 1ULL << (Long_val(v_port) % NR_EVENT_CHANNELS);
	return Val_unit;
}

value mirage_xen_evtchn_test_and_clear(value v_port)
{
	uint64_t bit = 1ULL << (Long_val(v_port) % NR_EVENT_CHANNELS);
	int was = (evtchn_pending & bit & ~evtchn_mask) != 0;

	evtchn_pending &= ~bit;
	return Val_bool(was);
}

/* Sleep until the deadline (monotonic ns) unless an event is pending. */
value mirage_xen_evtchn_block_domain(value v_deadline)
{
	struct timespec now, ts;
	int64_t deadline = Int64_val(v_deadline), delta;

	if (evtchn_pending & ~evtchn_mask)
		return Val_unit;
	clock_gettime(CLOCK_MONOTONIC, &now);
	delta = deadline - ((int64_t)now.tv_sec * 1000000000LL + now.tv_nsec);
	if (delta > 0) {
		ts.tv_sec = delta / 1000000000LL;
		ts.tv_nsec = delta % 1000000000LL;
		nanosleep(&ts, NULL);
	}
	return Val_unit;
}

value mirage_xen_gnttab_init(value v_unit)
{
	(void)v_unit;
	memset(grant_table, 0, sizeof(grant_table));
	return Val_unit;
}

/* int (gref) -> int (domid) -> Cstruct.buffer -> bool (writable) -> unit */
value mirage_xen_gnttab_grant_access(value v_ref, value v_domid, value v_page,
		value v_writable)
{
	long ref = Long_val(v_ref);

	if (ref < 0 || ref >= NR_GRANT_ENTRIES)
		caml_invalid_argument("mirage_xen_gnttab_grant_access");
	grant_table[ref].domid = (uint16_t)Long_val(v_domid);
	grant_table[ref].page = Caml_ba_data_val(v_page);
	grant_table[ref].flags = Bool_val(v_writable) ? 1 : 3;
	return Val_unit;
}

value mirage_xen_gnttab_end_access(value v_ref)
{
	long ref = Long_val(v_ref);

	if (ref < 0 || ref >= NR_GRANT_ENTRIES)
		caml_invalid_argument("mirage_xen_gnttab_end_access");
	grant_table[ref].flags = 0;
	grant_table[ref].page = NULL;
	return Val_unit;
}

value mirage_xen_gnttab_nr_entries(value v_unit)
{
	(void)v_unit;
	return Val_int(NR_GRANT_ENTRIES);
}

/*
 * Deliberately dead: never called and never address-taken (ground truth
 * for mirage-audit, see truth.txt).
 */
int mirage_xen_gnttab_unused_dump(void);
int mirage_xen_gnttab_unused_dump(void)
{
	int i, n = 0;

	for (i = 0; i < NR_GRANT_ENTRIES; i++)
		if (grant_table[i].flags)
			n++;
	return n;
}

/* Xen_os.Main: unit -> int64, monotonic nanoseconds */
value caml_get_monotonic_time(value v_unit)
{
	struct timespec ts;

	(void)v_unit;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return caml_copy_int64((int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec);
}
