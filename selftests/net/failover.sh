#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Relay host failover (issue 12): two relays r1, r2 on one L2 segment with
# keepalived (VRRP) moving the service address 10.9.0.100 between them and
# relayd replicating sessions (sync-*), clients a and b behind a router rt.
#
#   a 10.0.1.2 --- rt --- b 10.0.2.2
#                  | br0 10.9.0.1
#        +---------+---------+
#   r1 10.9.0.11        r2 10.9.0.12      VIP 10.9.0.100:7777
#
# Traffic flows both ways through the active relay (kernel data plane):
# a real handshake + ping/echo (session 1) and a fixed-rate stream a -> b
# (session 2). r1 is killed (keepalived and relayd -9, link down): r2
# takes the address and forwards with no new handshake; then r1 comes
# back, is resynchronised and takes the address back. Also: a session
# bound 100 ms before the failure survives it, a deletion replicates,
# the standby keeps sessions the active keeps alive past the idle
# lifetime, 10,000 sessions replicate and a restarted standby with an
# empty kernel gets them all back. Figures go to the log as "# figure:".
# vm-timeout: 300
. /selftests/lib.sh

VIP=10.9.0.100
R1=10.9.0.11 R2=10.9.0.12 RT=10.9.0.1
PORT=7777 SYNC_PORT=7002
IDLE_MS=10000		# idle lifetime on both relays (the standby must not expire early)
REFRESH_MS=2000		# sync-refresh: full resync (with idle times) while active
N_BULK=${N_BULK:-10000}	# the standby installs in batches (tools/lib/nl_batch.c)
KA=/selftests/keepalived

