/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the shim decodes whatever arrives on its socket.  Every
 * input is decoded or refused with a message, never read out of bounds; an
 * accepted one re-encodes to a message that decodes to the same thing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bootstrap/bootstrap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the shim's receive buffer: aligned and exactly this big */
	static unsigned char in[BOOTSTRAP_MSG_MAX] __attribute__((aligned(8)));
	static unsigned char out[BOOTSTRAP_MSG_MAX] __attribute__((aligned(8)));
	struct bootstrap b, again;
	char err[256];
	size_t len;

	if (size > sizeof(in))
		return bootstrap_decode(data, size, &b, err, sizeof(err)) == 0 ? (abort(), 0) : 0;
	memcpy(in, data, size);
	if (bootstrap_decode(in, size, &b, err, sizeof(err)) < 0) {
		if (strncmp(err, "bootstrap: ", 11) != 0)
			abort();
		return 0;
	}
	if (bootstrap_encode(&b, out, sizeof(out), &len) < 0)
		abort();
	if (bootstrap_decode(out, len, &again, err, sizeof(err)) < 0)
		abort();
	if (!bootstrap_equal(&b, &again))
		abort();
	/* the canonical encoding is a fixed point */
	if (len > size)
		abort();
	return 0;
}
