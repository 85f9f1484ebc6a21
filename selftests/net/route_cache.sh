#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The fast path caches each endpoint's output route (kmod/tx.c). Whatever
# the FIB does must still take effect at the next datagram: a more specific
# route with another source address, the removal of the route (counted as
# no_route, nothing sent), the device going down and up, and a binding
# whose explicit local address is removed from the relay.
# vm-timeout: 180
. /selftests/lib.sh

R4B2=10.0.2.9		# a second relay address on b's link

ktap_header
relay_setup

open_session $A4 5001 $B4 5002 || bail "session"

# a_to_b_from WHAT SRC: one datagram a -> b must arrive from SRC:RELAY_PORT.
a_to_b_from() {
	recv_start in_b "$(ep $B4 5002)" 1 4000 rc ||
		{ test_error "$1: receiver did not start"; return; }
	send_from in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" "$(wg_packet $VNI)" ||
		test_error "$1: send failed"
	recv_wait rc || test_error "$1: nothing arrived"
	check_eq "$1: source" "$(ep "$2" $RELAY_PORT) $(wg_packet $VNI)" "$(cat "$T/rc.out")"
}

test_begin "baseline, then the cached route is used"
forward_ok "a->b" in_a $A4 5001 in_b $B4 5002 "$(wg_packet $VNI)" 3
forward_ok "b->a" in_b $B4 5002 in_a $A4 5001 "$(wg_packet $VNI)" 3
test_end

test_begin "a more specific route with another source address applies at once"
in_r ip addr add $R4B2/24 dev rb || test_error "addr add"
in_r ip route add $B4/32 dev rb src $R4B2 || test_error "route add"
a_to_b_from "via the /32 route" $R4B2
in_r ip route del $B4/32 dev rb || test_error "route del"
a_to_b_from "the /32 route removed" $R4B
test_end

test_begin "removing the route to b drops (no_route), restoring it forwards again"
stat_snapshot
in_r ip route del 10.0.2.0/24 dev rb || test_error "route del"
expect_silence "no route" in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" \
	"$(wg_packet $VNI)" 2 "in_b=$(ep $B4 5002)"
check_stat_delta dropped_no_route 2
in_r ip route add 10.0.2.0/24 dev rb src $R4B || test_error "route add"
forward_ok "route back" in_a $A4 5001 in_b $B4 5002 "$(wg_packet $VNI)"
test_end

test_begin "rb down: no_route; up again: forwarded"
stat_snapshot
in_r ip link set rb down
expect_silence "rb down" in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" \
	"$(wg_packet $VNI)" 1 "in_b=$(ep $B4 5002)"
check_stat_delta dropped_no_route 1
in_r ip link set rb up
wait_operstate in_r rb || test_error "rb not up"
in_r ip route replace 10.0.2.0/24 dev rb src $R4B
forward_ok "rb up" in_a $A4 5001 in_b $B4 5002 "$(wg_packet $VNI)"
test_end

test_begin "an explicit local address that is removed: routing picks the source"
session_bind $VNI 1 "$(ep $B4 5002)" local $R4B2 || test_error "bind with local"
a_to_b_from "local $R4B2" $R4B2
in_r ip addr del $R4B2/24 dev rb || test_error "addr del"
a_to_b_from "local address gone" $R4B
test_end

ktap_finished
