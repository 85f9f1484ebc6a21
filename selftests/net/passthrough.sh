#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Datagrams for userspace (protocol §3 steps 1, 4; classify.h): Geneve
# control packets (O bit) with a known VNI, non-Geneve datagrams (plain
# disco) and STUN are handed to the relay socket (passed_control,
# passed_not_geneve, passed_stun) and never forwarded to the other peer -
# not even when they come from a bound endpoint.
# vm-timeout: 180
. /selftests/lib.sh

ktap_header
relay_setup --family both

open_session $A4 5001 $B4 5002 "$(key 1)" "$(key 2)" || bail "v4 session"
VNI4=$VNI
open_session $A6 5101 $B6 5102 "$(key 3)" "$(key 4)" || bail "v6 session"
VNI6=$VNI

PLAIN_DISCO=$DISCO_BODY
STUN=000100002112a442$(printf '%024x' 305419896)

# passes WHAT FROM-FN FROM-EP TO-EP HEX N COUNTER WATCH...
passes() {
	_c=$7
	stat_snapshot
	expect_silence "$1" "$2" "$3" "$4" "$5" "$6" "$8"
	check_stat_delta "$_c" "$6"
	for _x in forwarded_packets_udp4_udp4 forwarded_packets_udp6_udp6 \
		  forwarded_packets_udp4_udp6 forwarded_packets_udp6_udp4; do
		check_stat_delta $_x 0
	done
}

test_begin "IPv4 control (O=1, disco) with a known VNI goes to userspace, not to B"
passes ctl4 in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" "$(geneve $VNI4 control)$DISCO_BODY" 2 \
	passed_control "in_b=$(ep $B4 5002)"
test_end

test_begin "IPv4 control with the WireGuard protocol goes to userspace, not to B"
passes ctlwg in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" "$(geneve $VNI4 control 7a12)$WG_BODY" 1 \
	passed_control "in_b=$(ep $B4 5002)"
test_end

test_begin "IPv6 control with a known VNI from a third party goes to userspace"
passes ctl6 in_a "$(ep $C6 5101)" "$(ep $R6A $RELAY_PORT)" "$(geneve $VNI6 control)$DISCO_BODY" 1 \
	passed_control "in_b=$(ep $B6 5102)"
test_end

test_begin "IPv4 plain disco (not Geneve) goes to userspace, not to B"
passes nongeneve4 in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" "$PLAIN_DISCO" 2 \
	passed_not_geneve "in_b=$(ep $B4 5002)"
test_end

test_begin "IPv6 not-Geneve (version bits 3) goes to userspace, not to A"
passes nongeneve6 in_b "$(ep $B6 5102)" "$(ep $R6B $RELAY_PORT)" "c0007a12$(printf '%06x' $VNI6)00$WG_BODY" 1 \
	passed_not_geneve "in_a=$(ep $A6 5101)"
test_end

test_begin "STUN binding messages go to userspace (IPv4, IPv6)"
passes stun4 in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" "$STUN" 1 \
	passed_stun "in_b=$(ep $B4 5002)"
passes stun6 in_b "$(ep $B6 5102)" "$(ep $R6B $RELAY_PORT)" "$STUN" 1 \
	passed_stun "in_a=$(ep $A6 5101)"
test_end

test_begin "passed datagrams land in the relay socket, forwarded ones bypass it"
if dp_userspace; then
	# relayd's userspace plane reads every datagram from the socket by design
	test_skip "a property of the kernel plane (in userspace every datagram is read from the socket)"
	ktap_finished
fi
# relayd is stopped (SIGSTOP) so the receive queues only grow; a forwarded
# data datagram must not add to them, a control datagram must.
# queue FILE: rx_queue bytes of the relay port's sockets (/proc/net/udp*).
queue() {
	in_r awk -v port=":$(printf '%04X' "$RELAY_PORT")" 'NR > 1 && substr($2, length($2) - 4) == port {
		split($5, q, ":"); s += ("0x" q[2]) + 0 } END { print s + 0 }' "$1"
}
kill -STOP "$RELAYD_PID"
q4=$(queue /proc/net/udp) q6=$(queue /proc/net/udp6)
forward_ok "v4 data" in_a $A4 5001 in_b $B4 5002 "$(wg_packet $VNI4)"
forward_ok "v6 data" in_b $B6 5102 in_a $A6 5101 "$(wg_packet $VNI6)"
check_eq "IPv4 queue after forwarding" "$q4" "$(queue /proc/net/udp)"
check_eq "IPv6 queue after forwarding" "$q6" "$(queue /proc/net/udp6)"
send_from in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" "$(geneve $VNI4 control)$DISCO_BODY" ||
	test_error "send v4 control"
send_from in_b "$(ep $B6 5102)" "$(ep $R6B $RELAY_PORT)" "$PLAIN_DISCO" ||
	test_error "send v6 plain disco"
sleep 0.2
n4=$(queue /proc/net/udp) n6=$(queue /proc/net/udp6)
diag "rx_queue bytes: udp4 $q4 -> $n4, udp6 $q6 -> $n6"
check_ok "IPv4 queue grew ($q4 -> $n4)" test "$n4" -gt "$q4"
check_ok "IPv6 queue grew ($q6 -> $n6)" test "$n6" -gt "$q6"
kill -CONT "$RELAYD_PID"
test_end

ktap_finished
