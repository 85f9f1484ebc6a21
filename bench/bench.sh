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
# and CPU time per forwarded packet at a fixed moderate load; twice: with
# the frames marked as a NIC with receive checksum offload would have them
# (benchpkt send --csum-offload: CHECKSUM_PARTIAL, the headline set,
# JSON keys *_rxcsum_*) and as veth has them (full UDP checksum that the
# relays verify in software; the keys of version 1). Then sessions (1 /
# 1000 active / 1,000,000 installed, no offload as in version 1), netlink
# installation rate, kernel memory per session, RTT percentiles.
# The results: tables on stdout and one JSON line "BENCH-JSON {...}".
# BENCH_QUICK=1 shortens the runs (smoke test of the script).
# BENCH_INSN=1 replaces all of it by the instruction-count windows of
# bench/insn.sh (guest instructions counted by bench/insnplugin.c).
# BENCH_PERF=1 adds perf profiles (cpu-clock; no PMU under TCG) of
# ip_forward and the kernel relay at the moderate load and of the session
# installation: "PERF-NAME line" lines, which bench/run.sh turns into
# build/bench/perf-NAME.txt.
# vm-timeout: 2400
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
	prbench_perf=*) BENCH_PERF=${_arg#*=} ;;
	prbench_insn=*) BENCH_INSN=${_arg#*=} ;;
	esac
done
SECS=${BENCH_SECS:-3}
RTT_N=500
BIG_N=1000000
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	SECS=1 RTT_N=50 BIG_N=20000
fi
BIG_DIV=$((BIG_N / 1000))	# 1000 active flows spread over BIG_N sessions
PERF_SECS=8		# seconds per profile (BENCH_PERF=1)
PERF_FREQ=2000		# samples per second and CPU
PERF_INST_N=20000	# sessions installed under the profiler

ktap_header
J=$T/json		# "key": value lines of the result object
: >"$J"
jput() { echo "\"$1\": $2," >>"$J"; }

calc() { awk "BEGIN { printf \"%.${2:-0}f\", ($1) }"; }

# cpu_busy: "busy0 busy1" in USER_HZ ticks since boot (/proc/stat).
cpu_busy() {
	awk '/^cpu[01] / { printf "%d ", $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}

# relay_hold: attach the relay socket, held by prinstall rather than relayd:
# relayd follows every session event, which would load the CPU during the
# installation measurement (its cost is not the kernel's).
relay_hold() {
	: >"$T/hold.out"
	$(nsprefix in_r) prinstall --attach 0.0.0.0:$RELAY_PORT >"$T/hold.out" 2>&1 &
	HOLD_PID=$!
	BG_PIDS="$BG_PIDS $HOLD_PID"
	_i=0
	until grep -qs ready "$T/hold.out"; do
		sleep 0.1
		_i=$((_i + 1))
		[ $_i -lt 100 ] || bail "socket attach: $(cat "$T/hold.out")"
	done
}

# relay_release: close it. The module's netfilter hooks are registered
# only while a socket is attached, so ip_forward measured in between is
# the kernel's own forwarding, without peer_relay in its path.
relay_release() {
	kill "$HOLD_PID" 2>/dev/null
	wait "$HOLD_PID" 2>/dev/null
	_i=0
	until [ "$(in_r relayctl -j stats | tr -d ' \n' | sed -n 's/.*"sockets":\([0-9]*\).*/\1/p')" = 0 ]; do
		sleep 0.1
		_i=$((_i + 1))
		[ $_i -lt 100 ] || bail "socket release"
	done
}

# ip_forward_ref on|off: the reference forwarder, without the relay's hooks.
ip_forward_ref() {
	if [ "$1" = on ]; then
		relay_release
		in_r sysctl -qw net.ipv4.ip_forward=1
	else
		in_r sysctl -qw net.ipv4.ip_forward=0
		relay_hold
	fi
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
	relay_hold
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

# Udp InCsumErrors of the relay's namespace: a frame whose checksum the
# stack verified in software and found wrong.
udp_csum_errors() {
	in_r awk '$1 == "Udp:" { if (!c) { for (i = 2; i <= NF; i++)
		if ($i == "InCsumErrors") c = i } else print $c }' /proc/net/snmp
}

# perf_report NAME DESC UNITS UNIT CPU_SECS: the top symbols of
# $T/perf.data as "PERF-NAME line" lines: share of all samples and of the
# non-idle ones (cpu-clock samples an idle CPU too, in the halt
# instruction); the non-idle share of the CPU_SECS profiled turned into CPU
# time per UNIT (UNITS of them in the profile: packets or sessions), in
# total and by group of symbols (by share, not by sample count times the
# period: under TCG the sampling timer misses periods when the host does
# not run the vCPU, on idle and busy CPUs alike); the callers of the
# busiest symbols.
PERF_IDLE='^(native_safe_halt|pv_native_safe_halt|default_idle|default_idle_call|arch_cpu_idle|acpi_idle_do_entry|acpi_safe_halt|cpu_idle_poll|poll_idle|mwait_idle|intel_idle|do_idle|cpuidle_enter_state)$'
perf_report() {
	perf report -i "$T/perf.data" --no-children --sort sym --stdio -g none -n \
		--percent-limit 0 >"$T/perf.sym" 2>"$T/perf.err" ||
		{ diag "perf report $1: $(tail -n 2 "$T/perf.err" | tr '\n' '|')"; return 0; }
	perf report -i "$T/perf.data" --no-children --sort comm --stdio -g none \
		>"$T/perf.comm" 2>/dev/null
	{
		echo "profile $1: perf record -e cpu-clock -F $PERF_FREQ -g $2"
		awk -v idle="$PERF_IDLE" -v units="$3" -v unit="$4" -v cpus="$5" '
			/^#/ || NF < 4 { next }
			{ p = $1; sub(/%/, "", p); s = $4; for (i = 5; i <= NF; i++) s = s " " $i
			  n++; pct[n] = p; cnt[n] = $2; sym[n] = s; kind[n] = $3; all += $2
			  if (s ~ idle) idle_n += $2 }
			function grp(s) {
				if (s ~ /^(csum_partial|do_csum|__skb_checksum|__skb_checksum_complete|skb_checksum|csum_block_add_ext|csum_partial_ext|csum_partial_copy_generic)$/) return "checksum"
				if (s ~ /^prelay_/) return "peer_relay module (prelay_*)"
				if (s ~ /^(__udp4_lib_rcv|__udp4_lib_lookup|udp4_lib_lookup2|udp_rcv|udp_unicast_rcv_skb|udp_queue_rcv_skb|udp_queue_rcv_one_skb|udp4_csum_init|udp_v4_early_demux|udp_lib_checksum_complete|compute_score|udp4_lib_lookup_skb|ip_local_deliver|ip_local_deliver_finish|ip_protocol_deliver_rcu|udp_lib_lookup2|inet_ehashfn|udp_ehashfn|__inet_lookup_established|raw_local_deliver|raw_v4_input|udp_gro_receive|__udp_enqueue_schedule_skb|__udp_queue_rcv_skb|skb_consume_udp|sock_def_readable)$/) return "local delivery + UDP socket"
				if (s ~ /^(ip_route_output_key_hash|ip_route_output_key_hash_rcu|ip_route_output_flow|__ip_route_output_key|xfrm_lookup|xfrm_lookup_with_ifid|xfrm_lookup_route|iptunnel_xmit|udp_tunnel_xmit_skb|udp_set_csum|ip_local_out|__ip_local_out|__ip_select_ident|ip_select_ident.*|ip_idents_reserve|siphash_.*|skb_scrub_packet|skb_cow_head|pskb_expand_head|dst_release|ipv4_mtu|fib_lookup_good_nhc|rt_set_nexthop|__mkroute_output|find_exception|ip_send_check|__ip_finish_output|ip_finish_output|ip_mc_output)$/) return "output route + new headers (tunnel xmit)"
				if (s ~ /^(handle_softirqs|__do_softirq|_flat_send_IPI_mask|.*send_IPI.*|flush_smp_call_function_queue|__flush_smp_call_function_queue|generic_smp_call_function_single_interrupt|__sysvec_call_function_single|sysvec_call_function_single|irq_exit_rcu|__irq_exit_rcu|asm_sysvec_.*|sysvec_.*|native_apic_.*|x2apic_.*|lapic_.*|rps_trigger_softirq|net_rps_send_ipi|net_rps_action_and_irq_enable|_raw_spin_unlock_irqrestore|_raw_spin_unlock_irq|finish_task_switch.*|tick_nohz_.*|__local_bh_enable_ip)$/) return "irq/IPI/softirq entry, irq-enable points"
				return "other (routing input, forwarding, device xmit/rx, ...)"
			}
			END {
				busy = all - idle_n
				printf "samples %d, idle (halt) %d, busy %d", all, idle_n, busy
				if (units > 0 && all > 0)
					printf ": %.0f ns per %s (%.1f CPU-seconds profiled, %d %ss)", busy / all * cpus * 1e9 / units, unit, cpus, units, unit
				printf "\n%8s %8s %8s  %s\n", "all", "busy", "samples", "symbol"
				for (i = 1; i <= n; i++) {
					if (sym[i] ~ idle) continue
					g = grp(sym[i]); gs[g] += cnt[i]
					if (shown++ < 25)
						printf "%7.2f%% %7.2f%% %8d  %s %s\n", pct[i],
							busy ? 100 * cnt[i] / busy : 0, cnt[i], kind[i], sym[i]
				}
				printf "busy samples by group (%% of busy%s):\n", (units > 0 ? ", ns per " unit : "")
				ng = split("checksum|peer_relay module (prelay_*)|local delivery + UDP socket|output route + new headers (tunnel xmit)|irq/IPI/softirq entry, irq-enable points|other (routing input, forwarding, device xmit/rx, ...)", order, "|")
				for (j = 1; j <= ng; j++)
					if (!((g = order[j]) in gs))
						continue
					else if (units > 0)
						printf "  %6.2f%% %8.0f ns  %s\n", 100 * gs[g] / busy, gs[g] / all * cpus * 1e9 / units, g
					else
						printf "  %6.2f%%  %s\n", 100 * gs[g] / busy, g
			}' "$T/perf.sym"
		echo "by command (all samples):"
		grep -v '^#' "$T/perf.comm" | grep -v '^$' | head -n 6
		for _sym in $(awk -v idle="$PERF_IDLE" '!/^#/ && NF >= 4 && $4 !~ idle && NF == 4 { print $4; if (++n == 3) exit }' "$T/perf.sym"); do
			echo "callers of $_sym (share of all samples; first 8 frames):"
			perf report -i "$T/perf.data" --no-children --sort sym --stdio \
				-g folded,0.1,callee,function,percent --symbols="$_sym" 2>/dev/null |
				awk '/^[0-9.]+% / { n = split($0, f, ";"); l = f[1]
					for (i = 2; i <= n && i <= 8; i++) l = l ";" f[i]
					print "  " l; if (++k == 4) exit }'
		done
	} | sed "s/^/PERF-$1 /"
}

