#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# collect.sh NAME RC TAPFILE RESULTS
#
# Turn the TAP/KTAP output of one test program or scenario (TAPFILE, its
# exit status RC) into result lines appended to RESULTS and printed:
#   ok - NAME: description
#   ok - NAME: description # SKIP reason
#   not ok - NAME: description
# Only top-level result lines count (nested/indented and "#" lines do not).
# A missing or short plan, "Bail out!", a timeout or a non-zero exit status
# without any failing test point each add a failing line, so a program that
# crashes half way can never look green.
set -u
name=$1 rc=$2 tap=$3 results=$4

awk -v name="$name" -v rc="$rc" '
function emit(s) { print s; lines[++nl] = s }
/^[0-9]+\.\.[0-9]+/ && !have_plan {
	plan = $1; sub(/^[0-9]+\.\./, "", plan); plan += 0; have_plan = 1
	if (plan == 0 && $0 ~ /# *SKIP/) {
		reason = $0; sub(/^[^#]*# *SKIP */, "", reason)
		emit("ok - " name ": # SKIP " reason); skipped_all = 1
	}
	next
}
/^(not )?ok( |$)/ {
	notok = ($0 ~ /^not ok/)
	desc = $0; sub(/^(not )?ok *[0-9]* *-? */, "", desc)
	directive = ""
	if (match(desc, /# *(SKIP|skip|XFAIL|TODO)/)) {
		directive = substr(desc, RSTART); desc = substr(desc, 1, RSTART - 1)
		sub(/ +$/, "", desc)
	}
	if (desc == "") desc = "test " (count + 1)
	count++
	if (directive ~ /SKIP|skip/) { emit("ok - " name ": " desc " " directive); next }
	if (directive ~ /XFAIL|TODO/) notok = 0
	if (notok) { failed++; emit("not ok - " name ": " desc) }
	else emit("ok - " name ": " desc)
	next
}
/^Bail out!/ { bail = $0 }
END {
	if (bail != "") { failed++; emit("not ok - " name ": " bail) }
	if (have_plan && !skipped_all && count != plan) {
		failed++
		emit("not ok - " name ": planned " plan " tests, " count " reported")
	}
	if (!have_plan && count > 0) {
		failed++; emit("not ok - " name ": no plan line (output incomplete)")
	}
	if (!have_plan && count == 0 && !skipped_all) {
		if (rc == 4) emit("ok - " name ": # SKIP no tests (exit 4)")
		else { failed++; emit("not ok - " name ": no TAP output (exit " rc ")") }
	} else if (rc == 124 || rc == 137) {
		failed++; emit("not ok - " name ": timed out")
	} else if (rc != 0 && rc != 4 && !failed) {
		emit("not ok - " name ": exit status " rc " without a failing test")
	}
}' "$tap" | tee -a "$results"
