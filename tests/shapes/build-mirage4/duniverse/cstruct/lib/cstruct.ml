(* fixture: the one module of the cstruct library *)
