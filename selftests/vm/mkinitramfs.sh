#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# mkinitramfs.sh --kver KVER --out FILE [--add SRC:DST]...
#
# Build the test VM's initramfs (an uncompressed newc cpio, so TCG does not
# spend time decompressing) from the host's own binaries:
#   /bin         busybox-static and its applet links
#   /sbin/ip     iproute2 (busybox's ip has no netns), kmod as
#                modprobe/rmmod/insmod/lsmod/modinfo/depmod, jq
#   /usr/bin     our tools (tools/<name>/<name> for each tool dir)
#   /selftests   lib.sh, net/*.sh, demo.sh, build/selftests/* programs,
#                keepalived/ (contrib/keepalived: the failover scenario)
#   /usr/sbin/keepalived  Debian's keepalived, if installed (failover)
#   /lib/modules/KVER  veth, bridge, udp_tunnel, ip6_udp_tunnel, wireguard
#                (+ deps) from the host and kmod/peer_relay.ko under updates/, with a
#                modules.dep made by `depmod -b`, so `modprobe peer_relay`
#                works by name
#   /init        selftests/vm/init
#   /stage       `make install DESTDIR=/stage` (the ops_* scenarios), and
#                /usr/bin/prometheus-node-exporter, /usr/sbin/nft, iptables-nft
#                (+ netfilter modules) if installed; wg (wireguard-tools) and
#                tcpdump for wg_bridge, wg-quick and bash for wg_quick, if
#                installed
#   DST          SRC, for each --add (executables with their libraries;
#                used by bench/run.sh for trafgen and the bench programs)
# plus every shared library `ldd` reports for the binaries. FILE-full.cpio
# is FILE plus /usr/bin/prometheus, /usr/bin/python3 (+ the modules
# scripts/nlspec/nlclient.py needs) and /selftests/spec/, for scenarios
# marked "# vm-image: full" (selftests/vm/run.sh).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
kver=
out=
extra=()
while (($#)); do
	case $1 in
	--kver) kver=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--add) extra+=("$2"); shift 2 ;;
	-h|--help) sed -n '3,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "mkinitramfs: unknown argument $1" >&2; exit 2 ;;
	esac
done
[[ -n $kver && -n $out ]] || { echo "usage: $0 --kver KVER --out FILE" >&2; exit 2; }
moddir=/lib/modules/$kver
[[ -d $moddir/kernel ]] || { echo "mkinitramfs: $moddir missing (linux-image-$kver)" >&2; exit 1; }

mkdir -p "$(dirname "$out")"
root=$(mktemp -d "$(dirname "$out")/root.XXXXXX")
base=$root
xroot=$(mktemp -d "$(dirname "$out")/extra.XXXXXX")	# the "full" image's extras
trap 'rm -rf "$base" "$xroot"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc,proc,sys,dev,tmp,run,root,selftests/net,var}
ln -s ../run "$root/var/run"

# Copy one file to the same path inside the image (following symlinks).
put() {
	local src=$1 dst=${2:-$1}
	mkdir -p "$root$(dirname "$dst")"
	cp -L "$src" "$root$dst"
}

# Copy the shared libraries a dynamic ELF binary needs.
declare -A have_lib=()
put_libs() {
	local lib
	for lib in $(ldd "$1" 2>/dev/null | awk '/=> \//{print $3} /^\t\//{print $1}'); do
		[[ -n ${have_lib[$lib]:-} ]] && continue
		have_lib[$lib]=1
		put "$lib"
	done
}

put_bin() {	# put_bin SRC DST
	put "$1" "$2"
	chmod 0755 "$root$2"
	put_libs "$1"
}

# busybox: every applet as a link, except the ones we ship real binaries of.
put /bin/busybox /bin/busybox
real_tools="ip modprobe rmmod insmod lsmod modinfo depmod"
for applet in $(/bin/busybox --list); do
	case " $real_tools busybox " in *" $applet "*) continue ;; esac
	ln -s busybox "$root/bin/$applet"
