#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Session replication under attack and in a split brain (issue 12,
# Documentation/replication.md). Four namespaces on one bridge, relayd
# with fixed roles (no keepalived: the roles are what is tested here):
#
#   r1 10.8.0.1  active, the real peer of r2
#   r2 10.8.0.2  standby, the relay under test; allowlist: r1 and x
#   x  10.8.0.3  allowlisted, but runs relayd with another sync key,
#                then the hostile sync_peer (right key, bad frames)
#   y  10.8.0.4  right key, not in r2's allowlist
#
# Then r2 turns active too and the link between them breaks: both
# allocate (disjoint VNI ranges), and when the link is back the key
# pair that was allocated on both ends as the same session on both.
# vm-timeout: 240
. /selftests/lib.sh

SYNC_PORT=7002

ns() { _n=$1; shift; nsenter --net=/run/netns/"$_n" "$@"; }
ctl() { _n=$1; shift; ns "$_n" relayctl "$@"; }
now_ms() { read -r _up _ </proc/uptime; _f=${_up#*.}; echo $(( ${_up%.*} * 1000 + ${_f#0} * 10 )); }
# until_ok SECONDS CMD...: retry CMD for at most SECONDS (by the clock)
until_ok() {
	_end=$(( $(now_ms) + $1 * 1000 ))
	shift
	until "$@"; do
		[ "$(now_ms)" -lt $_end ] || return 1
		sleep 0.2
	done
}
has_session() { ctl "$1" session get "$2" >/dev/null 2>&1; }
no_session() { ! has_session "$@"; }
lamport_of() { ctl "$1" -j session get "$2" 2>/dev/null | jget .lamport; }
pair_vni() { ctl "$1" -j session get key "$2" "$3" 2>/dev/null | jget .vni; }
pair_lamport() { ctl "$1" -j session get key "$2" "$3" 2>/dev/null | jget .lamport; }
no_pair() { ! ctl "$1" session get key "$2" "$3" >/dev/null 2>&1; }
sync_diag() { grep -h "sync" "$T/relayd-$1.log" | tail -n "${2:-12}" | while read -r _l; do diag "$1: $_l"; done; }
log_of() { cat "$T/relayd-$1.log"; }

cleanup() {	# every process here runs inside one of these namespaces
	for _h in sw r1 r2 x y; do
		ip netns pids "$_h" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$_h" 2>/dev/null
	done
	true
}

topology_auth() {
	grep -q ' /run ' /proc/mounts || mount -t tmpfs run /run
	modprobe veth && modprobe bridge || return 1
	ip netns add sw || return 1
	ns sw /sbin/ip link add br0 type bridge && ns sw /sbin/ip link set br0 up || return 1
	_hn=1
	for _h in r1 r2 x y; do
		ip netns add $_h && ip link add p$_hn type veth peer name e$_hn &&
			ip link set p$_hn netns sw && ip link set e$_hn netns $_h name eth0 &&
			ns sw /sbin/ip link set p$_hn master br0 && ns sw /sbin/ip link set p$_hn up &&
			ns $_h /sbin/ip link set lo up &&
			ns $_h /sbin/ip addr add 10.8.0.$_hn/24 dev eth0 &&
			ns $_h /sbin/ip link set eth0 up || return 1
		wait_operstate "ns $_h" eth0 || return 1
		_hn=$((_hn + 1))
	done
}

# relay NAME ROLE RANGE KEYFILE PEER...: relayd in NAME with replication
relay() {
	_me=$1 _role=$2 _range=$3 _key=$4
	shift 4
	case $_me in r1) _a=10.8.0.1 ;; r2) _a=10.8.0.2 ;; x) _a=10.8.0.3 ;; *) _a=10.8.0.4 ;; esac
	{
		echo "port 7777"
		echo "family 4"
		echo "key $T/relay.key"
		echo "vni-range $_range"
		echo "sync-listen $_a:$SYNC_PORT"
		for _p in "$@"; do echo "sync-peer $_p:$SYNC_PORT"; done
		echo "sync-key $_key"
		echo "sync-role $_role"
		echo "sync-name $_me"
	} >"$T/relayd-$_me.conf"
	nsenter --net=/run/netns/"$_me" relayd --config "$T/relayd-$_me.conf" >>"$T/relayd-$_me.log" 2>&1 &
	echo $! >"$T/relayd-$_me.pid"
	until_ok 20 grep -q "sync: listening" "$T/relayd-$_me.log"
}
relay_stop() {	# relay_stop NAME: SIGTERM, wait for the exit summary
	kill "$(cat "$T/relayd-$1.pid")" 2>/dev/null
	until_ok 10 sh -c "! kill -0 $(cat "$T/relayd-$1.pid") 2>/dev/null"
}

