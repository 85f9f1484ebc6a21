#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Control-plane churn while data flows (the VM has two CPUs, so the
# netlink writers and the softirq fast path really run concurrently):
#   1. two processes rebind the two endpoints of the session to the SAME
#      addresses thousands of times while an A->B flow runs: every rebind
#      publishes a new binding object (RCU replacement; the source check
#      reads one, the transmit path the other, with a fresh route cache),
#      and not a single datagram may be lost;
#   2. endpoint 0 is rebound alternately to A's real port and to another
#      port while A sends: each datagram is either forwarded or dropped as
#      bad_source, exactly (forwarded + bad_source == sent);
#   3. sessions are flushed (and deleted) under traffic: datagrams after
#      the flush are dropped as unknown_vni, exactly; the gauges return to
#      zero; a new session for the same pair works at once.
# vm-timeout: 300
. /selftests/lib.sh

ktap_header
relay_setup --family both
open_session $A4 5001 $B4 5002 || bail "session"
W=$(wg_packet "$VNI")
NFLOW=${NFLOW:-4000}

# rx_start NAME FN BIND: a receiver that counts until killed.
rx_start() {
	rm -f "$T/$1.ready"
	$(nsprefix $2) udpio recv --bind "$3" --count 0 --timeout 600000 \
		--ready "$T/$1.ready" >"$T/$1.out" 2>/dev/null &
	eval "RX_$1=\$!"
	BG_PIDS="$BG_PIDS $!"
	_i=0
	while [ ! -e "$T/$1.ready" ] && [ $_i -lt 100 ]; do sleep 0.02; _i=$((_i + 1)); done
}
rx_stop() {	# rx_stop NAME: stop and print the number of datagrams
	eval "_p=\$RX_$1"
	kill "$_p" 2>/dev/null
	wait "$_p" 2>/dev/null
	wc -l <"$T/$1.out" | tr -d ' '
}
# tx_start NAME FN FROM TO N: a sender in the background
tx_start() {
	$(nsprefix $2) udpio send --from "$3" --to "$4" --hex "$W" --count "$5" \
		--interval-us 400 >"$T/$1.tx" 2>&1 &
	eval "TX_$1=\$!"
	BG_PIDS="$BG_PIDS $!"
}
tx_wait() { eval "_p=\$TX_$1"; wait "$_p" || test_error "sender $1: $(cat "$T/$1.tx")"; }

test_begin "two processes rebinding both endpoints to the same addresses lose nothing"
stat_snapshot
rx_start ab in_b "$(ep $B4 5002)"
tx_start ab in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" "$NFLOW"
$(nsprefix in_r) nlstress rebind "$VNI" 0 "$(ep $A4 5001)" --seconds 600 >"$T/rb0" 2>&1 &
RB0=$!
$(nsprefix in_r) nlstress rebind "$VNI" 1 "$(ep $B4 5002)" --seconds 600 >"$T/rb1" 2>&1 &
RB1=$!
BG_PIDS="$BG_PIDS $RB0 $RB1"
tx_wait ab
kill $RB0 $RB1 2>/dev/null
wait $RB0 $RB1 2>/dev/null
sleep 1
nab=$(rx_stop ab)
diag "A->B $nab of $NFLOW; rebinds of endpoint 0 and 1: $(awk '$1 == "ok" { printf "%s ", $2 }' "$T/rb0" "$T/rb1")"
check_eq "A->B datagrams at B" "$NFLOW" "$nab"
check_ge "rebinds of endpoint 0" 100 "$(awk '$1 == "ok" { print $2 }' "$T/rb0")"
check_ge "rebinds of endpoint 1" 100 "$(awk '$1 == "ok" { print $2 }' "$T/rb1")"
check_eq "failed rebinds" "0 0" "$(awk '$1 == "fail" { printf "%s%s", s, $2; s = " " }' "$T/rb0" "$T/rb1")"
check_stat_delta forwarded_packets_udp4_udp4 "$NFLOW"
check_stat_delta dropped_bad_source 0
check_stat_delta dropped_not_bound 0
check_eq "session open" open "$(session_json "$VNI" .state)"
test_end

