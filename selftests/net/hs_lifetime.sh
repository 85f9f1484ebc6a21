#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Lifetimes, GC and gauges with the real handshake (protocol §4.3-4.5,
# §7 scenarios 17, 18 and 19): short bind/idle lifetimes set with
# `relayctl config set`, SESSION_DEL_NTF (expired_bind, expired_idle)
# reaching `relayctl monitor`, relayd forgetting expired sessions (its
# view, SIGUSR1), sequential VNIs, a new VNI and LamportID+1 after GC,
# the connecting/open gauge transitions and per-AF-pair counters.
# Also runs as hs_lifetime@userspace: relayd's userspace plane applies the
# same lifetimes and sends the same events to `relayctl monitor` through
# its control socket (and logs each expiry).
# vm-timeout: 200
. /selftests/lib.sh

# ---- handshake helpers (the same block is in every hs_*.sh) ----
# rc_key NAME: new client key in $T/NAME.key, prints the public key
# ep_desc KEY_X KEY_Y NAME: `relayctl -j session add` into $T/NAME.json
ep_desc() {
	relayctl_r -j session add "$1" "$2" >"$T/$3.json" 2>"$T/$3.err" || {
		diag "session add: $(cat "$T/$3.err")"
		return 1
	}
}
# --------------------------------------------------------------

