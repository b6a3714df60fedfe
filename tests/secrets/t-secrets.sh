#!/bin/sh
# SPDX-License-Identifier: ISC
# The secrets scan of `mirage-audit report` (docs/secrets.md). Every expected fact comes
# from openssl, nm, readelf or the fixture's own construction, never from the tool:
#   planted   solo5-seeded plants an RSA key (PEM) and its self-signed certificate (DER),
#             made by openssl at build time; planted.key.pem and planted.crt.pem beside
#             the image declare them. The tool's algorithm and bits equal what
#             `openssl pkey -text` says, subject/issuer/dates what `openssl x509` says,
#             self-signed what `openssl verify` says; its offsets hold exactly the
#             declared bytes (dd | cmp) and its symbols are nm's.
#   others    every other example: no MA-SEC finding, no key, certificate, credential or
#             toolchain entry, and the build paths exactly those `strings -a` shows
#             under /home/USER/, /Users/USER/ and /root/ (none when the tree is not
#             under a home directory); scanned_bytes the sum of readelf's section sizes.
#   fixture   a blob linked in with `ld -r -b binary` (so it is .data, in a PT_LOAD): a
#             PKCS#1 RSA PEM key, a SEC1 EC DER key, a PKCS#8 Ed25519 DER key, an
#             encrypted PKCS#8 PEM key, an expired certificate (openssl ca -startdate
#             -enddate, PEM), a CA-signed certificate (DER, not self-signed), a
#             credential after "api_key=", /home/alice/ twice and /Users/bob/ once; and
#             what must not be flagged: the base64 alphabet and an OCaml qualified name
#             near "key", a random token with no keyword near it, a corrupt PEM key, a
#             truncated one, and a 0x30 0x82 SEQUENCE longer than the file. A random
#             token near "key" is also a symbol name (.strtab: never scanned).
#   openssh   an Ed25519 and an encrypted RSA key from ssh-keygen (OpenSSH's own format,
#             which libcrypto does not read): algorithm and bits as `ssh-keygen -l` says.
#   ocaml     an OCaml program linked with compiler-libs.common and dynlink: the
#             compiler and Dynlink entries, and no toplevel (nm shows no camlToploop).
#   hostile   5000 empty PEM blocks and 30000 DER certificate candidates: the run ends
#             (under 20 s) and says which bound it hit.
# Environment: MA (the tool), EXAMPLES (built examples, absolute), TOP (repo root).
. "$TOP/tests/lib.sh"

: "${EXAMPLES:?EXAMPLES must name the built examples directory}"
need openssl nm readelf objcopy python3 ld cc strings dd cmp || exit 1
SCHEMA=$TOP/docs/report.schema.json
J=$TMPD/r.json

# report IMAGE: the JSON report into $J (and its status checked).
report() {
	if ! ma report -f json "$1" > "$J" 2> "$TMPD/err"; then
		fail "report ${1##*/}" "$(head -n 2 "$TMPD/err")"
		return 1
	fi
	check "schema: ${1##*/}: the report follows docs/report.schema.json" \
		python3 -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' "$J" "$SCHEMA"
}

# jq_py EXPR: evaluate a Python expression over the report d; prints the result.
jq_py() {
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); s = d["secrets"]; print(eval(sys.argv[2]))' "$J" "$1"
}

# iso DATE: openssl's "Nov 30 19:12:42 2036 GMT" as 2036-11-30T19:12:42Z.
iso() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }

# key_facts FILE [-inform DER]: "ALGORITHM BITS" from openssl alone: which of its readers
# takes the key, and the size `openssl pkey -text` prints (an Ed25519 key prints none: it is
# 256 bits by definition, RFC 8032).
key_facts() {
	f=$1; shift
	alg=$(openssl asn1parse -in "$f" "$@" 2> /dev/null |
		sed -n 's/.*OBJECT *:\([A-Za-z0-9-]*\).*/\1/p' | head -n 1)
	if [ "$alg" = ED25519 ]; then :
	elif openssl rsa -in "$f" "$@" -noout 2> /dev/null; then alg=RSA
	elif openssl ec -in "$f" "$@" -noout 2> /dev/null; then alg=EC
	fi
	bits=$(openssl pkey -in "$f" "$@" -noout -text 2> /dev/null | head -n 1 |
		sed -n 's/.*(\([0-9]*\) bit.*/\1/p')
	[ -n "$bits" ] || [ "$alg" != ED25519 ] || bits=256
	echo "$alg $bits"
}

