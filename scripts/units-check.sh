#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# units-check.sh [RESULTS]
#
# The files an operator installs but no VM scenario runs (the VM has no
# systemd), checked offline as TAP collected into RESULTS (default
# build/results/units.txt):
#   - every systemd unit as `make install` writes it (a staged install,
#     @SBINDIR@ and friends substituted) passes `systemd-analyze verify`;
#     the only complaint allowed is that an ExecStart program is missing
#     on this host when the staged install has it
#   - a unit broken on purpose is reported (the check can fail)
#   - the keepalived example passes `keepalived -t` (its config test)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
results=${1:-$top/build/results/units.txt}
out=$top/build/units
stage=$out/stage
mkdir -p "$out" "$(dirname "$results")"
rm -f "$results"
tap=$out/units.tap

# verify UNIT-FILE: systemd-analyze verify, programs looked up in $stage
verify() {
	local unit=$1 name line prog rc=0
	name=$(basename "$unit")
	[[ $name == *@.* ]] && name=${name/@./@check.}	# an instance of a template
	(cd "$(dirname "$unit")" && systemd-analyze verify --man=no "./$name") >"$out/verify.log" 2>&1
	while IFS= read -r line; do
		prog=$(sed -n 's/.*Command \(\/[^ ]*\) is not executable: No such file or directory$/\1/p' <<<"$line")
		if [[ -n $prog && -x $stage$prog ]]; then
			continue	# installed by us, just not on this host
		fi
		echo "$line"
		rc=1
	done <"$out/verify.log"
	return $rc
}

broken_unit_caught() {
	local tmp=$out/mutant
	rm -rf "$tmp" && mkdir -p "$tmp"
	sed 's/^Restart=on-failure/Restart=sometimes/' "$units/relayd.service" >"$tmp/relayd.service"
	cmp -s "$units/relayd.service" "$tmp/relayd.service" && { echo "mutation did not apply"; return 1; }
	! verify "$tmp/relayd.service"
}

n=0
point() {	# point DESC CMD...: one TAP line, CMD's output as diagnostics if it fails
	local desc=$1
	shift
	n=$((n + 1))
	if "$@" >"$out/point.log" 2>&1; then
		echo "ok $n $desc"
	else
		sed 's/^/# /' "$out/point.log" | head -n 20
		echo "not ok $n $desc"
	fi
}

{
	echo "TAP version 13"
	rm -rf "$stage"
	if ! command -v systemd-analyze >/dev/null || ! command -v keepalived >/dev/null; then
		echo "1..0 # SKIP systemd-analyze or keepalived missing (scripts/install-deps.sh)"
	elif ! make -C "$top" --no-print-directory install DESTDIR="$stage" >"$out/install.log" 2>&1; then
		sed 's/^/# /' "$out/install.log" | tail -n 20
		echo "1..1"
		echo "not ok 1 make install DESTDIR=... (staged) for the units"
	else
		units=$(dirname "$(find "$stage" -name relayd.service | head -n 1)")
		for u in "$units"/*.service "$units"/*.socket "$units"/*.timer; do
			[[ -e $u ]] && point "systemd-analyze verify $(basename "$u") (as installed)" verify "$u"
		done
		point "negative: a bad setting in relayd.service is reported" broken_unit_caught
		point "keepalived -t accepts contrib/keepalived/keepalived.conf" \
			keepalived -t -f "$top/contrib/keepalived/keepalived.conf"
		echo "1..$n"
	fi
} >"$tap"
cat "$tap"
"$top/selftests/collect.sh" units 0 "$tap" "$results" >/dev/null
! grep -q '^not ok' "$results"
