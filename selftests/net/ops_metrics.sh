#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Metrics end to end (issue 4, Documentation/metrics.md): the textfile
# writer installed by `make install` (/stage/usr/local/sbin/
# peer-relay-textfile) writes peer_relay.prom, Debian's real
# prometheus-node-exporter serves it with the textfile collector on
# 127.0.0.1, and a scrape of /metrics shows the forwarded counters rising
# by exactly what was sent, per family pair. Also: every series of the
# issue's list is present with HELP/TYPE, the sysfs source equals the
# netlink source, and a failing read publishes success 0 and no stale
# series. relayd's own counters (--metrics-file) are served alongside.
# The relay runs in the initial namespace (sysfs shows only it).
# vm-timeout: 240
. /selftests/lib.sh

RNS=
ktap_header

WRITER=/stage/usr/local/sbin/peer-relay-textfile
NE=prometheus-node-exporter
TDIR=$T/textfile
mkdir -p "$TDIR"

relay_setup --family both
[ -x "$WRITER" ] || bail "$WRITER missing (staged make install)"
command -v $NE >/dev/null || bail "$NE not in the image (apt-get install prometheus-node-exporter)"

$NE --web.listen-address=127.0.0.1:9100 --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$TDIR" \
	>"$T/ne.log" 2>&1 &
NE_PID=$!
BG_PIDS="$BG_PIDS $NE_PID"

# scrape: GET /metrics into $T/metrics (curl if present, else busybox wget).
scrape() {
	if command -v curl >/dev/null; then
		curl -sf -o "$T/metrics" http://127.0.0.1:9100/metrics
	else
		wget -q -O "$T/metrics" http://127.0.0.1:9100/metrics
	fi
}
# metric 'NAME{LABELS}': its value in the last scrape as an integer
# (node_exporter may print large values as 1.5e+06), "absent" if missing.
metric() {
	awk -v k="$1" '$1 == k { printf "%.0f\n", $2; f = 1 } END { if (!f) print "absent" }' "$T/metrics"
}
fwd() { echo "peer_relay_forwarded_$1_total{transport_in=\"$2\",transport_out=\"$3\"}"; }

i=0
until scrape 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || bail "node_exporter did not answer on 127.0.0.1:9100: $(tail -n 3 "$T/ne.log")"
	sleep 0.2
done

test_begin "writer output served by node_exporter: every series, HELP/TYPE"
check_ok "writer" "$WRITER" --dir "$TDIR"
check_ok "scrape" scrape
for p in "udp4 udp4" "udp4 udp6" "udp6 udp4" "udp6 udp6"; do
	# shellcheck disable=SC2086
	check_ne "packets $p" absent "$(metric "$(fwd packets $p)")"
	# shellcheck disable=SC2086
	check_ne "bytes $p" absent "$(metric "$(fwd bytes $p)")"
done
check_eq "endpoints open" 0 "$(metric 'peer_relay_endpoints{state="open"}')"
check_eq "endpoints connecting" 0 "$(metric 'peer_relay_endpoints{state="connecting"}')"
for r in short unknown_vni not_bound bad_source no_socket no_route tx_error nomem ratelimit ratelimit_total; do
	check_ne "dropped $r" absent "$(metric "peer_relay_dropped_packets_total{reason=\"$r\"}")"
done
check_eq "sockets" 2 "$(metric peer_relay_sockets)"
check_contains "build_info" 'peer_relay_build_info{version="' "$(cat "$T/metrics")"
check_eq "textfile success" 1 "$(metric peer_relay_textfile_success)"
check_eq "node_textfile_scrape_error" 0 "$(metric node_textfile_scrape_error)"
check_contains "TYPE" "# TYPE peer_relay_forwarded_packets_total counter" "$(cat "$T/metrics")"
check_contains "HELP" "# HELP peer_relay_endpoints " "$(cat "$T/metrics")"
check_contains "TYPE gauge" "# TYPE peer_relay_endpoints gauge" "$(cat "$T/metrics")"
check_eq "temporary files left" "peer_relay.prom" "$(ls -A "$TDIR")"
test_end

test_begin "scraped forwarded counters rise by exactly what was sent"
cp "$T/metrics" "$T/metrics.before"
open_session $A4 5001 $B4 5002 "$(key 1)" "$(key 2)" || test_error "session 1"
V1=$VNI
forward_ok "v4 a->b" in_a $A4 5001 in_b $B4 5002 "$(wg_packet $V1)" 7
forward_ok "v4 b->a" in_b $B4 5002 in_a $A4 5001 "$(wg_packet $V1)" 3
open_session $A6 5003 $B4 5004 "$(key 3)" "$(key 4)" || test_error "session 2"
forward_ok "v6->v4" in_a $A6 5003 in_b $B4 5004 "$(wg_packet $VNI)" 5
open_session $A6 5005 $B6 5006 "$(key 5)" "$(key 6)" || test_error "session 3"
forward_ok "v6->v6" in_a $A6 5005 in_b $B6 5006 "$(wg_packet $VNI)" 4
check_ok "writer" "$WRITER" --dir "$TDIR"
check_ok "scrape" scrape
len=$(hexlen "$(wg_packet 1)")
delta() {	# delta KEY: change between metrics.before and metrics
	_b=$(awk -v k="$1" '$1 == k { printf "%.0f", $2 }' "$T/metrics.before")
	echo $(( $(metric "$1") - ${_b:-0} ))
}
check_eq "udp4->udp4 packets" 10 "$(delta "$(fwd packets udp4 udp4)")"
check_eq "udp4->udp4 bytes" $((10 * len)) "$(delta "$(fwd bytes udp4 udp4)")"
check_eq "udp6->udp4 packets" 5 "$(delta "$(fwd packets udp6 udp4)")"
check_eq "udp6->udp4 bytes" $((5 * len)) "$(delta "$(fwd bytes udp6 udp4)")"
check_eq "udp6->udp6 packets" 4 "$(delta "$(fwd packets udp6 udp6)")"
check_eq "udp4->udp6 packets" 0 "$(delta "$(fwd packets udp4 udp6)")"
check_eq "endpoints open" 3 "$(metric 'peer_relay_endpoints{state="open"}')"
check_eq "sessions created" 3 "$(delta peer_relay_sessions_created_total)"
test_end

