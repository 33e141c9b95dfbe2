/* Executable memory for JIT code, never writable and executable at once.
 *
 * Code is written into a fresh read-write mapping, which is then sealed
 * read-execute and stays so until it is freed. Mappings are placed near a
 * given address when the OS allows it, so that generated code can reach
 * helper functions with a 5-byte `call rel32` instead of an indirect call. */
#ifndef BPFVM_EXEC_EXECMEM_H
#define BPFVM_EXEC_EXECMEM_H

#include <stddef.h>
#include <stdint.h>

/* A read-write mapping of at least `size` bytes, preferably within reach of
 * `near`. Returns NULL (with bpfvm_errorf) when out of memory. *mapped
 * receives the mapping's real size, to pass to the other calls. */
void *bpfvm_execmem_alloc(size_t size, uintptr_t near, size_t *mapped);
/* Makes the mapping read-execute. Returns 0 or a negative errno. */
int bpfvm_execmem_seal(void *mem, size_t mapped);
void bpfvm_execmem_free(void *mem, size_t mapped);

#endif