# perf_fwd NAME CFG RATE: profile CPU1 (the forwarding CPU) for PERF_SECS
# while RATE pps of the frames are forwarded (a run of its own, so the
# sampling does not disturb the measured figures).
perf_fwd() {
	[ "${BENCH_PERF:-0}" = 1 ] || return 0
	taskset -c 0 nsenter --net=/run/netns/a benchpkt send $(cat "$2") \
		--dev va --rate "$3" --total "$(calc "$3 * ($PERF_SECS + 3)")" \
		>"$T/send.out" 2>&1 &
	_sender=$!
	sleep 1		# steady state
	_c0=$(vb_rx)
	taskset -c 0 perf record -e cpu-clock -F $PERF_FREQ -g -C 1 \
		-o "$T/perf.data" -- sleep $PERF_SECS >"$T/perf.rec" 2>&1 ||
		diag "perf record $1: $(tail -n 2 "$T/perf.rec" | tr '\n' '|')"
	_c1=$(vb_rx)
	wait $_sender
	# Packets forwarded while sampling: the offered rate (the forwarded
	# count around perf record also spans its start and exit).
	diag "profile $1: $(( _c1 - _c0 )) forwarded around perf record, $3 pps offered"
	perf_report "$1" "-C 1, $3 pps offered for $PERF_SECS s" \
		"$(calc "$3 * $PERF_SECS")" packet $PERF_SECS
}

