// SPDX-License-Identifier: GPL-2.0-only
/*
 * Expiry of sessions whose bind window (not bound by both sides) or idle
 * lifetime (either side silent) ran out, in O(sessions that come due).
 *
 * Each session sits on one list of a wheel of PRELAY_EXPIRY_SLOTS lists,
 * the one of the time slot its deadline falls in (a slot is a power of two
 * of jiffies, at most a tenth of the shorter lifetime). The worker wakes
 * at the end of each slot and looks only at the sessions of the slots that
 * ended: a session is deleted if its deadline passed, otherwise (the
 * fast path moved its idle deadline on by forwarding, without touching the
 * wheel) it moves to the slot of its current deadline. A session is thus
 * looked at once per lifetime at most, never per period; deadlines
 * further away than the wheel spans are parked in its last slot and looked
 * at again from there. Removal happens at most one slot after the deadline.
 *
 * The worker holds inst->lock for at most PRELAY_EXPIRY_BATCH sessions at
 * a time, so allocation and bind never wait long behind it.
 */
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <peer_relay/expiry.h>

#include "expiry.h"
#include "session.h"

#define PRELAY_EXPIRY_SLOTS 1024	/* power of two */
#define PRELAY_EXPIRY_BATCH 64		/* sessions per hold of inst->lock */

/* Slot length (log2 jiffies): at most the period of the old full scan. */
static unsigned int prelay_expiry_shift(const struct prelay_config *cfg)
{
	unsigned long j = msecs_to_jiffies(prelay_expiry_period_ms(cfg->bind_lifetime_ms,
								   cfg->idle_lifetime_ms));

	return j > 1 ? ilog2(j) : 0;
}

/* The slot @t (jiffies) falls in. */
static unsigned long prelay_expiry_slot_of(const struct prelay_instance *inst,
					   unsigned long t)
{
	return t >> inst->exp_shift;
}

/*
 * The jiffies after which @s is expired: where prelay_expiry_decide()
 * turns true. Context: inst->lock held.
 */
static unsigned long prelay_session_deadline(const struct prelay_instance *inst,
					     const struct prelay_session *s)
{
	unsigned long ls0, ls1;

	if (!prelay_session_is_open(s))
		return s->created + msecs_to_jiffies(inst->config.bind_lifetime_ms);
	ls0 = READ_ONCE(s->ep[0].last_seen);
	ls1 = READ_ONCE(s->ep[1].last_seen);
	return (time_before(ls0, ls1) ? ls0 : ls1) +
	       msecs_to_jiffies(inst->config.idle_lifetime_ms);
}

/* The rule shared with relayd's userspace plane (include/peer_relay/). */
static enum peer_relay_del_reason prelay_session_expired(const struct prelay_instance *inst,
							 const struct prelay_session *s,
							 unsigned long now)
{
	return prelay_expiry_decide(prelay_session_is_open(s), now, s->created,
				    READ_ONCE(s->ep[0].last_seen),
				    READ_ONCE(s->ep[1].last_seen),
				    msecs_to_jiffies(inst->config.bind_lifetime_ms),
				    msecs_to_jiffies(inst->config.idle_lifetime_ms));
}

/*
 * Put @s on the list of the slot of its deadline, within the slots the
 * worker has not looked at yet ([exp_next, exp_next + SLOTS - 2]; the
 * slot just before exp_next may still be being emptied).
 */
static void prelay_expiry_place(struct prelay_instance *inst, struct prelay_session *s)
{
	unsigned long slot = prelay_expiry_slot_of(inst, prelay_session_deadline(inst, s));
	unsigned long next = inst->exp_next;

	if ((long)(slot - next) < 0)
		slot = next;
	else if (slot - next > PRELAY_EXPIRY_SLOTS - 2)
		slot = next + PRELAY_EXPIRY_SLOTS - 2;
	hlist_add_head(&s->exp_node,
		       &inst->exp_slots[slot & (PRELAY_EXPIRY_SLOTS - 1)]);
}

/* Wake the worker at the end of slot exp_next, unless already pending. */
static void prelay_expiry_schedule(struct prelay_instance *inst)
{
	unsigned long due = (inst->exp_next + 1) << inst->exp_shift;
	unsigned long now = jiffies;

	if (inst->n_sessions && !inst->dying)
		schedule_delayed_work(&inst->expiry,
				      time_after(due, now) ? due - now : 0);
}

/* Take @s off the wheel: deleted if expired at @now, else placed again. */
static void prelay_expiry_recheck(struct prelay_instance *inst, struct prelay_session *s,
				  unsigned long now)
{
	enum peer_relay_del_reason reason;

	hlist_del_init(&s->exp_node);
	reason = prelay_session_expired(inst, s, now);
	if (reason)
		prelay_session_delete(inst, s, reason);
	else
		prelay_expiry_place(inst, s);
}

/*
 * Look at every session of slot @slot's list: delete or move it on.
 * Returns false if the instance is going away or the wheel was re-sorted
 * (new lifetimes: slot numbers changed) while the lock was dropped.
 * Context: inst->lock held, exp_next == @slot + 1; dropped and taken
 * again every PRELAY_EXPIRY_BATCH sessions.
 */
