/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kura-systemd: the D-Bus half of kura's systemd cgroup driver.  kura is a
 * static binary and Debian ships libsystemd only as a shared library, so the
 * calls to systemd's manager live in this small dynamically linked helper,
 * exec'd only with --systemd-cgroup.
 *
 *   kura-systemd start UNIT PROP...   StartTransientUnit, wait for its job
 *   kura-systemd stop UNIT            StopUnit, wait for its job (a unit
 *                                     already gone is no error)
 *   kura-systemd set UNIT PROP...     SetUnitProperties (runtime)
 *
 * PROP is NAME=SIG:VALUE with SIG one of b (true/false), t, x, u, i (decimal),
 * s (the rest of the argument), ay (hex bytes), au (comma-separated
 * decimals), as (comma-separated strings), a(ss) (comma-separated pairs, the
 * two strings of each split at the first space).  A failed start job and a stop
 * are followed by ResetFailedUnit, so the name can be used again.
 * It talks to the system bus (DBUS_SYSTEM_BUS_ADDRESS is honoured).  Errors go
 * to stderr as one line; the exit status is 0, 1, or 3 when systemd took a
 * job whose end was not seen (the unit may exist and must be stopped).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-bus.h>

#define DEST "org.freedesktop.systemd1"
#define PATH "/org/freedesktop/systemd1"
#define MANAGER "org.freedesktop.systemd1.Manager"
/* how long a job may take before kura gives up on it (runc: 30 s) */
#define JOB_TIMEOUT_USEC (30ULL * 1000 * 1000)

static const char *verb, *unit;

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int fail(const char *what, int r, const sd_bus_error *e)
{
	if (e && sd_bus_error_is_set(e)) {
		const char *msg = e->message ? e->message : "";

		/* systemd's messages are one line; keep only the first of others */
		fprintf(stderr, "systemd: %s %s: %s: %.*s\n", what, unit, e->name,
			(int)strcspn(msg, "\n"), msg);
	}
	else
		fprintf(stderr, "systemd: %s %s: %s\n", what, unit, strerror(r < 0 ? -r : r));
	return 1;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	if (*s == '-' || !*s)
		return -1;
	*out = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

static int parse_i64(const char *s, int64_t *out)
{
	char *end;

	errno = 0;
	if (!*s)
		return -1;
	*out = strtoll(s, &end, 10);
	return errno || *end ? -1 : 0;
}

static int append_bytes(sd_bus_message *m, const char *hex)
{
	size_t n = strlen(hex) / 2;
	uint8_t *b;
	int r;

	if (strlen(hex) % 2)
		return -EINVAL;
	b = malloc(n ? n : 1);
	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
			free(b);
			return -EINVAL;
		}
		b[i] = (uint8_t)v;
	}
	r = sd_bus_message_append_array(m, 'y', b, n);
	free(b);
	return r;
}

static int item_str(sd_bus_message *m, char *t)
{
	return sd_bus_message_append_basic(m, 's', t);
}

static int item_pair(sd_bus_message *m, char *t)
{
	char *sp = strchr(t, ' ');

	if (!sp)
		return -EINVAL;
	*sp = '\0';
	return sd_bus_message_append(m, "(ss)", t, sp + 1);
}

static int item_u32(sd_bus_message *m, char *t)
{
	uint64_t v;

	if (parse_u64(t, &v) < 0 || v > UINT32_MAX)
		return -EINVAL;
	return sd_bus_message_append_basic(m, 'u', &(uint32_t){ (uint32_t)v });
}

/* An array of `contents` from a comma-separated list, one item() each. */
static int append_list(sd_bus_message *m, const char *list, const char *contents,
		       int (*item)(sd_bus_message *, char *))
{
	char *dup = strdup(list), *save = NULL;
	int r;

	if (!dup)
		return -ENOMEM;
	r = sd_bus_message_open_container(m, 'a', contents);
	for (char *t = strtok_r(dup, ",", &save); r >= 0 && t; t = strtok_r(NULL, ",", &save))
		r = item(m, t);
	free(dup);
	return r < 0 ? r : sd_bus_message_close_container(m);
}

