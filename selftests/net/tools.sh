#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# relayctl and relayd end to end (netlink helper's scenario): relayd with
# several SO_REUSEPORT sockets per family on a kernel-chosen port, its
# config file, datagrams passed up with their local address, clean detach
# on SIGTERM; relayctl monitor (text and JSON) for every event type;
# valid JSON from every command; the Prometheus exposition; show; the
# error format "relayctl: CMD: strerror: extack".
# vm-timeout: 200
. /selftests/lib.sh

ktap_header
topology || bail "topology"
load_module

# ---------------------------------------------------------------- monitors
$(nsprefix in_r) relayctl monitor >"$T/mon.txt" 2>"$T/mon.err" &
MON=$!
$(nsprefix in_r) relayctl -j monitor >"$T/monj.txt" 2>"$T/monj.err" &
MONJ=$!
BG_PIDS="$BG_PIDS $MON $MONJ"
sleep 0.5
kill -0 $MON 2>/dev/null || bail "relayctl monitor did not start: $(cat "$T/mon.err")"
kill -0 $MONJ 2>/dev/null || bail "relayctl -j monitor did not start: $(cat "$T/monj.err")"

# wait_lines FILE PATTERN N: until FILE has N lines matching PATTERN.
wait_lines() {
	_i=0
	while [ $_i -lt 50 ]; do
		[ "$(grep -c -- "$2" "$1")" -ge "$3" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# ------------------------------------------------------------------ relayd
cat >"$T/relayd.conf" <<EOF
# relayd test configuration
family both
sockets 2            # per family
bind-lifetime 20000
idle-lifetime = 120000
static-endpoints 10.0.1.1:4000,[fd00:1::1]:4000
EOF

test_begin "relayd: 2 SO_REUSEPORT sockets per family on one kernel-chosen port"
$(nsprefix in_r) relayd --port 0 --config "$T/relayd.conf" -v >"$T/rd.log" 2>&1 &
RELAYD_PID=$!
if ! wait_sockets 4; then
	test_error "4 sockets not attached: $(tail -n 5 "$T/rd.log" | tr '\n' '|')"
fi
wait_lines "$T/rd.log" "relayd: info: ready: 4 sockets attached on UDP port" 1 ||
	test_error "no ready line: $(tail -n 3 "$T/rd.log" | tr '\n' '|')"
PORT=$(sed -n 's/.*ready: 4 sockets attached on UDP port \([0-9]*\).*/\1/p' "$T/rd.log")
check_ne "port" "" "$PORT"
check_ne "port is not 0" 0 "$PORT"
in_r relayctl -j socket list >"$T/socks.json"
check_eq "socket ports" "$PORT $PORT $PORT $PORT" "$(jget '[0].port' '[1].port' '[2].port' '[3].port' <"$T/socks.json" | tr '\n' ' ' | sed 's/ $//')"
check_eq "families" "udp4 udp4 udp6 udp6" "$(jget '[0].family' '[1].family' '[2].family' '[3].family' <"$T/socks.json" | sort | tr '\n' ' ' | sed 's/ $//')"
for id in $(jget '[0].id' '[1].id' '[2].id' '[3].id' <"$T/socks.json"); do
	check_eq "relayd logged socket id $id" 1 "$(grep -c "attached socket id $id udp[46] " "$T/rd.log")"
done
test_end

test_begin "relayd applied the config file (CONFIG_SET)"
in_r relayctl -j config get >"$T/cfg.json"
check_eq "bind lifetime" 20000 "$(jget .bind_lifetime_ms <"$T/cfg.json")"
check_eq "idle lifetime" 120000 "$(jget .idle_lifetime_ms <"$T/cfg.json")"
check_eq "static endpoints" '["10.0.1.1:4000","[fd00:1::1]:4000"]' "$(jget .static_endpoints <"$T/cfg.json")"
in_r relayctl config get >"$T/cfg.txt"
check_contains "human config" "static-endpoints 10.0.1.1:4000,[fd00:1::1]:4000" "$(cat "$T/cfg.txt")"
# relayd sets the relay's disco public key as the server key
check_eq "human config: server-key line" 1 "$(grep -Ec '^server-key ([0-9a-f]{64}|none)$' "$T/cfg.txt")"
test_end

# ---------------------------------------------------------------- sessions
test_begin "session add/get: text and JSON agree"
in_r relayctl session add $KEY_B $KEY_A >"$T/add.txt" 2>&1 || test_error "session add: $(cat "$T/add.txt")"
VNI=$(sed -n 's/^vni \([0-9]*\)$/\1/p' "$T/add.txt")
check_ne "vni line" "" "$VNI"
check_contains "key0 is the smaller key" "  key0 $KEY_A" "$(cat "$T/add.txt")"
check_contains "state" "  state connecting" "$(cat "$T/add.txt")"
check_contains "unbound endpoint" "  ep1 remote none local none" "$(cat "$T/add.txt")"
in_r relayctl -j session get "$VNI" >"$T/get.json"
check_eq "json vni/key0/key1/state/lamport>0" "$VNI $KEY_A $KEY_B connecting" \
	"$(jget .vni .key0 .key1 .state <"$T/get.json" | tr '\n' ' ' | sed 's/ $//')"
check_eq "json endpoints unbound" "null null" "$(jget '.endpoints[0].remote' '.endpoints[1].local' <"$T/get.json" | tr '\n' ' ' | sed 's/ $//')"
test_end

test_begin "bind both endpoints (one with local address): open, monitor saw it"
check_ok "bind 0" in_r relayctl session bind "$VNI" 0 "$(ep $A4 5001)" local $R4A
check_ok "bind 1" in_r relayctl session bind "$VNI" 1 "$(ep $B6 5002)"
in_r relayctl -j session get "$VNI" >"$T/get.json"
check_eq "state" open "$(jget .state <"$T/get.json")"
check_eq "ep0" "$A4:5001 $R4A" "$(jget '.endpoints[0].remote' '.endpoints[0].local' <"$T/get.json" | tr '\n' ' ' | sed 's/ $//')"
check_eq "ep1" "[$B6]:5002" "$(jget '.endpoints[1].remote' <"$T/get.json")"
wait_lines "$T/mon.txt" "^session_bind vni $VNI state open ep0 $A4:5001 ep1 \[$B6\]:5002\$" 1 ||
	test_error "no session_bind open line: $(cat "$T/mon.txt" | tr '\n' '|')"
check_eq "session_new events" 1 "$(grep -c "^session_new vni $VNI key0 $KEY_A key1 $KEY_B lamport [0-9]* state connecting\$" "$T/mon.txt")"
check_eq "connecting bind event" 1 "$(grep -c "^session_bind vni $VNI state connecting ep0 $A4:5001 ep1 none\$" "$T/mon.txt")"
test_end

test_begin "relayd receives passed-up control packets with the local address"
send_from in_a "$(ep $A4 5001)" "$(ep $R4A "$PORT")" "$(geneve "$VNI" control)00112233" ||
	test_error "send v4"
send_from in_b "$(ep $B6 5002)" "$(ep $R6B "$PORT")" "$(geneve "$VNI" control)44556677" ||
	test_error "send v6"
wait_lines "$T/rd.log" "rx 12 bytes control vni $VNI from $A4:5001 to $R4A:$PORT on socket id" 1 ||
	test_error "v4 control packet not logged with its local address: $(grep 'rx ' "$T/rd.log" | tail -n 3 | tr '\n' '|')"
wait_lines "$T/rd.log" "rx 12 bytes control vni $VNI from \[$B6\]:5002 to \[$R6B\]:$PORT on socket id" 1 ||
	test_error "v6 control packet not logged with its local address: $(grep 'rx ' "$T/rd.log" | tail -n 3 | tr '\n' '|')"
test_end

test_begin "stats: text, JSON and Prometheus agree"
in_r relayctl -j stats >"$T/stats.json"
in_r relayctl stats --prometheus >"$T/prom.txt" || test_error "stats --prometheus failed"
in_r relayctl stats >"$T/stats.txt" || test_error "stats failed"
check_eq "sessions open" 1 "$(jget .sessions.open <"$T/stats.json")"
check_eq "sockets" 4 "$(jget .sockets <"$T/stats.json")"
check_ge "passed control" 2 "$(jget .passed.control <"$T/stats.json")"
check_eq "prometheus open gauge" 1 "$(grep -c '^peer_relay_endpoints{state="open"} 1$' "$T/prom.txt")"
check_eq "prometheus sockets" 1 "$(grep -c '^peer_relay_sockets 4$' "$T/prom.txt")"
check_eq "prometheus transport pairs" 4 "$(grep -c '^peer_relay_forwarded_packets_total{transport_in="udp[46]",transport_out="udp[46]"} [0-9]*$' "$T/prom.txt")"
check_eq "prometheus passed control" "$(jget .passed.control <"$T/stats.json")" \
	"$(sed -n 's/^peer_relay_passed_packets_total{reason="control"} //p' "$T/prom.txt")"
# 10 families: the 9 counter/gauge families of the module plus
# peer_relay_sessions_limit (max-sessions, for the capacity alert)
check_eq "prometheus sessions limit" 1 "$(grep -c '^peer_relay_sessions_limit [0-9][0-9]*$' "$T/prom.txt")"
check_eq "prometheus TYPE lines" 10 "$(grep -c '^# TYPE peer_relay_' "$T/prom.txt")"
check_eq "prometheus HELP lines" 10 "$(grep -c '^# HELP peer_relay_' "$T/prom.txt")"
check_eq "prometheus build_info" 1 "$(grep -c '^peer_relay_build_info{version="[^"]*"} 1$' "$T/prom.txt")"
check_eq "text stats: open" 1 "$(grep -Ec '^  open +1$' "$T/stats.txt")"
test_end

test_begin "show: overview text and JSON"
in_r relayctl show >"$T/show.txt" 2>&1 || test_error "show failed: $(cat "$T/show.txt")"
check_contains "summary" "peer_relay: 4 sockets, 1 session (1 open, 0 connecting)" "$(cat "$T/show.txt")"
check_contains "session" "session vni $VNI: open" "$(cat "$T/show.txt")"
check_contains "ep0 with short key and local" "ep0 d:aaaaaaaaaaaaaaaa: $A4:5001 via $R4A" "$(cat "$T/show.txt")"
in_r relayctl -j show >"$T/show.json" || test_error "show -j failed"
check_eq "show -j session/sockets gauge" "$VNI 4" "$(jget '.sessions[0].vni' '.stats.sockets' <"$T/show.json" | tr '\n' ' ' | sed 's/ $//')"
test_end

test_begin "kernel errors: exit 1, 'relayctl: CMD: strerror: extack'"
in_r relayctl session get 4242 >"$T/e.out" 2>"$T/e.err"
check_eq "exit status" 1 "$?"
check_eq "message" "relayctl: session get: No such file or directory: peer_relay: no such session" "$(cat "$T/e.err")"
check_eq "nothing on stdout" "" "$(cat "$T/e.out")"
in_r relayctl session add $KEY_A $KEY_A >"$T/e.out" 2>"$T/e.err"
check_eq "same keys: exit status" 1 "$?"
check_contains "same keys: message" "relayctl: session add: Invalid argument: peer_relay: " "$(cat "$T/e.err")"
in_r relayctl config set max-sessions 0 >"$T/e.out" 2>"$T/e.err"
check_eq "range: exit status" 1 "$?"
check_contains "range: message" "relayctl: config set: Numerical result out of range: " "$(cat "$T/e.err")"
test_end

test_begin "delete and flush: monitor reasons user and flush"
check_ok "del" in_r relayctl session del "$VNI"
V2=$(session_add "$(key 1)" "$(key 2)") || test_error "add 2"
V3=$(session_add "$(key 3)" "$(key 4)") || test_error "add 3"
check_ok "flush" in_r relayctl session flush
check_eq "no sessions" 0 "$(session_count)"
wait_lines "$T/mon.txt" "^session_del vni .* reason flush\$" 2 || test_error "flush events missing"
check_eq "del event" 1 "$(grep -c "^session_del vni $VNI reason user\$" "$T/mon.txt")"
check_eq "flush events" "1 1" "$(grep -c "^session_del vni $V2 reason flush\$" "$T/mon.txt") $(grep -c "^session_del vni $V3 reason flush\$" "$T/mon.txt")"
test_end

test_begin "relayd SIGTERM: exit 0, sockets detached (reason user), log says so"
relayd_stop TERM
check_eq "relayd exit status" 0 "$?"
check_eq "sockets" 0 "$(socket_count)"
wait_lines "$T/mon.txt" "^sock_del id .* reason user\$" 4 || test_error "sock_del events missing: $(grep sock_del "$T/mon.txt" | tr '\n' '|')"
check_eq "detached log lines" 4 "$(grep -c 'relayd: info: detached socket id [0-9]*$' "$T/rd.log")"
check_eq "stopped" 1 "$(grep -c 'relayd: info: stopped' "$T/rd.log")"
test_end

test_begin "monitor -j: JSON lines, same events as the text monitor"
sleep 0.3
kill $MON $MONJ
wait $MON
check_eq "text monitor exits 0 on SIGTERM" 0 "$?"
wait $MONJ
check_eq "JSON monitor exits 0 on SIGTERM" 0 "$?"
check_eq "event count" "$(wc -l <"$T/mon.txt")" "$(wc -l <"$T/monj.txt")"
check_eq "events" "$(cut -d' ' -f1 "$T/mon.txt" | tr '\n' ' ')" "$(jget -l <"$T/monj.txt" | sed 's/^{"event":"\([a-z_]*\)".*/\1/' | tr '\n' ' ')"
check_eq "a sock_del object" "user udp4" "$(grep '"event":"sock_del"' "$T/monj.txt" | head -n 1 | jget .reason .socket.family | tr '\n' ' ' | sed 's/ $//')"
test_end

test_begin "every JSON output is valid JSON (jq)"
if command -v jq >/dev/null; then
	for f in socks.json cfg.json get.json stats.json show.json monj.txt; do
		jq -e . "$T/$f" >/dev/null 2>"$T/jq.err" || test_error "$f: $(head -c 200 "$T/jq.err")"
	done
	test_end
else
	test_skip "no jq in the image"
fi

ktap_finished
