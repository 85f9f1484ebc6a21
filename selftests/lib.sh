# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Helpers for the peer_relay VM scenarios (busybox sh). Source it:
#   . /selftests/lib.sh
#
# KTAP output
#   ktap_header; ktap_plan N (optional; otherwise printed by ktap_finished)
#   ktap_pass DESC | ktap_fail DESC | ktap_skip DESC REASON
#   test_begin DESC ... check_* ... test_end   one test point, many checks
#   ktap_finished                                totals, exit status
# Checks (inside test_begin/test_end; each failure prints a "# " diagnostic)
#   check_eq WHAT EXPECTED ACTUAL | check_ne | check_ge
#   check_ok WHAT CMD...     (CMD must exit 0)
#   check_fail WHAT CMD...   (CMD must exit non-zero)
#   check_contains WHAT NEEDLE HAYSTACK
# Topology (see topology()): namespaces r, a, b; in_r/in_a/in_b CMD...
# Relay: load_module, relayd_start [ARGS], relayd_stop, session_add, ...
# Data plane: $PRDP (run NAME@userspace: selftests/vm/init) is "kernel"
#   (default: the module) or "userspace" (relayd --userspace, the module
#   not loaded; relayctl reaches relayd's control socket, so every helper
#   below works unchanged). dp_userspace tells which; a scenario written
#   for both states the few expectations that differ (restart loses the
#   userspace plane's sessions) with it.
# Counters: relay_stat NAME, stat_snapshot, stat_delta NAME, check_stat_delta NAME N
#
# Always call iproute2 as /sbin/ip (busybox sh runs its own applets before
# $PATH); the ip/modprobe/rmmod/lsmod functions below do that for scripts.

PATH=/selftests:/sbin:/usr/sbin:/bin:/usr/bin
export PATH

ip() { /sbin/ip "$@"; }
modprobe() { /sbin/modprobe "$@"; }
rmmod() { /sbin/rmmod "$@"; }
lsmod() { /sbin/lsmod "$@"; }

RELAY_PORT=${RELAY_PORT:-7777}
# Client disco keys: KEY_A < KEY_B, so endpoint 0 is A's, endpoint 1 is B's.
KEY_A=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
KEY_B=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
KEY_C=cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc
KEY_D=dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd
# key N: a 64-hex-digit key made of the byte N (1..255); key 1 < key 2 < ...
key() { _k=$(printf '%02x' "$1"); echo "$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k$_k"; }

# Addresses of the topology.
A4=10.0.1.2 A6=fd00:1::2 C4=10.0.1.3 C6=fd00:1::3
R4A=10.0.1.1 R6A=fd00:1::1 R4B=10.0.2.1 R6B=fd00:2::1
B4=10.0.2.2 B6=fd00:2::2

T=$(mktemp -d /tmp/selftest.XXXXXX)
KTAP_N=0 KTAP_PASS=0 KTAP_FAIL=0 KTAP_SKIP=0 KTAP_PLANNED=
RNS=${RNS-r}		# relay namespace; "" = the initial namespace
PRDP=${PRDP:-kernel}
case $PRDP in kernel|userspace) ;; *) echo "Bail out! unknown data plane PRDP=$PRDP"; exit 1 ;; esac
dp_userspace() { [ "$PRDP" = userspace ]; }
RELAYD_PID=
BG_PIDS=

# ---------------------------------------------------------------- KTAP

ktap_header() { echo "KTAP version 1"; }
ktap_plan() { KTAP_PLANNED=$1; echo "1..$1"; }
diag() { echo "# $*"; }

ktap_pass() {
	KTAP_N=$((KTAP_N + 1)) KTAP_PASS=$((KTAP_PASS + 1))
	echo "ok $KTAP_N $1"
}
ktap_fail() {
	KTAP_N=$((KTAP_N + 1)) KTAP_FAIL=$((KTAP_FAIL + 1))
	echo "not ok $KTAP_N $1"
}
ktap_skip() {
	KTAP_N=$((KTAP_N + 1)) KTAP_SKIP=$((KTAP_SKIP + 1))
	echo "ok $KTAP_N $1 # SKIP $2"
}

