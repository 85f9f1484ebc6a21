#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The benchmark, run inside the test VM (bench/run.sh puts it into the
# image as /selftests/net/bench.sh). Method: Documentation/performance.md.
#
#   a (sender: benchpkt send, CPU0) --va/ra-- r (forwarder) --rb/vb-- b (sink, CPU0)
#
# Receive processing of ra (the forwarder's ingress) is steered to CPU1 by
# RPS, that of vb (the sink's ingress) to CPU0: the forwarder's own work is
# what loads CPU1. Forwarders, on the same frames (Geneve data, UDP payload
# 64 and 1200 bytes):
#   ip_forward   plain IPv4 forwarding of the UDP flow to b (the limit)
#   kernel       peer_relay (relayd attaches the sockets, sessions over
#                netlink)
#   userspace    ufrelay (tools/lib/uforward.c), three CPU placements
# For each: max forwarded pps when offered ~1.2x what a probe forwarded,
# and CPU time per forwarded packet at a fixed moderate load. Then
# sessions (1 / 1000 active / 1,000,000 installed), netlink installation
# rate, kernel memory per session, RTT percentiles.
# The results: a table on stdout and one JSON line "BENCH-JSON {...}".
# BENCH_QUICK=1 shortens the runs (smoke test of the script).
# vm-timeout: 1500
. /selftests/lib.sh

