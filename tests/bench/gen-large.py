#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# Writes the GNU assembler source of a large, unikernel-shaped x86-64 image for `make bench`.
"""
usage: gen-large.py OUTDIR [UNITS [CHUNKS]]

Writes OUTDIR/ocaml-N.s (the OCaml-like compilation units, split into CHUNKS files so that
`as` can run in parallel), OUTDIR/c.s (runtime, C stubs, libc, the entry point) and
OUTDIR/files (the list of .s files, one a line).  The output is deterministic: a fixed
seed, no timestamps, so the same generator always builds the same image.

What the symbols look like, and why:
- Each OCaml unit has what ocamlopt emits on amd64: `camlM__code_begin`/`camlM__code_end`
  in .text and `camlM__data_begin`/`camlM__data_end` in .data, all NOTYPE size 0;
  functions `camlM__<name>_<stamp>` and `camlM__fun_<stamp>` with `.type @function` and
  `.size`; `camlM__entry`; the module block `camlM` and `camlM__const_block_<n>`
  (NOTYPE size 0, as real OCaml data is); `camlM__gc_roots` and `camlM__frametable`.
  Some units are wrapped library modules (`camlLib__Mod__...`), like dune's output.
- Functions contain real instructions: calls into other units and into the runtime,
  `lea` of the unit's data, a few arithmetic instructions and `ret`, so that a
  disassembler has real work to do and a reference graph has edges.
- The C side has `caml_*` runtime-like functions, `mc_*` stubs, libc-like names, some
  static (STB_LOCAL) helpers whose names repeat across "files", and .bss objects.
"""
import os
import random
import sys

SEED = 20240611

WORDS = ("map fold iter parse print encode decode read write find add remove update create "
         "init run step loop handle send recv connect close open get set make of to with "
         "check compare equal hash length split concat sub blit fill copy digest sign verify "
         "key value header body request response packet frame buffer cstruct flow stack "
         "listen accept bind resolve lookup query answer cache timer sleep wakeup join pick "
         "choose async catch fail return bind_ map_ apply").split()

LIBS = ("Lwt Mirage_crypto Mirage_crypto_pk Cstruct Tcpip Ipaddr Macaddr Ethernet Arp Dns "
        "Tls X509 Asn1 Fmt Logs Duration Mirage_runtime Mirage_net Mirage_time Mirage_clock "
        "Ptime Domain_name Base64 Eqaf Gmap Hkdf Randomconv Metrics Cohttp Uri Angstrom "
        "Faraday Httpaf Paf Conduit Ke Psq Lru Optint Checkseum Decompress Git Irmin").split()

LIBC = ("memcpy memmove memset memcmp memchr strlen strnlen strcmp strncmp strchr strrchr "
        "strcpy strncpy strdup strtol strtoul strtod strtoll atoi abort exit malloc calloc "
        "realloc free posix_memalign snprintf vsnprintf printf vfprintf fprintf fputs puts "
        "putchar fwrite fflush qsort bsearch getenv setjmp longjmp __errno_location "
        "__stack_chk_fail __assert_fail isdigit isspace isalpha toupper tolower "
        "clock_gettime gettimeofday time sbrk sysconf fmod floor ceil sqrt exp log pow "
        "ldexp frexp modf sin cos tan atan2 expm1 log1p hypot nextafter round trunc "
        "dlmalloc dlfree dlrealloc __udivti3 __divti3 __popcountdi2 __clzdi2").split()

SOLO5 = ("solo5_app_main solo5_exit solo5_abort solo5_clock_monotonic solo5_clock_wall "
         "solo5_yield solo5_console_write solo5_net_acquire solo5_net_write solo5_net_read "
         "solo5_block_acquire solo5_block_write solo5_block_read solo5_set_tls_base "
         "_start _start2").split()

RUNTIME = ("alloc alloc_small alloc_shr alloc_string alloc_tuple alloc_custom_mem "
           "call_gc call_realloc_stack minor_collection major_collection_slice "
           "raise raise_exn raise_exception raise_with_arg invalid_argument failwith "
           "copy_string string_length compare equal notequal lessthan greaterequal hash "
           "modify initialize caml_main startup_common init_gc init_major_heap "
           "oldify_one oldify_mopup empty_minor_heap darken mark_slice sweep_slice "
           "compact_heap fl_allocate fl_merge_block register_named_value named_value "
           "callback callback2 callback_exn format_int format_float int_of_string "
           "float_of_string bytes_create blit_bytes fill_bytes ml_array_blit "
           "make_vect array_gather obj_dup obj_block lazy_make_forward "
           "ba_create ba_sub ba_blit ba_fill ba_get_1 ba_set_1 ba_alloc "
           "md5_string sys_exit sys_time sys_random_seed ml_open_descriptor_in "
           "record_backtrace stash_backtrace print_exception_backtrace "
           "fatal_error fatal_uncaught_exception memprof_track_alloc_shr "
           "garbage_collection start_program program").split()

