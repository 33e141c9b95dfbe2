/* bpfvm run tests for the cgroup array helpers: a kprobe program and a tc
 * program ask whether bpfvm's process (the running task, the test-run
 * packet's socket) is under the cgroups of slots 0-2 of `cgroups`, and keep
 * the answers in `answers` (task: keys 0-2, skb: keys 3-5). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} cgroups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 6);
	__type(key, __u32);
	__type(value, __s64);
} answers SEC(".maps");

static void keep(__u32 key, __s64 v)
{
	bpf_map_update_elem(&answers, &key, &v, BPF_ANY);
}

SEC("kprobe/sys_bind")
int task_under(void *ctx)
{
	keep(0, bpf_current_task_under_cgroup(&cgroups, 0));
	keep(1, bpf_current_task_under_cgroup(&cgroups, 1));
	keep(2, bpf_current_task_under_cgroup(&cgroups, 2));
	return 0;
}

SEC("tc")
int skb_under(struct __sk_buff *skb)
{
	keep(3, bpf_skb_under_cgroup(skb, &cgroups, 0));
	keep(4, bpf_skb_under_cgroup(skb, &cgroups, 1));
	keep(5, bpf_skb_under_cgroup(skb, &cgroups, 2));
	return 0;
}

char _license[] SEC("license") = "GPL";
