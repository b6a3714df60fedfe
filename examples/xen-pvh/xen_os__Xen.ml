(* SPDX-License-Identifier: ISC *)
(* Xen_os.Xen: start-of-day information and the grant table (mirage-xen names). *)

external get_xenstore_evtchn : unit -> int = "mirage_xen_get_xenstore_evtchn"
external get_xenstore_page : unit -> Cstruct.buffer = "mirage_xen_get_xenstore_page"

module Gntref = struct
  type t = int

  external gnttab_init : unit -> unit = "mirage_xen_gnttab_init"
  external nr_entries : unit -> int = "mirage_xen_gnttab_nr_entries"

  let free = ref []

  let () =
    gnttab_init ();
    free := List.init (nr_entries () - 8) (fun i -> i + 8)

  let get () =
    match !free with
    | r :: rest ->
        free := rest;
        r
    | [] -> failwith "Gntref.get: no free grant reference"

  let put r = free := r :: !free
  let to_string = string_of_int
end

module Export = struct
  external grant_access : int -> int -> Cstruct.buffer -> bool -> unit
    = "mirage_xen_gnttab_grant_access"

  external end_access : int -> unit = "mirage_xen_gnttab_end_access"

  (* Share [page] with [domid]; returns the grant reference to advertise. *)
  let share_page ~domid ~writable page =
    let r = Gntref.get () in
    grant_access r domid page.Cstruct.buffer writable;
    r

  let unshare r =
    end_access r;
    Gntref.put r
end
