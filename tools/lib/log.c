// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "log.h"

static const char *const level_names[] = {
	[PR_LOG_ERR] = "error",
	[PR_LOG_WARN] = "warn",
	[PR_LOG_INFO] = "info",
	[PR_LOG_DEBUG] = "debug",
};

void pr_log_init(struct pr_log *log, const char *prog, int level)
{
	log->prog = prog;
	log->level = level;
	log->out = stderr;
}

int pr_log_level_parse(const char *s)
{
	unsigned int i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (!strcmp(s, level_names[i]))
			return (int)i;
	return -1;
}

void pr_vlog(const struct pr_log *log, int level, const char *fmt,
	     va_list ap)
{
	FILE *f = log->out ? log->out : stderr;

	if (level > log->level)
		return;
	if (level < PR_LOG_ERR)
		level = PR_LOG_ERR;
	if (level > PR_LOG_DEBUG)
		level = PR_LOG_DEBUG;
	/* one fprintf per line keeps lines whole with several writers */
	flockfile(f);
	fprintf(f, "%s: %s: ", log->prog, level_names[level]);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	funlockfile(f);
	fflush(f);
}

void pr_log(const struct pr_log *log, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pr_vlog(log, level, fmt, ap);
	va_end(ap);
}
