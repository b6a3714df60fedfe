(* SPDX-License-Identifier: ISC *)
(* Console_solo5: the console device (mirage-console-solo5's unit name). *)

external solo5_console_write : string -> unit = "mirage_solo5_console_write"

let log s = solo5_console_write (s ^ "\n")
