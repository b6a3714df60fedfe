(* SPDX-License-Identifier: ISC *)
(* Block: the Solo5 block driver (mirage-block-solo5's unwrapped unit) over the C externals. *)

type solo5_result = SOLO5_R_OK | SOLO5_R_AGAIN | SOLO5_R_EINVAL | SOLO5_R_EUNSPEC
type solo5_block_info = { capacity : int64; block_size : int64 }

external solo5_block_acquire : string -> solo5_result * int64 * solo5_block_info
  = "mirage_solo5_block_acquire"

external solo5_block_read : int64 -> int64 -> Cstruct.buffer -> int -> int -> solo5_result
  = "mirage_solo5_block_read_3"

external solo5_block_write : int64 -> int64 -> Cstruct.buffer -> int -> int -> solo5_result
  = "mirage_solo5_block_write_3"

type error = [ `Invalid_argument | `Unspecified_error | `Disconnected ]
type info = { read_write : bool; sector_size : int; size_sectors : int64 }
type t = { name : string; handle : int64; info : info }

let connect name =
  match solo5_block_acquire name with
  | SOLO5_R_OK, handle, bi ->
      let sector_size = Int64.to_int bi.block_size in
      let size_sectors = Int64.div bi.capacity bi.block_size in
      Lwt.return { name; handle; info = { read_write = true; sector_size; size_sectors } }
  | _ -> Lwt.fail_with ("Block: connect(" ^ name ^ "): could not acquire device")

let disconnect _t = Lwt.return_unit
let get_info t = Lwt.return t.info

(* Transfer each buffer in turn, starting at [sector_start]. *)
let rec transfer op t sector_start = function
  | [] -> Lwt.return (Ok ())
  | b :: rest -> (
      let ss = t.info.sector_size in
      if Cstruct.length b mod ss <> 0 then Lwt.return (Error `Invalid_argument)
      else
        let offset = Int64.mul sector_start (Int64.of_int ss) in
        match op t.handle offset b.Cstruct.buffer b.Cstruct.off b.Cstruct.len with
        | SOLO5_R_OK ->
            let n = Int64.of_int (Cstruct.length b / ss) in
            transfer op t (Int64.add sector_start n) rest
        | SOLO5_R_AGAIN | SOLO5_R_EINVAL -> Lwt.return (Error `Invalid_argument)
        | SOLO5_R_EUNSPEC -> Lwt.return (Error `Unspecified_error))

let read t sector_start buffers = transfer solo5_block_read t sector_start buffers
let write t sector_start buffers = transfer solo5_block_write t sector_start buffers
