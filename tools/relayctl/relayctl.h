/* SPDX-License-Identifier: GPL-2.0-only */
/* relayctl: shared state and the subcommand entry points. */
#ifndef RELAYCTL_H
#define RELAYCTL_H

#include <stdbool.h>
#include <stdio.h>

#include "cli.h"
#include "json.h"
#include "nl.h"

struct ctl {
	struct prl_cli cli;	/* -j, the command's name for messages */
	bool nl_open;
	struct prl_nl nl;
	FILE *out;
};

static inline struct ctl *ctl_of(struct prl_cli *cli)
{
	return (struct ctl *)((char *)cli - offsetof(struct ctl, cli));
}

/* ---- main.c ---- */

/* Open the netlink context on first use; prints the error and returns 1. */
int ctl_nl(struct ctl *c);
/* Report a failed request: "relayctl: CMD: strerror: extack". Returns 1. */
int ctl_kernel_error(struct ctl *c, int err);
/* After EPERM: say which privilege is missing and what is open to all. */
void ctl_eperm_hint(struct ctl *c);
/* Report a usage error for the current command. Returns 2. */
#define ctl_usage_error(c, ...)	prl_cli_usage_error(&(c)->cli, __VA_ARGS__)
/* Report a local error. Returns 1. */
#define ctl_error(c, ...)	prl_cli_error(&(c)->cli, __VA_ARGS__)

/* Argument parsers that report usage errors themselves (return 2). */
int ctl_arg_key(struct ctl *c, const char *what, const char *s,
		uint8_t key[PEER_RELAY_KEY_LEN]);
int ctl_arg_u32(struct ctl *c, const char *what, const char *s,
		uint32_t *out);

/* ---- output.c ---- */

/* How an object is printed: a text block or (-j) a JSON value. */
struct ctl_out {
	void (*text)(FILE *f, const void *obj);
	void (*json)(struct prl_json *j, const void *obj);
};

extern const struct ctl_out ctl_out_session, ctl_out_sock, ctl_out_stats,
	ctl_out_config;

/* Print @obj as @o says; JSON into @j, or a document of its own (@j NULL). */
void ctl_print(struct ctl *c, struct prl_json *j, const struct ctl_out *o,
	       const void *obj);

/*
 * A list command: no arguments, then one object after another, as blocks
 * or (-j) one JSON array. ctl_list_begin() returns 0 or an exit code;
 * ctl_list_end() takes the dump's result and returns the exit code.
 */
struct ctl_list {
	struct ctl *c;
	struct prl_json j;
	const struct ctl_out *out;
};

int ctl_list_begin(struct ctl_list *l, struct ctl *c, const struct ctl_out *o,
		   int argc, char **argv);
int ctl_list_end(struct ctl_list *l, int err);
/* Dump callbacks: print the object into the ctl_list @arg. */
int ctl_list_sock(const struct prl_sock_info *s, void *arg);
int ctl_list_session(const struct prl_session *s, void *arg);

void out_session_json(struct prl_json *j, const struct prl_session *s);
/* The members of out_session_json()'s object, for objects that add more. */
void out_session_fields(struct prl_json *j, const struct prl_session *s);
void out_sock_json(struct prl_json *j, const struct prl_sock_info *s);
void out_stats_json(struct prl_json *j, const struct prl_stats *st);
void out_config_json(struct prl_json *j, const struct prl_config *cfg);
/* "d:0123456789abcdef": the first 8 bytes of a key, like Tailscale. */
const char *out_short_key(const uint8_t *key, char buf[20]);

/* ---- subcommand groups (cmd_*.c) ---- */
extern const struct prl_cli_cmd socket_cmds[];
extern const struct prl_cli_cmd session_cmds[];
extern const struct prl_cli_cmd config_cmds[];
int cmd_stats(struct prl_cli *cli, int argc, char **argv);
int cmd_monitor(struct prl_cli *cli, int argc, char **argv);
int cmd_show(struct prl_cli *cli, int argc, char **argv);
int cmd_ping(struct prl_cli *cli, int argc, char **argv);

extern const char stats_help[];
extern const char monitor_help[];
extern const char show_help[];
extern const char ping_help[];

#endif /* RELAYCTL_H */
