// SPDX-License-Identifier: ISC
/* The OCaml externals of Block (mirage-block-solo5 names) over solo5_block_*. */
#include <string.h>

#include <caml/alloc.h>
#include <caml/bigarray.h>
#include <caml/memory.h>
#include <caml/mlvalues.h>

#include "solo5.h"

/* string -> solo5_result * int64 * { capacity : int64; block_size : int64 } */
value mirage_solo5_block_acquire(value v_name)
{
	CAMLparam1(v_name);
	CAMLlocal2(v_result, v_info);
	struct solo5_block_info bi;
	solo5_handle_t h = 0;
	solo5_result_t r;

	memset(&bi, 0, sizeof(bi));
	r = solo5_block_acquire(String_val(v_name), &h, &bi);
	v_info = caml_alloc_tuple(2);
	Store_field(v_info, 0, caml_copy_int64((int64_t)bi.capacity));
	Store_field(v_info, 1, caml_copy_int64((int64_t)bi.block_size));
	v_result = caml_alloc_tuple(3);
	Store_field(v_result, 0, Val_int(r));
	Store_field(v_result, 1, caml_copy_int64((int64_t)h));
	Store_field(v_result, 2, v_info);
	CAMLreturn(v_result);
}

/* int64 -> int64 -> Cstruct.buffer -> int -> int -> solo5_result */
value mirage_solo5_block_read_3(value v_handle, value v_offset, value v_buf, value v_off,
		value v_size)
{
	uint8_t *buf = (uint8_t *)Caml_ba_data_val(v_buf) + Long_val(v_off);

	return Val_int(solo5_block_read((solo5_handle_t)Int64_val(v_handle),
					(solo5_off_t)Int64_val(v_offset), buf,
					(size_t)Long_val(v_size)));
}

/* int64 -> int64 -> Cstruct.buffer -> int -> int -> solo5_result */
value mirage_solo5_block_write_3(value v_handle, value v_offset, value v_buf, value v_off,
		value v_size)
{
	const uint8_t *buf = (const uint8_t *)Caml_ba_data_val(v_buf) + Long_val(v_off);

	return Val_int(solo5_block_write((solo5_handle_t)Int64_val(v_handle),
					 (solo5_off_t)Int64_val(v_offset), buf,
					 (size_t)Long_val(v_size)));
}
