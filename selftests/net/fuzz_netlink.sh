#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Netlink fuzzing (selftests/tools/nlfuzz.c): random and mutated requests
# for every command number 0..20 - random attribute trees, nesting,
# lengths that overrun their parent, truncated messages, real and bogus
# socket fds for SOCK_ATTACH, sockets closed under the kernel's feet and
# datagrams into attached sockets - run
#   1. as root in a namespace of its own,
#   2. as an unprivileged user in its own user+network namespace (admin
#      there, so changing commands work),
#   3. as an unprivileged user in the initial namespace and in the relay's
#      namespace, where every changing command must fail with EPERM (or
#      EINVAL when its generic netlink header is refused first).
# nlfuzz drops privileges itself (--uid, --userns).
# Afterwards: the relay namespace's sessions, sockets and configuration
# are exactly as before and it still forwards, the kernel log is clean
# (the harness fails the run on any splat) and the module unloads.
# vm-timeout: 240
. /selftests/lib.sh

ktap_header
relay_setup --family both
open_session $A4 5001 $B4 5002 || bail "session"
sysctl -qw kernel.unprivileged_userns_clone=1 2>/dev/null

# state_r: what the relay namespace holds, without the clocks.
state_r() {
	relayctl_r -j session list | jlist |
		jq -cS 'del(.age_ms) | .endpoints |= map(del(.idle_ms))'
	in_r relayctl -j socket list | jlist | jq -cS 'del(.rx_packets)'
	relayctl_r -j config get | jq -cS .
}
state_init() { relayctl -j session list | jcount; relayctl -j config get | jq -cS .; }
state_r >"$T/r.before"
state_init >"$T/init.before"

# summary FILE KEY: a number from nlfuzz's summary.
summary() { awk -v k="$2" '$1 == k { print $2 } $1 == "errno" && $2 == k { print $3 }' "$1" | head -n 1; }
# fuzz_ok WHAT FILE RC: nlfuzz exited 0 and did real work.
fuzz_ok() {
	check_eq "$1: nlfuzz exit status" 0 "$3"
	check_eq "$1: violations" 0 "$(summary "$2" violations)"
	check_ge "$1: requests" 200 "$(summary "$2" requests)"
	diag "$1: $(tr '\n' ' ' <"$2")"
	[ "$3" = 0 ] || diag "$1: $(head -c 400 "$2.err")"
}

test_begin "root in its own network namespace"
ip netns add fz || test_error "netns fz"
ip netns exec fz nlfuzz --seconds 7 --seed 1 --lo-up >"$T/f1" 2>"$T/f1.err"
fuzz_ok root "$T/f1" $?
check_ge "root: some requests succeeded" 50 "$(summary "$T/f1" succeeded)"
check_ge "root: EINVAL answers" 10 "$(summary "$T/f1" EINVAL)"
check_ge "root: dumps answered" 5 "$(summary "$T/f1" dumps)"
check_ok "relayctl still works in fz" ip netns exec fz relayctl session list
check_ok "delete netns fz with whatever the fuzzer left" ip netns del fz
test_end

test_begin "unprivileged user in its own user+network namespace"
nlfuzz --uid 65534 --userns --seconds 6 --seed 2 --lo-up >"$T/f2" 2>"$T/f2.err"
fuzz_ok userns "$T/f2" $?
check_ge "userns: changing requests succeeded (admin in its own netns)" 20 "$(summary "$T/f2" succeeded)"
check_eq "userns: no EPERM for a namespace it owns" "" "$(summary "$T/f2" EPERM)"
test_end

test_begin "unprivileged user in the initial and the relay namespace: EPERM"
nlfuzz --uid 65534 --seconds 4 --seed 3 --expect-eperm >"$T/f3" 2>"$T/f3.err"
fuzz_ok "init netns" "$T/f3" $?
check_ge "init netns: EPERM answers" 50 "$(summary "$T/f3" EPERM)"
nsenter --net=/run/netns/r nlfuzz --uid 65534 --seconds 4 --seed 4 --expect-eperm >"$T/f4" 2>"$T/f4.err"
fuzz_ok "relay netns" "$T/f4" $?
check_ge "relay netns: EPERM answers" 50 "$(summary "$T/f4" EPERM)"
test_end

test_begin "relay namespace unchanged and forwarding"
state_r >"$T/r.after"
check_eq "sessions, sockets, config of r" "$(cat "$T/r.before")" "$(cat "$T/r.after")"
state_init >"$T/init.after"
check_eq "sessions and config of the initial netns" "$(cat "$T/init.before")" "$(cat "$T/init.after")"
check_ok "relayd alive" kill -0 "$RELAYD_PID"
forward_ok "A -> B" in_a $A4 5001 in_b $B4 5002 "$(wg_packet $VNI)" 5
test_end

test_begin "module unloads"
relayd_stop TERM || test_error "relayd exit status"
topology_cleanup
check_ok "rmmod" unload_module
test_end

ktap_finished
