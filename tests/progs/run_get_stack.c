/* bpf_get_stack from a kprobe (helpers/stackid.c): the stack bpfvm knows is
 * the one frame of the context's ip. Each call's return value goes to slot
 * i of `ret` and its buffer to slot i of `buf`: the frame with room to
 * spare (8 bytes, the rest zeroed), the frame skipped (0), a skip past the
 * depth (-EFAULT), a size that is not a multiple of 8 (-EINVAL), an unknown
 * flag (-EINVAL), a build id without the user stack (-EINVAL), and a user
 * stack with build ids (one 32-byte struct bpf_stack_build_id with status
 * BPF_STACK_BUILD_ID_IP and the ip). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct stack_buf {
	__u64 w[8];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __s64);
} ret SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, struct stack_buf);
} buf SEC(".maps");

static void one(void *ctx, __u32 slot, __u32 size, __u64 flags)
{
	struct stack_buf *b = bpf_map_lookup_elem(&buf, &slot);
	__s64 r;

	if (!b)
		return;
	__builtin_memset(b, 0xff, sizeof(*b));
	r = bpf_get_stack(ctx, b, size, flags);
	bpf_map_update_elem(&ret, &slot, &r, BPF_ANY);
}

SEC("kprobe/do_nanosleep")
int kprobe_get_stack(void *ctx)
{
	one(ctx, 0, 24, 0);
	one(ctx, 1, 24, 1);
	one(ctx, 2, 24, 2);
	one(ctx, 3, 12, 0);
	one(ctx, 4, 24, 1ull << 20);
	one(ctx, 5, 32, BPF_F_USER_BUILD_ID);
	one(ctx, 6, 64, BPF_F_USER_STACK | BPF_F_USER_BUILD_ID);
	return 0;
}

char _license[] SEC("license") = "GPL";
