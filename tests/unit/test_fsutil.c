/* Unit tests for common/fsutil.c: atomic writes (content, mode, no temp
 * file left behind, old content kept on failure), capped reads, mkdir -p,
 * path joining, file copies and tree removal that does not follow
 * symlinks. Everything happens under one mkdtemp() directory. */
#include "fsutil.h"
#include "testlib.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];

/* ---- helpers ---- */

static void
path_in(char *out, size_t outlen, const char *name)
{
	snprintf(out, outlen, "%s/%s", tmpdir, name);
}

static bool
exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static int
mode_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

static bool
is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* True when the file holds exactly len bytes equal to want. */
static bool
file_is(const char *path, const void *want, size_t len)
{
	char *buf = malloc(len + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = -1;
	bool same;

	if (buf != NULL && fd >= 0)
		n = read(fd, buf, len + 1);
	same = n == (ssize_t)len && memcmp(buf, want, len) == 0;
	if (fd >= 0)
		close(fd);
	free(buf);
	return same;
}

static void
write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
		perror(path);
		exit(2);
	}
	close(fd);
}

/* Entries in dir whose name contains ".tmp". */
static int
count_temp_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strstr(e->d_name, ".tmp") != NULL)
			n++;
	closedir(d);
	return n;
}

/* ---- fs_join ---- */

static void
test_join(void)
{
	char out[16];

	CHECK(fs_join(out, sizeof(out), "a", "b") == 0);
	CHECK_STR(out, "a/b");
	CHECK(fs_join(out, sizeof(out), "a/", "b") == 0);
	CHECK_STR(out, "a/b");
	CHECK(fs_join(out, sizeof(out), "/", "etc") == 0);
	CHECK_STR(out, "/etc");
	CHECK(fs_join(out, sizeof(out), "/var/lib", "x.json") == 0);
	CHECK_STR(out, "/var/lib/x.json");
	/* "0123456/89abcde" is 15 bytes: fits 16 exactly. */
	CHECK(fs_join(out, sizeof(out), "0123456", "89abcde") == 0);
	CHECK_STR(out, "0123456/89abcde");
	errno = 0;
	CHECK(fs_join(out, sizeof(out), "0123456", "89abcdef") == -1);
	CHECK(errno == ENAMETOOLONG);
	CHECK(fs_join(out, 4, "abc", "d") == -1);
	CHECK(fs_join(out, 1, "", "") == -1);
}

/* ---- fs_write_atomic / fs_write_replace ---- */

static void
test_write_atomic_new_and_replace(void)
{
	char path[256];
	static const char first[] = "{\"status\":\"queued\",\"id\":1}";
	static const char second[] = "{\"id\":1}";

	path_in(path, sizeof(path), "record.json");
	CHECK(fs_write_atomic(path, first, strlen(first), 0640) == 0);
	CHECK(file_is(path, first, strlen(first)));
	CHECK(mode_of(path) == 0640);
	/* Shorter content replaces, with nothing of the old left over. */
	CHECK(fs_write_atomic(path, second, strlen(second), 0600) == 0);
	CHECK(file_is(path, second, strlen(second)));
	CHECK(mode_of(path) == 0600);
	CHECK(count_temp_files(tmpdir) == 0);
	/* Empty content. */
	CHECK(fs_write_atomic(path, "", 0, 0600) == 0);
	CHECK(file_is(path, "", 0));
	/* Binary content with NUL bytes. */
	CHECK(fs_write_atomic(path, "a\0b\0", 4, 0600) == 0);
	CHECK(file_is(path, "a\0b\0", 4));
	CHECK(count_temp_files(tmpdir) == 0);
	unlink(path);
}

/* The new file is a new inode: a hard link to the old one keeps the old
 * content, as a reader holding it open would. */
static void
test_write_atomic_is_a_rename(void)
{
	char path[256], link_path[256];
	struct stat before, after;

	path_in(path, sizeof(path), "renamed.json");
	path_in(link_path, sizeof(link_path), "renamed.link");
	CHECK(fs_write_atomic(path, "old", 3, 0644) == 0);
	CHECK(link(path, link_path) == 0);
	CHECK(stat(path, &before) == 0);
	CHECK(fs_write_atomic(path, "new!", 4, 0644) == 0);
	CHECK(stat(path, &after) == 0);
	CHECK(before.st_ino != after.st_ino);
	CHECK(file_is(path, "new!", 4));
	CHECK(file_is(link_path, "old", 3));
	unlink(path);
	unlink(link_path);
}

