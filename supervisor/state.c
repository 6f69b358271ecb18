/* SPDX-License-Identifier: Apache-2.0 */
#include "state.h"

#include <jansson.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "specs/spec.h"
#include "util/util.h"

/*
 * runc's rule: ^[\w+-.]+$ ([A-Za-z0-9_+-.], 1.2 dropped the "," that 1.1's
 * range +-. let in; kura never took it), and not "." or "..".  runc has no
 * length limit of its own: an id past NAME_MAX (255 bytes) failed at mkdir
 * of the state dir with "file name too long", so kura says it up front.  An
 * id starting with '-' is refused too: every verb would read it as a flag.
 */
#define ID_RULE                                                                        \
	"an id is 1 to 255 characters of A-Z a-z 0-9 _ + - ., not starting with '-' " \
	"and not \".\" or \"..\""

int state_validate_id(const char *id, struct kerr *err)
{
	size_t len = id ? strlen(id) : 0;

	if (len == 0)
		return kerr_set(err, "container id cannot be empty");
	if (len > 255)
		return kerr_set(err, "invalid id format: %.32s...: %zu bytes long (" ID_RULE ")", id,
				len);
	if (id[0] == '-')
		return kerr_set(err, "invalid id format: %s: starts with '-' (" ID_RULE ")", id);
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return kerr_set(err, "invalid id format: %s (" ID_RULE ")", id);
	for (const char *p = id; *p; p++) {
		char ch = *p;
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '_' || ch == '+' || ch == '-' ||
			  ch == '.';

		if (!ok)
			return kerr_set(err, "invalid id format: %s (" ID_RULE ")", id);
	}
	return 0;
}

/* Lexical clean of an absolute path in place: "//", "." and ".." go (Go's filepath.Clean). */
static void clean_abs_path(char *p)
{
	char *out = p + 1;
	const char *in = p + 1;

	while (*in) {
		const char *end = strchr(in, '/');
		size_t n = end ? (size_t)(end - in) : strlen(in);

		if (n == 0 || (n == 1 && in[0] == '.')) {
			/* nothing */
		} else if (n == 2 && in[0] == '.' && in[1] == '.') {
			/* drop the last component and the '/' before it */
			while (out > p + 1 && out[-1] != '/')
				out--;
			if (out > p + 1)
				out--;
		} else {
			/* out never passes in: the copy only moves text left */
			if (out > p + 1)
				*out++ = '/';
			memmove(out, in, n);
			out += n;
		}
		in += n + (end ? 1 : 0);
	}
	*out = '\0';
}

int state_root_resolve(const char *root, char **abs, struct kerr *err)
{
	char cwd[PATH_MAX];
	struct stat st;

	*abs = NULL;
	if (!root || !*root)
		return kerr_set(err, "--root: must not be empty (a directory for the containers' state)");
	if (root[0] == '/') {
		*abs = strdup(root);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			return kerr_errno(err, errno, "--root %s: relative, and the cwd is unknown",
					  root);
		if (asprintf(abs, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, root) < 0)
			*abs = NULL;
	}
	if (!*abs)
		return kerr_errno(err, ENOMEM, "--root");
	clean_abs_path(*abs);
	if (strcmp(*abs, "/") == 0) {
		free(*abs);
		*abs = NULL;
		return kerr_set(err, "--root %s: must not be / (a directory for the containers' state)",
				root);
	}
	if (stat(*abs, &st) == 0 && !S_ISDIR(st.st_mode)) {
		kerr_set(err, "--root %s: not a directory", *abs);
		free(*abs);
		*abs = NULL;
		return -1;
	}
	return 0;
}

static char *dup_json_string(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? strdup(v) : NULL;
}

/*
 * The owner shown by state and list (table and JSON alike): the user that
 * owns the container's state dir, as runc's list computes it ("root", a
 * name from /etc/passwd, or "#UID").  runc's own state always says "", so
 * its list and state disagree; kura's agree, also for a "creating"
 * container, which has no state.json yet.
 */
static char *owner_of(uid_t uid)
{
	_cleanup_free_ char *text = NULL;
	struct kerr ignored;
	char *owner = NULL;
	size_t len = 0;

	if (uid == 0)
		return strdup("root");
	text = util_read_file("/etc/passwd", &len, &ignored);
	for (char *line = text, *next; line && *line; line = next) {
		char *f1, *f2, *end;
		unsigned long u;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		/* name:password:uid:... */
		f1 = strchr(line, ':');
		f2 = f1 ? strchr(f1 + 1, ':') : NULL;
		if (!f2 || f1 == line)
			continue;
		u = strtoul(f2 + 1, &end, 10);
		if (end != f2 + 1 && *end == ':' && u == (unsigned long)uid)
			return strndup(line, (size_t)(f1 - line));
	}
	if (asprintf(&owner, "#%u", (unsigned)uid) < 0)
		return NULL;
	return owner;
}

