#!/bin/sh
# SPDX-License-Identifier: ISC
# The review page (docs/review.md), opened in headless Chromium: `mirage-audit review` on
# several examples, one with its build, one against a baseline, one image whose names carry
# HTML, and a saved report given tcb and secrets sections shaped as docs/review.md says
# (review-page, tests/review/review-page.c). pagecheck.py reads each page as written (no
# JavaScript) and as Chromium left it: figures equal to the embedded report at their JSON
# pointers, the report equal to `report -f json`, the image's SHA-256 and size equal to the
# file's, no console line, no request, a screenshot of many colours. A control page with a
# request, a console error and an uncaught exception shows that each detector can fail.
# One Chromium start per page: about 3 s each on an idle 2-core machine.
. "${TOP:-.}/tests/lib.sh"

need chromium python3 gcc || exit 1
here=$TOP/tests/review
REVIEW_PAGE=${REVIEW_PAGE:-$TOP/build/tests/review-page}
# No session bus here: without this Chromium waits on D-Bus at every start.
export DBUS_SESSION_BUS_ADDRESS=disabled:
W=1280 H=2000

browse() {	# browse NAME PAGE: the screenshot, the DOM after the script, console and network logs
	chromium --headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-default-apps --disable-extensions --user-data-dir="$TMPD/profile" \
		--enable-logging=stderr --v=0 --log-net-log="$TMPD/$1.netlog" \
		--screenshot="$TMPD/$1.png" --window-size=$W,$H --dump-dom "file://$2" \
		> "$TMPD/$1.dom" 2> "$TMPD/$1.log"
}

# page_check NAME PAGE [pagecheck options]: queued; run_checks opens each queued page in
# Chromium, one after the other (in parallel they only contend on 2 cores; one profile
# directory, made once, is faster to start with), then checks each.
: > "$TMPD/queue"
page_check() {
	echo "$*" >> "$TMPD/queue"
}
run_checks() {
	while read -r name page _; do
		browse "$name" "$page"
	done < "$TMPD/queue"
	while read -r name page opts; do
		# shellcheck disable=SC2086
		python3 "$here/pagecheck.py" "$name" "$page" --dom "$TMPD/$name.dom" \
			--netlog "$TMPD/$name.netlog" --log "$TMPD/$name.log" \
			--png "$TMPD/$name.png" --size ${W}x$H $opts
	done < "$TMPD/queue"
	: > "$TMPD/queue"
}

# An example with its build and what it runs on, two without, the page against the report
# it embeds.
printf 'solo5-tender elf %s\nhypervisor bytes 1000000\n' "$EXAMPLES/tender" > "$TMPD/stack.txt"
for ex in ocaml-full solo5-hello xen-pvh; do
	image=$(awk -v n=$ex '$1 == n { print $2 }' "$EXAMPLES/LIST")
	set --
	[ $ex = ocaml-full ] && set -- --build "$EXAMPLES/$ex" --external-tcb "$TMPD/stack.txt"
	if ! ma review "$@" -o "$TMPD/$ex.html" "$EXAMPLES/$image" 2> "$TMPD/$ex.err"; then
		fail "review/$ex: review writes the page" "$(head -c 300 "$TMPD/$ex.err")"
		continue
	fi
	"$MA" report -f json "$@" "$EXAMPLES/$image" > "$TMPD/$ex.json" 2> /dev/null
	page_check $ex "$TMPD/$ex.html" --report "$TMPD/$ex.json" --image "$EXAMPLES/$image"
done
# What it runs on: both entries of the list are shown (their figures are checked against the
# embedded report with the others; t-tcb checks the tender's bytes against readelf).
check "review/ocaml-full: the page lists what the image runs on (--external-tcb)" test \
	"$(grep -o 'data-json="/tcb/external/[0-9]*/name"' "$TMPD/ocaml-full.html" | wc -l)" = 2

# Against a baseline: the diff section and its document.
if ma review --baseline "$EXAMPLES/solo5-hello/solo5-hello.spt" -o "$TMPD/diff.html" \
	"$EXAMPLES/solo5-seeded/solo5-seeded.spt" 2> "$TMPD/diff.err"; then
	page_check diff "$TMPD/diff.html" --diff
else
	fail "review/diff: review --baseline writes the page" "$(head -c 300 "$TMPD/diff.err")"
fi

# A report with tcb and secrets sections (docs/review.md's shapes): shown, and the treemap
# drawn library > module > symbol as the fixture's tree says. Its names carry HTML too, and
# these are drawn (a certificate subject "CN=<script>alert(1)</script>", symbol "<b>bold</b>").
"$MA" report -f json "$EXAMPLES/solo5-hello/solo5-hello.spt" > "$TMPD/plain.json" 2> /dev/null
python3 "$here/fixture.py" "$TMPD/plain.json" > "$TMPD/fixture.json"
if "$REVIEW_PAGE" "$TMPD/fixture.json" > "$TMPD/fixture.html" 2> "$TMPD/fixture.err"; then
	page_check fixture "$TMPD/fixture.html" --report "$TMPD/fixture.json" \
		--fixture "$TMPD/fixture.json" --hostile
