#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Per-source limit of datagrams passed to userspace (config pass-rate /
# pass-burst): a source over its rate loses the excess (dropped_ratelimit)
# while another source keeps its own budget; data forwarding is never
# limited; pass-rate 0 lifts the limit. The all-sources limit
# (pass-rate-total) holds many sources together (dropped_ratelimit_total).
# vm-timeout: 180
. /selftests/lib.sh

ktap_header
relay_setup --family both

open_session $A4 5001 $B4 5002 "$(key 1)" "$(key 2)" || bail "v4 session"
VNI4=$VNI
CONTROL=$(geneve $VNI4 control)$DISCO_BODY

test_begin "defaults: pass-rate 2000, pass-burst 4000"
check_eq "pass_rate" 2000 "$(relayctl_r -j config get | jget .pass_rate)"
check_eq "pass_burst" 4000 "$(relayctl_r -j config get | jget .pass_burst)"
check_eq "pass_rate_total" 20000 "$(relayctl_r -j config get | jget .pass_rate_total)"
test_end

test_begin "a source over pass-rate loses the excess, counted as ratelimit"
relayctl_r config set pass-rate 1 pass-burst 10 || test_error "config set"
stat_snapshot
# 50 back-to-back control datagrams: the burst of 10 passes (the config
# change refilled the bucket that open_session's handshake drained), plus
# one token per second the sending took (a loaded TCG host can be slow),
# the rest is dropped.
t0=$(date +%s)
send_from in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" "$CONTROL" 50 ||
	test_error "send"
sleep 0.2
most=$((10 + $(date +%s) - t0 + 1))
passed=$(stat_delta passed_control)
limited=$(stat_delta dropped_ratelimit)
diag "passed $passed, rate-limited $limited"
check_eq "every datagram accounted for" 50 $((passed + limited))
check_ok "10..$most passed ($passed)" test "$passed" -ge 10 -a "$passed" -le "$most"
test_end

test_begin "another source keeps its own budget"
stat_snapshot
send_from in_a "$(ep $C4 5009)" "$(ep $R4A $RELAY_PORT)" "$CONTROL" 5 ||
	test_error "send from C"
sleep 0.2
check_stat_delta passed_control 5
check_stat_delta dropped_ratelimit 0
test_end

test_begin "data forwarding is not rate-limited"
stat_snapshot
forward_ok "v4 data" in_a $A4 5001 in_b $B4 5002 "$(wg_packet $VNI4)" 100
check_stat_delta forwarded_packets_udp4_udp4 100
check_stat_delta dropped_ratelimit 0
test_end

test_begin "pass-rate 0 lifts the limit"
relayctl_r config set pass-rate 0 || test_error "config set"
stat_snapshot
send_from in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" "$CONTROL" 50 ||
	test_error "send"
sleep 0.2
check_stat_delta passed_control 50
check_stat_delta dropped_ratelimit 0
test_end

test_begin "many sources together are held to pass-rate-total, each within its own rate"
# 8 addresses of A's subnet, 10 control datagrams each: every source is
# far below its own rate (1000/s, burst 1000) but together they exceed
# pass-rate-total 20 (burst 20): 20 pass, plus 20 per second the sending
# took, the rest is ratelimit_total.
for i in 1 2 3 4 5 6 7 8; do in_a /sbin/ip addr add 10.0.1.$((40 + i))/24 dev va; done
relayctl_r config set pass-rate 1000 pass-burst 1000 pass-rate-total 20 ||
	test_error "config set"
stat_snapshot
t0=$(date +%s)
for i in 1 2 3 4 5 6 7 8; do
	send_from in_a "$(ep 10.0.1.$((40 + i)) 5100)" "$(ep $R4A $RELAY_PORT)" "$CONTROL" 10 ||
		test_error "send from 10.0.1.$((40 + i))"
done
sleep 0.2
most=$((20 + 20 * ($(date +%s) - t0 + 1)))
passed=$(stat_delta passed_control)
total=$(stat_delta dropped_ratelimit_total)
diag "passed $passed, ratelimit_total $total, ratelimit $(stat_delta dropped_ratelimit)"
check_eq "every datagram accounted for" 80 $((passed + total))
check_stat_delta dropped_ratelimit 0
check_ok "20..$most passed ($passed)" test "$passed" -ge 20 -a "$passed" -le "$most"
test_end

test_begin "pass-rate-total 0 lifts the all-sources limit"
relayctl_r config set pass-rate-total 0 || test_error "config set"
stat_snapshot
for i in 1 2 3 4 5 6 7 8; do
	send_from in_a "$(ep 10.0.1.$((40 + i)) 5100)" "$(ep $R4A $RELAY_PORT)" "$CONTROL" 10 ||
		test_error "send"
done
sleep 0.2
check_stat_delta passed_control 80
check_stat_delta dropped_ratelimit_total 0
test_end

test_begin "pass-burst 0 and rates over the maximum are rejected"
check_fail "pass-burst 0" relayctl_r config set pass-burst 0
check_fail "pass-rate 10000001" relayctl_r config set pass-rate 10000001
check_fail "pass-rate-total 10000001" relayctl_r config set pass-rate-total 10000001
check_eq "pass_rate_total unchanged" 0 "$(relayctl_r -j config get | jget .pass_rate_total)"
test_end

ktap_finished
