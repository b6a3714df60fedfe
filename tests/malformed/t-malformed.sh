#!/bin/sh
# SPDX-License-Identifier: ISC
# Hostile inputs: mirage-audit must refuse what it cannot load and load what
# it can, never crash, hang, eat memory, leave output behind or touch its input.
# The contract (issue "Bad input") and why each class has its outcome: README.md.
#
# Environment: MA (the binary), EXAMPLES (built examples), TOP (repo root, the
# cwd), VALGRIND=1 (run the tool under valgrind), SANITIZE (set when the tool
# was built with sanitizers).
#
# How the fixtures are built (elfutils' tests/run-*.sh embed this too).
# Nothing binary is committed: tests/malformed/gen.py writes every fixture
# into $TMPD/cases at test time, plus $TMPD/cases/expect (name, status 0|2,
# regex, forbidden regex, path, description).
#   The ELF64 base: $EXAMPLES/solo5-hello/solo5-hello.spt when it exists, else
#   a static x86_64 ET_EXEC built by gen.py with `gcc -static -nostdlib
#   -no-pie -g` from its BASE_C (a _start that loops, .rodata/.data/.bss, a
#   Solo5 MFT1 manifest note with 3 entries and an ABI1 note, each in its own
#   PT_NOTE), else a copy of /bin/true.  If the base has no MFT1 note, gen.py
#   appends one (reserved, "service", "storage") at end of file and points a
#   PT_NOTE (or a spare PT_NULL/PT_GNU_STACK entry) at it.
#   The ELF32 base: an i386 ET_EXEC that gen.py writes byte by byte (one
#   PT_LOAD over ehdr, phdr, .text and .rodata; .symtab, .strtab,
#   .shstrtab).  Every structural case below also exists as elf32-<name>,
#   the same edit made to the ELF32 base.  Manifest cases are ELF64 only.
#   "2^N" is 2^64 for ELF64 and 2^32 for ELF32.
#
# Each case, how it is made, and the required outcome
# (2 = exactly one line "mirage-audit: FILE: <problem>" on stderr, empty
#  stdout; 0 = a report, stderr only "mirage-audit: FILE: warning: ..." lines,
#  and at least one such warning when the case is malformed):
#  valid bases, 0 with no manifest or section warning (they keep the
#  "0 + warning" cases honest: a tool that always warned would pass those):
#   valid                    the ELF64 base, with its MFT1 note
#   elf32-valid              the ELF32 base
#   symlink-to-valid         a symlink to valid
#  not an ELF image, 2:
#   empty                    a zero-byte file
#   path-as-given            empty, named as $TMPD/cases/./empty: the message repeats that path
#   not-elf-text             four lines of text
#   not-elf-short            the 3 bytes "\177EL"
#   bad-magic                the base with e_ident[EI_MAG3] 'F' changed to 'X'
#   ident-class-invalid      the base with e_ident[EI_CLASS] = 3
#   ident-data-invalid       the base with e_ident[EI_DATA] = 3
#  truncated headers, 2:
#   ehdr-cut-at-1            the first byte of the base
#   ehdr-cut-at-4            the first 4 bytes (the magic)
#   ehdr-cut-at-16           the first 16 bytes (e_ident)
#   ehdr-cut-at-24           the first 24 bytes
#   ehdr-cut-at-40           the first 40 bytes
#   ehdr-cut-at-last         the first e_ehsize - 1 bytes
#   phdr-table-cut-start     cut 1 byte into the program header table
#   phdr-table-cut-mid       cut in the middle of the program header table
#   phdr-table-cut-end       cut 1 byte short of the end of the program header table
#   file-cut-in-load         cut in the middle of the last PT_LOAD's file data
#  program headers that cannot size the image, 2:
#   phoff-past-eof           e_phoff = file size + 64
#   phoff-overflow           e_phoff = 2^N - 8: e_phoff + table size wraps
#   phnum-zero               e_phnum = 0
#   phnum-huge               e_phnum = 0xfffe: the table runs past EOF
#   phnum-xnum               e_phnum = 0xffff (PN_XNUM), section 0 sh_info = 0xffffffff
#   phentsize-bad            e_phentsize = 8
#   no-load                  every PT_LOAD turned into PT_NULL
#   load-offset-past-eof     first PT_LOAD with data: p_offset = file size + 4096
#   load-filesz-past-eof     last PT_LOAD with data: p_filesz ends 1 byte past EOF
#   load-offset-overflow     first PT_LOAD with data: p_offset = 2^N - 16 (wraps)
#   load-filesz-huge         first PT_LOAD with data: p_filesz = p_memsz = 2^(N-1)
#   load-memsz-wraps         last PT_LOAD: p_vaddr + p_memsz wraps the address space
#  section headers that lie, program headers sound: 0 + a warning naming
#  the section problem (regex "section" or a closer word):
#   shdr-table-cut-mid       cut in the middle of the section header table (2 if that
#                            also cuts PT_LOAD data: gen.py decides from the base)
#   shdr-table-cut-end       cut 1 byte short of the end of the section header table (idem)
#   shoff-past-eof           e_shoff = file size + 64
#   shoff-overflow           e_shoff = 2^N - 16 (wraps)
#   shnum-huge               e_shnum = 0xfeff: the table runs past EOF
#   shentsize-bad            e_shentsize = 8
#   shstrndx-out-of-range    e_shstrndx = e_shnum + 7
#   sh-name-out-of-range     first allocated PROGBITS section: sh_name = 0xfffffff0
#   sh-link-out-of-range     symbol table: sh_link = e_shnum + 100
#   sh-offset-past-eof       first allocated PROGBITS section: sh_offset = file size + 256
#   sh-size-past-eof         first allocated PROGBITS section: sh_size ends 1 byte past EOF
#   sh-offset-overflow       first allocated PROGBITS section: sh_offset = 2^N - 8 (wraps)
#   sections-overlap         second allocated PROGBITS section moved (sh_offset, sh_addr)
#                            into the middle of the first
#   symtab-size-huge         symbol table: sh_size = largest multiple of sh_entsize < 2^N
#   symtab-entsize-zero      symbol table: sh_entsize = 0
#   sym-name-out-of-range    last symbol: st_name = 0xfffffff0
#   nobits-size-wraps        first allocated NOBITS section (.bss): sh_addr + sh_size wraps
#                            (ELF64 only: the ELF32 base has no .bss)
#   section-outside-segments first allocated PROGBITS section: sh_addr 1 MiB past every PT_LOAD
#  symbols that lie otherwise, DWARF that is noise: 0, a warning welcome but
#  not required (what follows symbols and DWARF must survive them):
#   sym-shndx-out-of-range   first STT_FUNC symbol: st_shndx = 0xfeff
#   sym-size-huge            first STT_FUNC symbol: st_size = 2^(N-1)
#   sym-value-wraps          first STT_FUNC symbol: st_value = 2^N - 16, st_size = 256
#   debug-info-garbage       .debug_info filled with 0xff (ELF64 only; the gcc-built base
#                            is compiled with -g for it)
#  a malformed Solo5 manifest, 0 + a warning naming the manifest and the
#  problem (Solo5's mft_validate() rules, see shared/reference/formats.md 1.2):
#   mft-entries-65           a consistent 65-entry MFT1 note appended at EOF, the
#                            manifest's PT_NOTE pointed at it
#   mft-entries-wrap         entries += 2^29: 8 + 104*entries wraps to the true size in 32 bits
#   mft-entries-zero         entries = 0, n_descsz = 12 (no reserved entry)
#   mft-version-0            version = 0
#   mft-version-2            version = 2
#   mft-name-unterminated    entry 1: 68 bytes 'a', so name[67] != 0
#   mft-first-not-reserved   entry 0: type = NET_BASIC, not MFT_RESERVED_FIRST
#   mft-first-named          entry 0: name "rogue"
#   mft-attached             entry 1: attached = 1
#   mft-descsz-short         n_descsz 104 short of 12 + 104*entries (segment shrunk to match)
#   mft-descsz-tiny          n_descsz = 4 (empty manifest body)
#   mft-descsz-zero          n_descsz = 0 (n_descsz - 4 underflows)
#   mft-past-segment         entries + 1, n_descsz + 104: the note runs past its PT_NOTE
#   mft-segment-cut          the PT_NOTE ends in the middle of the note's last entry
#  a note whose sizes overflow, or whose segment lies: 0 + a warning naming
#  the note or the manifest:
#   note-namesz-huge         MFT1 note n_namesz = 0xffffffff
#   note-namesz-wrap         n_namesz = 0xfffffff4 (12 + n_namesz wraps to 0: a loop that
#                            never advances)
#   note-descsz-huge         n_descsz = 0xffffffff
#   note-descsz-wrap         n_descsz = 0xffffffec (20 + n_descsz wraps to 0)
#   note-segment-past-eof    the manifest's PT_NOTE p_offset = file size + 256
#   note-segment-huge        the manifest's PT_NOTE p_filesz = p_memsz = 2^63
#  not a regular file, 2, and no hang:
#   directory                a directory
#   nonexistent              a path that does not exist
#   unreadable               the valid base, chmod 000 (SKIP as root: root reads it)
#   fifo                     a FIFO with no writer
#   dev-zero                 /dev/zero
#   symlink-loop             symlink-loop -> symlink-loop-b -> symlink-loop
#  several images (text and size only; json and -o are left out: how several
#  images share one document or one -o file is not part of this contract):
#   multi-valid-then-empty   `mirage-audit valid empty`: valid's report on stdout,
#                            one error line for empty, exit 2 (the worst)
#   multi-empty-then-valid   the same, the other way round
#  generated families (mass.py runs each input once, one way: text, json,
#  size, out, dead, facilities in turn; inputs with the same bytes are kept
#  once).  Bases, the * below: hello (solo5-hello.spt), gcs
#  (gc-sections.plain.spt), a64 (aarch64-hello.hvt), elf32 (the ELF32 base).
#  Outcome: 2 or 0 as the rule decides from the headers left intact, "any"
#  (0 or 2, the shape checked) for random flips; "+w": the 0 needs a warning.
#   m-*-cut-N             the first N bytes, N at every header boundary: each ehdr field,
#                         each phdr and shdr (first, middle, last byte), each note header
#                         (4-byte steps, end of name), each section's first and last byte,
#                         symbol entries 0, 1, 2, n/4, n/2, n-1, n (start and middle), each
#                         segment's last byte; 2 if N < end of ehdr, phdr table or a
#                         PT_LOAD's bytes, else 0+w
#   m-*-flip-ehdr-S       S = 0..15: 1-3 bits of the ELF header flipped, seeded by base,
#                         table and S (random.Random); any
#   m-*-flip-phdr-S       the same in the program header table; any
#   m-*-flip-shdr-S       the same in the section header table; any
#   m-*-sec-eof-off-I     every section I but NULL and NOBITS: sh_offset past EOF; 0+w
#   m-*-sec-eof-size-I    the same sections: sh_size ends 1 byte past EOF; 0+w
#   m-*-seg-eof-off-I     every segment I with file bytes: p_offset past EOF; PT_LOAD 2,
#                         PT_NOTE 0+w, other types any
#   m-*-seg-eof-size-I    the same segments: p_filesz ends 1 byte past EOF; same outcomes
#   m-*-link-K            symbol table sh_link = K, K = 0..e_shnum+1, 0xffff, 0xffffffff
#                         (itself and sections that are no string table included); 0
#   m-*-link-cycle        its string table made a second SYMTAB linked back: a cycle; 0
#   m-*-name-sh-I         every section I: sh_name past the end of .shstrtab; 0+w
#   m-*-name-shstrndx-K   e_shstrndx = K for every other section, e_shnum and 0xffff; 0
#   m-*-name-st-K-V       symbols K = 1, 2, n/2, n-1: st_name = V = the string table size,
#                         size + 4096, 0xffffffff; 0+w
#   m-*-name-strtab-unterminated   the symbol string table's last byte made 'A'; 0
#   m-*-note-J-namesz-V   every note J: n_namesz = 0xffffffff, 0xfffffff4 (12 + n wraps),
#                         0x80000000, 0x10000; 0+w
#   m-*-note-J-descsz-V   n_descsz = 0xffffffff, 0xffffffec, 0x80000000, 0x1000000; 0+w
#   m-*-symtab-size-V     symbol table sh_size = one entry past EOF, 2^20 and 2^32 entries,
#                         the largest multiple of entsize below 2^N, 1 entry; 0 (+w past EOF)
#   m-*-symtab-entsize-V  sh_entsize = 1, 7, entsize - 1, entsize + 1, 4096, 0xffffffff,
#                         2^N - 1; 0
#   m-*-secsize-zero-I    every section I: sh_size = 0; 0
#   m-*-secsize-huge-I    every section I: sh_size = 2^(N-1); 0+w (0 for NOBITS)
#   m-*-secsize-wrap-I    every section I: sh_addr (sh_offset if 0) + sh_size wraps 2^N; 0
#
# Every case runs four ways: text (`mirage-audit FILE`), json (`mirage-audit
# --format json FILE`; a 0 must print one parseable JSON document), size
# (`mirage-audit size FILE -d section`) and out (`mirage-audit -o OUT FILE`:
# on 2 no OUT and no temporary file is left, on 0 OUT holds the report and
# stdout is empty).  Every run: under `timeout 10` (60 under valgrind); an
# exit status >= 128 is a signal; at most 512 MB (ulimit -v, unless under
# valgrind or sanitizers, and the peak RSS from /usr/bin/time -f %M); the
# input's sha256 is the same afterwards.  A case that hangs in one way is not
# run the other ways (they are reported failed), so that a hanging tool
# cannot make the suite run for minutes.  The cases run in two shards at
# once; the hand-written cases take about 15-30 s (50-70 s with sanitizers), the
# generated ones about 20-40 s more.

