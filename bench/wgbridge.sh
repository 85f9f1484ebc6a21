#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench/wgbridge.sh [COUNT]: how many datagrams per second two
# `relay-client wg` bridges carry, on this host, through relayd's userspace
# data plane on 127.0.0.1, with a UDP blaster in place of WireGuard
# (bench/wgblast.c):
#
#   wgblast send -> bridge A -> relayd --userspace -> bridge B -> wgblast sink
#
# For each datagram size (1452: a full WireGuard message at MTU 1420; 148:
# a TCP ACK) and GSO/GRO on and off: the rate at the sink while the sender
# offers as much as it can (unpaced), the loss, and each bridge's CPU time
# per delivered datagram. "direct" is the blaster
# straight into the sink (the ceiling of the method). Needs `make tools`;
# root for buffers beyond rmem_max. Not part of `make check`; the figure is
# in Documentation/performance.md ("WireGuard bridge").
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/bench
rc=$top/build/tools/relay-client/relay-client
rd=$top/build/tools/relayd/relayd
count=${1:-300000}
mkdir -p "$out"
cc -O2 -Wall -Wextra -Werror -o "$out/wgblast" "$top/bench/wgblast.c"
blast=$out/wgblast
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

base=$((40000 + $$ % 10000))
la=$((base + 1)) lb=$((base + 2)) sink=$((base + 3))

sk=$("$rc" genkey -o "$tmp/relay.key")
ka=$("$rc" genkey -o "$tmp/a.key")
kb=$("$rc" genkey -o "$tmp/b.key")
printf '%s\n%s\n' "$ka" "$kb" >"$tmp/grants"
"$rd" --userspace --port 0 --family 4 --key "$tmp/relay.key" --grants "$tmp/grants" \
	--rate-limit 0 >"$tmp/relayd.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q 'on UDP port' "$tmp/relayd.log" && break; sleep 0.1; done
rport=$(sed -n 's/.*on UDP port \([0-9]*\).*/\1/p' "$tmp/relayd.log" | head -n 1)
[[ -n $rport ]] || { cat "$tmp/relayd.log"; exit 1; }

# bridges OPTS...: (re)start both bridges, wait until they are up
bridges() {
	local p
	for p in "${bpids[@]:-}"; do [[ -n $p ]] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	bpids=()
	"$rc" -j wg --key "$tmp/a.key" --peer "$kb" --allocate --relay "127.0.0.1:$rport" \
		--server-key "$sk" --listen "127.0.0.1:$la" "$@" >"$tmp/a.log" 2>&1 &
	bpids+=($!)
	"$rc" -j wg --key "$tmp/b.key" --peer "$ka" --allocate --relay "127.0.0.1:$rport" \
		--server-key "$sk" --listen "127.0.0.1:$lb" --wg "127.0.0.1:$sink" "$@" >"$tmp/b.log" 2>&1 &
	bpids+=($!)
	pids+=("${bpids[@]}")
	for _ in $(seq 100); do
		grep -q '"event":"up"' "$tmp/a.log" && grep -q '"event":"up"' "$tmp/b.log" && return 0
		sleep 0.1
	done
	echo "bridges not up" >&2; cat "$tmp/a.log" "$tmp/b.log" >&2; exit 1
}

# cpu PID...: user+system CPU time of the processes, in clock ticks
cpu() {
	local p t=0
	for p in "$@"; do
		t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat")))
	done
	echo "$t"
}
hz=$(getconf CLK_TCK)

# run NAME PORT SIZE: one measurement into the table (with the bridges'
# CPU time per delivered datagram: a figure load on the host disturbs less
# than the rate)
run() {
	local name=$1 port=$2 size=$3 res c0=0 c1=0 us=-
	"$blast" sink --port "$sink" --idle 1000 >"$tmp/sink.out" &
	local sp=$!
	for _ in $(seq 50); do grep -qs ready "$tmp/sink.out" && break; sleep 0.05; done
	[[ -z ${bpids[*]:-} ]] || c0=$(cpu "${bpids[@]}")
	"$blast" send --to "$port" --size "$size" --count "$count" >/dev/null
	wait "$sp"
	[[ -z ${bpids[*]:-} ]] || c1=$(cpu "${bpids[@]}")
	res=$(tail -n 1 "$tmp/sink.out")
	read -r _ n _ _ _ secs _ pps _ mbit <<<"$res"
	if [[ -n ${bpids[*]:-} ]] && ((n > 0)); then
		us=$(awk -v c=$((c1 - c0)) -v hz="$hz" -v n="$n" 'BEGIN { printf "%.2f", c / hz * 1e6 / n / 2 }')
	fi
	printf '| %-22s | %5s | %9s | %8s | %6s | %5s %% | %5s |\n' "$name" "$size" "$n" \
		"$pps" "$mbit" "$(awk -v n="$n" -v c="$count" 'BEGIN { printf "%.1f", (c - n) * 100 / c }')" "$us"
}

echo "host: $(nproc) CPUs, $(uname -r); $count datagrams per run, unpaced"
echo
echo "| path                   |  size | delivered | datagr/s | Mbit/s |  loss   | CPU µs/datagram per bridge |"
echo "|---|---|---|---|---|---|---|"
for size in 1452 148; do
	run "direct" "$sink" "$size"
done
bpids=()
bridges
for size in 1452 148; do
	run "bridges, GSO/GRO" "$la" "$size"
done
bridges --no-gso --no-gro
for size in 1452 148; do
	run "bridges, no GSO/GRO" "$la" "$size"
done
kill -USR1 "${bpids[0]}"
sleep 0.3
grep '"event":"stats"' "$tmp/a.log" | tail -n 1
