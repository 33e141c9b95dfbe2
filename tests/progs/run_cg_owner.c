/* bpfvm run tests: a cgroup_skb program that asks who is sending, as Linux
 * 6.1+ lets cgroup_skb programs do (bpf_get_current_uid_gid and friends):
 * records the uid/gid and comm and lets only root's packets out. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct owner_info {
	__u64 uid_gid;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct owner_info);
} owner SEC(".maps");

SEC("cgroup_skb/egress")
int cg_owner(struct __sk_buff *skb)
{
	struct owner_info o = {};
	__u32 k = 0;

	o.uid_gid = bpf_get_current_uid_gid();
	bpf_get_current_comm(o.comm, sizeof(o.comm));
	bpf_map_update_elem(&owner, &k, &o, BPF_ANY);
	return (o.uid_gid & 0xffffffff) == 0 ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
