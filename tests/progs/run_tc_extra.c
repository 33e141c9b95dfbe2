/* bpfvm run tests: the tc helpers beside the packet rewriting ones. VLAN tags
 * (skb_vlan_push/pop: the accelerated tag beside the packet, earlier tags
 * moved into it), queue_mapping writes with their 16-bit semantics, clone_redirect, redirect_neigh/redirect_peer (the target in the run
 * result), and the socket and netns cookies from tc, cgroup_skb and socket
 * filters and cgroup_sock_addr. What the programs see lands in the array `seen`, indexed as the
 * comments say. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

static __always_inline void put(__u32 k, __u64 v)
{
	bpf_map_update_elem(&seen, &k, &v, 0);
}

/* The tag state as one number: present << 32 | proto (as read) << 16 | tci. */
static __always_inline __u64 tag(struct __sk_buff *skb)
{
	return (__u64)skb->vlan_present << 32 | (__u64)(skb->vlan_proto & 0xffff) << 16 |
	       (skb->vlan_tci & 0xffff);
}

/* 0-3: tag after push 5, push 0x88a8/7, pop, pop; 4-7: their return codes;
 * 8: the length after all; 9: skb->protocol at the end. */
SEC("tc")
int tc_vlan(struct __sk_buff *skb)
{
	put(4, bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), 5));
	put(0, tag(skb));
	put(5, bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021AD), 7 | 0x2000));
	put(1, tag(skb));
	put(6, bpf_skb_vlan_pop(skb));
	put(2, tag(skb));
	put(7, bpf_skb_vlan_pop(skb));
	put(3, tag(skb));
	put(8, skb->len);
	put(9, skb->protocol);
	return TC_ACT_OK;
}

/* On a packet that carries its tags: 0: tag after one pop, 1: its code,
 * 2: length, 3: protocol; an unknown protocol given to push becomes 802.1Q (4). */
SEC("tc")
int tc_vlan_pop(struct __sk_buff *skb)
{
	put(1, bpf_skb_vlan_pop(skb));
	put(0, tag(skb));
	put(2, skb->len);
	put(3, skb->protocol);
	bpf_skb_vlan_pop(skb);
	bpf_skb_vlan_push(skb, 0x1234, 9);
	put(4, tag(skb));
	return TC_ACT_OK;
}

/* queue_mapping writes (a u16 in the kernel; 0xffff and above ignored):
 * 0-2: after writing the three u32 at packet offset 14, 3: after 7,
 * 4: after 0xffff, 5: after -1 (both constants), 6: the last write's input. */
/* Read again from the context, not forwarded by the compiler from the store. */
#define QM(skb) (*(volatile __u32 *)&(skb)->queue_mapping)

SEC("tc")
int tc_queue(struct __sk_buff *skb)
{
	__u32 v[3];

	if (bpf_skb_load_bytes(skb, 14, v, sizeof(v)))
		return TC_ACT_SHOT;
	*(volatile __u32 *)&skb->queue_mapping = v[0];
	put(0, QM(skb));
	*(volatile __u32 *)&skb->queue_mapping = v[1];
	put(1, QM(skb));
	*(volatile __u32 *)&skb->queue_mapping = v[2];
	put(2, QM(skb));
	*(volatile __u32 *)&skb->queue_mapping = 7;
	put(3, QM(skb));
	*(volatile __u32 *)&skb->queue_mapping = 0xffff;
	put(4, QM(skb));
	*(volatile __u32 *)&skb->queue_mapping = -1;
	put(5, QM(skb));
	put(6, v[2]);
	return TC_ACT_OK;
}

/* 0-3: clone_redirect to lo, into lo, to a device that does not exist, with
 * an unknown flag. */
SEC("tc")
int tc_clone(struct __sk_buff *skb)
{
	put(0, bpf_clone_redirect(skb, 1, 0));
	put(1, bpf_clone_redirect(skb, 1, BPF_F_INGRESS));
	put(2, bpf_clone_redirect(skb, 99, 0));
	put(3, bpf_clone_redirect(skb, 1, 2));
	return TC_ACT_OK;
}

SEC("tc")
int tc_neigh(struct __sk_buff *skb)
{
	return bpf_redirect_neigh(2, 0, 0, 0);
}

SEC("tc")
int tc_neigh_nh(struct __sk_buff *skb)
{
	struct bpf_redir_neigh nh = { .nh_family = 2 /* AF_INET */ };

	nh.ipv4_nh = bpf_htonl(0x0a0100fe);
	return bpf_redirect_neigh(3, &nh, sizeof(nh), 0);
}

/* 0: short params, 1: flags set (both TC_ACT_SHOT) */
SEC("tc")
int tc_neigh_bad(struct __sk_buff *skb)
{
	struct bpf_redir_neigh nh = { .nh_family = 2 };

	put(0, bpf_redirect_neigh(3, &nh, sizeof(nh) - 1, 0));
	put(1, bpf_redirect_neigh(3, 0, 0, 1));
	return bpf_redirect_peer(4, 1);
}

SEC("tc")
int tc_peer(struct __sk_buff *skb)
{
	return bpf_redirect_peer(4, 0);
}

/* 0, 1: the cookie asked twice; 2: the netns cookie. */
SEC("tc")
int tc_cookie(struct __sk_buff *skb)
{
	put(0, bpf_get_socket_cookie(skb));
	put(1, bpf_get_socket_cookie(skb));
	put(2, bpf_get_netns_cookie(skb));
	return TC_ACT_OK;
}

SEC("cgroup_skb/egress")
int cg_cookie(struct __sk_buff *skb)
{
	put(0, bpf_get_socket_cookie(skb));
	put(2, bpf_get_netns_cookie(skb));
	return 1;
}

SEC("socket")
int sf_cookie(struct __sk_buff *skb)
{
	put(0, bpf_get_socket_cookie(skb));
	return 0;
}

/* 0: the connecting socket's cookie, 2: the netns cookie by context, 3: by NULL. */
SEC("cgroup/connect4")
int sa_cookie(struct bpf_sock_addr *ctx)
{
	put(0, bpf_get_socket_cookie(ctx));
	put(2, bpf_get_netns_cookie(ctx));
	put(3, bpf_get_netns_cookie(0));
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
