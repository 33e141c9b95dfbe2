/* bpfvm run tests: growing and shrinking XDP packets. ipip_encap pushes an
 * outer IPv4 header (protocol 4, 192.0.2.1 -> 192.0.2.2, checksum computed)
 * between the Ethernet header and the packet with bpf_xdp_adjust_head;
 * ipip_decap pops it again. tail_trim cuts the packet to 60 bytes, tail_grow
 * appends a 4-byte trailer "TAIL". meta_mark puts 8 bytes of metadata in
 * front of the packet with bpf_xdp_adjust_meta and reads them back.
 * adjust_limits asks for changes beyond the buffer, which must all fail. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

static __always_inline __u16 ip_checksum(struct iphdr *ip)
{
	__u16 *p = (__u16 *)ip;
	__u32 sum = 0;

	ip->check = 0;
	for (int i = 0; i < 10; i++)
		sum += p[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

SEC("xdp")
int ipip_encap(struct xdp_md *ctx)
{
	void *data, *data_end;
	struct ethhdr *eth, old;
	struct iphdr *inner, *outer;
	__u16 inner_len;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	inner = (void *)(eth + 1);
	if ((void *)(inner + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	old = *eth;
	inner_len = bpf_ntohs(inner->tot_len);
	if (bpf_xdp_adjust_head(ctx, -(int)sizeof(struct iphdr)))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	outer = (void *)(eth + 1);
	if ((void *)(outer + 1) > data_end)
		return XDP_ABORTED;
	*eth = old;
	outer->version = 4;
	outer->ihl = 5;
	outer->tos = 0;
	outer->tot_len = bpf_htons(inner_len + sizeof(struct iphdr));
	outer->id = 0;
	outer->frag_off = bpf_htons(0x4000);
	outer->ttl = 64;
	outer->protocol = IPPROTO_IPIP;
	outer->saddr = bpf_htonl(0xc0000201);
	outer->daddr = bpf_htonl(0xc0000202);
	outer->check = ip_checksum(outer);
	return XDP_TX;
}

SEC("xdp")
int ipip_decap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data, old;
	struct iphdr *outer = (void *)(eth + 1);

	if ((void *)(outer + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    outer->protocol != IPPROTO_IPIP || outer->ihl != 5)
		return XDP_PASS;
	old = *eth;
	if (bpf_xdp_adjust_head(ctx, (int)sizeof(struct iphdr)))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	*eth = old;
	return XDP_TX;
}

SEC("xdp")
int tail_trim(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	int len = data_end - data;

	if (len <= 60)
		return XDP_PASS;
	if (bpf_xdp_adjust_tail(ctx, 60 - len))
		return XDP_ABORTED;
	return XDP_TX;
}

SEC("xdp")
int tail_grow(struct xdp_md *ctx)
{
	void *data, *data_end;
	__u32 len;
	char *t;

	if (bpf_xdp_adjust_tail(ctx, 4))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	len = data_end - data;
	if (len < 4)
		return XDP_ABORTED;
	/* The mask bounds the offset for the verifier; packets are < 16 KiB. */
	t = data + ((len - 4) & 0x3fff);
	if ((void *)(t + 4) > data_end)
		return XDP_ABORTED;
	t[0] = 'T';
	t[1] = 'A';
	t[2] = 'I';
	t[3] = 'L';
	return XDP_TX;
}

/* Returns 2 (XDP_PASS) when the metadata reads back; the metadata holds
 * 0x11223344 and the packet's first byte. */
SEC("xdp")
int meta_mark(struct xdp_md *ctx)
{
	void *data, *meta;
	__u32 *m;

	if (bpf_xdp_adjust_meta(ctx, -8))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	meta = (void *)(long)ctx->data_meta;
	m = meta;
	if ((void *)(m + 2) > data || data + 1 > (void *)(long)ctx->data_end)
		return XDP_ABORTED;
	m[0] = 0x11223344;
	m[1] = *(__u8 *)data;
	return m[0] == 0x11223344 ? XDP_PASS : XDP_DROP;
}

/* Each bit set is a request that should have failed but succeeded: growing
 * the head or tail beyond the buffer, shrinking below an Ethernet header,
 * metadata beyond the headroom or past the data. Returns 0 in Linux. */
SEC("xdp")
int adjust_limits(struct xdp_md *ctx)
{
	int r = 0;

	if (bpf_xdp_adjust_head(ctx, -4096) == 0)
		r |= 1;
	if (bpf_xdp_adjust_tail(ctx, 8192) == 0)
		r |= 2;
	if (bpf_xdp_adjust_tail(ctx, -4096) == 0)
		r |= 4;
	if (bpf_xdp_adjust_head(ctx, 4096) == 0)
		r |= 8;
	if (bpf_xdp_adjust_meta(ctx, -4096) == 0)
		r |= 16;
	if (bpf_xdp_adjust_meta(ctx, 4) == 0)
		r |= 32;
	return r;
}

char LICENSE[] SEC("license") = "GPL";
