#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# rules-check.sh [RESULTS]
#
# The operator-facing PromQL, checked offline with promtool (Debian's
# prometheus package), as TAP collected into RESULTS (default
# build/results/rules.txt):
#   1 contrib/prometheus/peer_relay.rules.yml is valid (promtool check rules)
#   2 its unit tests pass (promtool test rules peer_relay.rules.test.yml)
#   3 every rule is exercised by a unit test
#   4 a rule broken on purpose makes the unit tests fail
#   5 every query of contrib/grafana/peer_relay.json parses
# selftests/net/ops_metrics.sh evaluates all of them on a live Prometheus.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
results=${1:-$top/build/results/rules.txt}
out=$top/build/rules
dir=$top/contrib/prometheus
rules=$dir/peer_relay.rules.yml
tests=$dir/peer_relay.rules.test.yml
dash=$top/contrib/grafana/peer_relay.json
mkdir -p "$out" "$(dirname "$results")"
rm -f "$results"
tap=$out/rules.tap

# point N DESC CMD...: one TAP line, CMD's output as diagnostics if it fails
point() {
	local n=$1 desc=$2
	shift 2
	if "$@" >"$out/point.log" 2>&1; then
		echo "ok $n $desc"
	else
		sed 's/^/# /' "$out/point.log" | head -n 40
		echo "not ok $n $desc"
	fi
}

untested() {	# names of rules no test mentions
	local name bad=0
	for name in $(sed -n 's/^ *- \(alert\|record\): *\([^ ]*\).*/\2/p' "$rules"); do
		grep -Eq "(alertname|expr): *$name\$" "$tests" || { echo "untested: $name"; bad=1; }
	done
	return $bad
}

broken_rule_caught() {	# PeerRelayNoSockets with a wrong threshold must fail
	local tmp=$out/mutant
	rm -rf "$tmp" && mkdir -p "$tmp"
	sed 's/expr: peer_relay_sockets == 0/expr: peer_relay_sockets == 1/' "$rules" >"$tmp/peer_relay.rules.yml"
	cmp -s "$rules" "$tmp/peer_relay.rules.yml" && { echo "mutation did not apply"; return 1; }
	cp "$tests" "$tmp/"
	! promtool test rules "$tmp/peer_relay.rules.test.yml"
}

dashboard_parses() {	# each target as a recording rule, variables resolved
	command -v jq >/dev/null || { echo "jq missing"; return 1; }
	{
		echo "groups:"
		echo "  - name: dashboard"
		echo "    rules:"
		jq -r '.panels[] | (.targets // [])[] | .expr' "$dash" |
			sed -e 's/\$__rate_interval/1m/g' -e 's/\$instance/.*/g' |
			while IFS= read -r e; do
				printf '      - record: dashboard:query\n        expr: %s\n' \
					"$(jq -rn --arg e "$e" '$e | tojson')"
			done
	} >"$out/dashboard.rules.yml"
	[[ $(grep -c 'record:' "$out/dashboard.rules.yml") -ge 10 ]] ||
		{ echo "too few dashboard queries"; return 1; }
	promtool check rules "$out/dashboard.rules.yml"
}

{
	echo "TAP version 13"
	if ! command -v promtool >/dev/null; then
		echo "1..0 # SKIP promtool missing (apt-get install prometheus)"
	else
		echo "1..5"
		point 1 "peer_relay.rules.yml is valid" promtool check rules "$rules"
		point 2 "peer_relay.rules.yml unit tests pass" promtool test rules "$tests"
		point 3 "every alert and recording rule has a unit test" untested
		point 4 "negative: a wrong threshold fails the unit tests" broken_rule_caught
		point 5 "every Grafana dashboard query parses" dashboard_parses
	fi
} >"$tap"
cat "$tap"
"$top/selftests/collect.sh" rules 0 "$tap" "$results" >/dev/null
! grep -q '^not ok' "$results"
