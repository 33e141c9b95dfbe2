/* Object-loader test: BTF kinds beyond the basics: DECL_TAG, TYPE_TAG, FLOAT,
 * bitfields, unions, enums, nested and anonymous members, in a map value. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define __tag(x) __attribute__((btf_decl_tag(x)))
#define __ptr_tag(x) __attribute__((btf_type_tag(x)))

enum color { RED, GREEN = 5, BLUE = -1 };

struct inner_rec {
	__u16 a;
	__u8 flags : 3;
	__u8 kind : 5;
	union {
		__u32 as_int;
		float as_float;
	};
} __tag("inner");

struct value_rec {
	struct inner_rec in[2];
	double ratio;
	enum color color;
	int *__ptr_tag("user") uptr;
	__u64 big __tag("field");
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct value_rec);
} tagged SEC(".maps");

__tag("entry") SEC("socket")
int read_tagged(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct value_rec *v = bpf_map_lookup_elem(&tagged, &key);

	return v ? v->in[1].kind + v->in[0].flags : 0;
}

char _license[] SEC("license") = "GPL";
