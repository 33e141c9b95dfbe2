/* libbpf's SEC() conventions: which section names make which program type and
 * expected attach type. Kept as one table (secdef.c) with Linux's numbers. */
#ifndef BPFVM_OBJ_SECDEF_H
#define BPFVM_OBJ_SECDEF_H

#include <stdbool.h>
#include <stdint.h>

struct secdef_match {
	uint32_t prog_type;
	uint32_t attach_type;
	bool sleepable;
	bool legacy;             /* matched only by libbpf 0.x's prefix rules */
	const char *target;      /* points into the section name, "" when none */
};

/* Returns true and fills *m when the section name is a program section. */
bool secdef_match(const char *sec_name, struct secdef_match *m);
/* The attach type of the type's plain SEC() entry ("xdp"), else of its first. */
uint32_t secdef_default_attach(uint32_t prog_type);

#endif