int state_load(const char *root, const char *id, struct container *c, struct kerr *err)
{
	char path[PATH_MAX];
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	json_t *j, *v;
	struct stat st;

	memset(c, 0, sizeof(*c));
	c->lock_fd = -1;
	if (state_validate_id(id, err) < 0)
		return -1;
	c->root = strdup(root);
	c->id = strdup(id);
	if (asprintf(&c->dir, "%s/%s", root, id) < 0 || !c->root || !c->id) {
		state_free(c);
		return kerr_errno(err, ENOMEM, "state");
	}
	if (stat(c->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		state_free(c);
		kerr_set(err, "container does not exist");
		err->errnum = ENOENT;
		return -1;
	}
	c->owner = owner_of(st.st_uid);
	snprintf(path, sizeof(path), "%s/state.json", c->dir);
	text = util_read_file(path, &len, err);
	if (!text) {
		if (err->errnum == ENOENT) {
			/* the dir exists but create has recorded nothing yet */
			kerr_clear(err);
			c->creating = true;
			return 0;
		}
		state_free(c);
		return -1;
	}
	j = json_loadb(text, len, 0, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		state_free(c);
		return kerr_set(err, "%s: invalid JSON", path);
	}
	c->bundle = dup_json_string(j, "bundle");
	c->rootfs = dup_json_string(j, "rootfs");
	c->config_path = dup_json_string(j, "config");
	c->created = dup_json_string(j, "created");
	c->pid = (pid_t)json_integer_value(json_object_get(j, "pid"));
	v = json_object_get(j, "startTime");
	c->start_time = json_is_string(v) ? strtoull(json_string_value(v), NULL, 10) : 0;
	c->systemd_cgroup = json_is_true(json_object_get(j, "systemdCgroup"));
	c->creating = json_is_true(json_object_get(j, "creating"));
	v = json_object_get(j, "rootfsMount");
	c->rootfs_mnt = json_is_string(v) ? strtoull(json_string_value(v), NULL, 10) : 0;
	v = json_object_get(j, "annotations");
	if (json_is_object(v))
		c->annotations = json_deep_copy(v);
	v = json_object_get(j, "cgroup");
	if (v && !json_is_null(v) && cgroup_from_json(v, &c->cg, err) < 0) {
		json_decref(j);
		state_free(c);
		return kerr_wrap(err, "%s", path);
	}
	json_decref(j);
	return 0;
}

/* The locked dir is still the one at its path (not removed, not replaced). */
static bool lock_still_there(int fd, const char *dir)
{
	struct stat locked, now;

	return fstat(fd, &locked) == 0 && locked.st_nlink > 0 && stat(dir, &now) == 0 &&
	       now.st_ino == locked.st_ino && now.st_dev == locked.st_dev;
}

static bool dir_exists(const char *root, const char *id)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", root, id);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int state_lock(struct container *c, struct kerr *err)
{
	if (c->lock_fd >= 0)
		return 0;
	c->lock_fd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->lock_fd < 0) {
		if (errno == ENOENT) {
			kerr_set(err, "container does not exist");
			err->errnum = ENOENT;
			return -1;
		}
		return kerr_errno(err, errno, "open %s", c->dir);
	}
	if (flock(c->lock_fd, LOCK_EX) < 0) {
		int e = errno;

		close(c->lock_fd);
		c->lock_fd = -1;
		return kerr_errno(err, e, "lock %s", c->dir);
	}
	/* removed while we waited (a delete that held the lock): it is gone */
	if (!lock_still_there(c->lock_fd, c->dir)) {
		close(c->lock_fd);
		c->lock_fd = -1;
		kerr_set(err, "container does not exist");
		err->errnum = ENOENT;
		return -1;
	}
	return 0;
}

int state_load_locked(const char *root, const char *id, struct container *c,
		      struct kerr *err)
{
	struct container probe = { .lock_fd = -1 };
	int fd;

	memset(c, 0, sizeof(*c));
	c->lock_fd = -1;
	if (state_validate_id(id, err) < 0)
		return -1;
	/* a dir replaced while we waited (deleted, made again): lock the new one */
	for (int tries = 0;; tries++) {
		if (asprintf(&probe.dir, "%s/%s", root, id) < 0) {
			probe.dir = NULL;
			return kerr_errno(err, ENOMEM, "state");
		}
		if (state_lock(&probe, err) == 0)
			break;
		free(probe.dir);
		probe.dir = NULL;
		if (err->errnum != ENOENT || tries >= 10 || !dir_exists(root, id))
			return -1;
	}
	fd = probe.lock_fd;
	free(probe.dir);
	if (state_load(root, id, c, err) < 0) {
		close(fd);
		return -1;
	}
	c->lock_fd = fd;
	return 0;
}

bool state_create_running(const struct container *c)
{
	_cleanup_close_ int fd = -1;

	if (!c->creating || c->lock_fd >= 0)
		return false;
	fd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	/* a probe that never waits: shared, dropped with the fd at once */
	if (flock(fd, LOCK_SH | LOCK_NB) == 0)
		return false;
	return errno == EWOULDBLOCK;
}