static void
test_write_atomic_failures_leave_no_temp(void)
{
	char path[256], dir[256];

	/* The target is a directory: rename fails, the temp file goes. */
	path_in(dir, sizeof(dir), "is-a-dir");
	CHECK(mkdir(dir, 0755) == 0);
	CHECK(fs_write_atomic(dir, "x", 1, 0644) == -1);
	CHECK(is_dir(dir));
	CHECK(count_temp_files(tmpdir) == 0);
	CHECK(fs_write_replace(dir, "x", 1, 0644) == -1);
	CHECK(count_temp_files(tmpdir) == 0);
	rmdir(dir);
	/* The parent does not exist. */
	path_in(path, sizeof(path), "missing/record.json");
	errno = 0;
	CHECK(fs_write_atomic(path, "x", 1, 0644) == -1);
	CHECK(errno == ENOENT);
	CHECK(!exists(path));
}

static void
test_write_replace(void)
{
	char path[256];

	path_in(path, sizeof(path), "progress");
	CHECK(fs_write_replace(path, "41", 2, 0644) == 0);
	CHECK(fs_write_replace(path, "100", 3, 0644) == 0);
	CHECK(file_is(path, "100", 3));
	CHECK(mode_of(path) == 0644);
	CHECK(count_temp_files(tmpdir) == 0);
	unlink(path);
}

/* ---- fs_read_capped ---- */

static void
test_read_capped(void)
{
	char path[256];
	size_t len = 99;
	char *s;

	path_in(path, sizeof(path), "ten");
	write_file(path, "0123456789", 10);
	s = fs_read_capped(path, 10, &len);	/* exactly at the cap */
	CHECK(s != NULL);
	CHECK(len == 10);
	if (s != NULL)
		CHECK_STR(s, "0123456789");
	free(s);
	s = fs_read_capped(path, 1 << 20, NULL);	/* len_out optional */
	CHECK(s != NULL && strcmp(s, "0123456789") == 0);
	free(s);
	errno = 0;
	CHECK(fs_read_capped(path, 9, &len) == NULL);
	CHECK(errno == EFBIG);
	errno = 0;
	CHECK(fs_read_capped(path, 0, &len) == NULL);
	CHECK(errno == EFBIG);
	unlink(path);

	path_in(path, sizeof(path), "empty");
	write_file(path, "", 0);
	len = 99;
	s = fs_read_capped(path, 0, &len);
	CHECK(s != NULL && s[0] == '\0' && len == 0);
	free(s);
	unlink(path);

	path_in(path, sizeof(path), "binary");
	write_file(path, "a\0b", 3);
	s = fs_read_capped(path, 3, &len);
	CHECK(s != NULL && len == 3 && memcmp(s, "a\0b", 4) == 0);
	free(s);
	unlink(path);

	errno = 0;
	CHECK(fs_read_capped(tmpdir, 1 << 20, &len) == NULL);	/* a dir */
	CHECK(errno == EINVAL);
	path_in(path, sizeof(path), "no-such-file");
	errno = 0;
	CHECK(fs_read_capped(path, 10, &len) == NULL);
	CHECK(errno == ENOENT);
}

/* ---- fs_mkdirs ---- */

static void
test_mkdirs(void)
{
	char path[256], part[256], file[256];

	path_in(path, sizeof(path), "state/jobs/deep");
	CHECK(fs_mkdirs(path, 0750) == 0);
	CHECK(is_dir(path));
	CHECK(mode_of(path) == 0750);
	path_in(part, sizeof(part), "state");
	CHECK(mode_of(part) == 0750);
	path_in(part, sizeof(part), "state/jobs");
	CHECK(mode_of(part) == 0750);
	/* Again: nothing to do, no error. */
	CHECK(fs_mkdirs(path, 0750) == 0);
	/* A trailing slash and doubled slashes are fine. */
	path_in(path, sizeof(path), "state//logs/");
	CHECK(fs_mkdirs(path, 0700) == 0);
	path_in(part, sizeof(part), "state/logs");
	CHECK(is_dir(part));

	/* A file in the middle of the path. */
	path_in(file, sizeof(file), "state/plain");
	write_file(file, "x", 1);
	path_in(path, sizeof(path), "state/plain/sub");
	errno = 0;
	CHECK(fs_mkdirs(path, 0750) == -1);
	CHECK(errno == ENOTDIR);
}

/* mkdir -p on a path that names a regular file fails ("File exists"):
 * the caller wanted a directory there and will not get one. */
static void
test_mkdirs_on_a_file_fails(void)
{
	char file[256];

	CHECK(fs_mkdirs(tmpdir, 0750) == 0);	/* an existing dir is fine */
	path_in(file, sizeof(file), "plain-leaf");
	write_file(file, "x", 1);
	CHECK(fs_mkdirs(file, 0750) == -1);
	CHECK(!is_dir(file));
	unlink(file);
}

static void
test_mkdirs_too_long(void)
{
	static char path[PATH_MAX + 64];

	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	errno = 0;
	CHECK(fs_mkdirs(path, 0750) == -1);
	CHECK(errno == ENAMETOOLONG);
}

/* ---- fs_copy_file ---- */

