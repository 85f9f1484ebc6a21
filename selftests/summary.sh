#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# summary.sh RESULTS...
#
# Count the result lines written by collect.sh and print exactly one line
# "N passed, N failed[, N skipped]". Exit 1 if anything failed or if there
# are no results at all.
set -u
cat "$@" 2>/dev/null | awk '
/^not ok - / && !/# *SKIP/ { f++; next }
/^(not )?ok - .*# *SKIP/ { s++; next }
/^ok - / { p++ }
END {
	line = sprintf("%d passed, %d failed", p, f)
	if (s) line = line sprintf(", %d skipped", s)
	print line
	exit (f > 0 || p + f + s == 0) ? 1 : 0
}'
