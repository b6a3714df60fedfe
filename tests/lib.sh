# Shared helpers for tests/*/t-*.sh (POSIX sh). Source it: . tests/lib.sh
# ma ARGS...     runs the tool (under valgrind when VALGRIND=1, see ma_valgrind)
# pass NAME / fail NAME [DETAIL]   record a result
# check NAME CMD...               pass if CMD succeeds
# skip REASON                     a case that cannot run here, counted by run.sh: only for
#                                 what `make setup` does not provide (root, a VALGRIND or
#                                 SANITIZE run, the host's architecture, a device)
# need TOOL...                    every TOOL on PATH; a FAIL for each missing one, and status
#                                 1: these are what `make setup` installs, so missing is a
#                                 fault of the machine, never a skip (need nm || exit 1)
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT
# ma_valgrind: whether this call of ma runs under valgrind. VALGRIND=1 alone
# runs the first 4 calls of each script and every 8th after (VALGRIND_EVERY),
# which keeps a whole `make test VALGRIND=1` to tens of minutes instead of
# hours while every script, every command it tests first, and a spread of the
# rest are checked; VALGRIND_ALL=1 runs every call. The count lives in a file,
# so that calls in $(...) subshells count too.
ma_valgrind() {
	[ "${VALGRIND:-}" = 1 ] || return 1
	[ "${VALGRIND_ALL:-}" = 1 ] && return 0
	_ma_calls=0
	[ -f "$TMPD/.ma-calls" ] && read -r _ma_calls < "$TMPD/.ma-calls"
	echo $((_ma_calls + 1)) > "$TMPD/.ma-calls"
	[ "$_ma_calls" -lt 4 ] || [ $((_ma_calls % ${VALGRIND_EVERY:-8})) -eq 0 ]
}
ma() {
	if ma_valgrind; then
		# --num-callers=500: the Graphviz suppressions match deep fontconfig stacks
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
			--num-callers=500 --suppressions="$TOP/tests/graph/graphviz.supp" \
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
skip() { echo "SKIP: $1"; }
# need_examples WHAT: EXAMPLES names the built examples (make examples); else a FAIL and 1.
need_examples() {
	[ -n "$EXAMPLES" ] && [ -f "$EXAMPLES/LIST" ] && return 0
	fail "$1: examples" "${EXAMPLES:-\$EXAMPLES}/LIST missing: run 'make examples'"
	return 1
}
need() {
	_need_rc=0
	for _need_t; do
		command -v "$_need_t" > /dev/null 2>&1 && continue
		fail "${0##*/}: $_need_t installed" "not on PATH; 'make setup' installs it"
		_need_rc=1
	done
	return $_need_rc
}
