#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Teardown with live state: unloading the module and deleting network
# namespaces while sessions exist and traffic flows must be clean - the
# module unloads, nothing leaks, no kernel warning (panic_on_warn turns any
# WARN into a failed run; the harness scans the log for splats).
# vm-timeout: 240
. /selftests/lib.sh

ktap_header

# traffic_start: endless A<->B traffic through session $VNI in the background.
traffic_start() {
	$(nsprefix in_a) udpio send --from "$(ep $A4 5001)" --to "$(ep $R4A $RELAY_PORT)" \
		--hex "$(wg_packet "$VNI")" --count 1000000 --interval-us 200 >/dev/null 2>&1 &
	TRAFFIC1=$!
	$(nsprefix in_b) udpio send --from "$(ep $B6 5002)" --to "$(ep $R6B $RELAY_PORT)" \
		--hex "$(wg_packet "$VNI")" --count 1000000 --interval-us 200 >/dev/null 2>&1 &
	TRAFFIC2=$!
	BG_PIDS="$BG_PIDS $TRAFFIC1 $TRAFFIC2"
}
traffic_stop() { kill $TRAFFIC1 $TRAFFIC2 2>/dev/null; wait $TRAFFIC1 $TRAFFIC2 2>/dev/null; true; }

# live_relay: topology, module, relayd, 50 sessions, one bound with traffic.
live_relay() {
	topology || return 1
	modprobe peer_relay || return 1
	relayd_start --family both || return 1
	open_session $A4 5001 $B6 5002 || return 1
	i=1
	while [ $i -le 49 ]; do
		session_add "$(key $i)" "$(key $((i + 100)))" >/dev/null || return 1
		i=$((i + 1))
	done
	traffic_start
	sleep 1
	f=$(relay_stat forwarded_packets_udp4_udp6)
	[ "$f" != missing ] && [ "$f" -gt 0 ] || { diag "no traffic forwarded ($f)"; return 1; }
}

has_module || bail "peer_relay.ko is not in the image (module not built)"

test_begin "rmmod with relayd attached, sessions and traffic"
live_relay || test_error "setup"
rmmod peer_relay 2>"$T/rmmod.err"
rc=$?
diag "rmmod while busy: exit $rc $(cat "$T/rmmod.err")"
traffic_stop
relayd_stop KILL
check_ok "module unloads" unload_module
cleanup
test_end

test_begin "netns deletion with sessions and traffic, relayd killed first"
live_relay || test_error "setup"
relayd_stop KILL
check_ok "delete netns r" ip netns del r
traffic_stop
topology_cleanup
sleep 1
check_ok "module unloads" unload_module
test_end

test_begin "netns deletion while relayd still runs in it"
live_relay || test_error "setup"
ip netns del r || test_error "ip netns del r"
# The namespace lives on through relayd's sockets until relayd exits.
sleep 0.5
traffic_stop
relayd_stop TERM
topology_cleanup
sleep 1
check_ok "module unloads" unload_module
test_end

test_begin "module reloads after the teardowns with clean counters"
check_ok "modprobe" modprobe peer_relay
check_eq "sessions" 0 "$(relayctl -j session list | jcount)"
check_eq "sockets gauge" 0 "$(sysfs_stat sockets)"
check_ok "rmmod" unload_module
test_end

ktap_finished
