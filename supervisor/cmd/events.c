/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `kura events [--stats] [--interval D] ID`: runc's event stream, one JSON
 * object a line: {"type":"stats","id":ID,"data":{...}} every interval and
 * {"type":"oom","id":ID} when the OOM killer strikes, until the container
 * stops.  --stats prints one stats event and exits.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cgroup/cgroup.h"
#include "cmd.h"
#include "util/log.h"
#include "state.h"

/* Go's time.ParseDuration for one number and unit ("5s", "250ms", "1.5m"); bare = seconds. */
static int duration_parse(const char *s, long long *ms)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = { { "ns", 1e-6 }, { "us", 1e-3 }, { "µs", 1e-3 }, { "ms", 1 },
		      { "s", 1000 }, { "m", 60000 }, { "h", 3600000 }, { "", 1000 } };
	char *end;
	double v = strtod(s, &end);

	if (end == s || v < 0 || !isfinite(v))
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(end, units[i].unit)) {
			*ms = (long long)(v * units[i].ms);
			return *ms > 0 ? 0 : -1;
		}
	}
	return -1;
}

static void emit(json_t *ev)
{
	char *s = cgroup_json_dumps(ev);

	if (s) {
		printf("%s\n", s);
		fflush(stdout);
		free(s);
	}
	json_decref(ev);
}

static json_t *event_new(const char *type, const char *id)
{
	json_t *ev = json_object();

	json_object_set_new(ev, "type", json_string(type));
	json_object_set_new(ev, "id", json_string(id));
	return ev;
}

static int emit_stats(const struct container *c, struct kerr *err)
{
	json_t *data = cgroup_stats(c->cg, err), *ev;

	if (!data)
		return -1;
	ev = event_new("stats", c->id);
	json_object_set_new(ev, "data", data);
	emit(ev);
	return 0;
}

static void sleep_ms(long long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int cmd_events(struct kura_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stats", no_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct container c;
	struct kerr err;
	bool stats_once = false, under = false;
	long long interval = 5000, tick, since = 0;
	uint64_t ooms;
	int opt, rc = 1;
	enum container_status st;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (opt == 's') {
			stats_once = true;
		} else if (opt == 'i') {
			if (duration_parse(optarg, &interval) < 0) {
				log_error("events: --interval: invalid duration \"%s\"", optarg);
				return 1;
			}
		} else if (opt == 'h') {
			cmd_usage("events", false);
			return 0;
		} else {
			log_error("events: unknown flag \"%s\"", argv[optind - 1]);
			cmd_usage("events", true);
			return 1;
		}
	}
	if (optind != argc - 1) {
		log_error("events: %s", optind >= argc ? "container id is required" : "too many arguments");
		cmd_usage("events", true);
		return 1;
	}
	if (state_load(g->root, argv[optind], &c, &err) < 0) {
		log_error("%s", err.msg);
		return 1;
	}
	st = state_status(&c);
	if (st == STATUS_STOPPED || st == STATUS_CREATING) {
		log_error("container not running");
		goto out;
	}
	if (!c.cg) {
		log_error("events %s: the container has no cgroup", c.id);
		goto out;
	}
	if (stats_once) {
		if (emit_stats(&c, &err) < 0) {
			log_error("events %s: %s", c.id, err.msg);
			goto out;
		}
		rc = 0;
		goto out;
	}
	/* OOM kills are counted, so a short poll catches every one without a notifier */
	tick = interval < 200 ? interval : 200;
	ooms = cgroup_oom_count(c.cg, &under);
	for (;;) {
		bool now_under = false;
		uint64_t n;

		sleep_ms(tick);
		since += tick;
		if (state_status(&c) == STATUS_STOPPED)
			break;
		n = cgroup_oom_count(c.cg, &now_under);
		if (n > ooms || (now_under && !under))
			emit(event_new("oom", c.id));
		ooms = n;
		under = now_under;
		if (since >= interval) {
			since = 0;
			if (emit_stats(&c, &err) < 0) {
				log_error("events %s: %s", c.id, err.msg);
				goto out;
			}
		}
	}
	rc = 0;
out:
	state_free(&c);
	return rc;
}
