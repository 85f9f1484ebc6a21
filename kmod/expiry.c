// SPDX-License-Identifier: GPL-2.0-only
/*
 * One delayed work per instance scans the sessions and deletes those whose
 * bind window (not bound by both sides) or idle lifetime (either side
 * silent) ran out. It runs only while sessions exist, at a tenth of the
 * shorter lifetime, so removal happens within ~10% of the configured time.
 */
#include <linux/jiffies.h>
#include <peer_relay/expiry.h>

#include "expiry.h"
#include "session.h"

static unsigned long prelay_expiry_period(const struct prelay_config *cfg)
{
	return msecs_to_jiffies(prelay_expiry_period_ms(cfg->bind_lifetime_ms,
							cfg->idle_lifetime_ms));
}

static enum peer_relay_del_reason prelay_session_expired(const struct prelay_session *s,
						     unsigned long now,
						     unsigned long bind_j,
						     unsigned long idle_j)
{
	return prelay_expiry_decide(prelay_session_is_open(s), now, s->created,
				    READ_ONCE(s->ep[0].last_seen),
				    READ_ONCE(s->ep[1].last_seen),
				    bind_j, idle_j);
}

static void prelay_expiry_work(struct work_struct *work)
{
	struct prelay_instance *inst = container_of(to_delayed_work(work),
						struct prelay_instance, expiry);
	enum peer_relay_del_reason reason;
	unsigned long bind_j, idle_j, now;
	struct prelay_session *s;
	unsigned long vni;

	mutex_lock(&inst->lock);
	bind_j = msecs_to_jiffies(inst->config.bind_lifetime_ms);
	idle_j = msecs_to_jiffies(inst->config.idle_lifetime_ms);
	now = jiffies;
	xa_for_each(&inst->sessions, vni, s) {
		reason = prelay_session_expired(s, now, bind_j, idle_j);
		if (reason)
			prelay_session_delete(inst, s, reason);
		cond_resched();
	}
	if (inst->n_sessions && !inst->dying)
		schedule_delayed_work(&inst->expiry,
				      prelay_expiry_period(&inst->config));
	mutex_unlock(&inst->lock);
}

/**
 * prelay_expiry_init() - prepare the expiry worker of an instance
 * @inst: relay instance
 */
void prelay_expiry_init(struct prelay_instance *inst)
{
	INIT_DELAYED_WORK(&inst->expiry, prelay_expiry_work);
}

/**
 * prelay_expiry_kick() - make sure the scan is scheduled while sessions exist
 * @inst: relay instance
 *
 * A pending scan is left alone so that a stream of new sessions cannot
 * postpone it forever.
 *
 * Context: inst->lock held.
 */
void prelay_expiry_kick(struct prelay_instance *inst)
{
	lockdep_assert_held(&inst->lock);
	if (inst->n_sessions && !inst->dying)
		schedule_delayed_work(&inst->expiry,
				      prelay_expiry_period(&inst->config));
}

/**
 * prelay_expiry_reconfigure() - rescan now because the lifetimes changed
 * @inst: relay instance
 *
 * Context: inst->lock held.
 */
void prelay_expiry_reconfigure(struct prelay_instance *inst)
{
	lockdep_assert_held(&inst->lock);
	if (inst->n_sessions && !inst->dying)
		mod_delayed_work(system_wq, &inst->expiry, 0);
}

/**
 * prelay_expiry_stop() - stop the worker for good
 * @inst: relay instance, already marked dying under inst->lock
 */
void prelay_expiry_stop(struct prelay_instance *inst)
{
	cancel_delayed_work_sync(&inst->expiry);
}