# ktap_result DESC CMD...: one test point from a command's exit status.
ktap_result() {
	_d=$1
	shift
	if "$@"; then ktap_pass "$_d"; else ktap_fail "$_d"; fi
}

# Print the plan (if not given up front) and the totals; exit 1 on any
# failure, 4 if everything was skipped, else 0. Runs the cleanup first.
ktap_finished() {
	cleanup
	[ -n "$KTAP_PLANNED" ] || echo "1..$KTAP_N"
	echo "# Totals: pass:$KTAP_PASS fail:$KTAP_FAIL xfail:0 xpass:0 skip:$KTAP_SKIP error:0"
	trap - EXIT
	[ "$KTAP_FAIL" -eq 0 ] || exit 1
	[ "$KTAP_N" -gt 0 ] && [ "$KTAP_SKIP" -eq "$KTAP_N" ] && exit 4
	exit 0
}

# Abort the scenario: a failing test point, then the usual ending.
bail() {
	ktap_fail "$1"
	ktap_finished
}

# --------------------------------------------------- multi-check test points

test_begin() { TEST_DESC=$1 TEST_ERR=0; }
test_error() { diag "$TEST_DESC: $*"; TEST_ERR=1; }
test_end() {
	if [ "$TEST_ERR" -eq 0 ]; then ktap_pass "$TEST_DESC"; else ktap_fail "$TEST_DESC"; fi
}
# Skip the current test point instead of ending it.
test_skip() { ktap_skip "$TEST_DESC" "$1"; }

check_eq() {	# check_eq WHAT EXPECTED ACTUAL
	[ "$2" = "$3" ] || test_error "$1: expected '$2', got '$3'"
}
check_ne() {
	[ "$2" != "$3" ] || test_error "$1: expected something other than '$2'"
}
check_ge() {	# check_ge WHAT MIN ACTUAL (integers)
	case $3 in ''|*[!0-9]*) test_error "$1: '$3' is not a number"; return ;; esac
	[ "$3" -ge "$2" ] || test_error "$1: expected >= $2, got $3"
}
check_ok() {	# check_ok WHAT CMD...
	_w=$1
	shift
	"$@" >"$T/check.out" 2>&1 || {
		test_error "$_w: '$*' failed (exit $?): $(head -c 300 "$T/check.out")"
	}
}
check_fail() {	# check_fail WHAT CMD...: CMD must fail
	_w=$1
	shift
	if "$@" >"$T/check.out" 2>&1; then
		test_error "$_w: '$*' succeeded but must fail: $(head -c 300 "$T/check.out")"
	fi
}
check_contains() {	# check_contains WHAT NEEDLE HAYSTACK
	case $3 in
	*"$2"*) ;;
	*) test_error "$1: '$2' not in '$(echo "$3" | head -c 300)'" ;;
	esac
}

# ---------------------------------------------------------------- topology

# in_r/in_a/in_b CMD...: run CMD in the relay / peer namespaces. Only the
# network namespace changes (nsenter: 3x cheaper than `ip netns exec` under
# TCG); /proc/net follows, /sys/class/net does not - use `ip -n` for links.
in_r() { if [ -n "$RNS" ]; then nsenter --net=/run/netns/"$RNS" "$@"; else "$@"; fi; }
in_a() { nsenter --net=/run/netns/a "$@"; }
in_b() { nsenter --net=/run/netns/b "$@"; }

# nsprefix FN: the command prefix of in_a/in_b/in_r, for background jobs:
#   $(nsprefix in_a) udpio ... &
# so that $! is the program itself (a backgrounded shell function would be
# a subshell, and signals to it would not reach the program).
nsprefix() {
	case $1 in
	in_a) echo "nsenter --net=/run/netns/a" ;;
	in_b) echo "nsenter --net=/run/netns/b" ;;
	in_r) [ -z "$RNS" ] || echo "nsenter --net=/run/netns/$RNS" ;;
	*) echo "nsprefix: unknown $1" >&2; echo false ;;
	esac
}

