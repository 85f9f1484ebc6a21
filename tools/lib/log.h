/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Leveled logging to stderr for the daemons: "<prog>: <level>: <message>".
 * The logger is a value the caller owns and passes around.
 */
#ifndef PR_LOG_H
#define PR_LOG_H

#include <stdarg.h>
#include <stdio.h>

enum pr_log_level {
	PR_LOG_ERR,
	PR_LOG_WARN,
	PR_LOG_INFO,
	PR_LOG_DEBUG,
};

struct pr_log {
	const char *prog;	/* prefix, e.g. "relayd" */
	int level;		/* messages above this level are dropped */
	FILE *out;		/* stderr by default */
};

void pr_log_init(struct pr_log *log, const char *prog, int level);
/* "error", "warn", "info", "debug" -> level; -1 if unknown. */
int pr_log_level_parse(const char *s);

void pr_log(const struct pr_log *log, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void pr_vlog(const struct pr_log *log, int level, const char *fmt,
	     va_list ap) __attribute__((format(printf, 3, 0)));

static inline int pr_log_enabled(const struct pr_log *log, int level)
{
	return level <= log->level;
}

#define pr_log_err(l, ...)	pr_log((l), PR_LOG_ERR, __VA_ARGS__)
#define pr_log_warn(l, ...)	pr_log((l), PR_LOG_WARN, __VA_ARGS__)
#define pr_log_info(l, ...)	pr_log((l), PR_LOG_INFO, __VA_ARGS__)
#define pr_log_debug(l, ...)	pr_log((l), PR_LOG_DEBUG, __VA_ARGS__)

#endif /* PR_LOG_H */
