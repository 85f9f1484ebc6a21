#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The firewall of contrib/nftables/peer_relay.nft with iptables/ip6tables
# (Debian's iptables-nft or legacy), for hosts managed with iptables
# (Documentation/admin-guide.md "Firewall"; run by selftests/net/ops_deploy.sh).
# Appends to INPUT and raw and sets the INPUT policy to DROP: run it on a
# host without other INPUT rules, or merge the rules into your own.
#
#   RELAY_PORT (7000) UDP, from anywhere; HEALTH_PORT (7001) TCP from
#   HEALTH_SOURCES (10.0.0.0/8); SSH_PORT (22) TCP.
set -e
RELAY_PORT=${RELAY_PORT:-7000}
HEALTH_PORT=${HEALTH_PORT:-7001}
HEALTH_SOURCES=${HEALTH_SOURCES:-10.0.0.0/8}
SSH_PORT=${SSH_PORT:-22}

for ipt in iptables ip6tables; do
	# Relay traffic is not connection-tracked (see the nftables file).
	$ipt -t raw -A PREROUTING -p udp --dport "$RELAY_PORT" -j CT --notrack
	$ipt -t raw -A OUTPUT -p udp --sport "$RELAY_PORT" -j CT --notrack
	$ipt -A INPUT -i lo -j ACCEPT
	$ipt -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
	$ipt -A INPUT -p udp --dport "$RELAY_PORT" -j ACCEPT -m comment --comment "peer relay"
	$ipt -A INPUT -p tcp --dport "$SSH_PORT" -j ACCEPT
done
iptables -A INPUT -p tcp --dport "$HEALTH_PORT" -s "$HEALTH_SOURCES" -j ACCEPT
iptables -A INPUT -p icmp -j ACCEPT
ip6tables -A INPUT -p ipv6-icmp -j ACCEPT
iptables -P INPUT DROP
ip6tables -P INPUT DROP
