// SPDX-License-Identifier: ISC
/* The OCaml externals of Netif (mirage-net-solo5 names) over solo5_net_*. */
#include <string.h>

#include <caml/alloc.h>
#include <caml/bigarray.h>
#include <caml/memory.h>
#include <caml/mlvalues.h>

#include "solo5.h"

/* string -> solo5_result * int64 * { solo5_mac : string; solo5_mtu : int } */
value mirage_solo5_net_acquire(value v_name)
{
	CAMLparam1(v_name);
	CAMLlocal3(v_result, v_info, v_mac);
	struct solo5_net_info ni;
	solo5_handle_t h = 0;
	solo5_result_t r;

	memset(&ni, 0, sizeof(ni));
	r = solo5_net_acquire(String_val(v_name), &h, &ni);
	v_mac = caml_alloc_initialized_string(SOLO5_NET_ALEN, (const char *)ni.mac_address);
	v_info = caml_alloc_tuple(2);
	Store_field(v_info, 0, v_mac);
	Store_field(v_info, 1, Val_long(ni.mtu));
	v_result = caml_alloc_tuple(3);
	Store_field(v_result, 0, Val_int(r));
	Store_field(v_result, 1, caml_copy_int64((int64_t)h));
	Store_field(v_result, 2, v_info);
	CAMLreturn(v_result);
}

/* int64 -> Cstruct.buffer -> int -> int -> solo5_result * int */
value mirage_solo5_net_read_3(value v_handle, value v_buf, value v_off, value v_size)
{
	CAMLparam4(v_handle, v_buf, v_off, v_size);
	CAMLlocal1(v_result);
	uint8_t *buf = (uint8_t *)Caml_ba_data_val(v_buf) + Long_val(v_off);
	size_t n = 0;
	solo5_result_t r;

	r = solo5_net_read((solo5_handle_t)Int64_val(v_handle), buf, (size_t)Long_val(v_size),
			   &n);
	v_result = caml_alloc_tuple(2);
	Store_field(v_result, 0, Val_int(r));
	Store_field(v_result, 1, Val_long(n));
	CAMLreturn(v_result);
}

/* int64 -> Cstruct.buffer -> int -> int -> solo5_result */
value mirage_solo5_net_write_3(value v_handle, value v_buf, value v_off, value v_size)
{
	const uint8_t *buf = (const uint8_t *)Caml_ba_data_val(v_buf) + Long_val(v_off);

	return Val_int(solo5_net_write((solo5_handle_t)Int64_val(v_handle), buf,
				       (size_t)Long_val(v_size)));
}