UPORT=7788		# userspace relay port
SPORT=5001		# sender port (first session)
DPORT=7000		# sink port
ECHO_PORT=7100		# RTT echo server
RTT_PORT=6001		# RTT client
VNI0=100
BIG_VNI0=1000000	# the 1M installed sessions
SINK4=10.0.2.3		# see setup()
for _arg in $(cat /proc/cmdline); do
	case $_arg in
	prbench_quick=*) BENCH_QUICK=${_arg#*=} ;;
	prbench_secs=*) BENCH_SECS=${_arg#*=} ;;
	prbench_debug=*) BENCH_DEBUG=${_arg#*=} ;;
	esac
done
SECS=${BENCH_SECS:-3}
RTT_N=500
BIG_N=1000000
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	SECS=1 RTT_N=50 BIG_N=20000
fi

ktap_header
J=$T/json		# "key": value lines of the result object
: >"$J"
jput() { echo "\"$1\": $2," >>"$J"; }

calc() { awk "BEGIN { printf \"%.${2:-0}f\", ($1) }"; }

# cpu_busy: "busy0 busy1" in USER_HZ ticks since boot (/proc/stat).
cpu_busy() {
	awk '/^cpu[01] / { printf "%d ", $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}

setup() {
	topology || bail "topology"
	# Fixed MACs so the frames can be built before the run.
	ip -n a link set va address 02:00:00:00:01:02
	ip -n r link set ra address 02:00:00:00:01:01
	ip netns exec r sh -c 'echo 2 >/sys/class/net/ra/queues/rx-0/rps_cpus'
	ip netns exec r sh -c 'echo 2 >/sys/class/net/rb/queues/rx-0/rps_cpus'
	ip netns exec b sh -c 'echo 1 >/sys/class/net/vb/queues/rx-0/rps_cpus'
	ip netns exec a sh -c 'echo 1 >/sys/class/net/va/queues/rx-0/rps_cpus'
	# Neighbours are static: no ARP inside the measurement.
	ip -n r neigh replace $B4 lladdr "$(ip -n b -o link show vb | sed 's/.*link\/ether \([^ ]*\).*/\1/')" dev rb
	ip -n r neigh replace $A4 lladdr 02:00:00:00:01:02 dev ra
	# The throughput sink: an address of b whose neighbour entry on the
	# relay is a MAC nobody has. vb takes the frames (its rx counter is
	# the forwarded count) and IP drops them at once as PACKET_OTHERHOST,
	# so the sink costs next to nothing.
	ip -n b addr add $SINK4/24 dev vb
	ip -n r neigh replace $SINK4 lladdr 02:00:00:00:02:99 dev rb
	# GSO super-datagrams (the userspace relay's sendmmsg+UDP_SEGMENT)
	# are cut into datagrams on rb, by the forwarder's CPU, as on a NIC
	# without UDP segmentation offload; vb then counts datagrams.
	ip -n r link set rb gso_max_segs 1
	ip -n b route add default via $R4B
	ip -n a route add default via $R4A
	diag "rps_cpus ra $(ip netns exec r cat /sys/class/net/ra/queues/rx-0/rps_cpus) vb $(ip netns exec b cat /sys/class/net/vb/queues/rx-0/rps_cpus)"
	load_module
	# The relay socket, held by prinstall rather than relayd: relayd
	# follows every session event, which would load the CPU during the
	# installation measurement (its cost is not the kernel's).
	$(nsprefix in_r) prinstall --attach 0.0.0.0:$RELAY_PORT >"$T/hold.out" 2>&1 &
	BG_PIDS="$BG_PIDS $!"
	_i=0
	until grep -qs ready "$T/hold.out"; do
		sleep 0.1
		_i=$((_i + 1))
		[ $_i -lt 100 ] || bail "socket attach: $(cat "$T/hold.out")"
	done
	in_r relayctl config set bind-lifetime 86400000 idle-lifetime 86400000 \
		max-sessions 1048576 >/dev/null || bail "config set"
	diag "kernel $(uname -r), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
}

# frames DST-IP DST-PORT SIZE NFLOWS VNI0 VNISTEP > file: the sender's
# frame options (benchpkt frame prints the same frames as trafgen config).
frames() {
	echo --smac 02:00:00:00:01:02 --dmac 02:00:00:00:01:01 \
		--src $A4:$SPORT --dst "$1:$2" --size "$3" --count "$4" \
		--vni "$5" --vni-step "${6:-1}"
}

# run FRAMES RATE SECS: offer RATE pps of the frames for SECS seconds from
# a on CPU0 (benchpkt send: AF_PACKET, paced) to the forwarder; count what
# the forwarder put on rb (vb's rx counter). Sets GOT_PPS, GOT_PKTS,
# SENT_PPS, BUSY0, BUSY1 (ticks of CPU0, CPU1 during the run).
vb_rx() { in_b awk '$1 == "vb:" { print $3 }' /proc/net/dev; }
run() {
	_n=$(calc "$2 * $3")
	_c0=$(vb_rx)
	_b0=$(cpu_busy)
	taskset -c 0 nsenter --net=/run/netns/a benchpkt send $(cat "$1") \
		--dev va --rate "$2" --total "$_n" >"$T/send.out" 2>&1
	sleep 0.3	# the backlog drains
	_b1=$(cpu_busy)
	_c1=$(vb_rx)
	set -- $_b0 $_b1
	BUSY0=$(( $3 - $1 )) BUSY1=$(( $4 - $2 ))
	_secs=$(sed -n 's/.*"seconds":\([0-9.]*\).*/\1/p' "$T/send.out")
	RUN_SECS=${_secs:-0}
	SENT_PPS=$(sed -n 's/.*"pps":\([0-9.]*\).*/\1/p' "$T/send.out")
	GOT_PKTS=$(( _c1 - _c0 ))
	GOT_PPS=$(calc "$GOT_PKTS / (${_secs:-0} + 0.3)")
	[ "${BENCH_DEBUG:-0}" = 0 ] || diag "send $(cat "$T/send.out") got $GOT_PKTS busy $BUSY0 $BUSY1; $(in_r relayctl -j stats | tr -d ' \n' | cut -c1-300)"
	[ "$GOT_PKTS" != 0 ] || diag "nothing forwarded; sender: $(tail -n 3 "$T/send.out" | tr '\n' '|')"
}

# saturate NAME CFG: probe, then offer 1.2x what the probe forwarded.
saturate() {
	run "$2" 400000 0.15
	_probe=$GOT_PPS
	[ "$(calc "$_probe > 0")" = 1 ] || { SAT=0; diag "$1: probe forwarded nothing"; return 1; }
	_rate=$(calc "$_probe * 1.2 + 1000")
	run "$2" "$_rate" $SECS
	SAT_BUSY=$(calc "$BUSY1 / ($RUN_SECS + 0.3)")	# ticks are 1/100 s
	diag "$1: offered $_rate pps (sender achieved $SENT_PPS), forwarded $GOT_PPS pps (probe $_probe), forwarding CPU ${SAT_BUSY}% busy"
	SAT=$GOT_PPS
}

# cpu_cost NAME CFG RATE: ns of CPU per forwarded packet at RATE; the
# forwarding CPU's busy time plus whatever CPU0 spent beyond the
# ip_forward reference run (sender and sink cost the same everywhere).
cpu_cost() {
	run "$2" "$3" $SECS
	_extra=0
	[ -n "${REF_BUSY0:-}" ] && _extra=$(( BUSY0 - REF_BUSY0 ))
	[ "$_extra" -lt 0 ] && _extra=0
	COST=$(calc "($BUSY1 + $_extra) * 10000000 / ($GOT_PKTS + 1)")
	diag "$1 at $3 pps: forwarded $GOT_PPS pps, CPU1 $BUSY1 ticks, CPU0 $BUSY0 ticks, $COST ns/packet"
}

ufrelay_start() {	# ufrelay_start CPUS [NSESS [A-PORT-DIV]]
	$(nsprefix in_r) ufrelay --bind 0.0.0.0:$UPORT --cpus "$1" \
		--a $A4:$SPORT --b $SINK4:$DPORT --vni $VNI0 --sessions "${2:-1}" \
		>"$T/ufrelay.out" 2>&1 &
	UF_PID=$!
	_i=0
	until grep -qs ready "$T/ufrelay.out"; do
		sleep 0.1
		_i=$((_i + 1))
		[ $_i -lt 100 ] || { diag "ufrelay: $(cat "$T/ufrelay.out")"; return 1; }
	done
}

ufrelay_stop() {
	kill "$UF_PID" 2>/dev/null
	wait "$UF_PID" 2>/dev/null
	diag "ufrelay: $(tail -n 1 "$T/ufrelay.out")"
}

gbps() { calc "$1 * $2 * 8 / 1e9" 3; }	# gbps PPS PAYLOAD

kernel_sessions() {	# kernel_sessions N: sessions VNI0.. for the flows
	in_r relayctl session flush >/dev/null
	in_r prinstall --count "$1" --vni $VNI0 --a $A4:$SPORT --b $SINK4:$DPORT \
		--fixed-b >"$T/inst.out" || { diag "prinstall: $(cat "$T/inst.out")"; return 1; }
}

setup

# ------------------------------------------------------------ throughput
for size in 64 1200; do
	frames $SINK4 $DPORT $size 1 $VNI0 >"$T/fwd.cfg"
	frames $R4A $RELAY_PORT $size 1 $VNI0 >"$T/krn.cfg"
	frames $R4A $UPORT $size 1 $VNI0 >"$T/usr.cfg"

	in_r sysctl -qw net.ipv4.ip_forward=1
	saturate "ip_forward/$size" "$T/fwd.cfg"; FWD_SAT=$SAT FWD_BUSY=$SAT_BUSY
	in_r sysctl -qw net.ipv4.ip_forward=0

	kernel_sessions 1 || bail "kernel sessions"
	saturate "kernel/$size" "$T/krn.cfg"; KRN_SAT=$SAT KRN_BUSY=$SAT_BUSY

	USR_SAT=0 USR_CPUS=
	for cpus in 1 0 0,1; do
		ufrelay_start $cpus || bail "ufrelay"
		saturate "userspace(cpus $cpus)/$size" "$T/usr.cfg"
		ufrelay_stop
		jput "userspace_cpus_$(echo $cpus | tr , _)_pps_$size" "$SAT"
		if [ "$(calc "$SAT > $USR_SAT")" = 1 ]; then
			USR_SAT=$SAT USR_CPUS=$cpus USR_BUSY=$SAT_BUSY
		fi
	done

	# Moderate load: half of the slowest forwarder's saturation rate.
	LOAD=$(awk -v a=$FWD_SAT -v b=$KRN_SAT -v c=$USR_SAT \
		'BEGIN { m = a; if (b < m) m = b; if (c < m) m = c; printf "%d", m / 2 }')
	REF_BUSY0=
	in_r sysctl -qw net.ipv4.ip_forward=1
	cpu_cost "ip_forward/$size" "$T/fwd.cfg" $LOAD; FWD_COST=$COST
	REF_BUSY0=$BUSY0
	in_r sysctl -qw net.ipv4.ip_forward=0
	cpu_cost "kernel/$size" "$T/krn.cfg" $LOAD; KRN_COST=$COST
	ufrelay_start $USR_CPUS || bail "ufrelay"
	cpu_cost "userspace/$size" "$T/usr.cfg" $LOAD; USR_COST=$COST
	ufrelay_stop

	for f in ip_forward kernel userspace; do
		case $f in
		ip_forward) p=$FWD_SAT c=$FWD_COST b=$FWD_BUSY ;;
		kernel) p=$KRN_SAT c=$KRN_COST b=$KRN_BUSY ;;
		userspace) p=$USR_SAT c=$USR_COST b=$USR_BUSY ;;
		esac
		jput "${f}_pps_$size" "$p"
		jput "${f}_gbps_$size" "$(gbps "$p" $size)"
		jput "${f}_pps_ratio_limit_$size" "$(calc "$p / $FWD_SAT" 3)"
		jput "${f}_pps_ratio_userspace_$size" "$(calc "$p / $USR_SAT" 3)"
		jput "${f}_cpu_ns_per_pkt_$size" "$c"
		jput "${f}_sat_forwarding_cpu_busy_pct_$size" "$b"
		jput "${f}_cpu_ratio_limit_$size" "$(calc "$c / $FWD_COST" 3)"
		printf '%-10s %5d %10s %8s %7s %7s %9s %7s\n' "$f" $size "$p" \
			"$(gbps "$p" $size)" "$(calc "$p / $FWD_SAT" 2)" \
			"$(calc "$p / $USR_SAT" 2)" "$c" "$(calc "$c / $FWD_COST" 2)" \
			>>"$T/table"
	done
	jput "userspace_best_cpus_$size" "\"$USR_CPUS\""
	jput "moderate_load_pps_$size" "$LOAD"
