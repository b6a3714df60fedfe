#!/bin/sh
# The MirageOS configuration artefacts of a build directory and package
# attribution (docs/build.md, "Layouts" and "Packages"), through build-dump.
#
# The fixtures tests/shapes/build-mirage{4,3,2}/ are short files written by hand
# in the shape formats.md section 4 gives for each generation. What each
# declares is read here from the fixture files themselves with grep, sed and
# awk (never from the tool's output), then compared with what build-dump prints:
#   mirage4  layout, target (mirage/context), every `"pkg" {= "v"}` of the lock
#            as a package with that version, the opam file's depends and
#            dune.build's libraries as direct packages, devices (manifest names
#            and types, connect calls), functor applications with their line,
#            and each archive member of the hand-written map attributed by its
#            path (duniverse/<pkg>/, _opam/lib/<pkg>/, ~/.opam/<sw>/lib/<pkg>/),
#            by its unit (Mirage_crypto__Cipher_block: the dune library named
#            mirage_crypto), or left unknown (libc.a: library "c" only)
#   mirage3  layout, target xen (.xl), the opam depends (no versions: bounds only),
#            devices of manifest.json, main.ml and the .xl, functors
#   mirage2  layout, target, the Makefile's PKGS and LIBS -pkgs as packages,
#            devices of main.ml and the .xl, functors
#   Debian   on the ocaml-net example: members of /usr/lib/ocaml/<p>/*.a get
#            package p and the version of that directory's META; stdlib.a and
#            libasmrun.a get "ocaml" at `ocamlfind ocamlopt -version`
#   unknown  without the lock, versions stay unknown; without dune files, a
#            unit no library declares keeps package unknown
. tests/lib.sh
DUMP=${BUILD_DUMP:-$TOP/build/tests/build-dump}
S=$TOP/tests/shapes
need awk sed grep sort || exit 1

# dump DIR > OUT: build-dump, under valgrind like ma() when VALGRIND=1
dump() {
	if ma_valgrind; then
		valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect "$DUMP" "$@"
	else
		"$DUMP" "$@"
	fi
}
# field NAME FILE: the "NAME value" line's value
field() { sed -n "s/^$1 //p" "$2"; }
# pkg_line NAME FILE: "version direct" of package NAME, as build-dump prints it
pkg_of() { awk -v n="$1" '$1 == "package" && $2 == n { print $3, $4 }' "$2"; }
# obj_pkg NAME FILE: "package@version" of the object NAME ("archive(member)")
obj_pkg() { awk -v n="$1" '$1 == "object" && $3 == n { for (i = 4; i <= NF; i++)
	if ($i ~ /^package=/) { sub(/^package=/, "", $i); print $i } }' "$2"; }
obj_lib() { awk -v n="$1" '$1 == "object" && $3 == n { for (i = 4; i <= NF; i++)
	if ($i ~ /^library=/) { sub(/^library=/, "", $i); print $i } }' "$2"; }
eq() { [ "$1" = "$2" ] || { echo "    expected '$2', got '$1'" >&2; return 1; }; }

# --- MirageOS 4 ---------------------------------------------------------------
F=$S/build-mirage4
O=$TMPD/m4.txt
check "mirage4: build-dump exits 0" dump "$F" > "$O"
check "mirage4: layout" eq "$(field layout "$O")" "mirage4 (dune)"
check "mirage4: target is mirage/context's -t" \
	eq "$(field target "$O")" "$(awk 'p { print; exit } $0 == "-t" { p = 1 }' "$F/mirage/context")"
check "mirage4: no warning names a configuration file" \
	eq "$(grep -c "^warning build file" "$O")" 0

lock=$F/mirage/x-hvt.opam.locked
n_lock=$(grep -c '{= "' "$lock")
check "mirage4: $n_lock packages with versions in the lock, as many from it" \
	eq "$(awk '$1 == "package" && $3 != "-" && $5 == "from=mirage/x-hvt.opam.locked"' "$O" |
	      wc -l | tr -d ' ')" "$n_lock"
