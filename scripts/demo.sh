#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Demo: install the dependencies, build, and boot the test VM running
# selftests/demo.sh: load peer_relay, start relayd in a relay namespace,
# allocate a session with relayctl, let two relay-client peers (IPv4 and
# IPv6) run the real disco handshake, ping and send a few hundred datagrams
# each way through the relay, and print the sessions and counters.
# V=1 also streams the kernel console.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $EUID -eq 0 ]]; then
	scripts/install-deps.sh >/dev/null
fi
echo "demo: building (log: build/demo-build.log)"
mkdir -p build
if ! make -j2 vm-image >build/demo-build.log 2>&1; then
	tail -n 30 build/demo-build.log
	echo "demo: build failed"
	exit 1
fi
kver=$(ls -d /lib/modules/6.1*-amd64 | sort -V | tail -n 1 | xargs basename)
echo "demo: booting the VM (kernel $kver; about 30 s under TCG)"
exec selftests/vm/run.sh --image build/vm/initramfs.cpio --demo
