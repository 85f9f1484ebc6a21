#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The real handshake end to end (protocol §2.7, §7 scenarios 1-8): relayd
# with a persistent key, `relayctl session add` printing the endpoint
# description, relay-client in namespaces a and b reading it
# (--endpoint-json) and running Bind -> Challenge -> Answer, then Geneve
# data both ways, rebinding from new ports, and per-AF-pair counters.
# Each round runs for IPv4, IPv6 and A on IPv4 / B on IPv6.
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
SERVER_KEY=$(relayctl_r -j config get | jget .server_key)
[ ${#SERVER_KEY} -eq 64 ] || bail "relayd did not store its key in the kernel ($SERVER_KEY)"

# round NAME A-ADDR B-ADDR AF-PAIR-A->B AF-PAIR-B->A
round() {
	_n=$1 _a=$2 _b=$3 _ab=$4 _ba=$5
	KA=$(rc_key "a$_n") && KB=$(rc_key "b$_n") || { bail "$_n: keys"; }
	ep_index "$KA" "$KB"

	test_begin "$_n: §7.1 session add prints a complete endpoint description, twice the same"
	ep_desc "$KA" "$KB" "ep$_n" || test_error "session add"
	ep_desc "$KB" "$KA" "ep${_n}_again" || test_error "session add again"
	J=$T/ep$_n.json
	VNI=$(jget .vni <"$J")
	check_eq "server key" "$SERVER_KEY" "$(jget .server_key <"$J")"
	if [ $IA = 0 ]; then _k0=$KA _k1=$KB; else _k0=$KB _k1=$KA; fi
	check_eq "client keys sorted" "[\"$_k0\",\"$_k1\"]" "$(jget .client_keys <"$J")"
	check_eq "bind lifetime" "30s 30000" "$(jget .bind_lifetime .bind_lifetime_ms <"$J" | tr '\n' ' ' | sed 's/ $//')"
	check_eq "steady-state lifetime" "5m0s 300000" "$(jget .steady_state_lifetime .steady_state_lifetime_ms <"$J" | tr '\n' ' ' | sed 's/ $//')"
	check_contains "relay addresses" "\"$R4A:$RELAY_PORT\"" "$(jget .addrs <"$J")"
	check_contains "relay addresses" "\"[$R6B]:$RELAY_PORT\"" "$(jget .addrs <"$J")"
	for _f in .vni .lamport .server_key .client_keys .addrs .bind_lifetime .steady_state_lifetime; do
		check_eq "again: $_f" "$(jget $_f <"$J")" "$(jget $_f <"$T/ep${_n}_again.json")"
	done
	check_eq "state" connecting "$(jget .state <"$J")"
	test_end

	test_begin "$_n: §7.2 a Bind gets a Challenge (sender ServerDisco, same VNI/generation/RemoteKey)"
	# --corrupt answer-none: handshake up to the Challenge, no Answer
	check_ok "bind without answer" rc in_a bind --endpoint-json "$J" \
		--key "$T/a$_n.key" --local "$(ep $_a 5001)" --generation 1 --corrupt answer-none --timeout 3000
	check_eq "no Answer: A not bound" null "$(ep_remote $VNI $IA)"
	test_end

	test_begin "$_n: §7.3 the Answer is silent and binds A, then B; generation 2 again"
	# A: handshake, then wait for anything: nothing may come back
	rc in_a -j bind --endpoint-json "$J" --key "$T/a$_n.key" \
		--local "$(ep $_a 5001)" --generation 1 --recv 1 --timeout 1500 >"$T/silent.out" 2>&1
	check_eq "A's exit status (3: nothing received)" 3 "$?"
	check_contains "A answered a Challenge" '"event":"answered"' "$(cat "$T/silent.out")"
	wait_remote $VNI $IA "$(ep $_a 5001)" || test_error "A not bound: $(ep_remote $VNI $IA)"
	check_ok "B handshake" rc in_b bind --endpoint-json "$J" \
		--key "$T/b$_n.key" --local "$(ep $_b 5002)" --generation 1
	wait_remote $VNI $IB "$(ep $_b 5002)" || test_error "B not bound: $(ep_remote $VNI $IB)"
	check_eq "open" open "$(session_json $VNI .state)"
	check_ok "A gen 2" rc in_a bind --endpoint-json "$J" --key "$T/a$_n.key" \
		--local "$(ep $_a 5001)" --generation 2
	check_ok "B gen 2" rc in_b bind --endpoint-json "$J" --key "$T/b$_n.key" \
		--local "$(ep $_b 5002)" --generation 2
	check_eq "still open" open "$(session_json $VNI .state)"
	test_end

	test_begin "$_n: §7.4 allocating again after the handshake returns the same endpoint"
	ep_desc "$KB" "$KA" "ep${_n}_3" || test_error "session add"
	for _f in .vni .lamport .server_key .client_keys; do
		check_eq "$_f" "$(jget $_f <"$J")" "$(jget $_f <"$T/ep${_n}_3.json")"
	done
	check_eq "state" open "$(jget .state <"$T/ep${_n}_3.json")"
	check_eq "A still bound" "$(ep $_a 5001)" "$(ep_remote $VNI $IA)"
	test_end

	test_begin "$_n: §7.5 A->B data arrives unchanged (header, VNI, 01 02 03)"
	stat_snapshot
	$(nsprefix in_b) relay-client -j bind --endpoint-json "$J" --key "$T/b$_n.key" \
		--local "$(ep $_b 5002)" --generation 3 --recv 1 --timeout 6000 >"$T/b.out" 2>&1 &
	_p=$!
	wait_remote $VNI $IB "$(ep $_b 5002)"
	sleep 0.3
	check_ok "A sends" rc in_a bind --endpoint-json "$J" --key "$T/a$_n.key" \
		--local "$(ep $_a 5001)" --generation 3 --send 010203 --settle 300
	wait $_p || test_error "B's receiver exited $?: $(cat "$T/b.out")"
	_l=$(grep '"recv"' "$T/b.out")
	check_eq "payload" 010203 "$(echo "$_l" | jget .payload)"
	check_eq "vni" "$VNI" "$(echo "$_l" | jget .vni)"
	check_eq "protocol 0x7a12" 31250 "$(echo "$_l" | jget .proto)"
	check_eq "length" 11 "$(echo "$_l" | jget .len)"
	check_stat_delta "forwarded_packets_$_ab" 1
	test_end

	test_begin "$_n: §7.6 B->A data arrives unchanged (04 05 06)"
	stat_snapshot
	$(nsprefix in_a) relay-client -j bind --endpoint-json "$J" --key "$T/a$_n.key" \
		--local "$(ep $_a 5001)" --generation 4 --recv 1 --timeout 6000 >"$T/a.out" 2>&1 &
	_p=$!
	sleep 0.5
	check_ok "B sends" rc in_b bind --endpoint-json "$J" --key "$T/b$_n.key" \
		--local "$(ep $_b 5002)" --generation 4 --send 040506 --settle 300
	wait $_p || test_error "A's receiver exited $?: $(cat "$T/a.out")"
	check_eq "payload" 040506 "$(grep '"recv"' "$T/a.out" | jget .payload)"
	check_stat_delta "forwarded_packets_$_ba" 1
	test_end

	test_begin "$_n: §7.7 A rebinds from a new port, then B: data follows to the new addresses"
	$(nsprefix in_b) relay-client -j bind --endpoint-json "$J" --key "$T/b$_n.key" \
		--local "$(ep $_b 5002)" --generation 5 --recv 1 --timeout 6000 >"$T/b.out" 2>&1 &
	_p=$!
	sleep 0.5
	check_ok "A sends from 5003" rc in_a bind --endpoint-json "$J" --key "$T/a$_n.key" \
		--local "$(ep $_a 5003)" --generation 10 --send 0a0b0c --settle 300
	wait $_p || test_error "B did not get A's data from the new port: $(cat "$T/b.out")"
	check_eq "A's new binding" "$(ep $_a 5003)" "$(ep_remote $VNI $IA)"
	$(nsprefix in_a) relay-client -j bind --endpoint-json "$J" --key "$T/a$_n.key" \
		--local "$(ep $_a 5003)" --generation 11 --recv 1 --timeout 6000 >"$T/a.out" 2>&1 &
	_p=$!
	sleep 0.5
	check_ok "B sends from 5004" rc in_b bind --endpoint-json "$J" --key "$T/b$_n.key" \
		--local "$(ep $_b 5004)" --generation 10 --send 0d0e0f --settle 300
	wait $_p || test_error "A's new address did not get B's data: $(cat "$T/a.out")"
	check_eq "payload at A's new port" 0d0e0f "$(grep '"recv"' "$T/a.out" | jget .payload)"
	check_eq "B's new binding" "$(ep $_b 5004)" "$(ep_remote $VNI $IB)"
	test_end

	test_begin "$_n: disco Ping/Pong end to end through the relay (B echoes, A pings)"
	$(nsprefix in_b) relay-client bind --endpoint-json "$J" --key "$T/b$_n.key" \
		--local "$(ep $_b 5002)" --echo --count 3 --timeout 8000 >"$T/echo.out" 2>&1 &
	_p=$!
	wait_remote $VNI $IB "$(ep $_b 5002)" || test_error "B not bound for echo"
	check_ok "A pings B 3 times" rc in_a bind --endpoint-json "$J" \
		--key "$T/a$_n.key" --local "$(ep $_a 5001)" --ping 3 --interval 50 --timeout 3000
	wait $_p || test_error "echo: $(cat "$T/echo.out")"
	test_end
}

round udp4 $A4 $B4 udp4_udp4 udp4_udp4
round udp6 $A6 $B6 udp6_udp6 udp6_udp6
round mixed $A4 $B6 udp4_udp6 udp6_udp4	# §7.8 cross-family

ktap_finished
