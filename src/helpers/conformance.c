/* The conformance suite's helper (see conformance.h). It lives with the other
 * helpers so that the CLI plugin and the ctest that replays the suite bind the
 * very same function. */
#include <errno.h>

#include "helpers/conformance.h"
#include "util/error.h"

static uint64_t unwind_helper(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			      struct bpfvm_run *run)
{
	return r1;
}

int bpfvm_conformance_resolve(void *cookie, int32_t id, struct bpfvm_helper_binding *out)
{
	if (id != 5)
		return bpfvm_errorf(-ENOENT, "helper %d is not available in the conformance "
				    "environment (only helper 5)", id);
	out->fn = unwind_helper;
	out->kind = BPFVM_HELPER_UNWIND;
	return 0;
}
