#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# 1,000 sessions handshaking concurrently all reach `open` (issue 3):
# `relay-client many` runs 1,000 client pairs from 4 sockets per side
# (A side udp4, B side udp6, all in namespace a): every pair allocates
# in-band (the A keys are granted), then both sides run Bind -> Challenge
# -> Answer with up to 128 operations in flight, then check the path with
# a data probe A -> B -> A (re-handshaking pairs whose Answer was lost,
# as real clients do). relayd runs without its
# per-source rate limit (all clients share two source addresses).
# vm-timeout: 200
. /selftests/lib.sh

N=1000
ktap_header
topology || bail "topology"
load_module
relay-client many --pairs $N --seed 42 --print-grants >"$T/grants" || bail "grants"
relayd_start --family both --key "$T/relay.key" --grants "$T/grants" --rate-limit 0 ||
	bail "relayd start"
in_r relayctl config set max-sessions 4096 bind-lifetime 120000 >/dev/null 2>&1
SERVER_KEY=$(in_r relayctl -j config get | jget .server_key)

test_begin "$N pairs allocate in-band and answer their Challenges"
stat_snapshot
in_a relay-client -j many --pairs $N --seed 42 --sockets 4 --server-key "$SERVER_KEY" \
	--relay "$(ep $R4A $RELAY_PORT)" --relay-b "$(ep $R6A $RELAY_PORT)" \
	--local-a $A4 --local-b $A6 --timeout 70000 >"$T/many.out" 2>"$T/many.err" ||
	test_error "many: $(cat "$T/many.err") $(cat "$T/many.out")"
diag "$(cat "$T/many.out")"
check_eq "allocated" $N "$(jget .allocated <"$T/many.out")"
check_eq "answered" $((2 * N)) "$(jget .answered <"$T/many.out")"
check_eq "confirmed end to end (data A -> B -> A)" $N "$(jget .confirmed <"$T/many.out")"
test_end

test_begin "all $N sessions are open in the kernel"
_i=0
while [ "$(relay_stat sessions_open)" != $N ] && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
check_eq "sessions open" $N "$(relay_stat sessions_open)"
check_eq "sessions connecting" 0 "$(relay_stat sessions_connecting)"
check_eq "sessions created" $N "$(stat_delta sessions_created)"
test_end

test_begin "relayd's view holds all $N sessions"
kill -USR1 "$RELAYD_PID"
sleep 0.5
check_contains "view" "view: $N sessions" "$(grep 'view:' "$T/relayd.log" | tail -n 1)"
test_end

ktap_finished