done

put_bin "$(command -v ip)" /sbin/ip
put_bin "$(command -v kmod)" /sbin/kmod
for t in modprobe rmmod insmod lsmod modinfo depmod; do
	ln -s kmod "$root/sbin/$t"
done
if command -v jq >/dev/null; then
	put_bin "$(command -v jq)" /usr/bin/jq
fi

# Our tools: build/tools/<name>/<name> when built.
for d in "$top"/build/tools/*/; do
	n=$(basename "$d")
	[[ -f $d/$n && -x $d/$n ]] || continue
	put_bin "$d/$n" "/usr/bin/$n"
done

# Operations scenarios (selftests/net/ops_*.sh): `make install` staged
# under /stage (scripts/install.sh with DESTDIR), and Debian's
# prometheus-node-exporter (a static Go binary; the scrape uses busybox
# wget: curl would add ~18 MB of libraries) and nft with the netfilter
# modules when the host has them.
if [[ -x $top/scripts/install.sh && -f $top/build/kmod/peer_relay.ko ]]; then
	"$top/scripts/install.sh" install --destdir "$root/stage" --kver "$kver" \
		>/dev/null || echo "  mkinitramfs: warning: staged install failed" >&2
fi
if p=$(command -v prometheus-node-exporter); then
	put_bin "$p" /usr/bin/prometheus-node-exporter
fi
# wg_bridge: real WireGuard peers (`wg`) and a capture on the relay.
if p=$(command -v wg); then
	put_bin "$p" /usr/bin/wg
fi
if p=$(command -v tcpdump); then
	put_bin "$p" /usr/sbin/tcpdump
fi
# wg_quick: the admin guide's wg-quick configuration (a bash script).
if p=$(command -v wg-quick) && b=$(command -v bash); then
	put_bin "$b" /bin/bash
	put_bin "$p" /usr/bin/wg-quick
fi
ops_modules=
if p=$(command -v nft); then	# ops_deploy: the admin guide's nftables rules
	put_bin "$p" /usr/sbin/nft
	[[ -f /etc/protocols ]] && put /etc/protocols	# "icmp" etc. in rules
	ops_modules="nf_tables nft_chain_nat nft_nat nft_ct nf_nat nf_conntrack"
fi
if p=$(command -v xtables-nft-multi); then	# ... and its iptables version
	put_bin "$p" /usr/sbin/xtables-nft-multi
	for t in iptables ip6tables; do ln -s xtables-nft-multi "$root/usr/sbin/$t"; done
	for xtdir in /usr/lib/*/xtables; do	# its dlopen()ed extensions
		[[ -d $xtdir ]] || continue
		mkdir -p "$root$xtdir" && cp "$xtdir"/*.so "$root$xtdir/"
		for x in "$xtdir"/*.so; do put_libs "$x"; done
	done
	ops_modules+=" nft_compat xt_conntrack xt_CT xt_tcpudp xt_comment"
fi

# Selftest scripts and programs.
cp "$top/selftests/lib.sh" "$root/selftests/"
cp "$top"/selftests/net/*.sh "$root/selftests/net/"
[[ -f $top/selftests/demo.sh ]] && cp "$top/selftests/demo.sh" "$root/selftests/"
# failover: keepalived (VRRP) with the shipped example config and hook
if p=$(command -v keepalived); then
	put_bin "$p" /usr/sbin/keepalived
	mkdir -p "$root/selftests/keepalived"
	cp "$top"/contrib/keepalived/* "$root/selftests/keepalived/"
fi
for p in "$top"/build/selftests/*; do
	[[ -f $p && -x $p ]] || continue
	put_bin "$p" "/selftests/$(basename "$p")"
done

# Kernel modules.
mkdir -p "$root$moddir/updates"
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[[ -f $moddir/$f ]] && cp "$moddir/$f" "$root$moddir/"
done
put_module() {	# copy an in-tree module file, decompressing it
	local src=$1 rel=${1#"$moddir"/} dst
	dst=$root$moddir/${rel%.xz}
	dst=${dst%.zst}
	dst=${dst%.gz}
	[[ -f $dst ]] && return 0
	mkdir -p "$(dirname "$dst")"
	case $src in
	*.xz) xz -dc "$src" >"$dst" ;;
	*.zst) zstd -qdc "$src" >"$dst" ;;
	*.gz) gzip -dc "$src" >"$dst" ;;
	*) cp "$src" "$dst" ;;
	esac
}
add_module() {	# add_module NAME: the module and its dependencies
	local f
	for f in $(modprobe -S "$kver" --show-depends "$1" 2>/dev/null |
		   awk '$1 == "insmod" {print $2}'); do
		put_module "$f"
	done
}
vm_modules="veth bridge udp_tunnel ip6_udp_tunnel wireguard $ops_modules"	# bridge: failover's L2 segment
ko=$top/build/kmod/peer_relay.ko
if [[ -f $ko ]]; then
	cp "$ko" "$root$moddir/updates/"
	vm_modules+=" $(modinfo -F depends "$ko" | tr ',' ' ')"
fi
for m in $vm_modules; do
	add_module "$m"
done
# Extra files (--add SRC:DST), last: they may replace a module.
for x in "${extra[@]}"; do
	if [[ -x ${x%%:*} ]]; then put_bin "${x%%:*}" "${x#*:}"; else put "${x%%:*}" "${x#*:}"; fi
done

# Extras, last (put_libs must see every base binary first), only in
# FILE-full.cpio (scenarios with "# vm-image: full"; the
# others boot ~55 MB lighter): prometheus for ops_metrics, and for nl_spec
# Debian's python3 with just the modules the spec-driven client
# (scripts/nlspec/nlclient.py) imports (~2 MB), with the spec.
root=$xroot
if p=$(command -v prometheus); then
	put_bin "$p" /usr/bin/prometheus
fi
py=/usr/bin/python3.11
if [[ -x $py ]] && "$py" -c 'import yaml' 2>/dev/null; then
	put_bin "$py" /usr/bin/python3
	mods=$("$py" -c '
import runpy, sys
sys.argv = ["nlclient", "--help"]
try:
    runpy.run_path("'"$top"'/scripts/nlspec/nlclient.py", run_name="__main__")
except SystemExit:
    pass
print("\n".join(m.__file__ for m in list(sys.modules.values()) if getattr(m, "__file__", None)), file=sys.stderr)
' 2>&1 >/dev/null)
	for f in $mods; do
		[[ -f $f ]] && put "$f"
	done
	mkdir -p "$root/selftests/spec"
	cp "$top/scripts/nlspec/nlclient.py" "$top/Documentation/netlink/specs/peer_relay.yaml" \
		"$root/selftests/spec/"
fi
root=$base

depmod -b "$root" "$kver"

cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
install -m 0755 "$top/selftests/vm/init" "$root/init"

# /dev/console must exist before devtmpfs is mounted for init to get stdio.
mknod "$root/dev/console" c 5 1 2>/dev/null || true

mkcpio() {	# mkcpio DIR: a newc archive of DIR on stdout
	(cd "$1" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --owner 0:0 --quiet)
}
mkcpio "$base" >"$out.tmp.$$"
full=${out%.cpio}-full.cpio
# the kernel unpacks concatenated archives one after the other
{ cat "$out.tmp.$$"; mkcpio "$xroot"; } >"$full.tmp.$$"
mv "$out.tmp.$$" "$out"	# atomic: a running qemu keeps its copy
mv "$full.tmp.$$" "$full"
echo "  INITRAMFS $out ($(du -h "$out" | cut -f1), kernel $kver, peer_relay.ko: $([[ -f $ko ]] && echo yes || echo MISSING)), $(basename "$full") ($(du -h "$full" | cut -f1))"
