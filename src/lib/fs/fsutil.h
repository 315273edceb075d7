/* File-system helpers for the data directory and the files tor keeps:
 * private directories (0700, refused when group/world accessible), a lock
 * file, atomic writes, bounded reads, absolute paths. Functions that can
 * fail return -1 and write a reason into err. */
#ifndef TOR_LIB_FS_FSUTIL_H
#define TOR_LIB_FS_FSUTIL_H

#include <stddef.h>

/* Makes sure `dir` exists (creating it with mode 0700 when `create`), is a
 * directory owned by us, and is not accessible by group or others. */
int fs_check_private_dir(const char *dir, int create, char *err, size_t errlen);

/* Takes an exclusive, non-blocking lock on `path` (created 0600). Returns
 * the descriptor to keep open while the lock is held, -1 on error, or -2
 * when another process holds it. */
int fs_lock_file(const char *path, char *err, size_t errlen);

/* Writes data to path.tmp, fsyncs, and renames it over path. */
int fs_write_file_atomic(const char *path, const void *data, size_t len,
                         int mode, char *err, size_t errlen);

/* Reads a whole regular file of at most max_len bytes into a new
 * NUL-terminated buffer (free() it). -1 on error, *missing set on ENOENT. */
char *fs_read_file(const char *path, size_t max_len, size_t *len_out,
                   int *missing, char *err, size_t errlen);

/* A new absolute version of path (relative to the working directory). */
char *fs_make_path_absolute(const char *path);

#endif