ktap_header
relay_setup --family both --key "$T/relay.key" -v
SERVER_KEY=$(relayctl_r -j config get | jget .server_key)
[ ${#SERVER_KEY} -eq 64 ] || bail "relayd did not store its key in the kernel"

if dp_userspace; then
	PLANE="the userspace data plane"
else
	PLANE="the kernel"
fi
# The same monitor on both planes: the module's "events" group, or
# relayd's session events on its control socket (userspace mode).
$(nsprefix in_r) relayctl -j monitor >"$T/mon.out" 2>&1 &
MON=$!
BG_PIDS="$BG_PIDS $MON"
sleep 0.3
kill -0 $MON 2>/dev/null || bail "relayctl monitor did not start: $(cat "$T/mon.out")"
# expired VNI REASON: the data plane reported the expiry (SESSION_DEL_NTF
# in `relayctl monitor`; in userspace also relayd's log line)
expired() {
	grep '"session_del"' "$T/mon.out" | grep "\"$2\"" | grep "\"vni\":$1[,}]" || return 1
	! dp_userspace || grep "vni $1: session expired ($2)" "$T/relayd.log"
}

# relayd's view: SIGUSR1 logs "view: N sessions: vni ..."
view() {
	_c=$(grep -c 'view:' "$T/relayd.log")
	kill -USR1 "$RELAYD_PID"
	_i=0
	while [ "$(grep -c 'view:' "$T/relayd.log")" = "$_c" ] && [ $_i -lt 40 ]; do
		sleep 0.05; _i=$((_i + 1))
	done
	grep 'view:' "$T/relayd.log" | tail -n 1 | sed 's/.*view: //'
}
gauge() { relay_stat "sessions_$1"; }

test_begin "§7.18 VNIs are handed out sequentially, LamportIDs count up"
K1=$(rc_key k1) K2=$(rc_key k2) K3=$(rc_key k3) K4=$(rc_key k4)
ep_desc "$K1" "$K2" s1 && ep_desc "$K2" "$K3" s2 && ep_desc "$K3" "$K4" s3 || test_error "session add"
V1=$(jget .vni <"$T/s1.json") V2=$(jget .vni <"$T/s2.json") V3=$(jget .vni <"$T/s3.json")
L1=$(jget .lamport <"$T/s1.json") L3=$(jget .lamport <"$T/s3.json")
check_eq "second VNI" $((V1 + 1)) "$V2"
check_eq "third VNI" $((V1 + 2)) "$V3"
check_eq "third lamport" $((L1 + 2)) "$L3"
test_end

test_begin "relayd's view follows SESSION_NEW events"
check_eq "view" "3 sessions: vni $V1 $V2 $V3" "$(view)"
test_end

test_begin "§7.17 an unbound session expires after the bind lifetime; event reaches the monitor; relayd forgets it"
relayctl_r config set bind-lifetime 1500 idle-lifetime 2500 || test_error "config set"
ep_desc "$K1" "$K4" s1b || test_error "session add"
LASTV=$(jget .vni <"$T/s1b.json") LASTL=$(jget .lamport <"$T/s1b.json")
check_eq "lifetimes advertised" "1.5s 2.5s" "$(jget .bind_lifetime .steady_state_lifetime <"$T/s1b.json" | tr '\n' ' ' | sed 's/ $//')"
_i=0
while [ "$(session_count)" != 0 ] && [ $_i -lt 80 ]; do sleep 0.1; _i=$((_i + 1)); done
check_eq "sessions left" 0 "$(session_count)"
sleep 0.3
for _v in $V1 $V2 $V3; do
	check_ok "vni $_v: expired_bind reported" expired $_v expired_bind
done
check_contains "relayd logged the expiry" "vni $V1: session deleted by $PLANE (expired_bind)" "$(cat "$T/relayd.log")"
check_ge "deleted expired_bind" 3 "$(relay_stat deleted_expired_bind)"
check_eq "view" "0 sessions: vni none" "$(view)"
test_end

test_begin "§7.18 after GC the pair gets a new VNI and LamportID+1"
ep_desc "$K1" "$K2" s1c || test_error "session add"
check_ne "new VNI" "$V1" "$(jget .vni <"$T/s1c.json")"
check_eq "next VNI" $((LASTV + 1)) "$(jget .vni <"$T/s1c.json")"
check_eq "LamportID+1" $((LASTL + 1)) "$(jget .lamport <"$T/s1c.json")"
relayctl_r session del "$(jget .vni <"$T/s1c.json")"
test_end

# long bind window again (TCG is slow), short idle lifetime
relayctl_r config set bind-lifetime 30000 idle-lifetime 30000 || bail "config set"

# gauge transitions (§7.19): closed->connecting +1; connecting->open
# -1/+1; rebind: no change; open->closed -1 open
KA=$(rc_key a) KB=$(rc_key b)
ep_index "$KA" "$KB"
test_begin "§7.19 gauges: allocation +1 connecting"
C0=$(gauge connecting) O0=$(gauge open)
ep_desc "$KA" "$KB" ab || test_error "session add"
J=$T/ab.json VNI=$(jget .vni <"$J")
check_eq "connecting" $((C0 + 1)) "$(gauge connecting)"
check_eq "open" "$O0" "$(gauge open)"
test_end

test_begin "§7.19 gauges: half bound stays connecting; both bound: connecting -1, open +1"
check_ok "A handshake" rc in_a bind --endpoint-json "$J" --key "$T/a.key" --local "$(ep $A4 5001)"
wait_remote $VNI $IA "$(ep $A4 5001)" || test_error "A not bound"
check_eq "connecting (half bound)" $((C0 + 1)) "$(gauge connecting)"
check_ok "B handshake" rc in_b bind --endpoint-json "$J" --key "$T/b.key" --local "$(ep $B6 5002)"
wait_remote $VNI $IB "$(ep $B6 5002)" || test_error "B not bound"
check_eq "connecting" "$C0" "$(gauge connecting)"
check_eq "open" $((O0 + 1)) "$(gauge open)"
check_ok "A rebinds (same state)" rc in_a bind --endpoint-json "$J" --key "$T/a.key" --local "$(ep $A4 5003)"
wait_remote $VNI $IA "$(ep $A4 5003)" || test_error "A not rebound"
check_eq "open after rebind" $((O0 + 1)) "$(gauge open)"
check_eq "connecting after rebind" "$C0" "$(gauge connecting)"
test_end

test_begin "monitor: session_new, then a session_bind per bind with the state it led to"
_ev() { grep "\"event\":\"$1\"" "$T/mon.out" | grep "\"vni\":$VNI[,}]"; }
check_eq "session_new events" 1 "$(_ev session_new | wc -l)"
check_eq "session_bind events (A, B, A again)" 3 "$(_ev session_bind | wc -l)"
check_eq "states after each bind" "connecting open open" \
	"$(_ev session_bind | while read -r _l; do echo "$_l" | jget .session.state; done | tr '\n' ' ' | sed 's/ $//')"
check_eq "A's rebind in the last event" "$(ep $A4 5003)" \
	"$(_ev session_bind | tail -n 1 | jget ".session.endpoints[$IA].remote")"
test_end

test_begin "§7.17 an open session with traffic outlives the idle lifetime, then expires when idle"
$(nsprefix in_b) relay-client bind --endpoint-json "$J" --key "$T/b.key" \
	--local "$(ep $B6 5002)" --echo --timeout 3000 >"$T/echo.out" 2>&1 &
_p=$!
wait_remote $VNI $IB "$(ep $B6 5002)"
relayctl_r config set idle-lifetime 4000 || test_error "config set"
# 6 s of pings every 300 ms, longer than the 4 s idle lifetime
check_ok "pings for 6 s" rc in_a bind --endpoint-json "$J" --key "$T/a.key" \
	--local "$(ep $A4 5003)" --ping 20 --interval 300 --timeout 2000
check_eq "still there" open "$(session_json $VNI .state)"
wait $_p
_i=0
while relayctl_r session get $VNI >/dev/null 2>&1 && [ $_i -lt 120 ]; do sleep 0.1; _i=$((_i + 1)); done
check_fail "gone after idling" relayctl_r session get $VNI
sleep 0.3
check_ok "expired_idle reported" expired $VNI expired_idle
check_ge "deleted expired_idle" 1 "$(relay_stat deleted_expired_idle)"
check_eq "open gauge -1" "$O0" "$(gauge open)"
check_eq "connecting gauge" "$C0" "$(gauge connecting)"
check_eq "view" "0 sessions: vni none" "$(view)"
test_end

test_begin "§7.19 forwarded counters are kept per AF pair (udp4->udp6, udp6->udp4 above)"
check_ge "udp4_udp6" 20 "$(relay_stat forwarded_packets_udp4_udp6)"
check_ge "udp6_udp4" 20 "$(relay_stat forwarded_packets_udp6_udp4)"
check_eq "udp4_udp4" 0 "$(relay_stat forwarded_packets_udp4_udp4)"
check_eq "udp6_udp6" 0 "$(relay_stat forwarded_packets_udp6_udp6)"
test_end

ktap_finished
