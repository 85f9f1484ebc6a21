#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# debug-kernel.sh [build | test [SCENARIO...] | env | config] [options]
#
# Build a debug kernel from Debian's linux-source-6.1 tarball (KASAN,
# KMEMLEAK, PROVE_LOCKING/PROVE_RCU, DEBUG_ATOMIC_SLEEP, UBSAN, DEBUG_LIST,
# DEBUG_OBJECTS, DEBUG_NET, netns refcount trackers) and run the VM
# selftests on it.
#
#   build    configure and compile the kernel (cached; a second run with
#            the same tarball and configuration does nothing)
#   test     build if needed, build peer_relay.ko against it in a scratch
#            copy of the tree, make an initramfs and run the scenarios
#            (all of selftests/net/suite order by default, or the ones
#            named); every VM scans kmemleak before powering off, so a
#            leak fails the scenario like any other splat
#   env      print KDIR / KVER / VMLINUZ of the cached kernel
#   config   print the configuration fragment that is applied
#
# Options: --cache DIR (default $PRL_DEBUG_CACHE or
#          /var/cache/peer_relay/debug-kernel), --jobs N (default nproc),
#          --no-nice (the build runs under `nice -n 19` by default because
#          the machine is shared).
# Environment for `test`: VM_TIMEOUT (default: 3x the scenario's own),
#          VM_MEM (default 2G; KASAN needs the room), VM_APPEND (added to
#          the kernel command line after "no5lvl").
#
# Layout of the cache, keyed by a hash of the tarball identity and the
# compiler version (one build tree per source; when the configuration
# fragment below changes, the same tree is reconfigured and rebuilt
# incrementally, so only what the changed options touch is compiled):
#   DIR/<hash>/obj         O= build tree (also the KDIR for modules)
#   DIR/<hash>/src         extracted sources
#   DIR/<hash>/mods        modules_install root (lib/modules/<kver>)
#   DIR/<hash>/build.log   compiler output; build.time: seconds it took
#   DIR/<hash>/config.key  hash of the fragment the tree is configured for
#   DIR/<hash>/build.ok    hash of the fragment the tree was built for
#   DIR/<hash>/tree        scratch copy of the repository used by `test`
#
# The VM scripts take the kernel modules from /lib/modules/<kver>, so
# `test` links /lib/modules/<kver> to DIR/<hash>/mods/lib/modules/<kver>
# (<kver> ends in -prdebug and cannot clash with a Debian kernel).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tarball=${LINUX_SOURCE_TAR:-/usr/src/linux-source-6.1.tar.xz}
cache_root=${PRL_DEBUG_CACHE:-/var/cache/peer_relay/debug-kernel}
jobs=$(nproc)
nice_cmd=(nice -n 19)
cmd=${1:-build}
[[ $# -gt 0 ]] && shift
scenarios=()
while (($#)); do
	case $1 in
	--cache) cache_root=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--no-nice) nice_cmd=(); shift ;;
	-h|--help) sed -n '3,40p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "debug-kernel: unknown option $1" >&2; exit 2 ;;
	*) scenarios+=("$1"); shift ;;
	esac
done

