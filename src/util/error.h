/* Setting the thread-local error message (see include/bpfvm/error.h). */
#ifndef BPFVM_UTIL_ERROR_H
#define BPFVM_UTIL_ERROR_H

#include <stdarg.h>

#include "bpfvm/error.h"

#if defined(__GNUC__) || defined(__clang__)
#define BPFVM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define BPFVM_PRINTF(a, b)
#endif

/* Records the message and returns err, so that `return bpfvm_errorf(-EINVAL, ...)`
 * both reports and fails. err should be a negative errno value. */
int bpfvm_errorf(int err, const char *fmt, ...) BPFVM_PRINTF(2, 3);
/* Puts a prefix (e.g. "prog.o: xdp_main: ") in front of the current message. */
int bpfvm_error_prefix(const char *fmt, ...) BPFVM_PRINTF(1, 2);
void bpfvm_error_clear(void);

#endif
