(* SPDX-License-Identifier: ISC *)
(* Solo5_os.Main: the Lwt main loop of the platform, yielding to Solo5 between steps. *)

external solo5_yield : int64 -> int64 -> int64 = "mirage_solo5_yield_2"

(* Threads waiting for input on a device handle. *)
let work : (int64, unit Lwt.u list) Hashtbl.t = Hashtbl.create 7

let wait_for_work_on_handle h =
  let t, u = Lwt.task () in
  let others = try Hashtbl.find work h with Not_found -> [] in
  Hashtbl.replace work h (u :: others);
  t

let interest () =
  Hashtbl.fold
    (fun h _ acc -> Int64.logor acc (Int64.shift_left 1L (Int64.to_int h)))
    work 0L

let wake ready =
  let woken =
    Hashtbl.fold
      (fun h us acc ->
        if Int64.logand ready (Int64.shift_left 1L (Int64.to_int h)) <> 0L then
          (h, us) :: acc
        else acc)
      work []
  in
  List.iter
    (fun (h, us) ->
      Hashtbl.remove work h;
      List.iter (fun u -> Lwt.wakeup_later u ()) us)
    woken

let run t =
  let rec loop () =
    Lwt.wakeup_paused ();
    Solo5_os__Time.restart_threads (Solo5_os__Time.time ());
    match Lwt.poll t with
    | Some x -> x
    | None ->
        let now = Solo5_os__Time.time () in
        let deadline =
          match Solo5_os__Time.select_next () with
          | Some d -> d
          | None -> Int64.add now 1_000_000_000L
        in
        let ready = solo5_yield deadline (interest ()) in
        wake ready;
        loop ()
  in
  loop ()
