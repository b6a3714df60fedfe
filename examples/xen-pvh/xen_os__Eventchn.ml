(* SPDX-License-Identifier: ISC *)
(* Xen_os.Eventchn: event channels and the threads waiting on them (mirage-xen names). *)

type t = int

external alloc_unbound : int -> t = "mirage_xen_evtchn_alloc_unbound"
external bind_interdomain : int -> int -> t = "mirage_xen_evtchn_bind_interdomain"
external unmask : t -> unit = "mirage_xen_evtchn_unmask"
external notify : t -> unit = "mirage_xen_evtchn_notify"
external unbind : t -> unit = "mirage_xen_evtchn_unbind"
external test_and_clear : t -> bool = "mirage_xen_evtchn_test_and_clear"

let waiters : (t, unit Lwt.u list) Hashtbl.t = Hashtbl.create 16

let wait port =
  let th, u = Lwt.task () in
  let others = try Hashtbl.find waiters port with Not_found -> [] in
  Hashtbl.replace waiters port (u :: others);
  unmask port;
  th

(* Wake the threads of every channel with a pending event. *)
let run_pending () =
  let ready = Hashtbl.fold (fun p _ acc -> if test_and_clear p then p :: acc else acc) waiters [] in
  List.iter
    (fun p ->
      let us = Hashtbl.find waiters p in
      Hashtbl.remove waiters p;
      List.iter (fun u -> Lwt.wakeup_later u ()) us)
    ready;
  ready <> []
