#!/bin/sh
# SPDX-License-Identifier: ISC
# The `inert` verdict (docs/platforms.md) on images built here from source.
#
# The fixture: an entry that calls stat(), dlopen() and (on a branch) system(),
# linked against stubs whose source says what each is: stat sets errno and
# returns -1, system prints and calls abort() (which never returns), dlopen
# returns NULL. The truth comes from that source (stub_kind below), from nm (the
# stubs are defined in the image) and from objdump (what the non-stub variants'
# system() does).
#
# (a) hvt (Solo5 ABI1 note, target hvt): process-spawning, host-filesystem and
#     dynamic-loading are inert, the stubs named with their kind, the witness
#     ending in the stub, MA-FAC-003 and no MA-FAC-001; --forbid passes,
#     --require-sealed fails; a budget's unreachable line passes, sealed fails;
#     the certificate verifies, and fails once its platform rule is taken away.
# (b) The same code with a system() that makes a system call, or calls through
#     a function pointer: process-spawning stays reachable, naming system; the
#     others stay inert. A certificate claiming inert for it fails verify;
#     diff against the stub image reports reachable -> inert.
# (c) Target xen (ABI1 note for xen): inert too, except host-filesystem when a
#     Mini-OS file-system frontend symbol (fs_open) is linked.
# (d) Hosted: the same app linked statically with glibc (target linux) keeps
#     all three reachable, with no platform rule.
# (e) AArch64 (cross-built, hvt): the same stubs are recognised, inert.
#
# Environment: MA (the tool), TOP (repo root).
. "$TOP/tests/lib.sh"

CC=${CC:-cc}
need nm objdump python3 "$CC" || exit 1
COM=$TOP/examples/common
F="-O2 -ffreestanding -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables -mgeneral-regs-only"
D=$TMPD/src
mkdir -p "$D"

# Ground truth from the source: each stub's kind, as the stubs' comments below say.
stub_kind() {
	case $1 in
	stat) echo "sets errno" ;;
	system) echo "aborts" ;;
	dlopen) echo "returns constant" ;;
	esac
}

cat > "$D/app.c" <<'EOF'
/* The application: reaches stat, dlopen and system (the last on a branch). */
struct stat_buf { long pad[18]; };
int stat(const char *path, struct stat_buf *buf);
int system(const char *command);
void *dlopen(const char *file, int mode);
volatile long sink;

void app_main(void)
{
	struct stat_buf st;

	sink = stat("/etc/passwd", &st);
	sink = (long)dlopen("libfoo.so", 1);
	if (sink == 42)
		sink = system("/bin/sh");
}
EOF
cat > "$D/start.c" <<'EOF'
/* The entry of the freestanding images. */
void app_main(void);
void abort(void);

void _start(void)
{
	app_main();
	abort();
}
EOF
cat > "$D/libc.c" <<'EOF'
/* A console print and an abort that never returns (hlt in a loop), as a unikernel has. */
static void console_putc(char c)
{
	__asm__ volatile("outb %0, $0xe9" : : "a"(c));
}

int printf(const char *fmt, ...)
{
	int n = 0;

	while (*fmt) {
		console_putc(*fmt++);
		n++;
	}
	return n;
}

void abort(void)
{
	for (;;)
		__asm__ volatile("hlt");
}
EOF
cat > "$D/libc64.c" <<'EOF'
/* The same for AArch64: a console register, and wfi in a loop. */
static void console_putc(char c)
{
	*(volatile char *)0x9000000 = c;
}

int printf(const char *fmt, ...)
{
	int n = 0;

	while (*fmt) {
		console_putc(*fmt++);
		n++;
	}
	return n;
}

void abort(void)
{
	for (;;)
		__asm__ volatile("wfi");
}
EOF
cat > "$D/stubs-common.h" <<'EOF'
#define ENOSYS 38
int errno;
int printf(const char *fmt, ...);
void abort(void);
struct stat_buf;

/* stat: sets errno and returns -1. */
int stat(const char *path, struct stat_buf *buf)
{
	(void)path;
	(void)buf;
	errno = ENOSYS;
	return -1;
}

