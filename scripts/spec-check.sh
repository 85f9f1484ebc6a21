#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# spec-check.sh [RESULTS]
#
# The netlink spec's checks (scripts/nlspec/check.py: schema at the
# place ynl looks, schema validation, references, generated-file drift),
# as TAP collected into RESULTS (default build/results/spec.txt).
# Needs python3-yaml and python3-jsonschema (scripts/install-deps.sh).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
results=${1:-$top/build/results/spec.txt}
out=$top/build/spec
mkdir -p "$out" "$(dirname "$results")"

python3 "$top/scripts/nlspec/check.py" >"$out/spec.tap" 2>&1
rc=$?
cat "$out/spec.tap"
rm -f "$results"
"$top/selftests/collect.sh" spec "$rc" "$out/spec.tap" "$results" >/dev/null
! grep -q '^not ok' "$results"