else
	fail "review/fixture: review-page renders the fixture" "$(head -c 300 "$TMPD/fixture.err")"
fi

# Hostile names (tests/escape: a script tag, quotes, DOT and ANSI injection in symbol and
# module names): nothing runs but the page's own script. This tiny image shows its names in
# the embedded report and the graphs; the fixture above puts such names in tables and boxes.
cp "$TOP/tests/escape/hostile.c" "$TMPD/mahostile_module_placeholder_aaaaaaaaaaaaaa.c"
if (cd "$TMPD" && ${CC:-gcc} -static -nostdlib -no-pie -O1 -g -fno-inline -o plain \
	mahostile_module_placeholder_aaaaaaaaaaaaaa.c) 2> "$TMPD/cc.err" &&
	python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import check
check.write_hostile(sys.argv[2], sys.argv[3])' "$TOP/tests/escape" "$TMPD/plain" \
		"$TMPD/hostile" &&
	ma review -o "$TMPD/hostile.html" "$TMPD/hostile" 2> /dev/null; then
	page_check hostile "$TMPD/hostile.html" --hostile
else
	fail "review/hostile: the hostile image is built and reviewed" "$(head -c 200 "$TMPD/cc.err")"
fi

# The control: a page that loads an image over the network, logs an error and throws. Each
# detector must say so. Before that, its script clicks the treemap's first box and the
# severity heading of the findings: the treemap zooms, the findings sort.
click='var g=document.querySelector("#treemap g[data-box]");'
click=$click'g.dispatchEvent(new MouseEvent("click",{bubbles:true}));'
click=$click'document.querySelector("#findings-table th[data-sort]").click();'
if [ -f "$TMPD/solo5-hello.html" ]; then
	sed -e '/Content-Security-Policy/d' \
		-e 's|</main>|<img src="http://127.0.0.1:9/x.png" alt=""></main>|' \
		-e "s|</body>|<script>$click</script></body>|" \
		-e 's|</body>|<script>console.error("control");throw new Error("control")</script></body>|' \
		"$TMPD/solo5-hello.html" > "$TMPD/control.html"
	page_check control "$TMPD/control.html" --clicked
fi
run_checks > "$TMPD/checks.out"
# Every line but the control page's, whose detectors must each have failed.
grep -v '^[A-Z]*: review/control/' "$TMPD/checks.out"
if [ -f "$TMPD/control.html" ]; then
	for d in csp no-external console no-request js-ran; do
		check "review/control/$d: the check fails on the control page" \
			grep -q "^FAIL: review/control/$d:" "$TMPD/checks.out"
	done
	grep '^[A-Z]*: review/control/\(zoom\|sort\)' "$TMPD/checks.out"
fi

# The page is written atomically: a bad image leaves no file, not even a temporary one.
ma review -o "$TMPD/bad.html" /nonexistent/image > /dev/null 2>&1
rc=$?
check "review/bad-image: exit 2" [ $rc -eq 2 ]
check "review/bad-image: no file left" [ -z "$(ls "$TMPD" | grep '^bad\.html')" ]
# Progress is for a terminal: none on a redirected stderr, some under script(1).
ma review -o "$TMPD/p.html" "$EXAMPLES/solo5-hello/solo5-hello.spt" 2> "$TMPD/p.err"
check "review/progress: none when stderr is no terminal" [ ! -s "$TMPD/p.err" ]
if command -v script > /dev/null; then
	script -qec "'$MA' review -o '$TMPD/p2.html' '$EXAMPLES/solo5-hello/solo5-hello.spt'" \
		/dev/null < /dev/null > "$TMPD/p2.out" 2>&1
	check "review/progress: on a terminal" grep -q 'review: wrote' "$TMPD/p2.out"
fi
# report -f html is the same page for one image, and refuses several.
"$MA" report -f html "$EXAMPLES/solo5-hello/solo5-hello.spt" > "$TMPD/r.html" 2> /dev/null
check "review/report-f-html: report -f html writes the page" \
	grep -q '<script type="application/json" id="report-data">' "$TMPD/r.html"
"$MA" report -f html "$EXAMPLES/solo5-hello/solo5-hello.spt" \
	"$EXAMPLES/xen-pvh/xen-pvh.xen" > /dev/null 2>&1
rc=$?
check "review/report-f-html: several images are a usage error" [ $rc -eq 2 ]
