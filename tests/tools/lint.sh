#!/bin/sh
# Library headers stay in their corners and each floor uses only the floors it
# may (docs/architecture.md says which and why): prints one line per
# violation and exits 1 when there is any. `make lint` and tests/tools/t-lint.sh run it.
cd "$(dirname "$0")/../.." || exit 2
bad=0
only() {	# only HEADER-REGEX FILE... : the header may appear in these files only
	re=$1; shift
	for f in $(grep -lE "#include <($re)" audit/*/*.c audit/*/*.h analyzers/*.c reports/*.c 2>/dev/null); do
		ok=no
		for allowed in "$@"; do [ "$f" = "$allowed" ] && ok=yes; done
		if [ $ok = no ]; then echo "lint: $f includes <$re> (allowed only in $*)"; bad=1; fi
	done
}
# build_elf.c reads the objects and archive members of a build (--build DIR).
only 'libelf\.h|gelf\.h|elfutils/' audit/core/image.c audit/core/build_elf.c
# gadgets.c decodes every byte offset of code, not instructions from function starts:
# a scan of its own, too different from refgraph's walk to share it.
only 'capstone/' analyzers/refgraph.c analyzers/gadgets.c
# verify.c reads certificates: the checker is kept apart from the reporters on purpose.
# report_read.c reads saved reports back for diff: a reader, not an output format.
# budget.c reads budgets and writes the ratcheted one: the gate's own document.
# build_manifest.c reads a build directory's Solo5 manifest.json (--build DIR).
# html.c renders the review page from the report's JSON document, which it embeds.
only 'jansson\.h' reports/json.c reports/sarif.c reports/html.c reports/certificate.c reports/cyclonedx.c audit/gates/verify.c audit/gates/report_read.c audit/gates/budget.c audit/core/build_manifest.c
only 'gvc\.h|cgraph\.h' reports/dot.c
# Analyzers never print; reports never run analyses.
if grep -nE '(^|[^a-z_])(printf|puts|fputs)\(|fprintf\(std' analyzers/*.c | grep -v 'snprintf\|format(printf' | grep -q .; then
	grep -nE '(^|[^a-z_])(printf|puts|fputs)\(|fprintf\(std' analyzers/*.c | grep -v 'snprintf\|format(printf' | sed 's/^/lint: prints in an analyzer: /'
	bad=1
fi
if grep -n 'analyzers_run' reports/*.c | grep -q .; then
	echo "lint: a reporter runs analyzers"; bad=1
fi
# The floors, at link level (docs/architecture.md): an object may use symbols
# defined by its own floor and the floors it stands on, never one above or beside it.
# nm reads the built objects (make lint builds them first; BUILD names the tree).
obj=${BUILD:-build}/obj
objs=
for src in audit/*/*.c analyzers/*.c reports/*.c; do
	if [ -f "$obj/${src%.c}.o" ]; then objs="$objs $obj/${src%.c}.o"; else
		echo "lint: no object $obj/${src%.c}.o for $src (run make first)"; bad=1; fi
done
for o in "$obj/rules_default.o" "$obj/catalogue_default.o"; do
	if [ -f "$o" ]; then objs="$objs $o"; else echo "lint: no object $o (run make first)"; bad=1; fi
done
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
if ! nm -A -g --defined-only $objs > "$tmp/def" || ! nm -A -u $objs > "$tmp/und"; then
	echo "lint: nm failed on the objects"; bad=1
fi
floors=$(awk -v root="$obj/" '
function floor(f) {
	f = substr(f, length(root) + 1)
	if (f ~ /^audit\/core\// || f ~ /^[a-z_]+_default\.o$/) return "core"
	if (f ~ /^audit\/gates\//) return "gates"
	if (f ~ /^audit\/cli\//) return "cli"
	if (f ~ /^analyzers\//) return "analyzers"
	if (f ~ /^reports\//) return "reports"
	return "unknown"
}
BEGIN {
	# Which floors each floor may use. Gates use analyzers on purpose: verify re-runs
	# layout, refgraph and attribution itself, check lists stubs. Reports render gate
	# results, never run analyses. Only the command line brings everything together.
	may["core"] = " core "
	may["analyzers"] = " core analyzers "
	may["gates"] = " core analyzers gates "
	may["reports"] = " core gates reports "
	may["cli"] = " core analyzers gates reports cli "
}
{
	f = $0; sub(/:[^:]*$/, "", f); sym = $NF
	if (FILENAME ~ /def$/) { def[sym] = f; next }
	if (!(sym in def)) next
	a = floor(f); b = floor(def[sym])
	if (index(may[a], " " b " ") == 0)
		printf "lint: %s (%s) uses %s, defined in %s (%s)\n", f, a, sym, def[sym], b
}' "$tmp/def" "$tmp/und")
if [ -n "$floors" ]; then echo "$floors"; bad=1; fi
# A test's check runs one command: in `check NAME [ ... ] && more`, only the
# first command is checked and the rest runs afterwards with its failure dropped.
if grep -nE '^[[:space:]]*check .*\][[:space:]]*(&&|\|\|)' tests/*/*.sh | grep -q .; then
	grep -nE '^[[:space:]]*check .*\][[:space:]]*(&&|\|\|)' tests/*/*.sh |
		sed 's/^/lint: check with more than one command: /'
	bad=1
fi
exit $bad
