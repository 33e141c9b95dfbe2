/* A wake-up channel for consumers of map records (ring buffers, perf event
 * arrays): producers signal only when someone waits, consumers wait with a
 * timeout until their records are ready. */
#ifndef BPFVM_MAPS_WAKE_H
#define BPFVM_MAPS_WAKE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

struct bpfvm_wake {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	atomic_uint waiters;
};

#define BPFVM_WAKE_INIT { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 }

/* Wakes every waiter. The producer must have published its record with a
 * seq_cst store; waiters announce themselves with a seq_cst increment before
 * they look, so either the producer sees the waiter or the waiter the record. */
void bpfvm_wake_signal(struct bpfvm_wake *w);

/* Waits until ready(arg) or timeout_ms has passed (< 0: forever). */
void bpfvm_wake_wait(struct bpfvm_wake *w, int timeout_ms, bool (*ready)(void *arg), void *arg);

#endif