int state_save(const struct container *c, struct kerr *err)
{
	char path[PATH_MAX];
	char st[32];
	json_t *j;
	char *text;
	int r;

	snprintf(st, sizeof(st), "%llu", (unsigned long long)c->start_time);
	j = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s}", "id", c->id, "pid", (int)c->pid,
		      "startTime", st, "bundle", c->bundle ? c->bundle : "", "rootfs",
		      c->rootfs ? c->rootfs : "", "config", c->config_path ? c->config_path : "",
		      "created", c->created ? c->created : "", "owner", c->owner ? c->owner : "");
	if (!j)
		return kerr_errno(err, ENOMEM, "state");
	if (c->annotations)
		json_object_set(j, "annotations", c->annotations);
	if (c->systemd_cgroup)
		json_object_set_new(j, "systemdCgroup", json_true());
	if (c->creating)
		json_object_set_new(j, "creating", json_true());
	if (c->rootfs_mnt) {
		snprintf(st, sizeof(st), "%llu", (unsigned long long)c->rootfs_mnt);
		json_object_set_new(j, "rootfsMount", json_string(st));
	}
	if (c->cg)
		json_object_set_new(j, "cgroup", cgroup_to_json(c->cg));
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!text)
		return kerr_errno(err, ENOMEM, "state");
	snprintf(path, sizeof(path), "%s/state.json", c->dir);
	r = util_write_atomic(path, text, strlen(text), 0600, err);
	free(text);
	return r;
}

void state_free(struct container *c)
{
	free(c->root);
	free(c->id);
	free(c->dir);
	free(c->bundle);
	free(c->rootfs);
	free(c->config_path);
	free(c->created);
	free(c->owner);
	json_decref(c->annotations);
	if (c->cg)
		cgroup_free(c->cg);
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	memset(c, 0, sizeof(*c));
	c->lock_fd = -1;
}

/*
 * Field 22 (starttime) and field 3 (state) of /proc/PID/stat; the comm field
 * may hold spaces and parentheses, so parse from the last ')'.
 */
int state_proc_stat(pid_t pid, uint64_t *start_time, char *pstate)
{
	char path[64], buf[1024];
	_cleanup_close_ int fd = -1;
	ssize_t n;
	char *p;
	int field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -1;
	p += 2;
	if (pstate)
		*pstate = *p;
	for (field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p)
		return -1;
	*start_time = strtoull(p, NULL, 10);
	return 0;
}

bool state_init_alive(const struct container *c)
{
	uint64_t st;
	char ps;

	if (c->pid <= 0)
		return false;
	if (state_proc_stat(c->pid, &st, &ps) < 0)
		return false;
	if (st != c->start_time)
		return false; /* the pid was reused: not our init */
	return ps != 'Z' && ps != 'X';
}

enum container_status state_status(const struct container *c)
{
	char path[PATH_MAX];

	if (c->creating) {
		/*
		 * No init yet, or one a create killed half-way left waiting:
		 * "creating" (delete --force undoes it); an init that was
		 * recorded and died, once no create runs any more: "stopped".
		 */
		if (c->pid == 0 || state_init_alive(c) || state_create_running(c))
			return STATUS_CREATING;
		return STATUS_STOPPED;
	}
	if (c->pid == 0)
		return STATUS_STOPPED;
	if (!state_init_alive(c))
		return STATUS_STOPPED;
	/* frozen first, as runc: a created container can be paused too */
	if (c->cg && cgroup_is_frozen(c->cg))
		return STATUS_PAUSED;
	snprintf(path, sizeof(path), "%s/exec.fifo", c->dir);
	if (access(path, F_OK) == 0)
		return STATUS_CREATED;
	return STATUS_RUNNING;
}

const char *state_status_name(enum container_status s)
{
	static const char *const names[] = {
		[STATUS_CREATING] = "creating", [STATUS_CREATED] = "created",
		[STATUS_RUNNING] = "running",   [STATUS_PAUSED] = "paused",
		[STATUS_STOPPED] = "stopped",
	};
	return names[s];
}

json_t *state_oci_json(const struct container *c, enum container_status s)
{
	json_t *j = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s}", "ociVersion",
			      SPEC_OCI_VERSION, "id", c->id, "pid",
			      s == STATUS_STOPPED ? 0 : (int)c->pid, "status", state_status_name(s),
			      "bundle", c->bundle ? c->bundle : "", "rootfs",
			      c->rootfs ? c->rootfs : "", "created", c->created ? c->created : "",
			      "owner", c->owner ? c->owner : "");

	if (j && c->annotations && json_object_size(c->annotations) > 0)
		json_object_set(j, "annotations", c->annotations);
	return j;
}

/* Remove the files kura keeps in the state dir, then the dir. */
int state_dir_remove(const char *dir, struct kerr *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		if (errno == ENOENT)
			return 0;
		return kerr_errno(err, errno, "open %s", dir);
	}
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) < 0 && errno != ENOENT) {
			int saved = errno;

			closedir(d);
			return kerr_errno(err, saved, "remove %s/%s", dir, e->d_name);
		}
	}
	closedir(d);
	if (rmdir(dir) < 0 && errno != ENOENT)
		return kerr_errno(err, errno, "remove %s", dir);
	return 0;
}
