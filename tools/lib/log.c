// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "log.h"
#include "tables.h"

static const char *const level_names[] = {
	[PRL_LOG_ERR] = "error",
	[PRL_LOG_WARN] = "warn",
	[PRL_LOG_INFO] = "info",
	[PRL_LOG_DEBUG] = "debug",
};

void prl_log_init(struct prl_log *log, const char *prog, int level)
{
	log->prog = prog;
	log->level = level;
	log->out = stderr;
}

int prl_log_level_parse(const char *s)
{
	unsigned int i;

	for (i = 0; i < PRL_ARRAY_SIZE(level_names); i++)
		if (!strcmp(s, level_names[i]))
			return (int)i;
	return -1;
}

void prl_vlog(const struct prl_log *log, int level, const char *fmt,
	     va_list ap)
{
	FILE *f = log->out ? log->out : stderr;

	if (level > log->level)
		return;
	if (level < PRL_LOG_ERR)
		level = PRL_LOG_ERR;
	if (level > PRL_LOG_DEBUG)
		level = PRL_LOG_DEBUG;
	/* one fprintf per line keeps lines whole with several writers */
	flockfile(f);
	fprintf(f, "%s: %s: ", log->prog, level_names[level]);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	funlockfile(f);
	fflush(f);
}

void prl_log(const struct prl_log *log, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	prl_vlog(log, level, fmt, ap);
	va_end(ap);
}