. "${TOP:-.}/tests/lib.sh"

here=${TOP:-.}/tests/malformed
start=$(date +%s)

if [ -z "${MA:-}" ] || [ ! -x "$MA" ]; then
	fail "mirage-audit binary missing"
	exit 1
fi
# Run a copy: in a shared work tree, a rebuild of $MA in the middle of the
# suite would otherwise fail cases with "Permission denied" (ETXTBSY).
cp "$MA" "$TMPD/mirage-audit" && MA=$TMPD/mirage-audit || exit 1

T=10
[ "${VALGRIND:-}" = 1 ] && T=60
LIMIT_KB=524288
# ulimit -v breaks valgrind and ASan (both reserve huge address ranges).
VLIMIT=$LIMIT_KB
if [ "${VALGRIND:-}" = 1 ] || [ -n "${SANITIZE:-}" ]; then
	VLIMIT=
fi
TIME=
[ -x /usr/bin/time ] && TIME=/usr/bin/time
[ "${VALGRIND:-}" = 1 ] && TIME=	# it would measure valgrind, not the tool
if [ -z "$TIME" ] && [ -z "$VLIMIT" ]; then
	skip "malformed/memory: not bounded (no /usr/bin/time, or valgrind; no ulimit -v)"
fi

cases=$TMPD/cases
base=
if [ -n "${EXAMPLES:-}" ] && [ -f "$EXAMPLES/solo5-hello/solo5-hello.spt" ]; then
	base=$EXAMPLES/solo5-hello/solo5-hello.spt
