// SPDX-License-Identifier: GPL-2.0-only
/*
 * relayd configuration file: "key value" (or "key = value") per line,
 * '#' starts a comment, blank lines are ignored, unknown keys are errors.
 * Settings the command line gave win over the file. Documented in
 * relayd.8 and Documentation/relayd.md.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <peer_relay/limits.h>

#include "num.h"
#include "relayd.h"
#include "tables.h"

int relayd_parse_family(const char *s, struct relayd_opts *o)
{
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

int relayd_parse_port(const char *s, uint16_t *port)
{
	uint32_t v;

	if (prl_parse_u32(s, 0, 65535, &v))
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

int relayd_parse_sockets(const char *s, unsigned int *n)
{
	uint32_t v;

	if (prl_parse_u32(s, 1, RELAYD_MAX_SOCKETS_PER_FAMILY, &v))
		return -EINVAL;
	*n = v;
	return 0;
}

int relayd_parse_static_eps(const char *s, struct prl_config *rc)
{
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

static int set_path(const char **dst, unsigned int *owned, unsigned int bit,
		    const char *val)
{
	char *p = strdup(val);

	if (!p)
		return -ENOMEM;
	if (*owned & bit)
		free((char *)*dst);
	*dst = p;
	*owned |= bit;
	return 0;
}

/* The relay's u32 settings (CONFIG_SET), in the module's bounds
 * (include/peer_relay/limits.h). */
static const struct relay_u32 {
	const char *key;
	uint32_t bit;		/* PRL_CFG_* */
	size_t off;		/* in struct prl_config */
	uint32_t min, max;
} relay_u32s[] = {
#define U32(key, bit, field, min, max) \
	{ key, bit, offsetof(struct prl_config, field), min, max }
	U32("bind-lifetime", PRL_CFG_BIND_LIFETIME, bind_lifetime_ms,
	    PRELAY_LIFETIME_MIN_MS, PRELAY_LIFETIME_MAX_MS),
	U32("idle-lifetime", PRL_CFG_IDLE_LIFETIME, idle_lifetime_ms,
	    PRELAY_LIFETIME_MIN_MS, PRELAY_LIFETIME_MAX_MS),
	U32("max-sessions", PRL_CFG_MAX_SESSIONS, max_sessions,
	    PRELAY_MAX_SESSIONS_MIN, PEER_RELAY_VNI_MAX),
	U32("pass-rate", PRL_CFG_PASS_RATE, pass_rate,
	    0, PRELAY_PASS_RATE_MAX),
	U32("pass-burst", PRL_CFG_PASS_BURST, pass_burst,
	    PRELAY_PASS_BURST_MIN, PRELAY_PASS_BURST_MAX),
	U32("pass-rate-total", PRL_CFG_PASS_RATE_TOTAL, pass_rate_total,
	    0, PRELAY_PASS_RATE_MAX),
#undef U32
};

/* Returns 1 if @key is none of relay_u32s, else 0 or -EINVAL. */
static int relay_u32_setting(struct prl_config *rc, const char *key,
			     const char *val)
{
	const struct relay_u32 *u, *end = relay_u32s + sizeof(relay_u32s) /
						   sizeof(relay_u32s[0]);
	uint32_t v;

	for (u = relay_u32s; u < end; u++) {
		if (strcmp(key, u->key))
			continue;
		if (prl_parse_u32(val, u->min, u->max, &v))
			return -EINVAL;
		memcpy((char *)rc + u->off, &v, sizeof(v));
		rc->mask |= u->bit;
		return 0;
	}
	return 1;
}

/* The file names (strdup'ed, RELAYD_SET_* bits in relayd_opts.owned). */
static const struct path_setting {
	const char *key;
	unsigned int bit;	/* RELAYD_SET_* */
	size_t off;		/* const char * in struct relayd_opts */
} path_settings[] = {
#define PATH(key, bit, field) { key, bit, offsetof(struct relayd_opts, field) }
	PATH("key", RELAYD_SET_KEY, key_file),
	PATH("grants", RELAYD_SET_GRANTS, grants_file),
	PATH("control-socket", RELAYD_SET_CTLSOCK, ctl_socket),
	PATH("metrics-file", RELAYD_SET_METRICS, metrics_file),
#undef PATH
};

/* Returns 1 if @key is none of path_settings, else as set_path(). */
static int path_setting(struct relayd_opts *o, unsigned int cli_set,
			const char *key, const char *val)
{
	const struct path_setting *p, *end = path_settings +
		PRL_ARRAY_SIZE(path_settings);

	for (p = path_settings; p < end; p++) {
		if (strcmp(key, p->key))
			continue;
		if (cli_set & p->bit)
			return 0;	/* the command line's wins */
		return set_path((const char **)((char *)o + p->off),
				&o->owned, p->bit, val);
	}
	return 1;
}

/*
 * Apply one "key value" setting. Settings the command line gave
 * (@cli_set, RELAYD_SET_*) are validated but not applied.
 */
