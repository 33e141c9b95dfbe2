/* The consumers' wake-up channel (see wake.h), shared by the ring buffer and
 * the perf event array so that both wait and time out the same way. */
#include <errno.h>
#include <time.h>

#include "maps/wake.h"

void bpfvm_wake_signal(struct bpfvm_wake *w)
{
	if (!atomic_load(&w->waiters))
		return;
	pthread_mutex_lock(&w->lock);
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

void bpfvm_wake_wait(struct bpfvm_wake *w, int timeout_ms, bool (*ready)(void *arg), void *arg)
{
	struct timespec deadline;
	int err = 0;

	clock_gettime(CLOCK_REALTIME, &deadline);
	if (timeout_ms > 0) {
		deadline.tv_sec += timeout_ms / 1000;
		deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
		if (deadline.tv_nsec >= 1000000000) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000;
		}
	}
	pthread_mutex_lock(&w->lock);
	atomic_fetch_add(&w->waiters, 1);
	while (!ready(arg) && err != ETIMEDOUT) {
		if (timeout_ms < 0)
			pthread_cond_wait(&w->cond, &w->lock);
		else
			err = pthread_cond_timedwait(&w->cond, &w->lock, &deadline);
	}
	atomic_fetch_sub(&w->waiters, 1);
	pthread_mutex_unlock(&w->lock);
}
