#!/bin/sh
# SPDX-License-Identifier: ISC
# The build inputs (audit/core/build*.c, docs/build.md) against the linker's own
# word and binutils, on every example with a link map (build/examples/*/*.map):
#
# 1. every member the map's "Archive member included to satisfy reference by
#    file (symbol)" part names is linked, with the map's file and symbol as
#    its why, and no other object has a why;
# 2. every member `ar t` lists of an archive on a LOAD line that this part
#    does not name is left out, and no other object is;
# 3. the defined and undefined symbols of a few members of each archive equal
#    `nm -g --defined-only` and `nm -u` of the member `ar x` extracts;
# 4. the placed bytes of every plain object equal the sum of its input
#    sections in the memory map (in output sections with an address);
# 5. a build log written by hand in the shape of dune's _build/log and the
#    examples' build.log: the link commands, their directory and the startup
#    file are found, quoting included.
# The map is parsed here with awk, by whitespace fields, not by the tool's parser.
#
# Environment: EXAMPLES (built examples, absolute), TOP, BUILD_DUMP (default
# build/tests/build-dump, which `make` builds).
. "$TOP/tests/lib.sh"
cd "$TOP" || exit 2
LC_ALL=C
export LC_ALL
BD=${BUILD_DUMP:-$TOP/${BUILD:-build}/tests/build-dump}
need ar nm awk || exit 1
if [ ! -x "$BD" ]; then
	fail "build-dump built" "no $BD: run make"
	exit 1
fi

