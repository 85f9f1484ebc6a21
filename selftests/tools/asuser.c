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
#include <getopt.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dropuser.h"

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
	if (dropuser("asuser", uid, gid, userns, netns))
		return 1;
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "asuser: exec %s: %s\n", argv[optind], strerror(errno));
	return 127;

bad_id:
	fprintf(stderr, "asuser: bad id '%s'\n", optarg);
	return 2;
}
