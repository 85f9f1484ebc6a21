#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Demo (runs inside the VM; `make demo` / scripts/demo.sh): load the module,
# start relayd in the relay namespace r, allocate a session for two peer
# disco keys with `relayctl session add` (which prints the endpoint
# description), then run the real Bind -> Challenge -> Answer handshake with
# relay-client in namespaces a (IPv4) and b (IPv6), ping end to end through
# the relay, send a few hundred datagrams, and show what the relay saw.
. /selftests/lib.sh

say() { printf '\n==> %s\n' "$*"; }
run() { echo "\$ $*" | sed 's/^\$ in_\([rab]\) /(netns \1) $ /'; "$@"; }
fail() { echo "demo: $*" >&2; cleanup; exit 1; }

say "topology: a (10.0.1.2, fd00:1::2) -- r (relay, forwarding off) -- b (10.0.2.2, fd00:2::2)"
topology || fail "topology"
/sbin/ip -n r -br addr

say "load the module"
run modprobe peer_relay || fail "modprobe"
grep '^peer_relay ' /proc/modules

say "start relayd in r (port $RELAY_PORT, IPv4 + IPv6, persistent key)"
relayd_start --family both --key "$T/relay.key" || fail "relayd"
sed 's/^/  /' "$T/relayd.log"
run in_r relayctl socket list

say "two clients create their disco keys"
KA=$(in_a relay-client genkey -o "$T/a.key") || fail "key a"
KB=$(in_b relay-client genkey -o "$T/b.key") || fail "key b"
echo "a: $KA"
echo "b: $KB"

say "allocate a session: relayctl prints the endpoint description the clients need"
run in_r relayctl session add "$KA" "$KB" || fail "session add"
in_r relayctl -j session add "$KA" "$KB" >"$T/endpoint.json" || fail "session add -j"
echo "(as JSON, handed to both clients)"
cat "$T/endpoint.json"
VNI=$(jget .vni <"$T/endpoint.json")

say "b (IPv6) runs the handshake, then answers pings and echoes data"
$(nsprefix in_b) relay-client bind --endpoint-json "$T/endpoint.json" --key "$T/b.key" \
	--local "[$B6]:4002" --echo --quiet --timeout 8000 >"$T/b.out" 2>&1 &
ECHO=$!
ep_index "$KA" "$KB"	# b's endpoint is IB (the kernel sorts the keys)
i=0
while [ "$(ep_remote "$VNI" "$IB")" = null ] && [ $i -lt 100 ]; do
	sleep 0.05; i=$((i + 1))
done
sed 's/^/  b: /' "$T/b.out"

say "a (IPv4) runs the handshake and pings b through the relay (udp4 -> udp6 -> udp4)"
run in_a relay-client bind --endpoint-json "$T/endpoint.json" --key "$T/a.key" \
	--local "$A4:4001" --ping 5 --interval 100 || fail "ping"

N=300
say "a sends $N WireGuard-type datagrams, b echoes each one back"
run in_a relay-client bind --endpoint-json "$T/endpoint.json" --key "$T/a.key" \
	--local "$A4:4001" --send "$WG_BODY" --count $N --interval 2 || fail "send"
sleep 1

say "a third party (10.0.1.3) sends on the same VNI: dropped"
in_a udpio send --from "$C4:4001" --to "$R4A:$RELAY_PORT" --hex "$(wg_packet "$VNI")" --count 5

say "the relay's view"
run in_r relayctl show 2>/dev/null || true
run in_r relayctl session list

say "counters (netlink)"
run in_r relayctl stats

say "counters (Prometheus text, non-zero)"
in_r relayctl stats --prometheus 2>/dev/null | grep -v '^#' | grep -v ' 0$'

say "sysfs counters (/sys/kernel/peer_relay/stats) count the initial namespace only; the relay runs in r"
for f in forwarded_packets_udp4_udp6 forwarded_packets_udp6_udp4 sessions_open sockets; do
	printf '  %-32s %s\n' "$f" "$(sysfs_stat $f)"
done

say "relayd's log"
kill -USR1 "$RELAYD_PID"; sleep 0.3
sed 's/^/  /' "$T/relayd.log" | tail -n 25

say "stop relayd (SIGTERM) and unload"
kill "$ECHO" 2>/dev/null
relayd_stop TERM
run in_r relayctl socket list
FWD=$(relay_stat forwarded_packets_udp4_udp6)
cleanup
run rmmod peer_relay && echo "module unloaded"
echo "forwarded a->b: $FWD datagrams"
[ "$FWD" -ge $((N + 5)) ]
