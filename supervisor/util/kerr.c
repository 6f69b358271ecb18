/* SPDX-License-Identifier: Apache-2.0 */
#include "kerr.h"

#include <stdio.h>
#include <string.h>

int kerr_set(struct kerr *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->errnum = 0;
	return -1;
}

int kerr_errno(struct kerr *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", strerror(errnum));
	err->errnum = errnum;
	return -1;
}

int kerr_wrap(struct kerr *err, const char *fmt, ...)
{
	char prefix[512];
	char old[KERR_MAX];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	return -1;
}

void kerr_clear(struct kerr *err)
{
	if (err) {
		err->errnum = 0;
		err->msg[0] = '\0';
	}
}
