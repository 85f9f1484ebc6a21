#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Restart safety (issue 3): `kill -9 relayd` while relay-client traffic
# flows; sessions and bindings live in the kernel and survive, forwarding
# resumes once the restarted relayd (same key file) attaches new sockets,
# relayd rebuilds its view from a SESSION dump (compared with
# `relayctl session list`), and new handshakes work. SIGTERM shuts down
# cleanly.
# As hs_restart@userspace (relayd's userspace data plane) the sessions
# live in relayd and die with it (relayd(8)): after kill -9 nothing is
# left half-working (no socket, no session, relayctl says relayd is not
# there), the restarted relayd starts empty, datagrams of the old VNI are
# dropped as unknown, and the clients' new allocation and handshakes work.
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
relay_setup --family both --key "$T/relay.key"
keep_unbound_sessions	# the second session stays unbound until after the restart
SERVER_KEY=$(relayctl_r -j config get | jget .server_key)
[ ${#SERVER_KEY} -eq 64 ] || bail "relayd did not store its key in the kernel"

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
dump_view() {	# the VNIs of `relayctl session list`, as view() prints them
	_v=$(relayctl_r -j session list | jget -l | while read -r _s; do echo "$_s" | jget .vni; done | sort -n | tr '\n' ' ' | sed 's/ $//')
	_n=$(session_count)
	[ "$_n" = 1 ] && echo "1 session: vni $_v" || echo "$_n sessions: vni ${_v:-none}"
}

KA=$(rc_key a) KB=$(rc_key b) KC=$(rc_key c) KD=$(rc_key d)
ep_index "$KA" "$KB"
ep_desc "$KA" "$KB" ab || bail "session add"
J=$T/ab.json VNI=$(jget .vni <"$J")
ep_desc "$KC" "$KD" cd || bail "session add 2"
VNI2=$(jget .vni <"$T/cd.json")

test_begin "traffic flows after the handshake (A udp4, B udp6)"
rc in_b bind --endpoint-json "$J" --key "$T/b.key" \
	--local "$(ep $B6 5002)" --echo --timeout 6000 >"$T/echo.out" 2>&1 &
ECHO=$!
BG_PIDS="$BG_PIDS $ECHO"
wait_remote $VNI $IB "$(ep $B6 5002)" || test_error "B not bound"
# pinger across the restart: 60 pings, 250 ms apart, 400 ms each
$(nsprefix in_a) relay-client bind --endpoint-json "$J" --key "$T/a.key" \
	--local "$(ep $A4 5001)" --ping 50 --interval 250 --timeout 400 >"$T/ping.out" 2>&1 &
PING=$!
BG_PIDS="$BG_PIDS $PING"
_i=0
while ! grep -q '^pong seq 3 ' "$T/ping.out" && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
check_contains "pongs before the kill" "pong seq 3 " "$(cat "$T/ping.out")"
test_end

if dp_userspace; then
test_begin "kill -9 relayd: the userspace plane goes with it, nothing half-working"
kill -9 "$RELAYD_PID"
wait "$RELAYD_PID" 2>/dev/null
RELAYD_PID=
# (relayctl may load the module on demand here: it finds no relayd)
check_eq "no session left anywhere" 0 "$(session_count)"
check_fail "the relay port is closed" in_r sh -c "netstat -lnu | grep -q ':$RELAY_PORT '"
unload_module || test_error "rmmod"
sleep 1
test_end
else
test_begin "kill -9 relayd: sessions and bindings stay in the kernel"
BEFORE=$(relayctl_r -j session get $VNI)
kill -9 "$RELAYD_PID"
wait "$RELAYD_PID" 2>/dev/null
RELAYD_PID=
wait_sockets 0 || test_error "sockets not detached"
check_eq "sessions" 2 "$(session_count)"
check_eq "A's binding" "$(ep $A4 5001)" "$(ep_remote $VNI $IA)"
check_eq "B's binding" "[$B6]:5002" "$(ep_remote $VNI $IB)"
check_eq "state" open "$(session_json $VNI .state)"
check_eq "lamport" "$(echo "$BEFORE" | jget .lamport)" "$(session_json $VNI .lamport)"
sleep 1
test_end
fi

if dp_userspace; then
test_begin "relayd restarts with the same key and no sessions; the old VNI is unknown"
mv "$T/relayd.log" "$T/relayd1.log"
relayctl_r config get >/dev/null 2>&1	# a stale socket file is harmless
relayd_start --family both --key "$T/relay.key" || test_error "relayd restart"
check_eq "same server key" "$SERVER_KEY" "$(relayctl_r -j config get | jget .server_key)"
check_contains "rebuilt view logged" "session view rebuilt from the userspace data plane: 0 sessions" "$(cat "$T/relayd.log")"
check_eq "sessions" 0 "$(session_count)"
stat_snapshot
wait $PING
check_contains "pings after the restart are lost" "lost seq" "$(tail -n 3 "$T/ping.out")"
check_ge "the old VNI's data is dropped as unknown" 1 "$(stat_delta dropped_unknown_vni)"
kill $ECHO 2>/dev/null
# the clients allocate again (here: relayctl, as the grants are absent)
ep_desc "$KA" "$KB" ab || test_error "session add after the restart"
ep_desc "$KC" "$KD" cd || test_error "session add 2 after the restart"
VNI=$(jget .vni <"$J") VNI2=$(jget .vni <"$T/cd.json")
rc in_b bind --endpoint-json "$J" --key "$T/b.key" \
	--local "$(ep $B6 5002)" --echo --timeout 6000 >"$T/echo.out" 2>&1 &
ECHO=$!
BG_PIDS="$BG_PIDS $ECHO"
wait_remote $VNI $IB "$(ep $B6 5002)" || test_error "B not bound again"
check_ok "A binds again and pings" rc in_a bind --endpoint-json "$J" --key "$T/a.key" \
	--local "$(ep $A4 5001)" --ping 2 --interval 50 --timeout 3000
test_end
else
test_begin "relayd restarts with the same key; forwarding resumes without a new handshake"
mv "$T/relayd.log" "$T/relayd1.log"
relayd_start --family both --key "$T/relay.key" || test_error "relayd restart"
check_eq "same server key" "$SERVER_KEY" "$(relayctl_r -j config get | jget .server_key)"
check_contains "rebuilt view logged" "session view rebuilt from the kernel: 2 sessions" "$(cat "$T/relayd.log")"
wait $PING
_last=$(tail -n 6 "$T/ping.out" | head -n 5)
check_eq "the last 5 pings after the restart" 5 "$(echo "$_last" | grep -c '^pong seq')"
check_contains "pings were lost while no socket was attached" "lost seq" "$(cat "$T/ping.out")"
check_eq "A's binding unchanged" "$(ep $A4 5001)" "$(ep_remote $VNI $IA)"
test_end
fi

test_begin "relayd's rebuilt view matches the kernel's session dump"
check_eq "view" "$(dump_view)" "$(view)"
test_end

test_begin "a new handshake works after the restart (second session, both udp6)"
check_ok "pair" rc in_a pair --endpoint-json "$T/cd.json" --key-a "$T/c.key" --key-b "$T/d.key" \
	--local-a "$A6" --count 3 --interval 50 --timeout 3000
check_eq "open" open "$(session_json $VNI2 .state)"
test_end

test_begin "a rebind handshake on the old session works after the restart"
check_ok "A rebinds from 5003 and pings" rc in_a bind --endpoint-json "$J" --key "$T/a.key" \
	--local "$(ep $A4 5003)" --generation 100 --ping 2 --interval 50 --timeout 3000
check_eq "A's new binding" "$(ep $A4 5003)" "$(ep_remote $VNI $IA)"
kill $ECHO 2>/dev/null
test_end

if dp_userspace; then
test_begin "SIGTERM: clean shutdown, control socket removed"
relayd_stop TERM
check_eq "exit status" 0 "$?"
check_fail "no control socket left" test -e /run/peer_relay/relayd.sock
check_contains "log" "stopped" "$(tail -n 3 "$T/relayd.log")"
test_end
else
test_begin "SIGTERM: clean shutdown, sockets detached, sessions kept"
relayd_stop TERM
check_eq "exit status" 0 "$?"
check_eq "sockets" 0 "$(socket_count)"
check_eq "sessions" 2 "$(session_count)"
check_contains "log" "stopped" "$(tail -n 3 "$T/relayd.log")"
test_end
fi

ktap_finished
