// SPDX-License-Identifier: GPL-2.0-only
/* The sync-* settings of relayd (sync.h): parsing and checks. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "num.h"
#include "sync.h"

static const char *const role_names[] = {
	[SYNC_ROLE_AUTO] = "auto", [SYNC_ROLE_ACTIVE] = "active",
	[SYNC_ROLE_STANDBY] = "standby",
};

static int parse_peers(const char *s, struct relayd_sync_opts *o)
{
	struct prl_endpoint eps[SYNC_MAX_PEERS + 1];
	int i, n;

	n = prl_endpoint_list_parse(s, eps, SYNC_MAX_PEERS + 1);
	if (n <= 0 || o->n_peers + (unsigned int)n > SYNC_MAX_PEERS)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!eps[i].port)
			return -EINVAL;
		o->peers[o->n_peers++] = eps[i];
	}
	return 0;
}

static int parse_vni_range(const char *s, struct prl_config *rc)
{
	char lo[16];
	const char *dash = strchr(s, '-');
	size_t n = dash ? (size_t)(dash - s) : 0;

	if (!n || n >= sizeof(lo))
		return -EINVAL;
	memcpy(lo, s, n);
	lo[n] = '\0';
	if (prl_parse_u32(lo, PEER_RELAY_VNI_MIN, PEER_RELAY_VNI_MAX, &rc->vni_min) ||
	    prl_parse_u32(dash + 1, PEER_RELAY_VNI_MIN, PEER_RELAY_VNI_MAX, &rc->vni_max) ||
	    rc->vni_min > rc->vni_max)
		return -EINVAL;
	rc->mask |= PRL_CFG_VNI_RANGE;
	return 0;
}

int relayd_sync_setting(struct relayd_sync_opts *o, struct prl_config *rc,
			const char *key, const char *val)
{
	if (!strcmp(key, "vni-range"))
		return parse_vni_range(val, rc);
	if (strncmp(key, "sync-", 5))
		return 1;
	key += 5;
	if (!strcmp(key, "listen")) {
		if (prl_endpoint_parse(val, &o->listen) || !o->listen.port)
			return -EINVAL;
		o->enabled = true;
	} else if (!strcmp(key, "peer")) {
		return parse_peers(val, o);
	} else if (!strcmp(key, "key")) {
		if (!*val || strlen(val) >= sizeof(o->key_file))
			return -EINVAL;
		strcpy(o->key_file, val);
	} else if (!strcmp(key, "vip")) {
		if (prl_addr_parse(val, &o->vip))
			return -EINVAL;
		o->role = SYNC_ROLE_AUTO;
	} else if (!strcmp(key, "role")) {
		int role = PRL_PARSE_KEYWORD(val, role_names);

		if (role < 0)
			return -EINVAL;
		o->role = role;
	} else if (!strcmp(key, "refresh")) {
		return prl_parse_u32(val, 200, 3600000, &o->refresh_ms) ? -EINVAL : 0;
	} else if (!strcmp(key, "name")) {
		if (!*val || strlen(val) >= sizeof(o->name) ||
		    strlen(val) > 64)	/* SYNC_NAME_MAX */
			return -EINVAL;
		for (const char *p = val; *p; p++)
			if (*p < 0x21 || *p > 0x7e)
				return -EINVAL;
		strcpy(o->name, val);
	} else {
		return 1;
	}
	return 0;
}

int relayd_sync_check(const struct relayd_sync_opts *o, char *err, size_t n)
{
	if (!o->enabled && !o->n_peers)
		return 0;
	if (!o->enabled)
		snprintf(err, n, "sync-peer needs sync-listen");
	else if (!o->n_peers)
		snprintf(err, n, "sync-listen needs at least one sync-peer");
	else if (o->role == SYNC_ROLE_AUTO && !o->vip.family)
		snprintf(err, n, "sync-listen needs sync-vip ADDR (or sync-role active|standby)");
	else
		return 0;
	return -EINVAL;
}

