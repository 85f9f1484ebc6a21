/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Leveled logging to stderr for the daemons: "<prog>: <level>: <message>".
 * The logger is a value the caller owns and passes around.
 */
#ifndef PRL_LOG_H
#define PRL_LOG_H

#include <stdarg.h>
#include <stdio.h>

enum prl_log_level {
	PRL_LOG_ERR,
	PRL_LOG_WARN,
	PRL_LOG_INFO,
	PRL_LOG_DEBUG,
};

struct prl_log {
	const char *prog;	/* prefix, e.g. "relayd" */
	int level;		/* messages above this level are dropped */
	FILE *out;		/* stderr by default */
};

void prl_log_init(struct prl_log *log, const char *prog, int level);
/* "error", "warn", "info", "debug" -> level; -1 if unknown. */
int prl_log_level_parse(const char *s);

void prl_log(const struct prl_log *log, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void prl_vlog(const struct prl_log *log, int level, const char *fmt,
	     va_list ap) __attribute__((format(printf, 3, 0)));

static inline int prl_log_enabled(const struct prl_log *log, int level)
{
	return level <= log->level;
}

#define prl_log_err(l, ...)	prl_log((l), PRL_LOG_ERR, __VA_ARGS__)
#define prl_log_warn(l, ...)	prl_log((l), PRL_LOG_WARN, __VA_ARGS__)
#define prl_log_info(l, ...)	prl_log((l), PRL_LOG_INFO, __VA_ARGS__)
#define prl_log_debug(l, ...)	prl_log((l), PRL_LOG_DEBUG, __VA_ARGS__)

#endif /* PRL_LOG_H */