# at OFF LEN IMAGE FILE: the LEN bytes at file offset OFF of IMAGE are FILE's first LEN.
at() {
	dd if="$3" bs=1 skip="$1" count="$2" 2> /dev/null > "$TMPD/at" &&
		head -c "$2" "$4" | cmp -s - "$TMPD/at"
}

# --- planted: solo5-seeded -------------------------------------------------------------
S=$EXAMPLES/solo5-seeded
img=$S/solo5-seeded.spt
if [ -f "$img" ] && [ -f "$S/planted.key.pem" ] && [ -f "$S/planted.crt.pem" ] && report "$img"; then
	set -- $(key_facts "$S/planted.key.pem")
	check "planted: one private key, PEM, $1 of $2 bits (openssl pkey -text)" \
		test "$(jq_py '[(k["format"], k["algorithm"], k["bits"]) for k in s["private_keys"]]')" = \
		"[('PEM', '$1', $2)]"
	koff=$(jq_py 's["private_keys"][0]["offset"]')
	check "planted: the key's offset holds planted.key.pem's bytes (dd | cmp)" \
		at "$koff" "$(wc -c < "$S/planted.key.pem")" "$img" "$S/planted.key.pem"
	kaddr=$(nm "$img" | awk '$3 == "planted_key_pem" { print "0x" $1 }' | sed 's/0x0*/0x/')
	check "planted: the key's symbol and address are nm's planted_key_pem ($kaddr)" \
		test "$(jq_py '(s["private_keys"][0]["symbol"], s["private_keys"][0]["address"])')" = \
		"('planted_key_pem', '$kaddr')"
	crt=$S/planted.crt.pem
	sub=$(openssl x509 -in "$crt" -noout -subject | sed 's/^subject=//')
	iss=$(openssl x509 -in "$crt" -noout -issuer | sed 's/^issuer=//')
	nb=$(iso "$(openssl x509 -in "$crt" -noout -startdate | sed 's/^notBefore=//')")
	na=$(iso "$(openssl x509 -in "$crt" -noout -enddate | sed 's/^notAfter=//')")
	if openssl x509 -in "$crt" -noout -checkend 0 > /dev/null; then exp=False; else exp=True; fi
	if openssl verify -CAfile "$crt" "$crt" > /dev/null 2>&1; then ss=True; else ss=False; fi
	check "planted: one certificate, DER, subject '$sub', issuer '$iss', $nb to $na, expired $exp, self-signed $ss (openssl x509, verify)" \
		test "$(jq_py '[(c["format"], c["subject"], c["issuer"], c["not_before"], c["not_after"], c["expired"], c["self_signed"]) for c in s["certificates"]]')" = \
		"[('DER', '$sub', '$iss', '$nb', '$na', $exp, $ss)]"
	openssl x509 -in "$crt" -outform DER -out "$TMPD/crt.der"
	coff=$(jq_py 's["certificates"][0]["offset"]')
	check "planted: the certificate's offset holds its DER bytes (dd | cmp)" \
		at "$coff" "$(wc -c < "$TMPD/crt.der")" "$img" "$TMPD/crt.der"
	check "planted: the certificate's symbol is nm's planted_cert_der" \
		test "$(jq_py 's["certificates"][0]["symbol"]')" = planted_cert_der
	check "planted: the MA-SEC findings are one MA-SEC-PRIVATE-KEY error (no expired certificate)" \
		test "$(python3 -c 'import json, sys; print([(f["rule"], f["severity"]) for f in json.load(open(sys.argv[1]))["findings"] if f["rule"].startswith("MA-SEC-")])' "$J")" = \
		"[('MA-SEC-PRIVATE-KEY', 'error')]"
	check "planted: the text report lists the key and the certificate" \
		sh -c "'$MA' report -n 0 '$img' | grep -q '^  private key  PEM $1 $2 bits.*planted_key_pem\$'"
