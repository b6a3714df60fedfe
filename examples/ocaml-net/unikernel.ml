(* SPDX-License-Identifier: ISC *)
(* Unikernel: counts the Ethernet frames on the net device, by EtherType, and prints a line. *)

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

(* Deliberately dead: never called. Exported from the unit (no .mli), so
   ocamlopt compiles it and the module block refers to its closure; nothing
   calls it (ground truth for mirage-audit, see truth.txt). *)
let never_called_hexdump buf =
  let b = Buffer.create (3 * Cstruct.length buf) in
  for i = 0 to Cstruct.length buf - 1 do
    if i > 0 && i mod 16 = 0 then Buffer.add_char b '\n';
    Buffer.add_string b (Printf.sprintf "%02x " (Cstruct.get_uint8 buf i))
  done;
  Buffer.contents b

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
      (Printf.sprintf "ocaml-net: %d frames, %d arp, %d ipv4" !frames !arp !ipv4)
end
