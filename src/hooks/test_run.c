/* BPF_PROG_TEST_RUN: runs a program on a given packet and/or context, as
 * Linux's bpf_prog_test_run_xdp/_skb do, so that results compare one to one
 * with the kernel's: XDP frames get 256 bytes of headroom (of which Linux
 * reserves 40) and 320 of tailroom, metadata comes and goes as Linux's
 * xdp_md says; an skb has protocol and pkt_type set as eth_type_trans() would
 * on the loopback device, and only the fields Linux writes back come out.
 * One deliberate difference: socket filters see the packet from its Ethernet
 * header (issue 6), where Linux's test-run starts them at the IP header.
 * The tracing types run on the context given (see test_run_tracing), which
 * Linux offers for raw tracepoints only; so do cgroup_sock and sock_ops, which
 * Linux does not test-run at all.
 * The timed loop does nothing but call the program, on the same context each
 * time, as the kernel's does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec/prog_internal.h"
#include "hooks/fib.h"
#include "hooks/hook.h"
#include "progtype/ctx.h"
#include "util/error.h"

#define XDP_HEADROOM 256
#define XDP_TAILROOM 320
/* Linux's test-run frame is a page; larger packets need multi-buffer XDP. */
#define XDP_MIN_FRAME (4096 - XDP_HEADROOM - XDP_TAILROOM)
#define SKB_HEADROOM 66 /* NET_SKB_PAD + NET_IP_ALIGN */
#define ETH_HLEN 14
#define XDP_META_MAX 32
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86dd

#define PACKET_HOST 0
#define PACKET_BROADCAST 1
#define PACKET_MULTICAST 2
#define PACKET_OTHERHOST 3

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int copy_out(void *dst, uint32_t *cap, const void *src, uint32_t len, const char *what)
{
	uint32_t room = *cap;

	*cap = len;
	if (!dst)
		return 0;
	if (room < len) {
		memcpy(dst, src, room);
		return bpfvm_errorf(-ENOSPC, "%s of %u bytes does not fit in %u", what, len, room);
	}
	memcpy(dst, src, len);
	return 0;
}

static uint32_t run_repeat(struct bpfvm_prog *prog, void *ctx, struct bpfvm_run *run,
			   uint32_t repeat, struct bpfvm_test_run_opts *o)
{
	uint64_t start = now_ns();
	uint32_t ret = 0;

	for (uint32_t i = 0; i < repeat; i++) {
		run->tail_calls = 0;
		ret = (uint32_t)bpfvm_exec_run(prog->exec, ctx, run);
	}
	o->ns_per_run = (double)(now_ns() - start) / repeat;
	o->duration_ns = (uint64_t)o->ns_per_run;
	return ret;
}

static int check_ctx_in(const struct bpfvm_test_run_opts *o, uint32_t size, const char *type)
{
	if (o->ctx_in && o->ctx_size_in != size)
		return bpfvm_errorf(-EINVAL, "context of %u bytes, but %s takes %u",
				    o->ctx_size_in, type, size);
	return 0;
}

static int test_run_xdp(struct bpfvm_prog *prog, struct bpfvm_test_run_opts *o,
			struct bpfvm_run *run)
{
	uint32_t area = o->data_size_in > XDP_MIN_FRAME ? o->data_size_in : XDP_MIN_FRAME;
	struct bpfvm_xdp_ctx x = { 0 };
	uint8_t *buf;
	int err;

	uint32_t metalen = 0, end = o->data_size_in, ingress;