else
	fail "planted: solo5-seeded with planted.key.pem and planted.crt.pem" "run 'make examples'"
fi

# --- the other examples: nothing flagged -------------------------------------------------
if [ -f "$EXAMPLES/LIST" ]; then
	while read -r ex image _; do
		[ "$ex" = solo5-seeded ] && continue
		img=$EXAMPLES/$image
		[ -f "$img" ] && report "$img" || { fail "others: $ex: report"; continue; }
		check "others: $ex: no MA-SEC finding but build-path notes" \
			test "$(python3 -c 'import json, sys; print([f["rule"] for f in json.load(open(sys.argv[1]))["findings"] if f["rule"].startswith("MA-SEC-") and f["rule"] != "MA-SEC-BUILD-PATH"])' "$J")" = "[]"
		check "others: $ex: no private key, certificate, credential or toolchain entry" \
			test "$(jq_py 'len(s["private_keys"]) + len(s["certificates"]) + len(s["credentials"]) + len(s["toolchain"])')" = 0
		want=$(strings -a -n 6 "$img" | grep -oE '(^|[^A-Za-z0-9._/+~-])/(home|Users)/[A-Za-z0-9._-]+/|(^|[^A-Za-z0-9._/+~-])/root/[A-Za-z0-9._+~-]' |
			sed -E 's|^[^/]*||; s|^/root/.*|/root/|' | LC_ALL=C sort -u | tr '\n' ' ')
		check "others: $ex: build paths are those strings -a shows ('$want')" \
			test "$(jq_py '" ".join(sorted(p["path"] for p in s["build_paths"])) + (" " if s["build_paths"] else "")')" = "$want"
		sum=$(readelf -SW "$img" | python3 -c 'import re, sys
print(sum(int(m.group(2), 16) for m in (re.match(r"\s*\[\s*\d+\]\s+\S*\s+(\S+)\s+\S+\s+\S+\s+(\S+)", l) for l in sys.stdin) if m and m.group(1) not in ("NOBITS", "NULL")))')
		check "others: $ex: scanned_bytes = readelf's non-NOBITS section sizes ($sum)" \
			test "$(jq_py 's["scanned_bytes"]')" = "$sum"
	done < "$EXAMPLES/LIST"
else
	fail "others: examples" "no $EXAMPLES/LIST: run 'make examples'"
fi

# --- fixture: one blob of every kind -----------------------------------------------------
F=$TMPD/fx
mkdir -p "$F/ca"
(
	cd "$F" || exit 1
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2> /dev/null |
		openssl rsa -traditional -out rsa.pem 2> /dev/null &&
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out ec8.pem 2> /dev/null &&
	openssl ec -in ec8.pem -outform DER -out ec.der 2> /dev/null &&
	openssl genpkey -algorithm ED25519 -outform DER -out ed.der 2> /dev/null &&
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2> /dev/null |
		openssl pkcs8 -topk8 -v2 aes-256-cbc -passout pass:fixture -out enc.pem &&
	openssl req -new -key rsa.pem -subj "/CN=expired.fixture.test" -out old.csr &&
	printf '[ca]\ndefault_ca = d\n[d]\ndatabase = ca/index.txt\nnew_certs_dir = ca\nserial = ca/serial\ndefault_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n' > ca.cnf &&
	: > ca/index.txt && echo 01 > ca/serial &&
	openssl ca -batch -config ca.cnf -selfsign -keyfile rsa.pem -in old.csr -notext \
		-startdate 20200101000000Z -enddate 20210101000000Z -out old.pem 2> /dev/null &&
	openssl req -x509 -key ec8.pem -subj "/CN=Fixture CA" -days 30 -out ca.pem &&
	openssl req -new -key rsa.pem -subj "/CN=leaf.fixture.test/O=Fixture" -out leaf.csr &&
	openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ec8.pem -CAcreateserial -days 30 \
		-outform DER -out leaf.der 2> /dev/null
) > "$F/log" 2>&1 || fail "fixture: openssl builds the keys and certificates" "$(tail -n 3 "$F/log")"
# A fixed token of the credential rules' kind (32 characters, 4.9 bits each): a random one
# passes them only about 98% of the time (docs/secrets.md), and the check is of the scan.
TOKEN=Zx9Qw3Er7Ty1Ui5Op2As8Df4Gh6Jk0Lm
# blob.py writes the blob and an index "NAME OFFSET LENGTH" of what it put where.
cat > "$F/blob.py" <<'PY'
import os, sys
d, token = sys.argv[1], sys.argv[2]
parts = [
    ("rsa", open(d + "/rsa.pem", "rb").read()),
    ("ec", open(d + "/ec.der", "rb").read()),
    ("ed", open(d + "/ed.der", "rb").read()),
    ("enc", open(d + "/enc.pem", "rb").read()),
    ("old", open(d + "/old.pem", "rb").read()),
    ("leaf", open(d + "/leaf.der", "rb").read()),
    ("cred", b"api_key=" + token.encode()),
    ("alpha", b"key ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
    ("ident", b"private key: Mirage_crypto__Poly1305_key7"),
    ("far", b"." * 80 + b"Qz7" + token[3:].encode()),
    ("home1", b"/home/alice/src/app/main.c"),
    ("home2", b"/home/alice/src/app/util.c"),
    ("users", b"/Users/bob/work/x.ml"),
    ("corrupt", b"-----BEGIN RSA PRIVATE KEY-----\n" + os.urandom(400) + b"\n-----END RSA PRIVATE KEY-----\n"),
    ("truncated", open(d + "/rsa.pem", "rb").read()[:700]),
    ("huge", b"\x30\x82\xff\xf0\x02\x01\x00\x02" + b"\x01" * 64),
]
blob, idx = b"", []
for name, b in parts:
    idx.append("%s %d %d" % (name, len(blob), len(b)))
    blob += b + b"\0" * 16
open(d + "/blob", "wb").write(blob)
open(d + "/index", "w").write("\n".join(idx) + "\n")
PY
printf '.globl _start\n.text\n_start: jmp _start\n.globl key_%s\nkey_%s = 0x1234\n' "$TOKEN" "$TOKEN" > "$F/start.s"
if python3 "$F/blob.py" "$F" "$TOKEN" && (cd "$F" && ld -r -b binary -o blob.o blob) &&
	cc -nostdlib -static -no-pie -o "$F/fx.elf" "$F/start.s" "$F/blob.o" 2> "$F/log"; then
	img=$F/fx.elf
	base=$(nm "$img" | awk '$3 == "_binary_blob_start" { print $1 }')
	boff=$(readelf -SW "$img" | sed -n 's/^ *\[ *[0-9]*\] \.data  *[A-Z]*  *[0-9a-f]*  *\([0-9a-f]*\) .*/\1/p')
	# off NAME: the file offset of NAME in the image (the blob starts .data here).
	off() { python3 -c 'import sys
for l in open(sys.argv[1]):
    n, o, _ = l.split()
    if n == sys.argv[2]: print(int(sys.argv[3], 16) + int(o))' "$F/index" "$1" "$boff"; }
	if report "$img"; then
		want=""
		for k in rsa:PEM ec:DER ed:DER; do
			n=${k%:*} fmt=${k#*:}
			case $n in rsa) set -- $(key_facts "$F/rsa.pem") ;;
			ec) set -- $(key_facts "$F/ec.der" -inform DER) ;;
			ed) set -- $(key_facts "$F/ed.der" -inform DER) ;; esac
			want="$want($(off $n), '$fmt', '$1', $2), "
		done
		want="$want($(off enc), 'PEM', 'encrypted', None), "
		check "fixture: keys: PKCS#1 RSA PEM, SEC1 EC DER, Ed25519 DER, encrypted PEM, at their offsets with openssl's algorithm and bits ($want)" \
			test "$(jq_py '", ".join("(%d, %r, %r, %s)" % (k["offset"], k["format"], k["algorithm"], k["bits"]) for k in s["private_keys"]) + ", "')" = "$want"
		check "fixture: key addresses are _binary_blob_start (nm) plus the blob offset" \
			python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))["secrets"]
