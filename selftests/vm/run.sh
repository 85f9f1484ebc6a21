#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run.sh --image INITRAMFS [--jobs N] [--all | --demo | NAME...]
#
# Boot the Debian 6.1 kernel in qemu once per scenario (selftests/net/NAME.sh;
# NAME@userspace runs it against relayd's userspace data plane, PRDP in lib.sh)
# and turn what comes back into result lines (selftests/collect.sh format) in
# build/results/vm-NAME.txt. A scenario fails on any "not ok", a missing or
# short plan, a timeout, a VM that did not finish, or a kernel splat in the
# console log (WARNING:, BUG:, Oops, ..., see SPLAT_RE) - even if every
# test point passed.
#
# --all runs the scenarios in the order of selftests/net/suite, then any
# other selftests/net/*.sh not listed there. --jobs N (or VM_JOBS) boots up
# to N VMs at a time; each scenario's report is printed when it is complete,
# in suite order. Most of a scenario's time is spent waiting (receive
# windows, timers), so two VMs share 2 host CPUs well.
# Environment: KVER, VMLINUZ, VM_ACCEL (kvm|tcg, default: KVM if a probe
# guest boots on it, else TCG), VM_TIMEOUT (seconds per boot, default from a
# "# vm-timeout: N" line in the scenario, else 240), VM_MEM (1G), VM_SMP (2),
# V=1 streams the console to the terminal, VM_APPEND adds kernel parameters,
# VM_QEMU_ARGS adds qemu options.
# A scenario with a "# vm-image: full" line boots INITRAMFS-full.cpio
# (INITRAMFS plus prometheus and python3, see mkinitramfs.sh) if it exists.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$top/build
collect=$top/selftests/collect.sh
KVER=${KVER:-$(ls -d /lib/modules/6.1*-amd64 2>/dev/null | sort -V | tail -n 1 | xargs -r basename)}
VMLINUZ=${VMLINUZ:-/boot/vmlinuz-$KVER}
VM_MEM=${VM_MEM:-1G}
VM_SMP=${VM_SMP:-2}
V=${V:-0}

SPLAT_RE='WARNING:|BUG:|Oops|general protection|refcount_t:|list_add corruption|list_del corruption|KASAN|UBSAN|kmemleak|unreferenced object|Kernel panic|detected stall|self-detected stall|sleeping function called from invalid context|possible circular locking|soft lockup|blocked for more than|Call Trace:'

image=
mode=list
jobs=${VM_JOBS:-1}
names=()
while (($#)); do
	case $1 in
	--image) image=$2; shift 2 ;;
	--all) mode=all; shift ;;
	--demo) mode=demo; shift ;;
	--jobs) jobs=$2; shift 2 ;;
	-h|--help) sed -n '3,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) names+=("$1"); shift ;;
	esac
done
[[ -f $image ]] || { echo "run.sh: no initramfs '$image' (make vm-image)" >&2; exit 2; }
[[ -f $VMLINUZ ]] || { echo "run.sh: no kernel $VMLINUZ" >&2; exit 2; }

mkdir -p "$build/vm/logs" "$build/results"

# Accelerator: KVM when /dev/kvm is there *and* a guest actually boots on it
# (nested or restricted hosts expose a /dev/kvm that rejects MSRs or spins
# forever), else TCG. VM_ACCEL=kvm|tcg skips the probe. The probe boots the
# image with no scenario: init prints PRVM-DONE and powers off in ~1 s.
kvm_works() {
	local tap=$build/vm/logs/kvm-probe.tap
	rm -f "$tap"
	# In a subshell: a qemu that aborts must not make bash print "Aborted".
	( timeout -k 5 20 qemu-system-x86_64 -nodefaults -nographic \
		-machine q35,accel=kvm -cpu host -smp 1 -m 512M -no-reboot -monitor none \
		-kernel "$VMLINUZ" -initrd "$image" -append "console=ttyS0 panic=-1 quiet" \
		-serial null -serial "file:$tap" </dev/null >"$build/vm/logs/kvm-probe.log" 2>&1; exit $? ) 2>/dev/null &&
		grep -q '^PRVM-DONE' "$tap"
}
if [[ -z ${VM_ACCEL:-} ]]; then
	VM_ACCEL=tcg
	if [[ -w /dev/kvm ]]; then
		if kvm_works; then
			VM_ACCEL=kvm
		else
			echo "# /dev/kvm does not boot a guest here (see $build/vm/logs/kvm-probe.log): using TCG"
		fi
	fi
	export VM_ACCEL
