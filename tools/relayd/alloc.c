// SPDX-License-Identifier: GPL-2.0-only
/* In-band AllocateUDPRelayEndpoint request/response (our extension). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "alloc.h"
#include "readfile.h"
#include "tables.h"
#include "../lib/keyfile.h"

/* By value: one designator, then the names in the enum's order. */
static const char *const prl_alloc_result_names[] = {
	[PRL_ALLOC_OK] = "ok", "drop_bad_frame", "drop_not_granted",
	"drop_auth", "drop_parse", "drop_bad_type", "drop_version",
	"drop_not_client", "drop_server_key", "drop_same_keys",
	"drop_not_ready", "drop_amplification",
};
PRL_DEFINE_NAME_FN(prl_alloc_result_name, enum prl_alloc_result,
		   prl_alloc_result_names, __PRL_ALLOC_RESULT_MAX)

/* ---- grants ---- */

bool prl_grants_contains(const struct prl_grants *g,
			const uint8_t key[PRL_KEY_LEN])
{
	size_t i;

	if (!g)
		return false;
	for (i = 0; i < g->n; i++)
		if (!prl_key_cmp(g->keys[i], key))
			return true;
	return false;
}

void prl_grants_free(struct prl_grants *g)
{
	free(g->keys);
	g->keys = NULL;
	g->n = 0;
}

int prl_grants_parse(const char *text, size_t len, struct prl_grants *g,
		    char *err, size_t errlen)
{
	size_t pos = 0, cap = 0, lineno = 0;
	char line[256];

	g->n = 0;
	g->keys = NULL;
	while (pos < len) {
		size_t end = pos, l;
		uint8_t key[PRL_KEY_LEN];
		char *hash;

		while (end < len && text[end] != '\n')
			end++;
		lineno++;
		l = end - pos;
		if (l >= sizeof(line)) {
			snprintf(err, errlen, "line %zu: too long", lineno);
			goto fail;
		}
		memcpy(line, text + pos, l);
		line[l] = '\0';
		pos = end + 1;
		if (memchr(line, '\0', l)) {
			snprintf(err, errlen, "line %zu: NUL byte", lineno);
			goto fail;
		}
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		if (strspn(line, " \t\r\v\f") == strlen(line))
			continue;
		if (prl_key_from_hex(line, key) != 0) {
			snprintf(err, errlen,
				 "line %zu: not a 64-hex-digit key", lineno);
			goto fail;
		}
		if (prl_grants_contains(g, key))
			continue;
		if (g->n == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			void *nk = realloc(g->keys, ncap * PRL_KEY_LEN);

			if (!nk) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
			g->keys = nk;
			cap = ncap;
		}
		memcpy(g->keys[g->n++], key, PRL_KEY_LEN);
	}
	return 0;
fail:
	prl_grants_free(g);
	return -1;
}

int prl_grants_load(const char *path, struct prl_grants *g, char *err,
		   size_t errlen)
{
	char *buf;
	size_t len;
	int ret = prl_read_file(path, 16u << 20, &buf, &len);

	if (ret) {
		snprintf(err, errlen, "%s: %s", path,
			 ret == -EFBIG ? "too large" : strerror(-ret));
		free(buf);
		return -1;
	}
	ret = prl_grants_parse(buf, len, g, err, errlen);
	if (ret) {
		char tmp[256];

		snprintf(tmp, sizeof(tmp), "%s: %s", path, err);
		snprintf(err, errlen, "%s", tmp);
	}
	free(buf);
	return ret;
}

/* ---- requests and responses ---- */

int prl_alloc_ctx_init(struct prl_alloc_ctx *ctx,
		      const uint8_t priv[PRL_KEY_LEN],
		      const struct prl_grants *grants)
{
	memset(ctx, 0, sizeof(*ctx));
	memcpy(ctx->priv, priv, PRL_KEY_LEN);
	ctx->grants = grants;
	return prl_key_public(ctx->priv, ctx->pub);
}

void prl_alloc_ctx_wipe(struct prl_alloc_ctx *ctx)
{
	sodium_memzero(ctx, sizeof(*ctx));
}

static enum prl_alloc_result count(struct prl_alloc_ctx *ctx,
				  enum prl_alloc_result r)
{
	ctx->counters[r]++;
	return r;
}

enum prl_alloc_result prl_alloc_parse(struct prl_alloc_ctx *ctx,
				    const uint8_t *buf, size_t len,
				    struct prl_alloc_request *req)
{
	const struct prl_disco_alloc_req *ar;
	const uint8_t *sender;
	struct prl_disco_msg m;
	int cmp;

