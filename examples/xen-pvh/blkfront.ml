(* SPDX-License-Identifier: ISC *)
(* Blkfront: the Xen block frontend (mirage-block-xen's unit): a ring of sector requests. *)

open Lwt.Infix

type t = { evtchn : Xen_os.Eventchn.t; ring : Cstruct.t; gref : int; sectors : int64 }

let connect id =
  let fe = "device/vbd/" ^ id in
  Xen_os.Xs.read (fe ^ "/backend-id") >>= fun b ->
  let backend_id = try int_of_string (String.trim b) with _ -> 0 in
  let ring = Cstruct.create 4096 in
  let gref = Xen_os.Xen.Export.share_page ~domid:backend_id ~writable:true ring in
  let evtchn = Xen_os.Eventchn.alloc_unbound backend_id in
  Xen_os.Xs.write (fe ^ "/ring-ref") (string_of_int gref) >>= fun () ->
  Xen_os.Xs.write (fe ^ "/event-channel") (string_of_int evtchn) >>= fun () ->
  Xen_os.Xs.read (fe ^ "/sectors") >|= fun s ->
  { evtchn; ring; gref; sectors = (try Int64.of_string (String.trim s) with _ -> 0L) }

(* Queue one request (op 0 = read, 1 = write) for [sector] and wait for the reply. *)
let request t op sector =
  let prod = Int32.to_int (Cstruct.LE.get_uint32 t.ring 0) in
  let slot = 64 + (112 * (prod mod 32)) in
  Cstruct.set_uint8 t.ring slot op;
  Cstruct.LE.set_uint64 t.ring (slot + 8) sector;
  Cstruct.LE.set_uint32 t.ring 0 (Int32.of_int (prod + 1));
  Xen_os.Eventchn.notify t.evtchn;
  Xen_os.Eventchn.wait t.evtchn >|= fun () ->
  if Cstruct.get_uint8 t.ring (slot + 1) = 0 then Ok () else Error `Unspecified_error

let read t sector = request t 0 sector
let write t sector = request t 1 sector
let size_sectors t = t.sectors