done

# ------------------------------------------------------------ sessions
frames $R4A $RELAY_PORT 64 1 $BIG_VNI0 >"$T/krn1.cfg"
frames $R4A $RELAY_PORT 64 1000 $VNI0 >"$T/krn1k.cfg"
frames $R4A $UPORT 64 1000 $VNI0 >"$T/usr1k.cfg"

kernel_sessions 1000 || bail "kernel sessions"
saturate "kernel/1000 active" "$T/krn1k.cfg"; jput kernel_pps_1k_active "$SAT"
K1K=$SAT
ufrelay_start $USR_CPUS 1000 || bail "ufrelay"
saturate "userspace/1000 active" "$T/usr1k.cfg"; jput userspace_pps_1k_active "$SAT"
ufrelay_stop

# 1M installed: memory from /proc/meminfo (Slab, Percpu, MemFree) and the
# per-cache view of /proc/slabinfo; install rate from prinstall.
in_r relayctl session flush >/dev/null
sync; echo 3 >/proc/sys/vm/drop_caches
meminfo() { awk -v k="$1:" '$1 == k { print $2 * 1024 }' /proc/meminfo; }
slabs() { awk 'NR > 2 { print $1, $2 * $4 }' /proc/slabinfo | sort >"$1"; }
slabs "$T/slab.0"
m0_slab=$(meminfo Slab) m0_pcpu=$(meminfo Percpu) m0_free=$(meminfo MemFree)
# Active sessions are every 1000th: VNI BIG_VNI0 + 1000 j, port SPORT + j.
in_r prinstall --count $BIG_N --vni $BIG_VNI0 --a $A4:$SPORT --b $SINK4:$DPORT \
	--fixed-b --a-port-div 1000 --batch 256 >"$T/inst.out" ||
	diag "prinstall: $(cat "$T/inst.out")"