ktap_header
topology_auth || bail "topology"
load_module
relay-client genkey -o "$T/relay.key" >/dev/null || bail "relay key"
relay-client genkey -o "$T/sync.key" >/dev/null || bail "sync key"
relay-client genkey -o "$T/wrong.key" >/dev/null || bail "wrong key"
SYNC_HEX=$(tr -d ' \n' <"$T/sync.key") WRONG_HEX=$(tr -d ' \n' <"$T/wrong.key")

test_begin "r1 (active) replicates to r2 (standby) with the shared sync key"
relay r1 active 1-8388607 "$T/sync.key" 10.8.0.2 || test_error "relayd r1: $(tail -n 3 "$T/relayd-r1.log")"
relay r2 standby 8388608-16777215 "$T/sync.key" 10.8.0.1 10.8.0.3 ||
	test_error "relayd r2: $(tail -n 3 "$T/relayd-r2.log")"
V1=$(ctl r1 -j session add "$(key 1)" "$(key 2)" | jget .vni)
until_ok 20 has_session r2 "$V1" || test_error "session $V1 never reached r2: $(grep sync "$T/relayd-r2.log" | tail -n 3)"
check_eq "LamportID on r2" "$(lamport_of r1 "$V1")" "$(lamport_of r2 "$V1")"
test_end

test_begin "a sync peer with the wrong key is refused: logged once (it retries), without secrets, nothing installed"
relay x active 1-8388607 "$T/wrong.key" 10.8.0.2 || test_error "relayd x"
VX=$(ctl x -j session add "$(key 3)" "$(key 4)" 2>/dev/null | jget .vni)
until_ok 20 grep -q "sync: connection from 10.8.0.3:[0-9]* refused: authentication failed" "$T/relayd-r2.log" ||
	test_error "r2 did not log the refusal: $(grep sync "$T/relayd-r2.log" | tail -n 3)"
sleep 3		# x retries every second: r2 counts each, logs the first
check_eq "x's refusals logged once" 1 "$(grep -c "sync: connection from 10.8.0.3:" "$T/relayd-r2.log")"
until_ok 10 grep -q "sync: peer 10.8.0.2:$SYNC_PORT: .*" "$T/relayd-x.log" ||
	test_error "x did not log its failure"
check_ok "x's session is not on r2" no_pair r2 "$(key 3)" "$(key 4)"
check_eq "sync key in r2's log" 0 "$(grep -ci "$SYNC_HEX" "$T/relayd-r2.log")"
check_eq "wrong key in r2's log" 0 "$(grep -ci "$WRONG_HEX" "$T/relayd-r2.log")"
check_eq "sync key in x's log" 0 "$(grep -ci "$WRONG_HEX" "$T/relayd-x.log")"
relay_stop x
check_ne "x's session was made" "" "$VX"
test_end

test_begin "a sync peer that is not in the allowlist is refused before it says anything"
relay y active 1-8388607 "$T/sync.key" 10.8.0.2 || test_error "relayd y"
ctl y session add "$(key 5)" "$(key 6)" >/dev/null 2>&1
until_ok 20 grep -q "sync: connection from 10.8.0.4:[0-9]* refused: not a sync peer" "$T/relayd-r2.log" ||
	test_error "r2 did not log the refusal: $(grep sync "$T/relayd-r2.log" | tail -n 3)"
check_ok "y's session is not on r2" no_pair r2 "$(key 5)" "$(key 6)"
relay_stop y
test_end

test_begin "a hostile sync peer: every malformed stream is dropped, r2 goes on replicating"
# positive control: the same helper with a well-formed stream is applied
check_eq "sync_peer session (well-formed)" acked \
	"$(ns x /selftests/sync_peer --to 10.8.0.2:$SYNC_PORT --key "$T/sync.key" session 7340033 2>&1)"
check_ok "its session on r2" has_session r2 7340033
ctl r2 session del 7340033
BEFORE=$(ctl r2 -j session list | jget -c)
for _m in garbage version oversized badframe badrecord vni0; do
	_out=$(ns x /selftests/sync_peer --to 10.8.0.2:$SYNC_PORT --key "$T/sync.key" $_m 2>&1)
	check_contains "sync_peer $_m" "closed by the relay" "$_out"
