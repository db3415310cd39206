#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
fs_join(char *out, size_t outlen, const char *a, const char *b)
{
	size_t alen = strlen(a);
	const char *sep = (alen > 0 && a[alen - 1] == '/') ? "" : "/";
	int n = snprintf(out, outlen, "%s%s%s", a, sep, b);
	if (n < 0 || (size_t)n >= outlen) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
fsync_parent(const char *path)
{
	char copy[PATH_MAX];
	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy))
		return -1;
	int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	int r = fsync(dfd);
	close(dfd);
	return r;
}

static int
write_via_temp(const char *path, const void *data, size_t len, mode_t mode,
    int durable)
{
	char tmp[PATH_MAX];
	int n = snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    mode);
	if (fd < 0)
		return -1;
	if (write_all(fd, data, len) != 0 || (durable && fsync(fd) != 0)) {
		int saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		return -1;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		int saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return durable ? fsync_parent(path) : 0;
}

int
fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	return write_via_temp(path, data, len, mode, 1);
}

int
fs_write_replace(const char *path, const void *data, size_t len, mode_t mode)
{
	return write_via_temp(path, data, len, mode, 0);
}

/* Reads to the end rather than trusting st_size: files in /proc and
 * cgroupfs report 0 and still have content. */
char *
fs_read_capped(const char *path, size_t cap, size_t *len_out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > cap) {
		int saved = errno;
		if (fstat(fd, &st) == 0)
			saved = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		close(fd);
		errno = saved;
		return NULL;
	}
	size_t size = st.st_size > 0 ? (size_t)st.st_size : 4096;
	if (size > cap)
		size = cap;
	char *buf = malloc(size + 1);
	if (buf == NULL) {
		close(fd);
		return NULL;
	}
	size_t got = 0;
	for (;;) {
		if (got == size) {
			if (size >= cap)
				break;
			size_t bigger = size * 2 > cap ? cap : size * 2;
			char *grown = realloc(buf, bigger + 1);
			if (grown == NULL) {
				free(buf);
				close(fd);
				return NULL;
			}
			buf = grown;
			size = bigger;
		}
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	/* Still more to read at the cap: the file is over it. */
	char probe;
	if (got == cap && read(fd, &probe, 1) == 1) {
		free(buf);
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	close(fd);
	buf[got] = '\0';
	if (len_out)
		*len_out = got;
	return buf;
}

static int
mkdir_or_dir(const char *path, mode_t mode)
{
	struct stat st;
	if (mkdir(path, mode) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	if (stat(path, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

int
fs_mkdirs(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir_or_dir(buf, mode) != 0)
			return -1;
		*p = '/';
	}
	return mkdir_or_dir(buf, mode);
}

int
fs_copy_file(const char *src, const char *dst, mode_t mode)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", dst, (int)getpid()) >=
	    (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0) {
		int saved = errno;
		close(in);
		errno = saved;
		return -1;
	}
	char buf[65536];
	ssize_t n;
	int r = 0;
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write_all(out, buf, (size_t)n) != 0) {
			r = -1;
			break;
		}
	}
	int saved = errno;
	close(in);
	if (r == 0 && fsync(out) != 0)
		r = -1;
	if (close(out) != 0)
		r = -1;
	if (r == 0 && rename(tmp, dst) != 0)
		r = -1;
	if (r != 0) {
		saved = errno;
		unlink(tmp);
	}
	errno = saved;
	return r;
}

static int
remove_entry(const char *path, const struct stat *st, int type,
    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (type == FTW_DP ? rmdir(path) : unlink(path)) == 0 ||
	    errno == ENOENT ? 0 : -1;
}

int
fs_remove_tree(const char *path)
{
	int r = nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return (r != 0 && errno == ENOENT) ? 0 : r;
}