C_STUBS = ("sha256_init sha256_update sha256_finalize sha512_init sha512_update "
           "sha512_finalize sha1_update md5_update blake2b_update blake2s_update "
           "aes_create_enc aes_create_dec aes_enc aes_dec aes_ctr aes_gcm_ghash "
           "chacha20_block poly1305_update poly1305_finalize xor_into count_16_be "
           "p256_mul p256_inv p384_mul p521_mul x25519_scalar_mult ed25519_sign "
           "ed25519_verify entropy_rdrand entropy_rdseed detect_cpu_features").split()


def unit_names(rng, n_units):
	"""Module names: plain units and dune-wrapped library modules (Lib__Mod)."""
	names = []
	seen = set()
	for i in range(n_units):
		if rng.random() < 0.6:
			lib = LIBS[rng.randrange(len(LIBS))]
			name = "%s__%s%d" % (lib, rng.choice(WORDS).capitalize(), i)
		else:
			name = "Unit%d" % i
		if name in seen:
			name = "Unit%d" % i
		seen.add(name)
		names.append(name)
	return names


def func_count(rng):
	"""Functions per unit: mostly small units, a few big ones (a skewed distribution)."""
	r = rng.random()
	if r < 0.7:
		return rng.randint(10, 90)
	if r < 0.95:
		return rng.randint(90, 300)
	return rng.randint(300, 900)


class Plan:
	"""Every symbol name, decided before any code is written, so calls can cross units."""

	def __init__(self, n_units, seed):
		rng = random.Random(seed)
		self.units = unit_names(rng, n_units)
		self.funcs = []      # per unit: list of function names
		self.n_consts = []   # per unit: number of const blocks
		stamp = 100
		for u in self.units:
			n = func_count(rng)
			fs = []
			for _ in range(n):
				stamp += rng.randint(1, 9)
				if rng.random() < 0.35:
					fs.append("caml%s__fun_%d" % (u, stamp))
				else:
					fs.append("caml%s__%s_%d" % (u, rng.choice(WORDS), stamp))
			self.funcs.append(fs)
			self.n_consts.append(rng.randint(2, 24))
		self.runtime = ["caml_" + r for r in RUNTIME] + \
			["caml_%s_%d" % (rng.choice(RUNTIME), i) for i in range(1200)]
		self.stubs = ["mc_" + s for s in C_STUBS] + \
			["mc_%s_%d" % (rng.choice(C_STUBS), i) for i in range(400)]
		self.libc = LIBC + ["__libc_%s_%d" % (rng.choice(LIBC), i) for i in range(600)]


def emit_function(out, rng, name, unit_idx, plan, is_global=True):
	"""One function: a frame, calls, data references, arithmetic and ret."""
	if is_global:
		out.append("\t.globl\t%s\n" % name)
	out.append("\t.p2align 4\n\t.type\t%s,@function\n%s:\n\tsubq\t$8, %%rsp\n" % (name, name))
	r = rng.random()
	n_ops = rng.randint(2, 8) if r < 0.9 else rng.randint(12, 60 if r < 0.99 else 300)
	units = plan.units
	funcs = plan.funcs
	for _ in range(n_ops):
		k = rng.random()
		if k < 0.40:
			# Calls go mostly to earlier units: OCaml link order is dependency order.
			t = rng.randrange(unit_idx + 1) if unit_idx >= 0 else rng.randrange(len(units))
			fs = funcs[t]
			out.append("\tcall\t%s\n" % fs[rng.randrange(len(fs))])
		elif k < 0.50:
			out.append("\tcall\t%s\n" % plan.runtime[rng.randrange(len(plan.runtime))])
		elif k < 0.53:
			out.append("\tcall\t%s\n" % plan.stubs[rng.randrange(len(plan.stubs))])
		elif k < 0.68:
			if unit_idx >= 0:
				u = units[unit_idx]
				c = rng.randrange(plan.n_consts[unit_idx])
				out.append("\tleaq\tcaml%s__const_block_%d(%%rip), %%rax\n" % (u, c))
			else:
				out.append("\tleaq\tcaml_globals(%rip), %rax\n")
		elif k < 0.78:
			out.append("\tmovq\t%%rax, %d(%%rsp)\n" % (8 * rng.randrange(1, 6)))
		elif k < 0.88:
			out.append("\taddq\t$%d, %%rax\n" % rng.randrange(2, 4096, 2))
		elif k < 0.94:
			out.append("\tcmpq\t%rbx, %rax\n\tjne\t1f\n\tmovq\t%rax, %rdi\n1:\n")
		else:
			out.append("\tmovq\t(%rax), %rbx\n")
	out.append("\taddq\t$8, %%rsp\n\tret\n\t.size\t%s,.-%s\n" % (name, name))


