#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Permissions: counters and configuration are open to everyone; changing
# commands, and the reads that show client keys and addresses (session and
# socket get/dump, the events group), need CAP_NET_ADMIN in the user
# namespace owning the network namespace (EPERM otherwise, relayctl says
# which privilege, and nothing changes). The node_exporter path (the
# textfile writer: counters only) works as nobody. A process in its own
# user+network namespace is admin there, and only there. Also runs
# nl_policy_test without privileges and inside a user namespace.
# vm-timeout: 180
. /selftests/lib.sh

RNS=
ktap_header
load_module
# Debian kernels gate unprivileged user namespaces behind this sysctl.
sysctl -qw kernel.unprivileged_userns_clone=1 2>/dev/null
NOBODY="asuser --uid 65534 --gid 65534"

test_begin "unprivileged reads: stats and config; the textfile writer"
VNI=$(session_add $KEY_A $KEY_B) || test_error "root session add"
check_ok "stats" $NOBODY relayctl stats
check_ok "stats --prometheus" $NOBODY relayctl stats --prometheus
check_ok "config get" $NOBODY relayctl config get
WRITER=/stage/usr/local/sbin/peer-relay-textfile
if [ -x "$WRITER" ]; then
	TF=$(mktemp -d /tmp/textfile.XXXXXX) && chmod 0777 "$TF"	# $T is root's only
	check_ok "textfile writer as nobody" $NOBODY "$WRITER" --dir "$TF"
	check_contains "writer success" "peer_relay_textfile_success 1" "$(cat "$TF/peer_relay.prom")"
	check_contains "writer: sessions counted" 'peer_relay_endpoints{state="connecting"} 1' \
		"$(cat "$TF/peer_relay.prom")"
	rm -rf "$TF"
else
	test_error "$WRITER missing (staged make install)"
fi
test_end

# eperm WHAT ARGS...: relayctl ARGS as nobody must fail with EPERM and say
# which privilege is missing.
eperm() {
	_w=$1
	shift
	$NOBODY relayctl "$@" >"$T/o" 2>"$T/e"
	_rc=$?
	check_eq "$_w exit status" 1 "$_rc"
	check_contains "$_w error" "Operation not permitted" "$(cat "$T/e")"
	check_contains "$_w explains" "needs CAP_NET_ADMIN" "$(cat "$T/e")"
	check_eq "$_w prints no data" "" "$(cat "$T/o")"
}

test_begin "unprivileged: no client keys or addresses (sessions, sockets, events)"
eperm "session list" session list
eperm "session get" session get "$VNI"
eperm "session get by keys" session get key $KEY_A $KEY_B
eperm "socket list" socket list
# monitor: the subscription itself is refused; as root it is accepted and
# an event arrives (so the EPERM is about privileges, not the group).
$NOBODY timeout 5 relayctl -j monitor >"$T/o" 2>"$T/e"
check_eq "monitor exit status" 1 "$?"
check_contains "monitor error" "Operation not permitted" "$(cat "$T/e")"
check_contains "monitor explains" "needs CAP_NET_ADMIN" "$(cat "$T/e")"
relayctl -j monitor >"$T/mon" 2>&1 &
MON=$!
BG_PIDS="$BG_PIDS $MON"
sleep 0.5
V2=$(session_add $KEY_C $KEY_D) || test_error "root session add 2"
relayctl session del "$V2"
sleep 0.5
kill $MON 2>/dev/null
wait $MON 2>/dev/null
check_contains "root monitor sees the new session" "\"vni\":$V2" "$(cat "$T/mon")"
test_end

test_begin "unprivileged changes are refused with EPERM and change nothing"
eperm "session add" session add $KEY_C $KEY_D
eperm "session bind" session bind "$VNI" 0 "$(ep 10.9.9.9 1)"
eperm "session del" session del "$VNI"
eperm "session flush" session flush
eperm "config set" config set max-sessions 10
eperm "socket detach" socket detach 1
check_eq "sessions" 1 "$(session_count)"
check_eq "endpoint 0 still unbound" null "$(relayctl -j session get "$VNI" | jget '.endpoints[0].remote')"
check_ne "max sessions unchanged" 10 "$(relayctl -j config get | jget .max_sessions)"
test_end

test_begin "own user+network namespace: admin there, not in the initial one"
USERNS="asuser --uid 65534 --gid 65534 --userns --netns"
if ! $USERNS true 2>"$T/e"; then
	test_skip "cannot create a user namespace: $(cat "$T/e")"
else
	$USERNS sh -c 'relayctl -j session add '$KEY_C' '$KEY_D' && relayctl -j session list' \
		>"$T/userns.out" 2>&1
	rc=$?
	check_eq "session add in own netns exit status ($(head -c 200 "$T/userns.out"))" 0 $rc
	check_eq "sessions in the initial netns" 1 "$(session_count)"
	check_fail "C/D not in the initial netns" relayctl session get key $KEY_C $KEY_D
	test_end
fi

# run_prog WHAT CMD...: a kselftest program's exit status as a test point.
run_prog() {
	_w=$1
	shift
	"$@" >"$T/prog.out" 2>&1
	_rc=$?
	sed 's/^/#   /' "$T/prog.out"
	case $_rc in
	0) ktap_pass "$_w" ;;
	4) ktap_skip "$_w" "the program skipped" ;;
	*) ktap_fail "$_w (exit $_rc)" ;;
	esac
}
if [ -x /selftests/nl_policy_test ]; then
	run_prog "nl_policy_test as nobody" $NOBODY /selftests/nl_policy_test
	run_prog "nl_policy_test in a user+network namespace" \
		asuser --uid 65534 --gid 65534 --userns --netns /selftests/nl_policy_test
else
	ktap_skip "nl_policy_test as nobody" "not built"
	ktap_skip "nl_policy_test in a user+network namespace" "not built"
fi

ktap_finished
