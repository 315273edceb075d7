/* Onion service ed25519 key files: see ed25519_keyfile.h. */
#include "orconfig.h"
#include "lib/crypt/ed25519_keyfile.h"
#include "lib/crypt/crypto_util.h"
#include "lib/crypt/ed25519.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECRET_TAG "== ed25519v1-secret: type0 =="
#define PUBLIC_TAG "== ed25519v1-public: type0 =="
#define TAG_PREFIX_SECRET "== ed25519v1-secret: "
#define TAG_PREFIX_PUBLIC "== ed25519v1-public: "

#define SET_ERR(msg) do { if (err) *err = (msg); } while (0)

static void
make_header(uint8_t out[ED25519_KEYFILE_HEADER_LEN], const char *tag)
{
  memset(out, 0, ED25519_KEYFILE_HEADER_LEN);
  memcpy(out, tag, strlen(tag));
}

int
ed25519_secret_keyfile_encode(uint8_t out[ED25519_SECRET_KEYFILE_LEN],
                              const uint8_t esk[64])
{
  if (!out || !esk)
    return -1;
  make_header(out, SECRET_TAG);
  memcpy(out + ED25519_KEYFILE_HEADER_LEN, esk, 64);
  return 0;
}

int
ed25519_public_keyfile_encode(uint8_t out[ED25519_PUBLIC_KEYFILE_LEN],
                              const uint8_t pk[32])
{
  if (!out || !pk)
    return -1;
  make_header(out, PUBLIC_TAG);
  memcpy(out + ED25519_KEYFILE_HEADER_LEN, pk, 32);
  return 0;
}

/* Check the 32-byte header against tag; on mismatch set a precise error. */
static int
check_header(const uint8_t *data, const char *tag, const char *prefix,
             const char **err)
{
  uint8_t want[ED25519_KEYFILE_HEADER_LEN];
  make_header(want, tag);
  if (memcmp(data, want, sizeof(want)) == 0)
    return 0;
  if (memcmp(data, prefix, strlen(prefix)) == 0)
    SET_ERR("key file has an unsupported key type (want type0)");
  else if (memcmp(data, "== ", 3) == 0)
    SET_ERR("key file holds a different kind of key (wrong header tag)");
  else
    SET_ERR("key file has no tor key file header");
  return -1;
}

int
ed25519_secret_keyfile_parse(uint8_t esk_out[64], const uint8_t *data,
                             size_t len, const char **err)
{
  if (!esk_out || (!data && len)) {
    SET_ERR("missing argument");
    return -1;
  }
  if (len < ED25519_KEYFILE_HEADER_LEN) {
    SET_ERR("secret key file is too short for its header");
    return -1;
  }
  if (check_header(data, SECRET_TAG, TAG_PREFIX_SECRET, err) < 0)
    return -1;
  if (len != ED25519_SECRET_KEYFILE_LEN) {
    SET_ERR(len < ED25519_SECRET_KEYFILE_LEN ?
            "secret key file is truncated (want 96 bytes)" :
            "secret key file is too long (want 96 bytes)");
    return -1;
  }
  if (crypto_mem_is_zero(data + ED25519_KEYFILE_HEADER_LEN, 32)) {
    SET_ERR("secret key file holds an all-zero secret scalar");
    return -1;
  }
  memcpy(esk_out, data + ED25519_KEYFILE_HEADER_LEN, 64);
  return 0;
}

int
ed25519_public_keyfile_parse(uint8_t pk_out[32], const uint8_t *data,
                             size_t len, const char **err)
{
  if (!pk_out || (!data && len)) {
    SET_ERR("missing argument");
    return -1;
  }
  if (len < ED25519_KEYFILE_HEADER_LEN) {
    SET_ERR("public key file is too short for its header");
    return -1;
  }
  if (check_header(data, PUBLIC_TAG, TAG_PREFIX_PUBLIC, err) < 0)
    return -1;
  if (len != ED25519_PUBLIC_KEYFILE_LEN) {
    SET_ERR(len < ED25519_PUBLIC_KEYFILE_LEN ?
            "public key file is truncated (want 64 bytes)" :
            "public key file is too long (want 64 bytes)");
    return -1;
  }
  if (!ed25519_public_key_is_valid(data + ED25519_KEYFILE_HEADER_LEN)) {
    SET_ERR("public key file does not hold a valid ed25519 point");
    return -1;
  }
  memcpy(pk_out, data + ED25519_KEYFILE_HEADER_LEN, 32);
  return 0;
}

/* Read the whole of a small regular file into buf (cap bytes). Reads at
 * most cap + 1 bytes so an oversized file is detected without reading it
 * all. *lenp gets the byte count (cap + 1 meaning "too long"). */
static int
read_small_file(const char *path, uint8_t *buf, size_t cap, size_t *lenp,
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
ed25519_secret_keyfile_read(uint8_t esk_out[64], const char *path,
                            const char **err)
{
  uint8_t buf[ED25519_SECRET_KEYFILE_LEN + 1];
  size_t len = 0;
  int r = -1;
  if (read_small_file(path, buf, ED25519_SECRET_KEYFILE_LEN, &len, err) == 0)
    r = ed25519_secret_keyfile_parse(esk_out, buf, len, err);
  memwipe(buf, sizeof(buf));
  return r;
}

int
ed25519_public_keyfile_read(uint8_t pk_out[32], const char *path,
                            const char **err)
{
  uint8_t buf[ED25519_PUBLIC_KEYFILE_LEN + 1];
  size_t len = 0;
  if (read_small_file(path, buf, ED25519_PUBLIC_KEYFILE_LEN, &len, err) < 0)
    return -1;
  return ed25519_public_keyfile_parse(pk_out, buf, len, err);
}

static int
write_file_atomic(const char *path, const uint8_t *data, size_t len,
                  const char **err)
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

int
ed25519_secret_keyfile_write(const char *path, const uint8_t esk[64],
                             const char **err)
{
  uint8_t buf[ED25519_SECRET_KEYFILE_LEN];
  int r;
  if (ed25519_secret_keyfile_encode(buf, esk) < 0) {
    SET_ERR("missing argument");
    return -1;
  }
  r = write_file_atomic(path, buf, sizeof(buf), err);
  memwipe(buf, sizeof(buf));
  return r;
}

int
ed25519_public_keyfile_write(const char *path, const uint8_t pk[32],
                             const char **err)
{
  uint8_t buf[ED25519_PUBLIC_KEYFILE_LEN];
  if (ed25519_public_keyfile_encode(buf, pk) < 0) {
    SET_ERR("missing argument");
    return -1;
  }
  return write_file_atomic(path, buf, sizeof(buf), err);
}