def emit_unit(out, rng, i, plan):
	u = plan.units[i]
	m = "caml" + u
	# Each unit starts aligned, as if it were its own object file.
	out.append("\t.text\n\t.p2align 4\n\t.globl\t%s__code_begin\n%s__code_begin:\n" % (m, m))
	for f in plan.funcs[i]:
		emit_function(out, rng, f, i, plan)
	# The entry initialises the module block, as ocamlopt's does.
	out.append("\t.globl\t%s__entry\n\t.type\t%s__entry,@function\n%s__entry:\n"
		   "\tleaq\t%s(%%rip), %%rax\n\tcall\t%s\n\tret\n\t.size\t%s__entry,.-%s__entry\n"
		   % (m, m, m, m, plan.funcs[i][0], m, m))
	out.append("\t.globl\t%s__code_end\n%s__code_end:\n" % (m, m))

	out.append("\t.data\n\t.globl\t%s__data_begin\n%s__data_begin:\n" % (m, m))
	n_fields = min(len(plan.funcs[i]), 40)
	out.append("\t.quad\t%d\n\t.globl\t%s\n%s:\n" % ((n_fields << 10) | 0x300, m, m))
	for f in plan.funcs[i][:n_fields]:
		out.append("\t.quad\t%s\n" % f)
	for c in range(plan.n_consts[i]):
		words = rng.randint(1, 12)
		out.append("\t.quad\t%d\n\t.globl\t%s__const_block_%d\n%s__const_block_%d:\n"
			   % ((words << 10) | 0x700, m, c, m, c))
		out.append("\t.quad\t%s\n" % ",".join(str(rng.randrange(1 << 20)) for _ in range(words)))
	# Some closures are sized objects, the way newer compilers and C-side data look.
	for f in plan.funcs[i][::3]:
		out.append("\t.globl\t%s_closure\n\t.type\t%s_closure,@object\n"
			   "\t.size\t%s_closure,24\n%s_closure:\n\t.quad\t%s,0x100000000000005,0\n"
			   % (f, f, f, f, f))
	out.append("\t.globl\t%s__data_end\n%s__data_end:\n\t.quad\t0\n" % (m, m))
	out.append("\t.globl\t%s__gc_roots\n%s__gc_roots:\n\t.quad\t%s,0\n" % (m, m, m))
	n_frames = len(plan.funcs[i])
	out.append("\t.globl\t%s__frametable\n\t.type\t%s__frametable,@object\n%s__frametable:\n"
		   "\t.quad\t%d\n\t.zero\t%d\n\t.size\t%s__frametable,.-%s__frametable\n"
		   % (m, m, m, n_frames, 16 * n_frames, m, m))

	out.append("\t.section\t.rodata\n")
	for s in range(rng.randint(1, 8)):
		text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 30)))
		out.append("\t.globl\t%s__const_string_%d\n\t.type\t%s__const_string_%d,@object\n"
			   "%s__const_string_%d:\n\t.string\t\"%s\"\n"
			   "\t.size\t%s__const_string_%d,.-%s__const_string_%d\n"
			   % (m, s, m, s, m, s, text, m, s, m, s))
	if rng.random() < 0.02:
		# A few units carry big tables (certificates, S-boxes, a zoneinfo blob...).
		n = rng.randint(16, 128) * 1024
		out.append("\t.globl\t%s__table\n\t.type\t%s__table,@object\n%s__table:\n"
			   "\t.zero\t%d, 0x5a\n\t.size\t%s__table,%d\n" % (m, m, m, n, m, n))


def emit_helpers(out, rng, plan):
	"""Static helpers: STB_LOCAL, and the same names recur in every file, as in real C."""
	for i in range(200):
		name = "%s_%d" % (("static_helper", "do_op", "inner", "slow_path")[i % 4], i)
		emit_function(out, rng, name, -1, plan, is_global=False)


