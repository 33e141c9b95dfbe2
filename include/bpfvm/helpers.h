/* Helper functions: bpfvm's implementations of Linux's BPF helpers, by Linux
 * helper id, and the resolver that binds a program's calls to them. */
#ifndef BPFVM_HELPERS_H
#define BPFVM_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "bpfvm/exec.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A bpfvm_helper_resolver over bpfvm's helper table (cookie unused). For an id
 * bpfvm lacks: -ENOENT and "helper 54 (bpf_xdp_adjust_meta) is not supported".
 * It also binds the legacy packet loads (BPFVM_HELPER_ID_LD_PKT_*), which
 * read the skb context of bpfvm's socket_filter and sched_cls/act programs. */
int bpfvm_helper_resolve(void *cookie, int32_t id, struct bpfvm_helper_binding *out);

/* Where bpf_trace_printk() output goes: one call per message (the formatted
 * text, without a trailing newline added). NULL restores the default, stderr.
 * Process-wide. */
typedef void (*bpfvm_trace_fn)(void *ctx, const char *msg, size_t len);
void bpfvm_set_trace_printk(bpfvm_trace_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
