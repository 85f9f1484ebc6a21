/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where the typed commands of nl.h go. Two backends answer them: the
 * module's generic netlink family (nl_kernel.c) and relayd's control
 * socket (ctl_client.c), which relayd serves only while it forwards in
 * userspace. prl_nl_open() or prl_ctl_connect() picks one; nl_cmd.c
 * checks the arguments once and calls it. Both report errors the same
 * way: a negative errno, and nl->last as the kernel's extack would be.
 */
#ifndef PRL_NL_BACKEND_H
#define PRL_NL_BACKEND_H

#include "nl.h"

struct prl_dump;

/* The session a delete or get names: its VNI, or its pair of keys. */
struct prl_session_ref {
	uint32_t vni;
	const uint8_t *key_a, *key_b;	/* NULL: by VNI */
};

/* SESSION_NEW: the pair, the VNI (NULL: the relay picks), the bindings. */
struct prl_session_spec {
	const uint8_t *key_a, *key_b;
	const uint32_t *vni;
	const struct prl_endpoint *at_a, *at_b;	/* NULL: unbound */
};

/*
 * The commands both answer. Only the module takes sockets (SOCK_ATTACH,
 * SOCK_DETACH) and replicas: those are netlink requests, which
 * prl_nl_request() refuses on relayd's connection.
 */
struct prl_nl_backend {
	int (*sock_get)(struct prl_nl *nl, uint32_t id,
			struct prl_sock_info *out);
	/* @attr: PEER_RELAY_A_SOCK or _SESSION. The count, or -errno. */
	int (*dump)(struct prl_nl *nl, int attr, struct prl_dump *d);
	int (*session_new)(struct prl_nl *nl, const struct prl_session_spec *s,
			   struct prl_session *out);
	int (*session_bind)(struct prl_nl *nl, uint32_t vni, unsigned int ep,
			    const struct prl_endpoint *remote,
			    const struct prl_addr *local);
	int (*session_del)(struct prl_nl *nl, const struct prl_session_ref *s);
	int (*session_get)(struct prl_nl *nl, const struct prl_session_ref *s,
			   struct prl_session *out);
	int (*session_flush)(struct prl_nl *nl);
	int (*stats_get)(struct prl_nl *nl, struct prl_stats *out);
	int (*config_get)(struct prl_nl *nl, struct prl_config *out);
	int (*config_set)(struct prl_nl *nl, const struct prl_config *cfg);
};

/*
 * A backend whose functions are named <prefix>_<member>: the member list
 * is written here once, and a backend that lacks one does not build.
 */
#define PRL_NL_BACKEND(prefix) {				\
	.sock_get	= prefix##_sock_get,			\
	.dump		= prefix##_dump,			\
	.session_new	= prefix##_session_new,			\
	.session_bind	= prefix##_session_bind,		\
	.session_del	= prefix##_session_del,			\
	.session_get	= prefix##_session_get,			\
	.session_flush	= prefix##_session_flush,		\
	.stats_get	= prefix##_stats_get,			\
	.config_get	= prefix##_config_get,			\
	.config_set	= prefix##_config_set,			\
}

extern const struct prl_nl_backend prl_nl_kernel;	/* nl_kernel.c */
extern const struct prl_nl_backend prl_nl_relayd;	/* ctl_client.c */

/* Record @err (a negative errno) as the last request's result; return it. */
int prl_nl_fail(struct prl_nl *nl, int err);

#endif /* PRL_NL_BACKEND_H */
