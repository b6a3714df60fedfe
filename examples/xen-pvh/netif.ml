(* SPDX-License-Identifier: ISC *)
(* Netif: the Xen netfront (mirage-net-xen's unwrapped unit): xenstore handshake, shared rings. *)

open Lwt.Infix

type t = {
  backend_id : int;
  evtchn : Xen_os.Eventchn.t;
  tx_ring : Cstruct.t;
  rx_ring : Cstruct.t;
  tx_gref : int;
  rx_gref : int;
  mac : string;
}

let page () = Cstruct.create 4096

let connect id =
  let fe = "device/vif/" ^ id in
  Xen_os.Xs.read (fe ^ "/backend-id") >>= fun b ->
  let backend_id = try int_of_string (String.trim b) with _ -> 0 in
  Xen_os.Xs.read (fe ^ "/mac") >>= fun mac ->
  let tx_ring = page () and rx_ring = page () in
  let tx_gref = Xen_os.Xen.Export.share_page ~domid:backend_id ~writable:true tx_ring in
  let rx_gref = Xen_os.Xen.Export.share_page ~domid:backend_id ~writable:true rx_ring in
  let evtchn = Xen_os.Eventchn.alloc_unbound backend_id in
  Xen_os.Xs.write (fe ^ "/tx-ring-ref") (string_of_int tx_gref) >>= fun () ->
  Xen_os.Xs.write (fe ^ "/rx-ring-ref") (string_of_int rx_gref) >>= fun () ->
  Xen_os.Xs.write (fe ^ "/event-channel") (string_of_int evtchn) >>= fun () ->
  Xen_os.Xs.write (fe ^ "/state") "4" >|= fun () ->
  { backend_id; evtchn; tx_ring; rx_ring; tx_gref; rx_gref; mac }

(* Hand each response on the rx ring (id, offset, status) to [fn]. *)
let listen t fn =
  let rec loop cons =
    let prod = Cstruct.LE.get_uint32 t.rx_ring 0 |> Int32.to_int in
    if cons = prod then Xen_os.Eventchn.wait t.evtchn >>= fun () -> loop cons
    else
      let slot = 64 + (8 * (cons mod 256)) in
      let len = Cstruct.LE.get_uint16 t.rx_ring (slot + 4) in
      fn (Cstruct.sub t.rx_ring 64 (min len 2048)) >>= fun () -> loop (cons + 1)
  in
  loop 0

let write t frame =
  let prod = Cstruct.LE.get_uint32 t.tx_ring 0 |> Int32.to_int in
  let slot = 64 + (8 * (prod mod 256)) in
  Cstruct.LE.set_uint16 t.tx_ring (slot + 4) (Cstruct.length frame);
  Cstruct.LE.set_uint32 t.tx_ring 0 (Int32.of_int (prod + 1));
  Xen_os.Eventchn.notify t.evtchn;
  Lwt.return (Ok ())

let disconnect t =
  Xen_os.Xen.Export.unshare t.tx_gref;
  Xen_os.Xen.Export.unshare t.rx_gref;
  Xen_os.Eventchn.unbind t.evtchn;
  Lwt.return_unit
