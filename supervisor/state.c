/* SPDX-License-Identifier: Apache-2.0 */
#include "state.h"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "spec.h"
#include "util.h"

int state_validate_id(const char *id, struct kerr *err)
{
	size_t len = id ? strlen(id) : 0;

	if (len == 0)
		return kerr_set(err, "container id cannot be empty");
	if (len > 1024)
		return kerr_set(err, "invalid id format: %.32s...: longer than 1024 characters", id);
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return kerr_set(err, "invalid id format: %s", id);
	for (const char *p = id; *p; p++) {
		char ch = *p;
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '_' || ch == '+' || ch == '-' ||
			  ch == '.';

		if (!ok)
			return kerr_set(err, "invalid id format: %s", id);
	}
	return 0;
}

static char *dup_json_string(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? strdup(v->valuestring) : NULL;
}

int state_load(const char *root, const char *id, struct container *c, struct kerr *err)
{
	char path[PATH_MAX];
	_cleanup_free_ char *text = NULL;
	cJSON *j, *v;
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
	snprintf(path, sizeof(path), "%s/state.json", c->dir);
	text = util_read_file(path, NULL, err);
	if (!text) {
		if (err->errnum == ENOENT) {
			/* the dir exists but create has not finished: "creating" */
			return 0;
		}
		state_free(c);
		return -1;
	}
	j = cJSON_Parse(text);
	if (!j) {
		state_free(c);
		return kerr_set(err, "%s: invalid JSON", path);
	}
	c->bundle = dup_json_string(j, "bundle");
	c->rootfs = dup_json_string(j, "rootfs");
	c->config_path = dup_json_string(j, "config");
	c->created = dup_json_string(j, "created");
	c->owner = dup_json_string(j, "owner");
	v = cJSON_GetObjectItemCaseSensitive(j, "pid");
	c->pid = cJSON_IsNumber(v) ? (pid_t)v->valuedouble : 0;
	v = cJSON_GetObjectItemCaseSensitive(j, "startTime");
	c->start_time = cJSON_IsString(v) ? strtoull(v->valuestring, NULL, 10) : 0;
	v = cJSON_GetObjectItemCaseSensitive(j, "systemdCgroup");
	c->systemd_cgroup = cJSON_IsTrue(v);
	v = cJSON_GetObjectItemCaseSensitive(j, "annotations");
	if (cJSON_IsObject(v))
		c->annotations = cJSON_Duplicate(v, 1);
	v = cJSON_GetObjectItemCaseSensitive(j, "cgroup");
	if (v && !cJSON_IsNull(v) && cgroup_from_json(v, &c->cg, err) < 0) {
		cJSON_Delete(j);
		state_free(c);
		return kerr_wrap(err, "%s", path);
	}
	cJSON_Delete(j);
	return 0;
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
	return 0;
}

int state_save(const struct container *c, struct kerr *err)
{
	char path[PATH_MAX];
	char st[32];
	cJSON *j = cJSON_CreateObject();
	char *text;
	int r;

	if (!j)
		return kerr_errno(err, ENOMEM, "state");
	cJSON_AddStringToObject(j, "id", c->id);
	cJSON_AddNumberToObject(j, "pid", c->pid);
	snprintf(st, sizeof(st), "%llu", (unsigned long long)c->start_time);
	cJSON_AddStringToObject(j, "startTime", st);
	cJSON_AddStringToObject(j, "bundle", c->bundle ? c->bundle : "");
	cJSON_AddStringToObject(j, "rootfs", c->rootfs ? c->rootfs : "");
	cJSON_AddStringToObject(j, "config", c->config_path ? c->config_path : "");
	cJSON_AddStringToObject(j, "created", c->created ? c->created : "");
	cJSON_AddStringToObject(j, "owner", c->owner ? c->owner : "");
	if (c->annotations)
		cJSON_AddItemToObject(j, "annotations", cJSON_Duplicate(c->annotations, 1));
	if (c->systemd_cgroup)
		cJSON_AddTrueToObject(j, "systemdCgroup");
	if (c->cg)
		cJSON_AddItemToObject(j, "cgroup", cgroup_to_json(c->cg));
	text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
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
	cJSON_Delete(c->annotations);
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

	if (c->pid == 0)
		return c->bundle ? STATUS_STOPPED : STATUS_CREATING;
	if (!state_init_alive(c))
		return STATUS_STOPPED;
	snprintf(path, sizeof(path), "%s/exec.fifo", c->dir);
	if (access(path, F_OK) == 0)
		return STATUS_CREATED;
	if (c->cg && cgroup_is_frozen(c->cg))
		return STATUS_PAUSED;
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

cJSON *state_oci_json(const struct container *c, enum container_status s)
{
	cJSON *j = cJSON_CreateObject();

	if (!j)
		return NULL;
	cJSON_AddStringToObject(j, "ociVersion", SPEC_OCI_VERSION);
	cJSON_AddStringToObject(j, "id", c->id);
	cJSON_AddNumberToObject(j, "pid", s == STATUS_STOPPED ? 0 : c->pid);
	cJSON_AddStringToObject(j, "status", state_status_name(s));
	cJSON_AddStringToObject(j, "bundle", c->bundle ? c->bundle : "");
	cJSON_AddStringToObject(j, "rootfs", c->rootfs ? c->rootfs : "");
	cJSON_AddStringToObject(j, "created", c->created ? c->created : "");
	cJSON_AddStringToObject(j, "owner", c->owner ? c->owner : "");
	if (c->annotations && cJSON_GetArraySize(c->annotations) > 0)
		cJSON_AddItemToObject(j, "annotations", cJSON_Duplicate(c->annotations, 1));
	return j;
}