kernel_sessions() {	# kernel_sessions N: sessions VNI0.. for the flows
	in_r relayctl session flush >/dev/null
	in_r prinstall --count "$1" --vni $VNI0 --a $A4:$SPORT --b $SINK4:$DPORT \
		--fixed-b >"$T/inst.out" || { diag "prinstall: $(cat "$T/inst.out")"; return 1; }
}

# Booted with maxcpus=1 (BENCH_ICOUNT=1): bring the other CPU up first.
for _c in /sys/devices/system/cpu/cpu[1-9]*/online; do
	[ -e "$_c" ] && [ "$(cat "$_c")" = 0 ] && echo 1 >"$_c"
done
setup
if [ "${BENCH_INSN:-0}" = 1 ]; then
	. /selftests/net/bench-insn.sh
	exit 0
fi

# ------------------------------------------------------------ throughput
# Two sets of frames: "rxcsum" (the headline: benchpkt send --csum-offload,
# the skb arrives CHECKSUM_PARTIAL, so the UDP stack takes the checksum as
# verified, as from a NIC with receive checksum offload) and "nocsum" (a
# full checksum that veth leaves unverified: both relays verify it in
# software, ip_forward never looks at it). JSON: the rxcsum set's keys
# have "_rxcsum" after the forwarder's name; the nocsum set keeps the keys
# of version 1. Both sets use the same moderate load.
if [ "${BENCH_PERF:-0}" = 1 ]; then
	if command -v perf >/dev/null; then
		echo 0 >/proc/sys/kernel/kptr_restrict
		echo -1 >/proc/sys/kernel/perf_event_paranoid
		diag "perf: $(perf --version)"
	else
		diag "BENCH_PERF=1 but no perf in the image"
		BENCH_PERF=0
	fi
