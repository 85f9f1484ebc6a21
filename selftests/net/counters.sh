#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Counters equal the traffic (protocol §3 "Counting", §5, §7 scenario 19):
# forwarded packets and bytes (UDP payload incl. the Geneve header) per
# (ingress, egress) family pair, the per-endpoint rx counters of a session,
# every drop/pass reason exactly, the session and socket gauges, and the
# sysfs files equal relayctl's netlink view. The relay runs in the initial
# namespace here, because sysfs shows the initial namespace's counters.
# vm-timeout: 240
. /selftests/lib.sh

RNS=
ktap_header
relay_setup --family both
keep_unbound_sessions	# a half-bound session is counted as connecting all along

# pair NAME A-ADDR B-ADDR KEYS... N-AB N-BA PAYLOAD-BYTES: send and check.
pair() {
	_name=$1 _a=$2 _b=$3 _nab=$6 _nba=$7 _len=$8
	open_session "$_a" 6001 "$_b" 6002 "$4" "$5" || { test_error "session"; return; }
	_hex=$(geneve "$VNI")$(head -c $((_len - 8)) /dev/zero | od -An -v -tx1 | tr -d ' \n')
	forward_ok "$_name a->b" in_a "$_a" 6001 in_b "$_b" 6002 "$_hex" "$_nab"
	forward_ok "$_name b->a" in_b "$_b" 6002 in_a "$_a" 6001 "$_hex" "$_nba"
	check_eq "ep0 rx_packets" "$_nab" "$(session_json "$VNI" '.endpoints[0].rx_packets')"
	check_eq "ep0 rx_bytes" "$((_nab * _len))" "$(session_json "$VNI" '.endpoints[0].rx_bytes')"
	check_eq "ep1 rx_packets" "$_nba" "$(session_json "$VNI" '.endpoints[1].rx_packets')"
	check_eq "ep1 rx_bytes" "$((_nba * _len))" "$(session_json "$VNI" '.endpoints[1].rx_bytes')"
}

test_begin "forwarded packets and bytes per family pair"
stat_snapshot
pair udp4_udp4 $A4 $B4 "$(key 1)" "$(key 2)" 3 4 100
pair udp6_udp6 $A6 $B6 "$(key 3)" "$(key 4)" 5 6 64
pair udp4_udp6 $A4 $B6 "$(key 5)" "$(key 6)" 7 8 200
# Mixed pairs count both ways: a(v4)->b(v6) is udp4_udp6, b(v6)->a(v4)
# udp6_udp4; for the A6/B4 pair a->b is udp6_udp4 and b->a udp4_udp6.
pair udp6_udp4 $A6 $B4 "$(key 7)" "$(key 8)" 9 10 33
check_stat_delta forwarded_packets_udp4_udp4 7
check_stat_delta forwarded_bytes_udp4_udp4 700
check_stat_delta forwarded_packets_udp6_udp6 11
check_stat_delta forwarded_bytes_udp6_udp6 704
check_stat_delta forwarded_packets_udp4_udp6 $((7 + 10))
check_stat_delta forwarded_bytes_udp4_udp6 $((7 * 200 + 10 * 33))
check_stat_delta forwarded_packets_udp6_udp4 $((8 + 9))
check_stat_delta forwarded_bytes_udp6_udp4 $((8 * 200 + 9 * 33))
test_end

test_begin "every drop and pass reason counts exactly what was sent"
VNI_OPEN=$VNI	# the last pair: A6:6001 <-> B4:6002
VNI_HALF=$(session_add "$(key 9)" "$(key 10)") || test_error "session"
session_bind "$VNI_HALF" 0 "$(ep $A4 6101)" || test_error "bind"
stat_snapshot
to4=$(ep $R4A $RELAY_PORT)
send_from in_a "$(ep $A4 6201)" "$to4" 00007a12 2			# short
send_from in_a "$(ep $A4 6201)" "$to4" "$(wg_packet 12345)" 3		# unknown VNI
send_from in_a "$(ep $A4 6101)" "$to4" "$(wg_packet "$VNI_HALF")" 4	# not bound
send_from in_a "$(ep $C6 6001)" "$(ep $R6A $RELAY_PORT)" "$(wg_packet "$VNI_OPEN")" 5	# bad source
send_from in_a "$(ep $A4 6201)" "$to4" "$(geneve "$VNI_HALF" control)$DISCO_BODY" 1	# control
send_from in_a "$(ep $A4 6201)" "$to4" "$DISCO_BODY" 2			# not geneve
send_from in_a "$(ep $A4 6201)" "$to4" 000100002112a442000000000000000000000000 1	# stun
sleep 0.3
check_stat_delta dropped_short 2
check_stat_delta dropped_unknown_vni 3
check_stat_delta dropped_not_bound 4
check_stat_delta dropped_bad_source 5
check_stat_delta passed_control 1
check_stat_delta passed_not_geneve 2
check_stat_delta passed_stun 1
for r in no_socket no_route tx_error nomem ratelimit ratelimit_total; do
	check_stat_delta dropped_$r 0
done
for p in udp4_udp4 udp4_udp6 udp6_udp4 udp6_udp6; do
	check_stat_delta forwarded_packets_$p 0
done
test_end

test_begin "gauges: sessions open/connecting, sockets, sessions created"
check_eq "sessions_open" 4 "$(relay_stat sessions_open)"
check_eq "sessions_connecting" 1 "$(relay_stat sessions_connecting)"
check_eq "sockets" 2 "$(relay_stat sockets)"
check_eq "sessions_created" 5 "$(relay_stat sessions_created)"
test_end

test_begin "sysfs counters equal relayctl -j stats"
n=0
for f in /sys/kernel/peer_relay/stats/*; do
	name=$(basename "$f")
	n=$((n + 1))
	check_eq "$name" "$(relay_stat "$name")" "$(cat "$f")"
done
check_ge "number of sysfs counters" 20 "$n"
test_end

ktap_finished
