/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Run one of our tools from a host unit test and capture its exit status,
 * stdout and stderr. Tools are found relative to the test binary
 * (build/unit/X -> build/tools/NAME/NAME) or via $PEER_RELAY_TOOLS_DIR.
 */
#ifndef RUN_CMD_H
#define RUN_CMD_H

#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct cmd_result {
	int status;		/* exit status, or 128 + signal */
	char out[16384];
	char err[16384];
};

/* @rel relative to the directory of the test binary (build/unit/). */
static inline const char *beside_self(const char *rel, char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		n = 0;
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	if (snprintf(buf, len, "%s/%s", self, rel) >= (int)len)
		buf[0] = '\0';
	return buf;
}

/* Path of build/tools/@name/@name. */
static inline const char *tool_path(const char *name, char *buf, size_t len)
{
	const char *dir = getenv("PEER_RELAY_TOOLS_DIR");
	char rel[128];

	if (dir) {
		if (snprintf(buf, len, "%s/%s/%s", dir, name, name) >= (int)len)
			buf[0] = '\0';
		return buf;
	}
	snprintf(rel, sizeof(rel), "../tools/%s/%s", name, name);
	return beside_self(rel, buf, len);
}

/* Path of the source file @rel (e.g. "tools/metrics/x"). */
static inline const char *src_path(const char *rel, char *buf, size_t len)
{
	char up[PATH_MAX];

	snprintf(up, sizeof(up), "../../%s", rel);
	return beside_self(up, buf, len);
}

static inline void read_all(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
}

/* Run argv (argv[0] = path) with stdin from /dev/null. */
static inline int run_argv(char *const argv[], struct cmd_result *r)
{
	char tmpl_o[] = "/tmp/runcmd.out.XXXXXX", tmpl_e[] = "/tmp/runcmd.err.XXXXXX";
	int fo = mkstemp(tmpl_o), fe = mkstemp(tmpl_e), st;
	pid_t pid;

	if (fo < 0 || fe < 0)
		return -1;
	unlink(tmpl_o);
	unlink(tmpl_e);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		dup2(nul, 0);
		dup2(fo, 1);
		dup2(fe, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	lseek(fo, 0, SEEK_SET);
	lseek(fe, 0, SEEK_SET);
	read_all(fo, r->out, sizeof(r->out));
	read_all(fe, r->err, sizeof(r->err));
	close(fo);
	close(fe);
	return 0;
}

/* run_tool(r, "relayctl", "session", "list", NULL) */
static inline int run_tool(struct cmd_result *r, const char *tool, ...)
{
	char path[PATH_MAX];
	char *argv[32];
	va_list ap;
	int n = 1;

	argv[0] = (char *)tool_path(tool, path, sizeof(path));
	va_start(ap, tool);
	while (n < 31 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	return run_argv(argv, r);
}

/*
 * Wait up to 5 s until the file @path (e.g. a daemon's log) contains
 * @needle; its text is left in @buf. 0 if it does, -1 if not.
 */
static inline int wait_log(const char *path, const char *needle, char *buf,
		    size_t len)
{
	int i;

	for (i = 0; i < 100; i++) {
		FILE *f = fopen(path, "r");
		size_t n = 0;

		if (f) {
			n = fread(buf, 1, len - 1, f);
			fclose(f);
		}
		buf[n] = '\0';
		if (strstr(buf, needle))
			return 0;
		usleep(50000);
	}
	return -1;
}

#endif /* RUN_CMD_H */
