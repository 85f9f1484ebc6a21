// SPDX-License-Identifier: GPL-2.0-only
/*
 * The typed commands of nl.h: their arguments checked once, then handed
 * to the backend of the open context (nl_backend.h).
 */
#include <errno.h>
#include <string.h>

#include "nl.h"
#include "nl_backend.h"
#include "nl_internal.h"

int prl_nl_fail(struct prl_nl *nl, int err)
{
	memset(&nl->last, 0, sizeof(nl->last));
	nl->last.err = err;
	return err;
}

int prl_dump_one(struct prl_dump *d, const void *obj)
{
	int err = d->sock_cb ? d->sock_cb(obj, d->arg) :
		  d->session_cb ? d->session_cb(obj, d->arg) : 0;

	if (!err)
		d->count++;
	return err;
}

/* ---- sockets (attach and detach: the module only, nl_kernel.c) ---- */

int prl_sock_get(struct prl_nl *nl, uint32_t id, struct prl_sock_info *out)
{
	return nl->ops->sock_get(nl, id, out);
}

int prl_sock_dump(struct prl_nl *nl, prl_sock_cb cb, void *arg)
{
	struct prl_dump d = { .sock_cb = cb, .arg = arg };

	return nl->ops->dump(nl, PEER_RELAY_A_SOCK, &d);
}

/* ---- sessions ---- */

int prl_session_new(struct prl_nl *nl, const uint8_t *key_a,
		   const uint8_t *key_b, const uint32_t *vni,
		   struct prl_session *out)
{
	return prl_session_new_bound(nl, key_a, key_b, vni, NULL, NULL, out);
}

int prl_session_new_bound(struct prl_nl *nl, const uint8_t *key_a,
			 const uint8_t *key_b, const uint32_t *vni,
			 const struct prl_endpoint *at_a,
			 const struct prl_endpoint *at_b,
			 struct prl_session *out)
{
	const struct prl_session_spec s = { key_a, key_b, vni, at_a, at_b };

	return nl->ops->session_new(nl, &s, out);
}

int prl_session_bind(struct prl_nl *nl, uint32_t vni, unsigned int ep,
		    const struct prl_endpoint *remote,
		    const struct prl_addr *local)
{
	if (ep > 1)
		return prl_nl_fail(nl, -EINVAL);
	return nl->ops->session_bind(nl, vni, ep, remote, local);
}

int prl_session_del(struct prl_nl *nl, uint32_t vni)
{
	const struct prl_session_ref s = { .vni = vni };

	return nl->ops->session_del(nl, &s);
}

int prl_session_del_keys(struct prl_nl *nl, const uint8_t *key_a,
			const uint8_t *key_b)
{
	const struct prl_session_ref s = { .key_a = key_a, .key_b = key_b };

	return nl->ops->session_del(nl, &s);
}

int prl_session_get(struct prl_nl *nl, uint32_t vni, struct prl_session *out)
{
	const struct prl_session_ref s = { .vni = vni };

	return nl->ops->session_get(nl, &s, out);
}

int prl_session_get_keys(struct prl_nl *nl, const uint8_t *key_a,
			const uint8_t *key_b, struct prl_session *out)
{
	const struct prl_session_ref s = { .key_a = key_a, .key_b = key_b };

	return nl->ops->session_get(nl, &s, out);
}

int prl_session_dump(struct prl_nl *nl, prl_session_cb cb, void *arg)
{
	struct prl_dump d = { .session_cb = cb, .arg = arg };

	return nl->ops->dump(nl, PEER_RELAY_A_SESSION, &d);
}

int prl_session_flush(struct prl_nl *nl)
{
	return nl->ops->session_flush(nl);
}

/* ---- stats and config ---- */

int prl_stats_get(struct prl_nl *nl, struct prl_stats *out)
{
	return nl->ops->stats_get(nl, out);
}

int prl_config_get(struct prl_nl *nl, struct prl_config *out)
{
	return nl->ops->config_get(nl, out);
}

int prl_config_set(struct prl_nl *nl, const struct prl_config *cfg)
{
	if (!cfg->mask)
		return prl_nl_fail(nl, -EINVAL);
	return nl->ops->config_set(nl, cfg);
}
