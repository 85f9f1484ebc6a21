#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Permissions: GET/dump commands are open to everyone; changing commands
# need CAP_NET_ADMIN in the user namespace owning the network namespace
# (EPERM otherwise, and nothing changes). A process in its own user+network
# namespace is admin there, and only there. Also runs nl_policy_test without
# privileges and inside a user namespace when it exists.
# vm-timeout: 180
. /selftests/lib.sh

RNS=
ktap_header
load_module
# Debian kernels gate unprivileged user namespaces behind this sysctl.
sysctl -qw kernel.unprivileged_userns_clone=1 2>/dev/null
NOBODY="asuser --uid 65534 --gid 65534"

test_begin "unprivileged reads: stats, session list, socket list, config"
VNI=$(session_add $KEY_A $KEY_B) || test_error "root session add"
check_ok "stats" $NOBODY relayctl stats
check_ok "session list" $NOBODY relayctl session list
check_eq "session get" "$VNI" "$($NOBODY relayctl -j session get "$VNI" | jget .vni)"
check_ok "socket list" $NOBODY relayctl socket list
check_ok "config get" $NOBODY relayctl config get
test_end

# eperm WHAT ARGS...: relayctl ARGS as nobody must fail with EPERM.
eperm() {
	_w=$1
	shift
	$NOBODY relayctl "$@" >"$T/o" 2>"$T/e"
	_rc=$?
	check_eq "$_w exit status" 1 "$_rc"
	check_contains "$_w error" "Operation not permitted" "$(cat "$T/e")"
}

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