fi
case $VM_ACCEL in
kvm) accel=(-machine "q35,accel=kvm" -cpu host) ;;
tcg) accel=(-machine "q35,accel=tcg" -cpu max) ;;
*) echo "run.sh: VM_ACCEL must be kvm or tcg" >&2; exit 2 ;;
esac

# boot NAME APPEND TIMEOUT: one VM run; console -> logs/NAME.log,
# ttyS1 -> logs/NAME.tap. Returns qemu's (or timeout's) status.
boot() {
	local name=$1 append=$2 tmo=$3 log=$build/vm/logs/$1.log tap=$build/vm/logs/$1.tap
	rm -f "$log" "$tap"
	local cmd=(timeout -k 10 "$tmo" qemu-system-x86_64 -nodefaults -nographic
		"${accel[@]}" -smp "$VM_SMP" -m "$VM_MEM" -no-reboot -monitor none
		-kernel "$VMLINUZ" -initrd "$(image_for "$name")"
		-append "console=ttyS0 panic_on_warn=1 panic=-1 oops=panic quiet loglevel=5 $append ${VM_APPEND:-}"
		-serial stdio -serial "file:$tap")
	# VM_QEMU_ARGS: extra qemu options, split at spaces (bench: -plugin).
	local -a extra=()
	[[ -z ${VM_QEMU_ARGS:-} ]] || read -r -a extra <<<"$VM_QEMU_ARGS"
	cmd+=("${extra[@]}")
	if [[ $V == 1 ]]; then
		"${cmd[@]}" </dev/null 2>&1 | tee "$log"
		return "${PIPESTATUS[0]}"
	fi
	"${cmd[@]}" </dev/null >"$log" 2>&1
}

# The image a scenario boots: IMAGE, or IMAGE-full.cpio (with prometheus
# and python3, selftests/vm/mkinitramfs.sh) if the script says
# "# vm-image: full".
image_for() {
	local full=${image%.cpio}-full.cpio
	if [[ -f $full ]] && grep -q '^# vm-image: *full' "$top/selftests/net/$1.sh" 2>/dev/null; then
		echo "$full"
	else
		echo "$image"
	fi
}

# Scenario timeout: "# vm-timeout: N" in the script, else VM_TIMEOUT/240.
scenario_timeout() {
	local t
	t=$(sed -n 's/^# vm-timeout: *\([0-9][0-9]*\).*/\1/p' "$top/selftests/net/${1%%@*}.sh" 2>/dev/null | head -n 1)
	echo "${VM_TIMEOUT:-${t:-240}}"
}

# evaluate NAME QEMU_RC: results of one boot into results/vm-NAME.txt.
evaluate() {
	local name=$1 qrc=$2 log=$build/vm/logs/$1.log tap=$build/vm/logs/$1.tap
	local res=$build/results/vm-$name.txt body rc splats
	rm -f "$res"
	touch "$tap"
	# The serial port adds \r; normalise once.
	tr -d '\r' <"$tap" >"$tap.tmp" && mv "$tap.tmp" "$tap"
	# The scenario's own TAP: lines between PRVM-BEGIN and PRVM-END.
	body=$build/vm/logs/$name.body
	sed -n "/^PRVM-BEGIN $name\$/,/^PRVM-END $name /p" "$tap" |
		grep -v '^PRVM-' >"$body"
	rc=$(sed -n "s/^PRVM-END $name rc=\([0-9]*\).*/\1/p" "$tap" | tail -n 1)
	sed 's/^/    /' "$body"
	"$collect" "vm/$name" "${rc:-0}" "$body" "$res"
	if ! grep -q '^PRVM-DONE' "$tap"; then
		if ((qrc == 124 || qrc == 137)); then
			echo "not ok - vm/$name: VM timed out (see $log)" | tee -a "$res"
		else
			echo "not ok - vm/$name: VM did not finish, qemu status $qrc (see $log)" | tee -a "$res"
		fi
	fi
	splats=$( { grep -aE "\[ *[0-9]+\.[0-9]+\].*($SPLAT_RE)" "$log"
		   grep -a '^PRVM-SPLAT' "$tap"; } | head -n 5)
	if [[ -n $splats ]]; then
		echo "not ok - vm/$name: kernel splat: $(head -n 1 <<<"$splats" | tr -d '\r' | cut -c1-160)" | tee -a "$res"
		sed 's/^/#   /' <<<"$splats"
	fi
	! grep -q '^not ok' "$res"
}

