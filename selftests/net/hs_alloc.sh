#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# relayd's configuration and in-band allocation (issue 3; protocol §4.1,
# §7 scenario 21): a config file with a key file, grants and static
# endpoints (stored in the kernel, deduplicated, advertised first);
# granted clients allocate, others get no answer; a client key equal to
# the server key fails; SIGHUP reloads grants and static endpoints (a
# broken file keeps the old configuration); the per-source rate limit;
# "not ready" when no relay address is known. Ignored Binds (bad ones, a
# foreign sender) leave an allocated session usable (issue 10).
# Also runs as hs_alloc@userspace.
# vm-timeout: 200
. /selftests/lib.sh

# ---- handshake helpers (the same block is in every hs_*.sh) ----
# rc_key NAME: new client key in $T/NAME.key, prints the public key
# ep_desc KEY_X KEY_Y NAME: `relayctl -j session add` into $T/NAME.json
ep_desc() {
	relayctl_r -j session add "$1" "$2" >"$T/$3.json" 2>"$T/$3.err" || {
		diag "session add: $(cat "$T/$3.err")"
		return 1
	}
}
# --------------------------------------------------------------

ktap_header
topology || bail "topology"
load_module
KA=$(relay-client genkey -o "$T/a.key") && KB=$(relay-client genkey -o "$T/b.key") &&
	KC=$(relay-client genkey -o "$T/c.key") || bail "keys"
