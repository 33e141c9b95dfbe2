/* The thread-local last-error message behind bpfvm_last_error(). */
#include "util/error.h"

#include <stdio.h>
#include <string.h>

static _Thread_local char last_error[512];

const char *bpfvm_last_error(void)
{
	return last_error;
}

int bpfvm_errorf(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return err;
}

int bpfvm_error_prefix(const char *fmt, ...)
{
	char prefix[256];
	size_t plen, mlen;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	/* Shift the message right and put the prefix in front, truncating the
	 * message's tail when the whole does not fit. */
	plen = strlen(prefix);
	mlen = strlen(last_error);
	if (plen + mlen >= sizeof(last_error))
		mlen = sizeof(last_error) - 1 - plen;
	memmove(last_error + plen, last_error, mlen);
	memcpy(last_error, prefix, plen);
	last_error[plen + mlen] = '\0';
	return 0;
}

void bpfvm_error_clear(void)
{
	last_error[0] = '\0';
}