static void
test_copy_file(void)
{
	static unsigned char big[200000];	/* several read buffers */
	char src[256], dst[256];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 7 + i / 251);
	path_in(src, sizeof(src), "blob.wasm");
	path_in(dst, sizeof(dst), "blob-copy.wasm");
	write_file(src, big, sizeof(big));
	CHECK(fs_copy_file(src, dst, 0640) == 0);
	CHECK(file_is(dst, big, sizeof(big)));
	CHECK(mode_of(dst) == 0640);
	CHECK(count_temp_files(tmpdir) == 0);
	/* Over an existing, longer file. */
	write_file(src, "short", 5);
	CHECK(fs_copy_file(src, dst, 0640) == 0);
	CHECK(file_is(dst, "short", 5));
	/* An empty source. */
	write_file(src, "", 0);
	CHECK(fs_copy_file(src, dst, 0640) == 0);
	CHECK(file_is(dst, "", 0));
	unlink(src);
	unlink(dst);
}

static void
test_copy_file_failures(void)
{
	char src[256], dst[256];

	path_in(src, sizeof(src), "no-such-source");
	path_in(dst, sizeof(dst), "never-made");
	errno = 0;
	CHECK(fs_copy_file(src, dst, 0640) == -1);
	CHECK(errno == ENOENT);
	CHECK(!exists(dst));
	CHECK(count_temp_files(tmpdir) == 0);

	path_in(src, sizeof(src), "real-source");
	write_file(src, "data", 4);
	path_in(dst, sizeof(dst), "missing-dir/copy");
	CHECK(fs_copy_file(src, dst, 0640) == -1);
	CHECK(!exists(dst));
	/* The target is a directory: rename fails, the temp file goes. */
	path_in(dst, sizeof(dst), "dir-target");
	CHECK(mkdir(dst, 0755) == 0);
	CHECK(fs_copy_file(src, dst, 0640) == -1);
	CHECK(is_dir(dst));
	CHECK(count_temp_files(tmpdir) == 0);
	rmdir(dst);
	unlink(src);
}

/* ---- fs_remove_tree ---- */

static void
test_remove_tree_keeps_symlink_targets(void)
{
	char tree[256], p[256], outside[256], outside_file[256];

	path_in(outside, sizeof(outside), "outside");
	CHECK(mkdir(outside, 0755) == 0);
	path_in(outside_file, sizeof(outside_file), "outside/keep.txt");
	write_file(outside_file, "keep", 4);

	path_in(tree, sizeof(tree), "tree");
	path_in(p, sizeof(p), "tree/a/b/c");
	CHECK(fs_mkdirs(p, 0755) == 0);
	path_in(p, sizeof(p), "tree/a/file1");
	write_file(p, "1", 1);
	path_in(p, sizeof(p), "tree/a/b/c/file2");
	write_file(p, "2", 1);
	path_in(p, sizeof(p), "tree/a/b/empty");
	CHECK(mkdir(p, 0755) == 0);
	path_in(p, sizeof(p), "tree/a/link-to-dir");
	CHECK(symlink(outside, p) == 0);
	path_in(p, sizeof(p), "tree/link-to-file");
	CHECK(symlink(outside_file, p) == 0);
	path_in(p, sizeof(p), "tree/dangling");
	CHECK(symlink("/nonexistent/rtforge-test", p) == 0);

	CHECK(fs_remove_tree(tree) == 0);
	CHECK(!exists(tree));
	CHECK(is_dir(outside));
	CHECK(file_is(outside_file, "keep", 4));
	unlink(outside_file);
	rmdir(outside);
}

static void
test_remove_tree_edges(void)
{
	char p[256];

	path_in(p, sizeof(p), "never-existed");
	CHECK(fs_remove_tree(p) == 0);
	path_in(p, sizeof(p), "single-file");
	write_file(p, "x", 1);
	CHECK(fs_remove_tree(p) == 0);
	CHECK(!exists(p));
	/* A symlink given as the root is removed, not followed. */
	char target[256];
	path_in(target, sizeof(target), "root-target");
	CHECK(mkdir(target, 0755) == 0);
	path_in(p, sizeof(p), "root-link");
	CHECK(symlink(target, p) == 0);
	CHECK(fs_remove_tree(p) == 0);
	CHECK(!exists(p));
	CHECK(is_dir(target));
	rmdir(target);
}

int
main(void)
{
	umask(022);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/rtforge-test-fsutil-XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	RUN(test_join);
	RUN(test_write_atomic_new_and_replace);
	RUN(test_write_atomic_is_a_rename);
	RUN(test_write_atomic_failures_leave_no_temp);
	RUN(test_write_replace);
	RUN(test_read_capped);
	RUN(test_mkdirs);
	RUN(test_mkdirs_on_a_file_fails);
	RUN(test_mkdirs_too_long);
	RUN(test_copy_file);
	RUN(test_copy_file_failures);
	RUN(test_remove_tree_keeps_symlink_targets);
	RUN(test_remove_tree_edges);
	CHECK(fs_remove_tree(tmpdir) == 0);
	CHECK(!exists(tmpdir));
	return testlib_summary();
}
