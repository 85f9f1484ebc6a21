#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Handshake validation through the real relay (protocol §2.7, §3,
# §7 scenarios 9-14): malformed Binds get no Challenge, bad Answers bind
# nothing, several challenges per generation, half-bound sessions drop
# data, third parties and unknown VNIs get nothing. For IPv4, IPv6 and
# A on IPv4 / B on IPv6.
# vm-timeout: 240
. /selftests/lib.sh

# ---- handshake helpers (the same block is in every hs_*.sh) ----
# rc_key NAME: new client key in $T/NAME.key, prints the public key
# ep_desc KEY_X KEY_Y NAME: `relayctl -j session add` into $T/NAME.json
ep_desc() {
	relayctl_r -j session add "$1" "$2" >"$T/$3.json" 2>"$T/$3.err" || {
		diag "session add: $(cat "$T/$3.err")"
		return 1
	}
}
# --------------------------------------------------------------

ktap_header
relay_setup --family both --key "$T/relay.key"
keep_unbound_sessions	# each round's session stays unbound through many negative tests
SERVER_KEY=$(relayctl_r -j config get | jget .server_key)
[ ${#SERVER_KEY} -eq 64 ] || bail "relayd did not store its key in the kernel"
KC=$(rc_key c)	# a key that is in no session

# round NAME A-ADDR B-ADDR C-ADDR (C: third-party address on A's link)
round() {
	_n=$1 _a=$2 _b=$3 _c=$4
	KA=$(rc_key "a$_n") && KB=$(rc_key "b$_n") || bail "$_n: keys"
	ep_index "$KA" "$KB"
	ep_desc "$KA" "$KB" "ep$_n" || bail "$_n: session add"
	J=$T/ep$_n.json
	VNI=$(jget .vni <"$J")
	RA=$(ep "$(relay_addr_for $_a)" $RELAY_PORT)
	RB=$(ep "$(relay_addr_for $_b)" $RELAY_PORT)

	test_begin "$_n: §7.12 malformed Binds get no Challenge and bind nothing"
	for _k in bind-vni bind-remote-key bind-gen0 bind-proto bind-tamper; do
		rc in_a bind --endpoint-json "$J" --key "$T/a$_n.key" \
			--local "$(ep $_a 5001)" --corrupt $_k --timeout 700 >/dev/null 2>&1
		check_eq "$_k: exit 3 (no Challenge)" 3 "$?"
	done
	# sender key not in the session's pair
	rc in_a bind --relay "$RA" --server-key "$SERVER_KEY" --vni "$VNI" \
		--peer "$KB" --key "$T/c.key" --local "$(ep $_a 5001)" --timeout 700 >/dev/null 2>&1
	check_eq "foreign sender key: exit 3" 3 "$?"
	check_eq "A unbound" null "$(ep_remote $VNI $IA)"
	test_end

	test_begin "$_n: §7.13 bad Answers bind nothing"
	for _k in answer-port answer-mac answer-gen; do
		check_ok "$_k: Challenge received" rc in_a bind --endpoint-json "$J" \
			--key "$T/a$_n.key" --local "$(ep $_a 5001)" --corrupt $_k --timeout 3000
		sleep 0.2
		check_eq "$_k: A unbound" null "$(ep_remote $VNI $IA)"
	done
	test_end

	test_begin "$_n: §7.14 two Binds of one generation from two addresses each get a Challenge"
	check_ok "Bind from A (no Answer)" rc in_a bind --endpoint-json "$J" \
		--key "$T/a$_n.key" --local "$(ep $_a 5001)" --generation 7 --corrupt answer-none
	check_ok "Bind + Answer from C's address" rc in_a bind --endpoint-json "$J" \
		--key "$T/a$_n.key" --local "$(ep $_c 5001)" --generation 7
	wait_remote $VNI $IA "$(ep $_c 5001)" || test_error "C's address not bound: $(ep_remote $VNI $IA)"
	check_ok "A's own address binds with a new generation" rc in_a bind \
		--endpoint-json "$J" --key "$T/a$_n.key" --local "$(ep $_a 5001)" --generation 8
	wait_remote $VNI $IA "$(ep $_a 5001)" || test_error "A not bound: $(ep_remote $VNI $IA)"
	test_end

	test_begin "$_n: §7.11 half-bound: A's data is dropped, A's Ping never arrives"
	stat_snapshot
	rc in_a bind --endpoint-json "$J" --key "$T/a$_n.key" \
		--local "$(ep $_a 5001)" --generation 9 --ping 1 --timeout 1000 >/dev/null 2>&1
	check_eq "ping exit 3 (lost)" 3 "$?"
	_d=$(stat_delta dropped_not_bound)
	check_ge "dropped_not_bound" 1 "$_d"
	check_eq "state" connecting "$(session_json $VNI .state)"
	test_end

	test_begin "$_n: §7.10 unknown VNI: control and data dropped, no reply, no Challenge"
	_u=$((VNI + 1000))
	stat_snapshot
	expect_silence "data" in_a "$(ep $_a 5001)" "$RA" "$(wg_packet $_u)" 2 \
		"in_b=$(ep $_b 5002)"
	rc in_a bind --relay "$RA" --server-key "$SERVER_KEY" --vni $_u \
		--peer "$KB" --key "$T/a$_n.key" --local "$(ep $_a 5001)" --timeout 700 >/dev/null 2>&1
	check_eq "Bind on an unknown VNI: no Challenge" 3 "$?"
	_d=$(stat_delta dropped_unknown_vni)
	# the 2 data datagrams and at least the first Bind (how many
	# retransmits fit in 700 ms depends on the host's load)
	check_ge "dropped_unknown_vni" 3 "$_d"
	test_end

	# now bind B too (B answers pings)
	$(nsprefix in_b) relay-client bind --endpoint-json "$J" --key "$T/b$_n.key" \
		--local "$(ep $_b 5002)" --echo --timeout 20000 >"$T/echo.out" 2>&1 &
	ECHO=$!
	BG_PIDS="$BG_PIDS $ECHO"
	wait_remote $VNI $IB "$(ep $_b 5002)" || bail "$_n: B not bound"

	test_begin "$_n: §7.9 a third party's data on a valid VNI is dropped, no reply"
	stat_snapshot
	expect_silence "C" in_a "$(ep $_c 5009)" "$RA" "$(wg_packet $VNI)" 3 \
		"in_a=$(ep $_a 5001)"
	check_stat_delta dropped_bad_source 3
	test_end

	test_begin "$_n: A's Ping reaches B once both are bound"
	check_ok "ping" rc in_a bind --endpoint-json "$J" --key "$T/a$_n.key" \
		--local "$(ep $_a 5001)" --generation 20 --ping 2 --interval 50 --timeout 3000
	kill $ECHO 2>/dev/null
	wait $ECHO 2>/dev/null
	test_end
}

round udp4 $A4 $B4 $C4
round udp6 $A6 $B6 $C6
round mixed $A4 $B6 $C4

ktap_finished
