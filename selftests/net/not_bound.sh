#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Half-bound sessions (protocol §3 step 5, §7 scenario 11): until both
# endpoints are bound, data datagrams are dropped (dropped_not_bound) -
# WireGuard and disco-ping shaped alike - and nothing reaches the other
# peer. Binding the second endpoint makes the same datagram go through.
# vm-timeout: 180
. /selftests/lib.sh

ktap_header
relay_setup --family both
keep_unbound_sessions	# the sessions stay half-bound on purpose

VNI4=$(session_add "$(key 1)" "$(key 2)") || bail "v4 session"
VNI6=$(session_add "$(key 3)" "$(key 4)") || bail "v6 session"

test_begin "no endpoint bound: data dropped as not bound"
check_eq "state" connecting "$(session_json $VNI4 .state)"
stat_snapshot
expect_silence "unbound" in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" "$(wg_packet $VNI4)" 2 \
	"in_b=$(ep $B4 5002)"
check_stat_delta dropped_not_bound 2
test_end

test_begin "only A bound (IPv4): A's WireGuard and disco data dropped, nothing at B"
session_bind $VNI4 0 "$(ep $A4 5001)" || test_error "bind A"
check_eq "state" connecting "$(session_json $VNI4 .state)"
stat_snapshot
expect_silence "wg" in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" "$(wg_packet $VNI4)" 3 \
	"in_b=$(ep $B4 5002)"
expect_silence "disco ping" in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" "$(disco_packet $VNI4)" 1 \
	"in_b=$(ep $B4 5002)"
check_stat_delta dropped_not_bound 4
check_stat_delta forwarded_packets_udp4_udp4 0
test_end

test_begin "only B bound (IPv6): B's data dropped, nothing at A"
session_bind $VNI6 1 "$(ep $B6 5102)" || test_error "bind B"
stat_snapshot
expect_silence "wg6" in_b "$(ep $B6 5102)" "$(ep $R6B $RELAY_PORT)" "$(wg_packet $VNI6)" 3 \
	"in_a=$(ep $A6 5101)"
check_stat_delta dropped_not_bound 3
check_stat_delta forwarded_packets_udp6_udp6 0
test_end

test_begin "binding the other endpoint opens the session and data flows"
session_bind $VNI4 1 "$(ep $B4 5002)" || test_error "bind B"
session_bind $VNI6 0 "$(ep $A6 5101)" || test_error "bind A"
check_eq "v4 state" open "$(session_json $VNI4 .state)"
check_eq "v6 state" open "$(session_json $VNI6 .state)"
stat_snapshot
forward_ok "v4 a->b" in_a $A4 5001 in_b $B4 5002 "$(wg_packet $VNI4)"
forward_ok "v6 b->a" in_b $B6 5102 in_a $A6 5101 "$(disco_packet $VNI6)"
check_stat_delta dropped_not_bound 0
test_end

ktap_finished
