#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The deployment examples of Documentation/admin-guide.md, in the relay
# namespace r with relayd on port 7000 (the guide's port):
#  - "Firewall": contrib/nftables/peer_relay.nft as installed (/stage)
#    lets the relay in and drops other ports (relay traffic untracked);
#    the same with contrib/iptables/peer_relay-iptables.sh;
#  - "Behind NAT with a port forward": DNAT udp 41641 -> 7000 plus
#    static-endpoints advertise the forwarded port, clients allocate,
#    handshake and relay through it (replies leave from 41641);
#  - "Behind a cloud load balancer": a VIP (10.0.1.100) DNATed to the
#    relay, static-endpoints = the VIP, and peer-relay-health answering
#    the load balancer's HTTP check with 200, 503 once relayd is down.
# vm-timeout: 240
. /selftests/lib.sh

RELAY_PORT=7000
ktap_header
command -v nft >/dev/null || { ktap_skip "deployment examples" "nft not in the image (apt-get install nftables)"; ktap_finished; }
NFT_FILE=/stage/usr/local/share/peer_relay/nftables/peer_relay.nft
HEALTH=/stage/usr/local/sbin/peer-relay-health
[ -f "$NFT_FILE" ] && [ -x "$HEALTH" ] || bail "staged install lacks $NFT_FILE or $HEALTH"

topology || bail "topology"
load_module
relay-client genkey -o "$T/relay.key" >/dev/null || bail "relay key"
A_PUB=$(relay-client genkey -o "$T/a.key") || bail "client key"
B_PUB=$(relay-client genkey -o "$T/b.key") || bail "client key"
printf '%s\n%s\n' "$A_PUB" "$B_PUB" >"$T/grants"
cat >"$T/relayd.conf" <<EOF
port 7000
family both
key $T/relay.key
grants $T/grants
EOF
relayd_start --config "$T/relayd.conf" || bail "relayd"
SERVER=$(relayctl_r -j config get | jget .server_key)
R4=$(ep $R4A 7000)

# ping_from_a RELAY-EP: in-band ping with A's granted key; prints received.
ping_from_a() {
	in_a relayctl -j ping -c 2 -i 50 --key "$T/a.key" --server-key "$SERVER" "$1" \
		>"$T/ping.json" 2>"$T/ping.err"
	_rc=$?
	[ $_rc -eq 0 ] || diag "ping $1: $(cat "$T/ping.err")"
	jget .received <"$T/ping.json" 2>/dev/null
	return $_rc
}

test_begin "firewall (peer_relay.nft): relay port open, others dropped, untracked"
check_ok "nft -f" in_r nft -f "$NFT_FILE"
check_eq "ping through the firewall" 2 "$(ping_from_a "$R4")"
accepted=$(in_r nft list chain inet peer_relay input | sed -n 's/.*udp dport 7000 counter packets \([0-9]*\).*/\1/p')
check_ge "relay rule counter" 4 "$accepted"
recv_start in_r "$(ep $R4A 7005)" 0 1500 closed || test_error "listener"
send_from in_a "$(ep $A4 5000)" "$(ep $R4A 7005)" 01020304 3
recv_stop closed
check_eq "other UDP port dropped" "" "$(cat "$T/closed.out")"
dropped=$(in_r nft list chain inet peer_relay input | sed -n 's/.*counter packets \([0-9]*\) bytes [0-9]* comment "dropped".*/\1/p')
check_ge "drop counter" 3 "$dropped"
# connection tracking is active (the ICMP echo is tracked), relay flows are not
check_ok "icmp echo" in_a ping -c 1 -W 2 $R4A
check_ge "tracked icmp flows" 1 "$(in_r grep -c 'icmp' /proc/net/nf_conntrack)"
check_eq "tracked relay flows" 0 "$(in_r grep -c 'port=7000 ' /proc/net/nf_conntrack)"
check_ok "nft delete table" in_r nft delete table inet peer_relay
test_end

test_begin "firewall with iptables (peer_relay-iptables.sh)"
IPT_FILE=/stage/usr/local/share/peer_relay/iptables/peer_relay-iptables.sh
if ! command -v iptables >/dev/null; then
	test_skip "iptables not in the image (apt-get install iptables)"
else
	check_ok "rules" in_r sh "$IPT_FILE"
	check_eq "ping through the firewall" 2 "$(ping_from_a "$R4")"
	accepted=$(in_r iptables -L INPUT -v -n -x | awk '/peer relay/ {print $1}')
	check_ge "relay rule counter" 4 "$accepted"
	recv_start in_r "$(ep $R4A 7005)" 0 1500 closed || test_error "listener"
	send_from in_a "$(ep $A4 5000)" "$(ep $R4A 7005)" 01020304 3
	recv_stop closed
	check_eq "other UDP port dropped" "" "$(cat "$T/closed.out")"
	check_contains "policy drops counted" "policy DROP 3 packets" "$(in_r iptables -L INPUT -v -n -x | head -n 1)"
	for ipt in iptables ip6tables; do
		in_r $ipt -P INPUT ACCEPT && in_r $ipt -F INPUT && in_r $ipt -t raw -F ||
			test_error "$ipt cleanup"
	done
	test_end
fi

test_begin "behind NAT with a port forward (41641 -> 7000) and static-endpoints"
check_ok "dnat" in_r nft -f - <<EOF
table ip peer_relay_portfwd {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		udp dport 41641 dnat to :7000
	}
}
EOF
check_ok "static endpoints" relayctl_r config set static-endpoints "$R4A:41641"
in_a relay-client -j allocate --relay "$R4A:41641" --server-key "$SERVER" \
	--peer "$B_PUB" --key "$T/a.key" >"$T/alloc.json" 2>"$T/alloc.err"
check_eq "allocate through the forward" 0 $?
check_eq "advertised endpoint" "$R4A:41641" "$(jget '.addrs[0]' <"$T/alloc.json")"
stat_snapshot
check_eq "ping through the forwarded port" 2 "$(ping_from_a "$R4A:41641")"
check_ge "forwarded by the kernel" 4 "$(stat_delta forwarded_packets_udp4_udp4)"
check_ok "nft delete table" in_r nft delete table ip peer_relay_portfwd
check_ok "static endpoints none" relayctl_r config set static-endpoints none
test_end

test_begin "behind a load balancer: VIP, static-endpoints, HTTP health check"
VIP=10.0.1.100
check_ok "vip" in_r /sbin/ip addr add $VIP/32 dev lo
check_ok "lb dnat" in_r nft -f - <<EOF
table ip peer_relay_lb {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr $VIP udp dport 7000 dnat to $R4A:7000
	}
}
EOF
check_ok "static endpoints" relayctl_r config set static-endpoints "$VIP:7000"
check_eq "ping through the VIP" 2 "$(ping_from_a "$VIP:7000")"
$(nsprefix in_r) env PEER_RELAY_HEALTH_TARGET="$R4" nc -ll -p 7001 -e "$HEALTH" \
	>/dev/null 2>&1 &
BG_PIDS="$BG_PIDS $!"
sleep 0.3
health() { printf 'GET /health HTTP/1.0\r\n\r\n' | in_a nc -w 5 $R4A 7001 | head -n 1 | tr -d '\r'; }
check_eq "health while relaying" "HTTP/1.0 200 OK" "$(health)"
relayd_stop
check_eq "health with relayd down" "HTTP/1.0 503 Service Unavailable" "$(health)"
test_end

ktap_finished
