#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# relayd faults under traffic. Sessions are kernel state: they survive
# relayd. While A sends a counted IPv4 flow to B through an established
# session:
#   1. relayd is killed with SIGKILL (its sockets close and detach) and
#      restarted: the flow resumes through the same session without any
#      new bind;
#   2. the relay sockets are detached under relayd's feet (relayctl socket
#      detach), then relayd is restarted;
#   3. relayd is restarted (SIGTERM) five times in a row.
# Each time every datagram A sent reached the relay host (IPv4
# InReceives of the relay namespace; the fault window's losses are
# reported: no socket bound, or queued to a plain socket), B got
# exactly what the kernel forwarded, a counted burst after the fault
# arrives complete (no loss beyond the fault window), the sockets gauge
# and socket list agree, and the kernel log stays clean.
# vm-timeout: 360
. /selftests/lib.sh

RATE_US=500

ktap_header
relay_setup --family both
open_session $A4 5001 $B4 5002 || bail "session"
W=$(wg_packet "$VNI")

# snmp PROTO FIELD: a counter of the relay namespace (/proc/net/snmp).
snmp() {
	in_r cat /proc/net/snmp | awk -v p="$1:" -v f="$2" '
		$1 == p && !h { for (i = 2; i <= NF; i++) n[i] = $i; h = 1; next }
		$1 == p && h { for (i = 2; i <= NF; i++) if (n[i] == f) print $i }'
}
# IPv4 datagrams received by the relay host: the flow is the only IPv4
# traffic to it while it runs. (Not InDelivers: the fast path takes data
# datagrams at LOCAL_IN, before local delivery counts them.)
relay_ip_delivers() { snmp Ip InReceives; }

# flow_start N: A sends N datagrams at RATE_US; B counts what arrives.
flow_start() {
	FLOW_N=$1
	rm -f "$T/flow.ready"
	$(nsprefix in_b) udpio recv --bind "$(ep $B4 5002)" --count 0 --timeout 600000 \
		--ready "$T/flow.ready" >"$T/flow.out" 2>/dev/null &
	FLOW_RX=$!
	_i=0
	while [ ! -e "$T/flow.ready" ] && [ $_i -lt 100 ]; do sleep 0.02; _i=$((_i + 1)); done
	stat_snapshot
	IP0=$(relay_ip_delivers)
	NOPORTS0=$(snmp Udp NoPorts)
	$(nsprefix in_a) udpio send --from "$(ep $A4 5001)" --to "$(ep $R4A $RELAY_PORT)" \
		--hex "$W" --count "$FLOW_N" --interval-us $RATE_US >"$T/flow.tx" 2>&1 &
	FLOW_TX=$!
	BG_PIDS="$BG_PIDS $FLOW_RX $FLOW_TX"
}
# flow_end WHAT: wait for the sender, stop the receiver, check accounting.
flow_end() {
	wait $FLOW_TX || test_error "$1: sender: $(cat "$T/flow.tx")"
	# B may lag behind on a loaded host: wait until it has read what the
	# kernel forwarded, or until it stops reading (then the check reports).
	_want=$(stat_delta forwarded_packets_udp4_udp4)
	_prev=-1
	_i=0
	while [ $_i -lt $((40 * PRL_SLOW)) ]; do
		sleep 0.25
		_rx=$(wc -l <"$T/flow.out" | tr -d ' ')
		[ "$_rx" -ge "$_want" ] 2>/dev/null && break
		[ "$_rx" = "$_prev" ] && [ $_i -ge 4 ] && break
		_prev=$_rx
		_i=$((_i + 1))
	done
	kill $FLOW_RX 2>/dev/null
	wait $FLOW_RX 2>/dev/null
	_rx=$(wc -l <"$T/flow.out" | tr -d ' ')
	_fwd=$(stat_delta forwarded_packets_udp4_udp4)
	_acc=$(( $(relay_ip_delivers) - IP0 ))
	_nop=$(( $(snmp Udp NoPorts) - NOPORTS0 ))
	diag "$1: sent $FLOW_N, received by the relay host $_acc, forwarded $_fwd, B received $_rx; not forwarded (fault window) $((FLOW_N - _rx)), of which $_nop found no socket"
	check_eq "$1: every datagram reached the relay host" "$FLOW_N" "$_acc"
	check_eq "$1: B received what the kernel forwarded" "$_fwd" "$_rx"
	check_eq "$1: nothing but the flow arrived at B" "$(ep $R4B $RELAY_PORT) $W" "$(sort -u "$T/flow.out")"
}
# after_fault WHAT: the session is intact and a 500-datagram burst arrives complete.
after_fault() {
	check_eq "$1: session still open" open "$(session_json "$VNI" .state)"
	check_eq "$1: binding kept" "$(ep $A4 5001)" "$(session_json "$VNI" '.endpoints[0].remote')"
	check_eq "$1: sockets gauge" 2 "$(relay_stat sockets)"
	check_eq "$1: socket list" 2 "$(socket_count)"
	forward_ok "$1: burst after the fault" in_a $A4 5001 in_b $B4 5002 "$W" 500
}

test_begin "SIGKILL relayd under traffic and restart it: the session resumes"
flow_start 6000
sleep 1.5
relayd_stop KILL
wait_sockets 0 || test_error "sockets still attached after SIGKILL"
check_eq "session survives relayd" open "$(session_json "$VNI" .state)"
sleep 0.5
relayd_start --family both || test_error "relayd restart"
flow_end "kill -9"
after_fault "kill -9"
test_end

test_begin "detach the relay sockets under traffic, then restart relayd"
flow_start 6000
sleep 1.5
for id in $(in_r relayctl -j socket list | jlist | jq -r .id); do
	relayctl_r socket detach "$id" || test_error "detach $id"
done
check_eq "sockets gauge after detach" 0 "$(relay_stat sockets)"
sleep 0.5
relayd_stop TERM
relayd_start --family both || test_error "relayd restart"
flow_end "detach"
after_fault "detach"
test_end

test_begin "five relayd restarts in a row under traffic"
flow_start 8000
i=0
while [ $i -lt 5 ]; do
	sleep 0.5
	relayd_stop TERM || test_error "relayd exit status $? on restart $i"
	relayd_start --family both || test_error "relayd start $i"
	i=$((i + 1))
done
flow_end "restarts"
after_fault "restarts"
check_eq "sessions" 1 "$(session_count)"
test_end

test_begin "module unloads"
relayd_stop TERM
check_ok "rmmod" unload_module
test_end

ktap_finished
