(* SPDX-License-Identifier: ISC *)
(* Main: the glue MirageOS 3 generates, applying the unikernel to its devices. *)

open Lwt.Infix

module Unikernel1 = Unikernel.Main (Netif) (Solo5_os.Time)

let () =
  let t = Netif.connect "service" >>= fun net -> Unikernel1.start net in
  Solo5_os.Main.run t
