#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run.sh BUILD_DIR RESULTS NAME...
#
# Run each host unit test BUILD_DIR/NAME (a kselftest_harness.h program),
# show its TAP output and record the results through collect.sh.
# A test whose binary is missing failed to build and counts as failed.
set -u
bindir=$1 results=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
collect=$here/../collect.sh
mkdir -p "$(dirname "$results")"
rc_all=0
for t in "$@"; do
	log=$bindir/$t.tap
	if [[ ! -x $bindir/$t ]]; then
		echo "not ok - unit/$t: build failed" | tee -a "$results"
		rc_all=1
		continue
	fi
	echo "# unit/$t"
	timeout -k 5 120 "$bindir/$t" >"$log" 2>&1
	rc=$?
	sed 's/^/#   /' "$log"
	"$collect" "unit/$t" "$rc" "$log" "$results" >/dev/null
	grep -E '^(not )?ok - ' "$results" | grep -F -- "- unit/$t:" || true
	grep -q "^not ok - unit/$t:" "$results" && rc_all=1
done
exit $rc_all
