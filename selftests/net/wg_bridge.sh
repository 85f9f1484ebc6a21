#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Plain WireGuard through the relay (`relay-client wg`, issue 11): the
# kernel's wireguard module and `wg` from wireguard-tools in namespaces a
# and b, which have no route to each other; in each a bridge whose listen
# address is the WireGuard peer's Endpoint. Both bridges allocate in-band
# (both keys granted) and handshake with the relay. Checked against the
# kernel data plane, then against relayd --userspace (module unloaded),
# with the same two bridges and WireGuard interfaces running throughout:
# ping and a 2 MB TCP transfer through the tunnel (every byte checked), the relay's
# counters, a capture on the relay holding only Geneve-framed WireGuard
# messages and disco (the transfer's plaintext marker is in a capture of
# wg0 and not in the relay's), a peer moving to a new address re-binds
# within seconds without touching WireGuard, a relay that stops forwarding
# to one peer is noticed by the Ping probe and repaired by a re-bind, and
# a relay restart (new data plane, sessions gone) is survived by
# allocating again.
# vm-timeout: 300
. /selftests/lib.sh

MARK=PLAINTEXT-MARKER-0f1e2d3c4b5a
WGPORT=51820 BRPORT=51821
TA=10.9.0.1 TB=10.9.0.2	# tunnel addresses
# bridge timers: Ping every second, re-bind after 3 s without a Pong
BRIDGE_OPTS="--probe-interval 1000 --dead-after 3000"

ktap_header
command -v wg >/dev/null && command -v tcpdump >/dev/null ||
	{ ktap_skip "wg_bridge" "wg or tcpdump not in the image (scripts/install-deps.sh)"; ktap_finished; }
modprobe wireguard 2>/dev/null ||
	{ ktap_skip "wg_bridge" "no wireguard module"; ktap_finished; }
topology || bail "topology"
load_module

DA=$(relay-client genkey -o "$T/a.disco") && DB=$(relay-client genkey -o "$T/b.disco") &&
	SK=$(relay-client genkey -o "$T/relay.key") || bail "disco keys"
printf '%s\n%s\n' "$DA" "$DB" >"$T/grants"
cat >"$T/relayd.conf" <<EOC
key $T/relay.key
grants $T/grants
rate-limit 0
EOC

# WireGuard: wg0 in a and b, the peer's Endpoint is the local bridge.
(umask 077; wg genkey >"$T/a.wg" && wg genkey >"$T/b.wg") || bail "wg genkey"
WA=$(wg pubkey <"$T/a.wg") WB=$(wg pubkey <"$T/b.wg")
wg_setup() {	# wg_setup NS-FN NS OWN-KEY PEER-PUB OWN-ADDR PEER-ADDR
	ip -n "$2" link add wg0 type wireguard &&
		$1 wg set wg0 private-key "$3" listen-port $WGPORT \
			peer "$4" endpoint 127.0.0.1:$BRPORT allowed-ips "$6/32" &&
		ip -n "$2" addr add "$5/24" dev wg0 &&
		ip -n "$2" link set wg0 up
}
wg_setup in_a a "$T/a.wg" "$WB" $TA $TB || bail "wg0 in a"
wg_setup in_b b "$T/b.wg" "$WA" $TB $TA || bail "wg0 in b"
IFA=$(ip -n a -o link show wg0 | cut -d: -f1)

# The bridges, for the whole scenario.
bridge_start() {	# bridge_start NS-FN NAME KEYFILE PEER RELAY-ADDR
	: >"$T/$2.log"	# before the background job opens it: nev reads it at once
	$(nsprefix "$1") relay-client -j wg --key "$3" --peer "$4" --allocate \
		--relay "$(ep "$5" "$RELAY_PORT")" --server-key "$SK" \
		--listen 127.0.0.1:$BRPORT --wg-port $WGPORT $BRIDGE_OPTS \
		>"$T/$2.log" 2>"$T/$2.err" &
	BG_PIDS="$BG_PIDS $!"
	eval "BR_$2=\$!"
}
# nev NAME EVENT: how many EVENT lines bridge NAME logged
nev() { _nev=$(grep -c "\"event\":\"$2\"" "$T/$1.log" 2>/dev/null); echo "${_nev:-0}"; }
# wait_ev NAME EVENT N [SECONDS]: until NAME logged EVENT N times
wait_ev() {
	_i=0
	while [ "$(nev "$1" "$2")" -lt "$3" ] && [ $_i -lt $((${4:-20} * 10 * PRL_SLOW)) ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ "$(nev "$1" "$2")" -ge "$3" ]
}
# bstat NAME FIELD: a counter of bridge NAME (SIGUSR1 prints them)
bstat() {
	_c=$(nev "$1" stats)
	eval "kill -USR1 \$BR_$1"
	wait_ev "$1" stats $((_c + 1)) 5 || { echo missing; return; }
	grep '"event":"stats"' "$T/$1.log" | tail -n 1 | jget ".$2"
}
# tunnel_ping N: N pings from a to b through the tunnel, all answered
tunnel_ping() {
	in_a ping -c "$1" -i 0.2 -W 5 $TB >"$T/ping.out" 2>&1 ||
		{ test_error "ping: $(tail -n 2 "$T/ping.out" | tr '\n' ' ')"; return 1; }
	check_contains "ping" " 0% packet loss" "$(cat "$T/ping.out")"
}