# included MAP: "archive(member) file|symbol" per line of the include part.
included() {
	awk '
	/^Archive member included to satisfy reference by file \(symbol\)$/ { on = 1; next }
	on && /^[^ ]/ && $0 !~ /\(/ { on = 0 }
	!on || NF == 0 { next }
	/^[^ ]/ {
		name = $1
		if (NF == 1) next
		$1 = ""
	}
	{
		line = $0
		sub(/^ +/, "", line)
		n = split(line, w, " ")
		sym = w[n]; file = w[1]
		for (i = 2; i < n; i++) file = file " " w[i]
		if (n == 1) { file = ""; }
		gsub(/^\(|\)$/, "", sym)
		print name " " (file == "" ? "-" : file) "|" sym
	}' "$1" | sort -u
}

# loads MAP: the LOAD lines
loads() {
	awk '/^LOAD / { sub(/^LOAD /, ""); print }' "$1"
}

# placed_sums MAP: "file bytes" for every file with input sections in an
# output section whose address is not 0 (tests/build/placed.awk, summed by file).
placed_sums() {
	awk -f "$TOP/tests/build/placed.awk" "$1" |
		awk '{ sum[$1] += $3 } END { for (f in sum) printf "%s %d\n", f, sum[f] }' | sort
}

n_maps=0
for map in "$EXAMPLES"/*/*.map; do
	[ -f "$map" ] || continue
	n_maps=$((n_maps + 1))
	ex=${map#"$EXAMPLES"/}
	d=$TMPD/${ex%%/*}.${map##*/}
	mkdir -p "$d"
	if ! "$BD" --map "$map" "$(dirname "$map")" > "$d/dump" 2> "$d/err"; then
		fail "$ex: build-dump" "$(head -n 2 "$d/err")"
		continue
	fi
	# 1. included members: linked, with the map's why; nothing else has a why
	included "$map" > "$d/incl.want"
	awk '$1 == "object" && $2 == "linked" && $5 != "why=-|-" {
		w = $5; sub(/^why=/, "", w); print $3 " " w }' "$d/dump" | sort -u > "$d/incl.got"
	if [ -s "$d/incl.want" ] || grep -q '^Archive member included' "$map"; then
		if cmp -s "$d/incl.want" "$d/incl.got"; then
			pass "$ex: $(wc -l < "$d/incl.want") included members linked, why as the map says"
		else
			fail "$ex: included members" "$(diff "$d/incl.want" "$d/incl.got" | head -n 6)"
		fi
	fi
	# 2. left out: what ar t lists of the LOAD archives, less what was included
	: > "$d/members"
	loads "$map" | while read -r f; do
		case $f in *.a) ;; *) continue ;; esac
		ar t "$f" 2> /dev/null | grep -v '^/' | sed "s|^|$f(|; s|\$|)|" >> "$d/members"
	done
	sort -u "$d/members" -o "$d/members"
	cut -d' ' -f1 "$d/incl.want" | sort -u > "$d/incl.names"
	comm -23 "$d/members" "$d/incl.names" > "$d/left.want"
	awk '$1 == "object" && $2 == "left-out" { print $3 }' "$d/dump" | sort -u > "$d/left.got"
	if cmp -s "$d/left.want" "$d/left.got"; then
		pass "$ex: $(wc -l < "$d/left.want") members of the LOAD archives left out (ar t less the included)"
	else
		fail "$ex: left-out members" "$(diff "$d/left.want" "$d/left.got" | head -n 6)"
	fi
	# 3. symbols of the first two members of each archive (one left out, when any), against nm
	checked=0 bad=
	for m in $( (head -n 2 "$d/incl.names"; head -n 1 "$d/left.want";
		     grep '/lwt.a(\|/libasmrun.a(\|bindings.a(' "$d/incl.names" | head -n 2) | sort -u); do
		a=${m%%(*} mem=${m#*(}; mem=${mem%)}
		case $a in /*) ;; *) a=$TOP/$a ;; esac
		rm -rf "$d/x" && mkdir "$d/x" && (cd "$d/x" && ar x "$a" "$mem") ||
			{ bad="$bad $m (ar x)"; continue; }
		nm -g --defined-only "$d/x/$mem" | awk 'NF == 3 { print $3 }' | sort -u > "$d/def.want"
		nm -u "$d/x/$mem" | awk '{ print $NF }' | sort -u > "$d/und.want"
		awk -v m="$m" '$1 == "def" && $2 == m { print $3 }' "$d/dump" > "$d/def.got"
		awk -v m="$m" '$1 == "undef" && $2 == m { print $3 }' "$d/dump" > "$d/und.got"
		if cmp -s "$d/def.want" "$d/def.got" && cmp -s "$d/und.want" "$d/und.got"; then
			checked=$((checked + 1))
		else
			bad="$bad $m"
		fi
	done
	if [ -n "$bad" ]; then
		fail "$ex: symbols against nm" "$bad"
	elif [ "$checked" -gt 0 ]; then
		pass "$ex: defined and undefined symbols of $checked members equal nm's"
	fi
	# 4. placed bytes of every plain object: the map's input sections, summed by awk
	placed_sums "$map" | awk '$1 !~ /\)$/' | sort -k1,1 > "$d/sums"
	awk '$1 == "object" && $3 !~ /\)$/ { b = $7; sub(/^bytes=/, "", b); print $3, b }' \
		"$d/dump" | sort -k1,1 > "$d/plain"
	if join -a1 -a2 -e 0 -o 0,1.2,2.2 "$d/plain" "$d/sums" |
		awk '$2 != $3 { bad = 1; print } END { exit bad }' > "$d/placed.diff" &&
	   [ -s "$d/plain" ]; then
		pass "$ex: placed bytes of $(wc -l < "$d/plain") plain objects equal the map's sums"
	else
		fail "$ex: placed bytes" "$(head -n 3 "$d/placed.diff")"
	fi
done
check "examples with a link map (found $n_maps)" [ "$n_maps" -ge 5 ]

# 5. Logs: dune's shape and the examples' build.log shape, written here.
L=$TMPD/log
mkdir -p "$L/_build/solo5" "$L/src"
: > "$L/src/app.startup.s"
cat > "$L/_build/log" <<'EOF'
# dune build --profile release
$ (cd _build/solo5 && /opt/bin/ocamlfind ocamlopt -verbose -g -o main.exe -linkpkg 'lib dir/x.cmxa' main.cmx)
+ x86_64-solo5-none-static-as -o '/tmp/camlstartup1234.o' '../../src/app.startup.s'
+ x86_64-solo5-ocaml-cc -O2 -o 'main.exe' '-L/opt/lib/ocaml' '/tmp/camlstartup1234.o' "a \"q\" b" 'std_exit.o' -Wl,-Map,main.map
$ (cd _build/solo5 && x86_64-linux-gnu-gcc -c -o stub.o stub.c)
$ cp _build/solo5/main.exe dist/app.hvt
EOF
"$BD" --image app.hvt "$L" > "$L/dump" 2> "$L/err"
check "log: build-dump exits 0" [ $? -eq 0 ]
check "log: ocaml link is ocamlfind's, in _build/solo5" \
	grep -qx 'ocaml_link driver=ocamlopt cwd=_build/solo5 output=main.exe from=.*_build/log:2 argc=9' "$L/dump"
check "log: quoted words split as a shell does" grep -qx 'ocaml_link.argv 7 lib dir/x.cmxa' "$L/dump"
check "log: the C link is ocamlopt's + line, not the -c compile" \
	grep -qx 'link driver=cc cwd=_build/solo5 output=main.exe from=.*_build/log:4 argc=9' "$L/dump"
check "log: double quotes and backslashes" grep -qx 'link.argv 6 a "q" b' "$L/dump"
check "log: the startup file assembled into the linked /tmp/camlstartup*.o" \
	grep -qx "startup_asm $L/_build/solo5/../../src/app.startup.s" "$L/dump"
# The examples' build.log: $ (cd /abs && gcc ... -o path/NAME.spt), an absolute directory.
B=$TMPD/blog
mkdir -p "$B"
cat > "$B/build.log" <<EOF
\$ (cd $B && gcc -O2 -o hello.o -c hello.c)
\$ (cd $B && gcc -nostdlib -static -o out/hello.spt start.o hello.o -Wl,-Map,out/hello.map)
\$ (cd $B && gcc -o other.spt start.o)
EOF
"$BD" --image hello.spt "$B" > "$B/dump" 2> "$B/err"
check "build.log: the link whose -o is the image, not the last one" \
	grep -qx "link driver=cc cwd=$B output=out/hello.spt from=$B/build.log:2 argc=8" "$B/dump"
check "build.log: no map, so the link line's objects are linked, unread ones unknown" \
	grep -q "^object linked hello.o .* known=no" "$B/dump"
"$BD" "$B" > "$B/dump2" 2> /dev/null
check "build.log without an image name: the last link" \
	grep -qx "link driver=cc cwd=$B output=other.spt from=$B/build.log:3 argc=4" "$B/dump2"
# A response file (gcc @FILE) on the link line: its words are the link's, and the
# map its -Wl,-Map names is the one read, over a map named like the image.
R=$TMPD/rsp
mkdir -p "$R/out"
cp "$EXAMPLES/solo5-hello/solo5-hello.map" "$R/out/link.map"
cp "$EXAMPLES/solo5-hello/solo5-hello.map" "$R/r.map"
printf '%s\n' "start.o 'my obj.o'" '-Wl,-Map,out/link.map' > "$R/args.rsp"
printf '$ (cd %s && gcc -nostdlib -o r.spt @args.rsp)\n' "$R" > "$R/build.log"
"$BD" --image r.spt "$R" > "$R/dump" 2> /dev/null
check "response file: its words replace @FILE" grep -qx 'link.argv 5 my obj.o' "$R/dump"
check "response file: the map its -Wl,-Map names is read" grep -qx "map $R/out/link.map" "$R/dump"
# dune's own log shape: the output of a command (ocamlopt -verbose) as "> " lines.
D=$TMPD/dune
mkdir -p "$D/_build"
cat > "$D/_build/log" <<'EOF2'
# dune build ./dist
# OCAMLPARAM: unset
$ (cd _build/solo5 && /opt/bin/ocamlopt.opt -verbose -o main.exe main.cmx)
> + x86_64-solo5-ocaml-cc -o 'main.exe' '-L/opt/lib' '/tmp/camlstartup99.o' 'main.o'
EOF2
"$BD" --image noop.hvt "$D" > "$D/dump" 2> /dev/null
check "dune log: the link ocamlopt printed as output" \
	grep -qx 'link driver=cc cwd=_build/solo5 output=main.exe from=.*_build/log:4 argc=6' "$D/dump"
# MirageOS 3 (Xen, Mini-OS): a plain ld line, logged.
X=$TMPD/m3
mkdir -p "$X"
printf '%s\n' '$ ocamlbuild -use-ocamlfind main.native.o' \
	'$ ld -d -static -nostdlib _build/main.native.o -L/opt/lib -lxenasmrun -o app.xen' \
	'$ ocamlbuild -o app.xen main.native.o' '$ ocamlfind ocamlc -o app.xen x.cmo' > "$X/build.log"
"$BD" --image app.xen "$X" > "$X/dump" 2> /dev/null
check "mirage3 log: the ld link of NAME.xen (ocamlbuild is no ld, ocamlfind no cc)" \
	grep -qx "link driver=ld cwd=- output=app.xen from=$X/build.log:2 argc=9" "$X/dump"
# -M FILE alone: the map, its objects read relative to the current directory (the top,
# where the examples were linked), layout "map only".
"$BD" --map "$EXAMPLES/solo5-hello/solo5-hello.map" > "$TMPD/m.dump" 2> /dev/null
check "-M alone: layout map only" grep -qx 'layout map only' "$TMPD/m.dump"
check "-M alone: every object of the LOAD lines read" \
	[ "$(grep -c '^object linked .* known=yes' "$TMPD/m.dump")" -eq "$(loads "$EXAMPLES/solo5-hello/solo5-hello.map" | wc -l)" ]
