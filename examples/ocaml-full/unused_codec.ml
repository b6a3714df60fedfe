(* SPDX-License-Identifier: ISC *)
(* Unused_codec: deliberately dead. The link line names its .cmx, so it is
   linked and its initialiser runs (building the table), but nothing ever
   calls its functions (ground truth for mirage-audit, see truth.txt). *)

let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
let table = Array.init 256 (fun c -> try String.index alphabet (Char.chr c) with Not_found -> -1)

let encode s =
  let len = String.length s in
  let b = Buffer.create (4 * ((len + 2) / 3)) in
  let get i = if i < len then Char.code s.[i] else 0 in
  let i = ref 0 in
  while !i < len do
    let n = (get !i lsl 16) lor (get (!i + 1) lsl 8) lor get (!i + 2) in
    let chars = min 4 (len - !i + 1) in
    for k = 0 to 3 do
      if k < chars then Buffer.add_char b alphabet.[(n lsr (18 - (6 * k))) land 63]
      else Buffer.add_char b '='
    done;
    i := !i + 3
  done;
  Buffer.contents b

let decode_char c = table.(Char.code c)