wait_operstate() {	# wait_operstate NSEXEC-FN IFNAME
	_i=0
	while [ $_i -lt 100 ]; do
		$1 /sbin/ip -o link show dev "$2" 2>/dev/null | grep -q 'state UP' && return 0
		sleep 0.05
		_i=$((_i + 1))
	done
	diag "$2 not up"
	return 1
}

# topology: relay namespace $RNS (default r; RNS= puts the relay in the
# initial namespace) and peers a, b with no route between a and b and
# forwarding off on the relay:
#   a: va 10.0.1.2/24 fd00:1::2/64 (+ 10.0.1.3, fd00:1::3 = third party C)
#   r: ra 10.0.1.1/24 fd00:1::1/64   rb 10.0.2.1/24 fd00:2::1/64
#   b: vb 10.0.2.2/24 fd00:2::2/64
topology() {
	grep -q ' /run ' /proc/mounts || mount -t tmpfs run /run
	modprobe veth || return 1
	ip netns add a && ip netns add b || return 1
	[ -z "$RNS" ] || ip netns add "$RNS" || return 1
	ip link add ra type veth peer name va || return 1
	ip link add rb type veth peer name vb || return 1
	ip link set va netns a && ip link set vb netns b || return 1
	[ -z "$RNS" ] || { ip link set ra netns "$RNS" && ip link set rb netns "$RNS"; } || return 1

	in_a /sbin/ip link set lo up
	in_a /sbin/ip addr add $A4/24 dev va
	in_a /sbin/ip addr add $C4/24 dev va
	in_a /sbin/ip addr add $A6/64 dev va nodad
	in_a /sbin/ip addr add $C6/64 dev va nodad
	in_a /sbin/ip link set va up

	in_b /sbin/ip link set lo up
	in_b /sbin/ip addr add $B4/24 dev vb
	in_b /sbin/ip addr add $B6/64 dev vb nodad
	in_b /sbin/ip link set vb up

	in_r /sbin/ip link set lo up
	in_r /sbin/ip addr add $R4A/24 dev ra
	in_r /sbin/ip addr add $R6A/64 dev ra nodad
	in_r /sbin/ip addr add $R4B/24 dev rb
	in_r /sbin/ip addr add $R6B/64 dev rb nodad
	in_r /sbin/ip link set ra up
	in_r /sbin/ip link set rb up
	in_r sysctl -qw net.ipv4.ip_forward=0
	in_r sysctl -qw net.ipv6.conf.all.forwarding=0

	wait_operstate in_a va && wait_operstate in_b vb &&
		wait_operstate in_r ra && wait_operstate in_r rb
}

topology_cleanup() {
	for _ns in a b $RNS; do
		ip netns pids "$_ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$_ns" 2>/dev/null
	done
	[ -n "$RNS" ] || { ip link del ra 2>/dev/null; ip link del rb 2>/dev/null; }
	true
}

# ------------------------------------------------------------------ module

has_module() { [ -f "/lib/modules/$(uname -r)/updates/peer_relay.ko" ]; }

# load_module: modprobe peer_relay or end the scenario with a failure.
# With the userspace data plane: make sure the module is NOT loaded.
load_module() {
	if dp_userspace; then
		unload_module || bail "rmmod peer_relay (userspace data plane)"
		return 0
	fi
	has_module || bail "peer_relay.ko is not in the image (module not built)"
	modprobe peer_relay || bail "modprobe peer_relay"
}

module_loaded() { grep -q '^peer_relay ' /proc/modules; }

