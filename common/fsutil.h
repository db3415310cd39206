/* Small file-system helpers whose failure modes matter for data safety. */
#ifndef RTFORGE_FSUTIL_H
#define RTFORGE_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

/* Writes data to path atomically: a temp file beside it, fsync, rename,
 * fsync of the directory. The old content stays whole on any failure. */
int fs_write_atomic(const char *path, const void *data, size_t len,
    mode_t mode);
/* Like fs_write_atomic but without the fsyncs, for state that is rewritten
 * often and whose loss costs nothing (a progress percentage). */
int fs_write_replace(const char *path, const void *data, size_t len,
    mode_t mode);
/* Reads at most cap bytes; fails (errno EFBIG) if the file is larger.
 * Returns a NUL-terminated malloc'd buffer. */
char *fs_read_capped(const char *path, size_t cap, size_t *len_out);
/* mkdir -p with the given mode for every component it creates. */
int fs_mkdirs(const char *path, mode_t mode);
/* Joins a and b with one '/'; fails when out is too small. */
int fs_join(char *out, size_t outlen, const char *a, const char *b);
/* Copies src to dst (through dst.tmp, fsync, rename). */
int fs_copy_file(const char *src, const char *dst, mode_t mode);
/* Removes a directory tree without following symlinks. */
int fs_remove_tree(const char *path);

#endif
