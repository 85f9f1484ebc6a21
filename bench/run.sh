#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench/run.sh: build the benchmark image (the test image plus trafgen,
# bench/bench.sh and build/bench/*), boot it once (selftests/vm/run.sh,
# 2 GiB of memory for the 1,000,000 sessions) and collect the results:
#   build/bench/results.txt   the table
#   build/bench/results.json  the same as one JSON object (stable keys)
# Run through `make bench` (which builds the module, tools and programs).
# Environment: BENCH_QUICK=1 (short runs, 20k sessions: a smoke test),
# BENCH_SECS (seconds per measurement, default 3), BENCH_KO (module file to
# benchmark instead of kmod/peer_relay.ko), VM_MEM, KVER.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
KVER=${KVER:-$(ls -d /lib/modules/6.1*-amd64 | sort -V | tail -n 1 | xargs basename)}
image=$build/vm/bench.cpio
add=(--add "$top/bench/bench.sh:/selftests/net/bench.sh")
# trafgen (netsniff-ng) is optional: the frames `benchpkt frame` prints
# are trafgen configurations, handy to reproduce a run by hand.
if trafgen=$(command -v trafgen); then
	add+=(--add "$trafgen:/usr/sbin/trafgen")
fi
# BENCH_KO=FILE benchmarks another build of the module (before/after).
if [[ -n ${BENCH_KO:-} ]]; then
	add+=(--add "$BENCH_KO:/lib/modules/$KVER/updates/peer_relay.ko")
fi
for p in benchpkt ufrelay prinstall; do
	add+=(--add "$build/bench/$p:/usr/bin/$p")
done
"$top/selftests/vm/mkinitramfs.sh" --kver "$KVER" --out "$image" "${add[@]}"

append="prbench_quick=${BENCH_QUICK:-0} prbench_secs=${BENCH_SECS:-3} prbench_debug=${BENCH_DEBUG:-0}"
VM_MEM=${VM_MEM:-2G} VM_TIMEOUT=${VM_TIMEOUT:-1500} \
	VM_APPEND="$append" "$top/selftests/vm/run.sh" --image "$image" bench || rc=$?
tap=$build/vm/logs/bench.tap
mkdir -p "$build/bench"
sed -n '/^forwarder /,/^rtt ip_forward/p' "$tap" >"$build/bench/results.txt"
sed -n 's/^BENCH-JSON //p' "$tap" | tail -n 1 >"$build/bench/results.json"
if [[ ! -s $build/bench/results.json ]]; then
	echo "bench: no results (see $build/vm/logs/bench.log)" >&2
	exit 1
fi
echo "=== results ($build/bench/results.json) ==="
cat "$build/bench/results.txt"
exit "${rc:-0}"
