#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Third-party sources (protocol §3 step 5, §7 scenario 9): a data datagram
# with a valid VNI from an address that is not bound to the session - an
# unrelated host C, a bound host's other port, the other family - is
# dropped (dropped_bad_source), nothing reaches A or B, C gets no reply, and
# the session keeps working.
# vm-timeout: 180
. /selftests/lib.sh

ktap_header
relay_setup --family both

open_session $A4 5001 $B4 5002 "$(key 1)" "$(key 2)" || bail "v4 session"
VNI4=$VNI
open_session $A6 5101 $B6 5102 "$(key 3)" "$(key 4)" || bail "v6 session"
VNI6=$VNI

test_begin "IPv4 third party C: data with a valid VNI dropped, no reply, nothing forwarded"
stat_snapshot
expect_silence "C4" in_a "$(ep $C4 5001)" "$(ep $R4A $RELAY_PORT)" "$(wg_packet $VNI4)" 5 \
	"in_a=$(ep $A4 5001)" "in_b=$(ep $B4 5002)"
check_stat_delta dropped_bad_source 5
check_stat_delta forwarded_packets_udp4_udp4 0
check_eq "A's endpoint rx_packets" 0 "$(session_json $VNI4 '.endpoints[0].rx_packets')"
test_end

test_begin "IPv6 third party C: data with a valid VNI dropped, no reply, nothing forwarded"
stat_snapshot
expect_silence "C6" in_a "$(ep $C6 5101)" "$(ep $R6A $RELAY_PORT)" "$(disco_packet $VNI6)" 5 \
	"in_a=$(ep $A6 5101)" "in_b=$(ep $B6 5102)"
check_stat_delta dropped_bad_source 5
check_stat_delta forwarded_packets_udp6_udp6 0
test_end

test_begin "bound address with another port is a third party"
stat_snapshot
expect_silence "A4:5009" in_a "$(ep $A4 5009)" "$(ep $R4A $RELAY_PORT)" "$(wg_packet $VNI4)" 3 \
	"in_b=$(ep $B4 5002)"
expect_silence "B6:5109" in_b "$(ep $B6 5109)" "$(ep $R6B $RELAY_PORT)" "$(wg_packet $VNI6)" 3 \
	"in_a=$(ep $A6 5101)"
check_stat_delta dropped_bad_source 6
test_end

test_begin "a bound peer using the other family is a third party"
stat_snapshot
# A is bound over IPv4 to VNI4; the same host over IPv6 is not A.
expect_silence "A6 -> VNI4" in_a "$(ep $A6 5001)" "$(ep $R6A $RELAY_PORT)" "$(wg_packet $VNI4)" 2 \
	"in_b=$(ep $B4 5002)"
check_stat_delta dropped_bad_source 2
check_stat_delta forwarded_packets_udp6_udp4 0
test_end

test_begin "the bound endpoints still forward after the drops"
# Sanity counterpart: the legitimate endpoints still work after the drops.
stat_snapshot
forward_ok "A4 -> B4" in_a $A4 5001 in_b $B4 5002 "$(wg_packet $VNI4)"
forward_ok "B6 -> A6" in_b $B6 5102 in_a $A6 5101 "$(wg_packet $VNI6)"
check_stat_delta dropped_bad_source 0
check_stat_delta forwarded_packets_udp4_udp4 1
check_stat_delta forwarded_packets_udp6_udp6 1
test_end

ktap_finished