	memset(req, 0, sizeof(*req));
	sender = prl_disco_sender(buf, len);
	if (!sender || len < PRL_DISCO_OVERHEAD)
		return count(ctx, PRL_ALLOC_DROP_BAD_FRAME);
	if (!prl_grants_contains(ctx->grants, sender))
		return count(ctx, PRL_ALLOC_DROP_NOT_GRANTED);
	memcpy(req->sender, sender, PRL_KEY_LEN);
	if (!prl_key_cmp(sender, ctx->pub) ||
	    prl_disco_shared_key(req->shared, sender, ctx->priv) != 0)
		return count(ctx, PRL_ALLOC_DROP_SERVER_KEY);
	{
		uint8_t plain[PRL_DISCO_MAX_PLAIN];
		ssize_t n = prl_disco_open(buf, len, req->shared, plain,
					  sizeof(plain));

		if (n < 0)
			return count(ctx, len - PRL_DISCO_OVERHEAD >
				     PRL_DISCO_MAX_PLAIN ? PRL_ALLOC_DROP_PARSE :
				     PRL_ALLOC_DROP_AUTH);
		if (prl_disco_parse(plain, (size_t)n, &m) != 0)
			return count(ctx, PRL_ALLOC_DROP_PARSE);
	}
	if (m.type != PRL_DISCO_ALLOC_REQUEST)
		return count(ctx, PRL_ALLOC_DROP_BAD_TYPE);
	if (m.empty)
		return count(ctx, PRL_ALLOC_DROP_VERSION);
	ar = &m.u.alloc_req;
	if (prl_key_cmp(sender, ar->client_key[0]) &&
	    prl_key_cmp(sender, ar->client_key[1]))
		return count(ctx, PRL_ALLOC_DROP_NOT_CLIENT);
	if (!prl_key_cmp(ar->client_key[0], ctx->pub) ||
	    !prl_key_cmp(ar->client_key[1], ctx->pub))
		return count(ctx, PRL_ALLOC_DROP_SERVER_KEY);
	cmp = prl_key_cmp(ar->client_key[0], ar->client_key[1]);
	if (cmp == 0)
		return count(ctx, PRL_ALLOC_DROP_SAME_KEYS);
	memcpy(req->client_key[0], ar->client_key[cmp < 0 ? 0 : 1], PRL_KEY_LEN);
	memcpy(req->client_key[1], ar->client_key[cmp < 0 ? 1 : 0], PRL_KEY_LEN);
	req->generation = ar->generation;
	req->request_len = len;
	return count(ctx, PRL_ALLOC_OK);
}

static void add_addrport(struct prl_disco_endpoint *ep,
			 const struct prl_addrport *ap)
{
	size_t i;

	if (ep->n_addrports >= PRL_DISCO_MAX_ADDRPORTS)
		return;
	for (i = 0; i < ep->n_addrports; i++)
		if (!memcmp(ep->addrports[i].ip, ap->ip, 16) &&
		    ep->addrports[i].port == ap->port)
			return;
	ep->addrports[ep->n_addrports++] = *ap;
}

ssize_t prl_alloc_build_response(struct prl_alloc_ctx *ctx,
				 const struct prl_alloc_request *req,
				 const struct prl_alloc_session *sess,
				 const struct prl_addrport *eps, size_t n_eps,
				 uint8_t *out, size_t cap)
{
	struct prl_disco_msg m = { .type = PRL_DISCO_ALLOC_RESPONSE };
	struct prl_disco_endpoint *ep = &m.u.alloc_resp.ep;
	size_t i, resp_len;

	m.u.alloc_resp.generation = req->generation;
	memcpy(ep->server_key, ctx->pub, PRL_KEY_LEN);
	memcpy(ep->client_key, req->client_key, sizeof(ep->client_key));
	ep->lamport = sess->lamport;
	ep->vni = sess->vni;
	ep->bind_lifetime_ns = (int64_t)sess->bind_lifetime_ms * 1000000;
	ep->steady_lifetime_ns = (int64_t)sess->idle_lifetime_ms * 1000000;
	for (i = 0; i < n_eps; i++)
		add_addrport(ep, &eps[i]);
	if (ep->n_addrports == 0) {
		count(ctx, PRL_ALLOC_DROP_NOT_READY);
		return -1;
	}
	resp_len = PRL_DISCO_OVERHEAD + PRL_DISCO_MSG_HDR_LEN + 4 +
		   PRL_DISCO_EP_FIXED_LEN +
		   ep->n_addrports * PRL_DISCO_ADDRPORT_LEN;
	if (resp_len > req->request_len) {
		count(ctx, PRL_ALLOC_DROP_AMPLIFICATION);
		return -1;
	}
	return prl_disco_seal_msg(out, cap, ctx->pub, req->shared, &m);
}