fi
# The generated families (mass.py, below) mutate these bases when they exist;
# the ELF32 base always.
set --
for m in hello=solo5-hello/solo5-hello.spt gcs=gc-sections/gc-sections.plain.spt \
	a64=aarch64-hello/aarch64-hello.hvt; do
	[ -n "${EXAMPLES:-}" ] && [ -f "$EXAMPLES/${m#*=}" ] && set -- "$@" --mass-base "${m%%=*}=$EXAMPLES/${m#*=}"
done
if ! python3 "$here/gen.py" ${base:+--base "$base"} "$@" --mass-base-elf32 "$cases" 2>"$TMPD/gen.err"; then
	fail "malformed/gen.py" "$(tr '\n' ' ' < "$TMPD/gen.err")"
	exit 1
fi
echo "# $(cat "$cases/base.txt")"

# The cases run in two shards at once (the machines have two cores); each
# shard has its own scratch directory $W and log.  JSON documents are checked
# in one python3 run at the end rather than one per case.

# run_ma ARGS...: run the tool as the contract says, stdout and stderr into
# $W/stdout and $W/stderr; sets rc and mem (peak RSS in KB, or empty).
# (lib.sh's `ma` is a shell function, which timeout cannot run: the same
# valgrind command line is spelled out here.)
run_ma() {
	rm -f "$W/mem"
	if [ "${VALGRIND:-}" = 1 ] && [ "${vg_this:-1}" = 1 ]; then
		set -- valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect "$MA" "$@"
	else
		set -- "$MA" "$@"
	fi
	[ -n "$TIME" ] && set -- "$TIME" -f %M -o "$W/mem" "$@"
	(
		# dash, bash and busybox sh all have ulimit -v
		# shellcheck disable=SC3045
		[ -n "$VLIMIT" ] && ulimit -v "$VLIMIT"
		exec timeout -k 2 "$T" "$@"
	) >"$W/stdout" 2>"$W/stderr" </dev/null
	rc=$?
	mem=
	if [ -s "$W/mem" ]; then
		while IFS= read -r line; do mem=$line; done < "$W/mem"
	fi
	case $mem in *[!0-9]* | '') mem= ;; esac
}

