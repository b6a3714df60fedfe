(* SPDX-License-Identifier: ISC *)
(* Xen_os.Xs: a xenstore client speaking the ring protocol over the start-of-day page. *)

open Lwt.Infix

(* struct xenstore_domain_interface: req[1024] rsp[1024] then the four indexes. *)
let ring_size = 1024
let req_off = 0
let rsp_off = 1024
let req_cons = 2048
let req_prod = 2052
let rsp_cons = 2056
let rsp_prod = 2060

type op = Read | Write | Directory

let op_code = function Directory -> 1 | Read -> 2 | Write -> 11

type t = { page : Cstruct.t; port : Xen_os__Eventchn.t; mutable next_id : int32 }

let client =
  lazy
    {
      page = Cstruct.of_bigarray (Xen_os__Xen.get_xenstore_page ());
      port = Xen_os__Xen.get_xenstore_evtchn ();
      next_id = 1l;
    }

let put_bytes page prod s =
  String.iteri
    (fun i c -> Cstruct.set_char page (req_off + ((prod + i) mod ring_size)) c)
    s;
  prod + String.length s

let get_bytes page cons n =
  String.init n (fun i -> Cstruct.get_char page (rsp_off + ((cons + i) mod ring_size)))

(* Send one request (header: type, req_id, tx_id, len) and wait for its reply. *)
let rpc op payload =
  let c = Lazy.force client in
  let hdr = Cstruct.create 16 in
  Cstruct.LE.set_uint32 hdr 0 (Int32.of_int (op_code op));
  Cstruct.LE.set_uint32 hdr 4 c.next_id;
  Cstruct.LE.set_uint32 hdr 12 (Int32.of_int (String.length payload));
  c.next_id <- Int32.succ c.next_id;
  let prod = Int32.to_int (Cstruct.LE.get_uint32 c.page req_prod) in
  let prod = put_bytes c.page prod (Cstruct.to_string hdr ^ payload) in
  Cstruct.LE.set_uint32 c.page req_prod (Int32.of_int prod);
  Xen_os__Eventchn.notify c.port;
  let rec await () =
    let cons = Int32.to_int (Cstruct.LE.get_uint32 c.page rsp_cons) in
    let prod = Int32.to_int (Cstruct.LE.get_uint32 c.page rsp_prod) in
    if prod - cons < 16 then Xen_os__Eventchn.wait c.port >>= await
    else
      let h = Cstruct.of_string (get_bytes c.page cons 16) in
      let len = Int32.to_int (Cstruct.LE.get_uint32 h 12) in
      let body = get_bytes c.page (cons + 16) len in
      Cstruct.LE.set_uint32 c.page rsp_cons (Int32.of_int (cons + 16 + len));
      Lwt.return body
  in
  await ()

let read path = rpc Read (path ^ "\000")
let write path value = rpc Write (path ^ "\000" ^ value) >|= fun _ -> ()
let directory path = rpc Directory (path ^ "\000") >|= String.split_on_char '\000'
