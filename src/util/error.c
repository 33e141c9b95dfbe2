/* The thread-local last-error message behind bpfvm_last_error(). */
#include "util/error.h"

#include <stdio.h>

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
	char prefix[256], copy[sizeof(last_error)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	snprintf(copy, sizeof(copy), "%s", last_error);
	snprintf(last_error, sizeof(last_error), "%s%s", prefix, copy);
	return 0;
}

void bpfvm_error_clear(void)
{
	last_error[0] = '\0';
}