# msgs PATH: the stderr lines with their "mirage-audit: PATH: " prefix cut,
# so that a regex never matches the file name (names say what is wrong).
msgs() {
	awk -v p="mirage-audit: $1: " 'index($0, p) == 1 { print substr($0, length(p) + 1) }' \
		"$W/stderr"
}

# A short, one-line rendering of what the tool printed, for FAIL lines.
said() {
	printf 'rc=%s stderr=[%s] stdout=%s bytes' "$rc" \
		"$(head -c 600 "$W/stderr" | tr '\n' '|')" "$(wc -c < "$W/stdout" | tr -d ' ')"
}

sha() { sha256sum < "$1" | cut -d' ' -f1; }

# judge STATUS REGEX FORBID PATH VARIANT: sets why (empty when the run is
# right; the JSON document itself is checked later, see json_pending).
judge() {
	exp=$1 re=$2 forbid=$3 f=$4 v=$5
	why=
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		why="hung: killed after ${T}s"
		return
	fi
	if [ "$rc" -ge 128 ]; then
		why="killed by signal $((rc - 128)); $(said)"
		return
	fi
	if [ "$rc" -eq 99 ] && [ "${VALGRIND:-}" = 1 ]; then
		why="valgrind reported errors; $(said)"
		return
	fi
	if [ -n "$mem" ] && [ "$mem" -gt "$LIMIT_KB" ]; then
		why="peak RSS ${mem} KB > 512 MB"
		return
	fi
	if [ "$rc" -ne "$exp" ]; then
		why="exit $rc, expected $exp; $(said)"
		return
	fi
	nl=$(grep -c '' "$W/stderr")
	if [ "$exp" -eq 2 ]; then
		if [ -s "$W/stdout" ]; then
			why="stdout not empty on error; $(said)"
		elif [ "$nl" -ne 1 ]; then
			why="$nl stderr lines, expected exactly 1; $(said)"
		elif [ -z "$(msgs "$f")" ]; then
			why="stderr line not 'mirage-audit: $f: <problem>'; $(said)"
		elif [ "$re" != - ] && ! msgs "$f" | grep -Eiq -- "$re"; then
			why="error does not match /$re/; $(said)"
		fi
	else
		if [ "$v" = out ]; then
			if [ -s "$W/stdout" ]; then
				why="stdout not empty with -o; $(said)"
			elif [ ! -s "$W/o/report" ]; then
				why="-o file missing or empty; $(said)"
			fi
		elif [ ! -s "$W/stdout" ]; then
			why="empty stdout on success; $(said)"
		fi
		[ -n "$why" ] && return
		nw=$(msgs "$f" | grep -c '^warning: ')
		if [ "$nw" -ne "$nl" ]; then
			why="stderr has lines that are not 'mirage-audit: $f: warning: ...'; $(said)"
		elif [ "$re" != - ] && ! msgs "$f" | grep -Eiq -- "$re"; then
			why="no warning matching /$re/; $(said)"
		elif [ "$forbid" != - ] && msgs "$f" | grep -Eiq -- "$forbid"; then
			why="a warning matches /$forbid/ on a valid image; $(said)"
		fi
	fi
	[ -n "$why" ] && return
	if [ "$v" = out ]; then
		left=$(ls -A "$W/o")
		if [ "$exp" -eq 2 ] && [ -n "$left" ]; then
			why="-o left files behind on error: $left"
		elif [ "$exp" -eq 0 ] && [ "$left" != report ]; then
			why="-o left other files behind: $left"
		fi
	fi
}