idx = {l.split()[0]: int(l.split()[1]) for l in open(sys.argv[2])}
boff, base = int(sys.argv[3], 16), int(sys.argv[4], 16)
sys.exit(0 if all(int(k["address"], 16) == base + k["offset"] - boff and k["section"] == ".data" for k in d["private_keys"]) else 1)' "$J" "$F/index" "$boff" "$base"
		osub=$(openssl x509 -in "$F/old.pem" -noout -subject | sed 's/^subject=//')
		ona=$(iso "$(openssl x509 -in "$F/old.pem" -noout -enddate | sed 's/^notAfter=//')")
		lsub=$(openssl x509 -in "$F/leaf.der" -inform DER -noout -subject | sed 's/^subject=//')
		liss=$(openssl x509 -in "$F/leaf.der" -inform DER -noout -issuer | sed 's/^issuer=//')
		check "fixture: certificates: the expired one (PEM, self-signed, until $ona) and the CA-signed leaf (DER, issuer '$liss')" \
			test "$(jq_py '[(c["offset"], c["format"], c["subject"], c["not_after"] if c["expired"] else "valid", c["self_signed"]) for c in s["certificates"]]')" = \
			"[($(off old), 'PEM', '$osub', '$ona', True), ($(off leaf), 'DER', '$lsub', 'valid', False)]"
		check "fixture: the leaf's issuer is openssl's" \
			test "$(jq_py 's["certificates"][1]["issuer"]')" = "$liss"
		t4=$(echo "$TOKEN" | cut -c 1-4)
		check "fixture: one credential: after api_key=, redacted to '$t4...', at its offset" \
			test "$(jq_py '[(c["keyword"], c["text"], c["offset"]) for c in s["credentials"]]')" = \
			"[('api_key', '$t4...', $(($(off cred) + 8)))]"
		check "fixture: the credential's text never holds the token" \
			sh -c "! grep -q '$TOKEN' '$J'"
		check "fixture: build paths /Users/bob/ once, /home/alice/ twice" \
			test "$(jq_py '[(p["path"], p["user"], p["count"]) for p in s["build_paths"]]')" = \
			"[('/Users/bob/', 'bob', 1), ('/home/alice/', 'alice', 2)]"
		check "fixture: findings: 4 keys (error), 1 expired certificate and 1 credential (warning), 2 build paths (note)" \
			test "$(python3 -c 'import json, sys, collections; print(sorted(collections.Counter((f["rule"], f["severity"]) for f in json.load(open(sys.argv[1]))["findings"] if f["rule"].startswith("MA-SEC-")).items()))' "$J")" = \
			"[(('MA-SEC-BUILD-PATH', 'note'), 2), (('MA-SEC-CERT-EXPIRED', 'warning'), 1), (('MA-SEC-CREDENTIAL', 'warning'), 1), (('MA-SEC-PRIVATE-KEY', 'error'), 4)]"
		check "fixture: the corrupt and the truncated PEM key are one diagnostic note, not keys" \
			test "$(python3 -c 'import json, sys; print([x["message"] for x in json.load(open(sys.argv[1]))["diagnostics"] if x["message"].startswith("secrets:")])' "$J")" = \
			"['secrets: 2 PEM key or certificate block(s) do not parse, the first at offset $(printf '0x%x' "$(off corrupt)")']"
	fi
