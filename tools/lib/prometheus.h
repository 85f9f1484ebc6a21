/* SPDX-License-Identifier: GPL-2.0-only */
/* Prometheus text exposition of the peer_relay counters. */
#ifndef PRL_PROMETHEUS_H
#define PRL_PROMETHEUS_H

#include <stdio.h>

#include "nl.h"

/*
 * Write @st in the Prometheus text format (version 0.0.4): every metric
 * with HELP and TYPE lines, all label combinations always present, and
 * peer_relay_build_info{version="@version"} 1. Returns 0 or -EIO.
 */
int prl_prometheus_write(FILE *f, const struct prl_stats *st,
			const char *version);

/*
 * The limits of the configuration alerts compare with: the gauge
 * peer_relay_sessions_limit (config max-sessions). Returns 0 or -EIO.
 */
int prl_prometheus_write_limits(FILE *f, const struct prl_config *cfg);

/* Write @s as an escaped label value (without the quotes). */
void prl_prometheus_label_value(FILE *f, const char *s);

#endif /* PRL_PROMETHEUS_H */
