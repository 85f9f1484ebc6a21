#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Packet fuzzing under load: while two bound sessions (IPv4 A->B and IPv6
# B->A) each carry a counted flow, three pktfuzz instances send random,
# truncated and mutated datagrams at the relay from third-party addresses
# (valid VNIs from strangers, control bits, Geneve option lengths larger
# than the packet, 0..64-byte and empty datagrams, STUN look-alikes, plain
# disco frames, VNIs of a half-bound session, random VNIs).
#
# Asserted: every legitimate datagram arrives, byte-identical; forwarded
# counters rise by exactly the legitimate count; each drop/pass counter
# rises by exactly what pktfuzz predicts with the shared classifier, so
# the sum of all drop and pass reasons rises by exactly the number of
# garbage datagrams; the sockets' rx counters account for every datagram;
# no garbage datagram gets a reply; sessions and relayd survive. The
# harness fails the run on any kernel splat.
#
# The garbage is deterministic (seeds 4242..4244); PKTFUZZ_SEED=N in the
# environment picks another stream when running the script by hand.
# vm-timeout: 300
. /selftests/lib.sh

LEGIT=${LEGIT:-2000}
GARBAGE=${GARBAGE:-5000}	# per fuzzer, three fuzzers
SEED=${PKTFUZZ_SEED:-4242}

ktap_header
relay_setup --family both
# The half-bound session must not expire during the run; the per-source
# limit of datagrams passed to userspace is lifted so that each pass
# reason can be predicted exactly (limits.sh and ratelimit.sh test it).
relayctl_r config set bind-lifetime 600000 pass-rate 0 >/dev/null || bail "config set"
# Keep the veth backlog from being the bottleneck (global sysctl).
sysctl -qw net.core.netdev_max_backlog=10000 2>/dev/null

open_session $A4 5001 $B4 5002 "$(key 1)" "$(key 2)" || bail "IPv4 session"
V4=$VNI
open_session $A6 5101 $B6 5102 "$(key 3)" "$(key 4)" || bail "IPv6 session"
V6=$VNI
VH=$(session_add "$(key 5)" "$(key 6)") || bail "half-bound session"
session_bind "$VH" 0 "$(ep $A4 5201)" || bail "bind half"
diag "sessions: v4 $V4, v6 $V6, half-bound $VH; seed $SEED; $LEGIT legit x2, $GARBAGE garbage x3"

# socket_rx: sum of rx_packets over the attached sockets.
socket_rx() { in_r relayctl -j socket list | jlist | jq -s 'map(.rx_packets) | add'; }
# backlog_drops: packets the CPUs' input backlogs dropped (softnet_stat col 2).
backlog_drops() {
	_s=0
	while read -r _a _d _rest; do _s=$((_s + 0x$_d)); done </proc/net/softnet_stat
	echo $_s
}

W4=$(wg_packet $V4)
W6=$(disco_packet $V6)
PF="--open $V4 --open $V6 --connecting $VH --listen 1500"

test_begin "legitimate flows deliver every datagram while garbage is sent"
stat_snapshot
rx0=$(socket_rx)
bl0=$(backlog_drops)
recv_start in_b "$(ep $B4 5002)" "$LEGIT" 120000 legit4 || test_error "receiver b"
recv_start in_a "$(ep $A6 5101)" "$LEGIT" 120000 legit6 || test_error "receiver a"
$(nsprefix in_a) udpio send --from "$(ep $A4 5001)" --to "$(ep $R4A $RELAY_PORT)" \
	--hex "$W4" --count "$LEGIT" --interval-us 400 >"$T/s4.out" 2>&1 &
S4=$!
$(nsprefix in_b) udpio send --from "$(ep $B6 5102)" --to "$(ep $R6B $RELAY_PORT)" \
	--hex "$W6" --count "$LEGIT" --interval-us 400 >"$T/s6.out" 2>&1 &
S6=$!
BG_PIDS="$BG_PIDS $S4 $S6"
# shellcheck disable=SC2086
$(nsprefix in_a) pktfuzz --from "$(ep $C4 6000)" --to "$(ep $R4A $RELAY_PORT)" --ports 8 \
	--count "$GARBAGE" --seed "$SEED" $PF >"$T/fz1.out" 2>"$T/fz1.err" &
F1=$!
# shellcheck disable=SC2086
$(nsprefix in_a) pktfuzz --from "$(ep $C6 6000)" --to "$(ep $R6A $RELAY_PORT)" --ports 8 \
	--count "$GARBAGE" --seed "$((SEED + 1))" $PF >"$T/fz2.out" 2>"$T/fz2.err" &
F2=$!
# B's host from another port is a third party too.
# shellcheck disable=SC2086
$(nsprefix in_b) pktfuzz --from "$(ep $B4 6100)" --to "$(ep $R4B $RELAY_PORT)" --ports 4 \
	--count "$GARBAGE" --seed "$((SEED + 2))" $PF >"$T/fz3.out" 2>"$T/fz3.err" &
