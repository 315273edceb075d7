/* File-system helpers: see fsutil.h. */
#include "orconfig.h"
#include "lib/fs/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

int
fs_check_private_dir(const char *dir, int create, char *err, size_t errlen)
{
  struct stat st;
  if (stat(dir, &st) < 0) {
    if (errno != ENOENT || !create) {
      snprintf(err, errlen, "Directory %s cannot be read: %s", dir, strerror(errno));
      return -1;
    }
    if (mkdir(dir, 0700) < 0) {
      snprintf(err, errlen, "Error creating directory %s: %s", dir, strerror(errno));
      return -1;
    }
    if (stat(dir, &st) < 0) {
      snprintf(err, errlen, "Directory %s cannot be read: %s", dir, strerror(errno));
      return -1;
    }
  }
  if (!S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "%s is not a directory", dir);
    return -1;
  }
  if (st.st_uid != geteuid()) {
    snprintf(err, errlen, "%s is not owned by this user (uid %u) but by uid %u. "
             "Perhaps you are running Tor as the wrong user?",
             dir, (unsigned)geteuid(), (unsigned)st.st_uid);
    return -1;
  }
  if (st.st_mode & 077) {
    snprintf(err, errlen, "Permissions on directory %s are too permissive "
             "(mode %04o; group and others must have no access). "
             "Fix it with: chmod 700 %s", dir, (unsigned)(st.st_mode & 07777), dir);
    return -1;
  }
  return 0;
}

int
fs_lock_file(const char *path, char *err, size_t errlen)
{
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    snprintf(err, errlen, "Couldn't open %s for locking: %s", path, strerror(errno));
    return -1;
  }
  if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
    int e = errno;
    close(fd);
    if (e == EWOULDBLOCK) {
      snprintf(err, errlen, "It looks like another Tor process is running with the "
               "same data directory (%s is locked).", path);
      return -2;
    }
    snprintf(err, errlen, "Couldn't lock %s: %s", path, strerror(e));
    return -1;
  }
  return fd;
}

int
fs_write_file_atomic(const char *path, const void *data, size_t len, int mode,
                     char *err, size_t errlen)
{
  char tmp[4096];
  if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
    snprintf(err, errlen, "path too long: %s", path);
    return -1;
  }
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    snprintf(err, errlen, "Couldn't open %s for writing: %s", tmp, strerror(errno));
    return -1;
  }
  const char *p = data;
  size_t left = len;
  while (left > 0) {
    ssize_t w = write(fd, p, left);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0) {
      snprintf(err, errlen, "Couldn't write %s: %s", tmp, strerror(errno));
      close(fd);
      unlink(tmp);
      return -1;
    }
    p += w;
    left -= (size_t)w;
  }
  if (fsync(fd) < 0 || close(fd) < 0) {
    snprintf(err, errlen, "Couldn't finish writing %s: %s", tmp, strerror(errno));
    unlink(tmp);
    return -1;
  }
  if (rename(tmp, path) < 0) {
    snprintf(err, errlen, "Couldn't replace %s: %s", path, strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}

char *
fs_read_file(const char *path, size_t max_len, size_t *len_out, int *missing,
             char *err, size_t errlen)
{
  if (missing)
    *missing = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (missing)
      *missing = errno == ENOENT;
    snprintf(err, errlen, "Couldn't open %s: %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    snprintf(err, errlen, "%s is not a regular file", path);
    close(fd);
    return NULL;
  }
  if ((unsigned long long)st.st_size > max_len) {
    snprintf(err, errlen, "%s is too large (%lld bytes; at most %zu)", path,
             (long long)st.st_size, max_len);
    close(fd);
    return NULL;
  }
  size_t cap = (size_t)st.st_size + 1;
  char *buf = malloc(cap);
  size_t len = 0;
  if (!buf) {
    snprintf(err, errlen, "out of memory reading %s", path);
    close(fd);
    return NULL;
  }
  while (len < cap - 1) {
    ssize_t r = read(fd, buf + len, cap - 1 - len);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      snprintf(err, errlen, "Couldn't read %s: %s", path, strerror(errno));
      free(buf);
      close(fd);
      return NULL;
    }
    if (r == 0)
      break;
    len += (size_t)r;
  }
  close(fd);
  buf[len] = '\0';
  *len_out = len;
  return buf;
}

char *
fs_make_path_absolute(const char *path)
{
  if (path[0] == '/')
    return strdup(path);
  char cwd[4096];
  if (!getcwd(cwd, sizeof(cwd)))
    return strdup(path);
  size_t n = strlen(cwd) + strlen(path) + 2;
  char *out = malloc(n);
  if (out)
    snprintf(out, n, "%s/%s", cwd, path);
  return out;
}