diag "install: $(cat "$T/inst.out")"
sleep 1	# RCU callbacks of the installs
slabs "$T/slab.1"
m1_slab=$(meminfo Slab) m1_pcpu=$(meminfo Percpu) m1_free=$(meminfo MemFree)
INST_RATE=$(sed -n 's/.*"sessions_per_s":\([0-9]*\).*/\1/p' "$T/inst.out")
jput install_sessions_per_s "${INST_RATE:-0}"
jput sessions_installed "$BIG_N"
jput mem_slab_bytes_per_session "$(calc "($m1_slab - $m0_slab) / $BIG_N")"
jput mem_percpu_bytes_per_session "$(calc "($m1_pcpu - $m0_pcpu) / $BIG_N")"
jput mem_total_bytes_per_session "$(calc "($m0_free - $m1_free) / $BIG_N")"
diag "slab caches grown by the install (bytes per session):"
awk -v n=$BIG_N 'NR == FNR { before[$1] = $2; next }
	{ d = ($2 - before[$1]) / n; if (d >= 1) printf "#   %-24s %7.1f\n", $1, d }' "$T/slab.0" "$T/slab.1" | tee "$T/slab.d"
jput mem_slab_caches "\"$(sed 's/^# *//' "$T/slab.d" | tr -s ' ' | tr '\n' ';')\""

frames $R4A $RELAY_PORT 64 1000 $BIG_VNI0 1000 >"$T/krn1m.cfg"
saturate "kernel/1M installed, 1000 active" "$T/krn1m.cfg"; jput kernel_pps_1m_installed "$SAT"
K1M=$SAT
saturate "kernel/1M installed, 1 active" "$T/krn1.cfg"; jput kernel_pps_1m_installed_1_active "$SAT"
in_r relayctl session flush >/dev/null
jput kernel_pps_1_session "$(sed -n 's/^"kernel_pps_64": \(.*\),$/\1/p' "$J")"