test_begin "rebinding across two ports: every datagram forwarded or bad_source"
stat_snapshot
rx_start ab in_b "$(ep $B4 5002)"
tx_start ab in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" "$NFLOW"
$(nsprefix in_r) nlstress rebind "$VNI" 0 "$(ep $A4 5001),$(ep $A4 5009)" --seconds 600 >"$T/rb2" 2>&1 &
RB2=$!
BG_PIDS="$BG_PIDS $RB2"
tx_wait ab
kill $RB2 2>/dev/null
wait $RB2 2>/dev/null
session_bind "$VNI" 0 "$(ep $A4 5001)" || test_error "rebind back"
sleep 1
nab=$(rx_stop ab)
fwd=$(stat_delta forwarded_packets_udp4_udp4)
bad=$(stat_delta dropped_bad_source)
diag "forwarded $fwd, bad_source $bad, received $nab, rebinds $(awk '$1 == "ok" { print $2 }' "$T/rb2")"
check_eq "forwarded + bad_source" "$NFLOW" "$((fwd + bad))"
check_eq "B received what was forwarded" "$fwd" "$nab"
check_ge "some datagrams hit the other binding" 1 "$bad"
check_ge "some datagrams were forwarded" 1 "$fwd"
test_end

test_begin "flush under traffic: later datagrams are unknown_vni, gauges zero, re-create works"
stat_snapshot
rx_start ab in_b "$(ep $B4 5002)"
tx_start ab in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" "$NFLOW"
in_r nlstress add 200 --key-base 5000 --bind "$(ep $B4 30000)" >/dev/null 2>&1 || test_error "extra sessions"
sleep 1
check_ok "flush" relayctl_r session flush
check_eq "sessions after flush" 0 "$(session_count)"
check_eq "gauges" "0 0" "$(relay_stat sessions_open) $(relay_stat sessions_connecting)"
tx_wait ab
sleep 1
nab=$(rx_stop ab)
fwd=$(stat_delta forwarded_packets_udp4_udp4)
unk=$(stat_delta dropped_unknown_vni)
diag "forwarded $fwd, unknown_vni $unk, received $nab"
check_eq "forwarded + unknown_vni" "$NFLOW" "$((fwd + unk))"
check_eq "B received what was forwarded" "$fwd" "$nab"
check_ge "datagrams after the flush dropped" 1 "$unk"
check_stat_delta deleted_flush 201
open_session $A4 5001 $B4 5002 || test_error "re-create"
forward_ok "A -> B in the new session" in_a $A4 5001 in_b $B4 5002 "$(wg_packet "$VNI")" 200
test_end

test_begin "delete and re-create the session (same VNI) in a loop under traffic"
W=$(wg_packet "$VNI")
stat_snapshot
rx_start ab in_b "$(ep $B4 5002)"
tx_start ab in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" "$NFLOW"
i=0
while [ $i -lt 20 ] && kill -0 "$TX_ab" 2>/dev/null; do
	relayctl_r session del "$VNI" || test_error "del $VNI"
	v=$(session_add "$KEY_A" "$KEY_B" vni "$VNI") || test_error "re-create $i"
	check_eq "re-created VNI" "$VNI" "$v"
	session_bind "$VNI" 0 "$(ep $A4 5001)" || test_error "bind 0"
	session_bind "$VNI" 1 "$(ep $B4 5002)" || test_error "bind 1"
	i=$((i + 1))
done
tx_wait ab
sleep 1
nab=$(rx_stop ab)
fwd=$(stat_delta forwarded_packets_udp4_udp4)
unk=$(stat_delta dropped_unknown_vni)
nb=$(stat_delta dropped_not_bound)
diag "$i cycles: forwarded $fwd, unknown_vni $unk, not_bound $nb, received $nab"
check_eq "forwarded + unknown_vni + not_bound" "$NFLOW" "$((fwd + unk + nb))"
check_eq "B received what was forwarded" "$fwd" "$nab"
check_eq "one session left" 1 "$(session_count)"
check_ge "some datagrams were forwarded between the cycles" 1 "$fwd"
test_end

test_begin "module unloads"
relayd_stop TERM
check_ok "rmmod" unload_module
test_end

ktap_finished
