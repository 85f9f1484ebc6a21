// SPDX-License-Identifier: GPL-2.0-only
/*
 * insnmark LABEL: print "INSN-MARK LABEL NS" (NS: CLOCK_MONOTONIC) and run
 * the marker instruction, on which bench/insnplugin.c writes a snapshot of
 * its counters. The labels (in the VM's output) and the snapshots (in the
 * plugin's file) pair up in order.
 */
#include <stdio.h>
#include <time.h>

int main(int argc, char **argv)
{
	struct timespec ts;

	if (argc != 2 || argv[1][0] == '-') {
		fputs("usage: insnmark LABEL\n", argc == 2 ? stdout : stderr);
		return argc == 2 && argv[1][1] == '-' ? 0 : 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("INSN-MARK %s %lld\n", argv[1],
	       (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	fflush(stdout);
	__asm__ volatile("xchg %%bx, %%bx" ::: "memory");	/* the marker */
	return 0;
}
