#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# `make install` (issue 4, Documentation/admin-guide.md "Installing"):
# the image carries `scripts/install.sh install --destdir /stage` (made by
# selftests/vm/mkinitramfs.sh). This scenario removes the harness's own
# copy of peer_relay.ko, installs the staged tree onto / and runs depmod
# as a package would, then checks that `modprobe peer_relay` works by name
# from /lib/modules/KVER/updates, that the modules-load.d entry names it,
# that relayd starts with the installed unit's ExecStartPre/ExecStart and
# reads the installed config file, and that the metrics unit writes
# peer_relay.prom.
# vm-timeout: 180
. /selftests/lib.sh

RNS=
ktap_header
KVER=$(uname -r)
UNIT=/usr/local/lib/systemd/system
CONF=/etc/peer_relay/relayd.conf

[ -d /stage ] || bail "no /stage in the image (scripts/install.sh missing or failed)"

# unit_exec FILE KEY: the command of KEY= in a unit, without systemd's
# "-+!@" prefixes.
unit_exec() {
	sed -n "s/^$2=[-+!@]*//p" "$1" | head -n 1
}

test_begin "without the installed module, modprobe peer_relay fails"
rm -f "/lib/modules/$KVER/updates/peer_relay.ko"
depmod -a "$KVER"
check_fail "modprobe" modprobe peer_relay
test_end

test_begin "staged install: every file in place"
for f in /lib/modules/$KVER/updates/peer_relay.ko \
	/usr/local/sbin/relayd /usr/local/sbin/relayctl \
	/usr/local/sbin/peer-relay-textfile /usr/local/bin/relay-client \
	/usr/local/share/man/man8/relayd.8 /usr/local/share/man/man8/relayctl.8 \
	/usr/local/share/man/man1/relay-client.1 \
	$UNIT/relayd.service $UNIT/peer-relay-metrics.service \
	$UNIT/peer-relay-metrics.timer $UNIT/relay-client-wg@.service \
	/usr/local/lib/modules-load.d/peer_relay.conf $CONF; do
	[ -f "/stage$f" ] || test_error "missing /stage$f"
done
[ -d /stage/var/lib/prometheus/node-exporter ] || test_error "no textfile directory"
check_eq "no @placeholders@ left in units" "" "$(grep -l '@[A-Z_]*@' /stage$UNIT/* 2>/dev/null)"
test_end

cp -a /stage/. / || bail "copy /stage onto /"
depmod -a "$KVER"

test_begin "modprobe peer_relay by name loads the installed module"
check_ok "modprobe" modprobe peer_relay
check_ok "loaded" module_loaded
check_eq "module path" "/lib/modules/$KVER/updates/peer_relay.ko" "$(modinfo -n peer_relay)"
check_ok "rmmod" unload_module
test_end

test_begin "modules-load.d entry loads it (as systemd-modules-load)"
for m in $(grep -hv '^#' /usr/local/lib/modules-load.d/*.conf); do
	modprobe "$m" || test_error "modprobe $m"
done
check_ok "loaded" module_loaded
test_end

test_begin "relayd starts from the installed unit and config file"
pre=$(unit_exec $UNIT/relayd.service ExecStartPre)
start=$(unit_exec $UNIT/relayd.service ExecStart)
check_eq "ExecStart" "/usr/local/sbin/relayd --config $CONF" "$start"
check_ok "ExecStartPre ($pre)" $pre
# shellcheck disable=SC2086
$start >"$T/relayd.log" 2>&1 &
RELAYD_PID=$!
check_ok "2 sockets attached" wait_sockets 2
port=$(sed -n 's/^port[ =]*//p' $CONF)
check_eq "port from the config" 7000 "$port"
check_eq "sockets on the configured port" "7000 7000" "$(relayctl -j socket list | jget -l | sed 's/.*"port":\([0-9]*\).*/\1/' | tr '\n' ' ' | sed 's/ $//')"
check_eq "key file created" "-rw-------" "$(ls -l /etc/peer_relay/relayd.key 2>/dev/null | cut -c1-10)"
check_eq "server key = the key file's" "$(relay-client pubkey /etc/peer_relay/relayd.key 2>/dev/null)" "$(relayctl -j config get | jget .server_key)"
relayd_stop
check_eq "relayd exit status" 0 "$?"
test_end

test_begin "config changes take effect at the next start"
sed -i -e 's/^port .*/port 7003/' -e 's/^sockets .*/sockets 2/' \
	-e 's/^idle-lifetime .*/idle-lifetime 120000/' $CONF
# shellcheck disable=SC2086
$start >"$T/relayd.log" 2>&1 &
RELAYD_PID=$!
check_ok "4 sockets attached" wait_sockets 4
check_contains "port 7003" '"port":7003' "$(relayctl -j socket list | jget -l | head -n 1)"
check_eq "idle lifetime" 120000 "$(relayctl -j config get | jget .idle_lifetime_ms)"
test_end

test_begin "metrics unit writes peer_relay.prom"
ms=$(unit_exec $UNIT/peer-relay-metrics.service ExecStart)
# shellcheck disable=SC2086
check_ok "ExecStart ($ms)" $ms
prom=/var/lib/prometheus/node-exporter/peer_relay.prom
check_contains "sockets gauge" "peer_relay_sockets 4" "$(cat $prom 2>/dev/null)"
check_contains "success" "peer_relay_textfile_success 1" "$(cat $prom 2>/dev/null)"
relayd_stop
test_end

ktap_finished
