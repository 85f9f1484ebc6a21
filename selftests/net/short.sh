#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Short datagrams (protocol §3 step 2): fewer than 8 bytes and not STUN is
# dropped (dropped_short) whoever sends it, with no reply and nothing
# forwarded; exactly 8 bytes is a Geneve header and is forwarded.
# vm-timeout: 180
. /selftests/lib.sh

ktap_header
relay_setup --family both

open_session $A4 5001 $B4 5002 "$(key 1)" "$(key 2)" || bail "v4 session"
VNI4=$VNI
open_session $A6 5101 $B6 5102 "$(key 3)" "$(key 4)" || bail "v6 session"
VNI6=$VNI

# short_all WHAT FROM-FN FROM-ADDR FROM-PORT RELAY-ADDR HDR WATCH: one
# datagram of each length 0..7 (prefixes of the Geneve header HDR).
short_all() {
	_l=1
	_list=
	while [ $_l -lt 8 ]; do
		_list="$_list,$(echo "$6" | cut -c1-$((_l * 2)))"
		_l=$((_l + 1))
	done
	expect_silence "$1 len 0..7" "$2" "$(ep "$3" "$4")" "$(ep "$5" $RELAY_PORT)" "$_list" 1 "$7"
}

test_begin "IPv4 datagrams of 0..7 bytes from a bound peer are dropped as short"
stat_snapshot
short_all v4 in_a $A4 5001 $R4A "$(geneve $VNI4)" "in_b=$(ep $B4 5002)"
check_stat_delta dropped_short 8
check_stat_delta forwarded_packets_udp4_udp4 0
check_stat_delta passed_not_geneve 0
test_end

test_begin "IPv6 datagrams of 0..7 bytes are dropped as short"
stat_snapshot
short_all v6 in_b $B6 5102 $R6B "$(geneve $VNI6)" "in_a=$(ep $A6 5101)"
check_stat_delta dropped_short 8
check_stat_delta forwarded_packets_udp6_udp6 0
test_end

test_begin "short datagrams from a third party are dropped as short"
stat_snapshot
expect_silence "C 7 bytes" in_a "$(ep $C4 5009)" "$(ep $R4A $RELAY_PORT)" "5453f09f92ac00" 3 \
	"in_b=$(ep $B4 5002)"
check_stat_delta dropped_short 3
check_stat_delta dropped_bad_source 0
check_stat_delta passed_not_geneve 0
test_end

test_begin "an 8-byte datagram (bare Geneve header) is forwarded"
stat_snapshot
forward_ok "v4 8 bytes" in_a $A4 5001 in_b $B4 5002 "$(geneve $VNI4)"
forward_ok "v6 8 bytes" in_b $B6 5102 in_a $A6 5101 "$(geneve $VNI6)"
check_stat_delta dropped_short 0
check_stat_delta forwarded_bytes_udp4_udp4 8
check_stat_delta forwarded_bytes_udp6_udp6 8
test_end

ktap_finished