/* dlopen: returns NULL. */
void *dlopen(const char *file, int mode)
{
	(void)file;
	(void)mode;
	return 0;
}
EOF
cat > "$D/stubs.c" <<'EOF'
#include "stubs-common.h"

/* system: prints, then aborts. */
int system(const char *command)
{
	printf("STUB: system() called\n");
	(void)command;
	abort();
}
EOF
cat > "$D/stubs-syscall.c" <<'EOF'
#include "stubs-common.h"

/* system: NOT a stub, a raw execve system call. */
int system(const char *command)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(59L), "D"(command), "S"(0L), "d"(0L)
			 : "rcx", "r11", "memory");
	return (int)r;
}
EOF
cat > "$D/stubs-indirect.c" <<'EOF'
#include "stubs-common.h"

/* system: NOT a stub, a call through a function pointer. */
int (*system_hook)(const char *);

int system(const char *command)
{
	return system_hook(command) + 1;
}
EOF
cat > "$D/fsfront.c" <<'EOF'
/* A Mini-OS file-system frontend entry point, linked but never called. */
int fs_open(void *import, char *file)
{
	return import && file ? 3 : -1;
}
EOF
cat > "$D/hosted.c" <<'EOF'
/* The application on Linux, with glibc's real stat, system and dlopen. */
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/stat.h>

volatile long sink;

int main(int argc, char **argv)
{
	struct stat st;

	sink = stat(argv[0], &st);
	sink = (long)dlopen("libfoo.so", RTLD_NOW);
	if (argc > 5)
		sink = system("/bin/sh");
	return 0;
}
EOF

# solo5 NAME TARGET STUBS [EXTRA]: a freestanding image with a Solo5 ABI1 note
# (compiler $XCC, default $CC; C library source $LIBC, default libc).
solo5() {
	o=$TMPD/$1
	cc=${XCC:-$CC}
	mkdir -p "$o"
	for s in "${APP:-app}" start "${LIBC:-libc}" "$3" ${4:-}; do
		$cc $F ${WRAPFLAGS:-} -I"$D" -c -o "$o/$s.o" "$D/$s.c" || return 1
	done
	$cc $F -I"$COM/include" -DABI_TARGET="$2" -DABI_VERSION=1 -c -o "$o/notes.o" \
		"$COM/notes.c" || return 1
	$cc -ffreestanding -nostdlib -static -fno-pie -no-pie -Wl,--build-id=none \
		-Wl,-z,noexecstack -Wl,-T,"$COM/spt/solo5.lds" -o "$o/$1.img" "$o"/*.o
}

cat > "$D/app-wrap.c" <<'EOF'
/*
 * The OCaml runtime's shape: the application reaches a primitive (WRAP, by
 * default caml_sys_system_command, as runtime/sys.c names it) that does work of
 * its own (nine helper calls: too large for a stub) and then calls the libc
 * stub system(). -DWRAP=unix_spawn gives the same code under a name that is no
 * runtime primitive; -DWRAP_SYSCALL adds a raw system call to the wrapper.
 */
#ifndef WRAP
#define WRAP caml_sys_system_command
#endif
int system(const char *command);
volatile long sink;
#define H(n) __attribute__((noinline)) long helper##n(long x) { return x * n + sink; }
H(1) H(2) H(3) H(4) H(5) H(6) H(7) H(8) H(9)

int WRAP(const char *cmd)
{
	long x = (long)cmd;

	x = helper9(helper8(helper7(helper6(helper5(helper4(helper3(helper2(helper1(x)))))))));
	sink = x;
#ifdef WRAP_SYSCALL
	__asm__ volatile("syscall" : "=a"(x) : "a"(57L) : "rcx", "r11", "memory");
#endif
	return system(cmd) + (int)x;
}

void app_main(void)
{
	if (sink == 42)
		sink = WRAP("/bin/sh");
}
EOF

build_ok=true
APP=app-wrap solo5 hvt-wrap ABI_TARGET_HVT stubs || build_ok=false
APP=app-wrap WRAPFLAGS=-DWRAP=unix_spawn solo5 hvt-wrapname ABI_TARGET_HVT stubs || build_ok=false
APP=app-wrap WRAPFLAGS=-DWRAP_SYSCALL solo5 hvt-wrapsys ABI_TARGET_HVT stubs || build_ok=false
solo5 hvt ABI_TARGET_HVT stubs || build_ok=false
solo5 hvt-syscall ABI_TARGET_HVT stubs-syscall || build_ok=false
solo5 hvt-indirect ABI_TARGET_HVT stubs-indirect || build_ok=false
solo5 xen ABI_TARGET_XEN stubs || build_ok=false
solo5 xen-fs ABI_TARGET_XEN stubs fsfront || build_ok=false
if ! $build_ok; then
	fail "inert: fixtures" "the freestanding fixtures did not build"
	exit 1
fi

# facs IMAGE OUT: facilities -f json into OUT; sets $rc.
facs() {
	ma facilities -f json "$1" > "$2" 2> "$TMPD/err" < /dev/null
	rc=$?
}

# py JSON EXPR: EXPR over d (the document) and fac (facilities by name).
py() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
fac = {f["name"]: f for f in d["facilities"]}
print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null
}

