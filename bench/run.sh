#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench/run.sh: build the benchmark image (the test image plus trafgen,
# bench/bench.sh and build/bench/*), boot it once (selftests/vm/run.sh,
# 2 GiB of memory for the 1,000,000 sessions) and collect the results:
#   build/bench/results.txt   the table
#   build/bench/results.json  the same as one JSON object (stable keys)
#   build/bench/perf-NAME.txt profiles, with BENCH_PERF=1
# Run through `make bench` (which builds the module, tools and programs).
# Environment: BENCH_QUICK=1 (short runs, 20k sessions: a smoke test),
# BENCH_SECS (seconds per measurement, default 3), BENCH_KO (module file to
# benchmark instead of build/kmod/peer_relay.ko), BENCH_PERF=1 (add perf to the
# image and profile: ip_forward and the kernel relay at the moderate load,
# the session installation), BENCH_INSN=1 (instruction counts instead:
# bench/insn.sh in the VM, bench/insnplugin.c in qemu, results in
# build/bench/insn.{txt,json}), VM_MEM, KVER.
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
for p in benchpkt ufrelay prinstall insnmark; do
	add+=(--add "$build/bench/$p:/usr/bin/$p")
done
add+=(--add "$top/bench/insn.sh:/selftests/net/bench-insn.sh")
insn_log=$build/bench/insn-counts.txt
if [[ ${BENCH_INSN:-0} == 1 ]]; then
	mkdir -p "$build/bench"
	rm -f "$insn_log"
	export VM_QEMU_ARGS="${VM_QEMU_ARGS:-} -plugin $build/bench/insnplugin.so,out=$insn_log,prof=1"
	export VM_ACCEL=tcg	# instructions are counted by TCG only
	# BENCH_ICOUNT=1: deterministic pacing, one host thread for all vCPUs
	# (qemu's -icount); QEMU 7.2 does not bring the second vCPU up at boot
	# there, so the guest boots with one and bench.sh onlines the other.
	if [[ ${BENCH_ICOUNT:-0} == 1 ]]; then
		VM_QEMU_ARGS+=" -icount shift=0,sleep=off"
		icount_append="maxcpus=1"
	fi
fi
# perf (linux-perf): the ELF binary, not Debian's version-dispatching
# wrapper script; mkinitramfs.sh copies the libraries ldd lists.
perf_bin() {
	local p
	for p in /usr/bin/perf /usr/bin/perf_[0-9]* /usr/lib/linux-tools*/perf; do
		[[ -f $p && -x $p ]] && head -c 4 "$p" | grep -q ELF && { echo "$p"; return 0; }
	done
	return 1
}
if [[ ${BENCH_PERF:-0} == 1 ]]; then
	perf=$(perf_bin) || { echo "bench: BENCH_PERF=1 needs perf (apt-get install linux-perf)" >&2; exit 1; }
	add+=(--add "$perf:/usr/bin/perf")
fi
"$top/selftests/vm/mkinitramfs.sh" --kver "$KVER" --out "$image" "${add[@]}"

append="prbench_quick=${BENCH_QUICK:-0} prbench_secs=${BENCH_SECS:-3} prbench_debug=${BENCH_DEBUG:-0} prbench_perf=${BENCH_PERF:-0} prbench_insn=${BENCH_INSN:-0} ${icount_append:-}"
VM_MEM=${VM_MEM:-2G} VM_TIMEOUT=${VM_TIMEOUT:-2400} \
	VM_APPEND="$append" "$top/selftests/vm/run.sh" --image "$image" bench || rc=$?
tap=$build/vm/logs/bench.tap
mkdir -p "$build/bench"
if [[ ${BENCH_INSN:-0} == 1 ]]; then
	python3 "$top/bench/insn-report.py" "$insn_log" "$tap" \
		"$build/bench/insn.json" >"$build/bench/insn.txt" || rc=1
	cat "$build/bench/insn.txt"
	exit "${rc:-0}"
fi
sed -n '/^forwarders, /,/^rtt ip_forward/p' "$tap" >"$build/bench/results.txt"
sed -n 's/^BENCH-JSON //p' "$tap" | tail -n 1 >"$build/bench/results.json"
# Profiles: "PERF-NAME line" -> build/bench/perf-NAME.txt (replacing the
# last profiled run's).
if [[ ${BENCH_PERF:-0} == 1 ]]; then
	rm -f "$build"/bench/perf-*.txt
	awk -v dir="$build/bench" '/^PERF-[^ ]+ / {
		f = dir "/perf-" substr($1, 6) ".txt"; sub(/^[^ ]+ /, ""); print > f }' "$tap"
	ls "$build"/bench/perf-*.txt 2>/dev/null | sed 's/^/profile: /' || true
fi
if [[ ! -s $build/bench/results.json ]]; then
	echo "bench: no results (see $build/vm/logs/bench.log)" >&2
	exit 1
fi
echo "=== results ($build/bench/results.json) ==="
cat "$build/bench/results.txt"
exit "${rc:-0}"
