#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The netlink spec describes the running module (issue 13): a generic
# client that knows nothing but Documentation/netlink/specs/peer_relay.yaml
# (scripts/nlspec/nlclient.py, the way the kernel's ynl works: replies are
# matched by command, nests decoded by their nested-attributes) drives every
# operation but sock-attach (it needs a socket of the caller's) - do and
# dump, config, sockets, sessions, a 3,000-session dump, events and extack
# errors - and its decoded answers must equal
# `relayctl -j`'s. A difference is a bug in the spec or in the module.
# vm-image: full
# vm-timeout: 300
. /selftests/lib.sh

RNS=
ktap_header
SPEC=/selftests/spec/peer_relay.yaml
NLC="python3 /selftests/spec/nlclient.py --spec $SPEC"
if [ ! -f "$SPEC" ] || ! command -v python3 >/dev/null; then
	echo "1..0 # SKIP no python3 or spec in the image (mkinitramfs needs Debian's python3-yaml)"
	exit 4
fi
relay_setup --family both

# nlc OUT ARGS...: run the client into $T/OUT; its stderr into $T/OUT.err
nlc() {
	_o=$1
	shift
	$NLC "$@" >"$T/$_o" 2>"$T/$_o.err"
	_rc=$?
	[ $_rc -eq 0 ] || diag "nlclient $*: exit $_rc: $(head -c 300 "$T/$_o.err")"
	return $_rc
}
# same WHAT JQ-OF-CLIENT JQ-OF-RELAYCTL: the two decoded values must match
same() {
	_a=$(jq -S -c "$2" "$T/nlc")
	_b=$(jq -S -c "$3" "$T/rc")
	[ "$_a" != null ] || test_error "$1: the client decoded nothing ($2)"
	check_eq "$1" "$_b" "$_a"
}

test_begin "config-get decodes as relayctl reads it"
nlc nlc --do config-get || test_error "config-get"
relayctl -j config get >"$T/rc"
same "bind lifetime" '.config["bind-lifetime-ms"]' .bind_lifetime_ms
same "idle lifetime" '.config["idle-lifetime-ms"]' .idle_lifetime_ms
same "max sessions" '.config["max-sessions"]' .max_sessions
same "pass rate" '.config["pass-rate"]' .pass_rate
same "pass burst" '.config["pass-burst"]' .pass_burst
same "pass rate total" '.config["pass-rate-total"]' .pass_rate_total
test_end

test_begin "config-set (nested multi-attr static endpoints) as relayctl sees it"
nlc out --do config-set --json '{"config": {"idle-lifetime-ms": 123456, "static-eps": {"ep": [{"remote-ipv4": "192.0.2.7", "remote-port": 41641}, {"remote-ipv6": "2001:db8::7", "remote-port": 7}]}}}' ||
	test_error "config-set"
relayctl -j config get >"$T/rc"
check_eq "idle lifetime set" 123456 "$(jq .idle_lifetime_ms "$T/rc")"
check_eq "static endpoints" '["192.0.2.7:41641","[2001:db8::7]:7"]' "$(jq -c .static_endpoints "$T/rc")"
nlc nlc --do config-get || test_error "config-get"
check_eq "static endpoints decoded" '[{"remote-ipv4":"192.0.2.7","remote-port":41641},{"remote-ipv6":"2001:db8::7","remote-port":7}]' \
	"$(jq -c '.config["static-eps"].ep' "$T/nlc")"
relayctl config set idle-lifetime 300000 static-endpoints none || test_error "restore"
test_end

