/* Object-loader test: global data in .data, .rodata, .bss, custom .data.*,
 * .rodata.* and .bss.* sections and merged strings (.rodata.str1.1), referenced by
 * map-value lddw relocations. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int counter = 7;                              /* .data */
const volatile int limit = 42;                /* .rodata */
const volatile char tag[8] = "bpfvm";         /* .rodata */
__u64 hits;                                   /* .bss */
__u64 misses[4];                              /* .bss */
int custom SEC(".data.custom") = 0x1234;      /* .data.custom */
const volatile __u32 table[3] SEC(".rodata.table") = { 1, 2, 3 };
static int hidden = 5;                        /* static: .data, no mmap flag change */
__u32 zeroed[2] SEC(".bss.extra");            /* .bss.extra */

SEC("xdp")
int use_globals(struct xdp_md *ctx)
{
	const char *msg = "global data test";     /* .rodata.str1.1 */
	__u32 i = ctx->rx_queue_index & 3;

	counter++;
	hidden++;
	hits += limit + tag[1];
	misses[i] += table[i % 3] + custom;
	zeroed[i & 1]++;
	bpf_trace_printk(msg, 17);
	return counter > limit ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "Dual BSD/GPL";