	if ((err = check_ctx_in(o, sizeof(x.md), "xdp")))
		return err;
	if (o->data_size_in < ETH_HLEN)
		return bpfvm_errorf(-EINVAL, "packet of %u bytes is shorter than an Ethernet "
				    "header", o->data_size_in);
	if (o->ctx_in) {
		/* Linux's rules: data_meta is 0, data the length of metadata at
		 * the front of the input, data_end where the packet ends (at most
		 * the input's length); there are no devices here to check
		 * ingress_ifindex against. */
		memcpy(&x.md, o->ctx_in, sizeof(x.md));
		if (x.md.data_meta || x.md.data_end > o->data_size_in ||
		    x.md.data > x.md.data_end || x.md.data > XDP_META_MAX || (x.md.data & 3))
			return bpfvm_errorf(-EINVAL, "xdp_md: data_meta must be 0, data_end at most "
					    "the packet's length (%u), and data at most data_end and "
					    "a metadata length of at most %d bytes, a multiple of 4",
					    o->data_size_in, XDP_META_MAX);
		if (x.md.egress_ifindex || (!x.md.ingress_ifindex && x.md.rx_queue_index))
			return bpfvm_errorf(-EINVAL, "xdp_md: egress_ifindex must be 0, and "
					    "rx_queue_index needs an ingress_ifindex");
		end = x.md.data_end;
		metalen = x.md.data;
	}
	buf = calloc(1, XDP_HEADROOM + area + XDP_TAILROOM);
	if (!buf)
		return bpfvm_errorf(-ENOMEM, "out of memory");
	memcpy(buf + XDP_HEADROOM - metalen, o->data_in, o->data_size_in);
	x.pkt.buf = buf;
	x.pkt.buf_end = buf + XDP_HEADROOM + area;
	x.data_meta = (uint64_t)(uintptr_t)(buf + XDP_HEADROOM - metalen);
	x.data = x.data_meta + metalen;
	x.data_end = x.data_meta + end;
	x.md.data = x.md.data_end = x.md.data_meta = 0;
	/* Without an ingress device Linux receives on the loopback device. */
	ingress = x.md.ingress_ifindex;
	if (!ingress)
		x.md.ingress_ifindex = 1;
	o->retval = run_repeat(prog, &x, run, o->repeat ? o->repeat : 1, o);
	x.md.ingress_ifindex = ingress;
	/* As Linux: the output starts at the metadata, and the context gives
	 * data and data_end as offsets from it. */
	err = copy_out(o->data_out, &o->data_size_out, (void *)(uintptr_t)x.data_meta,
		       (uint32_t)(x.data_end - x.data_meta), "packet");
	if (!err && o->ctx_out) {
		x.md.data = (uint32_t)(x.data - x.data_meta);
		x.md.data_end = (uint32_t)(x.data_end - x.data_meta);
		err = copy_out(o->ctx_out, &o->ctx_size_out, &x.md, sizeof(x.md), "context");
	}
	free(buf);
	return err;
}

static uint32_t eth_pkt_type(const uint8_t *pkt, uint32_t len)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zero[6];

	if (len < 6)
		return PACKET_HOST;
	if (pkt[0] & 1)
		return memcmp(pkt, bcast, 6) ? PACKET_MULTICAST : PACKET_BROADCAST;
	/* The loopback device's address is all zeroes. */
	return memcmp(pkt, zero, 6) ? PACKET_OTHERHOST : PACKET_HOST;
}

/* The fields of __sk_buff a test-run context may set, as Linux's
 * convert___skb_to_skb accepts; every other byte must be zero. */
static int skb_ctx_in(struct bpfvm_uapi_sk_buff *skb, const struct bpfvm_uapi_sk_buff *in)
{
	struct bpfvm_uapi_sk_buff rest = *in;

	memset(&rest.mark, 0, sizeof(rest.mark));
	memset(&rest.priority, 0, sizeof(rest.priority));
	memset(&rest.ifindex, 0, sizeof(rest.ifindex));
	memset(rest.cb, 0, sizeof(rest.cb));
	memset(&rest.tstamp, 0, sizeof(rest.tstamp));
	memset(&rest.wire_len, 0, sizeof(rest.wire_len));
	memset(&rest.gso_segs, 0, sizeof(rest.gso_segs));
	memset(&rest.gso_size, 0, sizeof(rest.gso_size));
	memset(&rest.hwtstamp, 0, sizeof(rest.hwtstamp));
	for (size_t i = 0; i < sizeof(rest); i++)
		if (((const uint8_t *)&rest)[i])
			return bpfvm_errorf(-EINVAL, "__sk_buff: byte %zu of the input context "
					    "is not a field test-run may set", i);
	skb->mark = in->mark;
	skb->priority = in->priority;
	if (in->ifindex)
		skb->ifindex = in->ifindex;
	memcpy(skb->cb, in->cb, sizeof(skb->cb));
	skb->tstamp = in->tstamp;
	skb->wire_len = in->wire_len;
	skb->gso_segs = in->gso_segs;
	skb->gso_size = in->gso_size;
	skb->hwtstamp = in->hwtstamp;
	return 0;
}

/* What Linux's test-run writes back into __sk_buff (convert_skb_to___skb):
 * the fields it may set, nothing else. */