# unload_module: rmmod, reporting why it failed.
unload_module() {
	module_loaded || return 0
	_i=0
	while ! rmmod peer_relay 2>"$T/rmmod.err"; do
		_i=$((_i + 1))
		if [ $_i -ge 50 ]; then
			diag "rmmod peer_relay: $(cat "$T/rmmod.err"); refcnt $(cat /sys/module/peer_relay/refcnt 2>/dev/null)"
			return 1
		fi
		sleep 0.1
	done
	! module_loaded
}

# ------------------------------------------------------------------ relayd

# relayd_start [ARGS...]: start relayd in the relay namespace on RELAY_PORT,
# both families, and wait until its sockets are attached (2 by default;
# set RELAYD_SOCKETS when ARGS change that).
relayd_start() {
	_rs_us=
	dp_userspace && _rs_us=--userspace
	# shellcheck disable=SC2086
	$(nsprefix in_r) relayd --port "$RELAY_PORT" $_rs_us "$@" >"$T/relayd.log" 2>&1 &
	RELAYD_PID=$!
	# userspace: relayctl would load the module on demand if it asked
	# before relayd's control socket is up
	_rs_i=0
	while dp_userspace && ! grep -q 'ready:' "$T/relayd.log" && [ $_rs_i -lt 200 ] &&
		kill -0 "$RELAYD_PID" 2>/dev/null; do
		sleep 0.05
		_rs_i=$((_rs_i + 1))
	done
	wait_sockets "${RELAYD_SOCKETS:-2}" || {
		diag "relayd log: $(tail -n 5 "$T/relayd.log" | tr '\n' '|')"
		return 1
	}
}

# relayd_stop [SIGNAL]: stop relayd (TERM by default) and reap it.
relayd_stop() {
	[ -n "$RELAYD_PID" ] || return 0
	kill -"${1:-TERM}" "$RELAYD_PID" 2>/dev/null
	kill -CONT "$RELAYD_PID" 2>/dev/null	# in case a test stopped it
	wait "$RELAYD_PID" 2>/dev/null
	_rc=$?
	RELAYD_PID=
	return $_rc
}

# jlist: JSON list output (an array or one object per line) on stdin as
# one compact object per line; jcount: how many. JSON is read with jget
# (selftests/tools/jget.c): jq needs ~0.5 s per run under TCG.
jlist() { jget -l; }
jcount() { jget -c; }

# socket_count: number of sockets attached in the relay namespace.
socket_count() {
	in_r relayctl -j socket list 2>/dev/null | jcount 2>/dev/null
}
# session_count: number of sessions in the relay namespace.
session_count() { relayctl_r -j session list | jcount; }

wait_sockets() {	# wait_sockets N
	_i=0
	while [ $_i -lt 100 ]; do
		[ "$(socket_count)" = "$1" ] && return 0
		if [ -n "$RELAYD_PID" ] && ! kill -0 "$RELAYD_PID" 2>/dev/null; then
			diag "relayd exited"
			return 1
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	diag "expected $1 attached sockets, have '$(socket_count)'"
	return 1
}

# ----------------------------------------------------------------- sessions

relayctl_r() { in_r relayctl "$@"; }

# session_add KEY_X KEY_Y [vni N]: create a session, print its VNI.
session_add() {
	relayctl_r -j session add "$@" >"$T/session.json" 2>"$T/session.err" || {
		diag "session add: $(cat "$T/session.err")"
		return 1
	}
	_v=$(jget .vni <"$T/session.json")
	case $_v in ''|*[!0-9]*) diag "session add: no vni in $(cat "$T/session.json")"; return 1 ;; esac
	echo "$_v"
}

# session_bind VNI 0|1 ADDR:PORT [local ADDR]
session_bind() {
	relayctl_r session bind "$@" >"$T/bind.out" 2>&1 || {
		diag "session bind $*: $(cat "$T/bind.out")"
		return 1
	}
}