fi
CSUM_ERR0=$(udp_csum_errors)
for size in 64 1200; do
	for set in rxcsum nocsum; do
		opt=
		[ $set = rxcsum ] && opt=--csum-offload
		echo "$(frames $SINK4 $DPORT $size 1 $VNI0) $opt" >"$T/fwd.$set.cfg"
		echo "$(frames $R4A $RELAY_PORT $size 1 $VNI0) $opt" >"$T/krn.$set.cfg"
		echo "$(frames $R4A $UPORT $size 1 $VNI0) $opt" >"$T/usr.$set.cfg"
		key=; [ $set = rxcsum ] && key=_rxcsum

		ip_forward_ref on
		saturate "ip_forward/$size/$set" "$T/fwd.$set.cfg"
		eval "FWD_SAT_$set=$SAT FWD_BUSY_$set=$SAT_BUSY"
		ip_forward_ref off

		kernel_sessions 1 || bail "kernel sessions"
		saturate "kernel/$size/$set" "$T/krn.$set.cfg"
		eval "KRN_SAT_$set=$SAT KRN_BUSY_$set=$SAT_BUSY"

		USR_SAT=0 USR_CPUS= USR_BUSY=0
		for cpus in 1 0 0,1; do
			ufrelay_start $cpus || bail "ufrelay"
			saturate "userspace(cpus $cpus)/$size/$set" "$T/usr.$set.cfg"
			ufrelay_stop
			jput "userspace${key}_cpus_$(echo $cpus | tr , _)_pps_$size" "$SAT"
			if [ "$(calc "$SAT > $USR_SAT")" = 1 ]; then
				USR_SAT=$SAT USR_CPUS=$cpus USR_BUSY=$SAT_BUSY
			fi
		done
		eval "USR_SAT_$set=$USR_SAT USR_CPUS_$set=$USR_CPUS USR_BUSY_$set=$USR_BUSY"
		jput "userspace${key}_best_cpus_$size" "\"$USR_CPUS\""
	done

	# Moderate load: half of the slowest forwarder's saturation rate (of
	# both sets, so that the two sets' CPU figures are comparable).
	LOAD=$(echo $FWD_SAT_rxcsum $KRN_SAT_rxcsum $USR_SAT_rxcsum \
		$FWD_SAT_nocsum $KRN_SAT_nocsum $USR_SAT_nocsum |
		awk '{ m = $1; for (i = 2; i <= NF; i++) if ($i < m) m = $i; printf "%d", m / 2 }')
	jput "moderate_load_pps_$size" "$LOAD"
	for set in rxcsum nocsum; do
		key=; [ $set = rxcsum ] && key=_rxcsum
		REF_BUSY0=
		ip_forward_ref on
		cpu_cost "ip_forward/$size/$set" "$T/fwd.$set.cfg" $LOAD; FWD_COST=$COST
		REF_BUSY0=$BUSY0
		[ $set = rxcsum ] && perf_fwd "ip_forward-$size" "$T/fwd.$set.cfg" $LOAD
		ip_forward_ref off
		cpu_cost "kernel/$size/$set" "$T/krn.$set.cfg" $LOAD; KRN_COST=$COST
		if [ $set = rxcsum ]; then
			perf_fwd "kernel-$size" "$T/krn.$set.cfg" $LOAD
		else
			perf_fwd "kernel-nocsum-$size" "$T/krn.$set.cfg" $LOAD
		fi
		eval "USR_CPUS=\$USR_CPUS_$set"
		ufrelay_start $USR_CPUS || bail "ufrelay"
		cpu_cost "userspace/$size/$set" "$T/usr.$set.cfg" $LOAD; USR_COST=$COST
		ufrelay_stop

		eval "FWD_SAT=\$FWD_SAT_$set USR_SAT=\$USR_SAT_$set"
		for f in ip_forward kernel userspace; do
			case $f in
			ip_forward) eval "p=\$FWD_SAT_$set b=\$FWD_BUSY_$set"; c=$FWD_COST ;;
			kernel) eval "p=\$KRN_SAT_$set b=\$KRN_BUSY_$set"; c=$KRN_COST ;;
			userspace) eval "p=\$USR_SAT_$set b=\$USR_BUSY_$set"; c=$USR_COST ;;
			esac
			k=$f$key
			jput "${k}_pps_$size" "$p"
			jput "${k}_gbps_$size" "$(gbps "$p" $size)"
			jput "${k}_pps_ratio_limit_$size" "$(calc "$p / $FWD_SAT" 3)"
			jput "${k}_pps_ratio_userspace_$size" "$(calc "$p / $USR_SAT" 3)"
			jput "${k}_cpu_ns_per_pkt_$size" "$c"
			jput "${k}_sat_forwarding_cpu_busy_pct_$size" "$b"
			jput "${k}_cpu_ratio_limit_$size" "$(calc "$c / $FWD_COST" 3)"
			printf '%-10s %5d %10s %8s %7s %7s %9s %7s\n' "$f" $size "$p" \
				"$(gbps "$p" $size)" "$(calc "$p / $FWD_SAT" 2)" \
				"$(calc "$p / $USR_SAT" 2)" "$c" "$(calc "$c / $FWD_COST" 2)" \
				>>"$T/table.$set"
		done
	done
