#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The admin guide's "Relaying plain WireGuard" configuration, run as
# written with wg-quick (no systemd in the VM, so the guide's PostUp /
# PreDown lines that start the bridge directly): in namespaces a and b an
# INTERFACE.conf and an INTERFACE.relay in /etc/wireguard with the guide's
# keys, inline comments and MTU; `wg-quick up` creates WireGuard and starts
# `relay-client wg -c /etc/wireguard/%i.relay`, the bridges allocate in-band
# and bind, ping crosses the tunnel through the relay, and `wg-quick down`
# stops the bridge again. The interfaces are wga and wgb (the namespaces
# share /etc and /run, so the names keep the files apart).
# vm-timeout: 200
. /selftests/lib.sh

WGPORT=51820 BRPORT=51821
TA=10.9.0.1 TB=10.9.0.2

ktap_header
command -v wg-quick >/dev/null && command -v bash >/dev/null && command -v wg >/dev/null ||
	{ ktap_skip "wg_quick" "wg-quick, bash or wg not in the image (scripts/install-deps.sh)"; ktap_finished; }
modprobe wireguard 2>/dev/null || { ktap_skip "wg_quick" "no wireguard module"; ktap_finished; }
# wg-quick feeds `wg setconf` through bash's process substitution (/dev/fd)
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
mkdir -p /etc/wireguard /var/log
topology || bail "topology"
load_module

DA=$(relay-client genkey -o /etc/wireguard/wga.disco) &&
	DB=$(relay-client genkey -o /etc/wireguard/wgb.disco) &&
	SK=$(relay-client genkey -o "$T/relay.key") || bail "disco keys"
printf '%s\n%s\n' "$DA" "$DB" >"$T/grants"
printf 'key %s\ngrants %s\nrate-limit 0\n' "$T/relay.key" "$T/grants" >"$T/relayd.conf"
relayd_start --config "$T/relayd.conf" || bail "relayd"

# conf IFACE OWN-ADDR PEER-ADDR PEER-WG-PUB PEER-DISCO RELAY-ADDR: the
# guide's two files, comments and all (the private key in IFACE.key)
conf() {
	cat >"/etc/wireguard/$1.conf" <<EOC || return 1
[Interface]
PrivateKey = $(cat "/etc/wireguard/$1.key")
Address = $2/24
ListenPort = $WGPORT
MTU = 1412                   # 1420 - 8; 1420 is enough if the relay is reached over IPv4
PostUp = relay-client wg -c /etc/wireguard/%i.relay >/var/log/relay-%i.log 2>&1 & echo \$! >/run/relay-%i.pid
PreDown = kill \$(cat /run/relay-%i.pid)

[Peer]
PublicKey = $4
AllowedIPs = $3/32
Endpoint = 127.0.0.1:$BRPORT   # the bridge, not the peer
EOC
	cat >"/etc/wireguard/$1.relay" <<EOC
[Relay]
Key = /etc/wireguard/$1.disco          # own disco private key (created if missing)
Peer = $5                      # the other peer's disco public key
Relay = $(ep "$6" "$RELAY_PORT")               # the relay
ServerKey = $SK                 # the relay's disco public key
Allocate = yes                          # or: EndpointFile = /etc/wireguard/wg0-pair.json
ListenAddress = 127.0.0.1:$BRPORT         # WireGuard's Endpoint for this peer (default)
WireGuardPort = $WGPORT                   # wg0's ListenPort (default: learned)
EOC
}
(umask 077; wg genkey >/etc/wireguard/wga.key && wg genkey >/etc/wireguard/wgb.key) ||
	bail "wg genkey"
WA=$(wg pubkey </etc/wireguard/wga.key) WB=$(wg pubkey </etc/wireguard/wgb.key)
conf wga $TA $TB "$WB" "$DB" $R4A || bail "wga files"
conf wgb $TB $TA "$WA" "$DA" $R4B || bail "wgb files"

# bridge_pid IFACE: the PostUp's bridge, if it runs
bridge_pid() {
	_p=$(cat "/run/relay-$1.pid" 2>/dev/null)
	[ -n "$_p" ] && kill -0 "$_p" 2>/dev/null && echo "$_p"
}

test_begin "wg-quick up (the guide's wg0.conf and wg0.relay): WireGuard up, PostUp started the bridge"
check_ok "wg-quick up wga (in a)" in_a wg-quick up wga
check_ok "wg-quick up wgb (in b)" in_b wg-quick up wgb
check_ok "bridge of wga runs" bridge_pid wga
check_ok "bridge of wgb runs" bridge_pid wgb
check_contains "MTU from wga.conf" "mtu 1412 " "$(ip -n a -o link show wga)"
test_end

test_begin "ping through the tunnel, relayed: the bridges allocated and bound on their own"
_i=0
until in_a ping -c 1 -W 1 $TB >/dev/null 2>&1; do
	_i=$((_i + 1))
	[ $_i -lt $((30 * PRL_SLOW)) ] || break
done
in_a ping -c 5 -i 0.2 -W 5 $TB >"$T/ping.out" 2>&1 || test_error "ping: $(tail -n 2 "$T/ping.out" | tr '\n' ' ')"
check_contains "ping" " 0% packet loss" "$(cat "$T/ping.out")"
check_eq "sessions on the relay" 1 "$(session_count)"
check_ge "relay forwarded (udp4->udp4)" 10 "$(relay_stat forwarded_packets_udp4_udp4)"
test_end

test_begin "wg-quick down: PreDown stopped the bridge, the interface is gone"
PA=$(bridge_pid wga)
check_ok "wg-quick down wga" in_a wg-quick down wga
check_ok "wg-quick down wgb" in_b wg-quick down wgb
sleep 0.5
check_fail "bridge of wga still runs" kill -0 "${PA:-0}"
check_fail "bridge of wgb still runs" bridge_pid wgb
check_fail "wga still exists" ip -n a link show wga
# the counters it printed when PreDown's SIGTERM stopped it
check_contains "wga's bridge allocated and bound once" "allocations 1 binds 1 rebinds 0" "$(cat /var/log/relay-wga.log)"
diag "wga bridge log: $(tail -n 3 /var/log/relay-wga.log | tr '\n' ' ')"
test_end

ktap_finished