# session_json VNI [PATH]: a field of `relayctl -j session get VNI` (jget).
session_json() {
	relayctl_r -j session get "$1" | jget "${2:-.}"
}
# ep_remote VNI 0|1: the address endpoint 0 or 1 is bound to, or null
ep_remote() { session_json "$1" ".endpoints[$2].remote"; }
# wait_remote VNI EP EXPECTED: until endpoint EP is bound to EXPECTED
# (3 s, times PRL_SLOW); fails after that
wait_remote() {
	_wr_i=0
	while [ $_wr_i -lt $((60 * PRL_SLOW)) ]; do
		[ "$(ep_remote "$1" "$2")" = "$3" ] && return 0
		sleep 0.05
		_wr_i=$((_wr_i + 1))
	done
	return 1
}

# ------------------------------------------------------------ relay-client

# PRL_SLOW (kernel parameter prslow=N, e.g. from scripts/debug-kernel.sh):
# how many times slower than usual this kernel runs; client timeouts are
# stretched by it, so a KASAN/lockdep kernel under TCG is not failed for
# being slow. Lifetimes and expiry checks are not scaled.
PRL_SLOW=${PRL_SLOW:-1}

# rc NS-FN ARGS...: relay-client in a namespace, every "--timeout MS"
# multiplied by PRL_SLOW.
# Its variables are prefixed: sh has no real locals, and the scenarios use
# short names such as _n and _a themselves.
rc() {
	_rc_ns=$1
	shift
	if [ "$PRL_SLOW" -gt 1 ]; then
		_rc_n=$# _rc_prev=
		for _rc_arg in "$@"; do
			[ "$_rc_prev" = --timeout ] && _rc_arg=$((_rc_arg * PRL_SLOW))
			set -- "$@" "$_rc_arg"
			_rc_prev=$_rc_arg
		done
		shift "$_rc_n"
	fi
	$_rc_ns relay-client "$@"
}
# rc_key NAME: a new client key in $T/NAME.key, its public key on stdout.
rc_key() { relay-client genkey -o "$T/$1.key"; }
# ep_index KEY_A KEY_B: IA/IB = endpoint index of A/B (keys sort in the kernel)
ep_index() { if [ "$(printf "%s\n%s\n" "$1" "$2" | sort | head -n 1)" = "$1" ]; then IA=0 IB=1; else IA=1 IB=0; fi; }

# -------------------------------------------------------------- packets

# geneve HEX-VNI-INT [control] [PROTO]: the 8-byte Geneve header as hex.
#   geneve 1            -> 00007a1200000100 (WireGuard data, VNI 1)
#   geneve 1 control    -> 00807a1100000100 (disco control)
geneve() {
	_flags=00 _proto=${3:-}
	if [ "${2:-}" = control ]; then
		_flags=80
		[ -n "$_proto" ] || _proto=7a11
	fi
	printf '00%s%s%06x00' "$_flags" "${_proto:-7a12}" "$1"
}

# Payloads with the shape of the two data protocols (not real crypto).
WG_BODY=040000000100000000000000000000002a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40
DISCO_BODY=5453f09f92ac$KEY_A'0102030405060708090a0b0c0d0e0f101112131415161718'deadbeefcafe

wg_packet() { echo "$(geneve "$1" "" 7a12)$WG_BODY"; }		# wg_packet VNI
disco_packet() { echo "$(geneve "$1" "" 7a11)$DISCO_BODY"; }	# disco_packet VNI

# hexlen HEX: bytes in a hex string.
hexlen() { echo $(( ${#1} / 2 )); }

# ep ADDR PORT: "1.2.3.4:5" or "[v6]:5".
ep() {
	case $1 in *:*) echo "[$1]:$2" ;; *) echo "$1:$2" ;; esac
}

# relay_addr_for PEER-ADDR: the relay's address on that peer's link.
relay_addr_for() {
	case $1 in
	10.0.1.*) echo $R4A ;; 10.0.2.*) echo $R4B ;;
	fd00:1::*) echo $R6A ;; fd00:2::*) echo $R6B ;;
	esac
}

