#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The whole check, as CI runs it (.ci/run): install the dependencies, build
# the module, the tools and the test helpers, run the module's static
# checks (scripts/lint.sh), the host unit tests and a short libFuzzer smoke
# run of the parsers, then
# every VM scenario (one boot of the Debian 6.1 kernel each), print each
# test's TAP result and end with exactly one line
#   N passed, N failed[, N skipped]
# Exit status non-zero on any failure (a kernel splat in a VM run counts).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
export CI=${CI:-true}
results=build/results
start=$SECONDS

log() { echo "check: $*"; }

# Output of the noisy stages goes to a log; the tail is shown on failure.
stage() {	# stage NAME LOGFILE CMD...
	local name=$1 logf=$2
	shift 2
	log "$name"
	if ! "$@" >"$logf" 2>&1; then
		tail -n 40 "$logf" | sed 's/^/  | /'
		echo "not ok - $name (log: $logf)" >>"$results/build.txt"
		return 1
	fi
}

mkdir -p build
rm -rf "$results" && mkdir -p "$results"

if [[ $EUID -eq 0 ]]; then
	stage "install dependencies" build/deps.log scripts/install-deps.sh ||
		{ tail -n 1 "$results/build.txt"; selftests/summary.sh "$results"/*.txt; exit 1; }
else
	log "not root: skipping scripts/install-deps.sh"
fi

built=1
stage "build module, tools, test helpers" build/build.log make -j2 all kselftest || built=0

if ((built)); then
	log "static checks (sparse, checkpatch, kernel-doc)"
	scripts/lint.sh "$results/lint.txt" | sed 's/^/#   /' || true
fi

log "unit tests (host)"
make --no-print-directory -C selftests/unit run || true

# The operator-facing files checked offline: the netlink spec against the
# kernel's schema rules and the generated code, the alerting rules with
# promtool, the installed systemd units and the keepalived example.
log "netlink spec, alerting rules, systemd units (host)"
scripts/spec-check.sh "$results/spec.txt" | sed 's/^/#   /' || true
scripts/rules-check.sh "$results/rules.txt" | sed 's/^/#   /' || true
if ((built)); then
	scripts/units-check.sh "$results/units.txt" | sed 's/^/#   /' || true
fi

# libFuzzer harnesses of the parsers (fuzz/): a ~10 s smoke run, one TAP
# line per harness with its execs and coverage; `make fuzz` runs longer.
if stage "build fuzz harnesses (clang)" build/fuzz-build.log make -j2 -C fuzz all; then
	log "fuzz smoke"
	make --no-print-directory -C fuzz smoke || true
fi

if ((built)); then
	log "VM scenarios"
	if stage "VM image" build/vm-image.log make --no-print-directory vm-image; then
		selftests/vm/run.sh --image build/vm/initramfs.cpio --jobs "${VM_JOBS:-2}" --all || true
	fi
else
	log "build failed: VM scenarios not run"
fi

# dkms.conf: add/build/install against the headers of the VM's kernel on
# this machine, then remove it again. After the VM scenarios, so no image
# ever holds the DKMS copy. Needs root (it writes /usr/src, /lib/modules).
kver=$(ls -d /lib/modules/6.1*-amd64/build 2>/dev/null | sort -V | tail -n 1 | xargs -r dirname | xargs -r basename)
if ((built)) && [[ $EUID -eq 0 && -n $kver ]] && command -v dkms >/dev/null; then
	log "dkms add/build/install ($kver)"
	if scripts/install.sh dkms-check --kver "$kver" >build/dkms.log 2>&1; then
		echo "ok - dkms: add, build and install peer_relay for $kver, modinfo finds it, removed again" |
			tee "$results/dkms.txt"
	else
		tail -n 20 build/dkms.log | sed 's/^/  | /'
		echo "not ok - dkms: dkms-check failed (log: build/dkms.log)" | tee "$results/dkms.txt"
	fi
else
	log "dkms check skipped (needs root, dkms and linux-headers-amd64)"
fi

if grep -qh '^not ok - ' "$results"/*.txt 2>/dev/null; then
	log "failures:"
	grep -h '^not ok - ' "$results"/*.txt
fi
log "took $((SECONDS - start)) s"
selftests/summary.sh "$results"/*.txt
