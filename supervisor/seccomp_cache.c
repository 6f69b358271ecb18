/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's seccomp filter, compiled by the supervisor and handed to
 * the init half as a sealed memfd of BPF.  libseccomp takes ~15 ms of CPU
 * for an engine's default profile (docker's, podman's: ~440 syscalls, three
 * architectures) and engines send the same profile to every container, so
 * the program is kept under the state root, <root>/@seccomp/<hash>.bpf ("@"
 * is not allowed in a container id).  A cache file holds the whole key it
 * was compiled for, compared byte for byte before use: every field of the
 * parsed profile, kura's version and binary, libseccomp's version and API
 * level, the kernel; the hash only names the file.  At most 64 files: a hit
 * touches its file, the one untouched longest makes room.  The state root is
 * root's alone (0700), and /run is emptied at boot.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <dirent.h>
#include <limits.h>
#include <time.h>
#include <unistd.h>

#include <seccomp.h>

#include "process/process_seccomp.h"
#include "seccomp_cache.h"
#include "util/util.h"

#define CACHE_MAGIC "KURA-SECCOMP-1\n"
#define CACHE_MAX_FILES 64

/* A string, length first: no name can be taken for the next field. */
static void put_str(FILE *f, const char *v)
{
	fprintf(f, "%zu:%s ", v ? strlen(v) : 0, v ? v : "");
}

static void put_strv(FILE *f, const struct spec_strv *v)
{
	fprintf(f, "[%zu ", v->n);
	for (size_t i = 0; i < v->n; i++)
		put_str(f, v->v[i]);
	fputs("] ", f);
}

/*
 * What the compiled program depends on: every field of the parsed profile
 * seccomp_compile reads (so the parser keeps nothing for it), and what
 * compiles it.
 */
static char *cache_key(const struct spec_seccomp *sec)
{
	const struct scmp_version *v = seccomp_version();
	struct utsname u;
	struct stat exe;
	char *key = NULL;
	size_t len = 0;
	FILE *f;

	/* this very binary too: a rebuild with the same version string is another compiler */
	if (uname(&u) < 0 || stat("/proc/self/exe", &exe) < 0 ||
	    !(f = open_memstream(&key, &len)))
		return NULL;
	fprintf(f, "kura %s %s exe %llu:%llu:%lld:%lld.%09ld\nlibseccomp %u.%u.%u api %u\n"
		   "kernel %s %s\n",
		KURA_VERSION, KURA_COMMIT, (unsigned long long)exe.st_dev,
		(unsigned long long)exe.st_ino, (long long)exe.st_size,
		(long long)exe.st_mtim.tv_sec, exe.st_mtim.tv_nsec, v ? v->major : 0,
		v ? v->minor : 0, v ? v->micro : 0, seccomp_api_get(), u.release, u.machine);
	fprintf(f, "default %u %d %u listener %d ", sec->default_action,
		sec->has_default_errno_ret, sec->default_errno_ret, sec->listener_path != NULL);
	put_strv(f, &sec->architectures);
	put_strv(f, &sec->flags);
	for (size_t i = 0; i < sec->n_syscalls; i++) {
		const struct spec_syscall *sc = &sec->syscalls[i];

		fprintf(f, "\nsyscall %u %d %u ", sc->action, sc->has_errno_ret, sc->errno_ret);
		put_strv(f, &sc->names);
		for (size_t k = 0; k < sc->n_args; k++)
			fprintf(f, "(%u %d %llu %llu) ", sc->args[k].index, sc->args[k].op,
				(unsigned long long)sc->args[k].value,
				(unsigned long long)sc->args[k].value_two);
	}
	if (fclose(f) != 0) {
		free(key);
		return NULL;
	}
	return key;
}

/* FNV-1a, 64 bits: names the file, decides nothing. */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* The cached program for exactly this key, or NULL. */
static void *cache_read(const char *path, const char *key, size_t *len)
{
	size_t n = 0, kl = strlen(key), ml = strlen(CACHE_MAGIC);
	struct kerr ignored;
	char *buf = util_read_file(path, &n, &ignored);
	void *bpf;

	if (!buf)
		return NULL;
	if (n <= ml + kl + 1 || memcmp(buf, CACHE_MAGIC, ml) || memcmp(buf + ml, key, kl) ||
	    buf[ml + kl] != '\0' || (n - ml - kl - 1) % 8) {
		free(buf);
		return NULL;
	}
	*len = n - ml - kl - 1;
	bpf = malloc(*len);
	if (bpf)
		memcpy(bpf, buf + ml + kl + 1, *len);
	free(buf);
	return bpf;
}

/* At most CACHE_MAX_FILES: the one untouched longest makes room. */
static void make_room(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char oldest[NAME_MAX + 1] = "";
	struct timespec when = { 0 };
	size_t n = 0;

	if (!d)
		return;
	while ((e = readdir(d))) {
		struct stat st;

		if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		n++;
		if (!oldest[0] || st.st_mtim.tv_sec < when.tv_sec ||
		    (st.st_mtim.tv_sec == when.tv_sec && st.st_mtim.tv_nsec < when.tv_nsec)) {
			snprintf(oldest, sizeof(oldest), "%s", e->d_name);
			when = st.st_mtim;
		}
	}
	if (n >= CACHE_MAX_FILES && oldest[0])
		(void)unlinkat(dirfd(d), oldest, 0);
	closedir(d);
}

/* Best effort: a cache that cannot be written only costs the next compile. */
static void cache_write(const char *dir, const char *path, const char *key, const void *bpf,
			size_t len)
{
	size_t ml = strlen(CACHE_MAGIC), kl = strlen(key) + 1;
	struct kerr ignored;
	char *buf;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return;
	make_room(dir);
	buf = malloc(ml + kl + len);
	if (!buf)
		return;
	memcpy(buf, CACHE_MAGIC, ml);
	memcpy(buf + ml, key, kl);
	memcpy(buf + ml + kl, bpf, len);
	(void)util_write_atomic(path, buf, ml + kl + len, 0600, &ignored);
	free(buf);
}

int seccomp_prepare(const struct spec *s, const char *root, int minfd, int *out,
		    struct kerr *err)
{
	_cleanup_free_ char *key = NULL, *dir = NULL, *path = NULL;
	_cleanup_free_ void *bpf = NULL;
	_cleanup_close_ int fd = -1;
	size_t len = 0;

	*out = -1;
	if (!s->has_linux || !s->linux_.seccomp.present)
		return 0;
	key = cache_key(&s->linux_.seccomp);
	if (key && root && asprintf(&dir, "%s/@seccomp", root) < 0)
		dir = NULL;
	if (dir && asprintf(&path, "%s/%016llx.bpf", dir, (unsigned long long)fnv1a(key)) < 0)
		path = NULL;
	if (path) {
		bpf = cache_read(path, key, &len);
		if (bpf)
			(void)utimensat(AT_FDCWD, path, NULL, 0); /* recently used */
	}
	if (!bpf) {
		if (seccomp_compile(&s->linux_.seccomp, &bpf, &len, err) < 0)
			return -1;
		if (path)
			cache_write(dir, path, key, bpf, len);
	}
	fd = memfd_create("kura-seccomp", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return kerr_errno(err, errno, "seccomp: memfd");
	if (util_write_all(fd, bpf, len) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) < 0)
		return kerr_errno(err, errno, "seccomp: memfd");
	*out = fd_move_above(take_fd(&fd), minfd);
	if (*out < 0)
		return kerr_errno(err, errno, "seccomp: memfd");
	return 0;
}
