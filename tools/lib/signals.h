/* SPDX-License-Identifier: GPL-2.0-only */
/* The signals the long-running tools handle, read from a signalfd. */
#ifndef PRL_SIGNALS_H
#define PRL_SIGNALS_H

#include <errno.h>
#include <signal.h>

/*
 * Block SIGINT, SIGTERM (stop), SIGHUP (reload or re-bind) and SIGUSR1
 * (print counters), so that they wait for the signalfd of @set.
 * Returns 0 or -errno.
 */
static inline int prl_block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGUSR1);
	return sigprocmask(SIG_BLOCK, set, NULL) ? -errno : 0;
}

#endif /* PRL_SIGNALS_H */