static void skb_ctx_out(struct bpfvm_uapi_sk_buff *out, const struct bpfvm_uapi_sk_buff *skb)
{
	memset(out, 0, sizeof(*out));
	out->mark = skb->mark;
	out->priority = skb->priority;
	out->ingress_ifindex = skb->ingress_ifindex;
	out->ifindex = skb->ifindex;
	out->tstamp = skb->tstamp;
	memcpy(out->cb, skb->cb, sizeof(out->cb));
	out->wire_len = skb->wire_len;
	out->gso_segs = skb->gso_segs;
	out->gso_size = skb->gso_size;
	out->hwtstamp = skb->hwtstamp;
}

/* Linux's test-run refuses IP packets too short for their network header. */
static int check_l3_length(const uint8_t *pkt, uint32_t len)
{
	uint16_t proto = (uint16_t)(pkt[12] << 8 | pkt[13]);

	if (proto == ETH_P_IP && len < ETH_HLEN + 20)
		return bpfvm_errorf(-EINVAL, "IPv4 packet of %u bytes is shorter than its "
				    "Ethernet and IP headers", len);
	if (proto == ETH_P_IPV6 && len < ETH_HLEN + 40)
		return bpfvm_errorf(-EINVAL, "IPv6 packet of %u bytes is shorter than its "
				    "Ethernet and IPv6 headers", len);
	return 0;
}

/* `l2`: the program sees the packet from its Ethernet header (tc, and socket
 * filters as this project defines them); else from the network header, as
 * Linux's test-run gives cgroup_skb programs, with the Ethernet header zeroed
 * in the output. */
static int test_run_skb(struct bpfvm_prog *prog, struct bpfvm_test_run_opts *o,
			struct bpfvm_run *run, bool l2)
{
	struct bpfvm_skb_ctx s = { 0 };
	uint32_t start = l2 ? 0 : ETH_HLEN;
	uint8_t *buf, *out;
	int err;

	if ((err = check_ctx_in(o, sizeof(s.skb), prog->type->name)))
		return err;
	if (o->data_size_in < ETH_HLEN)
		return bpfvm_errorf(-EINVAL, "packet of %u bytes is shorter than an Ethernet "
				    "header", o->data_size_in);
	if ((err = check_l3_length(o->data_in, o->data_size_in)))
		return err;
	s.skb.ifindex = 1; /* the loopback device, where Linux's test-run puts the skb */
	if (o->ctx_in && (err = skb_ctx_in(&s.skb, o->ctx_in)))
		return err;
	buf = calloc(1, SKB_HEADROOM + o->data_size_in);
	if (!buf)
		return bpfvm_errorf(-ENOMEM, "out of memory");
	memcpy(buf + SKB_HEADROOM, o->data_in, o->data_size_in);
	s.pkt.buf = buf;
	s.pkt.buf_end = buf + SKB_HEADROOM + o->data_size_in;
	s.data = s.data_meta = (uint64_t)(uintptr_t)(buf + SKB_HEADROOM + start);
	s.data_end = (uint64_t)(uintptr_t)(buf + SKB_HEADROOM + o->data_size_in);
	s.skb.len = o->data_size_in - start;
	if (!s.skb.wire_len)
		s.skb.wire_len = s.skb.len;
	s.skb.pkt_type = eth_pkt_type(o->data_in, o->data_size_in);
	/* skb->protocol is the big-endian EtherType, read as it sits in memory. */
	s.skb.protocol = (uint32_t)buf[SKB_HEADROOM + 12] | (uint32_t)buf[SKB_HEADROOM + 13] << 8;
	s.mac_len = l2 ? ETH_HLEN : 0;
	o->retval = run_repeat(prog, &s, run, o->repeat ? o->repeat : 1, o);
	/* Helpers may have moved the packet to another buffer (helpers/skb.c):
	 * what comes out is the packet the context points at now. */
	out = (uint8_t *)(uintptr_t)s.data - start;
	if (!l2)
		memset(out, 0, ETH_HLEN);
	err = copy_out(o->data_out, &o->data_size_out, out,
		       (uint32_t)(s.data_end - (uint64_t)(uintptr_t)out), "packet");
	if (!err && o->ctx_out) {
		struct bpfvm_uapi_sk_buff ctx_out;

		skb_ctx_out(&ctx_out, &s.skb);
		err = copy_out(o->ctx_out, &o->ctx_size_out, &ctx_out, sizeof(ctx_out), "context");
	}
	free(s.pkt.buf);
	return err;
}

static int test_run_sock_addr(struct bpfvm_prog *prog, struct bpfvm_test_run_opts *o,
			      struct bpfvm_run *run)
{
	struct bpfvm_sock_addr_ctx c = { 0 };
	int err;

