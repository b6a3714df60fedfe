#!/bin/sh
# Library headers stay in their corners (STYLE.md): prints one line per
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
only 'libelf\.h|gelf\.h|elfutils/' audit/core/image.c
# gadgets.c decodes every byte offset of code, not instructions from function starts:
# a scan of its own, too different from refgraph's walk to share it.
only 'capstone/' analyzers/refgraph.c analyzers/gadgets.c
# verify.c reads certificates: the checker is kept apart from the reporters on purpose.
# report_read.c reads saved reports back for diff: a reader, not an output format.
only 'jansson\.h' reports/json.c reports/sarif.c reports/certificate.c audit/gates/verify.c audit/gates/report_read.c audit/gates/budget.c
only 'gvc\.h|cgraph\.h' reports/dot.c
# Analyzers never print; reports never run analyses.
if grep -nE '(^|[^a-z_])(printf|puts|fputs)\(|fprintf\(std' analyzers/*.c | grep -v 'snprintf\|format(printf' | grep -q .; then
	grep -nE '(^|[^a-z_])(printf|puts|fputs)\(|fprintf\(std' analyzers/*.c | grep -v 'snprintf\|format(printf' | sed 's/^/lint: prints in an analyzer: /'
	bad=1
fi
if grep -n 'analyzers_run' reports/*.c | grep -q .; then
	echo "lint: a reporter runs analyzers"; bad=1
fi
# A test's check runs one command: in `check NAME [ ... ] && more`, only the
# first command is checked and the rest runs afterwards with its failure dropped.
if grep -nE '^[[:space:]]*check .*\][[:space:]]*(&&|\|\|)' tests/*/*.sh | grep -q .; then
	grep -nE '^[[:space:]]*check .*\][[:space:]]*(&&|\|\|)' tests/*/*.sh |
		sed 's/^/lint: check with more than one command: /'
	bad=1
fi
exit $bad
