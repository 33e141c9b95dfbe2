/* What DEVMAP and DEVMAP_HASH share: Linux's rules for their values, struct
 * bpf_devmap_val { u32 ifindex; [u32 prog fd] }. bpfvm has no network devices
 * to check an ifindex against, so any non-zero ifindex is taken; it is what
 * bpf_redirect_map() reports as the target. */
#ifndef BPFVM_MAPS_DEVMAP_H
#define BPFVM_MAPS_DEVMAP_H

#include "maps/map.h"

int bpfvm_devmap_check(const struct bpfvm_map_create_opts *opts);
/* 0 when value may be stored; a message and -EINVAL / -EOPNOTSUPP if not. */
int bpfvm_devmap_check_value(const struct bpfvm_map *map, const void *value);

#endif