# recv_start NS-FN BIND COUNT TIMEOUT-MS NAME: background udpio recv whose
# output lands in $T/NAME.out; returns once the socket is bound.
recv_start() {
	rm -f "$T/$5.ready" "$T/$5.out"
	$(nsprefix "$1") udpio recv --bind "$2" --count "$3" --timeout "$4" \
		--ready "$T/$5.ready" >"$T/$5.out" 2>"$T/$5.err" &
	eval "RECV_PID_$5=\$!"
	BG_PIDS="$BG_PIDS $!"
	_i=0
	while [ ! -e "$T/$5.ready" ] && [ $_i -lt 100 ]; do
		sleep 0.02
		_i=$((_i + 1))
	done
	[ -e "$T/$5.ready" ] || { diag "udpio recv $2 not ready: $(cat "$T/$5.err")"; return 1; }
}

# recv_wait NAME: wait for a recv_start receiver; returns udpio's status.
recv_wait() {
	eval "_p=\$RECV_PID_$1"
	wait "$_p"
}

# recv_stop NAME: end a recv_start receiver now (what it printed stays).
recv_stop() {
	eval "_p=\$RECV_PID_$1"
	kill "$_p" 2>/dev/null
	wait "$_p" 2>/dev/null
	true
}

# send_from NS-FN FROM TO HEX [COUNT]: send datagram(s) with udpio.
send_from() {
	$1 udpio send --from "$2" --to "$3" --hex "$4" --count "${5:-1}" >"$T/send.out" 2>&1 || {
		diag "udpio send $2 -> $3: $(cat "$T/send.out")"
		return 1
	}
}

# ------------------------------------------------------- scenario building

# relay_setup [RELAYD-ARGS]: topology, module, relayd (ends the scenario
# with a failing test point if any of them fails).
relay_setup() {
	topology || bail "topology setup"
	load_module
	relayd_start "$@" || bail "relayd start and socket attach"
}

# keep_unbound_sessions: bind lifetime 10 min instead of 30 s, for scenarios
# that keep sessions unbound or half-bound on purpose: a slow (debug, TCG)
# kernel runs them for longer than 30 s. The kernel keeps the setting across
# relayd restarts.
keep_unbound_sessions() {
	relayctl_r config set bind-lifetime 600000 || bail "config set bind-lifetime"
}

# open_session A-ADDR A-PORT B-ADDR B-PORT [KEY0 KEY1]: session of
# KEY_A/KEY_B (or KEY0 < KEY1) with A on endpoint 0 and B on endpoint 1;
# sets VNI.
open_session() {
	VNI=$(session_add "${5:-$KEY_A}" "${6:-$KEY_B}") || return 1
	session_bind "$VNI" 0 "$(ep "$1" "$2")" &&
		session_bind "$VNI" 1 "$(ep "$3" "$4")"
}

# forward_ok WHAT FROM-FN FROM-ADDR FROM-PORT TO-FN TO-ADDR TO-PORT HEX [N]:
# FROM sends HEX N times to the relay address on its link; TO must receive
# exactly N datagrams, each byte-identical to HEX, from the relay address on
# its own link and the relay port. Records errors in the current test point.
forward_ok() {
	_n=${9:-1}
	_in=$(ep "$(relay_addr_for "$3")" "$RELAY_PORT")
	_out=$(ep "$(relay_addr_for "$6")" "$RELAY_PORT")
	recv_start "$5" "$(ep "$6" "$7")" "$_n" 4000 fwd ||
		{ test_error "$1: receiver did not start"; return; }
	if [ "$_n" -gt 20 ]; then _pace="--interval-us 300"; else _pace=; fi
	# shellcheck disable=SC2086
	$2 udpio send --from "$(ep "$3" "$4")" --to "$_in" --hex "$8" \
		--count "$_n" $_pace >"$T/send.out" 2>&1 ||
		test_error "$1: send failed: $(cat "$T/send.out")"
	recv_wait fwd || test_error "$1: $(wc -l <"$T/fwd.out") of $_n datagrams arrived"
	check_eq "$1: distinct datagrams received" "$_out $8" "$(sort -u "$T/fwd.out")"
	check_eq "$1: datagrams received" "$_n" "$(wc -l <"$T/fwd.out" | tr -d ' ')"
}

