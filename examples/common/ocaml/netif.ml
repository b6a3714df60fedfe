(* SPDX-License-Identifier: ISC *)
(* Netif: the Solo5 network driver (mirage-net-solo5's unwrapped unit) over the C externals. *)

open Lwt.Infix

type solo5_result = SOLO5_R_OK | SOLO5_R_AGAIN | SOLO5_R_EINVAL | SOLO5_R_EUNSPEC
type solo5_net_info = { solo5_mac : string; solo5_mtu : int }

external solo5_net_acquire : string -> solo5_result * int64 * solo5_net_info
  = "mirage_solo5_net_acquire"

external solo5_net_read : int64 -> Cstruct.buffer -> int -> int -> solo5_result * int
  = "mirage_solo5_net_read_3"

external solo5_net_write : int64 -> Cstruct.buffer -> int -> int -> solo5_result
  = "mirage_solo5_net_write_3"

type error = [ `Invalid_argument | `Unspecified_error | `Disconnected ]

type stats = {
  mutable rx_bytes : int64;
  mutable rx_pkts : int32;
  mutable tx_bytes : int64;
  mutable tx_pkts : int32;
}

type t = {
  id : string;
  handle : int64;
  mac : string;
  mtu : int;
  mutable active : bool;
  stats : stats;
}

let connect devname =
  match solo5_net_acquire devname with
  | SOLO5_R_OK, handle, ni ->
      Lwt.return
        {
          id = devname;
          handle;
          mac = ni.solo5_mac;
          mtu = ni.solo5_mtu;
          active = true;
          stats = { rx_bytes = 0L; rx_pkts = 0l; tx_bytes = 0L; tx_pkts = 0l };
        }
  | _ -> Lwt.fail_with ("Netif: connect(" ^ devname ^ "): could not acquire device")

let disconnect t =
  t.active <- false;
  Lwt.return_unit

let mac t = t.mac
let mtu t = t.mtu
let get_stats_counters t = t.stats

(* Read frames and hand each to [fn] until the device is disconnected. *)
let listen t ~header_size fn =
  let rec loop () =
    if not t.active then Lwt.return (Ok ())
    else
      let buf = Cstruct.create (t.mtu + header_size) in
      match solo5_net_read t.handle buf.Cstruct.buffer buf.Cstruct.off buf.Cstruct.len with
      | SOLO5_R_OK, n ->
          t.stats.rx_pkts <- Int32.succ t.stats.rx_pkts;
          t.stats.rx_bytes <- Int64.add t.stats.rx_bytes (Int64.of_int n);
          fn (Cstruct.sub buf 0 n) >>= loop
      | SOLO5_R_AGAIN, _ -> Solo5_os.Main.wait_for_work_on_handle t.handle >>= loop
      | SOLO5_R_EINVAL, _ -> Lwt.return (Error `Invalid_argument)
      | SOLO5_R_EUNSPEC, _ -> Lwt.return (Error `Unspecified_error)
  in
  loop ()

let write t ~size fill =
  let buf = Cstruct.create size in
  let len = fill buf in
  match solo5_net_write t.handle buf.Cstruct.buffer buf.Cstruct.off len with
  | SOLO5_R_OK ->
      t.stats.tx_pkts <- Int32.succ t.stats.tx_pkts;
      t.stats.tx_bytes <- Int64.add t.stats.tx_bytes (Int64.of_int len);
      Lwt.return (Ok ())
  | SOLO5_R_AGAIN | SOLO5_R_EINVAL -> Lwt.return (Error `Invalid_argument)
  | SOLO5_R_EUNSPEC -> Lwt.return (Error `Unspecified_error)