	if (!o->ctx_in)
		return bpfvm_errorf(-EINVAL, "cgroup_sock_addr programs need a context "
				    "(struct bpf_sock_addr, %zu bytes)", sizeof(c.sa));
	if ((err = check_ctx_in(o, sizeof(c.sa), "cgroup_sock_addr")))
		return err;
	if (o->data_size_in)
		return bpfvm_errorf(-EINVAL, "cgroup_sock_addr programs take no packet");
	memcpy(&c.sa, o->ctx_in, sizeof(c.sa));
	c.sa.sk = 0;
	o->retval = run_repeat(prog, &c, run, o->repeat ? o->repeat : 1, o);
	o->data_size_out = 0;
	return o->ctx_out ? copy_out(o->ctx_out, &o->ctx_size_out, &c.sa, sizeof(c.sa), "context")
			  : 0;
}

/* cgroup_sock programs run on the struct bpf_sock given (all zeroes without
 * --ctx; the padding after dst_port zeroed), and the struct comes back out as the program left it (mark,
 * priority and bound_dev_if are what sock_create programs set). Linux has no
 * test-run for this type: this one is bpfvm's. */
static int test_run_sock(struct bpfvm_prog *prog, struct bpfvm_test_run_opts *o,
			 struct bpfvm_run *run)
{
	struct bpfvm_sock_ctx c = { 0 };
	int err;

	if ((err = check_ctx_in(o, sizeof(c.sk), "cgroup_sock")))
		return err;
	if (o->data_size_in)
		return bpfvm_errorf(-EINVAL, "cgroup_sock programs take no packet");
	if (o->ctx_in)
		memcpy(&c.sk, o->ctx_in, sizeof(c.sk));
	/* a 4-byte read of dst_port sees zero padding, as Linux's 16-bit load */
	c.sk.pad = 0;
	o->retval = run_repeat(prog, &c, run, o->repeat ? o->repeat : 1, o);
	o->data_size_out = 0;
	return o->ctx_out ? copy_out(o->ctx_out, &o->ctx_size_out, &c.sk, sizeof(c.sk), "context")
			  : 0;
}

/* sock_ops programs run on the struct bpf_sock_ops given (all zeroes without
 * --ctx); the packet, when given, is the segment skb_data..skb_data_end points
 * at (from its TCP header, as Linux's header-option callbacks see it) and sets
 * skb_len; sk is always null (no kernel socket). The pointer fields of the
 * input (sk, skb_data, skb_data_end) must be 0; the struct comes back out with reply, sk_txhash and
 * bpf_sock_ops_cb_flags as the program left them and the pointers 0. Linux
 * has no test-run for this type: this one is bpfvm's. */
static int test_run_sock_ops(struct bpfvm_prog *prog, struct bpfvm_test_run_opts *o,
			     struct bpfvm_run *run)
{
	struct bpfvm_sock_ops_ctx c = { 0 };
	uint8_t *buf;
	int err;

	if ((err = check_ctx_in(o, sizeof(c.ops), "sock_ops")))
		return err;
	if (o->ctx_in)
		memcpy(&c.ops, o->ctx_in, sizeof(c.ops));
	if (c.ops.sk || c.ops.skb_data || c.ops.skb_data_end)
		return bpfvm_errorf(-EINVAL, "bpf_sock_ops: sk, skb_data and skb_data_end are "
				    "pointers bpfvm sets; they must be 0 in the input");
	buf = malloc(o->data_size_in ? o->data_size_in : 1);
	if (!buf)
		return bpfvm_errorf(-ENOMEM, "out of memory");
	if (o->data_size_in)
		memcpy(buf, o->data_in, o->data_size_in);
	c.data = (uint64_t)(uintptr_t)buf;
	c.data_end = c.data + o->data_size_in;
	c.ops.skb_len = o->data_size_in;
	o->retval = run_repeat(prog, &c, run, o->repeat ? o->repeat : 1, o);
	err = copy_out(o->data_out, &o->data_size_out, buf, o->data_size_in, "packet");
	if (!err && o->ctx_out)
		err = copy_out(o->ctx_out, &o->ctx_size_out, &c.ops, sizeof(c.ops), "context");
	free(buf);
	return err;
}

/* kprobe, tracepoint, raw_tracepoint and perf_event programs: the context is
 * the caller's bytes (pt_regs, the tracepoint record, the u64 args[], struct
 * bpf_perf_event_data), zero-extended to the type's full runtime size so that
 * every read the verifier allowed lands in it. Linux test-runs only raw
 * tracepoints, refuses a context shorter than the program's furthest read
 * (bpfvm zero-extends it) and repeats (bpfvm repeats, for timing); kprobe,
 * tracepoint and perf_event test-runs are bpfvm's own. Programs cannot write
 * the context, but a kprobe's override_return sets its pt_regs.ax: a kprobe's
 * bytes come back out as they are after the run; the other types give no
 * context out (Linux refuses ctx_out for raw tracepoints). */