# run_cases SHARD NSHARDS: run every NSHARDS-th case of expect, from SHARD.
run_cases() {
	shard=$1 nshards=$2
	W=$TMPD/w$shard
	mkdir -p "$W/json"
	: > "$W/json.list"
	ncases=0 nruns=0 k=-1
	tab=$(printf '\t')
	while IFS=$tab read -r name st re forbid arg desc <&3; do
		case $name in '#'* | '') continue ;; esac
		k=$((k + 1))
		[ $((k % nshards)) -eq "$shard" ] || continue
		if [ "$st" = skip ]; then
			skip "$name: $desc"
			continue
		fi
		ncases=$((ncases + 1))
		f=$cases/$name
		[ "$arg" != - ] && f=$arg
		sum=
		[ -f "$f" ] && [ -r "$f" ] && sum=$(sha "$f")
		hung=
		wi=0
		for v in text json size out; do
			# Under valgrind one way per case, in turn (VALGRIND_ALL=1: all four).
			vg_this=1
			[ "${VALGRIND_ALL:-}" != 1 ] && [ $(((k + wi) % 4)) -ne 0 ] && vg_this=0
			wi=$((wi + 1))
			if [ -n "$hung" ]; then
				fail "$name/$v" "not run: the $hung run hung"
				continue
			fi
			[ "$v" = out ] && rm -rf "$W/o" && mkdir "$W/o"
			case $v in
			text) run_ma "$f" ;;
			json) run_ma --format json "$f" ;;
			size) run_ma size "$f" -d section ;;
			out) run_ma -o "$W/o/report" "$f" ;;
			esac
			nruns=$((nruns + 1))
			judge "$st" "$re" "$forbid" "$f" "$v"
			case $why in hung:*) hung=$v ;; esac
			if [ -z "$why" ] && [ -n "$sum" ] && [ "$(sha "$f")" != "$sum" ]; then
				why="the input file was modified"
			fi
			if [ -n "$why" ]; then
				fail "$name/$v" "$why"
			elif [ "$v" = json ] && [ "$st" -eq 0 ]; then
				# PASS or FAIL once the document is parsed (json_pending)
				cp "$W/stdout" "$W/json/$name"
				printf '%s/%s\t%s\n' "$name" "$v" "$W/json/$name" >> "$W/json.list"
			else
				pass "$name/$v"
			fi
		done
	done 3< "$cases/expect"
	echo "$ncases $nruns" > "$W/count"
}

