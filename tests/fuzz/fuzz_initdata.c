/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The init data decoder (supervisor/initdata.c): any bytes are decoded or
 * refused with a message and nothing leaked; what decodes, encodes, and the
 * encoding decodes to the same fields.
 */
#include <stdio.h>

#include "fuzz.h"
#include "container/initdata.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct initdata a, b;
	struct kerr err;
	char *text;

	if (initdata_decode((const char *)data, size, &a, &err) < 0) {
		FUZZ_ASSERT(err.msg[0] != '\0');
		return 0;
	}
	text = initdata_encode(&a, &err);
	FUZZ_ASSERT(text);
	FUZZ_ASSERT(initdata_decode(text, strlen(text), &b, &err) == 0);
	FUZZ_ASSERT(a.mode == b.mode && strcmp(a.id, b.id) == 0);
	FUZZ_ASSERT(a.fifo_fd == b.fifo_fd && a.mntns_fd == b.mntns_fd);
	FUZZ_ASSERT(a.n_cgroups_v1 == b.n_cgroups_v1 && a.n_idmap_fds == b.n_idmap_fds);
	free(text);
	initdata_free(&a);
	initdata_free(&b);
	return 0;
}
