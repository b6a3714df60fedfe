(* SPDX-License-Identifier: ISC *)
(* Solo5_os.Time: monotonic time and the sleep queue the main loop serves. *)

external time : unit -> int64 = "caml_get_monotonic_time"

(* Sleepers sorted by deadline (nanoseconds, monotonic). *)
let sleepers : (int64 * unit Lwt.u) list ref = ref []

let sleep_ns d =
  let t, u = Lwt.task () in
  let deadline = Int64.add (time ()) d in
  let rec insert = function
    | [] -> [ (deadline, u) ]
    | ((d', _) as s) :: rest when Int64.compare d' deadline <= 0 -> s :: insert rest
    | l -> (deadline, u) :: l
  in
  sleepers := insert !sleepers;
  t

(* Wake every sleeper whose deadline has passed. *)
let restart_threads now =
  let rec go () =
    match !sleepers with
    | (d, u) :: rest when Int64.compare d now <= 0 ->
        sleepers := rest;
        Lwt.wakeup_later u ();
        go ()
    | _ -> ()
  in
  go ()

let select_next () =
  match !sleepers with [] -> None | (d, _) :: _ -> Some d