# expect_silence WHAT FROM-FN FROM-EP TO-EP HEX[,HEX...] N [FN=EP...]: send
# the payload(s) N times; nothing may come back to the sender and nothing may arrive at any
# of the watched endpoints (FN=EP, e.g. in_b=10.0.2.2:5002).
expect_silence() {
	_what=$1 _fn=$2 _from=$3 _to=$4 _hex=$5 _cnt=$6
	shift 6
	_k=0
	for _w in "$@"; do
		_k=$((_k + 1))
		recv_start "${_w%%=*}" "${_w#*=}" 0 30000 silent$_k ||
			test_error "$_what: watcher ${_w#*=} did not start"
	done
	# HEX may be a comma-separated list of payloads, sent in turn.
	_args=
	_rest=$_hex,
	while [ -n "$_rest" ]; do
		_args="$_args --hex=${_rest%%,*}"
		_rest=${_rest#*,}
	done
	# shellcheck disable=SC2086
	$_fn udpio send --from "$_from" --to "$_to" $_args --count "$_cnt" \
		--listen 300 >"$T/reply.out" 2>"$T/reply.err" ||
		test_error "$_what: send failed: $(cat "$T/reply.err")"
	check_eq "$_what: reply to the sender" "" "$(cat "$T/reply.out")"
	# The watchers saw the whole send plus the 300 ms listen window.
	_k=0
	for _w in "$@"; do
		_k=$((_k + 1))
		recv_stop silent$_k
		check_eq "$_what: arrived at ${_w#*=}" "" "$(cat "$T/silent$_k.out")"
	done
}

# ----------------------------------------------------------------- counters

# relay_stat NAME: a relay counter by its sysfs name (forwarded_packets_udp4_udp6,
# dropped_bad_source, passed_control, sessions_open, sockets, ...), read
# from `relayctl -j stats` in the relay namespace.
stat_path() {
	case $1 in
	forwarded_packets_*) echo ".forwarded.${1#forwarded_packets_}.packets" ;;
	forwarded_bytes_*) echo ".forwarded.${1#forwarded_bytes_}.bytes" ;;
	dropped_*) echo ".dropped.${1#dropped_}" ;;
	passed_*) echo ".passed.${1#passed_}" ;;
	deleted_*) echo ".deleted.${1#deleted_}" ;;
	sessions_*) echo ".sessions.${1#sessions_}" ;;
	*) echo ".$1" ;;
	esac
}
stats_json() { relayctl_r -j stats; }
relay_stat() {
	stats_json | jget "$(stat_path "$1")"
}
# sysfs_stat NAME: the initial namespace's counter from sysfs.
sysfs_stat() { cat "/sys/kernel/peer_relay/stats/$1" 2>/dev/null || echo missing; }

# stat_snapshot; ...; stat_delta NAME: change of a counter since the snapshot.
stat_snapshot() { stats_json >"$T/stats.before" 2>/dev/null; }
stat_delta() {
	_p=$(stat_path "$1")
	_b=$(jget "$_p" <"$T/stats.before")
	_a=$(relay_stat "$1")
	case "$_b$_a" in
	*missing*|'') echo "missing" ;;
	*) echo $((_a - _b)) ;;
	esac
}
check_stat_delta() {	# check_stat_delta NAME EXPECTED
	check_eq "counter $1 change" "$2" "$(stat_delta "$1")"
}

# ------------------------------------------------------------------ cleanup

cleanup() {
	for _p in $BG_PIDS; do kill "$_p" 2>/dev/null; done
	BG_PIDS=
	relayd_stop
	topology_cleanup
}
trap 'cleanup' EXIT
