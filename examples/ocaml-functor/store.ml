(* SPDX-License-Identifier: ISC *)
(* Store: a key-value device module with more fields than the functor that takes it needs.
   [@inline never] keeps each function a function of its own, so that which of them run
   follows from the source alone. *)

let table : (string, string) Hashtbl.t = Hashtbl.create 7

let[@inline never] read key = match Hashtbl.find_opt table key with Some v -> v | None -> "?"

let[@inline never] write key v = Hashtbl.replace table key v

(* Not in the functor's signature, and nothing calls it. *)
let[@inline never] delete key = Hashtbl.remove table key

(* Exported, never used by anyone. *)
let[@inline never] never_called_compact () =
  Hashtbl.reset table;
  Hashtbl.length table
