#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Module basics: modprobe by name resolves udp_tunnel, the generic netlink
# family and the sysfs counters appear, counters start at zero, config has
# the protocol defaults, and the module unloads and reloads cleanly.
# vm-timeout: 120
. /selftests/lib.sh

ktap_header
RNS=

test_begin "modprobe peer_relay (with its dependencies)"
load_module
check_ok "loaded" module_loaded
check_ok "udp_tunnel loaded" grep -q '^udp_tunnel ' /proc/modules
check_eq "taint is only O/E" 0 "$(($(cat /proc/sys/kernel/tainted) & ~12288))"
test_end

test_begin "generic netlink family answers (stats, config, lists)"
check_ok "relayctl stats" relayctl stats
check_eq "relayctl -j stats" 0 "$(relayctl -j stats | jget .forwarded.udp4_udp4.packets)"
check_eq "sessions listed" 0 "$(session_count)"
check_eq "sockets listed" 0 "$(socket_count)"
test_end

test_begin "config defaults (30 s bind, 5 min idle lifetime)"
relayctl -j config get >"$T/cfg.json" 2>&1 || test_error "config get: $(cat "$T/cfg.json")"
check_eq "bind lifetime" 30000 "$(jget .bind_lifetime_ms <"$T/cfg.json")"
check_eq "idle lifetime" 300000 "$(jget .idle_lifetime_ms <"$T/cfg.json")"
test_end

test_begin "sysfs counters exist, start at zero and match relayctl"
d=/sys/kernel/peer_relay/stats
check_ok "$d exists" test -d $d
for f in forwarded_packets_udp4_udp4 forwarded_packets_udp4_udp6 forwarded_packets_udp6_udp4 \
	 forwarded_packets_udp6_udp6 forwarded_bytes_udp4_udp4 forwarded_bytes_udp6_udp6 \
	 sessions_connecting sessions_open sockets sessions_created \
	 dropped_short dropped_unknown_vni dropped_not_bound dropped_bad_source \
	 passed_control passed_not_geneve passed_stun deleted_user deleted_flush; do
	check_eq "$f" 0 "$(sysfs_stat $f)"
	check_eq "$f via relayctl" 0 "$(relay_stat $f)"
done
test_end

test_begin "rmmod and modprobe again"
check_ok "rmmod" unload_module
check_ok "sysfs gone" test ! -e /sys/kernel/peer_relay
check_ok "modprobe again" modprobe peer_relay
check_ok "relayctl stats after reload" relayctl stats
check_ok "rmmod again" unload_module
test_end

test_begin "the family autoloads the module (MODULE_ALIAS_GENL_FAMILY)"
check_ok "relayctl stats with the module unloaded" relayctl stats
check_ok "module loaded on demand" module_loaded
check_ok "rmmod" unload_module
test_end

ktap_finished