done
check_ok "r2's relayd is alive" kill -0 "$(cat "$T/relayd-r2.pid")"
check_eq "r2's sessions" "$BEFORE" "$(ctl r2 -j session list | jget -c)"
check_ok "no session from a malformed stream" no_session r2 7340034
V2=$(ctl r1 -j session add "$(key 7)" "$(key 8)" | jget .vni)
until_ok 20 has_session r2 "$V2" || test_error "r1's next session did not reach r2"
test_end

test_begin "split brain: both active and partitioned, both allocate; VNIs stay apart"
relay_stop r2
mv "$T/relayd-r2.log" "$T/relayd-r2.standby.log"
relay r2 active 8388608-16777215 "$T/sync.key" 10.8.0.1 || test_error "relayd r2 as active"
until_ok 20 grep -q "sync: connected to r1" "$T/relayd-r2.log" || test_error "r2 never connected to r1"
# and r1 to the new r2 (its connection to the old one was reset)
until_ok 20 grep -q "sync: r1 (.*) connected" "$T/relayd-r2.log" ||
	test_error "r1 never connected to the new r2"
ns r2 /sbin/ip link set eth0 down
KP=$(key 21) KQ=$(key 22)
P1=$(ctl r1 -j session add "$KP" "$KQ" 2>/dev/null | jget .vni)
P2=$(ctl r2 -j session add "$KP" "$KQ" 2>/dev/null | jget .vni)
Q1=$(ctl r1 -j session add "$(key 23)" "$(key 24)" 2>/dev/null | jget .vni)
R2=$(ctl r2 -j session add "$(key 25)" "$(key 26)" 2>/dev/null | jget .vni)
L1=$(lamport_of r1 "$P1") L2=$(lamport_of r2 "$P2")
diag "pair allocated on r1 as vni $P1 (lamport $L1), on r2 as vni $P2 (lamport $L2)"
check_ge "r2's VNIs from its range (pair)" 8388608 "$P2"
check_ge "r2's VNIs from its range (other)" 8388608 "$R2"
check_ge "r1's VNIs from its range (pair)" 8388607 "$((16777215 - P1))"
check_ge "r1's VNIs from its range (other)" 8388607 "$((16777215 - Q1))"
test_end

test_begin "split brain healed: the pair ends as one session on both (higher LamportID, then lower VNI)"
WIN=$P1 WL=$L1
if [ "$L2" -gt "$L1" ] || { [ "$L2" -eq "$L1" ] && [ "$P2" -lt "$P1" ]; }; then WIN=$P2 WL=$L2; fi
ns r2 /sbin/ip link set eth0 up
converged() {
	[ "$(pair_vni r1 "$KP" "$KQ")" = "$WIN" ] && [ "$(pair_vni r2 "$KP" "$KQ")" = "$WIN" ] &&
		has_session r2 "$Q1" && has_session r1 "$R2"
}
until_ok 30 converged || { test_error "not converged"; sync_diag r1 15; sync_diag r2 15; }
check_eq "pair on r1" "$WIN/$WL" "$(pair_vni r1 "$KP" "$KQ")/$(pair_lamport r1 "$KP" "$KQ")"
check_eq "pair on r2" "$WIN/$WL" "$(pair_vni r2 "$KP" "$KQ")/$(pair_lamport r2 "$KP" "$KQ")"
check_ok "r1's other session on r2" has_session r2 "$Q1"
check_ok "r2's other session on r1" has_session r1 "$R2"
_lose=$P1
[ "$WIN" = "$P1" ] && _lose=$P2
check_ok "the losing VNI $_lose is gone from r1" no_session r1 "$_lose"
check_ok "the losing VNI $_lose is gone from r2" no_session r2 "$_lose"
test_end

test_begin "counters at exit: refusals and dropped streams are counted"
relay_stop r1
relay_stop r2
_sum=$(grep "sync: pushed" "$T/relayd-r2.standby.log" | head -n 1)
diag "r2 (standby run): $_sum"
# x (wrong key, retried every second), y, garbage, version: refused;
# oversized, badframe, badrecord, vni0: dropped after the handshake
check_ge "refused connections counted" 4 "$(echo "$_sum" | sed -n 's/.*refused \([0-9]*\).*/\1/p')"
check_eq "dropped streams counted" 4 "$(echo "$_sum" | sed -n 's/.*dropped \([0-9]*\).*/\1/p')"
test_end

ktap_finished
