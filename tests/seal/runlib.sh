# SPDX-License-Identifier: ISC
# Shared by tests/seal/t-seal.sh and t-relink.sh (sourced). Sets ra_* variables; the caller
# sets ra_dir, the directory the example runs from.

# run_as NAME IMAGE OUT: run IMAGE in place of example NAME's image, as its truth.txt
# says, from the example's directory; stdout in OUT, the exit status in $run_rc.
run_as() {
	ra_line=$(sed -n 's/^run //p' "$TOP/examples/$1/truth.txt" | head -n 1)
	ra_img=$2 ra_out=$3
	ra_base=$(basename "$(awk -v n="$1" '$1 == n { print $2 }' "$EXAMPLES/LIST")")
	ra_args=
	# shellcheck disable=SC2086 # the run line's words, split on purpose
	set -- $ra_line
	ra_how=$1
	shift
	for a in "$@"; do
		case $a in "$ra_base"|*/"$ra_base") a=$ra_img ;; esac
		ra_args="$ra_args $a"
	done
	case $ra_how in
	tender) ra_args="$EXAMPLES/tender$ra_args" ;;
	direct) ;;
	*) run_rc=127; return ;;
	esac
	# shellcheck disable=SC2086
	(cd "$ra_dir" && timeout 60 $ra_args) < /dev/null > "$ra_out" 2>/dev/null
	run_rc=$?
}
