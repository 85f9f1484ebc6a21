#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# install.sh install|uninstall|list|dkms-source|dkms-check [--destdir DIR] [--kver KVER]
#
# Install (or remove) what `make` built: what `make install` /
# `make uninstall` run. Environment/options:
#   DESTDIR / --destdir   staging root (default: empty = the real system)
#   PREFIX                /usr/local
#   SYSCONFDIR            /etc
#   KVER / --kver         kernel release whose /lib/modules gets the module
#                         (default: from KDIR, else the newest 6.1 headers)
#   TEXTFILE_DIR          /var/lib/prometheus/node-exporter
#
# Installed:
#   /lib/modules/KVER/updates/peer_relay.ko (then depmod KVER when DESTDIR
#     is empty; with DESTDIR run `depmod KVER` on the target)
#   PREFIX/sbin/{relayd,relayctl,peer-relay-textfile,peer-relay-health},
#     PREFIX/bin/relay-client
#   PREFIX/share/man/man8/{relayd,relayctl}.8, man1/relay-client.1
#   PREFIX/lib/systemd/system/{relayd.service,peer-relay-metrics.{service,timer},
#     peer-relay-health.socket,peer-relay-health@.service,relay-client-wg@.service}
#   PREFIX/share/peer_relay/{grafana/peer_relay.json,nftables/peer_relay.nft,
#     iptables/peer_relay-iptables.sh, prometheus/peer_relay.rules.yml}
#   PREFIX/lib/modules-load.d/peer_relay.conf
#   SYSCONFDIR/peer_relay/relayd.conf (kept if it exists; removed on
#     uninstall only if unchanged)
#   TEXTFILE_DIR (directory)
# dkms-source copies the module source (kmod/, include/, VERSION) to
# DESTDIR/usr/src/peer_relay-VERSION (with dkms.conf) for `dkms add/build/install`; dkms-check runs
# add/build/install for KVER on this host, checks and removes it again.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
action=${1:-}
[[ -n $action ]] && shift
if [[ $action == -h || $action == --help ]]; then
	sed -n '3,/^set -e/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
	exit 0
fi
DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr/local}
SYSCONFDIR=${SYSCONFDIR:-/etc}
TEXTFILE_DIR=${TEXTFILE_DIR:-/var/lib/prometheus/node-exporter}
KVER=${KVER:-}
while (($#)); do
	case $1 in
	--destdir) DESTDIR=$2; shift 2 ;;
	--kver) KVER=$2; shift 2 ;;
	-h|--help) sed -n '3,/^set -e/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "install.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
if [[ -z $KVER ]]; then
	if [[ -n ${KDIR:-} ]]; then
		KVER=$(basename "$(dirname "$KDIR")")
	else
		KVER=$(ls -d /lib/modules/6.1*-amd64 2>/dev/null | sort -V | tail -n 1 | xargs -r basename)
	fi
fi
VERSION=$(cat "$top/VERSION")
sbindir=$PREFIX/sbin
bindir=$PREFIX/bin
mandir=$PREFIX/share/man
unitdir=$PREFIX/lib/systemd/system
modloaddir=$PREFIX/lib/modules-load.d
confdir=$SYSCONFDIR/peer_relay
moddst=/lib/modules/$KVER/updates/peer_relay.ko

# files: "MODE SOURCE DESTINATION [subst]" for everything installed.
files() {
	echo "0644 build/kmod/peer_relay.ko $moddst"
	echo "0755 build/tools/relayd/relayd $sbindir/relayd"
	echo "0755 build/tools/relayctl/relayctl $sbindir/relayctl"
	echo "0755 tools/metrics/peer-relay-textfile $sbindir/peer-relay-textfile"
	echo "0755 contrib/peer-relay-health $sbindir/peer-relay-health"
	echo "0755 build/tools/relay-client/relay-client $bindir/relay-client"
	echo "0644 tools/relayd/relayd.8 $mandir/man8/relayd.8"
	echo "0644 tools/relayctl/relayctl.8 $mandir/man8/relayctl.8"
	echo "0644 tools/relay-client/relay-client.1 $mandir/man1/relay-client.1"
	echo "0644 contrib/systemd/relayd.service $unitdir/relayd.service subst"
	echo "0644 contrib/systemd/peer-relay-metrics.service $unitdir/peer-relay-metrics.service subst"
	echo "0644 contrib/systemd/peer-relay-metrics.timer $unitdir/peer-relay-metrics.timer subst"
	echo "0644 contrib/systemd/peer-relay-health.socket $unitdir/peer-relay-health.socket"
	echo "0644 contrib/systemd/peer-relay-health@.service $unitdir/peer-relay-health@.service subst"
	echo "0644 contrib/systemd/relay-client-wg@.service $unitdir/relay-client-wg@.service subst"
	echo "0644 contrib/modules-load.d/peer_relay.conf $modloaddir/peer_relay.conf"
	echo "0644 contrib/grafana/peer_relay.json $PREFIX/share/peer_relay/grafana/peer_relay.json"
	echo "0644 contrib/prometheus/peer_relay.rules.yml $PREFIX/share/peer_relay/prometheus/peer_relay.rules.yml"
	echo "0644 contrib/nftables/peer_relay.nft $PREFIX/share/peer_relay/nftables/peer_relay.nft"
	echo "0755 contrib/iptables/peer_relay-iptables.sh $PREFIX/share/peer_relay/iptables/peer_relay-iptables.sh"
}

subst() {
	sed -e "s|@SBINDIR@|$sbindir|g" -e "s|@BINDIR@|$bindir|g" -e "s|@SYSCONFDIR@|$SYSCONFDIR|g" \
	    -e "s|@TEXTFILE_DIR@|$TEXTFILE_DIR|g" "$1"
}

