(* SPDX-License-Identifier: ISC *)
(* Unikernel: a Xen unikernel that counts frames from netfront and reads a sector via blkfront. *)

open Lwt.Infix

(* Deliberately dead: never called (ground truth for mirage-audit, see truth.txt). *)
let never_called_stats frames = Printf.sprintf "xen-pvh: %d frames seen" frames

module Main (N : sig
  type t

  val listen : t -> (Cstruct.t -> unit Lwt.t) -> 'a Lwt.t
end) =
struct
  let start net disk =
    let frames = ref 0 in
    Blkfront.read disk 0L >>= fun _ ->
    Lwt.pick
      [
        N.listen net (fun _ -> incr frames; Lwt.return_unit);
        (Xen_os.Xs.read "control/shutdown" >|= fun _ -> ());
      ]
    >|= fun () -> print_endline (Printf.sprintf "xen-pvh: %d frames" !frames)
end
