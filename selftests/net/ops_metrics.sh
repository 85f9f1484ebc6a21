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
# Then a real Prometheus scrapes it and evaluates every expression of the
# dashboard and of contrib/prometheus/peer_relay.rules.yml.
# The relay runs in the initial namespace (sysfs shows only it).
# vm-image: full
# vm-timeout: 420
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
# the limit comes from the configuration, which sysfs does not show
series() { grep '^peer_relay_' "$TDIR/peer_relay.prom" | grep -v -e '^peer_relay_build_info' -e '^peer_relay_textfile_' -e '^peer_relay_sessions_limit' | sort; }
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
# the netlink source (the default): the sysfs one has no sessions limit
check_ok "writer" "$WRITER" --dir "$TDIR"
check_ok "scrape" scrape
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

# ---- a real Prometheus ---------------------------------------------------
# prometheus (Debian's, in the image) scrapes node_exporter and evaluates
# the installed rules every 2 s. Every expression the Grafana
# dashboard and the rules use is then evaluated through the HTTP API: the
# dashboard's must return series with the values the traffic implies, each
# recording rule must agree with relayctl, and each alert (its state as
# Prometheus evaluated it, /api/v1/rules) must be inactive while the relay
# is healthy and become pending for the relay once the condition it names
# is provoked (the `for` durations are minutes; the unit tests cover them).
test_begin "a real Prometheus scrapes node_exporter and loads every rule"
RULES=/stage/usr/local/share/peer_relay/prometheus/peer_relay.rules.yml
INST=127.0.0.1:9100
command -v prometheus >/dev/null || bail "prometheus not in the image (apt-get install prometheus)"
[ -f "$RULES" ] || bail "$RULES missing (staged make install)"
relayd_stop
relayd_start --family both --metrics-file "$TDIR/peer_relay_relayd.prom" ||
	test_error "relayd --metrics-file"
printf '%s\n' 'global:' '  scrape_interval: 2s' '  evaluation_interval: 2s' \
	"rule_files: [ \"$RULES\" ]" 'scrape_configs:' '  - job_name: node' \
	"    static_configs: [ { targets: [ \"$INST\" ] } ]" >"$T/prometheus.yml"
prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/tsdb" \
	--web.listen-address=127.0.0.1:9090 --log.level=warn >"$T/prom.log" 2>&1 &
BG_PIDS="$BG_PIDS $!"
api() { wget -q -O "$T/api.json" "http://127.0.0.1:9090/api/v1/$1"; }
i=0
until wget -q -O /dev/null http://127.0.0.1:9090/-/ready 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 300 ] || bail "prometheus not ready: $(tail -n 3 "$T/prom.log")"
	sleep 0.2
