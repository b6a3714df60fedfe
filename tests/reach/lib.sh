# Shell helpers shared by tests/reach/t-*.sh (sourced after tests/lib.sh).
# has_symtab IMAGE, build_id IMAGE, twin IMAGE (the LIST image with IMAGE's build ID
# and a symbol table), trace NAME IMAGE (run the example under callgrind as its
# truth.txt says: trace in $TMPD/cg.NAME, stdout in $TMPD/out.NAME, stderr in
# $TMPD/err.NAME; returns non-zero when there is no trace, the exit status in $tr_rc).

has_symtab() {
	readelf -SW "$1" 2>/dev/null | grep -q ' \.symtab '
}
build_id() {
	readelf -nW "$1" 2>/dev/null | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p'
}

twin() {
	id=$(build_id "$1")
	[ -n "$id" ] || return 1
	while read -r _ tw_image _; do
		tw=$EXAMPLES/$tw_image
		if [ "$tw" != "$1" ] && [ -f "$tw" ] && has_symtab "$tw" &&
		    [ "$(build_id "$tw")" = "$id" ]; then
			echo "$tw"
			return 0
		fi
	done < "$EXAMPLES/LIST"
	return 1
}

trace() {
	tr_run=$(sed -n 's/^run //p' "$TOP/examples/$1/truth.txt" | head -n 1)
	# shellcheck disable=SC2086
	set -- "$1" "$2" $tr_run
	tr_name=$1 tr_dir=$(dirname "$2") tr_how=$3
	shift 3
	case $tr_how in
	tender) set -- "$EXAMPLES/tender" "$@" ;;
	direct) ;;
	*) tr_rc=127; return 1 ;;
	esac
	(cd "$tr_dir" && timeout 120 valgrind --tool=callgrind -q --dump-instr=yes \
		--dump-line=no --compress-pos=no --compress-strings=no \
		--callgrind-out-file="$TMPD/cg.$tr_name" "$@") \
		< /dev/null > "$TMPD/out.$tr_name" 2> "$TMPD/err.$tr_name"
	tr_rc=$?
	[ -s "$TMPD/cg.$tr_name" ]
}
