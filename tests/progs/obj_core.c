/* Object-loader test: CO-RE relocation records in .BTF.ext (field offset and
 * field existence on a preserve_access_index struct). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_like {
	int pid;
	int tgid;
	char comm[16];
} __attribute__((preserve_access_index));

SEC("raw_tracepoint/sched_switch")
int core_reads(void *ctx)
{
	struct task_like *t = ctx;

	return BPF_CORE_READ(t, tgid) + bpf_core_field_exists(t->comm);
}

char _license[] SEC("license") = "GPL";