static bool prelay_expiry_slot(struct prelay_instance *inst, unsigned long slot,
			       unsigned long now, unsigned int *done)
{
	struct hlist_head *head = &inst->exp_slots[slot & (PRELAY_EXPIRY_SLOTS - 1)];
	struct prelay_session *s;

	/* Every session taken off leaves the list: it is deleted or placed
	 * in a later slot (exp_next is past @slot), so this ends.
	 */
	while (!hlist_empty(head)) {
		s = hlist_entry(head->first, struct prelay_session, exp_node);
		prelay_expiry_recheck(inst, s, now);
		if (++*done < PRELAY_EXPIRY_BATCH)
			continue;
		*done = 0;
		mutex_unlock(&inst->lock);
		cond_resched();
		mutex_lock(&inst->lock);
		if (inst->dying || inst->exp_next != slot + 1)
			return false;
	}
	return true;
}

static void prelay_expiry_work(struct work_struct *work)
{
	struct prelay_instance *inst = container_of(to_delayed_work(work),
						    struct prelay_instance, expiry);
	unsigned int done = 0, n = 0;
	unsigned long now, cur, slot;

	mutex_lock(&inst->lock);
	now = jiffies;
	cur = prelay_expiry_slot_of(inst, now);
	/* Slots before the current one have ended; each list once at most. */
	while (!inst->dying && (long)(cur - inst->exp_next) > 0 &&
	       n++ < PRELAY_EXPIRY_SLOTS) {
		slot = inst->exp_next++;
		if (!prelay_expiry_slot(inst, slot, now, &done))
			break;
	}
	if (n > PRELAY_EXPIRY_SLOTS && (long)(cur - inst->exp_next) > 0)
		inst->exp_next = cur;	/* far behind: every list was seen */
	prelay_expiry_schedule(inst);
	mutex_unlock(&inst->lock);
}

/**
 * prelay_expiry_init() - prepare the expiry wheel and worker of an instance
 * @inst: relay instance, its config set
 *
 * Return: 0 or -ENOMEM.
 */
int prelay_expiry_init(struct prelay_instance *inst)
{
	unsigned int i;

	INIT_DELAYED_WORK(&inst->expiry, prelay_expiry_work);
	inst->exp_slots = kvmalloc_array(PRELAY_EXPIRY_SLOTS, sizeof(*inst->exp_slots),
					 GFP_KERNEL_ACCOUNT);
	if (!inst->exp_slots)
		return -ENOMEM;
	for (i = 0; i < PRELAY_EXPIRY_SLOTS; i++)
		INIT_HLIST_HEAD(&inst->exp_slots[i]);
	inst->exp_shift = prelay_expiry_shift(&inst->config);
	inst->exp_next = prelay_expiry_slot_of(inst, jiffies);
	return 0;
}

/**
 * prelay_expiry_add() - track a new session (already counted in n_sessions)
 * @inst: relay instance
 * @s: the session
 *
 * Context: inst->lock held.
 */
void prelay_expiry_add(struct prelay_instance *inst, struct prelay_session *s)
{
	lockdep_assert_held(&inst->lock);
	if (inst->n_sessions == 1)	/* the wheel was idle: start at now */
		inst->exp_next = prelay_expiry_slot_of(inst, jiffies);
	prelay_expiry_place(inst, s);
	prelay_expiry_schedule(inst);
}

/**
 * prelay_expiry_opened() - a session got bound on both sides
 * @inst: relay instance
 * @s: the session, now subject to the idle lifetime instead of the bind one
 *
 * Context: inst->lock held.
 */
void prelay_expiry_opened(struct prelay_instance *inst, struct prelay_session *s)
{
	lockdep_assert_held(&inst->lock);
	hlist_del_init(&s->exp_node);
	prelay_expiry_place(inst, s);
}

/**
 * prelay_expiry_del() - stop tracking a session
 * @inst: relay instance
 * @s: the session being deleted
 *
 * Context: inst->lock held.
 */
void prelay_expiry_del(struct prelay_instance *inst, struct prelay_session *s)
{
	lockdep_assert_held(&inst->lock);
	hlist_del_init(&s->exp_node);
}

/**
 * prelay_expiry_reconfigure() - the lifetimes changed: sort every session again
 * @inst: relay instance
 *
 * Deadlines and the slot length change with the lifetimes, so every
 * session is looked at (O(sessions), once per configuration change):
 * those past their new deadline are deleted now, the others placed anew.
 *
 * Context: inst->lock held.
 */
void prelay_expiry_reconfigure(struct prelay_instance *inst)
{
	struct prelay_session *s;
	struct hlist_node *tmp;
	HLIST_HEAD(all);
	unsigned long now = jiffies;
	unsigned int i, n = 0;

	lockdep_assert_held(&inst->lock);
	for (i = 0; i < PRELAY_EXPIRY_SLOTS; i++) {
		hlist_for_each_entry_safe(s, tmp, &inst->exp_slots[i], exp_node) {
			hlist_del(&s->exp_node);
			hlist_add_head(&s->exp_node, &all);
		}
	}
	inst->exp_shift = prelay_expiry_shift(&inst->config);
	inst->exp_next = prelay_expiry_slot_of(inst, now);
	hlist_for_each_entry_safe(s, tmp, &all, exp_node) {
		prelay_expiry_recheck(inst, s, now);
		if (!(++n % 4096))
			cond_resched();
	}
	if (inst->n_sessions && !inst->dying)
		mod_delayed_work(system_wq, &inst->expiry,
				 ((inst->exp_next + 1) << inst->exp_shift) - now);
}

/**
 * prelay_expiry_stop() - stop the worker for good and free the wheel
 * @inst: relay instance, marked dying and emptied under inst->lock
 */
void prelay_expiry_stop(struct prelay_instance *inst)
{
	cancel_delayed_work_sync(&inst->expiry);
	kvfree(inst->exp_slots);
	inst->exp_slots = NULL;
}
