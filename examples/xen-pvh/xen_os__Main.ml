(* SPDX-License-Identifier: ISC *)
(* Xen_os.Main: the Lwt main loop, blocking the domain until an event or a timer. *)

external block_domain : int64 -> unit = "mirage_xen_evtchn_block_domain"
external time : unit -> int64 = "caml_get_monotonic_time"

let run t =
  let rec loop () =
    Lwt.wakeup_paused ();
    match Lwt.poll t with
    | Some x -> x
    | None ->
        if not (Xen_os__Eventchn.run_pending ()) then
          block_domain (Int64.add (time ()) 10_000_000L);
        loop ()
  in
  loop ()
