#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run.sh --out DIR (--seconds N | --total N | --regress) [--jobs J] [--results FILE] HARNESS...
#
# Run libFuzzer harnesses DIR/<h>_fuzz over the seed corpus fuzz/corpus/<h>
# plus the working corpus DIR/corpus/<h> and print one TAP line each:
#   ok N fuzz <h> execs=E cov=C ft=F corpus=K secs=S
#   not ok N fuzz <h> ...: crash/leak/timeout, artifact in DIR/artifacts/<h>/
# --seconds N: N seconds per harness; --total N: about N seconds of wall
# time for all of them (libFuzzer's clock has 1 s granularity, so each
# gets at least 1 s and really runs ~2 s; --total runs two at a time
# unless --jobs says otherwise); --regress: only replay the corpora.
# --results FILE: also write the outcome in selftests/collect.sh format.
# Exit status 1 if any harness failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out= secs= total= regress=0 results= jobs=
hs=()
while (($#)); do
	case $1 in
	--out) out=$2; shift 2 ;;
	--seconds) secs=$2; shift 2 ;;
	--total) total=$2; shift 2 ;;
	--regress) regress=1; shift ;;
	--results) results=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	-h|--help) sed -n '3,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) hs+=("$1"); shift ;;
	esac
done
[[ -n $out && ${#hs[@]} -gt 0 ]] || { echo "usage: run.sh --out DIR --seconds N HARNESS..." >&2; exit 2; }
if [[ -n $total ]]; then
	jobs=${jobs:-2}
	# ~2 s of overhead per harness beyond its -max_total_time
	secs=$(( (total * jobs / ${#hs[@]}) - 1 ))
	((secs >= 1)) || secs=1
fi
jobs=${jobs:-1}
[[ -n $secs || $regress == 1 ]] || secs=60

tap=$(mktemp)
res=$(mktemp -d)
trap 'rm -rf "$tap" "$res"' EXIT

# run_one N HARNESS: fuzz one harness, its TAP line(s) into $res/N.
run_one() {
	local n=$1 h=$2 bin=$out/${2}_fuzz work=$out/corpus/$2 art=$out/artifacts/$2
	local log=$out/logs/$2.log seeds=() args rc start el execs cov ft corp stats why
	mkdir -p "$work" "$art" "$out/logs"
	[[ -d $here/corpus/$h ]] && seeds=("$here/corpus/$h")
	if [[ ! -x $bin ]]; then
		echo "not ok $n fuzz $h: $bin not built" >"$res/$n"
		return
	fi
	if ((regress)); then
		args=(-runs=0)
	else
		args=(-max_total_time="$secs")
	fi
	start=$(date +%s.%N)
	# -max_len: the largest datagram a relay handles in practice; the
	# handshake/alloc harnesses take several datagrams per input.
	"$bin" "${args[@]}" -print_final_stats=1 -max_len=8192 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$art/" \
		"$work" "${seeds[@]}" >"$log" 2>&1
	rc=$?
	el=$(echo "$(date +%s.%N) - $start" | bc)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	corp=$(grep -o 'corp: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	stats="execs=${execs:-?} cov=${cov:-?} ft=${ft:-?} corpus=${corp:-?} secs=$(printf '%.1f' "$el")"
	if ((rc == 0)); then
		echo "ok $n fuzz $h $stats" >"$res/$n"
	else
		why=$(grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|invariant failed|SUMMARY:' "$log" | cut -c1-200)
		{
			echo "not ok $n fuzz $h $stats exit=$rc: ${why:-see $log}"
			grep -m3 -E 'Test unit written to' "$log" | sed 's/^/# /'
			echo "# log: $log"
		} >"$res/$n"
	fi
}

echo "TAP version 13" | tee "$tap"
echo "1..${#hs[@]}" | tee -a "$tap"
n=0 fail=0
for h in "${hs[@]}"; do
	n=$((n + 1))
	run_one "$n" "$h" &
	while (($(jobs -rp | wc -l) >= jobs)); do
		wait -n
	done
done
wait
for ((i = 1; i <= n; i++)); do
	tee -a "$tap" <"$res/$i"
	grep -q '^not ok' "$res/$i" && fail=1
done
if [[ -n $results ]]; then
	rm -f "$results"
	"$top/selftests/collect.sh" fuzz "$fail" "$tap" "$results" >/dev/null
fi
exit $fail
