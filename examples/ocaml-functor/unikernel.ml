(* SPDX-License-Identifier: ISC *)
(* Unikernel: the application, a functor over a read-only key-value store, the way MirageOS
   applications are functors over their devices. Its signature names one function, read. *)

module type KV_RO = sig
  val read : string -> string
end

module Make (S : KV_RO) = struct
  let start () = Lwt.return (Console_solo5.log ("ocaml-functor: greeting=" ^ S.read "greeting"))

  (* In the functor's result, never fetched from it. *)
  let never_fetched_report () = Console_solo5.log ("ocaml-functor: other=" ^ S.read "other")
end
