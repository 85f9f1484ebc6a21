// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shared command-line skeleton: dispatch, help, errors, options from
 * the command line and from a settings file.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "cli.h"
#include "keyfile.h"
#include "num.h"
#include "readfile.h"
#include "tables.h"

#define SYNOPSIS_WIDTH	44

static void print_cmd_line(FILE *f, const char *group,
			   const struct prl_cli_cmd *s)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s%s%s%s%s", group ? group : "",
		 group ? " " : "", s->name, *s->args ? " " : "", s->args);
	if (strlen(buf) < SYNOPSIS_WIDTH)
		fprintf(f, "  %-*s %s\n", SYNOPSIS_WIDTH, buf, s->summary);
	else
		fprintf(f, "  %s\n  %-*s %s\n", buf, SYNOPSIS_WIDTH, "",
			s->summary);
}

static void print_usage(FILE *f, const struct prl_cli_prog *p)
{
	const struct prl_cli_cmd *c, *s;

	fprintf(f,
		"Usage: %s [-j|--json] [-h|--help] [-V|--version] COMMAND [ARGS]\n"
		"\n%s\n"
		"Options:\n"
		"  -j, --json       %s\n"
		"  -h, --help       this help; '%s COMMAND --help' for a command\n"
		"  -V, --version    print the version\n"
		"\n"
		"Commands:\n", p->name, p->about, p->json_help, p->name);
	for (c = p->cmds; c->name; c++) {
		if (!c->subs) {
			print_cmd_line(f, NULL, c);
			continue;
		}
		for (s = c->subs; s->name; s++)
			print_cmd_line(f, c->name, s);
	}
	fprintf(f, "\n%s", p->footer);
}

static void print_group_help(FILE *f, const struct prl_cli_prog *p,
			     const struct prl_cli_cmd *g)
{
	const struct prl_cli_cmd *s;

	fprintf(f, "Usage: %s [-j] %s SUBCOMMAND [ARGS]\n\nSubcommands:\n",
		p->name, g->name);
	for (s = g->subs; s->name; s++)
		print_cmd_line(f, g->name, s);
	fprintf(f, "\nRun '%s %s SUBCOMMAND --help' for details.\n", p->name,
		g->name);
}

static void print_cmd_help(FILE *f, const struct prl_cli_prog *p,
			   const char *group, const struct prl_cli_cmd *s)
{
	fprintf(f, "Usage: %s [-j] %s%s%s%s%s\n\n%s\n", p->name,
		group ? group : "", group ? " " : "", s->name,
		*s->args ? " " : "", s->args, s->summary);
	if (s->help && *s->help)
		fprintf(f, "\n%s", s->help);
}

static bool wants_help(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	}
	return false;
}