/* One (sv) of an a(sv) from NAME=SIG:VALUE. */
static int append_prop(sd_bus_message *m, const char *arg)
{
	const char *eq = strchr(arg, '='), *colon = eq ? strchr(eq, ':') : NULL;
	char name[256], sig[8];
	const char *val;
	uint64_t u;
	int64_t x;
	int r;

	if (!eq || !colon || eq == arg || (size_t)(eq - arg) >= sizeof(name) ||
	    (size_t)(colon - eq - 1) >= sizeof(sig) || colon == eq + 1)
		return -EINVAL;
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	memcpy(sig, eq + 1, (size_t)(colon - eq - 1));
	sig[colon - eq - 1] = '\0';
	val = colon + 1;
	r = sd_bus_message_open_container(m, 'r', "sv");
	if (r >= 0)
		r = sd_bus_message_append_basic(m, 's', name);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'v', sig);
	if (r < 0)
		return r;
	if (!strcmp(sig, "b")) {
		if (strcmp(val, "true") && strcmp(val, "false"))
			return -EINVAL;
		r = sd_bus_message_append_basic(m, 'b', &(int){ !strcmp(val, "true") });
	} else if (!strcmp(sig, "t")) {
		r = parse_u64(val, &u) < 0 ? -EINVAL : sd_bus_message_append_basic(m, 't', &u);
	} else if (!strcmp(sig, "u")) {
		r = parse_u64(val, &u) < 0 || u > UINT32_MAX
			    ? -EINVAL
			    : sd_bus_message_append_basic(m, 'u', &(uint32_t){ (uint32_t)u });
	} else if (!strcmp(sig, "x")) {
		r = parse_i64(val, &x) < 0 ? -EINVAL : sd_bus_message_append_basic(m, 'x', &x);
	} else if (!strcmp(sig, "i")) {
		r = parse_i64(val, &x) < 0 || x < INT32_MIN || x > INT32_MAX
			    ? -EINVAL
			    : sd_bus_message_append_basic(m, 'i', &(int32_t){ (int32_t)x });
	} else if (!strcmp(sig, "s")) {
		r = sd_bus_message_append_basic(m, 's', val);
	} else if (!strcmp(sig, "ay")) {
		r = append_bytes(m, val);
	} else if (!strcmp(sig, "au")) {
		r = append_list(m, val, "u", item_u32);
	} else if (!strcmp(sig, "as")) {
		r = append_list(m, val, "s", item_str);
	} else if (!strcmp(sig, "a(ss)")) {
		r = append_list(m, val, "(ss)", item_pair);
	} else {
		r = -EINVAL;
	}
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	return r;
}

static int append_props(sd_bus_message *m, char **props, int n)
{
	int r = sd_bus_message_open_container(m, 'a', "(sv)");

	for (int i = 0; r >= 0 && i < n; i++) {
		r = append_prop(m, props[i]);
		if (r == -EINVAL) {
			fprintf(stderr, "systemd: %s %s: bad property argument \"%s\"\n", verb, unit,
				props[i]);
			return -EINVAL;
		}
	}
	return r < 0 ? r : sd_bus_message_close_container(m);
}

/* ---- jobs ---- */

struct job {
	const char *path; /* the job we wait for */
	char *result;     /* its result, once JobRemoved said it */
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	struct job *j = userdata;
	const char *path, *u, *result;
	uint32_t id;

	if (sd_bus_message_read(m, "uoss", &id, &path, &u, &result) < 0)
		return 0;
	if (j->path && !strcmp(path, j->path) && !j->result)
		j->result = strdup(result);
	return 0;
}

/*
 * Call a manager method that returns a job, then wait until the job ends:
 * 0 done, 1 the call failed, 2 the job ended otherwise, 3 systemd took the
 * job but its end was not seen (the unit may exist: the caller stops it).
 */
