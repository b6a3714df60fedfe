#!/bin/sh
# SPDX-License-Identifier: ISC
# The libFuzzer targets (tests/fuzz/README.md) still build, still run, and no
# longer crash on the reproducers of the bugs they found.
#
# 1. `make fuzz-build` builds build/fuzz/fuzz_{load,notes,reach,json,map,opam} with
#    clang; without clang this FAILs (`make setup` installs clang and
#    libclang-rt-dev).
# 2. Every file of tests/fuzz/regress/ is replayed through the target its name
#    starts with (load-*, notes-*, reach-*, json-*, map-*, opam-*): one check per file. Each is
#    a small crash reproducer the fuzzers found, written by them, kept after
#    the fix (how it was found and what it broke: README.md).
# 3. Each target fuzzes for 4 seconds (-max_total_time=4) from seeds that
#    tests/fuzz/seeds.sh makes from the examples, the files under 64 KiB: PASS
#    when nothing crashed, leaked, hung (-timeout=10) or outgrew 2 GiB.
#
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"
cd "$TOP" || exit 2
targets="load notes reach json map opam"
if ! command -v "${FUZZ_CC:-clang}" > /dev/null 2>&1; then
	fail "fuzz-build" "no ${FUZZ_CC:-clang} on PATH: run 'make setup' as root (clang libclang-rt-dev)"
	exit 0
fi
if ! make -s fuzz-build > "$TMPD/build.log" 2>&1; then
	tail -n 20 "$TMPD/build.log"
	fail "fuzz-build" "make fuzz-build failed"
	exit 0
fi
pass "fuzz-build"
FUZZ_CERT_IMAGE=$EXAMPLES/solo5-hello/solo5-hello.spt
export FUZZ_CERT_IMAGE

for f in tests/fuzz/regress/*; do
	[ -f "$f" ] || continue
	t=${f##*/}
	t=${t%%-*}
	case " $targets " in
	*" $t "*) ;;
	*) fail "regress ${f##*/}" "no target '$t' (names start with one of: $targets)"; continue ;;
	esac
	if build/fuzz/fuzz_$t -rss_limit_mb=2048 -timeout=10 "$f" > "$TMPD/replay.log" 2>&1; then
		pass "regress ${f##*/}"
	else
		grep -E 'ERROR|SUMMARY|runtime error' "$TMPD/replay.log" | head -n 5
		fail "regress ${f##*/}" "fuzz_$t crashes on it again"
	fi
done

if ! sh tests/fuzz/seeds.sh "$EXAMPLES" "$TMPD/all" > "$TMPD/seeds.log" 2>&1; then
	cat "$TMPD/seeds.log"
	fail "seeds" "tests/fuzz/seeds.sh failed"
	exit 0
fi
for t in $targets; do
	mkdir -p "$TMPD/corpus/$t" "build/fuzz/artifacts/smoke-$t"
	find "$TMPD/all/$t" -type f -size -64k -exec cp {} "$TMPD/corpus/$t/" \;
	if build/fuzz/fuzz_$t -max_total_time=4 -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
		-artifact_prefix="build/fuzz/artifacts/smoke-$t/" "$TMPD/corpus/$t" > "$TMPD/$t.log" 2>&1; then
		pass "fuzz_$t runs 4 s without a crash"
	else
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$TMPD/$t.log" | head -n 5
		fail "fuzz_$t runs 4 s without a crash" "reproducer in build/fuzz/artifacts/smoke-$t/"
	fi
done