# json_pending: one PASS or FAIL per recorded json run: stdout must be one
# complete JSON document.
json_pending() {
	cat "$TMPD"/w*/json.list | python3 -c '
import json, sys
for line in sys.stdin:
    name, path = line.rstrip("\n").split("\t")
    try:
        with open(path) as f:
            json.load(f)
        print("PASS: " + name)
    except (ValueError, UnicodeDecodeError) as e:
        print("FAIL: %s: stdout is not one JSON document: %s" % (name, e))
'
}

run_cases 0 2 > "$TMPD/log0" 2>&1 &
pid0=$!
run_cases 1 2 > "$TMPD/log1" 2>&1 &
pid1=$!
wait "$pid0"
wait "$pid1"
cat "$TMPD/log0" "$TMPD/log1"
json_pending
read -r n0 r0 < "$TMPD/w0/count"
read -r n1 r1 < "$TMPD/w1/count"
ncases=$((n0 + n1))
nruns=$((r0 + r1))

# Several images: keep going, one report each, exit with the worst.
W=$TMPD/w0
for order in valid-then-empty empty-then-valid; do
	ncases=$((ncases + 1))
	good=$cases/valid bad=$cases/empty
	for v in text size; do
		if [ "$order" = valid-then-empty ]; then set -- "$good" "$bad"; else set -- "$bad" "$good"; fi
		[ "$v" = size ] && set -- size "$@" -d section
		run_ma "$@"
		nruns=$((nruns + 1))
		why=
		errs=$(grep -vF "mirage-audit: $good: warning: " "$W/stderr")
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			why="hung: killed after ${T}s"
		elif [ "$rc" -ne 2 ]; then
			why="exit $rc, expected 2; $(said)"
		elif [ ! -s "$W/stdout" ]; then
			why="no report for the valid image on stdout; $(said)"
		elif [ "$(printf '%s\n' "$errs" | grep -c '')" -ne 1 ] || [ -z "$(msgs "$bad")" ]; then
			why="stderr is not one 'mirage-audit: $bad: <problem>' line (plus warnings for valid); $(said)"
		fi
		if [ -n "$why" ]; then fail "multi-$order/$v" "$why"; else pass "multi-$order/$v"; fi
	done