# ------------------------------------------------------------ latency
kernel_sessions 1 >/dev/null
in_r relayctl session add "$(key 201)" "$(key 202)" vni 50 >/dev/null 2>&1
in_r relayctl session bind 50 0 $A4:$RTT_PORT >/dev/null
in_r relayctl session bind 50 1 $B4:$ECHO_PORT >/dev/null
$(nsprefix in_b) benchpkt echo --bind $B4:$ECHO_PORT &
ECHO_PID=$!
BG_PIDS="$BG_PIDS $ECHO_PID"
sleep 0.2
in_a benchpkt rtt --bind $A4:$RTT_PORT --to $R4A:$RELAY_PORT --vni 50 \
	--size 64 --count $RTT_N --interval-us 2000 >"$T/rtt.k"
$(nsprefix in_r) ufrelay --bind 0.0.0.0:$UPORT --cpus 1 --a $A4:$RTT_PORT \
	--b $B4:$ECHO_PORT --vni 50 >"$T/ufrelay.out" 2>&1 &
UF_PID=$!
sleep 0.5
in_a benchpkt rtt --bind $A4:$RTT_PORT --to $R4A:$UPORT --vni 50 \
	--size 64 --count $RTT_N --interval-us 2000 >"$T/rtt.u"
ufrelay_stop
in_r sysctl -qw net.ipv4.ip_forward=1
in_a benchpkt rtt --bind $A4:$RTT_PORT --to $B4:$ECHO_PORT --vni 50 \
	--size 64 --count $RTT_N --interval-us 2000 >"$T/rtt.f"
in_r sysctl -qw net.ipv4.ip_forward=0
jput rtt_kernel "$(cat "$T/rtt.k")"
jput rtt_userspace "$(cat "$T/rtt.u")"
jput rtt_ip_forward "$(cat "$T/rtt.f")"

# ------------------------------------------------------------ GRO check
# A socket with UDP_GRO set takes GSO super-datagrams whole: one skb of
# 16 data datagrams (UDP_SEGMENT from a, kept whole by veth) must leave
# the relay as 16 datagrams (kmod/rx.c pr_rx_gso()).
GRO_PORT=$((RELAY_PORT + 1))
$(nsprefix in_r) prinstall --attach 0.0.0.0:$GRO_PORT --gro >"$T/hold2.out" 2>&1 &
BG_PIDS="$BG_PIDS $!"
sleep 0.5
in_r relayctl session add "$(key 203)" "$(key 204)" vni 70 >/dev/null 2>&1
in_r relayctl session bind 70 0 $A4:6200 >/dev/null
in_r relayctl session bind 70 1 $B4:7200 >/dev/null
$(nsprefix in_b) benchpkt sink --bind $B4:7200 --idle-ms 1000 \
	--timeout-ms 5000 >"$T/gro.out" &
GRO_SINK=$!
sleep 0.3
in_a benchpkt gsosend --bind $A4:6200 --to $R4A:$GRO_PORT --vni 70 \
	--size 200 --count 16 || diag "gsosend failed"
wait $GRO_SINK
GRO_GOT=$(sed -n 's/.*"packets":\([0-9]*\).*/\1/p' "$T/gro.out")
diag "GRO check: $(cat "$T/hold2.out" | head -n 1), sink $(cat "$T/gro.out")"
jput gro_check_forwarded "${GRO_GOT:-0}"

# ------------------------------------------------------------ report
echo "forwarder   size        pps   Gbit/s  /limit /userspc  ns/pkt  cpu/limit"
cat "$T/table"
echo "sessions (64 B, kernel): 1 $(sed -n 's/^"kernel_pps_64": \(.*\),$/\1/p' "$J") pps," \
	"1000 active $K1K pps, 1M installed (1000 active) $K1M pps"
sed -n 's/^"\(mem_[a-z_]*\|install_[a-z_]*\)": \(.*\),$/\1 \2/p' "$J"
echo "rtt kernel $(cat "$T/rtt.k")"
echo "rtt userspace $(cat "$T/rtt.u")"
echo "rtt ip_forward $(cat "$T/rtt.f")"
echo "BENCH-JSON {\"version\": 1, \"kernel\": \"$(uname -r)\", \"cpus\": $(nproc), \"secs\": $SECS, $(tr '\n' ' ' <"$J" | sed 's/, *$//')}"

test_begin "benchmark completed"
check_ne "kernel relay forwarded" 0 "$(sed -n 's/^"kernel_pps_64": \(.*\),$/\1/p' "$J")"
test_end
test_begin "a GSO super-datagram of 16 is forwarded as 16 datagrams"
check_eq "datagrams at b" 16 "${GRO_GOT:-0}"
test_end
ktap_finished
