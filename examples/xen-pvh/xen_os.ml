(* SPDX-License-Identifier: ISC *)
(* Alias module of the wrapped platform library, as dune generates for mirage-xen's Xen_os. *)

module Xen = Xen_os__Xen
module Eventchn = Xen_os__Eventchn
module Xs = Xen_os__Xs
module Main = Xen_os__Main
