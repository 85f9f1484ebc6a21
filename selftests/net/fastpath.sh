#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The netfilter fast path (kmod/fast.c, Documentation/design.md "Fast
# path"): data datagrams are taken at the end of PRE_ROUTING when local
# delivery could not treat them otherwise, else at the end of LOCAL_IN,
# before UDP delivery either way, so the namespace's UDP InDatagrams does
# not move for them;
# with the module parameter fastpath=0 the socket path takes them and it
# does (the control that this check can fail). A datagram with a bad UDP
# checksum is not forwarded and is counted by UDP as InCsumErrors; an
# INPUT-chain drop rule on the relay port still stops data; IPv6 uses and
# refreshes the route cache (a more specific route with another source);
# what the early hook must leave to routing still is: strict reverse path
# filtering, a policy rule that refuses input.
# vm-timeout: 180
. /selftests/lib.sh

PARAM=/sys/module/peer_relay/parameters/fastpath
R6B2=fd00:2::9		# a second relay address on b's link

ktap_header
relay_setup --family both

# snmp FILE FIELD: a counter of /proc/net/snmp ("Udp InDatagrams") or
# /proc/net/snmp6 ("Udp6InDatagrams") in the relay namespace.
snmp() {
	if [ "$1" = snmp6 ]; then
		in_r awk -v f="$2" '$1 == f { print $2 }' /proc/net/snmp6
	else
		in_r awk -v f="${2#* }" -v p="${2%% *}:" '$1 == p {
			if (!n) { for (i = 2; i <= NF; i++) if ($i == f) c = i; n = 1 }
			else print $c }' /proc/net/snmp
	fi
}

open_session $A4 5001 $B4 5002 || bail "IPv4 session"
V4=$VNI
open_session $A6 6001 $B6 6002 "$(key 5)" "$(key 6)" || bail "IPv6 session"
V6=$VNI

test_begin "IPv4 data takes the hook: forwarded, UDP InDatagrams unchanged"
check_eq "fastpath parameter" "Y" "$(cat $PARAM)"
stat_snapshot
u0=$(snmp snmp "Udp InDatagrams")
forward_ok "a->b" in_a $A4 5001 in_b $B4 5002 "$(wg_packet $V4)" 20
forward_ok "b->a" in_b $B4 5002 in_a $A4 5001 "$(wg_packet $V4)" 20
check_stat_delta forwarded_packets_udp4_udp4 40
check_eq "UDP InDatagrams change" 0 $(($(snmp snmp "Udp InDatagrams") - u0))
test_end

test_begin "fastpath=0: the socket path forwards, UDP counts each datagram"
echo 0 >$PARAM || test_error "cannot clear $PARAM"
stat_snapshot
u0=$(snmp snmp "Udp InDatagrams")
forward_ok "a->b" in_a $A4 5001 in_b $B4 5002 "$(wg_packet $V4)" 20
check_stat_delta forwarded_packets_udp4_udp4 20
check_eq "UDP InDatagrams change" 20 $(($(snmp snmp "Udp InDatagrams") - u0))
echo 1 >$PARAM
test_end

test_begin "IPv6 data takes the hook, the cached route follows the FIB"
stat_snapshot
u0=$(snmp snmp6 Udp6InDatagrams)
forward_ok "a->b" in_a $A6 6001 in_b $B6 6002 "$(wg_packet $V6)" 10
forward_ok "b->a" in_b $B6 6002 in_a $A6 6001 "$(wg_packet $V6)" 10
check_stat_delta forwarded_packets_udp6_udp6 20
check_eq "UDP6 InDatagrams change" 0 $(($(snmp snmp6 Udp6InDatagrams) - u0))
in_r /sbin/ip addr add $R6B2/64 dev rb nodad || test_error "addr add"
in_r /sbin/ip route add $B6/128 dev rb src $R6B2 || test_error "route add"
recv_start in_b "$(ep $B6 6002)" 1 4000 r6 || test_error "receiver"
send_from in_a "$(ep $A6 6001)" "$(ep $R6A $RELAY_PORT)" "$(wg_packet $V6)" ||
	test_error "send"
recv_wait r6 || test_error "nothing arrived via the /128 route"
check_eq "source via the /128 route" "$(ep $R6B2 $RELAY_PORT) $(wg_packet $V6)" \
	"$(cat "$T/r6.out")"
in_r /sbin/ip route del $B6/128 dev rb
in_r /sbin/ip addr del $R6B2/64 dev rb
forward_ok "route removed" in_a $A6 6001 in_b $B6 6002 "$(wg_packet $V6)" 2
test_end