done

# The generated families: every input once, one way each, two at a time
# (mass.py).  Under valgrind only every 25th input, so that VALGRIND=1 stays
# practical (README.md, "Generated families").
mass_opts="--timeout $T"
[ -z "$VLIMIT" ] && mass_opts="$mass_opts --mem-kb 0"
if [ "${VALGRIND:-}" = 1 ] && [ "${VALGRIND_ALL:-}" = 1 ]; then
	mass_opts="$mass_opts --valgrind"
elif [ "${VALGRIND:-}" = 1 ]; then
	mass_opts="$mass_opts --sample 25 --valgrind"
	skip "malformed/mass: under valgrind only every 25th generated input runs"
fi
# shellcheck disable=SC2086
if ! python3 "$here/mass.py" $mass_opts "$MA" "$cases/mass" > "$TMPD/mass.log" 2>&1; then
	fail "malformed/mass.py" "$(tail -5 "$TMPD/mass.log" | tr '\n' ' ')"
fi
cat "$TMPD/mass.log"
nmass=$(grep -vc '^#' "$cases/mass/expect")

# Keep the fixture list above honest: every generated case is documented.
undocumented=
for n in $(grep -v '^#' "$cases/expect" | cut -f1) multi-valid-then-empty multi-empty-then-valid; do
	b=${n#elf32-}
	grep -Eq "^#[[:space:]]+($n|$b)([[:space:]]|\$)" "$here/t-malformed.sh" ||
		undocumented="$undocumented $n"
done
# Generated families: each documented as "m-*-<family>-<param>" with its range.
for fam in $(grep -v '^#' "$cases/mass/expect" | cut -f5 | sort -u); do
	grep -Eq "^#[[:space:]]+m-\*-$fam-" "$here/t-malformed.sh" ||
		undocumented="$undocumented m-*-$fam-*"
	grep -Fq "\`m-*-$fam-" "$here/README.md" || undocumented="$undocumented m-*-$fam-*(README)"
done
if [ -n "$undocumented" ]; then
	fail "malformed/fixtures-documented" "not described in t-malformed.sh:$undocumented"
else
	pass "malformed/fixtures-documented"
fi

echo "# malformed: $ncases cases, $nruns runs of the tool; $nmass generated inputs; $(($(date +%s) - start))s"