done
CSUM_ERR1=$(udp_csum_errors)

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
# Active sessions are every BIG_DIV-th (BIG_N / 1000): VNI BIG_VNI0 +
# BIG_DIV j, port SPORT + j (BENCH_QUICK's 20,000 sessions too).
in_r prinstall --count $BIG_N --vni $BIG_VNI0 --a $A4:$SPORT --b $SINK4:$DPORT \
	--fixed-b --a-port-div $BIG_DIV --batch 256 >"$T/inst.out" ||
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

frames $R4A $RELAY_PORT 64 1000 $BIG_VNI0 $BIG_DIV >"$T/krn1m.cfg"
saturate "kernel/1M installed, 1000 active" "$T/krn1m.cfg"; jput kernel_pps_1m_installed "$SAT"
K1M=$SAT
saturate "kernel/1M installed, 1 active" "$T/krn1.cfg"; jput kernel_pps_1m_installed_1_active "$SAT"
in_r relayctl session flush >/dev/null
if [ "${BENCH_PERF:-0}" = 1 ]; then
	# The installation under the profiler (all CPUs: prinstall, the
	# netlink handlers in its syscalls, RCU callbacks); a run of its own
	# with an empty table, smaller than the measured one.
	perf record -e cpu-clock -F $PERF_FREQ -g -a -o "$T/perf.data" -- \
		$(nsprefix in_r) prinstall --count $PERF_INST_N --vni $BIG_VNI0 \
		--a $A4:$SPORT --b $SINK4:$DPORT --fixed-b --a-port-div 1000 \
		--batch 256 >"$T/perf.rec" 2>&1 ||
		diag "perf record install: $(tail -n 2 "$T/perf.rec" | tr '\n' '|')"
	diag "install under perf: $(grep sessions_per_s "$T/perf.rec")"
	_secs=$(sed -n 's/.*"seconds":\([0-9.]*\).*/\1/p' "$T/perf.rec")
	perf_report install "-a, prinstall --count $PERF_INST_N --batch 256" \
		$PERF_INST_N session "$(calc "${_secs:-0} * $(nproc)" 3)"
	in_r relayctl session flush >/dev/null
