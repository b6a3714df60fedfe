(* SPDX-License-Identifier: ISC *)
(* Alias module of the wrapped platform library, as dune generates for mirage-solo5's Solo5_os. *)

module Main = Solo5_os__Main
module Time = Solo5_os__Time