# The configuration applied on top of `make defconfig` + kvm_guest.config.
# "# CONFIG_X is not set" lines switch things off to keep the build small
# (no graphics, sound, USB, wireless, storage or network file systems:
# the VM boots from an initramfs and uses only veth).
fragment() {
	cat <<'EOF'
CONFIG_LOCALVERSION="-prdebug"
# CONFIG_LOCALVERSION_AUTO is not set
CONFIG_MODULES=y
CONFIG_MODULE_UNLOAD=y
CONFIG_MODULE_FORCE_UNLOAD=y
# CONFIG_MODVERSIONS is not set
# CONFIG_MODULE_SIG is not set
CONFIG_NET_NS=y
CONFIG_USER_NS=y
CONFIG_NAMESPACES=y
CONFIG_INET=y
CONFIG_IPV6=y
CONFIG_VETH=y
# udp_tunnel and ip6_udp_tunnel as modules, as in Debian's kernel (the
# module scenario checks that modprobe pulls them in)
CONFIG_GENEVE=m
CONFIG_NET_UDP_TUNNEL=m
CONFIG_DST_CACHE=y
CONFIG_DEVTMPFS=y
CONFIG_TMPFS=y
CONFIG_BLK_DEV_INITRD=y
CONFIG_RD_GZIP=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_PROC_FS=y
CONFIG_SYSFS=y
CONFIG_DEBUG_FS=y
CONFIG_SLUB=y
CONFIG_SLUB_DEBUG=y
# CONFIG_RANDOMIZE_BASE is not set
CONFIG_KALLSYMS=y
CONFIG_KALLSYMS_ALL=y
CONFIG_DEBUG_INFO_NONE=y
CONFIG_DEBUG_KERNEL=y
CONFIG_PANIC_ON_OOPS=y
CONFIG_KASAN=y
CONFIG_KASAN_GENERIC=y
CONFIG_KASAN_INLINE=y
CONFIG_DEBUG_KMEMLEAK=y
CONFIG_DEBUG_KMEMLEAK_MEM_POOL_SIZE=16000
# CONFIG_DEBUG_KMEMLEAK_AUTO_SCAN is not set
# CONFIG_DEBUG_KMEMLEAK_DEFAULT_OFF is not set
CONFIG_PROVE_LOCKING=y
CONFIG_PROVE_RCU=y
CONFIG_DEBUG_ATOMIC_SLEEP=y
CONFIG_DEBUG_LIST=y
CONFIG_DEBUG_OBJECTS=y
CONFIG_DEBUG_OBJECTS_RCU_HEAD=y
CONFIG_DEBUG_OBJECTS_WORK=y
CONFIG_DEBUG_OBJECTS_TIMERS=y
CONFIG_UBSAN=y
CONFIG_UBSAN_BOUNDS=y
CONFIG_UBSAN_SHIFT=y
CONFIG_DEBUG_NET=y
CONFIG_NET_DEV_REFCNT_TRACKER=y
CONFIG_NET_NS_REFCNT_TRACKER=y
# CONFIG_KFENCE is not set
# CONFIG_DRM is not set
# CONFIG_FB is not set
# CONFIG_AGP is not set
# CONFIG_SOUND is not set
# CONFIG_USB_SUPPORT is not set
# CONFIG_WIRELESS is not set
# CONFIG_WLAN is not set
# CONFIG_CFG80211 is not set
# netfilter for ops_deploy (the admin guide's nftables/iptables rules,
# DNAT): the modules the VM image carries for Debian's kernel, built in
CONFIG_NETFILTER=y
CONFIG_NETFILTER_ADVANCED=y
CONFIG_NF_CONNTRACK=y
# memory cgroups: vm/limits measures what a user's sessions are charged
CONFIG_MEMCG=y
CONFIG_NF_CONNTRACK_PROCFS=y
CONFIG_NF_NAT=y
CONFIG_NF_TABLES=y
CONFIG_NF_TABLES_INET=y
CONFIG_NF_TABLES_IPV4=y
CONFIG_NF_TABLES_IPV6=y
CONFIG_NFT_CT=y
CONFIG_NFT_NAT=y
CONFIG_NFT_MASQ=y
CONFIG_NFT_COMPAT=y
CONFIG_NETFILTER_XTABLES=y
CONFIG_NETFILTER_XT_MATCH_CONNTRACK=y
CONFIG_NETFILTER_XT_TARGET_CT=y
CONFIG_NETFILTER_XT_MATCH_COMMENT=y
CONFIG_IP_NF_IPTABLES=y
CONFIG_IP_NF_FILTER=y
CONFIG_IP_NF_RAW=y
CONFIG_IP6_NF_IPTABLES=y
CONFIG_IP6_NF_FILTER=y
CONFIG_IP6_NF_RAW=y
# CONFIG_NETWORK_FILESYSTEMS is not set
# CONFIG_EXT4_FS is not set
# CONFIG_SCSI is not set
# CONFIG_ATA is not set
# CONFIG_MD is not set
# CONFIG_ETHERNET is not set
# CONFIG_PCCARD is not set
# CONFIG_HID is not set
# CONFIG_INPUT_MOUSE is not set
# CONFIG_INPUT_JOYSTICK is not set
# CONFIG_INPUT_TABLET is not set
# CONFIG_INPUT_TOUCHSCREEN is not set
# CONFIG_SECURITY_SELINUX is not set
# CONFIG_AUDIT is not set
# CONFIG_HAMRADIO is not set
# CONFIG_BT is not set
# CONFIG_NFC is not set
# CONFIG_IP_VS is not set
# CONFIG_BRIDGE is not set
# CONFIG_XEN is not set
# CONFIG_HYPERV is not set
EOF
}