# stubs_of JSON FACILITY: "name:kind" of its stubs, one line each, sorted.
stubs_of() {
	py "$1" "'\n'.join(sorted(s['name'] + ':' + s['kind'] for s in fac['$2']['stubs']))"
}

# defined IMAGE SYM: nm shows SYM defined in a section of IMAGE.
defined() {
	nm "$1" | awk -v s="$2" '$3 == s && $2 ~ /^[TtWw]$/ { f = 1 } END { exit !f }'
}

# (a) hvt -----------------------------------------------------------------------
img=$TMPD/hvt/hvt.img
j=$TMPD/hvt.json
facs "$img" "$j"
check "inert hvt: facilities exit 0" [ "$rc" -eq 0 ]
check "inert hvt: target hvt (the ABI1 note built in)" [ "$(py "$j" "d['target']")" = hvt ]
for fs in process-spawning:system host-filesystem:stat dynamic-loading:dlopen; do
	f=${fs%%:*}
	s=${fs#*:}
	kind=$(stub_kind "$s")
	check "inert hvt: nm shows $s defined" defined "$img" "$s"
	check "inert hvt: $f inert" [ "$(py "$j" "fac['$f']['verdict']")" = inert ]
	check "inert hvt: $f stubs are $s ($kind), as the source says" \
		[ "$(stubs_of "$j" "$f")" = "$s:$kind" ]
	check "inert hvt: $f names the Solo5 interface" \
		sh -c "python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
r = [f for f in d[\"facilities\"] if f[\"name\"] == sys.argv[2]][0][\"inert_rule\"]
sys.exit(\"solo5.h\" not in r)' '$j' '$f'"
	check "inert hvt: $f witness ends in $s" \
		[ "$(py "$j" "fac['$f']['witness'][-1]['name']")" = "$s" ]
	check "inert hvt: $f has MA-FAC-003, not MA-FAC-001" \
		[ "$(py "$j" "sorted(x['rule'] for x in d['findings'] if x['facility'] == '$f')")" = "['MA-FAC-003']" ]
done
# Every symbol of these facilities that nm lists is a stub the tool names.
want=$(nm "$img" | awk '$3 ~ /^(stat|system|dlopen)$/ { print $3 }' | sort | tr '\n' ' ')
got=$(py "$j" "' '.join(sorted(s['name'] for f in d['facilities'] for s in f['stubs'])) + ' '")
check "inert hvt: the stubs are exactly nm's stat/system/dlopen" [ "$want" = "$got" ]

ma facilities --forbid process-spawning "$img" > /dev/null 2>&1 < /dev/null
check "inert hvt: --forbid process-spawning exits 0 (inert cannot act)" [ $? -eq 0 ]
ma facilities --require-sealed process-spawning "$img" > /dev/null 2>&1 < /dev/null
check "inert hvt: --require-sealed process-spawning exits 1" [ $? -eq 1 ]
ma facilities "$img" > "$TMPD/hvt.txt" 2>&1 < /dev/null
check "inert hvt: text row names the stub and its kind" \
	grep -q '^process-spawning .* inert .*stubs system (aborts);' "$TMPD/hvt.txt"

cat > "$TMPD/unreach.json" <<'EOF'
{ "schema": "mirage-audit/budget", "schema_version": 1,
  "facilities": { "unreachable": ["process-spawning", "host-filesystem", "dynamic-loading"] } }
EOF
cat > "$TMPD/sealed.json" <<'EOF'
{ "schema": "mirage-audit/budget", "schema_version": 1,
  "facilities": { "sealed": ["process-spawning"] } }
EOF
ma check --budget "$TMPD/unreach.json" "$img" > "$TMPD/check.txt" 2>&1 < /dev/null
check "inert hvt: budget unreachable passes (exit 0)" [ $? -eq 0 ]
check "inert hvt: budget line says inert (stubs: system (aborts))" \
	grep -q 'inert (stubs: system (aborts))' "$TMPD/check.txt"
ma check --budget "$TMPD/sealed.json" "$img" > /dev/null 2>&1 < /dev/null
check "inert hvt: budget sealed fails (exit 1)" [ $? -eq 1 ]

ma facilities --certificate "$TMPD/cert.json" "$img" > /dev/null 2>&1 < /dev/null
ma verify "$img" "$TMPD/cert.json" > /dev/null 2>&1 < /dev/null
check "inert hvt: certificate verifies" [ $? -eq 0 ]
# Without the platform rule for hvt, the inert claims have nothing to rest on.
sed 's/"inert process-spawning hvt,spt,/"inert process-spawning spt,/' "$TMPD/cert.json" \
	> "$TMPD/cert-norule.json"
check "inert hvt: tampered certificate differs" \
	sh -c '! cmp -s "$1" "$2"' _ "$TMPD/cert.json" "$TMPD/cert-norule.json"
ma verify "$img" "$TMPD/cert-norule.json" > /dev/null 2> "$TMPD/verr" < /dev/null
rc=$?
check "inert hvt: certificate without the hvt rule fails verify (exit 1)" [ "$rc" -eq 1 ]
check "inert hvt: verify names the missing rule" grep -q "no platform rule" "$TMPD/verr"

# (b) system is not a stub ------------------------------------------------------
for v in syscall indirect; do
	img=$TMPD/hvt-$v/hvt-$v.img
	j=$TMPD/hvt-$v.json
	case $v in
	syscall) pat='[[:space:]]syscall' ;;
	indirect) pat='(call|jmp)[[:space:]]+\*' ;;
	esac
	# The premise, from objdump: this system() does what a stub must not.
	check "not-a-stub $v: objdump shows it in system()" sh -c \
		"objdump -d --no-show-raw-insn '$img' | sed -n '/<system>:/,/^\$/p' | grep -Eq '$pat'"
	facs "$img" "$j"
	check "not-a-stub $v: process-spawning reachable" \
		[ "$(py "$j" "fac['process-spawning']['verdict']")" = reachable ]
	check "not-a-stub $v: evidence names system" \
		[ "$(py "$j" "fac['process-spawning']['not_inert'].split()[0]")" = system ]
	check "not-a-stub $v: MA-FAC-001 raised" \
		[ "$(py "$j" "[x['rule'] for x in d['findings'] if x['facility'] == 'process-spawning']")" = "['MA-FAC-001']" ]
	check "not-a-stub $v: host-filesystem still inert" \
		[ "$(py "$j" "fac['host-filesystem']['verdict']")" = inert ]
	ma facilities --forbid process-spawning "$img" > /dev/null 2>&1 < /dev/null
	check "not-a-stub $v: --forbid process-spawning exits 1" [ $? -eq 1 ]
done
# A certificate that claims inert for the syscall image: verify must refuse it.
img=$TMPD/hvt-syscall/hvt-syscall.img
ma facilities --certificate "$TMPD/cert-sys.json" "$img" > /dev/null 2>&1 < /dev/null
python3 - "$TMPD/cert-sys.json" "$TMPD/cert-lie.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for f in d["facilities"]:
    if f["name"] == "process-spawning":
        f["verdict"] = "inert"
json.dump(d, open(sys.argv[2], "w"))
EOF
ma verify "$img" "$TMPD/cert-lie.json" > /dev/null 2> "$TMPD/verr" < /dev/null
rc=$?
check "not-a-stub: certificate lying inert fails verify (exit 1)" [ "$rc" -eq 1 ]
check "not-a-stub: verify says system is not a stub" grep -q "system) is reachable and not a stub" "$TMPD/verr"

# diff: the stub and the non-stub image differ in process-spawning's verdict.
ma diff -f json "$TMPD/hvt-syscall/hvt-syscall.img" "$TMPD/hvt/hvt.img" > "$TMPD/diff.json" \
	2> /dev/null < /dev/null
check "diff: process-spawning reachable -> inert" \
	[ "$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
v = [x for x in d["capabilities"]["verdicts"] if x["name"] == "process-spawning"]
print(v[0]["old"] + " -> " + v[0]["new"] if v else "")' "$TMPD/diff.json" 2>/dev/null)" = "reachable -> inert" ]

# The documents with inert (and a blocked rule) against the schemas.
# schema_ok SCHEMA JSON: the draft validator the schema names accepts JSON.
schema_ok() {
	python3 -c 'import json, sys, jsonschema.validators
s = json.load(open(sys.argv[1]))
jsonschema.validators.validator_for(s)(s).validate(json.load(open(sys.argv[2])))' "$1" "$2" \
		2> /dev/null
}
if python3 -c 'import jsonschema.validators' > /dev/null 2>&1; then
	for x in hvt hvt-syscall; do
		check "schema: facilities -f json of $x" \
			schema_ok "$TOP/docs/facilities.schema.json" "$TMPD/$x.json"
		ma report -f json "$TMPD/$x/$x.img" > "$TMPD/$x.report.json" 2> /dev/null < /dev/null
		check "schema: report -f json of $x" \
			schema_ok "$TOP/docs/report.schema.json" "$TMPD/$x.report.json"
	done
	ma check -f json --budget "$TMPD/unreach.json" "$TMPD/hvt/hvt.img" > "$TMPD/check.json" \
		2> /dev/null < /dev/null
	check "schema: check -f json of hvt" schema_ok "$TOP/docs/check.schema.json" "$TMPD/check.json"
else
	fail "inert schemas: python3-jsonschema installed" "import failed; 'make setup' installs it"
fi

# (b2) an OCaml runtime primitive wrapping the system() stub ----------------------
# Truth: app-wrap.c's source (the wrapper calls nine helpers and system(); the
# variants rename it or add a syscall), nm (the names are defined), objdump (the
# syscall is in the variant's wrapper).
img=$TMPD/hvt-wrap/hvt-wrap.img
j=$TMPD/hvt-wrap.json
facs "$img" "$j"
check "wrapper: nm shows caml_sys_system_command defined" defined "$img" caml_sys_system_command
check "wrapper: process-spawning inert" [ "$(py "$j" "fac['process-spawning']['verdict']")" = inert ]
check "wrapper: stubs are the primitive (wraps stubs) and system (aborts)" \
	[ "$(stubs_of "$j" process-spawning | tr '\n' ' ')" = "caml_sys_system_command:wraps stubs system:aborts " ]
ma facilities --certificate "$TMPD/cert-wrap.json" "$img" > /dev/null 2>&1 < /dev/null
ma verify "$img" "$TMPD/cert-wrap.json" > /dev/null 2>&1 < /dev/null
check "wrapper: certificate verifies" [ $? -eq 0 ]
for v in wrapname wrapsys; do
	facs "$TMPD/hvt-$v/hvt-$v.img" "$TMPD/hvt-$v.json"
	check "wrapper $v: process-spawning reachable" \
		[ "$(py "$TMPD/hvt-$v.json" "fac['process-spawning']['verdict']")" = reachable ]
done
check "wrapper wrapsys: objdump shows the syscall in caml_sys_system_command" sh -c \
	"objdump -d --no-show-raw-insn '$TMPD/hvt-wrapsys/hvt-wrapsys.img' |
	 sed -n '/<caml_sys_system_command>:/,/^\$/p' | grep -Eq '[[:space:]]syscall'"
check "wrapper wrapname: evidence names unix_spawn" \
	[ "$(py "$TMPD/hvt-wrapname.json" "fac['process-spawning']['not_inert'].split()[0]")" = unix_spawn ]
# A certificate lying inert for the syscall variant fails verify.
img=$TMPD/hvt-wrapsys/hvt-wrapsys.img
ma facilities --certificate "$TMPD/cert-ws.json" "$img" > /dev/null 2>&1 < /dev/null
python3 - "$TMPD/cert-ws.json" "$TMPD/cert-ws-lie.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for f in d["facilities"]:
    if f["name"] == "process-spawning":
        f["verdict"] = "inert"
json.dump(d, open(sys.argv[2], "w"))
EOF
ma verify "$img" "$TMPD/cert-ws-lie.json" > /dev/null 2>&1 < /dev/null
check "wrapper wrapsys: certificate lying inert fails verify (exit 1)" [ $? -eq 1 ]

# (c) xen, and the Mini-OS file-system frontend -----------------------------------
j=$TMPD/xen.json
facs "$TMPD/xen/xen.img" "$j"
check "inert xen: target xen" [ "$(py "$j" "d['target']")" = xen ]
for f in process-spawning host-filesystem dynamic-loading; do
	check "inert xen: $f inert" [ "$(py "$j" "fac['$f']['verdict']")" = inert ]
done
img=$TMPD/xen-fs/xen-fs.img
j=$TMPD/xen-fs.json
facs "$img" "$j"
check "inert xen-fs: nm shows fs_open defined" defined "$img" fs_open
check "inert xen-fs: host-filesystem reachable (fs-front linked)" \
	[ "$(py "$j" "fac['host-filesystem']['verdict']")" = reachable ]
check "inert xen-fs: evidence names fs_open" \
	[ "$(py "$j" "fac['host-filesystem']['not_inert'].split()[0]")" = "'fs_open'" ]
check "inert xen-fs: process-spawning still inert" \
	[ "$(py "$j" "fac['process-spawning']['verdict']")" = inert ]

# (e) AArch64 (hvt): the same stubs, cross-built ---------------------------------
A64_CC=${A64_CC:-aarch64-linux-gnu-gcc}
if ! need "$A64_CC"; then
	:	# need printed the FAIL
elif ! XCC=$A64_CC LIBC=libc64 solo5 a64 ABI_TARGET_HVT stubs > "$TMPD/a64.log" 2>&1; then
	fail "inert aarch64: the fixture builds with $A64_CC" "$(tail -n 3 "$TMPD/a64.log" | tr '\n' '|')"
else
	img=$TMPD/a64/a64.img
	j=$TMPD/a64.json
	facs "$img" "$j"
	for fs in process-spawning:system host-filesystem:stat dynamic-loading:dlopen; do
		f=${fs%%:*}
		s=${fs#*:}
		check "inert aarch64: nm shows $s defined" defined "$img" "$s"
		check "inert aarch64: $f inert, stub $s ($(stub_kind "$s"))" \
			[ "$(py "$j" "fac['$f']['verdict'] + ' ' + '/'.join(x['name'] + ':' + x['kind'] for x in fac['$f']['stubs'])")" = "inert $s:$(stub_kind "$s")" ]
	done
fi

# (d) hosted: the same application with glibc ------------------------------------
if ! $CC -O2 -static -o "$TMPD/hosted" "$D/hosted.c" > "$TMPD/hosted.log" 2>&1; then
	# libc6-dev: the examples' tender is hosted C too, so `make examples` needs it as well
	fail "hosted: links statically against glibc (libc6-dev's libc.a)" \
		"$(tail -n 3 "$TMPD/hosted.log" | tr '\n' '|')"
else
	j=$TMPD/hosted.json
	facs "$TMPD/hosted" "$j"
	check "hosted: target linux" [ "$(py "$j" "d['target']")" = linux ]
	for fs in process-spawning:system host-filesystem:stat dynamic-loading:dlopen; do
		f=${fs%%:*}
		check "hosted: nm shows ${fs#*:} defined" defined "$TMPD/hosted" "${fs#*:}"
		check "hosted: $f reachable" [ "$(py "$j" "fac['$f']['verdict']")" = reachable ]
		check "hosted: $f has no platform rule" \
			[ "$(py "$j" "fac['$f']['inert_rule']")" = None ]
	done
fi