F3=$!
BG_PIDS="$BG_PIDS $F1 $F2 $F3"
for p in $F1 $F2 $F3; do
	wait $p || test_error "pktfuzz $p failed: $(cat "$T"/fz*.err | head -c 300)"
done
wait $S4 || test_error "legit IPv4 sender: $(cat "$T/s4.out")"
wait $S6 || test_error "legit IPv6 sender: $(cat "$T/s6.out")"
recv_wait legit4 || test_error "b received $(wc -l <"$T/legit4.out") of $LEGIT"
recv_wait legit6 || test_error "a received $(wc -l <"$T/legit6.out") of $LEGIT"
check_eq "datagrams at b" "$LEGIT" "$(wc -l <"$T/legit4.out" | tr -d ' ')"
check_eq "datagrams at a" "$LEGIT" "$(wc -l <"$T/legit6.out" | tr -d ' ')"
check_eq "content at b" "$(ep $R4B $RELAY_PORT) $W4" "$(sort -u "$T/legit4.out")"
check_eq "content at a" "$(ep $R6A $RELAY_PORT) $W6" "$(sort -u "$T/legit6.out")"
sleep 0.5
test_end

# Sum the predictions of the three fuzzers.
expect() { cat "$T"/fz1.out "$T"/fz2.out "$T"/fz3.out | awk -v k="$1" '$1 == "expect" && $2 == k { s += $3 } END { print s + 0 }'; }
SENT=$(cat "$T"/fz1.out "$T"/fz2.out "$T"/fz3.out | awk '$1 == "sent" { s += $2 } END { print s + 0 }')
diag "garbage sent: $SENT; kinds: $(awk '$1 == "kind" { k[$2] += $3 } END { for (x in k) printf "%s=%d ", x, k[x] }' "$T"/fz*.out)"

test_begin "forwarded counters rose by exactly the legitimate datagrams"
check_stat_delta forwarded_packets_udp4_udp4 "$LEGIT"
check_stat_delta forwarded_packets_udp6_udp6 "$LEGIT"
check_stat_delta forwarded_packets_udp4_udp6 0
check_stat_delta forwarded_packets_udp6_udp4 0
check_eq "v4 session endpoint 0 rx_packets" "$LEGIT" "$(session_json $V4 '.endpoints[0].rx_packets')"
check_eq "v6 session endpoint 1 rx_packets" "$LEGIT" "$(session_json $V6 '.endpoints[1].rx_packets')"
test_end

test_begin "every garbage datagram is accounted for by its drop/pass reason"
check_eq "fuzzers sent" "$((3 * GARBAGE))" "$SENT"
for c in dropped_short dropped_unknown_vni dropped_not_bound dropped_bad_source \
	 passed_control passed_not_geneve passed_stun; do
	check_stat_delta $c "$(expect $c)"
done
for c in dropped_no_socket dropped_no_route dropped_tx_error dropped_nomem dropped_ratelimit \
	 dropped_ratelimit_total; do
	check_stat_delta $c 0
done
total=0
for c in $(stats_json | jq -r '(.dropped, .passed) | keys[]' | sort -u); do
	d=$(stat_delta dropped_$c)
	p=$(stat_delta passed_$c)
	case $d in missing) d=0 ;; esac
	case $p in missing) p=0 ;; esac
	total=$((total + d + p))
done
check_eq "sum of all drop and pass reasons" "$SENT" "$total"
check_eq "socket rx counters (legit + garbage)" "$((2 * LEGIT + SENT))" "$(($(socket_rx) - rx0))"
check_eq "input backlog drops" 0 "$(($(backlog_drops) - bl0))"
test_end

test_begin "no garbage datagram got a reply"
check_eq "replies" "0 0 0" "$(awk '$1 == "replies" { printf "%s%s", s, $2; s = " " }' "$T"/fz1.out "$T"/fz2.out "$T"/fz3.out)"
test_end

test_begin "sessions, bindings and relayd survive"
check_ok "relayd alive" kill -0 "$RELAYD_PID"
check_eq "v4 state" open "$(session_json $V4 .state)"
check_eq "v6 state" open "$(session_json $V6 .state)"
check_eq "half-bound state" connecting "$(session_json $VH .state)"
check_eq "v4 endpoint 0" "$(ep $A4 5001)" "$(session_json $V4 '.endpoints[0].remote')"
check_eq "v6 endpoint 1" "$(ep $B6 5102)" "$(session_json $V6 '.endpoints[1].remote')"
check_eq "sessions" 3 "$(session_count)"
check_eq "sockets" 2 "$(relay_stat sockets)"
forward_ok "A4 -> B4 after" in_a $A4 5001 in_b $B4 5002 "$W4" 20
forward_ok "B6 -> A6 after" in_b $B6 5102 in_a $A6 5101 "$W6" 20
test_end

test_begin "module unloads after the run"
relayd_stop TERM || test_error "relayd exit status $?"
check_ok "rmmod" unload_module
test_end

ktap_finished