run_scenario() {
	local name=$1 tmo start qrc
	[[ -f $top/selftests/net/${name%%@*}.sh ]] ||
		echo "# warning: selftests/net/${name%%@*}.sh does not exist"
	tmo=$(scenario_timeout "$name")
	echo "# vm/$name (timeout ${tmo}s)"
	start=$SECONDS
	boot "$name" "prtest=$name prtimeout=$((tmo > 60 ? tmo - 30 : tmo))" "$tmo"
	qrc=$?
	echo "# vm/$name: $((SECONDS - start)) s, log $build/vm/logs/$name.log"
	evaluate "$name" "$qrc"
}

if [[ $mode == demo ]]; then
	boot demo "prdemo=1 prtimeout=280" 300
	qrc=$?
	# The demo is for people: show its output, then judge it like a test.
	tr -d '\r' <"$build/vm/logs/demo.tap" >"$build/vm/logs/demo.tap.tmp" &&
		mv "$build/vm/logs/demo.tap.tmp" "$build/vm/logs/demo.tap"
	sed -n '/^PRVM-BEGIN demo$/,/^PRVM-END demo /p' "$build/vm/logs/demo.tap" | grep -v '^PRVM-'
	rc=$(sed -n 's/^PRVM-END demo rc=\([0-9]*\).*/\1/p' "$build/vm/logs/demo.tap")
	if ! grep -q '^PRVM-DONE' "$build/vm/logs/demo.tap" ||
	   grep -aqE "\[ *[0-9]+\.[0-9]+\].*($SPLAT_RE)" "$build/vm/logs/demo.log" ||
	   grep -q '^PRVM-SPLAT' "$build/vm/logs/demo.tap"; then
		echo "demo: the VM did not finish cleanly (qemu status $qrc), see $build/vm/logs/demo.log"
		exit 1
	fi
	exit "${rc:-1}"
fi

if [[ $mode == all ]]; then
	suite=$top/selftests/net/suite
	names=()
	[[ -f $suite ]] && mapfile -t names < <(sed 's/#.*//; /^[[:space:]]*$/d' "$suite" | awk '{print $1}')
	for f in "$top"/selftests/net/*.sh; do
		n=$(basename "$f" .sh)
		[[ " ${names[*]} " == *" $n "* ]] || names+=("$n")
	done
fi
((${#names[@]})) || { echo "run.sh: no scenario given" >&2; exit 2; }

fail=0
if ((jobs <= 1)); then
	for n in "${names[@]}"; do
		run_scenario "$n" || fail=1
	done
	exit $fail
fi

# Parallel lanes: each scenario reports into logs/NAME.out and its status
# into logs/NAME.rc; reports are printed in order as they complete.
declare -A pid_of=()
next=0 shown=0 running=0
while ((shown < ${#names[@]})); do
	while ((next < ${#names[@]} && running < jobs)); do
		n=${names[next]}
		rm -f "$build/vm/logs/$n.rc"
		( run_scenario "$n" >"$build/vm/logs/$n.out" 2>&1
		  echo $? >"$build/vm/logs/$n.rc" ) &
		pid_of[$n]=$!
		next=$((next + 1)) running=$((running + 1))
	done
	n=${names[shown]}
	if [[ -n ${pid_of[$n]:-} ]] && ! kill -0 "${pid_of[$n]}" 2>/dev/null; then
		wait "${pid_of[$n]}" 2>/dev/null
		cat "$build/vm/logs/$n.out"
		[[ $(cat "$build/vm/logs/$n.rc" 2>/dev/null) == 0 ]] || fail=1
		unset "pid_of[$n]"
		shown=$((shown + 1))
		continue
	fi
	# Count the lanes still busy, then wait for any one to finish.
	running=0
	for p in "${pid_of[@]}"; do
		kill -0 "$p" 2>/dev/null && running=$((running + 1))
	done
	((running >= jobs || next >= ${#names[@]})) && wait -n 2>/dev/null
	running=0
	for p in "${pid_of[@]}"; do
		kill -0 "$p" 2>/dev/null && running=$((running + 1))
	done
done
exit $fail
