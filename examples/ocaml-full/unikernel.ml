(* SPDX-License-Identifier: ISC *)
(* Unikernel: counts frames on the net device, then stores a block encrypted with
   AES-CTR on the block device, reads it back, and prints its SHA-256. *)

open Lwt.Infix

module type NET = sig
  type t
  type error

  val listen :
    t -> header_size:int -> (Cstruct.t -> unit Lwt.t) -> (unit, error) result Lwt.t
end

module type BLOCK = sig
  type t
  type error
  type info = { read_write : bool; sector_size : int; size_sectors : int64 }

  val get_info : t -> info Lwt.t
  val read : t -> int64 -> Cstruct.t list -> (unit, error) result Lwt.t
  val write : t -> int64 -> Cstruct.t list -> (unit, error) result Lwt.t
end

module type TIME = sig
  val sleep_ns : int64 -> unit Lwt.t
end

let hex cs =
  String.concat ""
    (List.init (Cstruct.length cs) (fun i -> Printf.sprintf "%02x" (Cstruct.get_uint8 cs i)))

(* Deliberately dead: never called. Exported from the unit (no .mli), so
   ocamlopt compiles it and the module block refers to its closure; nothing
   calls it (ground truth for mirage-audit, see truth.txt). *)
let never_called_rekey key =
  let k = Mirage_crypto.Hash.SHA256.digest (Cstruct.of_string ("rekey:" ^ key)) in
  Mirage_crypto.Cipher_block.AES.CTR.of_secret (Cstruct.sub k 0 16)

let key = Mirage_crypto.Cipher_block.AES.CTR.of_secret (Cstruct.of_string "mirage-audit-key")
let ctr = Mirage_crypto.Cipher_block.AES.CTR.ctr_of_cstruct (Cstruct.create 16)

(* The plaintext block: bytes i*7+1, like solo5-hello writes. *)
let plaintext size =
  let cs = Cstruct.create size in
  for i = 0 to size - 1 do
    Cstruct.set_uint8 cs i ((i * 7) + 1)
  done;
  cs

module Main (N : NET) (B : BLOCK) (T : TIME) = struct
  let count_frames net =
    let frames = ref 0 and arp = ref 0 and ipv4 = ref 0 in
    let on_frame buf =
      incr frames;
      (if Cstruct.length buf >= 14 then
         match Cstruct.BE.get_uint16 buf 12 with
         | 0x0806 -> incr arp
         | 0x0800 -> incr ipv4
         | _ -> ());
      Lwt.return_unit
    in
    Lwt.pick
      [
        (N.listen net ~header_size:14 on_frame >|= fun _ -> ());
        T.sleep_ns 100_000_000L;
      ]
    >|= fun () -> (!frames, !arp, !ipv4)

  let store_and_check disk =
    B.get_info disk >>= fun info ->
    let plain = plaintext info.B.sector_size in
    let sealed = Mirage_crypto.Cipher_block.AES.CTR.encrypt ~key ~ctr plain in
    B.write disk 1L [ sealed ] >>= function
    | Error _ -> Lwt.return (info, "write failed")
    | Ok () -> (
        let back = Cstruct.create info.B.sector_size in
        B.read disk 1L [ back ] >|= function
        | Error _ -> (info, "read failed")
        | Ok () ->
            let opened = Mirage_crypto.Cipher_block.AES.CTR.decrypt ~key ~ctr back in
            (info, if Cstruct.equal opened plain then "ok" else "mismatch"))

  let start net disk =
    count_frames net >>= fun (frames, arp, ipv4) ->
    store_and_check disk >|= fun (info, aes) ->
    let digest = Mirage_crypto.Hash.SHA256.digest (plaintext info.B.sector_size) in
    let g =
      Mirage_crypto_rng.create ~seed:(Cstruct.of_string "mirage-audit")
        (module Mirage_crypto_rng.Fortuna)
    in
    let rnd = Mirage_crypto_rng.generate ~g 4 in
    Console_solo5.log
      (Printf.sprintf
         "ocaml-full: %d frames, %d arp, %d ipv4; storage %Ld sectors; sha256 %s; aes-ctr %s; \
          rng %s"
         frames arp ipv4 info.B.size_sectors (hex (Cstruct.sub digest 0 8)) aes (hex rnd))
end
