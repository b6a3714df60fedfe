(* SPDX-License-Identifier: ISC *)
(* Main: the glue MirageOS 3 generates, applying the unikernel to its devices. *)

open Lwt.Infix

module Unikernel1 = Unikernel.Main (Netif) (Block) (Solo5_os.Time)

let () =
  let t =
    Netif.connect "service" >>= fun net ->
    Block.connect "storage" >>= fun disk -> Unikernel1.start net disk
  in
  Solo5_os.Main.run t
