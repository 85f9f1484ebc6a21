// SPDX-License-Identifier: GPL-2.0-only
/*
 * One read-only file per counter of the initial namespace, for
 * node_exporter's textfile collector and plain `cat`. sysfs is not
 * namespace-aware; other namespaces read the same counters over netlink.
 * The file list is generated from include/peer_relay/names.h so the names
 * match relayctl's JSON keys and Prometheus labels.
 */
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <net/net_namespace.h>
#include <peer_relay/names.h>

#include "stats.h"
#include "sysfs.h"

enum pr_sysfs_kind {
	PR_SYSFS_FWD_PACKETS,
	PR_SYSFS_FWD_BYTES,
	PR_SYSFS_DROP,
	PR_SYSFS_PASS,
	PR_SYSFS_DELETED,
	PR_SYSFS_CONNECTING,
	PR_SYSFS_OPEN,
	PR_SYSFS_SOCKETS,
	PR_SYSFS_CREATED,
};

struct pr_sysfs_attr {
	struct kobj_attribute kattr;
	enum pr_sysfs_kind kind;
	unsigned int index;
};

static struct kobject *pr_kobj;
static struct pr_sysfs_attr *pr_attrs;
static struct attribute **pr_attr_ptrs;
static unsigned int pr_n_attrs;
static struct attribute_group pr_stats_group = { .name = "stats" };

static u64 pr_sysfs_value(const struct pr_stats *st,
			  const struct pr_sysfs_attr *a)
{
	switch (a->kind) {
	case PR_SYSFS_FWD_PACKETS:
		return st->fwd_packets[a->index];
	case PR_SYSFS_FWD_BYTES:
		return st->fwd_bytes[a->index];
	case PR_SYSFS_DROP:
		return st->drops[a->index];
	case PR_SYSFS_PASS:
		return st->passes[a->index];
	case PR_SYSFS_DELETED:
		return st->sessions_deleted[a->index];
	case PR_SYSFS_CONNECTING:
		return st->sessions_connecting;
	case PR_SYSFS_OPEN:
		return st->sessions_open;
	case PR_SYSFS_SOCKETS:
		return st->sockets;
	case PR_SYSFS_CREATED:
		return st->sessions_created;
	}
	return 0;
}

static ssize_t pr_sysfs_show(struct kobject *kobj, struct kobj_attribute *kattr,
			     char *buf)
{
	struct pr_sysfs_attr *a = container_of(kattr, struct pr_sysfs_attr, kattr);
	struct pr_stats st;

	pr_stats_read(pr_instance_get(&init_net), &st);
	return sysfs_emit(buf, "%llu\n", pr_sysfs_value(&st, a));
}

static int pr_sysfs_add(enum pr_sysfs_kind kind, unsigned int index,
			const char *fmt, const char *a, const char *b)
{
	struct pr_sysfs_attr *attr = &pr_attrs[pr_n_attrs];
	const char *name = kasprintf(GFP_KERNEL, fmt, a, b);

	if (!name)
		return -ENOMEM;
	sysfs_attr_init(&attr->kattr.attr);
	attr->kattr.attr.name = name;
	attr->kattr.attr.mode = 0444;
	attr->kattr.show = pr_sysfs_show;
	attr->kind = kind;
	attr->index = index;
	pr_attr_ptrs[pr_n_attrs++] = &attr->kattr.attr;
	return 0;
}

static void pr_sysfs_free(void)
{
	unsigned int i;

	for (i = 0; i < pr_n_attrs; i++)
		kfree(pr_attrs[i].kattr.attr.name);
	kfree(pr_attrs);
	kfree(pr_attr_ptrs);
	pr_n_attrs = 0;
}

static int pr_sysfs_build(void)
{
	unsigned int max = 8 + __PEER_RELAY_DROP_MAX + __PEER_RELAY_PASS_MAX +
			   __PEER_RELAY_DEL_MAX + 4;
	unsigned int i;
	int err = 0;

	pr_attrs = kcalloc(max, sizeof(*pr_attrs), GFP_KERNEL);
	pr_attr_ptrs = kcalloc(max + 1, sizeof(*pr_attr_ptrs), GFP_KERNEL);
	if (!pr_attrs || !pr_attr_ptrs)
		return -ENOMEM;

	for (i = 0; i < 4 && !err; i++) {
		err = pr_sysfs_add(PR_SYSFS_FWD_PACKETS, i, "forwarded_packets_%s_%s",
				   pr_af_pair_names[i][0], pr_af_pair_names[i][1]);
		if (!err)
			err = pr_sysfs_add(PR_SYSFS_FWD_BYTES, i, "forwarded_bytes_%s_%s",
					   pr_af_pair_names[i][0], pr_af_pair_names[i][1]);
	}
	for (i = 1; i < __PEER_RELAY_DROP_MAX && !err; i++)
		err = pr_sysfs_add(PR_SYSFS_DROP, i, "dropped_%s%s", pr_drop_names[i], "");
	for (i = 1; i < __PEER_RELAY_PASS_MAX && !err; i++)
		err = pr_sysfs_add(PR_SYSFS_PASS, i, "passed_%s%s", pr_pass_names[i], "");
	for (i = 1; i < __PEER_RELAY_DEL_MAX && !err; i++)
		err = pr_sysfs_add(PR_SYSFS_DELETED, i, "deleted_%s%s", pr_del_names[i], "");
	if (!err)
		err = pr_sysfs_add(PR_SYSFS_CONNECTING, 0, "sessions_connecting%s%s", "", "");
	if (!err)
		err = pr_sysfs_add(PR_SYSFS_OPEN, 0, "sessions_open%s%s", "", "");
	if (!err)
		err = pr_sysfs_add(PR_SYSFS_SOCKETS, 0, "sockets%s%s", "", "");
	if (!err)
		err = pr_sysfs_add(PR_SYSFS_CREATED, 0, "sessions_created%s%s", "", "");
	pr_stats_group.attrs = pr_attr_ptrs;
	return err;
}

/**
 * pr_sysfs_init() - create /sys/kernel/peer_relay/stats/
 *
 * Return: 0 or a negative errno.
 */
int pr_sysfs_init(void)
{
	int err;

	err = pr_sysfs_build();
	if (err)
		goto err_free;
	pr_kobj = kobject_create_and_add("peer_relay", kernel_kobj);
	if (!pr_kobj) {
		err = -ENOMEM;
		goto err_free;
	}
	err = sysfs_create_group(pr_kobj, &pr_stats_group);
	if (err)
		goto err_put;
	return 0;

err_put:
	kobject_put(pr_kobj);
err_free:
	pr_sysfs_free();
	return err;
}

/**
 * pr_sysfs_exit() - remove /sys/kernel/peer_relay/
 */
void pr_sysfs_exit(void)
{
	sysfs_remove_group(pr_kobj, &pr_stats_group);
	kobject_put(pr_kobj);
	pr_sysfs_free();
}
