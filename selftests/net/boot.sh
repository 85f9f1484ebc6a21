#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Harness self-test, needs no peer_relay code: the VM booted the expected
# kernel, the namespaces and veth links of the topology come up, each peer
# reaches the relay over IPv4 and IPv6, the peers cannot reach each other
# (no route, forwarding off), and udpio carries a datagram byte-exact.
# vm-timeout: 120
. /selftests/lib.sh

ktap_header
ktap_plan 6

test_begin "kernel and tools"
check_eq "kernel release" "6.1" "$(uname -r | cut -d. -f1,2)"
check_ok "iproute2 ip" /sbin/ip -V
check_ok "udpio" udpio --help
check_eq "jget" 3 "$(echo '{"a":[1,{"b":3}]}' | jget '.a[1].b')"
test_end

test_begin "topology: namespaces and veth links up"
topology || test_error "topology setup failed"
check_eq "namespaces" "a b r" "$(ip netns list | awk '{print $1}' | sort | tr '\n' ' ' | sed 's/ $//')"
test_end

test_begin "peers reach the relay (IPv4, IPv6)"
check_ok "a -> r v4" in_a ping -c 1 -W 2 $R4A
check_ok "a -> r v6" in_a ping -6 -c 1 -W 2 $R6A
check_ok "b -> r v4" in_b ping -c 1 -W 2 $R4B
check_ok "b -> r v6" in_b ping -6 -c 1 -W 2 $R6B
check_ok "c -> r v4" in_a ping -I $C4 -c 1 -W 2 $R4A
test_end

test_begin "no path between a and b"
check_fail "a -> b v4" in_a ping -c 1 -W 1 $B4
check_fail "a -> b v6" in_a ping -6 -c 1 -W 1 $B6
check_eq "ip_forward in r" 0 "$(in_r cat /proc/sys/net/ipv4/ip_forward)"
test_end

test_begin "udpio datagram a -> r byte-exact (IPv4, IPv6)"
hex=$(wg_packet 1)
for fam in 4 6; do
	if [ $fam = 4 ]; then from=$(ep $A4 5001) to=$(ep $R4A 6000); else from=$(ep $A6 5001) to=$(ep $R6A 6000); fi
	recv_start in_r "$to" 1 3000 r$fam || test_error "recv start"
	send_from in_a "$from" "$to" "$hex" || test_error "send"
	recv_wait r$fam || test_error "v$fam: nothing received"
	check_eq "v$fam datagram" "$from $hex" "$(cat $T/r$fam.out)"
done
test_end

test_begin "udpio recv times out and reports it"
recv_start in_b "$(ep $B4 5002)" 1 300 none || test_error "recv start"
if recv_wait none; then test_error "recv of 1 datagram with none sent succeeded"; fi
check_eq "output" "" "$(cat $T/none.out)"
test_end

ktap_finished
