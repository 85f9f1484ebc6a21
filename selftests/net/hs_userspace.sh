#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# relayd's userspace data plane: the peer_relay module is NOT loaded and
# relayd runs with --userspace (2 SO_REUSEPORT sockets per family, one
# forwarding thread each). The real handshake end to end: in-band
# allocation (grants), relay-client Bind -> Challenge -> Answer, Geneve
# data both ways byte-exact for udp4, udp6 and mixed pairs, a third party
# and unknown VNIs (data and control) dropped and counted, sessions that
# carry traffic outlive the idle lifetime, then expire (bind and idle
# lifetimes from the config file, shortened with SIGHUP). Counters come
# from relayd's SIGUSR1 log ("data plane: ...").
# vm-timeout: 300
. /selftests/lib.sh

LOG=

# nlog NEEDLE: how often NEEDLE (fixed string) is in relayd's log
# (0 until relayd's shell has created the log: it starts in the background)
nlog() { if [ -f "$LOG" ]; then grep -cF "$1" "$LOG"; else echo 0; fi; }
# wait_log NEEDLE N: until NEEDLE is in the log N times (8 s)
wait_log() {
	_i=0
	while [ "$(nlog "$1")" -lt "$2" ] && [ $_i -lt 160 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	[ "$(nlog "$1")" -ge "$2" ]
}
# usr1: relayd logs its counters, then its view; wait for the view line
usr1() {
	_c=$(nlog 'view:')
	kill -USR1 "$RELAYD_PID"
	wait_log 'view:' $((_c + 1))
}
# dp NAME: a data plane counter (udp4_udp6, bad_source, control, ...)
dp() {
	usr1
	grep 'data plane:' "$LOG" | grep -o " $1 [0-9]*" | tail -n 1 | awk '{ print $2 }'
}
view() { usr1; grep 'view:' "$LOG" | tail -n 1 | sed 's/.*view: //'; }
check_dp_delta() {	# check_dp_delta NAME BEFORE EXPECTED-DELTA
	check_eq "counter $1 +$3" $(($2 + $3)) "$(dp "$1")"
}

ktap_header
topology || bail "topology"
module_loaded && bail "the peer_relay module is loaded"
KA=$(relay-client genkey -o "$T/a.key") && KC=$(relay-client genkey -o "$T/c.key") ||
	bail "keys"
echo "$KA" >"$T/grants"
cat >"$T/relayd.conf" <<EOC
key $T/relay.key
grants $T/grants
sockets 2
bind-lifetime 20000
idle-lifetime 120000
rate-limit 0
EOC
LOG=$T/relayd.log
$(nsprefix in_r) relayd --port "$RELAY_PORT" --userspace --config "$T/relayd.conf" -v >"$LOG" 2>&1 &
RELAYD_PID=$!
wait_log "ready:" 1 || bail "relayd not ready: $(tail -n 5 "$LOG" | tr '\n' '|')"
SK=$(sed -n 's/.*: relay key \([0-9a-f]\{64\}\)$/\1/p' "$LOG")	# no /dev/stdin here
[ ${#SK} -eq 64 ] || bail "relay key"

test_begin "relayd forwards in userspace: 4 threads, no module"
check_contains "ready line" "ready: 4 sockets forwarding in userspace on UDP port $RELAY_PORT" "$(cat "$LOG")"
check_contains "threads" "userspace data plane: 4 forwarding threads" "$(cat "$LOG")"
check_fail "module still not loaded" module_loaded
check_eq "4 UDP sockets on the relay port" 4 "$(in_r cat /proc/net/udp /proc/net/udp6 | grep -ci ":$(printf '%04X' "$RELAY_PORT") 0")"
test_end

LASTV=0 LASTL=0

# round NAME A-ADDR B-ADDR AF-PAIR-A->B AF-PAIR-B->A: a new pair (A and a
# fresh B key). Upper-case locals: lib.sh helpers use the _x names.
round() {
	RN=$1 PA=$2 PB=$3 AB=$4 BA=$5
	RA=$(ep "$(relay_addr_for "$PA")" "$RELAY_PORT")
	RB=$(ep "$(relay_addr_for "$PB")" "$RELAY_PORT")
	J=$T/ep$RN.json
	KB=$(relay-client genkey -o "$T/b$RN.key") || bail "key"
	ep_index "$KA" "$KB"

	test_begin "$RN: a granted client allocates in-band (new VNI, LamportID+1, lifetimes)"
	rc in_a -j allocate --relay "$RA" --server-key "$SK" --key "$T/a.key" --peer "$KB" \
		--timeout 3000 >"$J" 2>"$T/alloc.err" || test_error "allocate: $(cat "$T/alloc.err")"
	VNI=$(jget .vni <"$J")
	check_eq "next VNI" $((LASTV + 1)) "$VNI"
	check_eq "next LamportID" $((LASTL + 1)) "$(jget .lamport <"$J")"
	check_eq "server key" "$SK" "$(jget .server_key <"$J")"
	check_eq "lifetimes" "20000 120000" "$(jget .bind_lifetime_ms .steady_state_lifetime_ms <"$J" | tr '\n' ' ' | sed 's/ $//')"
	check_contains "relay address" "\"$RA\"" "$(jget .addrs <"$J")"
	rc in_a -j allocate --relay "$RA" --server-key "$SK" --key "$T/a.key" --peer "$KB" \
		--timeout 3000 >"$T/again.json" 2>&1
	check_eq "allocating again: same VNI" "$VNI" "$(jget .vni <"$T/again.json")"
	check_eq "allocating again: same LamportID" "$(jget .lamport <"$J")" "$(jget .lamport <"$T/again.json")"
	LASTV=$VNI LASTL=$(jget .lamport <"$J")
	test_end

	test_begin "$RN: handshakes bind A and B; A->B data arrives unchanged"
	FA=$(dp "$AB")
	C=$(nlog "vni $VNI: endpoint $IB bound to $(ep "$PB" 5002)")
	$(nsprefix in_b) relay-client -j bind --endpoint-json "$J" --relay "$RB" --key "$T/b$RN.key" \
		--local "$(ep "$PB" 5002)" --generation 1 --recv 1 --timeout 8000 >"$T/b.out" 2>&1 &
	P=$!
	wait_log "vni $VNI: endpoint $IB bound to $(ep "$PB" 5002)" $((C + 1)) || test_error "B not bound"
	check_ok "A binds and sends" rc in_a bind --endpoint-json "$J" --relay "$RA" --key "$T/a.key" \
		--local "$(ep "$PA" 5001)" --generation 1 --send 010203 --settle 300
	wait $P || test_error "B's receiver exited $?: $(cat "$T/b.out")"
	check_contains "A bound" "vni $VNI: endpoint $IA bound to $(ep "$PA" 5001)" "$(cat "$LOG")"
	L=$(grep '"recv"' "$T/b.out")
	check_eq "payload" 010203 "$(echo "$L" | jget .payload)"
	check_eq "vni" "$VNI" "$(echo "$L" | jget .vni)"
	check_eq "protocol 0x7a12" 31250 "$(echo "$L" | jget .proto)"
	check_eq "length" 11 "$(echo "$L" | jget .len)"
	check_dp_delta "$AB" "$FA" 1
	test_end

	test_begin "$RN: B->A data arrives unchanged"
	FB=$(dp "$BA")
	C=$(nlog "vni $VNI: endpoint $IA bound to $(ep "$PA" 5001)")
	$(nsprefix in_a) relay-client -j bind --endpoint-json "$J" --relay "$RA" --key "$T/a.key" \
		--local "$(ep "$PA" 5001)" --generation 2 --recv 1 --timeout 8000 >"$T/a.out" 2>&1 &
	P=$!
	wait_log "vni $VNI: endpoint $IA bound to $(ep "$PA" 5001)" $((C + 1)) || test_error "A not rebound"
	check_ok "B sends" rc in_b bind --endpoint-json "$J" --relay "$RB" --key "$T/b$RN.key" \
		--local "$(ep "$PB" 5002)" --generation 2 --send 040506 --settle 300
	wait $P || test_error "A's receiver exited $?: $(cat "$T/a.out")"
	check_eq "payload" 040506 "$(grep '"recv"' "$T/a.out" | jget .payload)"
	check_dp_delta "$BA" "$FB" 1
	test_end

	test_begin "$RN: bound endpoints forward any data byte-exact (udpio, 20 datagrams each way)"
	FA=$(dp "$AB") FB=$(dp "$BA")
	forward_ok "A->B" in_a "$PA" 5001 in_b "$PB" 5002 "$(wg_packet "$VNI")" 20
	forward_ok "B->A" in_b "$PB" 5002 in_a "$PA" 5001 "$(geneve "$VNI")ff00ff00$WG_BODY$WG_BODY" 20
	if [ "$AB" = "$BA" ]; then
		check_dp_delta "$AB" "$FA" 40
	else
		check_dp_delta "$AB" "$FA" 20
		check_dp_delta "$BA" "$FB" 20
	fi
	test_end

	test_begin "$RN: a third party's data is not forwarded, counted as bad_source"
	D=$(dp bad_source)
	if [ "$PA" = "$A4" ]; then C3=$C4; else C3=$C6; fi
	expect_silence "third party" in_a "$(ep "$C3" 5001)" "$RA" "$(wg_packet "$VNI")" 3 \
		"in_b=$(ep "$PB" 5002)"
	check_dp_delta bad_source "$D" 3
	test_end
}

round udp4 $A4 $B4 udp4_udp4 udp4_udp4
round udp6 $A6 $B6 udp6_udp6 udp6_udp6
round mixed $A4 $B6 udp4_udp6 udp6_udp4
MIXED=$VNI

test_begin "unknown VNI: a Bind gets no Challenge; data and control are dropped silently"
_d=$(dp unknown_vni)
rc in_a bind --relay "$(ep $R4A "$RELAY_PORT")" --server-key "$SK" --peer "$KC" --vni 4000 \
	--key "$T/a.key" --local "$(ep $A4 5007)" --timeout 1500 >"$T/unk.out" 2>&1
check_eq "relay-client exit status (3: no Challenge)" 3 "$?"
_n=$(dp unknown_vni)
check_ge "Binds dropped as unknown_vni" $((_d + 1)) "$_n"
expect_silence "unknown VNI" in_a "$(ep $A4 5001)" "$(ep $R4A "$RELAY_PORT")" \
	"$(wg_packet 4000),$(geneve 4000 control)$DISCO_BODY" 2 "in_b=$(ep $B4 5002)"
check_dp_delta unknown_vni "$_n" 4
check_eq "handshake never saw VNI 4000" 0 "$(nlog 'vni 4000')"
test_end

test_begin "counters: every datagram accounted for, no send errors"
usr1
check_contains "no tx errors" "tx_error 0 " "$(grep 'data plane: dropped' "$LOG" | tail -n 1)"
check_contains "no pass queue overflow" "pass_queue_full 0" "$(grep 'data plane: dropped' "$LOG" | tail -n 1)"
check_ge "control passed to the handshake" 12 "$(dp control)"
check_ge "allocation requests passed" 6 "$(dp not_geneve)"
check_eq "view" "3 sessions: vni 1 2 3" "$(view)"
test_end

# ---- lifetimes: shorten them with SIGHUP ----
sed -i -e 's/^bind-lifetime.*/bind-lifetime 3000/' -e 's/^idle-lifetime.*/idle-lifetime 2500/' "$T/relayd.conf"
_c=$(nlog 'configuration reloaded')
kill -HUP "$RELAYD_PID"
wait_log 'configuration reloaded' $((_c + 1)) || bail "SIGHUP reload"

test_begin "a pair with traffic outlives the idle lifetime, then expires when idle"
rc in_a -j allocate --relay "$(ep $R4A "$RELAY_PORT")" --server-key "$SK" --key "$T/a.key" \
	--peer "$KC" --timeout 3000 >"$T/ac.json" 2>"$T/alloc.err" || test_error "allocate: $(cat "$T/alloc.err")"
VAC=$(jget .vni <"$T/ac.json")
check_eq "lifetimes advertised" "3000 2500" "$(jget .bind_lifetime_ms .steady_state_lifetime_ms <"$T/ac.json" | tr '\n' ' ' | sed 's/ $//')"
# 16 round trips 300 ms apart: ~4.5 s, longer than the 2.5 s idle lifetime
check_ok "pair: 16 round trips" rc in_a pair --endpoint-json "$T/ac.json" --relay "$(ep $R4A "$RELAY_PORT")" \
	--key-a "$T/a.key" --key-b "$T/c.key" --count 16 --interval 300 --timeout 3000
check_contains "still in the view after the traffic" " $VAC" " $(view | sed 's/.*vni //')"
check_eq "not expired" 0 "$(nlog "vni $VAC: session expired")"
wait_log "vni $VAC: session expired (expired_idle)" 1 || test_error "no idle expiry"
test_end

test_begin "idle open sessions expire; an unbound one after the bind lifetime"
rc in_a -j allocate --relay "$(ep $R4A "$RELAY_PORT")" --server-key "$SK" --key "$T/a.key" \
	--peer "$(key 7)" --timeout 3000 >"$T/unbound.json" 2>&1 || test_error "allocate"
VUB=$(jget .vni <"$T/unbound.json")
for _v in 1 2 3; do
	wait_log "vni $_v: session expired (expired_idle)" 1 || test_error "vni $_v did not expire"
done
wait_log "vni $VUB: session expired (expired_bind)" 1 || test_error "unbound vni $VUB did not expire"
check_eq "view" "0 sessions: vni none" "$(view)"
test_end

test_begin "after expiry: data of the old session is dropped, a Bind gets no Challenge"
_d=$(dp unknown_vni)
expect_silence "expired session" in_a "$(ep $A4 5001)" "$(ep $R4A "$RELAY_PORT")" \
	"$(wg_packet "$MIXED")" 2 "in_b=$(ep $B6 5002)"
check_dp_delta unknown_vni "$_d" 2
rc in_a bind --endpoint-json "$T/epmixed.json" --relay "$(ep $R4A "$RELAY_PORT")" --key "$T/a.key" \
	--local "$(ep $A4 5001)" --timeout 1500 >/dev/null 2>&1
check_eq "Bind on the expired VNI: no Challenge (exit 3)" 3 "$?"
test_end

test_begin "the pair allocates again: a new VNI, LamportID+1"
rc in_a -j allocate --relay "$(ep $R4A "$RELAY_PORT")" --server-key "$SK" --key "$T/a.key" \
	--peer "$KB" --timeout 3000 >"$T/new.json" 2>&1 || test_error "allocate"
check_eq "new VNI" $((VUB + 1)) "$(jget .vni <"$T/new.json")"
check_eq "LamportID" $(($(jget .lamport <"$T/unbound.json") + 1)) "$(jget .lamport <"$T/new.json")"
test_end

test_begin "clean shutdown with the forwarding threads running"
relayd_stop
check_eq "exit status" 0 "$?"
check_contains "stopped" "stopped" "$(tail -n 1 "$LOG")"
test_end

ktap_finished
