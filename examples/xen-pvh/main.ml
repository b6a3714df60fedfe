(* SPDX-License-Identifier: ISC *)
(* Main: the glue MirageOS generates for a Xen unikernel with one vif and one vbd. *)

open Lwt.Infix

module Unikernel1 = Unikernel.Main (Netif)

let () =
  let t =
    Netif.connect "0" >>= fun net ->
    Blkfront.connect "51712" >>= fun disk -> Unikernel1.start net disk
  in
  Xen_os.Main.run t
