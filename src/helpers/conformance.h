/* The helper set that the bpf_conformance suite expects of a runtime. */
#ifndef BPFVM_HELPERS_CONFORMANCE_H
#define BPFVM_HELPERS_CONFORMANCE_H

#include "bpfvm/exec.h"

/* A bpfvm_helper_resolver with one helper, id 5: returns r1 and ends the
 * program when r1 is 0 (uBPF's "unwind" helper, which the suite's call tests
 * use). Every other id is unknown. */
int bpfvm_conformance_resolve(void *cookie, int32_t id, struct bpfvm_helper_binding *out);

#endif