ns() { _n=$1; shift; nsenter --net=/run/netns/"$_n" "$@"; }
ctl() { _n=$1; shift; ns "$_n" relayctl "$@"; }
now_ms() {
	read -r _up _ </proc/uptime
	_f=${_up#*.}
	echo $(( ${_up%.*} * 1000 + ${_f#0} * 10 ))
}
# count_sessions NS: sessions in NS's kernel, from its counters (a dump
# of 10,000 sessions takes seconds under TCG); 0 if relayctl failed
count_sessions() {
	_cs=$(ctl "$1" -j stats 2>/dev/null | jget .sessions.connecting .sessions.open |
		{ read -r _c; read -r _o; echo $((_c + _o)); } 2>/dev/null)
	case $_cs in ''|*[!0-9]*) echo 0 ;; *) echo "$_cs" ;; esac
}
# session_set NS: "vni lamport" of every session in NS, sorted (from the
# text listing: awk reads 10,000 sessions in a moment, JSON tools do not)
session_set() {	# a dump can be interrupted by a concurrent change: retried
	for _try in 1 2 3 4 5; do
		ctl "$1" session list >"$T/list-$1" 2>/dev/null && break
	done
	awk '$1 == "vni" { v = $2 } $1 == "lamport" { print v, $2 }' "$T/list-$1" | sort
}
stat_of() { ctl "$1" -j stats | jget "$(stat_path "$2")"; }
has_vip() { ns "$1" /sbin/ip -4 -o addr show dev eth0 | grep -q " $VIP/"; }
wait_for() {	# wait_for TENTHS CMD...: until CMD succeeds
	_w=$1
	shift
	while [ "$_w" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		_w=$((_w - 1))
	done
	return 1
}

cleanup_failover() {
	for _p in $BG_PIDS; do kill -9 "$_p" 2>/dev/null; done
	BG_PIDS=
	for _f in "$T"/ka-*.pid "$T"/ka-*.vrrp "$T"/relayd-*.pid; do
		[ -f "$_f" ] && kill -9 "$(cat "$_f")" 2>/dev/null
	done
	for _n in a b rt r1 r2; do
		ip netns pids "$_n" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$_n" 2>/dev/null
	done
	true
}
cleanup() { cleanup_failover; }

topology_failover() {
	grep -q ' /run ' /proc/mounts || mount -t tmpfs run /run
	modprobe veth && modprobe bridge || return 1
	for _n in a b rt r1 r2; do ip netns add $_n || return 1; done
	ip link add la type veth peer name va && ip link add lb type veth peer name vb &&
		ip link add p1 type veth peer name e1 && ip link add p2 type veth peer name e2 || return 1
	ip link set va netns a && ip link set vb netns b &&
		ip link set la netns rt && ip link set lb netns rt &&
		ip link set p1 netns rt && ip link set p2 netns rt &&
		ip link set e1 netns r1 name eth0 && ip link set e2 netns r2 name eth0 || return 1
	for _n in a b rt r1 r2; do ns $_n /sbin/ip link set lo up; done
	ns a /sbin/ip addr add 10.0.1.2/24 dev va && ns a /sbin/ip link set va up &&
		ns a /sbin/ip route add default via 10.0.1.1 || return 1
	ns b /sbin/ip addr add 10.0.2.2/24 dev vb && ns b /sbin/ip link set vb up &&
		ns b /sbin/ip route add default via 10.0.2.1 || return 1
	ns rt /sbin/ip link add br0 type bridge || return 1
	ns rt /sbin/ip link set p1 master br0 && ns rt /sbin/ip link set p2 master br0 || return 1
	for _l in br0 p1 p2 la lb; do ns rt /sbin/ip link set $_l up; done
	ns rt /sbin/ip addr add $RT/24 dev br0 && ns rt /sbin/ip addr add 10.0.1.1/24 dev la &&
		ns rt /sbin/ip addr add 10.0.2.1/24 dev lb || return 1
	ns rt sysctl -qw net.ipv4.ip_forward=1
	for _r in r1 r2; do
		_a=$R1
		[ $_r = r2 ] && _a=$R2
		ns $_r /sbin/ip addr add $_a/24 dev eth0 && ns $_r /sbin/ip link set eth0 up &&
			ns $_r /sbin/ip route add default via $RT || return 1
	done
	wait_operstate "ns r1" eth0 && wait_operstate "ns r2" eth0 &&
		wait_operstate "ns a" va && wait_operstate "ns b" vb
}

# relay_start r1|r2: relayd with replication, one IPv4 socket on :7777.
relay_start() {
	_me=$R1 _peer=$R2 _range=1-8388607
	[ "$1" = r2 ] && _me=$R2 _peer=$R1 _range=8388608-16777215
	cat >"$T/relayd-$1.conf" <<EOF
port $PORT
family 4
key $T/relay.key
bind-lifetime 600000
idle-lifetime $IDLE_MS
vni-range $_range
sync-listen $_me:$SYNC_PORT
sync-peer $_peer:$SYNC_PORT
sync-vip $VIP
sync-refresh $REFRESH_MS
sync-name $1
EOF
	# nsenter itself, not the ns function: $! must be relayd's pid
	nsenter --net=/run/netns/"$1" relayd --config "$T/relayd-$1.conf" >>"$T/relayd-$1.log" 2>&1 &
	echo $! >"$T/relayd-$1.pid"
	wait_for 100 sh -c "[ \"\$(nsenter --net=/run/netns/$1 relayctl -j socket list | jget -c)\" = 1 ]"
}
relay_pid() { cat "$T/relayd-$1.pid"; }

# keepalived_start r1|r2 PRIORITY: contrib/keepalived's example with this
# relay's values (the VMs share one pid namespace: the health check asks
# for this relay's relayd by pid, not by name).
keepalived_start() {
	sed -e "s/router_id relay1/router_id $1/" -e "s/priority 150/priority $2/" \
		-e "s|192.0.2.100/24|$VIP/24|" \
		-e "s|/usr/bin/pkill -0 -x relayd|/bin/kill -0 $(relay_pid "$1")|" \
		-e "s|/usr/lib/peer-relay/peer-relay-notify /run/peer-relay/vrrp-state|$KA/peer-relay-notify $T/vrrp-$1.state|" \
		"$KA/keepalived.conf" >"$T/keepalived-$1.conf"
	nsenter --net=/run/netns/"$1" keepalived -n -l -D -f "$T/keepalived-$1.conf" -p "$T/ka-$1.pid" \
		-r "$T/ka-$1.vrrp" -c "$T/ka-$1.chk" >"$T/keepalived-$1.log" 2>&1 &
	echo $! >"$T/ka-$1.pid.sh"
}
keepalived_kill() {
	for _f in "$T/ka-$1.vrrp" "$T/ka-$1.pid" "$T/ka-$1.pid.sh"; do
		[ -f "$_f" ] && kill -9 "$(cat "$_f")" 2>/dev/null
	done
	rm -f "$T/ka-$1.vrrp" "$T/ka-$1.pid"
}

# sync_logs: the replication lines of both relayd logs, as diagnostics
sync_logs() {
	for _r in r1 r2; do
		grep -h "sync\|error\|warn" "$T"/relayd-$_r*.log 2>/dev/null | tail -n "${1:-8}" | sed "s/^/$_r: /" |
			while read -r _l; do diag "$_l"; done
	done
}
START_MS=$(now_ms)
test_begin() { diag "t=$(( $(now_ms) - START_MS )) ms"; TEST_DESC=$1 TEST_ERR=0; }

ktap_header
command -v keepalived >/dev/null || { ktap_skip "failover" "keepalived not in the image"; ktap_finished; }
topology_failover || bail "topology"
load_module
relay-client genkey -o "$T/relay.key" >/dev/null || bail "relay key"

test_begin "two relays with replication and keepalived: r1 holds the address and is active"
relay_start r1 || test_error "relayd r1: $(tail -n 3 "$T/relayd-r1.log")"
relay_start r2 || test_error "relayd r2: $(tail -n 3 "$T/relayd-r2.log")"
keepalived_start r1 150
wait_for 100 has_vip r1 || test_error "r1 never took $VIP: $(tail -n 5 "$T/keepalived-r1.log")"
keepalived_start r2 100
wait_for 50 grep -q "sync: role active" "$T/relayd-r1.log" || test_error "r1 not active"
check_contains "r2 standby" "sync: role standby" "$(cat "$T/relayd-r2.log")"
wait_for 50 grep -q "sync: r1 (.*) connected" "$T/relayd-r2.log" ||
	test_error "r1 never pushed to r2: $(grep sync "$T/relayd-r2.log" | tail -n 3)"
check_eq "r2 does not hold the address" no "$(has_vip r2 && echo yes || echo no)"
check_eq "r1's VNI range" 1-8388607 "$(ctl r1 -j config get | jget .vni_min)-$(ctl r1 -j config get | jget .vni_max)"
test_end

# Sessions: 1 handshake + ping/echo, 2 fixed-rate stream, 4 to be deleted.
KA_=$(rc_key ca) KB_=$(rc_key cb)
ctl r1 -j session add "$KA_" "$KB_" >"$T/s1.json" || bail "session 1"
V1=$(jget .vni <"$T/s1.json")
ep_index "$KA_" "$KB_"
V2=$(ctl r1 -j session add "$KEY_A" "$KEY_B" | jget .vni)
V4=$(ctl r1 -j session add "$KEY_C" "$KEY_D" | jget .vni)

test_begin "sessions created on the active appear on the standby with the same VNI and LamportID"
wait_for 50 sh -c "nsenter --net=/run/netns/r2 relayctl session get $V4 >/dev/null 2>&1" ||
	test_error "session $V4 not on r2"
for _v in $V1 $V2 $V4; do
	check_eq "vni $_v lamport" "$(ctl r1 -j session get $_v | jget .lamport)" \
		"$(ctl r2 -j session get $_v 2>/dev/null | jget .lamport)"
done
test_end

test_begin "a deletion on the active is replicated"
ctl r1 session del "$V4" || test_error "del"
wait_for 50 sh -c "! nsenter --net=/run/netns/r2 relayctl session get $V4 >/dev/null 2>&1" ||
	test_error "session $V4 still on r2"
check_eq "sessions on r2" 2 "$(count_sessions r2)"
test_end

test_begin "traffic both ways through r1 (handshake, then ping/echo)"
rc "ns b" bind --endpoint-json "$T/s1.json" --key "$T/cb.key" --relay $VIP:$PORT \
	--local 10.0.2.2:5002 --echo --timeout 60000 >"$T/echo.out" 2>&1 &
BG_PIDS="$BG_PIDS $!"
wait_remote_on() { [ "$(ctl r1 -j session get "$1" | jget ".endpoints[$2].remote")" = "$3" ]; }
wait_for 100 wait_remote_on $V1 $IB 10.0.2.2:5002 || test_error "b not bound"
# 100 ms apart, 300 ms to answer: the pinger outlives failover and failback
nsenter --net=/run/netns/a relay-client bind --endpoint-json "$T/s1.json" --key "$T/ca.key" \
	--relay $VIP:$PORT --local 10.0.1.2:5001 --ping 1000 --interval 100 --timeout 300 >"$T/ping.out" 2>&1 &
PING=$!
BG_PIDS="$BG_PIDS $PING"
wait_for 100 grep -q '^pong seq 5 ' "$T/ping.out" || test_error "no pongs: $(tail -n 3 "$T/ping.out")"
check_eq "session 1 binding of b on r2" 10.0.2.2:5002 "$(ctl r2 -j session get $V1 | jget ".endpoints[$IB].remote")"
check_eq "session 1 binding of a on r2" 10.0.1.2:5001 "$(ctl r2 -j session get $V1 | jget ".endpoints[$IA].remote")"
check_eq "r2 forwarded nothing" 0 "$(stat_of r2 forwarded_packets_udp4_udp4)"
test_end

test_begin "the standby keeps sessions the active keeps alive past the idle lifetime (${IDLE_MS} ms)"
sleep $((IDLE_MS / 1000 + 1))
check_eq "session 1 on r2" "$V1" "$(ctl r2 -j session get $V1 2>/dev/null | jget .vni)"
check_eq "r2 expired nothing" 0 "$(stat_of r2 deleted_expired_idle)"
check_ge "pongs so far" 50 "$(grep -c '^pong seq' "$T/ping.out")"
test_end

# Session 2: a fixed-rate stream a -> b (50/s) through the failover, b
# answering at 10/s so that neither side goes idle.
ctl r1 session bind $V2 0 10.0.1.2:6001 local $VIP && ctl r1 session bind $V2 1 10.0.2.2:6002 local $VIP ||
	bail "bind session 2"
wait_for 50 sh -c "[ \"\$(nsenter --net=/run/netns/r2 relayctl -j session get $V2 | jget .state)\" = open ]" ||
	bail "session 2 not open on r2"
RATE_US=20000 N_STREAM=300
recv_start in_b 10.0.2.2:6002 0 $((N_STREAM * 20 + 15000)) stream || bail "stream receiver"
nsenter --net=/run/netns/b udpio send --from 10.0.2.2:6002 --to $VIP:$PORT \
	--hex "$(wg_packet $V2)" --count $((N_STREAM / 5)) --interval-us $((RATE_US * 5)) >/dev/null 2>&1 &
BG_PIDS="$BG_PIDS $!"
nsenter --net=/run/netns/a udpio send --from 10.0.1.2:6001 --to $VIP:$PORT \
	--hex "$(wg_packet $V2)" --count $N_STREAM --interval-us $RATE_US >/dev/null 2>&1 &
STREAM=$!
BG_PIDS="$BG_PIDS $STREAM"
sleep 1

# Session 3: created and bound 100 ms before the failure.
V3=$(ctl r1 -j session add "$(key 3)" "$(key 4)" | jget .vni)
ctl r1 session bind "$V3" 0 10.0.1.2:6101 local $VIP
ctl r1 session bind "$V3" 1 10.0.2.2:6102 local $VIP
sleep 0.1
SNAP_PASSED=$(stat_of r2 passed_control) SNAP_FWD=$(stat_of r2 forwarded_packets_udp4_udp4)
LOST_BEFORE=$(grep -c '^lost seq' "$T/ping.out")

test_begin "r1 fails (keepalived and relayd killed, link down): r2 takes over with no new handshake"
T0=$(now_ms)
keepalived_kill r1
kill -9 "$(relay_pid r1)"
ns r1 /sbin/ip link set eth0 down
wait_for 100 has_vip r2 || test_error "r2 did not take $VIP: $(tail -n 5 "$T/keepalived-r2.log")"
T_VIP=$(now_ms)
_seen=$(grep -c '^pong seq' "$T/ping.out")
wait_for 100 sh -c "[ \$(grep -c '^pong seq' $T/ping.out) -gt $_seen ]" || test_error "no pong after the takeover"
T_PONG=$(now_ms)
diag "figure: address takeover $((T_VIP - T0)) ms after the kill, first pong through r2 $((T_PONG - T0)) ms after"
test_end

test_begin "the session bound 100 ms before the failure forwards through r2"
forward_r2() {
	recv_start in_b 10.0.2.2:6102 3 4000 s3 || return 1
	nsenter --net=/run/netns/a udpio send --from 10.0.1.2:6101 --to $VIP:$PORT \
		--hex "$(wg_packet "$V3")" --count 3 >/dev/null 2>&1
	recv_wait s3
}
check_ok "3 datagrams a -> b on vni $V3" forward_r2
[ "$TEST_ERR" = 0 ] || { diag "r2: $(ctl r2 -j session get "$V3" 2>&1)"; sync_logs; }
test_end


test_begin "after the failover: no handshake reached r2, it forwards the stream, bindings unchanged"
wait_for 50 grep -q "sync: role active" "$T/relayd-r2.log" || test_error "r2 not active"
wait $STREAM
sleep 0.5
recv_stop stream
GOT=$(wc -l <"$T/stream.out" | tr -d ' ')
diag "figure: stream at $((1000000 / RATE_US))/s: $((N_STREAM - GOT)) of $N_STREAM datagrams lost ($(( (N_STREAM - GOT) * RATE_US / 1000 )) ms of traffic)"
check_ge "stream datagrams received (at most 2 s lost)" $((N_STREAM - 100)) "$GOT"
check_eq "handshake packets that reached r2 (passed_control)" 0 "$(( $(stat_of r2 passed_control) - SNAP_PASSED ))"
check_ge "r2 forwarded (ping/echo + stream)" $((SNAP_FWD + 50)) "$(stat_of r2 forwarded_packets_udp4_udp4)"
check_eq "b's binding on r2 unchanged" 10.0.2.2:5002 "$(ctl r2 -j session get $V1 | jget ".endpoints[$IB].remote")"
check_eq "a's binding on r2 unchanged" 10.0.1.2:5001 "$(ctl r2 -j session get $V1 | jget ".endpoints[$IA].remote")"
kill -USR1 "$(relay_pid r2)"
sleep 0.3
check_contains "r2 relayd logged its counters (SIGUSR1)" "view:" "$(cat "$T/relayd-r2.log")"
check_eq "r2 relayd handshake counters" "" "$(grep 'handshake [a-z_]*: [0-9]' "$T/relayd-r2.log")"
diag "figure: pings lost during the failover: $(( $(grep -c '^lost seq' "$T/ping.out") - LOST_BEFORE ))"
test_end

# A session allocated by r2 while it is alone: from r2's VNI range.
V5=$(ctl r2 -j session add "$(key 5)" "$(key 6)" | jget .vni)

test_begin "failback: r1 returns, is resynchronised by r2, takes the address back"
check_ge "r2 allocates from its own range" 8388608 "$V5"
ns r1 /sbin/ip link set eth0 up
ns r1 /sbin/ip route replace default via $RT	# link down took the route with it
mv "$T/relayd-r1.log" "$T/relayd-r1.first.log"
relay_start r1 || test_error "relayd r1 restart"
wait_for 100 sh -c "nsenter --net=/run/netns/r1 relayctl session get $V5 >/dev/null 2>&1" ||
	{ test_error "r1 did not get r2's session $V5"; sync_logs 12; }
SNAP1_PASSED=$(stat_of r1 passed_control) SNAP1_FWD=$(stat_of r1 forwarded_packets_udp4_udp4)
T0=$(now_ms)
keepalived_start r1 150
wait_for 100 has_vip r1 || test_error "r1 did not take $VIP back"
wait_for 50 sh -c "! nsenter --net=/run/netns/r2 /sbin/ip -o addr show dev eth0 | grep -q ' $VIP/'" ||
	test_error "r2 kept $VIP"
_seen=$(grep -c '^pong seq' "$T/ping.out")
wait_for 100 sh -c "[ \$(grep -c '^pong seq' $T/ping.out) -gt $((_seen + 5)) ]" || test_error "no pongs after the failback"
r1_forwards() { [ "$(stat_of r1 forwarded_packets_udp4_udp4)" -ge $((SNAP1_FWD + 10)) ]; }
wait_for 50 r1_forwards || test_error "r1 forwarded $(( $(stat_of r1 forwarded_packets_udp4_udp4) - SNAP1_FWD )) datagrams since the failback"
diag "figure: failback: pongs through r1 $(( $(now_ms) - T0 )) ms after keepalived started on r1"
check_eq "no handshake reached r1" 0 "$(( $(stat_of r1 passed_control) - SNAP1_PASSED ))"
wait_for 50 sh -c "[ \$(grep -c 'sync: role standby' $T/relayd-r2.log) -ge 2 ]" || test_error "r2 not standby again"
kill $PING 2>/dev/null
test_end

test_begin "$N_BULK sessions created on the active replicate to the standby"
ctl r1 config set idle-lifetime 600000 && ctl r2 config set idle-lifetime 600000
BASE=$(count_sessions r2)
T0=$(now_ms)
ns r1 nlstress add $N_BULK --key-base 1000 --bind 10.0.1.2:20000 >"$T/bulk.out" 2>&1 ||
	test_error "nlstress: $(tail -n 3 "$T/bulk.out")"
T_ADD=$(now_ms)
_end=$(( T0 + 60000 ))	# bounded by time, not by polls
while [ "$(count_sessions r2)" -lt $((BASE + N_BULK)) ] && [ "$(now_ms)" -lt $_end ]; do sleep 0.2; done
T_REP=$(now_ms)
[ "$(count_sessions r2)" -ge $((BASE + N_BULK)) ] ||
	{ test_error "r2 has $(count_sessions r2) sessions, expected $((BASE + N_BULK))"; sync_logs 10; }
diag "figure: $N_BULK sessions installed on r1 in $((T_ADD - T0)) ms, all on r2 $((T_REP - T0)) ms after the first ($(( N_BULK * 1000 / (T_REP - T0 + 1) )) sessions/s replicated, lag behind the installs $((T_REP - T_ADD)) ms)"
test_end

test_begin "a restarted standby with an empty kernel is resynchronised"
# SIGTERM first: a standby that has just installed 10,000 sessions stops
# within seconds (its view computes no keys until a handshake needs them)
kill "$(relay_pid r2)"
T0=$(now_ms)
while kill -0 "$(relay_pid r2)" 2>/dev/null && [ "$(now_ms)" -lt $((T0 + 15000 * PRL_SLOW)) ]; do sleep 0.2; done
if kill -0 "$(relay_pid r2)" 2>/dev/null; then
	test_error "relayd r2 still running 15 s after SIGTERM ($(grep -c 'rebuilding the session view' "$T/relayd-r2.log") session view rebuilds in its log): killed"
	kill -9 "$(relay_pid r2)"
	sleep 0.5
else
	diag "figure: the standby with $((BASE + N_BULK)) sessions exited $(( $(now_ms) - T0 )) ms after SIGTERM"
fi
ctl r2 session flush
check_eq "r2 empty" 0 "$(count_sessions r2)"
WANT=$(count_sessions r1)
# the restarted relayd applies its config file: the idle lifetime the
# bulk test set on both (else r2 expires the idle bulk sessions at once)
IDLE_MS=600000
T0=$(now_ms)
relay_start r2 || test_error "relayd r2 restart"
_end=$(( $(now_ms) + 60000 ))	# bounded by time, not by polls
while [ "$(count_sessions r2)" -lt "$WANT" ] && [ "$(now_ms)" -lt $_end ]; do sleep 0.2; done
[ "$(count_sessions r2)" -ge "$WANT" ] ||
	{ test_error "r2 has $(count_sessions r2) of $WANT sessions"; sync_logs 10; }
_dt=$(( $(now_ms) - T0 ))
diag "figure: resync of $WANT sessions to a restarted standby: $_dt ms from relayd start ($(( WANT * 1000 / (_dt + 1) )) sessions/s)"
check_eq "same sessions" "$WANT" "$(count_sessions r2)"
session_set r1 >"$T/set-r1"
session_set r2 >"$T/set-r2"
check_eq "same VNIs and LamportIDs on both" "" "$(diff "$T/set-r1" "$T/set-r2" | head -n 3)"
check_eq "sessions listed" "$WANT" "$(wc -l <"$T/set-r2" | tr -d ' ')"
check_eq "r2 install errors" "" "$(grep 'sync: install\|failed requests' "$T"/relayd-r2.log | head -n 3)"
test_end

diag "figure: full resyncs acknowledged by the standby (MARK -> ACK, ms): $(sed -n 's/.*acknowledged the full resync after \([0-9]*\) ms/\1/p' "$T"/relayd-r1*.log | tr '\n' ' ')"
kill "$(relay_pid r1)" "$(relay_pid r2)" 2>/dev/null
_end=$(( $(now_ms) + 8000 ))	# their exit summaries carry the lag figures
while { kill -0 "$(relay_pid r1)" || kill -0 "$(relay_pid r2)"; } 2>/dev/null && [ "$(now_ms)" -lt $_end ]; do sleep 0.2; done
grep -h "sync: lag\|sync: pushed\|sync: full resync\|sync: resync from\|session view\|install\|failed requests" "$T"/relayd-r*.log |
	sed 's/ in [0-9]* ms$/ in N ms/' | sort | uniq -c | sed 's/^ */# /' | tail -n 30
ktap_finished
