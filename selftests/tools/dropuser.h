/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dropuser - become an unprivileged user, optionally root of a new user
 * namespace: asuser runs a command that way, nlfuzz and nlstress do it
 * to themselves (--uid, --userns). Header only: the tools are single files.
 */
#ifndef SELFTESTS_DROPUSER_H
#define SELFTESTS_DROPUSER_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* Write @text to @path in one write(2) (as /proc's id maps want). */
static inline int dropuser_write(const char *prog, const char *path,
				 const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "%s: open %s: %s\n", prog, path, strerror(errno));
		return -1;
	}
	n = write(fd, text, strlen(text));
	if (n != (ssize_t)strlen(text)) {
		fprintf(stderr, "%s: write %s: %s\n", prog, path,
			n < 0 ? strerror(errno) : "short write");
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * Drop to @uid/@gid with no supplementary groups and no capabilities.
 * With @userns, then create a user namespace (and a network namespace
 * owned by it with @netns) where that uid and gid are root. Messages go
 * to stderr prefixed with @prog. Returns 0 or -1.
 */
static inline int dropuser(const char *prog, unsigned long uid,
			   unsigned long gid, bool userns, bool netns)
{
	char map[64];

	if (setgroups(0, NULL) || setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) ||
	    setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid)) {
		fprintf(stderr, "%s: dropping privileges: %s\n", prog,
			strerror(errno));
		return -1;
	}
	if (!userns)
		return 0;
	/*
	 * Changing uid made us non-dumpable, which makes /proc/self/uid_map
	 * root-owned; writing our own maps needs it to be ours again.
	 */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)) {
		fprintf(stderr, "%s: PR_SET_DUMPABLE: %s\n", prog, strerror(errno));
		return -1;
	}
	if (unshare(CLONE_NEWUSER | (netns ? CLONE_NEWNET : 0))) {
		fprintf(stderr, "%s: unshare(CLONE_NEWUSER%s): %s\n", prog,
			netns ? " | CLONE_NEWNET" : "", strerror(errno));
		return -1;
	}
	snprintf(map, sizeof(map), "0 %lu 1\n", uid);
	if (dropuser_write(prog, "/proc/self/uid_map", map) ||
	    dropuser_write(prog, "/proc/self/setgroups", "deny\n"))
		return -1;
	snprintf(map, sizeof(map), "0 %lu 1\n", gid);
	return dropuser_write(prog, "/proc/self/gid_map", map);
}

#endif /* SELFTESTS_DROPUSER_H */