bad=0
for nv in $(sed -n 's/^ *"\([^"]*\)" {= "\([^"]*\)".*/\1=\2/p' "$lock"); do
	v=$(pkg_of "${nv%%=*}" "$O")
	[ "${v%% *}" = "${nv#*=}" ] || { echo "    ${nv%%=*}: '$v', lock says ${nv#*=}" >&2; bad=1; }
done
check "mirage4: each locked package has the lock's version" eq $bad 0

bad=0
for p in $(awk '/^depends: \[/ { d = 1; next } d && /^\]/ { d = 0 } d' "$F/mirage/x-hvt.opam" |
	   sed -n 's/^ *"\([^"]*\)".*/\1/p'); do
	case $(pkg_of "$p" "$O") in *direct=yes) ;; *) echo "    $p not direct" >&2; bad=1 ;; esac
done
for l in $(sed -n 's/.*(libraries \([^)]*\)).*/\1/p' "$F/dune.build"); do
	case $(pkg_of "${l%%.*}" "$O") in *direct=yes) ;; *) echo "    $l not direct" >&2; bad=1 ;; esac
done
check "mirage4: the opam depends and dune.build libraries are direct packages" eq $bad 0
check "mirage4: no package twice" \
	eq "$(awk '$1 == "package" { print $2 }' "$O" | sort | uniq -d)" ""

want=$( { sed -n 's/.*"name": *"\([^"]*\)".*/\1/p' "$F/mirage/manifest.json"
	  grep -o 'connect "[^"]*"' "$F/mirage/main.ml" | grep -v not-a-device |
	  sed 's/connect "\(.*\)"/\1/'; } | sort -u)
check "mirage4: devices are the manifest's and main.ml's connects" \
	eq "$(awk '$1 == "device" { print $2 }' "$O" | sort)" "$want"
check "mirage4: device types from the manifest" \
	eq "$(awk '$1 == "device" { print $2, $3 }' "$O" | sort)" \
	   "$(sed -n 's/.*"name": *"\([^"]*\)", *"type": *"\([^"]*\)".*/\1 \2/p' \
		"$F/mirage/manifest.json" | sort)"

want=$(grep -n '^module [A-Z][A-Za-z0-9_]* = [A-Z][A-Za-z0-9_.]*(' "$F/mirage/main.ml" |
       sed 's/^\([0-9]*\):module \([^ ]*\) = \([^(]*\)(.*/\2 \3 mirage\/main.ml:\1/')
check "mirage4: functor applications, name, functor and line" \
	eq "$(sed -n 's/^functor \([^ ]*\) = \([^(]*\)(.*) from=\(.*\)/\1 \2 \3/p' "$O")" "$want"
check "mirage4: multi-line arguments joined" \
	eq "$(grep -c '^functor Tcpip_stack_direct_make__13 = .*Tcp_make__11) ' "$O")" 1

# attribution: each member of the map, from its path and the fixture's files
map=$F/_build/solo5/main.map
bad=0
for m in $(grep '^[^ ].*\.a(.*)$' "$map"); do
	pkg=
	case $m in
	duniverse/*) d=${m#duniverse/}; d=${d%%/*}
		dunefile=$(dirname "$F/${m%%(*}")/dune
		pub=$(sed -n 's/.*(public_name \([^)]*\)).*/\1/p' "$dunefile")
		pkg=${pub%%.*}; [ -n "$pkg" ] || pkg=$d ;;
	_opam/lib/*) pkg=${m#_opam/lib/}; pkg=${pkg%%/*} ;;
	*/.opam/*/lib/*) pkg=${m#*/.opam/*/lib/}; pkg=${pkg%%/*} ;;
	*/mirage_crypto.a\(*) pkg=$(sed -n 's/.*(public_name \([^)]*\)).*/\1/p' \
		"$F/duniverse/mirage-crypto/src/dune") ;;
	esac
	if [ -z "$pkg" ]; then
		want=-@-
	else
		v=$(sed -n "s/^ *\"$pkg\" {= \"\\([^\"]*\\)\".*/\\1/p" "$lock")
		want=$pkg@${v:--}
	fi
	got=$(obj_pkg "$m" "$O")
	[ "$got" = "$want" ] || { echo "    $m: $got, expected $want" >&2; bad=1; }
