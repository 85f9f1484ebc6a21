#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Socket lifetime: the kernel keeps no file reference, so closing an
# attached socket detaches it and multicasts SOCK_DEL_NTF (reason closed);
# relayd's orderly exit and `relayctl socket detach` detach as well. The
# `sockets` gauge and `socket list` follow, and the port can be re-attached.
# vm-timeout: 180
. /selftests/lib.sh

ktap_header
topology || bail "topology"
load_module

$(nsprefix in_r) relayctl monitor >"$T/mon.txt" 2>&1 &
MON=$!
BG_PIDS="$BG_PIDS $MON"
sleep 0.5
kill -0 $MON 2>/dev/null || bail "relayctl monitor did not start: $(cat "$T/mon.txt")"

# events_closed: SOCK_DEL events with reason "closed" seen by the monitor.
# (relayctl monitor: "sock_del id N udp4|udp6 ADDR:PORT reason user|closed")
events_closed() { grep -c '^sock_del id .* reason closed$' "$T/mon.txt"; }

test_begin "relayd attaches one socket per family"
relayd_start --family both || test_error "relayd start"
check_eq "sockets gauge" 2 "$(relay_stat sockets)"
in_r relayctl -j socket list >"$T/socks.json"
check_eq "families" "udp4 udp6" "$(jget '[0].family' '[1].family' <"$T/socks.json" | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "ports" "$RELAY_PORT $RELAY_PORT" "$(jget '[0].port' '[1].port' <"$T/socks.json" | tr '\n' ' ' | sed 's/ $//')"
test_end

test_begin "killing relayd (SIGKILL) detaches its sockets: events with reason closed"
before=$(events_closed)
relayd_stop KILL
wait_sockets 0 || test_error "sockets still attached"
check_eq "sockets gauge" 0 "$(relay_stat sockets)"
sleep 0.3
check_eq "closed events" 2 "$(($(events_closed) - before))"
test_end

test_begin "the port can be attached again after close"
relayd_start --family both || test_error "relayd restart"
check_eq "sockets gauge" 2 "$(relay_stat sockets)"
test_end

test_begin "relayctl socket detach: socket gone, event, relayd keeps running"
id=$(in_r relayctl -j socket list | jget '[0].id')
check_ok "detach $id" in_r relayctl socket detach "$id"
check_eq "sockets gauge" 1 "$(relay_stat sockets)"
check_fail "detach $id again" in_r relayctl socket detach "$id"
sleep 0.3
check_eq "sock_del events for $id with reason user" 1 "$(grep -c "^sock_del id $id .* reason user\$" "$T/mon.txt")"
check_ok "relayd alive" kill -0 "$RELAYD_PID"
test_end

test_begin "relayd exits 0 on SIGTERM and leaves nothing attached"
relayd_stop TERM
rc=$?
check_eq "relayd exit status" 0 "$rc"
wait_sockets 0 || test_error "sockets still attached"
check_eq "sockets gauge" 0 "$(relay_stat sockets)"
test_end

diag "monitor output:"
sed 's/^/#   /' "$T/mon.txt" | head -n 40
ktap_finished