# bulk LABEL: 2 MB over TCP from a to b through the tunnel, every byte
# checked (tcpbulk: the marker pattern repeated)
bulk() {
	rm -f "$T/bulk.ready"
	$(nsprefix in_b) tcpbulk recv --bind $TB:5001 --pattern "$MARK" \
		--ready "$T/bulk.ready" --timeout $((90000 * PRL_SLOW)) >"$T/bulk.recv" 2>&1 &
	_rp=$!
	_i=0
	while [ ! -e "$T/bulk.ready" ] && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
	in_a tcpbulk send --to $TB:5001 --pattern "$MARK" --bytes 2000000 \
		--timeout $((90000 * PRL_SLOW)) >"$T/bulk.send" 2>&1 ||
		test_error "$1: send: $(cat "$T/bulk.send")"
	wait $_rp || test_error "$1: receive: $(cat "$T/bulk.recv")"
	check_contains "$1: all 2000000 bytes, pattern intact" "received 2000000 bytes" "$(cat "$T/bulk.recv")"
	check_contains "$1: pattern" "pattern ok" "$(cat "$T/bulk.recv")"
	diag "$1: $(cat "$T/bulk.recv")"
}

# capture_start / capture_check: tcpdump on every interface of the relay
# (each forwarded datagram is seen coming in and going out) and, as the
# control, on b's wg0 (the tunnel's plaintext)
capture_start() {
	$(nsprefix in_r) tcpdump -Z root -i any -nn -U -s 0 -w "$T/relay.pcap" \
		udp port "$RELAY_PORT" >/dev/null 2>"$T/tcpdump.err" &
	CAP_R=$!
	$(nsprefix in_b) tcpdump -Z root -i wg0 -nn -U -s 0 -w "$T/wg0.pcap" \
		>/dev/null 2>"$T/tcpdump-wg.err" &
	CAP_W=$!
	BG_PIDS="$BG_PIDS $CAP_R $CAP_W"
	_i=0
	until grep -qs listening "$T/tcpdump.err" && grep -qs listening "$T/tcpdump-wg.err"; do
		[ $_i -lt $((100 * PRL_SLOW)) ] ||
			{ diag "tcpdump did not start: $(cat "$T/tcpdump.err" "$T/tcpdump-wg.err")"; return 1; }
		sleep 0.1
		_i=$((_i + 1))
	done
}
capture_stop() {
	kill -INT $CAP_R $CAP_W 2>/dev/null
	wait $CAP_R $CAP_W 2>/dev/null
}
# pcount FILTER: datagrams of the relay capture matching FILTER
pcount() { tcpdump -Z root -nn -r "$T/relay.pcap" "$1" 2>/dev/null | wc -l; }
capture_check() {	# capture_check LABEL VNI
	_v=$(printf '0x%06x00' "$2")
	_all=$(pcount "udp port $RELAY_PORT")
	# Geneve(O=0, 0x7A12, VNI) + a WireGuard message: type 1..4, 3 zero bytes
	_wg=$(pcount "udp[8:4] = 0x7a12 and udp[12:4] = $_v and udp[16] >= 1 and udp[16] <= 4 and udp[17:2] = 0 and udp[19] = 0")
	_wgdata=$(pcount "udp[8:4] = 0x7a12 and udp[12:4] = $_v and udp[16:4] = 0x04000000")
	# Geneve(O=0, 0x7A11) + disco (the bridges' Pings and Pongs)
	_e2e=$(pcount "udp[8:4] = 0x7a11 and udp[12:4] = $_v and udp[16:4] = 0x5453f09f")
	# Geneve(O=1, 0x7A11) + disco (Bind, Challenge, Answer), plain disco (allocation)
	_ctl=$(pcount "udp[8:4] = 0x807a11 and udp[16:4] = 0x5453f09f")
	_plain=$(pcount "udp[8:4] = 0x5453f09f")
	diag "$1 capture: $_all datagrams: $_wg WireGuard ($_wgdata transport data), $_e2e disco Ping/Pong, $_ctl handshake, $_plain allocation"
	# a GSO run shows up as one frame (its first header): >= 100 frames
	check_ge "$1: WireGuard transport data captured" 100 "$_wgdata"
	check_eq "$1: every captured datagram is Geneve+WireGuard or disco" "$_all" $((_wg + _e2e + _ctl + _plain))
	check_eq "$1: plaintext marker in the relay's capture" 0 "$(grep -o "$MARK" "$T/relay.pcap" | wc -l)"
	check_ge "$1: the marker is in wg0's capture (control)" 10000 "$(grep -o "$MARK" "$T/wg0.pcap" | wc -l)"
}