done
check "mirage4: each map member's package and version from its path, unit or nothing" eq $bad 0
check "mirage4: libc.a gives library c and no package" \
	eq "$(obj_lib '/opt/cross/x86_64-solo5/lib/libc.a(memcpy.o)' "$O")" c
check "mirage4: the startup object has no package" \
	eq "$(obj_pkg /tmp/camlstartup1a2b3c.o "$O")" -@-
check "mirage4: dune-workspace's cross context" \
	eq "$(grep -c "^read dune-workspace: context $(sed -n 's/.*(name \([a-z0-9]*\)).*/\1/p' \
		"$F/dune-workspace")$" "$O")" 1
for f in mirage/x-hvt.opam.locked mirage/x-hvt.opam mirage/context mirage/main.ml \
	 mirage/manifest.json dune.build dune-workspace; do
	check "mirage4: $f is a files_read line" eq "$(grep -c "^read $f: " "$O")" 1
done

# what the lock and the dune files would have told stays unknown without them
cp -R "$F" "$TMPD/m4-nolock"
rm "$TMPD/m4-nolock/mirage/x-hvt.opam.locked" "$TMPD/m4-nolock/duniverse/mirage-crypto/src/dune"
dump "$TMPD/m4-nolock" > "$TMPD/m4n.txt"
check "mirage4 without the lock: duniverse members keep the package, version unknown" \
	eq "$(obj_pkg 'duniverse/lwt/src/core/lwt.a(lwt.o)' "$TMPD/m4n.txt")" lwt@-
check "mirage4 without mirage-crypto's dune: its unit's package unknown" \
	eq "$(obj_pkg '/home/user/.dune-cache/mirage_crypto.a(mirage_crypto__Cipher_block.o)' \
		"$TMPD/m4n.txt")" -@-

# --- MirageOS 3 ---------------------------------------------------------------
F=$S/build-mirage3
O=$TMPD/m3.txt
check "mirage3: build-dump exits 0" dump "$F" > "$O"
check "mirage3: layout" eq "$(field layout "$O")" "mirage3 (ocamlbuild)"
check "mirage3: target xen (an .xl)" eq "$(field target "$O")" xen
want=$(awk '/^depends: \[/ { d = 1; next } d && /^\]/ { d = 0 } d' "$F/x.opam" |
       sed -n 's/^ *"\([^"]*\)".*/\1 - direct=yes/p' | sort)
check "mirage3: the opam depends, direct, without versions" \
	eq "$(awk '$1 == "package" { print $2, $3, $4 }' "$O" | sort)" "$want"
want=$( { sed -n 's/.*"name": *"\([^"]*\)".*/\1/p' "$F/manifest.json"
	  grep -v Console "$F/main.ml" | grep -o 'connect "[^"]*"' | sed 's/connect "\(.*\)"/\1/'
	  sed -n 's/.*vdev=\([^,]*\),.*/\1/p' "$F/x.xl"
	  grep '^vif' "$F/x.xl" | grep -o "'[^']*'" | awk '{ print NR - 1 }'; } | sort -u)
check "mirage3: devices of manifest.json, main.ml and the .xl" \
	eq "$(awk '$1 == "device" { print $2 }' "$O" | sort)" "$want"
check "mirage3: functor applications" \
	eq "$(grep -c '^functor ' "$O")" "$(grep -c '^module [A-Z][A-Za-z0-9_]* = [A-Z][A-Za-z0-9_.]*(' "$F/main.ml")"
check "mirage3: no warning" eq "$(grep -c '^warning' "$O")" 0

