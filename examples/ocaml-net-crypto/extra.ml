(* SPDX-License-Identifier: ISC *)
(* Extra: what the variant adds to ocaml-net, one library (mirage-crypto) used at start-up. *)

let fingerprint =
  Mirage_crypto.Hash.SHA256.digest (Cstruct.of_string "ocaml-net-crypto variant")

let () = if Cstruct.length fingerprint <> 32 then exit 3
