// SPDX-License-Identifier: ISC
/*
 * The mirage-solo5 side of the hosted platform: solo5_app_main() starts the
 * OCaml runtime, and the OCaml externals of Solo5_os and Console_solo5.
 */
#include <caml/alloc.h>
#include <caml/callback.h>
#include <caml/memory.h>
#include <caml/mlvalues.h>

#include "hosted.h"

/* Called by main(); returns when the OCaml program has run to completion. */
int solo5_app_main(const struct solo5_start_info *si)
{
	(void)si;
	caml_startup(hosted_argv);
	return SOLO5_EXIT_SUCCESS;
}

/* Console_solo5: string -> unit */
value mirage_solo5_console_write(value v_buf)
{
	solo5_console_write(String_val(v_buf), caml_string_length(v_buf));
	return Val_unit;
}

/* Solo5_os.Time: unit -> int64, nanoseconds */
value caml_get_monotonic_time(value v_unit)
{
	(void)v_unit;
	return caml_copy_int64((int64_t)solo5_clock_monotonic());
}

/*
 * Solo5_os.Main: yield until the deadline (int64, monotonic ns) or until one
 * of the handles in the set (int64 bitmask) has input; returns the ready set.
 */
value mirage_solo5_yield_2(value v_deadline, value v_handles)
{
	solo5_handle_set_t ready;

	solo5_yield((solo5_time_t)Int64_val(v_deadline), &ready);
	return caml_copy_int64((int64_t)(ready & (solo5_handle_set_t)Int64_val(v_handles)));
}
