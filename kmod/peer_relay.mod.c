#include <linux/module.h>
#define INCLUDE_VERMAGIC
#include <linux/build-salt.h>
#include <linux/elfnote-lto.h>
#include <linux/export-internal.h>
#include <linux/vermagic.h>
#include <linux/compiler.h>

BUILD_SALT;
BUILD_LTO_INFO;

MODULE_INFO(vermagic, VERMAGIC_STRING);
MODULE_INFO(name, KBUILD_MODNAME);

__visible struct module __this_module
__section(".gnu.linkonce.this_module") = {
	.name = KBUILD_MODNAME,
	.init = init_module,
#ifdef CONFIG_MODULE_UNLOAD
	.exit = cleanup_module,
#endif
	.arch = MODULE_ARCH_INIT,
};

#ifdef CONFIG_RETPOLINE
MODULE_INFO(retpoline, "Y");
#endif


static const struct modversion_info ____versions[]
__used __section("__versions") = {
	{ 0xd0d156e9, "__rht_bucket_nested" },
	{ 0x38abe93d, "skb_copy_bits" },
	{ 0x8d522714, "__rcu_read_lock" },
	{ 0x7f02188f, "__msecs_to_jiffies" },
	{ 0x179c571e, "ip6_dst_hoplimit" },
	{ 0x6ebe366f, "ktime_get_mono_fast_ns" },
	{ 0xce843816, "consume_skb" },
	{ 0xc5b6f236, "queue_work_on" },
	{ 0x9b489671, "nla_put_64bit" },
	{ 0x48d88a2c, "__SCT__preempt_schedule" },
	{ 0x53569707, "this_cpu_off" },
	{ 0xf68c4ed6, "udp_tunnel6_xmit_skb" },
	{ 0xffcbde5b, "genlmsg_put" },
	{ 0x37a0cba, "kfree" },
	{ 0xcb2afe84, "kernel_kobj" },
	{ 0x4b5acf74, "rhashtable_init" },
	{ 0x8fa5a1b1, "ip_route_output_flow" },
	{ 0x7e617684, "kmem_cache_create" },
	{ 0xb19a5453, "__per_cpu_offset" },
	{ 0xba8fbd64, "_raw_spin_lock" },
	{ 0xbdfb6dbb, "__fentry__" },
	{ 0xe783e261, "sysfs_emit" },
	{ 0xf8cd040b, "pskb_expand_head" },
	{ 0x59c7a6b2, "register_pernet_subsys" },
	{ 0x65487097, "__x86_indirect_thunk_rax" },
	{ 0x92997ed8, "_printk" },
	{ 0xe6d2458e, "do_trace_netlink_extack" },
	{ 0xa19b956, "__stack_chk_fail" },
	{ 0x296695f, "refcount_warn_saturate" },
	{ 0xb2fcb56d, "queue_delayed_work_on" },
	{ 0xf0906b73, "netlink_broadcast" },
	{ 0x1eb9ab54, "__alloc_skb" },
	{ 0x549dfa15, "kmem_cache_alloc" },
	{ 0x599fb41c, "kvmalloc_node" },
	{ 0x68f31cbd, "__list_add_valid" },
	{ 0xa1194a8a, "fput" },
	{ 0xe25beddd, "init_net" },
	{ 0x92a28a0a, "ipv6_stub" },
	{ 0x6091797f, "synchronize_rcu" },
	{ 0x2469810f, "__rcu_read_unlock" },
	{ 0xc9119dac, "netlink_unicast" },
	{ 0xa85a3e6d, "xa_load" },
	{ 0x65feaec3, "sk_free" },
	{ 0xed89811, "kfree_skb_reason" },
	{ 0xb04a43ad, "__xa_alloc_cyclic" },
	{ 0x4dfa8d4b, "mutex_lock" },
	{ 0xaffab678, "kmem_cache_free" },
	{ 0x1468be11, "nla_put" },
	{ 0xf74bb274, "mod_delayed_work_on" },
	{ 0x53a1e8d9, "_find_next_bit" },
	{ 0x449ad0a7, "memcmp" },
	{ 0x645c2937, "lock_sock_nested" },
	{ 0x16f71312, "sysfs_create_group" },
	{ 0xe1537255, "__list_del_entry_valid" },
	{ 0x3c3fce39, "__local_bh_enable_ip" },
	{ 0xcefb0c9f, "__mutex_init" },
	{ 0x37befc70, "jiffies_to_msecs" },
	{ 0xf44ea91, "unregister_pernet_subsys" },
	{ 0x9e683f75, "__cpu_possible_mask" },
	{ 0xb202f0d7, "rht_bucket_nested_insert" },
	{ 0x5b8239ca, "__x86_return_thunk" },
	{ 0xf1db1704, "nla_memcpy" },
	{ 0x17de3d5, "nr_cpu_ids" },
	{ 0x2cd3f882, "netif_rx" },
	{ 0x2a5ea9ef, "rhashtable_destroy" },
	{ 0xfb384d37, "kasprintf" },
	{ 0x18d2bec4, "setup_udp_tunnel_sock" },
	{ 0xe4262c6, "__siphash_unaligned" },
	{ 0xab068b81, "kobject_create_and_add" },
	{ 0x77c2be96, "skb_trim" },
	{ 0xc9ec4e21, "free_percpu" },
	{ 0x15ba50a6, "jiffies" },
	{ 0x56fdcb1a, "skb_scrub_packet" },
	{ 0x7dcf4135, "__xa_insert" },
	{ 0x745a981, "xa_erase" },
	{ 0x96e6f231, "sysfs_remove_group" },
	{ 0xe0313d71, "rhashtable_insert_slow" },
	{ 0x4629334c, "__preempt_count" },
	{ 0x28aa6a67, "call_rcu" },
	{ 0x3213f038, "mutex_unlock" },
	{ 0x9fa7184a, "cancel_delayed_work_sync" },
	{ 0xc6f46339, "init_timer_key" },
	{ 0xd9491c14, "xa_destroy" },
	{ 0x8fa25c24, "xa_find" },
	{ 0x949f7342, "__alloc_percpu" },
	{ 0x14537da, "udp_tunnel_xmit_skb" },
	{ 0xffeedf6a, "delayed_work_timer_fn" },
	{ 0x8d9a7d6e, "dst_release" },
	{ 0x70002fe8, "siphash_1u32" },
	{ 0xc07351b3, "__SCT__cond_resched" },
	{ 0x41ed3709, "get_random_bytes" },
	{ 0xab93a5c2, "genl_unregister_family" },
	{ 0xdf36914b, "xa_find_after" },
	{ 0x606e9d01, "kmalloc_trace" },
	{ 0x60a13e90, "rcu_barrier" },
	{ 0x581e2394, "__nla_parse" },
	{ 0x7aa1756e, "kvfree" },
	{ 0x9ec07055, "genl_register_family" },
	{ 0xb5b54b34, "_raw_spin_unlock" },
	{ 0xe784202e, "netlink_has_listeners" },
	{ 0xf2c45d92, "sockfd_lookup" },
	{ 0xb7f990e9, "rht_bucket_nested" },
	{ 0x4fb18f8e, "__skb_gso_segment" },
	{ 0xe2c17b5d, "__SCT__might_resched" },
	{ 0x7a7caba8, "kmalloc_caches" },
	{ 0x137065ed, "kmem_cache_destroy" },
	{ 0xadcc25da, "release_sock" },
	{ 0x2d3385d3, "system_wq" },
	{ 0x176238f7, "kobject_put" },
	{ 0x9060323f, "module_layout" },
};

MODULE_INFO(depends, "ip6_udp_tunnel,udp_tunnel");


MODULE_INFO(srcversion, "88AED273DD02ED5EFA625DE");
