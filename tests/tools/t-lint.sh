#!/bin/sh
# The house layout rules (tests/tools/lint.sh) hold.
. tests/lib.sh
if out=$(sh tests/tools/lint.sh 2>&1); then pass "lint: library headers and layers"; else fail "lint" "$out"; fi