echo "$KA   # a" >"$T/grants"
cat >"$T/relayd.conf" <<EOC
# relayd test configuration
family both
key $T/relay.key
grants = $T/grants
static-endpoints 192.0.2.1:7777,192.0.2.1:7777,[2001:db8::1]:7000
rate-limit 0
EOC
relayd_start --config "$T/relayd.conf" || bail "relayd start with a config file"
SERVER_KEY=$(relayctl_r -j config get | jget .server_key)
[ ${#SERVER_KEY} -eq 64 ] || bail "relayd did not store its key in the kernel"
RA=$(ep $R4A $RELAY_PORT)

test_begin "config file: static endpoints stored in the kernel (deduplicated), advertised first"
check_eq "kernel static endpoints" '["192.0.2.1:7777","[2001:db8::1]:7000"]' \
	"$(relayctl_r -j config get | jget .static_endpoints)"
ep_desc "$KA" "$KC" ac || test_error "session add"
check_eq "first address" "192.0.2.1:7777" "$(jget '.addrs[0]' <"$T/ac.json")"
check_eq "second address" "[2001:db8::1]:7000" "$(jget '.addrs[1]' <"$T/ac.json")"
check_contains "then the host's addresses" "\"$R4A:$RELAY_PORT\"" "$(jget .addrs <"$T/ac.json")"
relayctl_r session del key "$KA" "$KC"
test_end

test_begin "grants: a granted client allocates in-band; the response matches the kernel's session"
rc in_a allocate --relay "$RA" --server-key "$SERVER_KEY" --key "$T/a.key" --peer "$KB" \
	-j --timeout 3000 >"$T/alloc.json" 2>"$T/alloc.err" || test_error "allocate: $(cat "$T/alloc.err")"
VNI=$(jget .vni <"$T/alloc.json")
check_eq "session exists" "$VNI" "$(session_json "$VNI" .vni)"
check_eq "server key" "$SERVER_KEY" "$(jget .server_key <"$T/alloc.json")"
check_eq "lamport" "$(session_json "$VNI" .lamport)" "$(jget .lamport <"$T/alloc.json")"
check_eq "first address: static" "192.0.2.1:7777" "$(jget '.addrs[0]' <"$T/alloc.json")"
check_ok "the allocation is usable: pair handshakes on it" rc in_a pair --endpoint-json "$T/alloc.json" \
	--relay "$RA" --key-a "$T/a.key" --key-b "$T/b.key" --count 2 --interval 50
test_end

test_begin "issue 10: Binds the relay ignores leave the allocated session usable"
for _k in bind-vni bind-remote-key bind-gen0 bind-tamper; do
	rc in_a bind --endpoint-json "$T/alloc.json" --relay "$RA" --key "$T/a.key" \
		--local "$(ep $A4 5101)" --corrupt $_k --timeout 700 >/dev/null 2>&1
	check_eq "$_k: no Challenge" 3 "$?"
done
rc in_a bind --relay "$RA" --server-key "$SERVER_KEY" --vni "$VNI" --peer "$KB" \
	--key "$T/c.key" --local "$(ep $A4 5102)" --timeout 700 >/dev/null 2>&1
check_eq "a sender outside the pair: no Challenge" 3 "$?"
check_eq "session still there" "$VNI" "$(session_json "$VNI" .vni)"
check_ok "A and B handshake again (new ports) and exchange data" rc in_a pair \
	--endpoint-json "$T/alloc.json" --relay "$RA" --key-a "$T/a.key" --key-b "$T/b.key" \
	--count 2 --interval 50 --timeout 3000
check_ok "A rebinds once more from another port" rc in_a bind --endpoint-json "$T/alloc.json" \
	--relay "$RA" --key "$T/a.key" --local "$(ep $A4 5103)" --timeout 3000
test_end

test_begin "grants: a client that is not granted gets no answer, nothing is created"
N0=$(session_count)
rc in_a allocate --relay "$RA" --server-key "$SERVER_KEY" --key "$T/b.key" --peer "$KC" \
	--timeout 1200 >/dev/null 2>&1
check_eq "exit 3 (no response)" 3 "$?"
check_eq "sessions" "$N0" "$(session_count)"
test_end

test_begin "§7.21 allocation with a client key equal to the server key fails"
rc in_a allocate --relay "$RA" --server-key "$SERVER_KEY" --key "$T/a.key" --peer "$SERVER_KEY" \
	--timeout 1200 >/dev/null 2>&1
check_eq "in-band: exit 3 (no response)" 3 "$?"
check_fail "relayctl session add with the server key" relayctl_r session add "$KA" "$SERVER_KEY"
check_eq "sessions" "$N0" "$(session_count)"
test_end

test_begin "SIGHUP reloads grants and static endpoints"
echo "discokey:$KB" >"$T/grants"
sed -i 's/^static-endpoints .*/static-endpoints 198.51.100.7:9999/' "$T/relayd.conf"
kill -HUP "$RELAYD_PID"
_i=0
while ! grep -q 'configuration reloaded' "$T/relayd.log" && [ $_i -lt 40 ]; do sleep 0.05; _i=$((_i + 1)); done
check_eq "kernel static endpoints" '["198.51.100.7:9999"]' "$(relayctl_r -j config get | jget .static_endpoints)"
check_ok "B now allocates" rc in_a allocate --relay "$RA" --server-key "$SERVER_KEY" \
	--key "$T/b.key" --peer "$KC" --timeout 3000
rc in_a allocate --relay "$RA" --server-key "$SERVER_KEY" --key "$T/a.key" --peer "$KC" \
	--timeout 1200 >/dev/null 2>&1
check_eq "A no longer granted: exit 3" 3 "$?"
test_end

test_begin "SIGHUP with a broken config keeps the old configuration"
cp "$T/relayd.conf" "$T/relayd.conf.good"
echo "frobnicate 1" >>"$T/relayd.conf"
kill -HUP "$RELAYD_PID"
sleep 0.5
check_contains "error logged" "keeping the old configuration" "$(cat "$T/relayd.log")"
check_ok "relayd still running" kill -0 "$RELAYD_PID"
check_ok "B still granted" rc in_a allocate --relay "$RA" --server-key "$SERVER_KEY" \
	--key "$T/b.key" --peer "$KA" --timeout 3000
cp "$T/relayd.conf.good" "$T/relayd.conf"
test_end

test_begin "rate limit: a flood of control packets from one source is cut, others are served"
relayd_stop TERM
relayd_start --family both --key "$T/relay.key" --rate-limit 2 --rate-burst 2 || test_error "restart"
ep_desc "$KA" "$KB" ab || test_error "session add"
J=$T/ab.json VNI=$(jget .vni <"$J")
_pkt="$(geneve $VNI control)$(printf '%0304x' 0)"
in_a udpio send --from "$(ep $A4 5009)" --to "$RA" --hex "$_pkt" --count 40 >/dev/null 2>&1
# the userspace plane hands datagrams over through a queue: ask until all
# 40 are accounted for (3 s)
_i=0
while :; do
	kill -USR1 "$RELAYD_PID"
	sleep 0.25
	_l=$(grep 'control packets:' "$T/relayd.log" | tail -n 1)
	_lim=$(echo "$_l" | sed 's/.*handled, \([0-9]*\) rate-limited.*/\1/')
	_hd=$(echo "$_l" | sed 's/.*packets: \([0-9]*\) handled.*/\1/')
	[ $((_lim + _hd)) -ge 40 ] || [ $_i -ge 12 ] && break
	_i=$((_i + 1))
done
check_ge "rate-limited (of 40 at 2/s, burst 2)" 30 "$_lim"
check_ok "B (another source) handshakes" rc in_b bind --endpoint-json "$J" --key "$T/b.key" \
	--local "$(ep $B4 5002)" --timeout 3000
test_end

test_begin "not ready: no relay address known (no static endpoint, no socket) is reported"
relayd_stop TERM
if dp_userspace; then
	# no relayd, no userspace data plane to ask
	test_skip "the kernel's state without relayd"
	ktap_finished
fi
relayctl_r config set static-endpoints none || test_error "config set"
relayctl_r -j session add "$KA" "$KC" >"$T/nr.json" 2>"$T/nr.err" || test_error "session add"
check_eq "addrs" "[]" "$(jget .addrs <"$T/nr.json")"
check_contains "warning" "no relay address known" "$(cat "$T/nr.err")"
test_end

ktap_finished