else
	fail "fixture: blob linked with ld -r -b binary" "$(head -n 3 "$F/log")"
fi

# --- openssh: keys libcrypto does not read -------------------------------------------------
# ssh-keygen comes with openssh-client, which `make setup` does not install: a skip.
if command -v ssh-keygen > /dev/null 2>&1; then
	K=$TMPD/ssh
	mkdir -p "$K"
	if ssh-keygen -q -t ed25519 -N '' -C fixture -f "$K/ed" &&
		ssh-keygen -q -t rsa -b 3072 -N fixture -C fixture -f "$K/rsa" &&
		cat "$K/ed" "$K/rsa" > "$K/blob" && (cd "$K" && ld -r -b binary -o blob.o blob) &&
		cc -nostdlib -static -no-pie -o "$K/k.elf" "$F/start.s" "$K/blob.o" 2> "$K/log" &&
		report "$K/k.elf"; then
		# ssh-keygen -l: "BITS SHA256:... COMMENT (TYPE)" of each key, in the blob's order.
		want=$(for k in ed rsa; do ssh-keygen -l -f "$K/$k"; done |
			sed -n 's/^\([0-9]*\) .*(\([A-Z0-9]*\))$/(\x27PEM\x27, \x27\2\x27, \1)/p' | paste -sd'|' - | sed 's/|/, /g')
		check "openssh: an Ed25519 key and an encrypted RSA key, algorithm and bits as ssh-keygen -l says ($want)" \
			test "$(jq_py '", ".join("(%r, %r, %s)" % (k["format"], k["algorithm"], k["bits"]) for k in s["private_keys"])')" = "$want"
	else
		fail "openssh: ssh-keygen keys linked in" "$(head -n 3 "$K/log" 2> /dev/null)"
	fi
