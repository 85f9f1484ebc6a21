# SPDX-License-Identifier: GPL-2.0-only
#
# Instruction-count windows (BENCH_INSN=1), sourced by bench.sh after its
# setup (same topology, sender on CPU0, the forwarder's work on CPU1).
# Each window is bracketed by `insnmark LABEL/begin` and `insnmark
# LABEL/end`; bench/insnplugin.c snapshots the per-vCPU instruction
# counters at each mark and bench/insn-report.py turns the pairs into
# instructions per forwarded packet (idle windows subtracted, scaled by
# each window's duration). "INSN-PKTS LABEL PACKETS RATE" lines give the
# packets forwarded (vb's rx counter) or sessions installed.

ISECS=$SECS
IRATE=4000			# moderate load
IHIGH="8000 16000"		# higher loads: the userspace relay batches more
ITSECS=$((ISECS * 2))		# table-size windows: span an expiry period (3 s)

# iwin LABEL CFG RATE SECS: offer RATE pps of the frames in CFG for SECS s.
iwin() {
	_c0=$(vb_rx)
	insnmark "$1/begin"
	taskset -c 0 nsenter --net=/run/netns/a benchpkt send $(cat "$2") --dev va \
		--rate "$3" --total $(($3 * $4)) >"$T/send.out" 2>&1
	sleep 0.3
	insnmark "$1/end"
	_c1=$(vb_rx)
	IPKTS=$((_c1 - _c0))
	echo "INSN-PKTS $1 $IPKTS $3"
}

iidle() {
	insnmark "idle$1/begin"
	sleep "$ISECS"
	sleep 0.3
	insnmark "idle$1/end"
}

# forwarders RATE SIZES SETS: ip_forward, kernel relay, userspace relay.
forwarders() {
	for size in $2; do
		for set in $3; do
			opt=
			[ $set = rxcsum ] && opt=--csum-offload
			echo "$(frames $SINK4 $DPORT $size 1 $VNI0) $opt" >"$T/fwd.cfg"
			echo "$(frames $R4A $RELAY_PORT $size 1 $VNI0) $opt" >"$T/krn.cfg"
			echo "$(frames $R4A $UPORT $size 1 $VNI0) $opt" >"$T/usr.cfg"
			ip_forward_ref on
			iwin "ip_forward/$size/$set/$1" "$T/fwd.cfg" "$1" "$ISECS"
			ip_forward_ref off
			kernel_sessions 1 || bail "kernel sessions"
			iwin "kernel/$size/$set/$1" "$T/krn.cfg" "$1" "$ISECS"
			KPKTS=$((${KPKTS:-0} + IPKTS))
			in_r relayctl session flush >/dev/null
			ufrelay_start 1 || bail "ufrelay"
			iwin "userspace/$size/$set/$1" "$T/usr.cfg" "$1" "$ISECS"
			ufrelay_stop
		done
	done
}

echo "INSN-CONF secs $ISECS rate $IRATE high $IHIGH big $BIG_N"
# Text symbols (the module is loaded) for the per-function profile.
echo 0 >/proc/sys/kernel/kptr_restrict
awk '$2 ~ /^[tT]$/ { print "INSN-KSYM", $1, $3 }' /proc/kallsyms
iidle 0
forwarders $IRATE "64 1200" "rxcsum nocsum"
# What the relay's hooks cost a relay host's other forwarded UDP traffic
# (they see every datagram; only the relay port's data is theirs).
echo "$(frames $SINK4 $DPORT 64 1 $VNI0) --csum-offload" >"$T/fwd.cfg"
in_r sysctl -qw net.ipv4.ip_forward=1
iwin "ip_forward_hooked/64/rxcsum/$IRATE" "$T/fwd.cfg" "$IRATE" "$ISECS"
in_r sysctl -qw net.ipv4.ip_forward=0
iidle 1
for r in $IHIGH; do
	forwarders "$r" "64 1200" rxcsum
done
iidle 2

# Table size: 1000 active flows among 1000 and among BIG_N installed, at
# the moderate and the highest load. Lifetimes as by default (expiry
# period 3 s: a tenth of the 30 s bind lifetime), the idle one long
# enough that nothing expires during the run.
in_r relayctl config set bind-lifetime 30000 idle-lifetime 600000 >/dev/null ||
	bail "config set"
HIGHEST=${IHIGH##* }
# table_windows N LABEL VNI [DIV]: 1000 active flows among the N installed
# sessions from VNI (every DIV-th), at both loads, then the bind latency.
table_windows() {
	# shellcheck disable=SC2086
	frames $R4A $RELAY_PORT 64 1000 $3 $4 >"$T/table.cfg"
	for r in $IRATE $HIGHEST; do
		iwin "table/1k-of-$2/$r" "$T/table.cfg" "$r" "$ITSECS"
	done
	in_r prinstall --bind-latency 300 --vni $3 --a $A4:$SPORT --interval-ms 10 \
		>"$T/lat.out" 2>&1 || diag "bind latency: $(cat "$T/lat.out")"
	echo "INSN-BINDLAT $1 $(cat "$T/lat.out")"
}
kernel_sessions 1000 || bail "kernel sessions"
table_windows 1000 1k $VNI0
in_r relayctl session flush >/dev/null
sleep 1
iidle 3
insnmark "install/begin"
in_r prinstall --count $BIG_N --vni $BIG_VNI0 --a $A4:$SPORT --b $SINK4:$DPORT \
	--fixed-b --a-port-div $BIG_DIV --batch 256 >"$T/inst.out" ||
	diag "prinstall: $(cat "$T/inst.out")"
sleep 1		# RCU callbacks of the installs, as part of their cost
insnmark "install/end"
echo "INSN-PKTS install $BIG_N 0"
echo "INSN-INSTALL $(cat "$T/inst.out")"
table_windows $BIG_N $BIG_N $BIG_VNI0 $BIG_DIV
in_r relayctl session flush >/dev/null

test_begin "instruction-count windows completed"
check_ne "kernel relay forwarded" 0 "${KPKTS:-0}"
test_end
ktap_finished
