#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# relayctl ping and relayctl show (issue 4, Documentation/admin-guide.md
# "Health checks" and "Troubleshooting"): ping through relayd + the kernel
# data plane with a netlink probe session (same and mixed families) and
# with an in-band allocation from a peer using a granted key; its exit
# status fails when the relay does not answer; the probe session is
# deleted afterwards. show filters by VNI and key, sorts, and prints
# <no handshake> for unbound sides.
# vm-timeout: 240
. /selftests/lib.sh

ktap_header
topology || bail "topology"
load_module
relay-client genkey -o "$T/relay.key" >/dev/null || bail "relay key"
A_PUB=$(relay-client genkey -o "$T/a.key") || bail "client key"
relay-client genkey -o "$T/other.key" >/dev/null || bail "other key"
echo "$A_PUB" >"$T/grants"
relayd_start --family both --key "$T/relay.key" --grants "$T/grants" || bail "relayd"
SERVER=$(relayctl_r -j config get | jget .server_key)
R4=$(ep $R4A $RELAY_PORT) R6=$(ep $R6A $RELAY_PORT)

test_begin "ping (netlink probe session, udp4): all probes answered, session deleted"
stat_snapshot
in_r relayctl -j ping -c 3 -i 50 "$R4" >"$T/ping.json" 2>"$T/ping.err"
check_eq "exit status" 0 $?
check_eq "mode" netlink "$(jget .mode <"$T/ping.json")"
check_eq "received" 3 "$(jget .received <"$T/ping.json")"
check_eq "lost" 0 "$(jget .lost <"$T/ping.json")"
check_eq "modified" 0 "$(jget .modified <"$T/ping.json")"
check_ge "kernel forwarded (probe session)" 6 "$(jget .forwarded <"$T/ping.json")"
check_ge "rtt_max_us" "$(jget .rtt_min_us <"$T/ping.json")" "$(jget .rtt_max_us <"$T/ping.json")"
check_ge "udp4->udp4 forwarded" 6 "$(stat_delta forwarded_packets_udp4_udp4)"
check_eq "sessions left" 0 "$(session_count)"
check_eq "deleted by user" 1 "$(stat_delta deleted_user)"
test_end

test_begin "ping across families (A udp4, B udp6), human output"
stat_snapshot
in_r relayctl ping -c 2 -i 50 --relay-b "$R6" "$R4" >"$T/ping.out" 2>"$T/ping.err"
check_eq "exit status" 0 $?
out=$(cat "$T/ping.out")
check_contains "reply line" "reply from $R4: seq=2" "$out"
check_contains "summary" "2 probes transmitted, 2 received, 0% loss" "$out"
check_contains "rtt" "rtt min/avg/max = " "$out"
check_ge "udp4->udp6 forwarded" 2 "$(stat_delta forwarded_packets_udp4_udp6)"
check_ge "udp6->udp4 forwarded" 2 "$(stat_delta forwarded_packets_udp6_udp4)"
check_eq "sessions left" 0 "$(session_count)"
test_end

test_begin "ping from a peer with a granted key (in-band allocation)"
stat_snapshot
in_a relayctl -j ping -c 2 -i 50 --key "$T/a.key" --server-key "$SERVER" "$R4" \
	>"$T/ping.json" 2>"$T/ping.err"
check_eq "exit status" 0 $?
check_eq "mode" in-band "$(jget .mode <"$T/ping.json")"
check_eq "received" 2 "$(jget .received <"$T/ping.json")"
check_ge "udp4->udp4 forwarded" 4 "$(stat_delta forwarded_packets_udp4_udp4)"
check_eq "session allocated in-band" 1 "$(stat_delta sessions_created)"
test_end

test_begin "ping fails (exit 1) for a key that is not granted"
in_a relayctl ping -c 1 -W 300 --key "$T/other.key" --server-key "$SERVER" "$R4" \
	>"$T/ping.out" 2>"$T/ping.err"
check_eq "exit status" 1 $?
check_contains "error" "AllocateResponse" "$(cat "$T/ping.err")"
test_end

test_begin "show: <no handshake>, filter by vni and key, sort, -j"
relayctl_r session flush
V1=$(session_add "$(key 1)" "$(key 2)")
session_bind "$V1" 0 "$(ep $A4 6001)"
open_session $A4 6003 $B4 6004 "$(key 3)" "$(key 4)" || test_error "session"
V2=$VNI
forward_ok "traffic on V2" in_a $A4 6003 in_b $B4 6004 "$(wg_packet "$V2")" 3
out=$(relayctl_r show)
check_contains "unbound side" "<no handshake>(d:0202020202020202)" "$out"
check_contains "path line" "path: $A4:6003(d:0303030303030303) <-> $B4:6004(d:0404040404040404)" "$out"
check_eq "show vni V1: sessions" 1 "$(relayctl_r -j show vni "$V1" | jget .sessions | jcount)"
check_eq "show vni V1: vni" "$V1" "$(relayctl_r -j show vni "$V1" | jget '.sessions[0].vni')"
check_eq "show key 0404: vni" "$V2" "$(relayctl_r -j show key 0404 | jget '.sessions[0].vni')"
check_eq "show key d:0101...: vni" "$V1" "$(relayctl_r -j show key "d:$(key 1 | cut -c1-16)" | jget '.sessions[0].vni')"
check_eq "sort bytes: first" "$V2" "$(relayctl_r -j show --sort bytes | jget '.sessions[0].vni')"
check_eq "sort idle: unbound last" "$V1" "$(relayctl_r -j show --sort idle | jget '.sessions[1].vni')"
check_eq "sort vni: first" "$V1" "$(relayctl_r -j show --sort vni | jget '.sessions[0].vni')"
check_fail "show vni without a match" relayctl_r show vni 999999
check_fail "show key without a match" relayctl_r show key ffff
test_end

test_begin "relay down: ping exits 1 and leaves no session"
relayd_stop
in_r relayctl ping -c 1 -W 300 "$R4" >"$T/ping.out" 2>"$T/ping.err"
check_eq "exit status" 1 $?
check_eq "sessions left (the two show sessions)" 2 "$(session_count)"
test_end

ktap_finished