test_begin "sock-get dump and do equal relayctl socket list"
nlc nlc --dump sock-get || test_error "sock-get dump"
relayctl -j socket list >"$T/rc"
check_eq "sockets" "$(jlist <"$T/rc" | jq -s 'map(.id) | sort' -c)" "$(jq -s 'map(.sock.id) | sort' -c "$T/nlc")"
check_eq "ports" "$(jlist <"$T/rc" | jq -s 'map(.port) | sort' -c)" "$(jq -s 'map(.sock.port) | sort' -c "$T/nlc")"
ID=$(jq -s '.[0].sock.id' "$T/nlc")
nlc one --do sock-get --json "{\"sock\": {\"id\": $ID}}" || test_error "sock-get do"
check_eq "do equals dump entry" "$(jq -s -c ".[] | select(.sock.id == $ID) | .sock | del(.[\"rx-packets\"])" "$T/nlc")" \
	"$(jq -c '.sock | del(.["rx-packets"])' "$T/one")"
test_end

test_begin "session-new replies with its own command and the VNI"
nlc nlc --do session-new --json "{\"session\": {\"key0\": \"$KEY_A\", \"key1\": \"$KEY_B\"}}" ||
	test_error "session-new (a reply under another command is an error)"
relayctl -j session get key "$KEY_A" "$KEY_B" >"$T/rc"
same "vni" .session.vni .vni
same "key0" .session.key0 .key0
same "lamport" .session.lamport .lamport
same "state" .session.state .state
V=$(jq .session.vni "$T/nlc")
test_end

test_begin "session-bind, session-get do: endpoints as relayctl shows them"
nlc out --do session-bind --json "{\"session\": {\"vni\": $V, \"ep0\": {\"remote-ipv4\": \"10.9.9.9\", \"remote-port\": 4000, \"local-ipv4\": \"$R4A\"}}}" ||
	test_error "session-bind"
nlc nlc --do session-get --json "{\"session\": {\"vni\": $V}}" || test_error "session-get"
relayctl -j session get "$V" >"$T/rc"
check_eq "ep0 remote" "$(jq -r '.endpoints[0].remote' "$T/rc")" \
	"$(jq -r '.session.ep0 | "\(.["remote-ipv4"]):\(.["remote-port"])"' "$T/nlc")"
check_eq "ep0 local" "$(jq -r '.endpoints[0].local' "$T/rc")" "$(jq -r '.session.ep0["local-ipv4"]' "$T/nlc")"
check_eq "ep1 unbound" null "$(jq -c '.session.ep1["remote-ipv4"]' "$T/nlc")"
same "state" .session.state .state
same "key1" .session.key1 .key1
test_end

test_begin "stats-get: every nest decodes (drops, passes, sessions-deleted)"
nlc nlc --do stats-get || test_error "stats-get"
relayctl -j stats >"$T/rc"
same "sockets" .stats.sockets .sockets
same "sessions open" '.stats["sessions-open"]' .sessions.open
same "sessions connecting" '.stats["sessions-connecting"]' .sessions.connecting
same "sessions created" '.stats["sessions-created"]' .sessions.created
same "udp4->udp4 packets" '.stats["fwd-packets-4-4"]' .forwarded.udp4_udp4.packets
# every reason: the spec's names with - for _, as relayctl prints them
same "drops" '.stats.drops | with_entries(.key |= gsub("-"; "_"))' .dropped
same "passes" '.stats.passes | with_entries(.key |= gsub("-"; "_"))' .passed
same "sessions deleted" '.stats["sessions-deleted"] | with_entries(.key |= gsub("-"; "_"))' .deleted
test_end

test_begin "events: the client decodes what relayctl monitor prints"
$NLC --subscribe events --count 3 --timeout 20 >"$T/ev" 2>"$T/ev.err" &
EVP=$!
BG_PIDS="$BG_PIDS $EVP"
i=0
until grep -q subscribed "$T/ev.err" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || { test_error "client did not subscribe: $(cat "$T/ev.err")"; break; }
	sleep 0.1
done
V2=$(session_add "$KEY_C" "$KEY_D") || test_error "session add"
relayctl session bind "$V2" 0 "$(ep 10.9.9.8 5000)" || test_error "bind"
relayctl session del "$V2" || test_error "del"
wait $EVP
check_eq "client exit" 0 $?
check_eq "event names" '["session-new-ntf","session-bind-ntf","session-del-ntf"]' "$(jq -s -c 'map(.name)' "$T/ev")"
check_eq "vnis" "[$V2,$V2,$V2]" "$(jq -s -c 'map(.msg.session.vni)' "$T/ev")"
check_eq "del reason" user "$(jq -s -r '.[2].msg.session["del-reason"]' "$T/ev")"
check_eq "bound ep0" 10.9.9.8 "$(jq -s -r '.[1].msg.session.ep0["remote-ipv4"]' "$T/ev")"
test_end

test_begin "extack errors come through"
nlc out --do session-get --json '{"session": {"vni": 16777215}}'
check_eq "unknown VNI: exit" 1 $?
check_contains "unknown VNI: message" "No such file or directory: peer_relay: no such session" "$(cat "$T/out.err")"
nlc out --do session-new --json "{\"session\": {\"key0\": \"$KEY_A\"}}"
check_eq "missing key1: exit" 1 $?
check_contains "missing key1: message" "missing client key KEY1" "$(cat "$T/out.err")"
test_end

test_begin "a 3,000-session dump: every session once, as relayctl lists them"
relayctl session flush || test_error "flush"
nlstress add 3000 --key-base 1000 >"$T/stress" 2>&1 || test_error "nlstress: $(tail -n 2 "$T/stress")"
nlc nlc --dump session-get || test_error "session-get dump"
relayctl -j session list >"$T/rc"
check_eq "sessions dumped" 3000 "$(jq -s length "$T/nlc")"
check_eq "distinct VNIs" 3000 "$(jq -s 'map(.session.vni) | unique | length' "$T/nlc")"
check_eq "same VNIs and keys as relayctl" \
	"$(jlist <"$T/rc" | jq -s -c 'map([.vni, .key0, .key1]) | sort | .[0:3] + .[-3:]')" \
	"$(jq -s -c 'map([.session.vni, .session.key0, .session.key1]) | sort | .[0:3] + .[-3:]' "$T/nlc")"
check_eq "same VNI sum" "$(jlist <"$T/rc" | jq -s 'map(.vni) | add')" "$(jq -s 'map(.session.vni) | add' "$T/nlc")"
relayctl session flush || test_error "flush"
test_end

test_begin "sock-detach and session-flush by the client"
nlc out --do session-new --json "{\"session\": {\"key0\": \"$KEY_A\", \"key1\": \"$KEY_B\"}}" || test_error "session-new"
nlc out --do session-flush || test_error "session-flush"
check_eq "sessions after flush" 0 "$(session_count)"
nlc out --do session-del --json '{"session": {"vni": 77}}'
check_eq "session-del of none: exit" 1 $?
# sock-attach needs a socket of the caller's: relayctl and relayd test it
N=$(socket_count)
nlc out --do sock-detach --json "{\"sock\": {\"id\": $ID}}" || test_error "sock-detach"
check_eq "sockets after detach" $((N - 1)) "$(socket_count)"
test_end

ktap_finished
