#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# lint.sh [RESULTS]
#
# The kernel-style static checks of the module, as TAP (one test point
# each), collected into RESULTS (default build/results/lint.txt):
#   sparse     `make C=2` against KDIR: no sparse warning in kmod/
#   checkpatch scripts/checkpatch.pl --no-tree on every kmod/ source and the
#              UAPI header: no error, no warning
#   kernel-doc every /** comment in kmod/ parses, no warning
# checkpatch.pl and kernel-doc come from Debian's linux-source-6.1 tarball
# (extracted once into build/kscripts; kernel-doc is also in the headers).
# The userspace tools need no step here: they build with -Wall -Wextra
# -Werror, so a warning already fails the build.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
results=${1:-$top/build/results/lint.txt}
KDIR=${KDIR:-$(ls -d /lib/modules/6.1*-amd64/build 2>/dev/null | sort -V | tail -n 1)}
tarball=${LINUX_SOURCE_TAR:-/usr/src/linux-source-6.1.tar.xz}
ks=$top/build/kscripts
out=$top/build/lint
mkdir -p "$out" "$(dirname "$results")"
cd "$top" || exit 1

# checkpatch.pl reads spelling.txt and const_structs.checkpatch beside it.
if [[ ! -f $ks/checkpatch.pl ]]; then
	rm -rf "$ks.tmp" && mkdir -p "$ks.tmp"
	tar -xJf "$tarball" -C "$ks.tmp" --strip-components=2 \
		--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' '*/scripts/kernel-doc' ||
		{ echo "lint: cannot extract the kernel scripts from $tarball" >&2; exit 1; }
	rm -rf "$ks" && mv "$ks.tmp" "$ks"
fi

sources=()
for f in kmod/*.c kmod/*.h; do
	sources+=("$f")
done

tap=$out/lint.tap
{
	echo "TAP version 13"
	echo "1..3"

	# C=2 checks every file whether or not it is rebuilt.
	make -C "$top" KDIR="$KDIR" C=2 modules >"$out/sparse.log" 2>&1
	rc=$?
	warnings=$(grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$out/sparse.log")
	if ((rc == 0)) && [[ -z $warnings ]]; then
		echo "ok 1 sparse: kmod/ has no warning"
	else
		sed 's/^/# /' <<<"${warnings:-$(tail -n 20 "$out/sparse.log")}"
		echo "not ok 1 sparse: kmod/ has warnings (log: $out/sparse.log)"
	fi

	perl "$ks/checkpatch.pl" --no-tree --terse --show-types -f \
		"${sources[@]}" include/uapi/linux/peer_relay.h >"$out/checkpatch.log" 2>&1
	findings=$(grep -E ': (ERROR|WARNING|CHECK):' "$out/checkpatch.log")
	if [[ -z $findings ]]; then
		echo "ok 2 checkpatch: kmod/ and the UAPI header are clean"
	else
		sed 's/^/# /' <<<"$findings"
		echo "not ok 2 checkpatch: $(wc -l <<<"$findings") findings (log: $out/checkpatch.log)"
	fi

	perl "$ks/kernel-doc" -none "${sources[@]}" >"$out/kernel-doc.log" 2>&1
	if [[ ! -s $out/kernel-doc.log ]]; then
		echo "ok 3 kernel-doc: every kernel-doc comment in kmod/ parses"
	else
		sed 's/^/# /' "$out/kernel-doc.log"
		echo "not ok 3 kernel-doc: warnings (log: $out/kernel-doc.log)"
	fi
} >"$tap"

cat "$tap"
rm -f "$results"
"$top/selftests/collect.sh" lint 0 "$tap" "$results" >/dev/null
! grep -q '^not ok' "$results"
