/* SPDX-License-Identifier: Apache-2.0 */
/* `kura spec [--rootless] [--bundle DIR]`: write a default config.json. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "util/log.h"
#include "specs/spec.h"
#include "util/util.h"

int cmd_spec(struct kura_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rootless", no_argument, NULL, 'r' },
		{ "bundle", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *bundle = ".";
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	char path[PATH_MAX];
	bool rootless = false;
	int opt;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+b:h", opts, NULL)) != -1) {
		if (opt == 'r') {
			rootless = true;
		} else if (opt == 'b') {
			bundle = optarg;
		} else if (opt == 'h') {
			cmd_usage("spec", false);
			return 0;
		} else {
			log_error("spec: %s \"%s\"",
				  opt == ':' || (opt == '?' && optopt == 'b') ? "missing value of flag"
									       : "unknown flag",
				  argv[optind - 1]);
			cmd_usage("spec", true);
			return 1;
		}
	}
	if (optind < argc) {
		log_error("spec: unexpected argument \"%s\"", argv[optind]);
		cmd_usage("spec", true);
		return 1;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/config.json", bundle) >= sizeof(path)) {
		log_error("spec: bundle path too long");
		return 1;
	}
	text = spec_default_json(rootless);
	if (!text) {
		log_error("spec: build the default config: out of memory");
		return 1;
	}
	/* O_EXCL: never clobber a config someone edited (runc refuses too). */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 && errno == EEXIST) {
		log_error("File config.json exists. Remove it first");
		return 1;
	}
	if (fd < 0) {
		log_error("spec: create %s: %m", path);
		return 1;
	}
	/* The umask must not decide who may read the bundle's config. */
	if (fchmod(fd, 0644) < 0 || util_write_all(fd, text, strlen(text)) < 0 ||
	    util_write_all(fd, "\n", 1) < 0) {
		log_error("spec: write %s: %m", path);
		unlink(path);
		return 1;
	}
	if (close(take_fd(&fd)) < 0) {
		log_error("spec: write %s: %m", path);
		unlink(path);
		return 1;
	}
	return 0;
}
