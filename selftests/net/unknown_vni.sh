#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Unknown VNI (protocol §3 step 3, §7 scenario 10): data or control
# datagrams naming a VNI with no session are dropped silently
# (dropped_unknown_vni): no reply, nothing forwarded, not passed to the
# relay socket. A deleted session's VNI becomes unknown.
# vm-timeout: 180
. /selftests/lib.sh

ktap_header
relay_setup --family both

open_session $A4 5001 $B4 5002 "$(key 1)" "$(key 2)" || bail "v4 session"
VNI4=$VNI
open_session $A6 5101 $B6 5102 "$(key 3)" "$(key 4)" || bail "v6 session"
VNI6=$VNI
# A VNI no session uses (the allocator hands out small numbers first).
BAD=$((VNI4 + VNI6 + 1000))

test_begin "IPv4 data with an unknown VNI from a bound peer: dropped, no reply"
stat_snapshot
expect_silence "data" in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" "$(wg_packet $BAD)" 3 \
	"in_b=$(ep $B4 5002)"
check_stat_delta dropped_unknown_vni 3
check_stat_delta forwarded_packets_udp4_udp4 0
test_end

test_begin "IPv4 control with an unknown VNI: dropped, not passed to userspace"
stat_snapshot
expect_silence "control" in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" "$(geneve $BAD control)$DISCO_BODY" 2 \
	"in_b=$(ep $B4 5002)"
check_stat_delta dropped_unknown_vni 2
check_stat_delta passed_control 0
test_end

test_begin "IPv6 data and control with an unknown VNI: dropped, no reply"
stat_snapshot
expect_silence "data6" in_b "$(ep $B6 5102)" "$(ep $R6B $RELAY_PORT)" "$(disco_packet $BAD)" 2 \
	"in_a=$(ep $A6 5101)"
expect_silence "control6" in_b "$(ep $B6 5102)" "$(ep $R6B $RELAY_PORT)" "$(geneve $BAD control)" 1 \
	"in_a=$(ep $A6 5101)"
check_stat_delta dropped_unknown_vni 3
check_stat_delta passed_control 0
check_stat_delta forwarded_packets_udp6_udp6 0
test_end

test_begin "VNI 0 and VNI 0xffffff (never allocated) are unknown"
stat_snapshot
expect_silence "vni0" in_a "$(ep $C4 5003)" "$(ep $R4A $RELAY_PORT)" "$(wg_packet 0)" 1 \
	"in_b=$(ep $B4 5002)"
expect_silence "vnimax" in_a "$(ep $C6 5003)" "$(ep $R6A $RELAY_PORT)" "$(wg_packet 16777215)" 1 \
	"in_b=$(ep $B6 5102)"
check_stat_delta dropped_unknown_vni 2
test_end

test_begin "a deleted session's VNI is unknown"
check_ok "session del" relayctl_r session del "$VNI4"
stat_snapshot
expect_silence "deleted" in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" "$(wg_packet $VNI4)" 2 \
	"in_b=$(ep $B4 5002)"
check_stat_delta dropped_unknown_vni 2
check_stat_delta dropped_bad_source 0
check_stat_delta dropped_not_bound 0
test_end

ktap_finished
