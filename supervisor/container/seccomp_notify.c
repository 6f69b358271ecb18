/* SPDX-License-Identifier: Apache-2.0 */
/* linux.seccomp.listenerPath: the notify fd and the containerProcessState, sent there. */
#include "container_internal.h"

#include <jansson.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bootstrap/fdpass.h"
#include "util/util.h"

/* Send the seccomp notify fd and the container process state to listenerPath. */
int seccomp_notify_forward(const struct container *c, const struct spec *s, int notify_fd,
			   const char *status, struct kerr *err)
{
	_cleanup_close_ int sock = -1;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	json_t *j, *st;
	char *text, *state;
	ssize_t n;

	if (strlen(s->linux_.seccomp.listener_path) >= sizeof(addr.sun_path))
		return kerr_set(err, "linux.seccomp.listenerPath: too long");
	strcpy(addr.sun_path, s->linux_.seccomp.listener_path);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return kerr_errno(err, errno, "socket");
	if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return kerr_errno(err, errno, "connect %s", addr.sun_path);
	state = container_state_text(c, status);
	st = state ? json_loads(state, 0, NULL) : NULL;
	free(state);
	/* the spec's containerProcessState */
	j = json_pack("{s:s, s:[s], s:i, s:s, s:o}", "ociVersion", SPEC_OCI_VERSION, "fds",
		      "seccompFd", "pid", (int)c->pid, "metadata",
		      s->linux_.seccomp.listener_metadata ? s->linux_.seccomp.listener_metadata : "",
		      "state", st ? st : json_object());
	text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!text)
		return kerr_errno(err, ENOMEM, "seccomp state");
	n = fdpass_send(sock, text, strlen(text), notify_fd);
	free(text);
	if (n < 0)
		return kerr_errno(err, errno, "send seccomp fd to %s", addr.sun_path);
	return 0;
}