def emit_c_start(out, rng, plan):
	"""Solo5 ABI note, the entry point, solo5 bindings and the OCaml runtime."""
	out.append("\t.file\t\"start.c\"\n")
	out.append("\t.section\t.note.solo5.abi,\"a\",@note\n\t.p2align 2\n"
		   "__solo5_abi1_note:\n\t.long\t6, 16, 0x31494241\n\t.string\t\"Solo5\"\n"
		   "\t.p2align 2\n\t.long\t1, 2, 0, 0\n")
	out.append("\t.text\n\t.globl\t_start\n\t.type\t_start,@function\n_start:\n"
		   "\tcall\tcaml_program\n\tcall\tsolo5_exit\n\thlt\n\t.size\t_start,.-_start\n")
	# caml_program calls every unit's entry in link order, as OCaml's startup code does.
	out.append("\t.globl\tcaml_program\n\t.type\tcaml_program,@function\ncaml_program:\n")
	for u in plan.units:
		out.append("\tcall\tcaml%s__entry\n" % u)
	out.append("\tret\n\t.size\tcaml_program,.-caml_program\n")
	for name in SOLO5:
		if name not in ("_start", "caml_program"):
			emit_function(out, rng, name, -1, plan)
	for name in plan.runtime:
		if name != "caml_program":
			emit_function(out, rng, name, -1, plan)
	emit_helpers(out, rng, plan)
	out.append("\t.data\n\t.globl\tcaml_globals\n\t.type\tcaml_globals,@object\ncaml_globals:\n")
	for u in plan.units:
		out.append("\t.quad\tcaml%s__gc_roots\n" % u)
	out.append("\t.quad\t0\n\t.size\tcaml_globals,.-caml_globals\n")
	out.append("\t.bss\n")
	for name, size in (("caml_young_area", 256 * 1024), ("caml_major_ring", 64 * 1024),
			   ("solo5_heap_start_marker", 4096)):
		out.append("\t.globl\t%s\n\t.type\t%s,@object\n\t.p2align 6\n%s:\n\t.zero\t%d\n"
			   "\t.size\t%s,%d\n" % (name, name, name, size, name, size))


def emit_c_lib(out, rng, plan, file_name, names, prefix):
	"""A C library: global functions, local helpers, and local .bss objects."""
	out.append("\t.file\t\"%s\"\n\t.text\n" % file_name)
	for name in names:
		emit_function(out, rng, name, -1, plan)
	emit_helpers(out, rng, plan)
	out.append("\t.bss\n")
	for i in range(1000):
		name = "%s_state_%d" % (prefix, i)
		size = 8 << rng.randrange(8)
		out.append("\t.type\t%s,@object\n%s:\n\t.zero\t%d\n\t.size\t%s,%d\n"
			   % (name, name, size, name, size))


def main():
	if len(sys.argv) < 2:
		sys.stderr.write(__doc__)
		return 2
	outdir = sys.argv[1]
	n_units = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
	n_chunks = int(sys.argv[3]) if len(sys.argv) > 3 else 8
	plan = Plan(n_units, SEED)
	files = []
	per = (n_units + n_chunks - 1) // n_chunks
	for c in range(n_chunks):
		out = []
		for i in range(c * per, min(n_units, (c + 1) * per)):
			# One stream per unit: the image does not depend on how it is chunked.
			emit_unit(out, random.Random(SEED * 7919 + i), i, plan)
		path = os.path.join(outdir, "ocaml-%d.s" % c)
		with open(path, "w") as f:
			f.write("".join(out))
		files.append(path)
	c_files = (
		("c-start.s", lambda out, rng: emit_c_start(out, rng, plan)),
		("c-stubs.s", lambda out, rng: emit_c_lib(out, rng, plan, "mirage_crypto_stubs.c",
							  plan.stubs, "mc")),
		("c-libc.s", lambda out, rng: emit_c_lib(out, rng, plan, "nolibc.c", plan.libc,
							 "libc")),
	)
	for k, (name, emit) in enumerate(c_files):
		out = []
		emit(out, random.Random(SEED - 1 - k))
		path = os.path.join(outdir, name)
		with open(path, "w") as f:
			f.write("".join(out))
		files.append(path)
	with open(os.path.join(outdir, "files"), "w") as f:
		f.write("".join(p + "\n" for p in files))
	return 0


if __name__ == "__main__":
	sys.exit(main())
