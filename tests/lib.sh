# Shared helpers for tests/*/t-*.sh (POSIX sh). Source it: . tests/lib.sh
# ma ARGS...     runs the tool (under valgrind when VALGRIND=1); sets $rc
# pass NAME / fail NAME [DETAIL]   record a result
# check NAME CMD...               pass if CMD succeeds
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT
ma() {
	if [ "${VALGRIND:-}" = 1 ]; then
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
			--suppressions="$TOP/tests/graph/graphviz.supp" \
			"$MA" "$@"
	else
		"$MA" "$@"
	fi
}
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1${2:+: $2}"; }
check() {
	name=$1; shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}
