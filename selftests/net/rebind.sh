#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Rebinding (protocol §2.7 re-binding, §7 scenario 7): SESSION_BIND
# replaces an endpoint atomically. After A moves to a new port, its data
# reaches B and B's data reaches A's new port; the old address is a third
# party (dropped_bad_source). Endpoints may also move across families.
# vm-timeout: 180
. /selftests/lib.sh

ktap_header
relay_setup --family both

open_session $A4 5001 $B4 5002 || bail "session"

test_begin "baseline: A4:5001 <-> B4:5002"
forward_ok "a->b" in_a $A4 5001 in_b $B4 5002 "$(wg_packet $VNI)"
test_end

test_begin "A rebinds to a new port: traffic follows both ways"
session_bind $VNI 0 "$(ep $A4 5003)" || test_error "rebind A"
check_eq "A's endpoint" "$A4:5003" "$(session_json $VNI '.endpoints[0].remote')"
check_eq "state" open "$(session_json $VNI .state)"
forward_ok "a(new)->b" in_a $A4 5003 in_b $B4 5002 "$(wg_packet $VNI)"
forward_ok "b->a(new)" in_b $B4 5002 in_a $A4 5003 "$(disco_packet $VNI)"
test_end

test_begin "A's old address is now dropped as a third party"
stat_snapshot
expect_silence "old A" in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" "$(wg_packet $VNI)" 2 \
	"in_b=$(ep $B4 5002)" "in_a=$(ep $A4 5003)"
check_stat_delta dropped_bad_source 2
check_stat_delta forwarded_packets_udp4_udp4 0
test_end

test_begin "B rebinds from IPv4 to IPv6: mixed-family forwarding"
session_bind $VNI 1 "$(ep $B6 5004)" || test_error "rebind B"
check_eq "B's endpoint" "[$B6]:5004" "$(session_json $VNI '.endpoints[1].remote')"
stat_snapshot
forward_ok "a4->b6" in_a $A4 5003 in_b $B6 5004 "$(wg_packet $VNI)"
forward_ok "b6->a4" in_b $B6 5004 in_a $A4 5003 "$(wg_packet $VNI)"
check_stat_delta forwarded_packets_udp4_udp6 1
check_stat_delta forwarded_packets_udp6_udp4 1
test_end

test_begin "B's old IPv4 address is dropped"
stat_snapshot
expect_silence "old B" in_b "$(ep $B4 5002)" "$(ep $R4B $RELAY_PORT)" "$(wg_packet $VNI)" 1 \
	"in_a=$(ep $A4 5003)" "in_b=$(ep $B6 5004)"
check_stat_delta dropped_bad_source 1
test_end

test_begin "A rebinds to IPv6 as well, then binding the same address again is harmless"
session_bind $VNI 0 "$(ep $A6 5005)" || test_error "rebind A v6"
session_bind $VNI 0 "$(ep $A6 5005)" || test_error "rebind A v6 again"
stat_snapshot
forward_ok "a6->b6" in_a $A6 5005 in_b $B6 5004 "$(disco_packet $VNI)"
forward_ok "b6->a6" in_b $B6 5004 in_a $A6 5005 "$(disco_packet $VNI)"
check_stat_delta forwarded_packets_udp6_udp6 2
test_end

test_begin "rebinding with an explicit local address"
session_bind $VNI 0 "$(ep $A4 5006)" local $R4A || test_error "bind with local"
check_eq "A's local" "$R4A" "$(session_json $VNI '.endpoints[0].local')"
forward_ok "b6->a4 via local" in_b $B6 5004 in_a $A4 5006 "$(wg_packet $VNI)"
test_end

ktap_finished
