#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Demo (runs inside the VM; `make demo` / scripts/demo.sh): load the module,
# start relayd in the relay namespace, create a session for two peer keys,
# bind both endpoints by hand, send a few hundred datagrams each way and
# show the sessions, the counters and the sysfs files.
. /selftests/lib.sh

say() { printf '\n==> %s\n' "$*"; }
run() { echo "\$ $*" | sed 's/^\$ in_r /(netns r) $ /'; "$@"; }
fail() { echo "demo: $*" >&2; cleanup; exit 1; }

say "topology: a (10.0.1.2, fd00:1::2) -- r (relay, forwarding off) -- b (10.0.2.2, fd00:2::2)"
topology || fail "topology"
/sbin/ip -n r -br addr

say "load the module"
run modprobe peer_relay || fail "modprobe"
grep '^peer_relay ' /proc/modules

say "start relayd in r (port $RELAY_PORT, IPv4 + IPv6)"
relayd_start --family both || fail "relayd"
run in_r relayctl socket list

say "create a session for two peer disco keys"
run in_r relayctl session add $KEY_A $KEY_B || fail "session add"
VNI=$(session_add $KEY_A $KEY_B) || fail "session add"

say "bind both endpoints by hand: A over IPv4, B over IPv6"
run in_r relayctl session bind "$VNI" 0 "$A4:4001" || fail "bind A"
run in_r relayctl session bind "$VNI" 1 "[$B6]:4002" || fail "bind B"

N=300
say "send $N WireGuard-type datagrams each way through the relay (udp4 <-> udp6)"
hex=$(wg_packet "$VNI")
echo "payload ($(hexlen "$hex") bytes): $hex"
recv_start in_b "[$B6]:4002" $N 30000 to_b || fail "receiver b"
in_a udpio send --from "$A4:4001" --to "$R4A:$RELAY_PORT" --hex "$hex" --count $N --interval-us 500 ||
	fail "send a"
recv_wait to_b; echo "b received $(wc -l <"$T/to_b.out") datagrams, e.g.: $(head -n 1 "$T/to_b.out")"
recv_start in_a "$A4:4001" $N 30000 to_a || fail "receiver a"
in_b udpio send --from "[$B6]:4002" --to "[$R6B]:$RELAY_PORT" --hex "$hex" --count $N --interval-us 500 ||
	fail "send b"
recv_wait to_a; echo "a received $(wc -l <"$T/to_a.out") datagrams, e.g.: $(head -n 1 "$T/to_a.out")"

say "a third party (10.0.1.3) tries the same VNI: dropped"
in_a udpio send --from "$C4:4001" --to "$R4A:$RELAY_PORT" --hex "$hex" --count 5

say "sessions"
run in_r relayctl session list

say "counters (netlink)"
run in_r relayctl stats

say "counters (Prometheus text)"
in_r relayctl stats --prometheus 2>/dev/null | grep -v '^#' | grep -v ' 0$'

say "sysfs counters (/sys/kernel/peer_relay/stats) count the initial namespace only; the relay runs in r"
for f in forwarded_packets_udp4_udp6 forwarded_packets_udp6_udp4 sessions_open sockets; do
	printf '  %-32s %s\n' "$f" "$(sysfs_stat $f)"
done

say "stop relayd and unload"
relayd_stop TERM
run in_r relayctl socket list
cleanup
run rmmod peer_relay && echo "module unloaded"
[ "$(wc -l <"$T/to_b.out")" -eq $N ] && [ "$(wc -l <"$T/to_a.out")" -eq $N ]