static void vmessage(struct prl_cli *cli, const char *dflt, const char *fmt,
		     va_list ap)
{
	fprintf(stderr, "%s: %s: ", cli->prog->name, cli->cmd ? cli->cmd : dflt);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int prl_cli_usage_error(struct prl_cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(cli, "usage", fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s %s%s--help'.\n", cli->prog->name,
		cli->cmd ? cli->cmd : "", cli->cmd ? " " : "");
	return EXIT_USAGE;
}

int prl_cli_error(struct prl_cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(cli, "error", fmt, ap);
	va_end(ap);
	return EXIT_ERR;
}

static const struct prl_cli_cmd *find(const struct prl_cli_cmd *t,
				      const char *name)
{
	for (; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

/* Run leaf @s; argv[0] is its name. */
static int run(struct prl_cli *cli, const char *group,
	       const struct prl_cli_cmd *s, int argc, char **argv)
{
	const struct prl_cli_prog *p = cli->prog;

	snprintf(cli->cmdbuf, sizeof(cli->cmdbuf), "%s%s%s",
		 group ? group : "", group ? " " : "", s->name);
	cli->cmd = cli->cmdbuf;
	if ((p->flags & PRL_CLI_CMD_HELP) && wants_help(argc - 1, argv + 1)) {
		print_cmd_help(stdout, p, group, s);
		return EXIT_OK;
	}
	if (p->flags & PRL_CLI_ARGV0)
		return s->fn(cli, argc, argv);
	return s->fn(cli, argc - 1, argv + 1);
}

/* @argv[0] is the name of group @g. */
static int run_group(struct prl_cli *cli, const struct prl_cli_cmd *g,
		     int argc, char **argv)
{
	const struct prl_cli_prog *p = cli->prog;
	const struct prl_cli_cmd *s;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		print_group_help(argc < 2 ? stderr : stdout, p, g);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	s = find(g->subs, argv[1]);
	if (!s) {
		fprintf(stderr, "%s: %s: unknown subcommand '%s'\n", p->name,
			g->name, argv[1]);
		fprintf(stderr, "Try '%s %s --help'.\n", p->name, g->name);
		return EXIT_USAGE;
	}
	return run(cli, g->name, s, argc - 1, argv + 1);
}

/* Global options; returns the index of the command or -(exit code). */
static int global_opts(struct prl_cli *cli, int argc, char **argv)
{
	const struct prl_cli_prog *p = cli->prog;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--"))
			return i + 1;
		if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			cli->json = true;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			print_usage(stdout, p);
			return -EXIT_OK;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("%s %s\n", p->name, p->version);
			return -EXIT_OK;
		} else {
			fprintf(stderr, "%s: unknown option '%s'\n", p->name, a);
			fprintf(stderr, "Try '%s --help'.\n", p->name);
			return -EXIT_USAGE;
		}
	}
	return i;
}

static int dispatch(struct prl_cli *cli, int argc, char **argv)
{
	const struct prl_cli_prog *p = cli->prog;
	const struct prl_cli_cmd *c;
	int i = global_opts(cli, argc, argv);

	if (i <= 0)
		return -i;
	if (i >= argc) {
		print_usage(stderr, p);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help")) {
		print_usage(stdout, p);
		return EXIT_OK;
	}
	c = find(p->cmds, argv[i]);
	if (!c) {
		fprintf(stderr, "%s: unknown command '%s'\n", p->name, argv[i]);
		fprintf(stderr, "Try '%s --help'.\n", p->name);
		return EXIT_USAGE;
	}
	if (c->subs)
		return run_group(cli, c, argc - i, argv + i);
	return run(cli, NULL, c, argc - i, argv + i);
}

int prl_cli_main(struct prl_cli *cli, const struct prl_cli_prog *prog,
		 int argc, char **argv)
{
	int rc;

	cli->prog = prog;
	rc = dispatch(cli, argc, argv);
	if (fflush(stdout) == EOF && rc == EXIT_OK) {
		fprintf(stderr, "%s: write error: %s\n", prog->name,
			strerror(errno));
		rc = EXIT_ERR;
	}
	return rc;
}

/* ---- table-driven options ---- */

/*
 * ADDR:PORT into @ss; with @local also ADDR alone or port 0 (a local
 * address to bind to). 0 or -EINVAL.
 */
static int parse_sockaddr(const char *s, bool local,
			  struct sockaddr_storage *ss)
{
	struct prl_endpoint ep;
	socklen_t len;

	if (local ? prl_endpoint_parse_local(s, &ep) :
		    prl_endpoint_parse(s, &ep)) {
		if (!local || prl_addr_parse(s, &ep.addr))
			return -EINVAL;
		ep.port = 0;
	}
	return prl_endpoint_to_sockaddr(&ep, ss, &len) ? -EINVAL : 0;
}

static bool takes_arg(enum prl_cli_opt_kind kind)
{
	return kind != PRL_OPT_FLAG && kind != PRL_OPT_CLEAR &&
	       kind != PRL_OPT_COUNT;
}

/* yes/no, true/false, on/off, 1/0 (any case): 1, 0 or -EINVAL. */
static int parse_bool(const char *s)
{
	static const char *const words[] = {
		"no", "yes", "false", "true", "off", "on", "0", "1",
	};
	size_t i;

	for (i = 0; i < PRL_ARRAY_SIZE(words); i++)
		if (!strcasecmp(s, words[i]))
			return (int)(i & 1);
	return -EINVAL;
}

/*
 * "invalid WHAT 'ARG': expected EXPECT": a usage error for a flag, an
 * error at @where ("FILE:LINE") for a setting from a file.
 */
static int invalid(struct prl_cli *cli, const char *where,
		   const struct prl_cli_opt *o, const char *arg,
		   const char *expect)
{
	const char *what = o->what ? o->what : where ? o->conf : o->name;
	const char *sep = expect ? ": expected " : "";

	if (!expect)
		expect = "";
	if (where)
		return prl_cli_error(cli, "%s: invalid %s '%s'%s%s", where,
				     what, arg, sep, expect);
	return prl_cli_usage_error(cli, "invalid %s '%s'%s%s", what, arg, sep,
				   expect);
}

/*
 * Convert @arg for row @o into @dst: a flag's argument, or a setting's
 * value (@where is then "FILE:LINE"). Flag kinds get @arg NULL from the
 * command line and yes/no from a file.
 */
static int store(struct prl_cli *cli, const struct prl_cli_opt *o,
		 const char *arg, char *dst, const char *where)
{
	void *field = dst + o->off;
	char expect[48];
	uint32_t v;
	int b = 1, rc;

	if (!takes_arg(o->kind) && arg) {
		b = parse_bool(arg);
		if (b < 0)
			return invalid(cli, where, o, arg, "yes or no");
	}
	switch (o->kind) {
	case PRL_OPT_FLAG:
	case PRL_OPT_CLEAR:
		*(bool *)field = (o->kind == PRL_OPT_FLAG) == b;
		break;
	case PRL_OPT_COUNT:
		*(int *)field += b;
		break;
	case PRL_OPT_STR:
		*(const char **)field = arg;
		break;
	case PRL_OPT_U32:
	case PRL_OPT_INT:
		if (prl_parse_u32(arg, o->min, o->max, &v)) {
			snprintf(expect, sizeof(expect), "a number in %u..%u",
				 o->min, o->max);
			return invalid(cli, where, o, arg, expect);
		}
		if (o->kind == PRL_OPT_U32)
			*(uint32_t *)field = v;
		else
			*(int *)field = (int)v;
		break;
	case PRL_OPT_KEY:
		if (prl_key_from_hex(arg, field)) {
			snprintf(expect, sizeof(expect), "%d hex digits",
				 2 * PEER_RELAY_KEY_LEN);
			return invalid(cli, where, o, arg, expect);
		}
		break;
	case PRL_OPT_ENDPOINT:
	case PRL_OPT_LOCAL:
		if (parse_sockaddr(arg, o->kind == PRL_OPT_LOCAL, field))
			return invalid(cli, where, o, arg,
				       o->kind == PRL_OPT_LOCAL ?
				       "ADDR[:PORT]" : "ADDR:PORT");
		break;
	case PRL_OPT_PARSE:
		rc = o->parse(cli, o->what, arg, field);
		if (rc < 0)
			return invalid(cli, where, o, arg, o->expect);
		return rc;
	}
	return 0;
}

/* store() and mark the row given: the one step of flags and settings. */
static int apply(struct prl_cli *cli, const struct prl_cli_opt *o,
		 const char *arg, void *dst, const char *where)
{
	int rc = store(cli, o, arg, dst, where);

	if (rc)
		return rc;
	if (o->seen)
		*(bool *)((char *)dst + o->seen - 1) = true;
	if (o->text)
		*(const char **)((char *)dst + o->text - 1) = arg;
	return 0;
}

/* ---- settings files ---- */

#define SETTINGS_MAX	(1 << 20)

/* The whole of @path, NUL-terminated, in *@text: 0 or -errno. */
static int slurp(const char *path, char **text)
{
	size_t n;
	int err = prl_read_file(path, SETTINGS_MAX, text, &n);

	if (!err && memchr(*text, '\0', n))
		err = -EINVAL;	/* not text: lines would end early */
	return err;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static const struct prl_cli_opt *by_conf(const struct prl_cli_opt *opts,
					 const char *key)
{
	for (; opts->name; opts++)
		if (opts->conf && !strcasecmp(opts->conf, key))
			return opts;
	return NULL;
}

/* One line (comment cut, blanks trimmed, not empty). */
static int settings_line(struct prl_cli *cli, const struct prl_cli_opt *opts,
			 void *dst, const char *section, const char *where,
			 char *s)
{
	const struct prl_cli_opt *o;
	char *eq, *key, *val;
	size_t n;

	if (*s == '[') {
		n = section ? strlen(section) : 0;
		if (section && !strncasecmp(s + 1, section, n) &&
		    s[n + 1] == ']' && !s[n + 2])
			return 0;
		if (section)
			return prl_cli_error(cli, "%s: unknown section %s (only [%s])",
					     where, s, section);
		return prl_cli_error(cli, "%s: unexpected section %s", where, s);
	}
	if (cli->prog->flags & PRL_CLI_CONF_WORDS) {
		/* the key is the first word; '=' after it is optional */
		n = strcspn(s, " \t\v\f\r=");
		eq = s[n] == '=' ? s + n : NULL;
		val = trim(s + n + !!s[n]);
		s[n] = '\0';
		if (!eq && *val == '=')
			val = trim(val + 1);
		key = s;
	} else {
		eq = strchr(s, '=');
		if (!eq)
			return prl_cli_error(cli, "%s: expected 'Key = Value'",
					     where);
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
	}
	o = by_conf(opts, key);
	if (!o)
		return prl_cli_error(cli, "%s: unknown key '%s'", where, key);
	if (!*val)
		return prl_cli_error(cli, "%s: %s has no value", where, key);
	return apply(cli, o, val, dst, where);
}

int prl_cli_settings(struct prl_cli *cli, const struct prl_cli_opt *opts,
		     void *dst, const char *path, const char *section,
		     char **text)
{
	char where[512], *line, *next, *hash;
	unsigned int lineno = 0;
	int rc = slurp(path, text);

	if (rc)
		return prl_cli_error(cli, "%s: %s", path,
				     rc == -EFBIG ? "too large" :
				     rc == -EINVAL ? "not a text file" :
				     strerror(-rc));
	for (line = *text; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		line = trim(line);
		if (!*line)
			continue;
		snprintf(where, sizeof(where), "%s:%u", path, lineno);
		rc = settings_line(cli, opts, dst, section, where, line);
		if (rc)
			return rc;
	}
	return 0;
}

#define MAX_OPTS	48

/* getopt_long's tables from @opts; j (if @json) and h come last. */
static int build(const struct prl_cli_opt *opts, bool json, struct option *lo,
		 char *shorts)
{
	char *sp = shorts;
	int n;

	*sp++ = ':';	/* report a missing argument as ':' */
	*sp = '\0';
	for (n = 0; opts[n].name; n++) {
		if (n >= MAX_OPTS - 3)
			return -E2BIG;
		lo[n].name = opts[n].name;
		lo[n].has_arg = takes_arg(opts[n].kind) ? required_argument :
							    no_argument;
		lo[n].flag = NULL;
		lo[n].val = 256 + n;
		if (opts[n].short_name && !strchr(shorts, opts[n].short_name)) {
			*sp++ = opts[n].short_name;
			if (lo[n].has_arg)
				*sp++ = ':';
			*sp = '\0';
		}
	}
	if (json)
		lo[n++] = (struct option){ "json", no_argument, NULL, 'j' };
	lo[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n] = (struct option){ NULL, 0, NULL, 0 };
	strcpy(sp, json ? "jh" : "h");
	return 0;
}

static const struct prl_cli_opt *by_short(const struct prl_cli_opt *opts,
					  int c)
{
	for (; opts->name; opts++)
		if (opts->short_name == c)
			return opts;
	return NULL;
}

int prl_cli_getopt(struct prl_cli *cli, const struct prl_cli_opt *opts,
		   void *dst, const char *usage, int argc, char **argv)
{
	struct option lo[MAX_OPTS];
	char shorts[2 * MAX_OPTS + 4];
	const struct prl_cli_opt *o;
	int c, rc;

	if (build(opts, !(cli->prog->flags & PRL_CLI_NO_JSON), lo, shorts))
		return -prl_cli_error(cli, "too many options (internal)");
	optind = 0;	/* GNU: a full restart, argv may be another array */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		if (c == 'j') {
			cli->json = true;
			continue;
		}
		if (c == 'h') {
			fputs(usage, stdout);
			return 0;
		}
		if (c == ':')
			return -prl_cli_usage_error(cli, "option '%s' needs an argument",
						    argv[optind - 1]);
		o = c >= 256 ? &opts[c - 256] : by_short(opts, c);
		if (!o)
			return -prl_cli_usage_error(cli, "unknown option '%s'",
						    argv[optind - 1]);
		rc = apply(cli, o, optarg, dst, NULL);
		if (rc)
			return -rc;
	}
	return optind;
}