# ================================================================ kernel plane
relayd_start --config "$T/relayd.conf" || bail "relayd (kernel data plane)"
bridge_start in_a A "$T/a.disco" "$DB" $R4A
bridge_start in_b B "$T/b.disco" "$DA" $R4B

test_begin "kernel plane: both bridges allocate the same session, bind, and see each other's Pongs"
wait_ev A up 1 && wait_ev B up 1 ||
	test_error "not up: A $(tail -n 3 "$T/A.log" "$T/A.err" | tr '\n' ' ') B $(tail -n 3 "$T/B.log" "$T/B.err" | tr '\n' ' ')"
VNI=$(grep '"event":"allocated"' "$T/A.log" | tail -n 1 | jget .vni)
check_eq "same VNI" "$VNI" "$(grep '"event":"allocated"' "$T/B.log" | tail -n 1 | jget .vni)"
check_eq "one session" 1 "$(session_count)"
ep_index "$DA" "$DB"
RA=$(ep_remote "$VNI" $IA) RB=$(ep_remote "$VNI" $IB)
check_eq "A's endpoint bound from A's address" "$A4" "${RA%:*}"
check_eq "B's endpoint bound from B's address" "$B4" "${RB%:*}"
check_fail "no route from a to b" in_a ip route get $B4
test_end

test_begin "kernel plane: ping and a 2 MB transfer through WireGuard; the relay forwards only ciphertext"
stat_snapshot
capture_start || test_error "capture"
tunnel_ping 5
bulk "kernel"
capture_stop
_p=$(stat_delta forwarded_packets_udp4_udp4) _b=$(stat_delta forwarded_bytes_udp4_udp4)
diag "relay forwarded $_p datagrams, $_b bytes"
# 2 MB as WireGuard messages of at most 1452 bytes: at least 1378
check_ge "forwarded datagrams" 1378 "$_p"
check_ge "forwarded bytes (ciphertext of 2 MB)" 2000000 "$_b"
check_stat_delta dropped_bad_source 0
check_eq "WireGuard handshake done" 1 "$(in_a wg show wg0 latest-handshakes | awk '$2 > 0' | wc -l)"
check_ge "bridge A: datagrams to the relay" 1000 "$(bstat A to_relay_packets)"
check_ge "bridge B: datagrams to WireGuard" 1000 "$(bstat B to_wg_packets)"
check_eq "bridge B: nothing dropped from foreign sources" 0 "$(bstat B drop_foreign)"
capture_check kernel "$VNI"
test_end

test_begin "kernel plane: a moves to a new address; its bridge re-binds, WireGuard is not touched"
in_a /sbin/ip -4 addr flush dev va
in_a /sbin/ip addr add 10.0.1.7/24 dev va
_t0=$(date +%s)
wait_remote "$VNI" $IA "10.0.1.7:${RA##*:}" || wait_remote "$VNI" $IA "10.0.1.7:${RA##*:}" ||
	test_error "A's endpoint is $(ep_remote "$VNI" $IA), not 10.0.1.7:${RA##*:}"
diag "re-bound within $(( $(date +%s) - _t0 )) s"
check_contains "A's bridge says why" "local address changed from $A4 to 10.0.1.7" "$(grep '"event":"rebind"' "$T/A.log")"
tunnel_ping 3
check_eq "same wg0 in a" "$IFA" "$(ip -n a -o link show wg0 | cut -d: -f1)"
check_eq "WireGuard's endpoint is still the bridge" "127.0.0.1:$BRPORT" "$(in_a wg show wg0 endpoints | awk '{ print $2 }')"
test_end

test_begin "kernel plane: the relay stops forwarding to b; the Ping probe notices, b re-binds"
_rb=$(nev B rebind)
session_bind "$VNI" $IB "$B4:9" || test_error "rebind by hand"
wait_ev B rebind $((_rb + 1)) 15 || test_error "B did not re-bind"
check_contains "reason" "the relay stopped forwarding" "$(grep '"event":"rebind"' "$T/B.log" | tail -n 1)"
wait_remote "$VNI" $IB "$RB" || test_error "B's endpoint is $(ep_remote "$VNI" $IB), not $RB"
tunnel_ping 3
test_end