fi
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
ip_forward_ref on
in_a benchpkt rtt --bind $A4:$RTT_PORT --to $B4:$ECHO_PORT --vni 50 \
	--size 64 --count $RTT_N --interval-us 2000 >"$T/rtt.f"
ip_forward_ref off
jput rtt_kernel "$(cat "$T/rtt.k")"
jput rtt_userspace "$(cat "$T/rtt.u")"
jput rtt_ip_forward "$(cat "$T/rtt.f")"

# ------------------------------------------------------------ GRO check
# A socket with UDP_GRO set takes GSO super-datagrams whole: one skb of
# 16 data datagrams (UDP_SEGMENT from a, kept whole by veth) must leave
# the relay as 16 datagrams (kmod/rx.c prelay_rx_gso()).
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
hdr="forwarder   size        pps   Gbit/s  /limit /userspc  ns/pkt  cpu/limit"
echo "forwarders, NIC with receive checksum offload (headline; frames CHECKSUM_PARTIAL):"
echo "$hdr"
cat "$T/table.rxcsum"
echo "forwarders, no receive checksum offload (veth; the relays verify the UDP checksum in software):"
echo "$hdr"
cat "$T/table.nocsum"
echo "sessions (64 B, kernel): 1 $(sed -n 's/^"kernel_pps_64": \(.*\),$/\1/p' "$J") pps," \
	"1000 active $K1K pps, 1M installed (1000 active) $K1M pps"
sed -n 's/^"\(mem_[a-z_]*\|install_[a-z_]*\)": \(.*\),$/\1 \2/p' "$J"
echo "rtt kernel $(cat "$T/rtt.k")"
echo "rtt userspace $(cat "$T/rtt.u")"
echo "rtt ip_forward $(cat "$T/rtt.f")"
echo "BENCH-JSON {\"version\": 2, \"kernel\": \"$(uname -r)\", \"cpus\": $(nproc), \"secs\": $SECS, $(tr '\n' ' ' <"$J" | sed 's/, *$//')}"

test_begin "benchmark completed"
check_ne "kernel relay forwarded" 0 "$(sed -n 's/^"kernel_pps_64": \(.*\),$/\1/p' "$J")"
test_end
test_begin "offloaded frames are taken as verified (forwarded, no UDP checksum errors)"
# The --csum-offload frames carry only the pseudo-header sum: verified in
# software they would all count as InCsumErrors and be dropped.
check_ne "kernel relay forwarded offloaded frames" 0 "$(sed -n 's/^"kernel_rxcsum_pps_64": \(.*\),$/\1/p' "$J")"
check_eq "Udp InCsumErrors in the relay's namespace" 0 "$(( ${CSUM_ERR1:-1} - ${CSUM_ERR0:-0} ))"
test_end
test_begin "a GSO super-datagram of 16 is forwarded as 16 datagrams"
check_eq "datagrams at b" 16 "${GRO_GOT:-0}"
test_end
ktap_finished