static int config_setting(struct relayd_opts *o, unsigned int cli_set,
			  const char *key, const char *val, const char **why)
{
	struct prl_config *rc = &o->relay_cfg;
	uint32_t v;

	int ret;

	*why = "invalid value";
	ret = relay_u32_setting(rc, key, val);
	if (ret == 1)
		ret = path_setting(o, cli_set, key, val);
	if (ret != 1)
		return ret;
	if (!strcmp(key, "port")) {
		uint16_t p;

		if (relayd_parse_port(val, &p))
			return -EINVAL;
		if (!(cli_set & RELAYD_SET_PORT))
			o->port = p;
	} else if (!strcmp(key, "family")) {
		struct relayd_opts tmp = *o;

		if (relayd_parse_family(val, &tmp))
			return -EINVAL;
		if (!(cli_set & RELAYD_SET_FAMILY)) {
			o->ipv4 = tmp.ipv4;
			o->ipv6 = tmp.ipv6;
		}
	} else if (!strcmp(key, "sockets")) {
		unsigned int n;

		if (relayd_parse_sockets(val, &n))
			return -EINVAL;
		if (!(cli_set & RELAYD_SET_SOCKETS))
			o->sockets = n;
	} else if (!strcmp(key, "log-level")) {
		int l = prl_log_level_parse(val);

		if (l < 0)
			return -EINVAL;
		if (!(cli_set & RELAYD_SET_LOGLEVEL))
			o->log_level = l;
	} else if (!strcmp(key, "static-endpoints")) {
		if (cli_set & RELAYD_SET_STATIC) {
			struct prl_config tmp = { 0 };

			return relayd_parse_static_eps(val, &tmp);
		}
		return relayd_parse_static_eps(val, rc);
	} else if (!strcmp(key, "rate-limit")) {
		if (prl_parse_u32(val, 0, 1000000, &v))
			return -EINVAL;
		if (!(cli_set & RELAYD_SET_RATE))
			o->rate_limit = v;
	} else if (!strcmp(key, "rate-burst")) {
		if (prl_parse_u32(val, 1, 1000000, &v))
			return -EINVAL;
		if (!(cli_set & RELAYD_SET_BURST))
			o->rate_burst = v;
	} else {
		/* replication: the command line's sync-* options win as a whole */
		struct relayd_sync_opts tmp = o->sync;
		struct prl_config tmp_rc = *rc;

		ret = relayd_sync_setting(&tmp, &tmp_rc, key, val);
		if (ret == 1)
			*why = "unknown setting";
		if (ret)
			return -EINVAL;
		if (!(cli_set & RELAYD_SET_SYNC))
			o->sync = tmp;
		*rc = tmp_rc;
	}
	return 0;
}

int relayd_config_parse(const char *text, size_t len, struct relayd_opts *o,
			unsigned int cli_set, char *err, size_t errlen)
{
	const char *end_text = text + len, *nl;
	char line[1024];
	unsigned int lineno = 0;

	while (text < end_text) {
		char *p = line, *key, *val, *end;
		const char *why;
		size_t n;
		int ret;

		lineno++;
		nl = memchr(text, '\n', (size_t)(end_text - text));
		n = (size_t)((nl ? nl : end_text) - text);
		if (n >= sizeof(line)) {
			snprintf(err, errlen, "line %u: line too long", lineno);
			return -EINVAL;
		}
		memcpy(line, text, n);
		line[n] = '\0';
		text = nl ? nl + 1 : end_text;
		if (strlen(line) != n) {
			snprintf(err, errlen, "line %u: NUL byte", lineno);
			return -EINVAL;
		}
		end = strchr(p, '#');
		if (end)
			*end = '\0';
		while (isspace((unsigned char)*p))
			p++;
		end = p + strlen(p);
		while (end > p && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (!*p)
			continue;
		key = p;
		while (*p && !isspace((unsigned char)*p) && *p != '=')
			p++;
		if (*p)
			*p++ = '\0';
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '=')
			p++;
		while (isspace((unsigned char)*p))
			p++;
		val = p;
		if (!*val) {
			snprintf(err, errlen, "line %u: '%s' needs a value",
				 lineno, key);
			return -EINVAL;
		}
		ret = config_setting(o, cli_set, key, val, &why);
		if (ret == -ENOMEM) {
			snprintf(err, errlen, "out of memory");
			return ret;
		}
		if (ret) {
			snprintf(err, errlen, "line %u: %s: %s '%s'", lineno,
				 key, why, val);
			return -EINVAL;
		}
	}
	return 0;
}

int relayd_config_load(const char *path, struct relayd_opts *o,
		       unsigned int cli_set, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	FILE *f;
	int ret;

	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			char *nb;

			if (cap >= (1u << 20)) {
				fclose(f);
				free(buf);
				snprintf(err, errlen, "%s: file too large", path);
				return -EFBIG;
			}
			cap = cap ? 2 * cap : 4096;
			nb = realloc(buf, cap);
			if (!nb) {
				fclose(f);
				free(buf);
				snprintf(err, errlen, "out of memory");
				return -ENOMEM;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	ret = ferror(f) ? -EIO : 0;
	fclose(f);
	if (ret) {
		snprintf(err, errlen, "%s: read error", path);
		free(buf);
		return ret;
	}
	{
		char sub[256];

		ret = relayd_config_parse(buf, len, o, cli_set, sub,
					  sizeof(sub));
		/* "line N: x" -> "PATH:N: x" (compiler style) */
		if (ret && !strncmp(sub, "line ", 5))
			snprintf(err, errlen, "%s:%s", path, sub + 5);
		else if (ret)
			snprintf(err, errlen, "%s: %s", path, sub);
	}
	free(buf);
	return ret;
}

void relayd_opts_free(struct relayd_opts *o)
{
	if (o->owned & RELAYD_SET_KEY)
		free((char *)o->key_file);
	if (o->owned & RELAYD_SET_GRANTS)
		free((char *)o->grants_file);
	if (o->owned & RELAYD_SET_METRICS)
		free((char *)o->metrics_file);
	if (o->owned & RELAYD_SET_CTLSOCK)
		free((char *)o->ctl_socket);
	o->owned = 0;
}
