/* SPDX-License-Identifier: Apache-2.0 */
/* Usage texts: `kura --help`, `kura help VERB`, `kura VERB --help`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct usage {
	const char *verb;
	const char *text;
};

static const char general[] =
	"usage: kura [global flags] COMMAND [flags] [args]\n"
	"\n"
	"kura runs OCI containers; its command line is runc's.\n"
	"\n"
	"Commands:\n"
	"  check     validate a bundle and this host, reporting every problem\n"
	"  create    create a container (waits for start)\n"
	"  delete    delete a container and everything kura made for it\n"
	"  events    show container stats and OOM notices\n"
	"  exec      run a process in a running container\n"
	"  features  print the runtime features JSON\n"
	"  kill      send a signal to the container's init (or all processes)\n"
	"  list      list containers\n"
	"  pause     freeze every process of a container\n"
	"  ps        list the processes of a container\n"
	"  resume    thaw a paused container\n"
	"  run       create and start a container\n"
	"  spec      write a default config.json\n"
	"  start     start a created container\n"
	"  state     print the OCI state of a container\n"
	"  update    change a container's cgroup resources\n"
	"  help      show help for a command\n"
	"\n"
	"Global flags:\n"
	"  --root DIR            state directory (default /run/kura; $XDG_RUNTIME_DIR/kura for non-root)\n"
	"  --log FILE            log file (default: stderr only; one that cannot be opened fails)\n"
	"  --log-format FORMAT   text or json\n"
	"  --debug               debug logging; create, run, start and exec also print\n"
	"                        how long each step of the start took\n"
	"  --systemd-cgroup      cgroups through systemd: a transient unit per container,\n"
	"                        cgroupsPath \"slice:prefix:name\"\n"
	"  --rootless VALUE      true, false or auto\n"
	"  -h, --help            this help\n"
	"  -v, --version         version, commit, spec version and features\n";

/* Sorted by verb. */
static const struct usage usages[] = {
	{ "check", "usage: kura check [--bundle DIR]\n\n"
		   "Validate DIR/config.json and the host it would run on; print every problem\n"
		   "(and warn of misspelt keys).\n"
		   "  -b, --bundle DIR   bundle directory (default .)\n" },
	{ "create", "usage: kura create [flags] ID\n\n"
		    "  -b, --bundle DIR          bundle directory (default .)\n"
		    "      --console-socket PATH  unix socket that receives the pty master\n"
		    "      --pid-file PATH       write the init's host pid here\n"
		    "      --no-pivot            MS_MOVE + chroot instead of pivot_root\n"
		    "      --no-new-keyring      keep the caller's session keyring\n"
		    "      --preserve-fds N      pass N fds after stderr to the container\n" },
	{ "delete", "usage: kura delete [--force] ID\n\n"
		    "  -f, --force   kill a running container first\n" },
	{ "events", "usage: kura events [--stats] [--interval D] ID\n\n"
		    "      --stats        print one stats event and exit\n"
		    "      --interval D   seconds between stats (default 5s)\n" },
	{ "exec", "usage: kura exec [flags] ID [COMMAND [ARG...]]\n\n"
		  "  -p, --process FILE         process JSON (instead of COMMAND)\n"
		  "  -t, --tty                  allocate a pty\n"
		  "      --console-socket PATH  unix socket that receives the pty master\n"
		  "  -d, --detach               do not wait for the process\n"
		  "      --pid-file PATH        write the process's host pid here\n"
		  "  -e, --env K=V              add an environment variable\n"
		  "      --cwd DIR              working directory\n"
		  "  -u, --user UID[:GID]       user and group ids\n"
		  "  -g, --additional-gids GID  add a supplementary group\n"
		  "  -c, --cap CAP              add a capability\n"
		  "      --no-new-privs         set no_new_privs\n"
		  "      --preserve-fds N       pass N fds after stderr\n"
		  "      --process-label L      SELinux label\n"
		  "      --apparmor P           AppArmor profile\n"
		  "      --cgroup SUB           run in this existing sub-cgroup of the\n"
		  "                             container's: PATH, or CTRL[,CTRL]:PATH (v1)\n" },
	{ "features", "usage: kura features\n\nPrint the features JSON of the OCI runtime-spec.\n" },
	{ "kill", "usage: kura kill [--all] ID [SIGNAL]\n\n"
		  "SIGNAL: a name (KILL, SIGKILL, kill) or number; default TERM.\n"
		  "  -a, --all   signal every process of the container\n" },
	{ "list", "usage: kura list [--format table|json] [--quiet]\n\n"
		  "  -f, --format F   table or json\n"
		  "  -q, --quiet      ids only\n" },
	{ "pause", "usage: kura pause ID\n" },
	{ "ps", "usage: kura ps [--format table|json] ID [ps args]\n\n"
		"  -f, --format F   table (runs ps) or json (pids)\n" },
	{ "resume", "usage: kura resume ID\n" },
	{ "run", "usage: kura run [flags] ID\n\n"
		 "  -b, --bundle DIR           bundle directory (default .)\n"
		 "      --console-socket PATH  unix socket that receives the pty master\n"
		 "      --pid-file PATH        write the init's host pid here\n"
		 "  -d, --detach               return once started\n"
		 "      --keep                 keep the stopped container after its process\n"
		 "                             exits, until a delete\n"
		 "      --no-pivot             MS_MOVE + chroot instead of pivot_root\n"
		 "      --no-new-keyring       keep the caller's session keyring\n"
		 "      --preserve-fds N       pass N fds after stderr to the container\n" },
	{ "spec", "usage: kura spec [--rootless] [--bundle DIR]\n\n"
		  "Write a default config.json (refuses to overwrite one).\n"
		  "      --rootless     a config for an unprivileged user\n"
		  "  -b, --bundle DIR   where to write it (default .)\n" },
	{ "start", "usage: kura start ID\n" },
	{ "state", "usage: kura state ID\n" },
	{ "update", "usage: kura update [flags] ID\n\n"
		    "      --resources FILE|-       LinuxResources JSON\n"
		    "      --memory N               memory limit (bytes; k, m, g suffixes)\n"
		    "      --memory-swap N          memory+swap limit\n"
		    "      --memory-reservation N   soft limit\n"
		    "      --cpu-shares N           cpu shares\n"
		    "      --cpu-quota N            cfs quota (us)\n"
		    "      --cpu-period N           cfs period (us)\n"
		    "      --cpuset-cpus S          cpus\n"
		    "      --cpuset-mems S          memory nodes\n"
		    "      --pids-limit N           max pids\n"
		    "      --blkio-weight N         block io weight\n"
		    "      --l3-cache-schema S      Intel RDT L3 line (\"L3:0=7f0\"), linux.intelRdt\n"
		    "      --mem-bw-schema S        Intel RDT memory bandwidth line (\"MB:0=20\")\n" },
};

static int usage_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct usage *)elem)->verb);
}

void cmd_usage(const char *verb, bool to_stderr)
{
	FILE *f = to_stderr ? stderr : stdout;
	const struct usage *u = NULL;

	if (verb)
		u = bsearch(verb, usages, sizeof(usages) / sizeof(usages[0]), sizeof(usages[0]),
			    usage_cmp);
	if (!u) {
		fputs(general, f);
		return;
	}
	if (to_stderr) /* a hint after a bad flag: the usage line and where to look */
		fprintf(f, "%.*s\nRun 'kura help %s' for more.\n",
			(int)strcspn(u->text, "\n"), u->text, verb);
	else
		fputs(u->text, f);
}