test_begin "drops by reason reach Prometheus exactly"
cp "$T/metrics" "$T/metrics.before"
send_from in_a "$(ep $C4 5001)" "$(ep $R4A $RELAY_PORT)" "$(wg_packet $V1)" 6	# third party
send_from in_a "$(ep $A4 5009)" "$(ep $R4A $RELAY_PORT)" "$(wg_packet 4242)" 2	# unknown VNI
sleep 0.3
check_ok "writer" "$WRITER" --dir "$TDIR"
check_ok "scrape" scrape
check_eq "bad_source" 6 "$(delta 'peer_relay_dropped_packets_total{reason="bad_source"}')"
check_eq "unknown_vni" 2 "$(delta 'peer_relay_dropped_packets_total{reason="unknown_vni"}')"
check_eq "forwarded udp4->udp4" 0 "$(delta "$(fwd packets udp4 udp4)")"
test_end

test_begin "sysfs source gives the same series as relayctl"
series() { grep '^peer_relay_' "$TDIR/peer_relay.prom" | grep -v -e '^peer_relay_build_info' -e '^peer_relay_textfile_' | sort; }
check_ok "writer relayctl" "$WRITER" --dir "$TDIR"
series >"$T/s.relayctl"
check_ok "writer sysfs" "$WRITER" --dir "$TDIR" --source sysfs
series >"$T/s.sysfs"
check_eq "identical series" "" "$(diff "$T/s.relayctl" "$T/s.sysfs" | head -c 300)"
check_ge "number of series" 28 "$(wc -l <"$T/s.sysfs" | tr -d ' ')"
check_ok "scrape" scrape
check_eq "success (sysfs)" 1 "$(metric peer_relay_textfile_success)"
test_end

test_begin "every series the Grafana dashboard queries is served"
DASH=/stage/usr/local/share/peer_relay/grafana/peer_relay.json
names=$(grep -o 'peer_relay_[a-z_]*' "$DASH" 2>/dev/null | sort -u)
check_ge "series names in the dashboard" 8 "$(echo "$names" | grep -c .)"
for n in $names; do
	grep -q "^$n[{ ]" "$T/metrics" || test_error "$n not in the scrape"
done
test_end

test_begin "relayd's own counters (--metrics-file) are served next to the kernel's"
relayd_stop
relayd_start --family both --metrics-file "$TDIR/peer_relay_relayd.prom" ||
	test_error "relayd --metrics-file"
check_ok "written at start" test -s "$TDIR/peer_relay_relayd.prom"
MV=$(session_add "$(key 61)" "$(key 62)") || test_error "session"
# three control packets of a known VNI: the kernel passes them, relayd's
# handshake rejects the (unauthenticated) box and counts each
send_from in_a "$(ep $A4 5061)" "$(ep $R4A $RELAY_PORT)" "$(geneve "$MV" control)$DISCO_BODY" 3 ||
	test_error "send"
sleep 11	# the next periodic write (every 10 s)
check_ok "scrape" scrape
check_eq "relayd up" 1 "$(metric peer_relay_relayd_up)"
check_eq "control packets handled" 3 "$(metric 'peer_relay_relayd_control_packets_total{outcome="handled"}')"
check_eq "handshake outcomes (all results)" 3 \
	"$(awk '/^peer_relay_relayd_handshake_total\{/ { s += $2 } END { print s + 0 }' "$T/metrics")"
check_eq "kernel data plane, not relayd's" 0 "$(metric peer_relay_relayd_userspace_dataplane)"
check_eq "node_textfile_scrape_error" 0 "$(metric node_textfile_scrape_error)"
relayd_stop
check_ok "scrape after relayd stopped" scrape
check_eq "relayd up after stop" 0 "$(metric peer_relay_relayd_up)"
relayd_start --family both || test_error "relayd restart"
test_end

test_begin "unreadable counters: success 0, no stale series, exit 1"
check_fail "writer with a failing relayctl" "$WRITER" --dir "$TDIR" --relayctl /bin/false
check_ok "scrape" scrape
check_eq "success" 0 "$(metric peer_relay_textfile_success)"
check_eq "forwarded series gone" absent "$(metric "$(fwd packets udp4 udp4)")"
check_ne "timestamp" absent "$(metric peer_relay_textfile_timestamp_seconds)"
check_fail "missing directory" "$WRITER" --dir "$T/nonexistent"
test_end

ktap_finished
