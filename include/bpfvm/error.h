/* Error reporting of the library: every call that can fail returns a negative
 * errno value and leaves a one-line, human-readable message in a thread-local
 * buffer, which the caller may print. The library never prints on its own and
 * never exits. */
#ifndef BPFVM_ERROR_H
#define BPFVM_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/* The message of the last failed call on this thread ("" when none). */
const char *bpfvm_last_error(void);

#ifdef __cplusplus
}
#endif
#endif