# Options that must have the requested value after olddefconfig (a
# silently dropped debug option would make the run meaningless).
required=(KASAN KASAN_GENERIC DEBUG_KMEMLEAK PROVE_LOCKING PROVE_RCU
	  DEBUG_ATOMIC_SLEEP UBSAN DEBUG_LIST DEBUG_OBJECTS_RCU_HEAD DEBUG_NET
	  NET_NS USER_NS VETH IPV6 DST_CACHE DEVTMPFS TMPFS NF_TABLES NFT_NAT NFT_CT NF_CONNTRACK_PROCFS MEMCG
	  BLK_DEV_INITRD SERIAL_8250_CONSOLE MODULES MODULE_UNLOAD DEBUG_FS)
required_m=(NET_UDP_TUNNEL)

die() { echo "debug-kernel: $*" >&2; exit 1; }

[[ $cmd == build || $cmd == test ]] &&
	{ "$top/scripts/install-deps.sh" --debug-kernel || die "could not install the build dependencies"; }
[[ -f $tarball ]] || die "$tarball missing (apt-get install linux-source-6.1)"
for t in gcc make bc flex bison; do
	command -v $t >/dev/null || die "$t missing (apt-get install build-essential bc flex bison libelf-dev libssl-dev)"
done
[[ -f /usr/include/libelf.h ]] || die "libelf-dev missing"
[[ -f /usr/include/openssl/ssl.h ]] || die "libssl-dev missing"

key=$( { stat -c '%n %s %Y' "$tarball"; gcc --version | head -n 1; echo v1; } |
	sha256sum | cut -c1-16)
cfg_key=$( { fragment; echo v1; } | sha256sum | cut -c1-16)
dir=$cache_root/$key
obj=$dir/obj
src=$dir/src
mods=$dir/mods

kernel_release() { cat "$obj/include/config/kernel.release" 2>/dev/null; }

