#!/bin/sh
# Retained sizes and dead code on a call graph built by hand (tests/reach/retained.s,
# assembled and linked here): the expected figures come from nm -S and the
# graph's construction, not from the tool.
. tests/lib.sh
as --64 -o $TMPD/r.o tests/reach/retained.s && ld -static -nostdlib -e _start -o $TMPD/r.elf $TMPD/r.o
sz() { nm -S $TMPD/r.elf | awk -v n="$1" '$4 == n { print $2 }' | python3 -c 'import sys; print(int(sys.stdin.read().strip() or "0", 16))'; }
f=$(sz f) g=$(sz g) h=$(sz h) k=$(sz k)
ma size --retained -d symbol -n 0 -f json $TMPD/r.elf > $TMPD/s.json || fail "retained: size --retained runs"
ret() { python3 -c "
import json; d = json.load(open('$TMPD/s.json'))
print([c.get('retained') for c in d['tree']['children'] if c['name'] == '$1'][0])"; }
check_eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got $2, want $3"; fi; }
check_eq "retained: f dominates g and k" "$(ret f)" $((f + g + k))
check_eq "retained: h is shared, retains itself" "$(ret h)" "$h"
check_eq "retained: k is dominated, retains itself" "$(ret k)" "$k"
check_eq "retained: a dead function retains nothing" "$(ret dead)" 0
ma dead -f json $TMPD/r.elf > $TMPD/d.json || fail "retained: dead runs"
check_eq "retained: only 'dead' is dead" \
	"$(python3 -c "import json; print(sorted(f['name'] for f in json.load(open('$TMPD/d.json'))['dead_functions']))")" \
	"['dead']"