# ============================================================= userspace plane
test_begin "relay restart on the userspace plane (module unloaded): the bridges allocate again"
relayd_stop
unload_module || test_error "rmmod"
_ua=$(nev A up) _ub=$(nev B up)
LOG=$T/relayd-u.log
$(nsprefix in_r) relayd --port "$RELAY_PORT" --userspace --config "$T/relayd.conf" -v >"$LOG" 2>&1 &
RELAYD_PID=$!
wait_ev A up $((_ua + 1)) 40 && wait_ev B up $((_ub + 1)) 40 ||
	test_error "not up again: A $(tail -n 2 "$T/A.log" | tr '\n' ' ') B $(tail -n 2 "$T/B.log" | tr '\n' ' ') relayd $(tail -n 3 "$LOG" | tr '\n' ' ')"
check_contains "userspace forwarding" "forwarding in userspace" "$(cat "$LOG")"
check_fail "module not loaded" module_loaded
UVNI=$(grep '"event":"allocated"' "$T/A.log" | tail -n 1 | jget .vni)
check_eq "same VNI for both" "$UVNI" "$(grep '"event":"allocated"' "$T/B.log" | tail -n 1 | jget .vni)"
check_contains "A bound from its new address" "vni $UVNI: endpoint" "$(grep "bound to 10.0.1.7:" "$LOG")"
test_end

# dp NAME: a userspace data plane counter from relayd's SIGUSR1 log line
dp() {
	_c=$(grep -c 'view:' "$LOG")
	kill -USR1 "$RELAYD_PID"
	_i=0
	while [ "$(grep -c 'view:' "$LOG")" -le "$_c" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
	grep 'data plane: received' "$LOG" | tail -n 1 | sed -n "s/.*$1 \([0-9]*\).*/\1/p"
}

test_begin "userspace plane: ping and a 2 MB transfer; counters; only ciphertext"
_f=$(dp udp4_udp4)
capture_start || test_error "capture"
tunnel_ping 5
bulk "userspace"
capture_stop
_n=$(( $(dp udp4_udp4) - _f ))
diag "relayd forwarded $_n datagrams"
check_ge "forwarded datagrams" 1378 "$_n"
capture_check userspace "$UVNI"
test_end

test_begin "userspace plane: a moves again; re-bound, the tunnel keeps working"
in_a /sbin/ip -4 addr flush dev va
in_a /sbin/ip addr add 10.0.1.8/24 dev va
_i=0
while ! grep -q "vni $UVNI: endpoint $IA bound to 10.0.1.8:" "$LOG" && [ $_i -lt $((100 * PRL_SLOW)) ]; do
	sleep 0.1
	_i=$((_i + 1))
done
check_contains "relayd bound A's new address" "bound to 10.0.1.8:" "$(grep "vni $UVNI: endpoint $IA" "$LOG")"
tunnel_ping 3
test_end

# Alternated, because the rate of the VM under TCG swings with the host's
# load: relayed (bridges + relayd --userspace), direct, relayed, direct.
test_begin "reference for performance.md: the transfer relayed and with WireGuard routed directly, alternated"
in_r sysctl -qw net.ipv4.ip_forward=1
in_a /sbin/ip route add 10.0.2.0/24 via $R4A
in_b /sbin/ip route add 10.0.1.0/24 via $R4B
for _round in 1 2; do
	bulk "relayed $_round"
	check_ok "a's peer endpoint: b directly" in_a wg set wg0 peer "$WB" endpoint $B4:$WGPORT
	check_ok "b's peer endpoint: a directly" in_b wg set wg0 peer "$WA" endpoint 10.0.1.8:$WGPORT
	bulk "direct $_round (no relay)"
	check_ok "a's peer endpoint: the bridge" in_a wg set wg0 peer "$WB" endpoint 127.0.0.1:$BRPORT
	check_ok "b's peer endpoint: the bridge" in_b wg set wg0 peer "$WA" endpoint 127.0.0.1:$BRPORT
done
test_end

test_begin "bridges stop cleanly on SIGTERM and print their counters"
for _b in A B; do
	eval "kill -TERM \$BR_$_b; wait \$BR_$_b"
	check_eq "bridge $_b exit status" 0 "$?"
	check_eq "bridge $_b: final counters" 1 "$(grep -c '"event":"stopped"' "$T/$_b.log")"
	check_eq "bridge $_b: no send errors" 0 "$(grep '"event":"stopped"' "$T/$_b.log" | jget .send_errors)"
done
test_end

ktap_finished
