#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install everything peer_relay needs to build and test on Debian bookworm.
# Idempotent: packages already installed are left alone and `apt-get update`
# only runs when a missing package has no install candidate yet.
# Works non-interactively (CI=true, no stdin). Must run as root.
set -euo pipefail

PACKAGES=(
	build-essential make gcc pkg-config	# userspace tools, kbuild
	linux-image-amd64 linux-headers-amd64	# the 6.1 kernel the VM boots + KDIR
	linux-source-6.1			# kselftest headers (extracted once)
	qemu-system-x86				# the test VM
	busybox-static iproute2 kmod cpio	# the VM's initramfs
	libnl-3-dev libnl-genl-3-dev		# generic netlink client
	libsodium-dev				# disco crypto (NaCl box)
	sparse clang				# static checks
	xz-utils jq				# tarball extraction, JSON in tests
	netsniff-ng				# trafgen/mausezahn for load tests
	prometheus-node-exporter		# ops_metrics: real textfile collector scrape
	prometheus				# ops_metrics: a real server; promtool rule tests
	python3-yaml python3-jsonschema		# the netlink spec: generator and checks
	dkms					# scripts/install.sh dkms-check
	nftables iptables			# ops_deploy: the admin guide's firewall rules
	wireguard-tools tcpdump			# wg_bridge: real WireGuard peers, capture on the relay
	keepalived				# failover: VRRP moves the relay address
	systemd					# units-check: systemd-analyze verify
)

# install-deps.sh --debug-kernel: also what building a kernel from
# linux-source-6.1 needs (scripts/debug-kernel.sh calls it so).
if [[ ${1:-} == --debug-kernel ]]; then
	PACKAGES+=(bc flex bison libelf-dev libssl-dev rsync)
elif (($#)); then
	echo "usage: install-deps.sh [--debug-kernel]" >&2
	exit 2
fi

missing=()
for p in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ $status == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
	echo "install-deps: all ${#PACKAGES[@]} packages present"
	exit 0
fi

if ((EUID != 0)); then
	echo "install-deps: missing packages: ${missing[*]}" >&2
	echo "install-deps: run as root to install them" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold
	  --no-install-recommends)

need_update=0
for p in "${missing[@]}"; do
	if ! apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [^(]'; then
		need_update=1
		break
	fi
done
if ((need_update)); then
	echo "install-deps: apt-get update"
	apt-get update -q </dev/null
fi

echo "install-deps: installing ${missing[*]}"
apt-get install "${apt_opts[@]}" "${missing[@]}" </dev/null
