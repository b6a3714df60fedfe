(* SPDX-License-Identifier: ISC *)
(* Unikernel: counts the Ethernet frames on the net device, by EtherType, and prints a line.
   It takes no block device: the manifest's "storage" is declared for nothing. *)

open Lwt.Infix

module type NET = sig
  type t
  type error

  val listen :
    t -> header_size:int -> (Cstruct.t -> unit Lwt.t) -> (unit, error) result Lwt.t
end

module type TIME = sig
  val sleep_ns : int64 -> unit Lwt.t
end

let ethertype_arp = 0x0806
let ethertype_ipv4 = 0x0800

module Main (N : NET) (T : TIME) = struct
  let start net =
    let frames = ref 0 and arp = ref 0 and ipv4 = ref 0 in
    let on_frame buf =
      incr frames;
      (if Cstruct.length buf >= 14 then
         let ty = Cstruct.BE.get_uint16 buf 12 in
         if ty = ethertype_arp then incr arp else if ty = ethertype_ipv4 then incr ipv4);
      Lwt.return_unit
    in
    (* The device replays a file: stop listening once it has been idle 100 ms. *)
    Lwt.pick
      [
        (N.listen net ~header_size:14 on_frame >|= fun _ -> ());
        T.sleep_ns 100_000_000L;
      ]
    >|= fun () ->
    Console_solo5.log
      (Printf.sprintf "ocaml-declared: %d frames, %d arp, %d ipv4; storage unused" !frames !arp
         !ipv4)
end
