#!/bin/sh
# Facility names of every MirageOS generation, and no "sealed" without evidence
# of absence (docs/facilities.md: "Names by generation", "Near misses").
#
# Each shape is a Xen PV image linked at 0 like a Mirage 1.x-3.x kernel, built
# here from assembler that gen() writes from a unit list: per unit the
# caml<U>__code_begin/__code_end/__data_begin/__data_end markers, one function
# and the module block caml<U>, and _start calls every unit's function. The
# lists below are the truth, with the facility each unit belongs to by the
# library it comes from ("-": none; "near F": a unit no catalogue pattern knows
# whose name shares F's name token):
#   mirage1  mirage-tcpip 1.x (oasis: Tcpv4 pack, Udpv4, Ipv4, Icmpv4, Arpv4,
#            Ethif, Dhcp_clientv4, Tcpip_stack_direct), mirage-console-xen 1.x
#   netxen   mirage-net-xen 1.5-1.7 (Netif and the Netchannel pack) and
#            mirage-tcpip 3.x (Tcp__Flow, Udp_packet, Static_ipv4, Arpv4_packet)
#   crunch   crunch units of Mirage 1.x-3.0 (Static1, Static2) and 4.x
#            (Dune__exe__Static_htdocs) beside tcpip's Static_ipv4
#   near     Tcpfoo_engine and Mytls_client (near misses of tcp and tls), and
#            Ipaddr, Stdlib__Hashtbl (words that must not count: ipv4 stays sealed)
# Checked, against nm on the image and these lists:
#   - a facility with a linked unit (nm: caml<U>__code_begin) is not sealed,
#     lists the unit, and its bytes cover the unit's code (code_end - code_begin);
#     a facility none of whose units is linked and with no near miss is sealed
#   - a near miss gives unknown, with its name in near_misses
#   - facilities --require-sealed F exits 1 for a linked or near-missed F, 0 otherwise
#   - the certificate never says sealed for them, verify accepts it, and rejects a
#     copy edited to say sealed (for the near shape: with its near lines removed too)
#   - check: a budget facilities.sealed of a near-missed facility fails
. tests/lib.sh
J=$TMPD/j.json
quiet() { "$@" > /dev/null 2>&1; }

# gen NAME UNIT...: $TMPD/NAME.xen, one RWX segment at 0 like Mirage 1.x kernels.
gen() {
	name=$1
	shift
	{
		printf '\t.section __xen_guest\n'
		printf '\t.ascii "GUEST_OS=Mirage,XEN_VER=xen-3.0,VIRT_BASE=0x0,HYPERCALL_PAGE=0x2"\n'
		printf '\t.byte 0\n\t.text\n\t.globl _start\n_start:\n'
		for u; do printf '\tcall caml%s__entry_10\n' "$u"; done
		printf '\thlt\n'
		for u; do
			printf '\t.globl caml%s__code_begin\ncaml%s__code_begin:\n' "$u" "$u"
			printf '\t.globl caml%s__entry_10\ncaml%s__entry_10:\n' "$u" "$u"
			printf '\tlea caml%s(%%rip), %%rax\n\t.fill 40, 1, 0x90\n\tret\n' "$u"
			printf '\t.globl caml%s__code_end\ncaml%s__code_end:\n' "$u" "$u"
		done
		printf '\t.data\n'
		for u; do
			printf '\t.globl caml%s__data_begin\ncaml%s__data_begin:\n\t.quad 0\n' "$u" "$u"
			printf '\t.globl caml%s\ncaml%s:\n\t.quad 1, 2\n' "$u" "$u"
			printf '\t.globl caml%s__data_end\ncaml%s__data_end:\n\t.quad 0\n' "$u" "$u"
		done
	} > "$TMPD/$name.s"
	as --64 -o "$TMPD/$name.o" "$TMPD/$name.s" &&
		{ ld -N -static -nostdlib -Ttext=0x0 -e _start --no-warn-rwx-segments \
			-o "$TMPD/$name.xen" "$TMPD/$name.o" 2>/dev/null ||
		  ld -N -static -nostdlib -Ttext=0x0 -e _start -o "$TMPD/$name.xen" "$TMPD/$name.o"; }
}

