/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Session replication between relays (Documentation/replication.md).
 *
 * One thread, independent of the rest of relayd: it watches the kernel's
 * session events and dumps (its own netlink sockets), pushes them to the
 * configured sync peers while this relay is active, and installs what the
 * peers push (SESSION_NEW/SESSION_DEL with the REPLICA flag). The role
 * follows the service address that keepalived moves (sync-vip), or is
 * fixed (sync-role). Kernel data plane only.
 */
#ifndef RELAYD_SYNC_H
#define RELAYD_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "log.h"
#include "nl.h"

#define SYNC_MAX_PEERS		8
#define SYNC_DEFAULT_PORT	7002
#define SYNC_DEFAULT_REFRESH_MS	30000

enum sync_role {
	SYNC_ROLE_AUTO,		/* active while sync-vip is a local address */
	SYNC_ROLE_ACTIVE,
	SYNC_ROLE_STANDBY,
};

/* The sync-* settings (config file or command line). */
struct relayd_sync_opts {
	bool enabled;			/* sync-listen given */
	struct prl_endpoint listen;
	struct prl_endpoint peers[SYNC_MAX_PEERS];	/* allowlist + targets */
	unsigned int n_peers;
	char key_file[256];		/* sync-key; "": derived from the relay key */
	enum sync_role role;
	struct prl_addr vip;		/* SYNC_ROLE_AUTO */
	uint32_t refresh_ms;		/* full resync period while active */
	char name[65];			/* sent in AUTH, for the logs */
};

struct relayd_sync;

/*
 * One replication setting, from the config file or the command line (the
 * option's long name): sync-listen ADDR:PORT, sync-peer ADDR:PORT[,...]
 * (repeatable), sync-key FILE, sync-vip ADDR, sync-role active|standby,
 * sync-refresh MS, sync-name NAME; vni-range MIN-MAX goes into @rc.
 * Returns 0, 1 if @key is none of these, or -EINVAL for a bad value.
 */
int relayd_sync_setting(struct relayd_sync_opts *o, struct prl_config *rc,
			const char *key, const char *val);
/* Everything needed is there: a listen address, peers, a role source. */
int relayd_sync_check(const struct relayd_sync_opts *o, char *err, size_t n);

/*
 * Start the replication thread. @relay_key_file (may be NULL) gives the
 * sync key when o->key_file is NULL. 0 or -errno (logged).
 */
int relayd_sync_start(struct relayd_sync **out, const struct relayd_sync_opts *o,
		      const char *relay_key_file, const struct prl_log *log);
/* Stop and join the thread, close everything (NULL is fine). */
void relayd_sync_stop(struct relayd_sync *s);

#endif /* RELAYD_SYNC_H */
