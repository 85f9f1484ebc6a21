#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Netlink policy and permission tests written by the netlink helper as a C
# program (selftests/net/nl_policy_test.c -> /selftests/nl_policy_test):
# strict attribute validation, EPERM for unprivileged changes, extack
# messages. Runs as root with the module loaded; its own TAP is the
# scenario's output. Skipped until the program exists.
# vm-timeout: 180
. /selftests/lib.sh

prog=/selftests/nl_policy_test
if [ ! -x $prog ]; then
	trap - EXIT
	echo "1..0 # SKIP $prog not built"
	exit 4
fi
if ! has_module || ! modprobe peer_relay; then
	trap - EXIT
	echo "1..1"
	echo "not ok 1 modprobe peer_relay"
	exit 1
fi
trap - EXIT
exec $prog