else
	skip "openssh: no ssh-keygen (openssh-client is not a 'make setup' package)"
fi

# --- ocaml: compiler-libs and dynlink linked in ----------------------------------------
O=$TMPD/oc
mkdir -p "$O"
cat > "$O/t.ml" <<'ML'
(* Links compiler-libs.common (Typecore, Typemod, Env, ...) and Dynlink; runs neither. *)
let () =
  if Array.length Sys.argv > 99 then begin
    ignore (Typemod.type_implementation);
    Dynlink.loadfile Sys.argv.(1)
  end
ML
if command -v ocamlfind > /dev/null 2>&1 &&
	(cd "$O" && ocamlfind ocamlopt -package compiler-libs.common,dynlink -linkpkg -o t.exe t.ml) > "$O/log" 2>&1; then
	img=$O/t.exe
	units=$(nm "$img" | sed -n 's/.* caml\([A-Z][A-Za-z0-9_]*\)__code_begin$/\1/p' | sort -u)
	has() { echo "$units" | grep -qx "$1"; }
	want=
	has Typecore && has Typemod && want="${want}OCaml compiler (compiler-libs);"
	has Toploop && want="${want}OCaml toplevel;"
	has Dynlink && want="${want}Dynlink;"
	if report "$img"; then
		check "ocaml: toolchain entries '$want' (nm: camlTypecore, camlTypemod, camlDynlink; no camlToploop)" \
			test "$(jq_py '"".join(t["what"] + ";" for t in s["toolchain"])')" = "$want"
		check "ocaml: each is an MA-SEC-TOOLCHAIN warning" \
			test "$(python3 -c 'import json, sys; print(sum(1 for f in json.load(open(sys.argv[1]))["findings"] if f["rule"] == "MA-SEC-TOOLCHAIN" and f["severity"] == "warning"))' "$J")" = 2
	fi
else
	fail "ocaml: a program linked with compiler-libs.common and dynlink" "$(tail -n 3 "$O/log")"
fi

# --- hostile: the bounds hold -------------------------------------------------------------
H=$TMPD/h
mkdir -p "$H"
python3 - "$H/blob" <<'PY'
import sys
b = b"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n" * 5000
# A SEQUENCE of 272 bytes opening with a TBSCertificate and its version: a candidate each.
b += (b"\x30\x82\x01\x10\x30\x82\x01\x0c\xa0\x03\x02\x01\x02" + b"\x00" * 263) * 30000
open(sys.argv[1], "wb").write(b)
PY
if (cd "$H" && ld -r -b binary -o blob.o blob) &&
	cc -nostdlib -static -no-pie -o "$H/h.elf" "$F/start.s" "$H/blob.o" 2> "$H/log"; then
	start=$(date +%s)
	report "$H/h.elf"
	took=$(($(date +%s) - start))
	check "hostile: the scan ends in under 20 s (${took} s)" test "$took" -lt 20
	check "hostile: the PEM and DER bounds are said in the diagnostics" \
		test "$(python3 -c 'import json, sys; m = [x["message"] for x in json.load(open(sys.argv[1]))["diagnostics"]]; print(any("4096 PEM headers" in x for x in m) and any("DER candidates capped" in x for x in m))' "$J")" = True
else
	fail "hostile: blob linked" "$(head -n 3 "$H/log")"
fi