test_begin "a bad UDP checksum is dropped by UDP, not forwarded"
stat_snapshot
c4=$(snmp snmp "Udp InCsumErrors")
c6=$(snmp snmp6 Udp6InCsumErrors)
recv_start in_b "$(ep $B4 5002)" 0 1500 bad4 || test_error "receiver v4"
recv_start in_b "$(ep $B6 6002)" 0 1500 bad6 || test_error "receiver v6"
in_a udpio send --bad-csum --from "$(ep $A4 5001)" --to "$(ep $R4A $RELAY_PORT)" \
	--hex "$(wg_packet $V4)" --count 5 || test_error "bad-csum send v4"
in_a udpio send --bad-csum --from "$(ep $A6 6001)" --to "$(ep $R6A $RELAY_PORT)" \
	--hex "$(wg_packet $V6)" --count 5 || test_error "bad-csum send v6"
recv_wait bad4
recv_wait bad6
check_eq "arrived at b (IPv4)" "" "$(cat "$T/bad4.out")"
check_eq "arrived at b (IPv6)" "" "$(cat "$T/bad6.out")"
check_stat_delta forwarded_packets_udp4_udp4 0
check_stat_delta forwarded_packets_udp6_udp6 0
check_eq "UDP InCsumErrors change" 5 $(($(snmp snmp "Udp InCsumErrors") - c4))
check_eq "UDP6 InCsumErrors change" 5 $(($(snmp snmp6 Udp6InCsumErrors) - c6))
forward_ok "a good one after" in_a $A4 5001 in_b $B4 5002 "$(wg_packet $V4)"
test_end

test_begin "strict reverse path filtering still drops a spoofed source"
# The early hook leaves such a device's datagrams to routing: A4 is
# routed via rb now, so A4 arriving on ra fails the strict check there.
in_r sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.ra.rp_filter=1 ||
	test_error "rp_filter"
in_r /sbin/ip route add $A4/32 dev rb || test_error "route add"
stat_snapshot
expect_silence "martian source" in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" \
	"$(wg_packet $V4)" 3 "in_b=$(ep $B4 5002)"
check_stat_delta forwarded_packets_udp4_udp4 0
in_r /sbin/ip route del $A4/32 dev rb
forward_ok "loose is enough once A4 is back on ra" in_a $A4 5001 in_b $B4 5002 \
	"$(wg_packet $V4)" 3
in_r sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.ra.rp_filter=0
test_end

test_begin "a policy rule refusing input from ra stops data (both families)"
# Before the local table (moved from 0 to 100): input from ra is refused
# even for local addresses, so the early hook must leave it to routing.
for v in -4 -6; do
	in_r /sbin/ip $v rule add pref 100 table local &&
		in_r /sbin/ip $v rule del pref 0 table local &&
		in_r /sbin/ip $v rule add pref 50 iif ra prohibit || test_error "ip $v rule"
done
stat_snapshot
expect_silence "prohibited (v4)" in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" \
	"$(wg_packet $V4)" 3 "in_b=$(ep $B4 5002)"
expect_silence "prohibited (v6)" in_a "$(ep $A6 6001)" "$(ep $R6A $RELAY_PORT)" \
	"$(wg_packet $V6)" 3 "in_b=$(ep $B6 6002)"
check_stat_delta forwarded_packets_udp4_udp4 0
check_stat_delta forwarded_packets_udp6_udp6 0
for v in -4 -6; do
	in_r /sbin/ip $v rule del pref 50 iif ra prohibit
	in_r /sbin/ip $v rule add pref 0 table local
	in_r /sbin/ip $v rule del pref 100 table local
done
forward_ok "rules restored (v4)" in_a $A4 5001 in_b $B4 5002 "$(wg_packet $V4)" 3
forward_ok "rules restored (v6)" in_a $A6 6001 in_b $B6 6002 "$(wg_packet $V6)" 3
test_end

test_begin "an INPUT drop rule on the relay port stops data (nft)"
if ! command -v nft >/dev/null; then
	test_skip "nft not in the image"
else
	in_r nft add table inet prtest &&
		in_r nft add chain inet prtest input \
			'{ type filter hook input priority 0; }' &&
		in_r nft add rule inet prtest input udp dport $RELAY_PORT counter drop ||
		test_error "nft rules"
	stat_snapshot
	expect_silence "dropped by INPUT" in_a "$(ep $A4 5001)" "$(ep $R4A $RELAY_PORT)" \
		"$(wg_packet $V4)" 3 "in_b=$(ep $B4 5002)"
	expect_silence "dropped by INPUT (v6)" in_a "$(ep $A6 6001)" "$(ep $R6A $RELAY_PORT)" \
		"$(wg_packet $V6)" 3 "in_b=$(ep $B6 6002)"
	check_stat_delta forwarded_packets_udp4_udp4 0
	check_stat_delta forwarded_packets_udp6_udp6 0
	check_eq "rule counter" 6 \
		"$(in_r nft list chain inet prtest input | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')"
	in_r nft delete table inet prtest || test_error "nft delete"
	forward_ok "rule removed" in_a $A4 5001 in_b $B4 5002 "$(wg_packet $V4)"
	test_end
fi

ktap_finished
