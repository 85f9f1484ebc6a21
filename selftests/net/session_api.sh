#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Session table management over netlink via relayctl (protocol §4.3, §7
# scenarios 1, 4): creation, idempotent re-creation per unordered key pair
# (same VNI and lamport), explicit VNIs and their collisions, VNI range
# checks, invalid key pairs, get/del/flush, and the session gauges and
# counters.
# vm-timeout: 180
. /selftests/lib.sh

ktap_header
relay_setup --family both
keep_unbound_sessions	# sessions created early are used, unbound, until the end

# relayctl_err ARGS...: run relayctl in the relay ns, expect exit status 1
# and an error message; sets ERR to the message.
relayctl_err() {
	relayctl_r "$@" >"$T/err.out" 2>"$T/err.txt"
	_rc=$?
	ERR=$(cat "$T/err.txt")
	check_eq "exit status of 'relayctl $*'" 1 "$_rc"
	[ -n "$ERR" ] || test_error "'relayctl $*' printed no error message"
}

test_begin "create: VNI in range, keys sorted, lamport set, state connecting"
stat_snapshot
VNI=$(session_add $KEY_B $KEY_A) || test_error "session add"
J=$T/session.json
check_ok "VNI is a number" test "$VNI" -ge 1
check_ok "VNI <= 0xffffff" test "$VNI" -le 16777215
check_eq "key0 (the smaller key)" $KEY_A "$(jget .key0 <$J)"
check_eq "key1" $KEY_B "$(jget .key1 <$J)"
check_eq "state" connecting "$(jget .state <$J)"
check_eq "endpoints unbound" "null null" "$(jget '.endpoints[0].remote' '.endpoints[1].remote' <$J | tr '\n' ' ' | sed 's/ $//')"
LAMPORT=$(jget .lamport <$J)
check_ok "lamport >= 1" test "$LAMPORT" -ge 1
check_stat_delta sessions_created 1
check_eq "sessions_connecting" 1 "$(relay_stat sessions_connecting)"
test_end

test_begin "create again (either key order): same VNI and lamport, nothing new"
stat_snapshot
for order in "$KEY_A $KEY_B" "$KEY_B $KEY_A"; do
	# shellcheck disable=SC2086
	v=$(session_add $order) || test_error "session add again"
	check_eq "VNI" "$VNI" "$v"
	check_eq "lamport" "$LAMPORT" "$(jget .lamport <$J)"
done
check_stat_delta sessions_created 0
check_eq "sessions listed" 1 "$(session_count)"
test_end

test_begin "idempotent create keeps the bound endpoints"
session_bind $VNI 0 "$(ep $A4 5001)" || test_error "bind A"
session_bind $VNI 1 "$(ep $B4 5002)" || test_error "bind B"
v=$(session_add $KEY_A $KEY_B) || test_error "session add after bind"
check_eq "VNI" "$VNI" "$v"
check_eq "state" open "$(jget .state <$J)"
check_eq "endpoint 0" "$A4:5001" "$(jget '.endpoints[0].remote' <$J)"
check_eq "sessions_open" 1 "$(relay_stat sessions_open)"
check_eq "sessions_connecting" 0 "$(relay_stat sessions_connecting)"
test_end

test_begin "explicit VNI is used"
v=$(session_add $KEY_C $KEY_D vni 4242) || test_error "session add vni 4242"
check_eq "VNI" 4242 "$v"
check_eq "get by VNI" "$KEY_C" "$(session_json 4242 .key0)"
test_end

test_begin "explicit VNI collision is refused (EEXIST)"
relayctl_err session add "$(key 1)" "$(key 2)" vni 4242
check_contains "error message" "exists" "$ERR"
check_fail "no session for the new pair" relayctl_r session get key "$(key 1)" "$(key 2)"
relayctl_err session add "$(key 1)" "$(key 2)" vni "$VNI"
test_end

test_begin "out-of-range VNIs are rejected"
for bad in 0 16777216 4294967296; do
	relayctl_r session add "$(key 5)" "$(key 6)" vni $bad >"$T/o" 2>"$T/e"
	rc=$?
	[ $rc -ne 0 ] || test_error "vni $bad accepted"
	[ -s "$T/e" ] || test_error "vni $bad: no error message"
done
check_eq "sessions listed" 2 "$(session_count)"
v=$(session_add "$(key 5)" "$(key 6)" vni 16777215) || test_error "vni 0xffffff refused"
check_eq "VNI max" 16777215 "$v"
test_end

test_begin "invalid key pairs are rejected"
relayctl_err session add $KEY_A $KEY_A
check_contains "error message" "nvalid" "$ERR"
relayctl_r session add "$(echo $KEY_A | cut -c1-62)" $KEY_B >/dev/null 2>&1 &&
	test_error "a 31-byte key was accepted"
test_end

