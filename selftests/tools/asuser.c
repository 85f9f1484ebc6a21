// SPDX-License-Identifier: GPL-2.0-only
/*
 * asuser - run a command without privileges, for permission selftests.
 *
 *   asuser [--uid N] [--gid N] [--netns] [--userns] [--] CMD [ARGS...]
 *
 * Drops to uid/gid (default 65534, no supplementary groups, no
 * capabilities) and execs CMD. --userns then creates a user namespace
 * owned by that uid (mapping it to root inside, like `unshare -r`), so CMD
 * holds capabilities only there. --netns adds a new network namespace:
 * owned by the new user namespace with --userns (CMD is CAP_NET_ADMIN in
 * it), owned by the initial one without (CMD has no capability there).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [--uid N] [--gid N] [--netns] [--userns] [--] CMD [ARGS...]\n"
		"Run CMD as uid/gid N (default 65534) without capabilities.\n"
		"  --userns  create a user namespace mapping that uid to root\n"
		"  --netns   create a network namespace (owned by the new user\n"
		"            namespace with --userns)\n",
		prog);
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "asuser: open %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = write(fd, text, strlen(text));
	if (n != (ssize_t)strlen(text)) {
		fprintf(stderr, "asuser: write %s: %s\n", path,
			n < 0 ? strerror(errno) : "short write");
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int parse_id(const char *s, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return (errno || *s == '\0' || *end != '\0' || *out > 0xfffffffeUL) ?
		       -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "uid", required_argument, NULL, 'u' },
		{ "gid", required_argument, NULL, 'g' },
		{ "netns", no_argument, NULL, 'n' },
		{ "userns", no_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long uid = 65534, gid = 65534;
	bool netns = false, userns = false;
	char map[64];
	int c;

	while ((c = getopt_long(argc, argv, "+h", lopts, NULL)) != -1) {
		switch (c) {
		case 'u':
			if (parse_id(optarg, &uid))
				goto bad_id;
			break;
		case 'g':
			if (parse_id(optarg, &gid))
				goto bad_id;
			break;
		case 'n':
			netns = true;
			break;
		case 'U':
			userns = true;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr, argv[0]);
		return 2;
	}

	/* A netns owned by the initial user namespace must be made as root. */
	if (netns && !userns && unshare(CLONE_NEWNET)) {
		perror("asuser: unshare(CLONE_NEWNET)");
		return 1;
	}
	if (setgroups(0, NULL) || setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) ||
	    setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid)) {
		perror("asuser: dropping privileges");
		return 1;
	}
	/*
	 * Changing uid made us non-dumpable, which makes /proc/self/uid_map
	 * root-owned; writing our own maps needs it to be ours again.
	 */
	if (userns && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)) {
		perror("asuser: PR_SET_DUMPABLE");
		return 1;
	}
	if (userns) {
		if (unshare(CLONE_NEWUSER | (netns ? CLONE_NEWNET : 0))) {
			perror("asuser: unshare(CLONE_NEWUSER)");
			return 1;
		}
		snprintf(map, sizeof(map), "0 %lu 1\n", uid);
		if (write_file("/proc/self/uid_map", map) ||
		    write_file("/proc/self/setgroups", "deny\n"))
			return 1;
		snprintf(map, sizeof(map), "0 %lu 1\n", gid);
		if (write_file("/proc/self/gid_map", map))
			return 1;
	}
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "asuser: exec %s: %s\n", argv[optind], strerror(errno));
	return 127;

bad_id:
	fprintf(stderr, "asuser: bad id '%s'\n", optarg);
	return 2;
}