static int test_run_tracing(struct bpfvm_prog *prog, struct bpfvm_test_run_opts *o,
			    struct bpfvm_run *run)
{
	void *ctx;
	int err;

	if (o->data_size_in)
		return bpfvm_errorf(-EINVAL, "%s programs take no packet, only a context",
				    prog->type->name);
	if (o->ctx_size_in > prog->type->ctx_size)
		return bpfvm_errorf(-EINVAL, "context of %u bytes, but %s takes at most %u",
				    o->ctx_size_in, prog->type->name, prog->type->ctx_size);
	ctx = calloc(1, prog->type->runtime_ctx_size);
	if (!ctx)
		return bpfvm_errorf(-ENOMEM, "out of memory");
	if (o->ctx_in)
		memcpy(ctx, o->ctx_in, o->ctx_size_in);
	o->retval = run_repeat(prog, ctx, run, o->repeat ? o->repeat : 1, o);
	o->data_size_out = 0;
	err = 0;
	if (o->ctx_out && prog->type->id == BPFVM_PROG_KPROBE)
		err = copy_out(o->ctx_out, &o->ctx_size_out, ctx, o->ctx_size_in, "context");
	else
		o->ctx_size_out = 0;
	free(ctx);
	return err;
}

int bpfvm_prog_test_run(struct bpfvm_prog *prog, struct bpfvm_test_run_opts *o)
{
	struct bpfvm_hook_state hook = { .prog_type = prog->type->id, .fib = bpfvm_fib_empty() };
	struct bpfvm_run run = { .hook = &hook };
	int err;

	if (o->sz >= offsetof(struct bpfvm_test_run_opts, fib) + sizeof(o->fib) && o->fib)
		hook.fib = o->fib;
	if (o->sz >= offsetof(struct bpfvm_test_run_opts, sockets) + sizeof(o->sockets))
		hook.sockets = o->sockets;

	if (o->data_size_in > BPFVM_TEST_RUN_MAX_PACKET)
		return bpfvm_errorf(-E2BIG, "packet of %u bytes exceeds the limit of %u",
				    o->data_size_in, BPFVM_TEST_RUN_MAX_PACKET);
	if (o->data_size_in && !o->data_in)
		return bpfvm_errorf(-EINVAL, "data_size_in is %u but data_in is NULL",
				    o->data_size_in);
	if (o->ctx_in && !o->ctx_size_in)
		return bpfvm_errorf(-EINVAL, "ctx_in without ctx_size_in");
	switch (prog->type->id) {
	case BPFVM_PROG_XDP:
		err = test_run_xdp(prog, o, &run);
		break;
	case BPFVM_PROG_SCHED_CLS:
	case BPFVM_PROG_SCHED_ACT:
	case BPFVM_PROG_SOCKET_FILTER:
		err = test_run_skb(prog, o, &run, true);
		break;
	case BPFVM_PROG_CGROUP_SKB:
		err = test_run_skb(prog, o, &run, false);
		break;
	case BPFVM_PROG_CGROUP_SOCK_ADDR:
		err = test_run_sock_addr(prog, o, &run);
		break;
	case BPFVM_PROG_CGROUP_SOCK:
		err = test_run_sock(prog, o, &run);
		break;
	case BPFVM_PROG_SOCK_OPS:
		err = test_run_sock_ops(prog, o, &run);
		break;
	case BPFVM_PROG_KPROBE:
	case BPFVM_PROG_TRACEPOINT:
	case BPFVM_PROG_RAW_TRACEPOINT:
	case BPFVM_PROG_PERF_EVENT:
		err = test_run_tracing(prog, o, &run);
		break;
	default:
		return bpfvm_errorf(-EINVAL, "%s programs cannot be test-run", prog->type->name);
	}
	o->redirect = hook.redirect;
	if (o->sz >= offsetof(struct bpfvm_test_run_opts, clones) + sizeof(o->clones)) {
		o->clone_cnt = hook.clone_cnt;
		memcpy(o->clones, hook.clones, sizeof(o->clones));
	}
	if (!err && run.error)
		err = bpfvm_errorf(run.error, "the program was aborted (%s)",
				   run.error == -E2BIG ? "call depth exceeded" : "bad helper call");
	return err;
}
