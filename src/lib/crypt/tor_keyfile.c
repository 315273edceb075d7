/* Tor's binary key files: see tor_keyfile.h. */
#include "orconfig.h"
#include "lib/crypt/tor_keyfile.h"
#include "lib/crypt/crypto_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SET_ERR(msg) do { if (err) *err = (msg); } while (0)

void
tor_keyfile_make_header(uint8_t out[TOR_KEYFILE_HEADER_LEN], const char *tag)
{
  size_t n = strlen(tag);
  memset(out, 0, TOR_KEYFILE_HEADER_LEN);
  memcpy(out, tag, n < TOR_KEYFILE_HEADER_LEN ? n : TOR_KEYFILE_HEADER_LEN);
}

int
tor_keyfile_check_header(const uint8_t *data, const char *tag, const char *prefix,
                         const char **err)
{
  uint8_t want[TOR_KEYFILE_HEADER_LEN];
  tor_keyfile_make_header(want, tag);
  if (memcmp(data, want, sizeof(want)) == 0)
    return 0;
  if (prefix && memcmp(data, prefix, strlen(prefix)) == 0)
    SET_ERR("key file has an unsupported key type");
  else if (memcmp(data, "== ", 3) == 0)
    SET_ERR("key file holds a different kind of key (wrong header tag)");
  else
    SET_ERR("key file has no tor key file header");
  return -1;
}

int
tor_keyfile_read_small(const char *path, uint8_t *buf, size_t cap, size_t *lenp,
                       const char **err)
{
  struct stat st;
  size_t got = 0;
  int fd;
  if (!path) {
    SET_ERR("missing path");
    return -1;
  }
  fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    SET_ERR(errno == ENOENT ? "key file does not exist" :
            errno == EACCES ? "key file is not readable (permission denied)" :
            "key file could not be opened");
    return -1;
  }
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    SET_ERR("key file is not a regular file");
    return -1;
  }
  while (got < cap + 1) {
    ssize_t n = read(fd, buf + got, cap + 1 - got);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      close(fd);
      SET_ERR("error reading key file");
      return -1;
    }
    if (n == 0)
      break;
    got += (size_t)n;
  }
  close(fd);
  *lenp = got;
  return 0;
}

int
tor_keyfile_write_atomic(const char *path, const uint8_t *data, size_t len, const char **err)
{
  char tmp[4096];
  size_t done = 0;
  int fd, n;
  if (!path) {
    SET_ERR("missing path");
    return -1;
  }
  n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  if (n < 0 || (size_t)n >= sizeof(tmp)) {
    SET_ERR("key file path is too long");
    return -1;
  }
  (void)unlink(tmp);
  fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    SET_ERR("could not create temporary key file");
    return -1;
  }
  while (done < len) {
    ssize_t w = write(fd, data + done, len - done);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    done += (size_t)w;
  }
  if (done != len || fsync(fd) < 0) {
    close(fd);
    unlink(tmp);
    SET_ERR("error writing key file");
    return -1;
  }
  if (close(fd) < 0 || rename(tmp, path) < 0) {
    unlink(tmp);
    SET_ERR("could not move key file into place");
    return -1;
  }
  return 0;
}

#define MAX_BODY 256

int
tor_keyfile_read_body(const char *path, const char *tag, uint8_t *body, size_t body_len,
                      const char **err)
{
  uint8_t buf[TOR_KEYFILE_HEADER_LEN + MAX_BODY + 1];
  size_t len = 0, want = TOR_KEYFILE_HEADER_LEN + body_len;
  int rv = -1;
  if (body_len > MAX_BODY) {
    SET_ERR("key file body too large");
    return -1;
  }
  if (tor_keyfile_read_small(path, buf, want, &len, err) < 0)
    return -1;
  if (len < TOR_KEYFILE_HEADER_LEN)
    SET_ERR("key file is too short for its header");
  else if (tor_keyfile_check_header(buf, tag, NULL, err) < 0)
    ;
  else if (len != want)
    SET_ERR(len < want ? "key file is truncated" : "key file is too long");
  else {
    memcpy(body, buf + TOR_KEYFILE_HEADER_LEN, body_len);
    rv = 0;
  }
  memwipe(buf, sizeof(buf));
  return rv;
}

int
tor_keyfile_write_body(const char *path, const char *tag, const uint8_t *body,
                       size_t body_len, const char **err)
{
  uint8_t buf[TOR_KEYFILE_HEADER_LEN + MAX_BODY];
  if (body_len > MAX_BODY) {
    SET_ERR("key file body too large");
    return -1;
  }
  tor_keyfile_make_header(buf, tag);
  memcpy(buf + TOR_KEYFILE_HEADER_LEN, body, body_len);
  int rv = tor_keyfile_write_atomic(path, buf, TOR_KEYFILE_HEADER_LEN + body_len, err);
  memwipe(buf, sizeof(buf));
  return rv;
}
