(* SPDX-License-Identifier: ISC *)
(* Main: the glue MirageOS 3 generates. Only the net device is passed to the
   unikernel, so no Block unit is linked, although the manifest declares one. *)

open Lwt.Infix

module Unikernel1 = Unikernel.Main (Netif) (Solo5_os.Time)

let () =
  let t = Netif.connect "service" >>= fun net -> Unikernel1.start net in
  Solo5_os.Main.run t
