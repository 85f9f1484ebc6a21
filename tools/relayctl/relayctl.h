/* SPDX-License-Identifier: GPL-2.0-only */
/* relayctl: shared state and the subcommand entry points. */
#ifndef RELAYCTL_H
#define RELAYCTL_H

#include <stdbool.h>
#include <stdio.h>

#include "json.h"
#include "nl.h"

/* Exit codes. */
#define EXIT_OK		0
#define EXIT_ERR	1
#define EXIT_USAGE	2

struct ctl {
	bool json;
	const char *cmd;	/* "session add" etc., for messages */
	char cmdbuf[64];
	bool nl_open;
	struct prl_nl nl;
	FILE *out;
};

/*
 * A subcommand: @name, its argument synopsis, a one-line description and
 * a longer help text; @fn gets the arguments after the name.
 */
struct subcmd {
	const char *name;
	const char *args;
	const char *summary;
	const char *help;
	int (*fn)(struct ctl *c, int argc, char **argv);
};

/* ---- main.c ---- */

/* Open the netlink context on first use; prints the error and returns 1. */
int ctl_nl(struct ctl *c);
/* Report a failed request: "relayctl: CMD: strerror: extack". Returns 1. */
int ctl_kernel_error(struct ctl *c, int err);
/* Report a usage error for the current command. Returns 2. */
int ctl_usage_error(struct ctl *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Report a local error. Returns 1. */
int ctl_error(struct ctl *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* True if any argument is -h/--help. */
bool ctl_wants_help(int argc, char **argv);
/* Print help of one subcommand ("relayctl session add ..."). */
void ctl_print_sub_help(FILE *f, const char *group, const struct subcmd *s);

/* Argument parsers that report usage errors themselves (return 2). */
int ctl_arg_key(struct ctl *c, const char *what, const char *s,
		uint8_t key[PEER_RELAY_KEY_LEN]);
int ctl_arg_u32(struct ctl *c, const char *what, const char *s,
		uint32_t *out);

/* ---- output.c ---- */
void out_session(struct ctl *c, const struct prl_session *s);
void out_session_json(struct prl_json *j, const struct prl_session *s);
void out_sock(struct ctl *c, const struct prl_sock_info *s);
void out_sock_json(struct prl_json *j, const struct prl_sock_info *s);
void out_stats(struct ctl *c, const struct prl_stats *st);
void out_stats_json(struct prl_json *j, const struct prl_stats *st);
void out_config(struct ctl *c, const struct prl_config *cfg);
void out_config_json(struct prl_json *j, const struct prl_config *cfg);
/* "d:0123456789abcdef": the first 8 bytes of a key, like Tailscale. */
const char *out_short_key(const uint8_t *key, char buf[20]);

/* ---- subcommand groups (cmd_*.c) ---- */
extern const struct subcmd socket_cmds[];
extern const struct subcmd session_cmds[];
extern const struct subcmd config_cmds[];
int cmd_stats(struct ctl *c, int argc, char **argv);
int cmd_monitor(struct ctl *c, int argc, char **argv);
int cmd_show(struct ctl *c, int argc, char **argv);
int cmd_ping(struct ctl *c, int argc, char **argv);

extern const char stats_help[];
extern const char monitor_help[];
extern const char show_help[];
extern const char ping_help[];

#endif /* RELAYCTL_H */