# --- MirageOS 2 ---------------------------------------------------------------
F=$S/build-mirage2
O=$TMPD/m2.txt
check "mirage2: build-dump exits 0" dump "$F" > "$O"
check "mirage2: layout" eq "$(field layout "$O")" mirage2
check "mirage2: target xen" eq "$(field target "$O")" xen
want=$( { sed -n 's/^PKGS *= *//p' "$F/Makefile" | tr ' ' '\n'
	  sed -n 's/^LIBS *= *-pkgs *//p' "$F/Makefile" | tr ',' '\n' | sed 's/\..*//'; } |
	grep . | sort -u)
check "mirage2: the Makefile's PKGS and LIBS, direct" \
	eq "$(awk '$1 == "package" && $4 == "direct=yes" { print $2 }' "$O" | sort)" "$want"
want=$( { grep -v Console "$F/main.ml" | grep -o 'connect "[^"]*"' | sed 's/connect "\(.*\)"/\1/'
	  grep '^vif' "$F/x.xl" | grep -o "'[^']*'" | awk '{ print NR - 1 }'; } | sort -u)
check "mirage2: devices of main.ml and the .xl" \
	eq "$(awk '$1 == "device" { print $2 }' "$O" | sort)" "$want"
check "mirage2: the vif's type" eq "$(awk '$1 == "device" { print $3 }' "$O")" vif
check "mirage2: functor applications" \
	eq "$(grep -c '^functor ' "$O")" "$(grep -c '^module [A-Z][A-Za-z0-9_]* = [A-Z][A-Za-z0-9_.]*(' "$F/main.ml")"

# --- Debian's findlib layout (the ocaml-net example) ------------------------
E=${EXAMPLES:-$TOP/build/examples}/ocaml-net
if [ -f "$E/ocaml-net.map" ]; then
	need ocamlfind || exit 1
	O=$TMPD/net.txt
	check "debian: build-dump exits 0" dump "$E" > "$O"
	# The examples carry MirageOS 4's files (mirage/context) but make builds them: no
	# dune file and no _build/log in the directory.
	if [ -f "$E/mirage/context" ] && ! [ -e "$E/dune.build" ] && ! [ -e "$E/_build/log" ]; then
		check "debian: MirageOS 4's files built by make: layout" \
			eq "$(field layout "$O")" "mirage4 (another build tool)"
	else
		fail "debian: the example's build directory" "mirage/context missing or dune files found"
	fi
	bad=0
	n=0
	for m in $(grep '^/usr/lib/ocaml/[a-z_-]*/[^/]*\.a(.*)$' "$E/ocaml-net.map"); do
		d=${m#/usr/lib/ocaml/}; d=${d%%/*}
		lib=${m##*/}; lib=${lib%%.a(*}
		# a C stubs archive only the dune-package names; the META lists the OCaml one
		grep -q "archive(native) = \"$lib.cmxa\"" "/usr/lib/ocaml/$d/META" ||
			grep -q "$lib.a" "/usr/lib/ocaml/$d/dune-package" 2>/dev/null || continue
		want=$d@$(sed -n 's/^version = "\(.*\)"/\1/p' "/usr/lib/ocaml/$d/META")
		got=$(obj_pkg "$m" "$O")
		n=$((n + 1))
		[ "$got" = "$want" ] || { echo "    $m: $got, expected $want" >&2; bad=1; }
	done
	check "debian: $n members of /usr/lib/ocaml/<p>/ get p and its META's version" eq $bad 0
	check "debian: some members were checked" [ "$n" -gt 0 ]
	v=$(ocamlfind ocamlopt -version)
	bad=0
	for m in $(grep -E '^/usr/lib/ocaml/(stdlib|libasmrun)\.a\(.*\)$' "$E/ocaml-net.map"); do
		[ "$(obj_pkg "$m" "$O")" = "ocaml@$v" ] || { echo "    $m" >&2; bad=1; }
	done
	check "debian: stdlib.a and libasmrun.a members are ocaml@$v" eq $bad 0
	check "debian: libc.a members have no package" \
		eq "$(awk '$1 == "object" && $3 ~ /\/libc\.a\(/ && !/package=-@-/' "$O" | wc -l | tr -d ' ')" 0
else
	fail "debian: no ocaml-net example" "run make examples"
fi