default_conf() {	# the default relayd.conf with the configured paths
	sed -e "s|/etc/peer_relay|$confdir|g" "$top/contrib/relayd.conf"
}

do_install() {
	local mode src dst sub
	[[ -n $KVER ]] || { echo "install.sh: no kernel release (set KVER or KDIR)" >&2; exit 1; }
	while read -r mode src dst sub; do
		[[ -f $top/$src ]] || { echo "install.sh: $src missing (run make first)" >&2; exit 1; }
		install -d -m 0755 "$DESTDIR$(dirname "$dst")"
		if [[ -n ${sub:-} ]]; then
			subst "$top/$src" >"$DESTDIR$dst.tmp"
			chmod "$mode" "$DESTDIR$dst.tmp"
			mv -f "$DESTDIR$dst.tmp" "$DESTDIR$dst"
		else
			install -m "$mode" "$top/$src" "$DESTDIR$dst"
		fi
		echo "  INSTALL $DESTDIR$dst"
	done < <(files)
	install -d -m 0755 "$DESTDIR$confdir"
	if [[ -e $DESTDIR$confdir/relayd.conf ]]; then
		echo "  KEEP    $DESTDIR$confdir/relayd.conf (exists)"
	else
		default_conf >"$DESTDIR$confdir/relayd.conf"
		chmod 0644 "$DESTDIR$confdir/relayd.conf"
		echo "  INSTALL $DESTDIR$confdir/relayd.conf"
	fi
	install -d -m 0755 "$DESTDIR$TEXTFILE_DIR"
	if [[ -z $DESTDIR ]]; then
		depmod -a "$KVER"
		echo "  DEPMOD  $KVER"
		if [[ -d /run/systemd/system ]]; then
			systemctl daemon-reload || true
		fi
		echo "Next: systemctl enable --now relayd.service peer-relay-metrics.timer"
	else
		echo "Staged in $DESTDIR: run 'depmod $KVER' on the target"
	fi
}

do_uninstall() {
	local mode src dst sub
	while read -r mode src dst sub; do
		if [[ -e $DESTDIR$dst ]]; then
			rm -f "$DESTDIR$dst"
			echo "  REMOVE  $DESTDIR$dst"
		fi
	done < <(files)
	if [[ -f $DESTDIR$confdir/relayd.conf ]]; then
		if cmp -s <(default_conf) "$DESTDIR$confdir/relayd.conf"; then
			rm -f "$DESTDIR$confdir/relayd.conf"
			echo "  REMOVE  $DESTDIR$confdir/relayd.conf"
		else
			echo "  KEEP    $DESTDIR$confdir/relayd.conf (modified)"
		fi
	fi
	# Our own directory if now empty (never the key or grants file). Shared
	# directories stay on a real system; a staging root is pruned.
	rmdir "$DESTDIR$confdir" 2>/dev/null || true
	if [[ -n $DESTDIR && -d $DESTDIR ]]; then
		find "$DESTDIR" -mindepth 1 -depth -type d -empty -delete
	fi
	if [[ -z $DESTDIR && -n $KVER && -d /lib/modules/$KVER ]]; then
		depmod -a "$KVER"
		echo "  DEPMOD  $KVER"
	fi
}

do_dkms_source() {
	local dst=$DESTDIR/usr/src/peer_relay-$VERSION
	rm -rf "$dst"
	install -d -m 0755 "$dst/kmod" "$dst/include"
	sed -e "s/@VERSION@/$VERSION/" "$top/dkms.conf" >"$dst/dkms.conf"
	install -m 0644 "$top/VERSION" "$dst/VERSION"
	cp "$top"/kmod/Kbuild "$top"/kmod/*.c "$top"/kmod/*.h "$dst/kmod/"
	cp -r "$top/include/uapi" "$top/include/peer_relay" "$dst/include/"
	echo "  DKMS    $dst (now: dkms add peer_relay/$VERSION; dkms install peer_relay/$VERSION -k KVER)"
}

# dkms-check: dkms add/build/install for KVER from a fresh dkms-source,
# verify modinfo finds the DKMS module, then remove it again (a test).
do_dkms_check() {
	local rc=0 path
	command -v dkms >/dev/null || { echo "install.sh: dkms is not installed" >&2; exit 1; }
	[[ -z $DESTDIR ]] || { echo "install.sh: dkms-check works on the real system only" >&2; exit 2; }
	dkms remove "peer_relay/$VERSION" --all >/dev/null 2>&1 || true
	do_dkms_source
	dkms add "peer_relay/$VERSION" &&
		dkms build "peer_relay/$VERSION" -k "$KVER" &&
		dkms install "peer_relay/$VERSION" -k "$KVER" || rc=1
	if ((rc == 0)); then
		path=$(modinfo -k "$KVER" -n peer_relay 2>/dev/null || true)
		dkms status "peer_relay/$VERSION"
		echo "modinfo: $path ($(modinfo -k "$KVER" -F vermagic peer_relay 2>/dev/null))"
		[[ $path == */updates/dkms/peer_relay.ko* ]] || rc=1
	fi
	dkms remove "peer_relay/$VERSION" --all >/dev/null 2>&1 || true
	rm -rf "/usr/src/peer_relay-$VERSION"
	if ((rc == 0)); then echo "dkms-check: ok (add, build, install for $KVER)"; else echo "dkms-check: FAILED"; fi
	return $rc
}

case $action in
install) do_install ;;
dkms-check) do_dkms_check ;;
uninstall) do_uninstall ;;
list) files | awk '{print $3}'; echo "$confdir/relayd.conf" ;;
dkms-source) do_dkms_source ;;
*) echo "usage: install.sh install|uninstall|list|dkms-source|dkms-check [--destdir DIR] [--kver KVER]" >&2; exit 2 ;;
esac
