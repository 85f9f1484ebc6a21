// SPDX-License-Identifier: GPL-2.0-only
/*
 * The value parsers of relayd's own settings (port, family, sockets,
 * static endpoints): PRL_OPT_PARSE callbacks of its option table
 * (args.c), which reads the command line and the config file alike.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "num.h"
#include "relayd.h"

int relayd_parse_family(struct prl_cli *cli, const char *what,
			const char *s, void *field)
{
	struct relayd_opts *o = field;

	if (!strcmp(s, "4") || !strcmp(s, "ipv4") || !strcmp(s, "inet")) {
		o->ipv4 = true;
		o->ipv6 = false;
	} else if (!strcmp(s, "6") || !strcmp(s, "ipv6") ||
		   !strcmp(s, "inet6")) {
		o->ipv4 = false;
		o->ipv6 = true;
	} else if (!strcmp(s, "both") || !strcmp(s, "46") ||
		   !strcmp(s, "all")) {
		o->ipv4 = o->ipv6 = true;
	} else {
		return -EINVAL;
	}
	return 0;
}

int relayd_parse_port(struct prl_cli *cli, const char *what, const char *s,
		      void *field)
{
	uint16_t *port = field;
	uint32_t v;

	if (prl_parse_u32(s, 0, 65535, &v))
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

int relayd_parse_sockets(struct prl_cli *cli, const char *what,
			 const char *s, void *field)
{
	unsigned int *n = field;
	uint32_t v;

	if (prl_parse_u32(s, 1, RELAYD_MAX_SOCKETS_PER_FAMILY, &v))
		return -EINVAL;
	*n = v;
	return 0;
}

int relayd_parse_static_eps(struct prl_cli *cli, const char *what,
			    const char *s, void *field)
{
	struct prl_config *rc = field;
	struct prl_endpoint eps[PEER_RELAY_MAX_STATIC_EPS];
	unsigned int i, j, n_out = 0;
	int n;

	if (!strcmp(s, "none")) {
		n = 0;
	} else {
		/* one more than allowed, so too many is an error, not a cut */
		n = prl_endpoint_list_parse(s, eps, PEER_RELAY_MAX_STATIC_EPS);
		if (n < 0)
			return -EINVAL;
	}
	/* deduplicate, keeping the first occurrence (order is advertised) */
	for (i = 0; i < (unsigned int)n; i++) {
		for (j = 0; j < n_out; j++)
			if (rc->static_eps[j].port == eps[i].port &&
			    rc->static_eps[j].addr.family ==
				    eps[i].addr.family &&
			    !memcmp(&rc->static_eps[j].addr.u, &eps[i].addr.u,
				    prl_addr_len(&eps[i].addr)))
				break;
		if (j == n_out)
			rc->static_eps[n_out++] = eps[i];
	}
	rc->n_static_eps = n_out;
	rc->mask |= PRL_CFG_STATIC_EPS;
	return 0;
}

void relayd_opts_free(struct relayd_opts *o)
{
	free(o->conf_text);
	o->conf_text = NULL;
}
