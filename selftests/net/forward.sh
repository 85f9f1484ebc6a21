#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Data forwarding (protocol §3, §7 scenarios 5, 6, 8): with both endpoints
# bound, a data datagram (O=0) from one peer reaches the other unchanged -
# Geneve header included - from the relay's address and port, in both
# directions, for WireGuard-type (0x7A12) and disco-type (0x7A11) payloads,
# over IPv4, IPv6 and both mixed-family combinations. Also the 8-byte
# header-only datagram and a 1400-byte one.
# vm-timeout: 240
. /selftests/lib.sh

ktap_header
relay_setup --family both

# combo NAME A-ADDR B-ADDR KEY0 KEY1 PORT-BASE: one session, both ways,
# both payload types.
combo() {
	test_begin "$1: session with both endpoints bound"
	if ! open_session "$2" $(($6 + 1)) "$3" $(($6 + 2)) "$4" "$5"; then
		test_error "session setup"
		test_end
		return
	fi
	check_eq "state" "open" "$(session_json "$VNI" .state)"
	test_end

	for kind in wg disco; do
		hex=$(${kind}_packet "$VNI")
		test_begin "$1: $kind data a -> b byte-exact"
		forward_ok "a->b" in_a "$2" $(($6 + 1)) in_b "$3" $(($6 + 2)) "$hex"
		test_end
		test_begin "$1: $kind data b -> a byte-exact"
		forward_ok "b->a" in_b "$3" $(($6 + 2)) in_a "$2" $(($6 + 1)) "$hex"
		test_end
	done
}

combo "udp4<->udp4" $A4 $B4 "$(key 1)" "$(key 2)" 5000
combo "udp6<->udp6" $A6 $B6 "$(key 3)" "$(key 4)" 5100
combo "udp4<->udp6" $A4 $B6 "$(key 5)" "$(key 6)" 5200
combo "udp6<->udp4" $A6 $B4 "$(key 7)" "$(key 8)" 5300

test_begin "header-only (8 bytes) and 1400-byte datagrams are forwarded"
if open_session $A4 5401 $B6 5402 "$(key 9)" "$(key 10)"; then
	forward_ok "8 bytes a->b" in_a $A4 5401 in_b $B6 5402 "$(geneve "$VNI")"
	big=$(geneve "$VNI")$(head -c 1392 /dev/urandom | od -An -v -tx1 | tr -d ' \n')
	check_eq "big payload length" 1400 "$(hexlen "$big")"
	forward_ok "1400 bytes b->a" in_b $B6 5402 in_a $A4 5401 "$big"
else
	test_error "session setup"
fi
test_end

test_begin "a burst of 200 datagrams arrives complete and in order"
if open_session $A6 5501 $B6 5502 "$(key 11)" "$(key 12)"; then
	forward_ok "burst a->b" in_a $A6 5501 in_b $B6 5502 "$(wg_packet "$VNI")" 200
else
	test_error "session setup"
fi
test_end

ktap_finished