done
# q EXPR: evaluate EXPR now; the result vector in $T/q.json
q() {
	_u=$(jq -rn --arg q "$1" '$q | @uri')
	wget -q -O "$T/q.json" "http://127.0.0.1:9090/api/v1/query?query=$_u" ||
		echo '{"data":{"result":[]}}' >"$T/q.json"
}
nseries() { jq '.data.result | length' "$T/q.json"; }
# val [JQ-CONDITION]: value of the first (matching) series, 3 decimals at most
val() {
	jq -r "[.data.result[] | select(${1:-true})][0].value[1] // \"none\"
		| if . == \"none\" then . else (tonumber * 1000 | round / 1000 | tostring) end" "$T/q.json"
}
# sync_prom: write the textfile, wait until Prometheus scraped it, then for
# two rule evaluations (every 2 s: Prometheus shares the TCG CPUs)
sync_prom() {	# [WRITER-ARGS]: a writer meant to fail may
	"$WRITER" --dir "$TDIR" "$@" || [ $# -gt 0 ] || test_error "writer"
	_ts=$(awk '$1 == "peer_relay_textfile_timestamp_seconds" { print $2 }' "$TDIR/peer_relay.prom")
	_i=0
	while :; do
		q peer_relay_textfile_timestamp_seconds
		[ "$(jq -r '.data.result[0].value[1] // 0' "$T/q.json")" = "$_ts" ] && break
		_i=$((_i + 1))
		[ $_i -lt 60 ] || { test_error "prometheus did not scrape the new file"; return 1; }
		sleep 0.5
	done
	sleep 4.5	# two rule evaluations
}
sync_prom
q "up{instance=\"$INST\"}"
check_eq "target up" 1 "$(val)"
api rules
jq -r '.data.groups[].rules[] | .name' "$T/api.json" | sort >"$T/rules.loaded"
check_ge "rules loaded" 15 "$(wc -l <"$T/rules.loaded" | tr -d ' ')"
check_eq "rules not ok" "" "$(jq -r '.data.groups[].rules[] | select(.health != "ok") | "\(.name): \(.lastError)"' "$T/api.json")"
test_end

# dash_exprs: every target of the dashboard, variables resolved the way
# Grafana does for "All" relays (5m windows: the checks take a while under TCG)
dash_exprs() {
	jq -r '.panels[] | .title as $t | (.targets // [])[] | "\($t)\t\(.expr)"' "$DASH" |
		sed -e 's/\$__rate_interval/5m/g' -e 's/\$instance/.*/g'
}

test_begin "every dashboard query returns the series the traffic implies"
open_session $A4 5101 $B4 5102 "$(key 71)" "$(key 72)" || test_error "session"
PV=$VNI
forward_ok "v4 a->b" in_a $A4 5101 in_b $B4 5102 "$(wg_packet $PV)" 20
send_from in_a "$(ep $C4 5101)" "$(ep $R4A $RELAY_PORT)" "$(wg_packet $PV)" 5	# bad_source
sync_prom
q 'max(time() - peer_relay_textfile_timestamp_seconds{instance=~".*"})'
AGE=$(val)
check_ok "metrics age under 30 s ($AGE)" awk -v a="$AGE" 'BEGIN { exit !(a < 30) }'
# relayctl's counts as the writer had them (a connecting session of an
# earlier test may expire any moment: a later read could differ)
prom_val() { awk -v k="$1" '$1 == k { print $2 }' "$TDIR/peer_relay.prom"; }
OPEN=$(prom_val 'peer_relay_endpoints{state="open"}')
CONN=$(prom_val 'peer_relay_endpoints{state="connecting"}')
q 'sum(peer_relay_endpoints{instance=~".*",state="open"})'
check_eq "open sessions panel" "$OPEN" "$(val)"
q 'sum by (state) (peer_relay_endpoints{instance=~".*"})'
check_eq "connecting sessions" "$CONN" "$(val '.metric.state == "connecting"')"
q 'sum by (instance) (peer_relay_sockets{instance=~".*"})'
check_eq "sockets panel" 2 "$(val)"
q 'min by (instance) (peer_relay_textfile_success{instance=~".*"})'
check_eq "collection panel" 1 "$(val)"
q 'sum by (reason) (rate(peer_relay_dropped_packets_total{instance=~".*"}[5m])) > 0'
check_ne "drops panel shows bad_source" none "$(val '.metric.reason == "bad_source"')"
q 'sum by (transport_in, transport_out) (rate(peer_relay_forwarded_packets_total{instance=~".*"}[5m]))'
check_eq "family pairs" 4 "$(nseries)"
check_ne "udp4->udp4 forwarding rate" 0 "$(val '.metric.transport_in == "udp4" and .metric.transport_out == "udp4"')"
# every target in one query, each tagged with its index (one query is
# much cheaper than thirteen under TCG)
dash_exprs >"$T/dash.tsv"
NQ=$(wc -l <"$T/dash.tsv" | tr -d ' ')
check_ge "dashboard queries" 12 "$NQ"
q "$(jq -Rrs 'split("\n") | map(select(length > 0) | split("\t")) | to_entries
	| map("label_replace((\(.value[1])), \"panel\", \"\(.key)\", \"\", \"\")") | join(" or ")' "$T/dash.tsv")"
jq -r '[.data.result[].metric.panel] | unique | .[]' "$T/q.json" >"$T/panels.ok"
k=0
while IFS="$(printf '\t')" read -r title expr; do
	grep -qx "$k" "$T/panels.ok" || test_error "panel '$title' returns nothing: $expr"
	k=$((k + 1))
done <"$T/dash.tsv"
test_end

test_begin "recording rules agree with relayctl"
q '{__name__=~"instance(_reason|_result)?:peer_relay_.*"}'
for r in $(grep -v '^PeerRelay' "$T/rules.loaded"); do
	[ "$(val ".metric.__name__ == \"$r\"")" != none ] || test_error "$r recorded nothing"
done
LIMIT=$(prom_val peer_relay_sessions_limit)
rec() { val ".metric.__name__ == \"$1\"${2:+ and $2}"; }
check_eq "sessions:sum" "$((OPEN + CONN))" "$(rec instance:peer_relay_sessions:sum)"
check_eq "sessions:utilisation" \
	"$(jq -rn --argjson n $((OPEN + CONN)) --argjson l "$LIMIT" '$n / $l * 1000 | round / 1000 | tostring')" \
	"$(rec instance:peer_relay_sessions:utilisation)"
check_eq "dropped rate5m: every reason" 10 \
	"$(jq '[.data.result[] | select(.metric.__name__ == "instance_reason:peer_relay_dropped_packets:rate5m")] | length' "$T/q.json")"
check_ne "dropped rate5m: bad_source" 0 "$(rec instance_reason:peer_relay_dropped_packets:rate5m '.metric.reason == "bad_source"')"
check_ne "forwarded rate5m" 0 "$(rec instance:peer_relay_forwarded_packets:rate5m)"
check_ne "handshake rate5m" none "$(rec instance_result:peer_relay_relayd_handshake:rate5m)"
test_end

# alerts: what Prometheus itself made of each alert expression at its
# last evaluation: NAME STATE(inactive|pending|firing) N-SERIES, one a line
alerts() {
	api rules
	jq -r '.data.groups[].rules[] | select(.type == "alerting")
		| "\(.name) \(.state) \(.alerts | length)"' "$T/api.json" >"$T/alerts"
}
# alert NAME: "STATE N"
alert() { awk -v n="$1" '$1 == n { print $2, $3 }' "$T/alerts"; }
alert_label() { jq -r --arg n "$1" '.data.groups[].rules[] | select(.name == $n) | .alerts[0].labels["'"$2"'"] // "none"' "$T/api.json"; }

test_begin "alert expressions: silent while healthy"
alerts
check_eq "alerting rules" 8 "$(wc -l <"$T/alerts" | tr -d ' ')"
check_eq "active alerts" "" "$(awk '$2 != "inactive"' "$T/alerts")"
test_end

test_begin "alert expressions: each returns the relay once its condition holds"
# handshakes: 120 control packets relayd rejects (unauthenticated boxes)
HV=$(session_add "$(key 73)" "$(key 74)") || test_error "session"
send_from in_a "$(ep $A4 5161)" "$(ep $R4A $RELAY_PORT)" "$(geneve "$HV" control)$DISCO_BODY" 120 ||
	test_error "send"
# drops: 4500 from a third party (bad_source): over 10/s in 5 min
send_from in_a "$(ep $C4 5101)" "$(ep $R4A $RELAY_PORT)" "$(wg_packet $PV)" 4500
# rate limit: 1 datagram/s per source, then 600 plain disco packets
# (passed to userspace, so rate limited) from one
relayctl config set pass-rate 1 pass-burst 1 || test_error "config set pass-rate"
send_from in_a "$(ep $A4 5162)" "$(ep $R4A $RELAY_PORT)" "$DISCO_BODY" 600
# sessions: the limit at what is allocated
N=$(relayctl -j stats | jq '.sessions.open + .sessions.connecting')
relayctl config set max-sessions "$N" || test_error "config set max-sessions"
sleep 11	# relayd's next metrics write
sync_prom
alerts
check_eq "PeerRelayHandshakesFailing" "pending 1" "$(alert PeerRelayHandshakesFailing)"
check_eq "PeerRelayDropsHigh" "pending 1" "$(alert PeerRelayDropsHigh)"
check_eq "PeerRelayDropsHigh reason" bad_source "$(alert_label PeerRelayDropsHigh reason)"
check_eq "PeerRelayRateLimited" "pending 1" "$(alert PeerRelayRateLimited)"
check_eq "PeerRelaySessionsNearLimit" "pending 1" "$(alert PeerRelaySessionsNearLimit)"
check_eq "nothing else" "" "$(awk '$2 != "inactive"' "$T/alerts" | grep -v -e HandshakesFailing -e DropsHigh -e RateLimited -e SessionsNearLimit)"
relayctl config set pass-rate 2000 pass-burst 4000 max-sessions 1048576 || test_error "config restore"
# relayd stops: no socket, relayd_up 0
relayd_stop
sync_prom
alerts
check_eq "PeerRelayNoSockets" "pending 1" "$(alert PeerRelayNoSockets)"
check_eq "PeerRelayDaemonDown" "pending 1" "$(alert PeerRelayDaemonDown)"
relayd_start --family both || test_error "relayd restart"
# the counters cannot be read
sync_prom --relayctl /bin/false 2>/dev/null	# it says it cannot read them
alerts
check_eq "PeerRelayDown" "pending 1" "$(alert PeerRelayDown)"
# a fresh file is not stale (5 minutes cannot be waited for here:
# peer_relay.rules.test.yml tests the firing side)
check_eq "PeerRelayMetricsStale silent on a fresh file" "inactive 0" "$(alert PeerRelayMetricsStale)"
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
