/* What the map-in-map types share: checking an inner map against the
 * template the outer map was created with, and keeping every inner map an
 * outer map ever held alive until the outer map goes, so a program that
 * looked one up never uses a freed map (Linux defers with RCU instead). */
#ifndef BPFVM_MAPS_INNER_H
#define BPFVM_MAPS_INNER_H

#include <pthread.h>

#include <stdint.h>

struct bpfvm_map;

struct bpfvm_map_holder {
	pthread_mutex_t lock;
	struct bpfvm_map **maps;
	uint32_t cnt, cap;
};

void bpfvm_holder_init(struct bpfvm_map_holder *hd);
/* Takes a reference on inner the first time it is held. */
int bpfvm_holder_hold(struct bpfvm_map_holder *hd, struct bpfvm_map *inner);
void bpfvm_holder_release(struct bpfvm_map_holder *hd);

/* 0 when inner may go into outer, else -EINVAL with a message. */
int bpfvm_inner_check(const struct bpfvm_map *outer, const struct bpfvm_map *inner);

#endif