# truth NAME: the "FACILITY UNIT" lines of shape NAME ("near FACILITY UNIT" for near misses).
truth() {
	case $1 in
	mirage1) cat <<'EOF' ;;
tcp Tcpv4__Pcb
tcp Tcpv4__Flow
tcp Tcpv4__Segment
tcp Tcpv4__Sliding_window
udp Udpv4
ipv4 Ipv4
icmp Icmpv4
arp Arpv4
ethernet Ethif
tcpip-stack Dhcp_clientv4
tcpip-stack Tcpip_stack_direct
console Console
- Unikernel
EOF
	netxen) cat <<'EOF' ;;
net-device Netif
net-device Netchannel__Frontend
net-device Netchannel__RX
net-device Netchannel__TX
net-device Netchannel__Shared_page_pool
net-device Netchannel__Assemble
net-device Netchannel__Xenstore
tcp Tcp__Flow
tcp Tcp__Pcb
udp Udp
udp Udp_packet
ipv4 Static_ipv4
ipv4 Ipv4_packet
arp Arpv4
arp Arpv4_packet
ethernet Ethif_packet
- Unikernel
EOF
	crunch) cat <<'EOF' ;;
kv-crunch Static1
kv-crunch Static2
kv-crunch Dune__exe__Static_htdocs
ipv4 Static_ipv4
- Unikernel
EOF
	near) cat <<'EOF' ;;
near tcp Tcpfoo_engine
near tls Mytls_client
- Ipaddr
- Stdlib__Hashtbl
- Unikernel
EOF
	esac
}

# facts NAME: the facilities JSON in $J against the truth and nm (one PASS/FAIL line each).
facts() {
	truth "$1" > "$TMPD/$1.truth"
	nm "$TMPD/$1.xen" > "$TMPD/$1.nm"
	python3 - "$1" "$TMPD/$1.truth" "$TMPD/$1.nm" "$J" <<'PY'
import json, sys
shape, truthf, nmf, jf = sys.argv[1:]
addr = {}
for l in open(nmf):
    w = l.split()
    if len(w) == 3:
        addr[w[2]] = int(w[0], 16)
fac = {f["name"]: f for f in json.load(open(jf))["facilities"]}
linked, near = {}, {}
for l in open(truthf):
    w = l.split()
    if w[0] == "near":
        near.setdefault(w[1], []).append(w[2])
    elif w[0] != "-":
        linked.setdefault(w[0], [])
        if "caml%s__code_begin" % w[1] in addr:     # nm: the unit is in the image
            linked[w[0]].append(w[1])
def res(ok, name, why=""):
    print(("PASS: %s" if ok else "FAIL: %s: " + why) % ("generations %s: %s" % (shape, name)))
for f, units in sorted(linked.items()):
    row = fac[f]
    res(len(units) > 0, "%s: its units are in the image (nm)" % f, "nm shows none")
    res(row["verdict"] in ("dead", "reachable"), "%s linked (%s): not sealed" % (f, units[0]),
        "verdict %s" % row["verdict"])
    res(sorted(row["units"]) == sorted(units), "%s: lists exactly its units" % f,
        "lists %s, nm shows %s" % (row["units"], units))
    code = sum(addr["caml%s__code_end" % u] - addr["caml%s__code_begin" % u] for u in units)
    res(row["bytes"] >= code, "%s: bytes cover its units' code (%d)" % (f, code),
        "%d bytes" % row["bytes"])
for f, names in sorted(near.items()):
    row = fac[f]
    res(row["verdict"] == "unknown" and all(n in row["near_misses"] for n in names),
        "%s: near miss %s gives unknown and is named" % (f, names[0]),
        "verdict %s, near_misses %s" % (row["verdict"], row["near_misses"]))
# Every other facility: nothing of it in the source, no look-alike: sealed.
for f, row in sorted(fac.items()):
    if f in linked or f in near:
        continue
    res(row["verdict"] == "sealed" and not row["near_misses"], "%s: absent, sealed" % f,
        "verdict %s, near_misses %s" % (row["verdict"], row["near_misses"]))
PY
}

