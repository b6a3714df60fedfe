(* SPDX-License-Identifier: ISC *)
(* Main: the glue MirageOS generates. Store has read, write, delete and never_called_compact;
   applying Make coerces it to KV_RO, which copies only read into a new block. *)

module Unikernel1 = Unikernel.Make (Store)

let () =
  Store.write "greeting" "hello";
  Solo5_os.Main.run (Unikernel1.start ())