static int call_with_job(sd_bus *bus, sd_bus_message *call, const char *what, bool gone_ok)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	sd_bus_slot *slot = NULL;
	struct job j = { 0 };
	const char *path;
	uint64_t deadline;
	int r, ret = 1;

	/*
	 * Before the call, without waiting for the bus's answer: it handles one
	 * connection's messages in order, so the match is in place before the
	 * job exists, and the signal may come right behind the reply.
	 */
	r = sd_bus_match_signal_async(bus, &slot, DEST, PATH, MANAGER, "JobRemoved",
				      on_job_removed, NULL, &j);
	if (r < 0)
		return fail(what, r, NULL);
	r = sd_bus_call(bus, call, JOB_TIMEOUT_USEC, &e, &reply);
	if (r < 0) {
		if (gone_ok && sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit"))
			ret = 0;
		else
			fail(what, r, &e);
		goto out;
	}
	r = sd_bus_message_read(reply, "o", &path);
	if (r < 0) {
		fail(what, r, NULL);
		goto out;
	}
	j.path = path;
	ret = 3; /* from here systemd has the job */
	deadline = now_usec() + JOB_TIMEOUT_USEC;
	while (!j.result) {
		uint64_t now;

		r = sd_bus_process(bus, NULL);
		if (r < 0) {
			fail(what, r, NULL);
			goto out;
		}
		if (r > 0)
			continue;
		now = now_usec();
		if (now >= deadline) {
			fprintf(stderr, "systemd: %s %s: job %s did not finish in 30 s\n", what,
				unit, path);
			goto out;
		}
		r = sd_bus_wait(bus, deadline - now);
		if (r < 0) {
			fail(what, r, NULL);
			goto out;
		}
	}
	if (strcmp(j.result, "done")) {
		fprintf(stderr, "systemd: %s %s: job ended with result \"%s\"\n", what, unit,
			j.result);
		ret = 2;
	} else {
		ret = 0;
	}
out:
	free(j.result);
	sd_bus_message_unref(reply);
	sd_bus_slot_unref(slot);
	sd_bus_error_free(&e);
	return ret;
}

/* Forget a failed unit (systemd keeps it loaded, and its name taken). */
static void reset_failed(sd_bus *bus)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;

	(void)sd_bus_call_method(bus, DEST, PATH, MANAGER, "ResetFailedUnit", &e, NULL, "s", unit);
	sd_bus_error_free(&e);
}

int main(int argc, char **argv)
{
	sd_bus *bus = NULL;
	sd_bus_message *m = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r, ret = 1;

	if (argc < 3 || (strcmp(argv[1], "start") && strcmp(argv[1], "stop") &&
			 strcmp(argv[1], "set")) ||
	    (!strcmp(argv[1], "stop") && argc != 3)) {
		fprintf(stderr, "usage: kura-systemd start|set UNIT NAME=SIG:VALUE... | stop UNIT\n");
		return 2;
	}
	verb = argv[1];
	unit = argv[2];
	r = sd_bus_open_system(&bus);
	if (r < 0) {
		fprintf(stderr, "systemd: cannot connect to the system bus: %s\n", strerror(-r));
		return 1;
	}
	if (!strcmp(verb, "start")) {
		r = sd_bus_message_new_method_call(bus, &m, DEST, PATH, MANAGER,
						   "StartTransientUnit");
		if (r >= 0)
			r = sd_bus_message_append(m, "ss", unit, "replace");
		if (r >= 0)
			r = append_props(m, argv + 3, argc - 3);
		if (r >= 0)
			r = sd_bus_message_append(m, "a(sa(sv))", 0);
		if (r >= 0) {
			ret = call_with_job(bus, m, "StartTransientUnit", false);
			if (ret == 2)
				reset_failed(bus);
		}
	} else if (!strcmp(verb, "stop")) {
		r = sd_bus_message_new_method_call(bus, &m, DEST, PATH, MANAGER, "StopUnit");
		if (r >= 0)
			r = sd_bus_message_append(m, "ss", unit, "replace");
		if (r >= 0) {
			ret = call_with_job(bus, m, "StopUnit", true);
			reset_failed(bus);
		}
	} else {
		r = sd_bus_message_new_method_call(bus, &m, DEST, PATH, MANAGER,
						   "SetUnitProperties");
		if (r >= 0)
			r = sd_bus_message_append(m, "sb", unit, 1);
		if (r >= 0)
			r = append_props(m, argv + 3, argc - 3);
		if (r >= 0) {
			r = sd_bus_call(bus, m, JOB_TIMEOUT_USEC, &e, NULL);
			if (r < 0)
				fail("SetUnitProperties", r, &e);
			else
				ret = 0;
			r = 0;
		}
	}
	if (r < 0 && r != -EINVAL)
		fail(verb, r, NULL);
	sd_bus_error_free(&e);
	sd_bus_message_unref(m);
	sd_bus_flush_close_unref(bus);
	/* 3 (a job whose end was not seen) tells kura the unit may exist */
	return ret == 3 ? 3 : ret ? 1 : 0;
}