test_begin "bind errors: unknown VNI, bad endpoint index"
relayctl_err session bind 999999 0 "$(ep $A4 5001)"
relayctl_r session bind "$VNI" 2 "$(ep $A4 5001)" >/dev/null 2>&1 &&
	test_error "endpoint index 2 accepted"
check_eq "endpoint 0 unchanged" "$A4:5001" "$(session_json $VNI '.endpoints[0].remote')"
test_end

test_begin "create with both bindings in one request: open at once, keys' endpoints in place"
KX=$(key 41) KY=$(key 40)	# KX > KY: KX's endpoint is endpoint 1
stat_snapshot
v=$(session_add $KX $KY bind-a "$(ep $B4 5002)" bind-b "$(ep $A4 5001)") ||
	test_error "session add with bind-a/bind-b"
check_eq "state" open "$(jget .state <$J)"
check_eq "endpoint 0 (KY's)" "$A4:5001" "$(jget '.endpoints[0].remote' <$J)"
check_eq "endpoint 1 (KX's)" "$B4:5002" "$(jget '.endpoints[1].remote' <$J)"
check_stat_delta sessions_created 1
forward_ok "one-request session" in_a $A4 5001 in_b $B4 5002 "$(wg_packet $v)" 3
check_ok "del" relayctl_r session del "$v"
test_end

test_begin "a bad binding in a create request creates nothing"
stat_snapshot
for bad in "224.0.0.1:5" "0.0.0.0:5"; do
	relayctl_err session add $KX $KY bind-a "$(ep $B4 5002)" bind-b "$bad"
	check_contains "error for $bad" "remote address" "$ERR"
done
check_fail "no session for the pair" relayctl_r session get key $KX $KY
check_stat_delta sessions_created 0
test_end

test_begin "the largest session message (IPv6 remote and local on both sides) in replies and every event"
# Replies and events are allocated at the computed worst-case size of a
# session (prelay_nl_session_size()); an attribute that did not fit would
# lose the message.
relayctl_r -j monitor >"$T/mon.json" 2>&1 &
MON=$!
BG_PIDS="$BG_PIDS $MON"
sleep 0.5
LV=$(session_add "$(key 70)" "$(key 71)") || test_error "session add"
session_bind $LV 0 "[fd00:1111:2222:3333:4444:5555:6666:7777]:65535" local fd00:aaaa:bbbb:cccc:dddd:eeee:ffff:1 ||
	test_error "bind 0"
session_bind $LV 1 "[fd00:1111:2222:3333:4444:5555:6666:7778]:65534" local fd00:aaaa:bbbb:cccc:dddd:eeee:ffff:2 ||
	test_error "bind 1"
check_eq "get: endpoint 1 local" "fd00:aaaa:bbbb:cccc:dddd:eeee:ffff:2" "$(session_json $LV '.endpoints[1].local')"
check_ok "del" relayctl_r session del $LV
sleep 0.5
kill $MON 2>/dev/null
wait $MON 2>/dev/null
check_eq "events" "session_new session_bind session_bind session_del" \
	"$(for i in 0 1 2 3; do jget "[$i].event" <"$T/mon.json"; done | tr '\n' ' ' | sed 's/ $//')"
check_eq "del event: endpoint 1 local" "fd00:aaaa:bbbb:cccc:dddd:eeee:ffff:2" \
	"$(tail -n 1 "$T/mon.json" | jget '.session.endpoints[1].local')"
test_end

test_begin "get and delete by VNI and by keys"
stat_snapshot
check_eq "get by keys" "$VNI" "$(relayctl_r -j session get key $KEY_B $KEY_A | jget .vni)"
check_ok "del by VNI" relayctl_r session del 4242
relayctl_err session get 4242
check_ok "del by keys" relayctl_r session del key $KEY_B $KEY_A
relayctl_err session get "$VNI"
relayctl_err session del "$VNI"
check_stat_delta deleted_user 2
check_eq "sessions_open" 0 "$(relay_stat sessions_open)"
test_end

test_begin "re-creating a deleted pair gives a new lamport"
session_add $KEY_A $KEY_B >/dev/null || test_error "session add"
l2=$(jget .lamport <$J)
check_ok "lamport $l2 > $LAMPORT" test "$l2" -gt "$LAMPORT"
test_end

test_begin "flush removes every session"
for i in 20 21 22; do session_add "$(key $i)" "$(key $((i + 10)))" >/dev/null || test_error "add $i"; done
n=$(session_count)
stat_snapshot
check_ok "flush" relayctl_r session flush
check_eq "sessions listed" 0 "$(session_count)"
check_stat_delta deleted_flush "$n"
check_eq "sessions_connecting" 0 "$(relay_stat sessions_connecting)"
check_eq "sessions_open" 0 "$(relay_stat sessions_open)"
test_end

ktap_finished