configure() {
	[[ -f $obj/.config && $(cat "$dir/config.key" 2>/dev/null) == "$cfg_key" ]] && return 0
	mkdir -p "$dir"
	if [[ ! -f $src/Makefile ]]; then
		echo "debug-kernel: extracting $tarball -> $src"
		rm -rf "$src.tmp" && mkdir -p "$src.tmp"
		"${nice_cmd[@]}" tar -xJf "$tarball" -C "$src.tmp" --strip-components=1
		rm -rf "$src" && mv "$src.tmp" "$src"
	fi
	mkdir -p "$obj"
	fragment >"$dir/fragment.config"
	echo "debug-kernel: configuring (defconfig + kvm_guest.config + fragment)"
	make -s -C "$src" O="$obj" defconfig >/dev/null
	make -s -C "$src" O="$obj" kvm_guest.config >/dev/null
	(cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" .config \
		"$dir/fragment.config" >"$dir/merge.log" 2>&1)
	make -s -C "$src" O="$obj" olddefconfig >/dev/null
	local bad=() o
	for o in "${required[@]}"; do
		grep -q "^CONFIG_$o=y$" "$obj/.config" || bad+=("$o")
	done
	for o in "${required_m[@]}"; do
		grep -q "^CONFIG_$o=m$" "$obj/.config" || bad+=("$o(=m)")
	done
	grep -q '^CONFIG_MODVERSIONS=y' "$obj/.config" && bad+=("MODVERSIONS(should be off)")
	((${#bad[@]} == 0)) || die "config lacks: ${bad[*]} (see $dir/merge.log)"
	echo "$cfg_key" >"$dir/config.key"
}

build() {
	configure
	if [[ $(cat "$dir/build.ok" 2>/dev/null) == "$cfg_key" ]]; then
		echo "debug-kernel: cached $(kernel_release) in $dir (built in $(cat "$dir/build.time" 2>/dev/null || echo '?') s)"
		return 0
	fi
	[[ -f $dir/build.ok ]] && echo "debug-kernel: configuration changed, rebuilding incrementally"
	rm -f "$dir/build.ok"
	echo "debug-kernel: building in $obj with -j$jobs ${nice_cmd[*]} (log: $dir/build.log)"
	local start=$SECONDS
	if ! "${nice_cmd[@]}" make -C "$src" O="$obj" -j"$jobs" bzImage modules \
		>"$dir/build.log" 2>&1; then
		tail -n 30 "$dir/build.log" >&2
		die "kernel build failed after $((SECONDS - start)) s (log: $dir/build.log)"
	fi
	rm -rf "$mods"
	"${nice_cmd[@]}" make -s -C "$src" O="$obj" INSTALL_MOD_PATH="$mods" \
		modules_install >>"$dir/build.log" 2>&1
	mkdir -p "$mods/lib/modules/$(kernel_release)/kernel"
	echo $((SECONDS - start)) >"$dir/build.time"
	echo "$cfg_key" >"$dir/build.ok"
	echo "debug-kernel: built $(kernel_release) in $(cat "$dir/build.time") s"
}

link_modules() {
	local kver
	kver=$(kernel_release)
	[[ $kver == *-prdebug ]] || die "unexpected kernel release '$kver'"
	if [[ -e /lib/modules/$kver && ! -L /lib/modules/$kver ]]; then
		die "/lib/modules/$kver exists and is not our link"
	fi
	ln -sfn "$mods/lib/modules/$kver" "/lib/modules/$kver"
}

# A scratch copy of the repository: the module is built there against the
# debug kernel (the shared tree's kmod/ keeps the Debian build), and its
# copy of the VM init also scans kmemleak before the splat check.
prepare_tree() {
	local tree=$dir/tree
	mkdir -p "$tree"
	rsync -a --delete --exclude /.git --exclude /build/vm --exclude /build/results \
		--exclude /build/kmod "$top/" "$tree/" >&2
	# kmemleak: scan twice before init's splat grep (a report prints
	# "kmemleak: N new suspected memory leaks" to the kernel log, which
	# the splat check catches); also copy the report to the result port.
	local init=$tree/selftests/vm/init scan
	scan='if [ -w /sys/kernel/debug/kmemleak ]; then echo scan >/sys/kernel/debug/kmemleak; sleep 6; echo scan >/sys/kernel/debug/kmemleak; n=$(grep -c "^unreferenced object" /sys/kernel/debug/kmemleak); echo "# debug kernel: kmemleak scanned, $n unreferenced objects" | tee $result; sed "s/^/PRVM-SPLAT kmemleak: /" /sys/kernel/debug/kmemleak | head -n 60 >$result; else echo "# debug kernel: no kmemleak interface" | tee $result; fi'
	if ! grep -q 'kmemleak: ' "$init"; then
		awk -v scan="$scan" '/^# Splats that did not reach the console/ { print "# debug kernel: kmemleak scan"; print scan } { print }' \
			"$init" >"$init.new"
		mv "$init.new" "$init"
		chmod 0755 "$init"
	fi
	grep -q 'debug kernel: kmemleak scan' "$init" || die "could not add the kmemleak scan to $init"
	# The splat patterns match "kmemleak" anywhere, including the
	# "Kernel memory leak detector initialized" banner of every boot of a
	# kmemleak kernel: only reports count here.
	sed -i 's/|kmemleak|/|kmemleak: [0-9]+ new suspected|/' "$init" "$tree/selftests/vm/run.sh"
	echo "$tree"
}

run_tests() {
	build
	link_modules
	local kver tree
	kver=$(kernel_release)
	tree=$(prepare_tree)
	echo "debug-kernel: building peer_relay.ko against $kver in $tree"
	make -s -C "$tree" modules KDIR="$obj" >"$dir/module.log" 2>&1 ||
		{ cat "$dir/module.log" >&2; die "module build failed"; }
	make -s -C "$tree" tools selftests >>"$dir/module.log" 2>&1 ||
		{ tail -n 20 "$dir/module.log" >&2; die "tools/selftests build failed"; }
	mkdir -p "$tree/build/vm"
	"$tree/selftests/vm/mkinitramfs.sh" --kver "$kver" --out "$tree/build/vm/initramfs.cpio"
	local args=(--all) rc=0
	((${#scenarios[@]})) && args=("${scenarios[@]}")
	rm -rf "$tree/build/results" && mkdir -p "$tree/build/results"
	local start=$SECONDS
	# TCG with KASAN+lockdep is several times slower: triple each
	# scenario's own timeout unless VM_TIMEOUT is given.
	if [[ -z ${VM_TIMEOUT:-} ]]; then
		local f t
		for f in "$tree"/selftests/net/*.sh; do
			t=$(sed -n 's/^# vm-timeout: *\([0-9][0-9]*\).*/\1/p' "$f" | head -n 1)
			t=${t:-240}
			sed -i "s/^# vm-timeout: *[0-9][0-9]*/# vm-timeout: $((t * 3))/" "$f"
			grep -q '^# vm-timeout:' "$f" || sed -i "2a # vm-timeout: $((t * 3))" "$f"
		done
	fi
	# no5lvl: with TCG's "-cpu max" the guest gets 5-level paging, and
	# an interrupt arriving that early in boot then trips KASAN
	# (wild-memory-access in do_raw_spin_lock from handle_edge_irq during
	# identify_cpu, before the module exists); 4-level paging avoids it.
	# prslow=3: scenarios stretch client timeouts (selftests/lib.sh).
	KVER=$kver VMLINUZ=$obj/arch/x86/boot/bzImage VM_MEM=${VM_MEM:-2G} \
		VM_APPEND="no5lvl prslow=3 ${VM_APPEND:-}" \
		"$tree/selftests/vm/run.sh" --image "$tree/build/vm/initramfs.cpio" "${args[@]}" || rc=1
	echo "debug-kernel: VM runs took $((SECONDS - start)) s"
	"$tree/selftests/summary.sh" "$tree"/build/results/*.txt || rc=1
	echo "debug-kernel: logs in $tree/build/vm/logs, results in $tree/build/results"
	return $rc
}

case $cmd in
build) build ;;
test) run_tests ;;
env)
	[[ -f $dir/build.ok ]] || die "not built yet (run: $0 build)"
	echo "KDIR=$obj"
	echo "KVER=$(kernel_release)"
	echo "VMLINUZ=$obj/arch/x86/boot/bzImage"
	;;
config) fragment ;;
*) echo "usage: $0 [build | test [SCENARIO...] | env | config] [--cache DIR] [--jobs N] [--no-nice]" >&2; exit 2 ;;
esac
