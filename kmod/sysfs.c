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

enum prelay_sysfs_kind {
	PRELAY_SYSFS_FWD_PACKETS,
	PRELAY_SYSFS_FWD_BYTES,
	PRELAY_SYSFS_DROP,
	PRELAY_SYSFS_PASS,
	PRELAY_SYSFS_DELETED,
	PRELAY_SYSFS_CONNECTING,
	PRELAY_SYSFS_OPEN,
	PRELAY_SYSFS_SOCKETS,
	PRELAY_SYSFS_CREATED,
};

struct prelay_sysfs_attr {
	struct kobj_attribute kattr;
	enum prelay_sysfs_kind kind;
	unsigned int index;
};

static struct kobject *prelay_kobj;
static struct prelay_sysfs_attr *prelay_attrs;
static struct attribute **prelay_attr_ptrs;
static unsigned int prelay_n_attrs;
static struct attribute_group prelay_stats_group = { .name = "stats" };

static u64 prelay_sysfs_value(const struct prelay_stats *st,
			  const struct prelay_sysfs_attr *a)
{
	switch (a->kind) {
	case PRELAY_SYSFS_FWD_PACKETS:
		return st->fwd_packets[a->index];
	case PRELAY_SYSFS_FWD_BYTES:
		return st->fwd_bytes[a->index];
	case PRELAY_SYSFS_DROP:
		return st->drops[a->index];
	case PRELAY_SYSFS_PASS:
		return st->passes[a->index];
	case PRELAY_SYSFS_DELETED:
		return st->sessions_deleted[a->index];
	case PRELAY_SYSFS_CONNECTING:
		return st->sessions_connecting;
	case PRELAY_SYSFS_OPEN:
		return st->sessions_open;
	case PRELAY_SYSFS_SOCKETS:
		return st->sockets;
	case PRELAY_SYSFS_CREATED:
		return st->sessions_created;
	}
	return 0;
}

static ssize_t prelay_sysfs_show(struct kobject *kobj, struct kobj_attribute *kattr,
			     char *buf)
{
	struct prelay_sysfs_attr *a = container_of(kattr, struct prelay_sysfs_attr, kattr);
	struct prelay_stats st;

	prelay_stats_read(prelay_instance_get(&init_net), &st);
	return sysfs_emit(buf, "%llu\n", prelay_sysfs_value(&st, a));
}

static int prelay_sysfs_add(enum prelay_sysfs_kind kind, unsigned int index,
			const char *fmt, const char *a, const char *b)
{
	struct prelay_sysfs_attr *attr = &prelay_attrs[prelay_n_attrs];
	const char *name = kasprintf(GFP_KERNEL, fmt, a, b);

	if (!name)
		return -ENOMEM;
	sysfs_attr_init(&attr->kattr.attr);
	attr->kattr.attr.name = name;
	attr->kattr.attr.mode = 0444;
	attr->kattr.show = prelay_sysfs_show;
	attr->kind = kind;
	attr->index = index;
	prelay_attr_ptrs[prelay_n_attrs++] = &attr->kattr.attr;
	return 0;
}

static void prelay_sysfs_free(void)
{
	unsigned int i;

	for (i = 0; i < prelay_n_attrs; i++)
		kfree(prelay_attrs[i].kattr.attr.name);
	kfree(prelay_attrs);
	kfree(prelay_attr_ptrs);
	prelay_n_attrs = 0;
}

static int prelay_sysfs_build(void)
{
	unsigned int max = 8 + __PEER_RELAY_DROP_MAX + __PEER_RELAY_PASS_MAX +
			   __PEER_RELAY_DEL_MAX + 4;
	unsigned int i;
	int err = 0;

	prelay_attrs = kcalloc(max, sizeof(*prelay_attrs), GFP_KERNEL);
	prelay_attr_ptrs = kcalloc(max + 1, sizeof(*prelay_attr_ptrs), GFP_KERNEL);
	if (!prelay_attrs || !prelay_attr_ptrs)
		return -ENOMEM;

	for (i = 0; i < 4 && !err; i++) {
		err = prelay_sysfs_add(PRELAY_SYSFS_FWD_PACKETS, i, "forwarded_packets_%s_%s",
				   prelay_af_pair_names[i][0], prelay_af_pair_names[i][1]);
		if (!err)
			err = prelay_sysfs_add(PRELAY_SYSFS_FWD_BYTES, i, "forwarded_bytes_%s_%s",
					   prelay_af_pair_names[i][0], prelay_af_pair_names[i][1]);
	}
	for (i = 1; i < __PEER_RELAY_DROP_MAX && !err; i++)
		err = prelay_sysfs_add(PRELAY_SYSFS_DROP, i, "dropped_%s%s", prelay_drop_names[i], "");
	for (i = 1; i < __PEER_RELAY_PASS_MAX && !err; i++)
		err = prelay_sysfs_add(PRELAY_SYSFS_PASS, i, "passed_%s%s", prelay_pass_names[i], "");
	for (i = 1; i < __PEER_RELAY_DEL_MAX && !err; i++)
		err = prelay_sysfs_add(PRELAY_SYSFS_DELETED, i, "deleted_%s%s", prelay_del_names[i], "");
	if (!err)
		err = prelay_sysfs_add(PRELAY_SYSFS_CONNECTING, 0, "sessions_connecting%s%s", "", "");
	if (!err)
		err = prelay_sysfs_add(PRELAY_SYSFS_OPEN, 0, "sessions_open%s%s", "", "");
	if (!err)
		err = prelay_sysfs_add(PRELAY_SYSFS_SOCKETS, 0, "sockets%s%s", "", "");
	if (!err)
		err = prelay_sysfs_add(PRELAY_SYSFS_CREATED, 0, "sessions_created%s%s", "", "");
	prelay_stats_group.attrs = prelay_attr_ptrs;
	return err;
}

/**
 * prelay_sysfs_init() - create /sys/kernel/peer_relay/stats/
 *
 * Return: 0 or a negative errno.
 */
int prelay_sysfs_init(void)
{
	int err;

	err = prelay_sysfs_build();
	if (err)
		goto err_free;
	prelay_kobj = kobject_create_and_add("peer_relay", kernel_kobj);
	if (!prelay_kobj) {
		err = -ENOMEM;
		goto err_free;
	}
	err = sysfs_create_group(prelay_kobj, &prelay_stats_group);
	if (err)
		goto err_put;
	return 0;

err_put:
	kobject_put(prelay_kobj);
err_free:
	prelay_sysfs_free();
	return err;
}

/**
 * prelay_sysfs_exit() - remove /sys/kernel/peer_relay/
 */
void prelay_sysfs_exit(void)
{
	sysfs_remove_group(prelay_kobj, &prelay_stats_group);
	kobject_put(prelay_kobj);
	prelay_sysfs_free();
}