# rs NAME FACILITY STATUS: facilities --require-sealed FACILITY exits STATUS.
rs() {
	ma facilities --require-sealed "$2" "$TMPD/$1.xen" > /dev/null 2>&1
	rc=$?
	if [ "$rc" -eq "$3" ]; then pass "generations $1: --require-sealed $2 exits $3"
	else fail "generations $1: --require-sealed $2 exits $3" "exit $rc"; fi
}

# cert NAME FACILITY: the certificate does not say sealed; verify takes it and
# rejects a copy that says FACILITY is sealed (its near lines dropped).
cert() {
	c=$TMPD/$1.cert
	if ! ma facilities --certificate "$c" "$TMPD/$1.xen" > /dev/null 2>&1; then
		fail "generations $1: facilities --certificate"
		return
	fi
	check "generations $1: the certificate does not say $2 is sealed" python3 -c '
import json, sys
f = [f for f in json.load(open(sys.argv[1]))["facilities"] if f["name"] == sys.argv[2]][0]
sys.exit(f["verdict"] == "sealed")' "$c" "$2"
	check "generations $1: verify accepts the certificate" quiet ma verify "$TMPD/$1.xen" "$c"
	python3 - "$c" "$2" "$TMPD/$1.forged" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for f in d["facilities"]:
    if f["name"] == sys.argv[2]:
        f["verdict"] = "sealed"
        f["units"] = []
        f["nodes"] = []
        f["patterns"] = [p for p in f["patterns"] if not p.startswith("near ")]
json.dump(d, open(sys.argv[3], "w"))
PY
	ma verify "$TMPD/$1.xen" "$TMPD/$1.forged" > /dev/null 2> "$TMPD/err"
	rc=$?
	if [ "$rc" -eq 1 ] && grep -q "facility '$2' is certified sealed" "$TMPD/err"; then
		pass "generations $1: verify rejects a copy saying $2 is sealed"
	else
		fail "generations $1: verify rejects a copy saying $2 is sealed" \
			"exit $rc: $(head -n 1 "$TMPD/err")"
	fi
}

for s in mirage1 netxen crunch near; do
	# shellcheck disable=SC2046
	if ! gen "$s" $(truth "$s" | awk '{ print $NF }'); then
		fail "generations $s: builds"
		continue
	fi
	if ma facilities -f json "$TMPD/$s.xen" > "$J"; then
		pass "generations $s: facilities -f json"
		facts "$s"
	else
		fail "generations $s: facilities -f json"
	fi
done

rs mirage1 tcp 1
rs mirage1 udp 1
rs mirage1 ipv4 1
rs netxen net-device 1
rs crunch kv-crunch 1
rs crunch tcp 0
rs near tcp 1
rs near tls 1
rs near udp 0
cert mirage1 tcp
cert mirage1 ipv4
cert crunch kv-crunch
cert near tcp
cert near tls

# A budget that wants the near-missed tcp sealed fails; udp (absent, no look-alike) passes.
for f in tcp udp; do
	printf '{"schema": "mirage-audit/budget", "schema_version": 1, %s}\n' \
		"\"facilities\": {\"sealed\": [\"$f\"]}" > "$TMPD/b-$f.json"
done
ma check -f json --budget "$TMPD/b-tcp.json" "$TMPD/near.xen" > "$TMPD/chk.json" 2>/dev/null
rc=$?
check "generations near: budget facilities.sealed tcp fails (exit 1)" [ "$rc" -eq 1 ]
check "generations near: the failed line is facilities.sealed.tcp, verdict unknown" python3 -c '
import json, sys
l = [l for l in json.load(open(sys.argv[1]))["lines"] if l["status"] == "fail"]
sys.exit(not (len(l) == 1 and l[0]["key"] == "facilities.sealed.tcp"
             and l[0]["verdict"] == "unknown"))
' "$TMPD/chk.json"
ma check --budget "$TMPD/b-udp.json" "$TMPD/near.xen" > /dev/null 2>&1
rc=$?
check "generations near: budget facilities.sealed udp passes (exit 0)" [ "$rc" -eq 0 ]
