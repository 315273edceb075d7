/* Onion service ed25519 key files: see ed25519_keyfile.h. */
#include "orconfig.h"
#include "lib/crypt/ed25519_keyfile.h"
#include "lib/crypt/crypto_util.h"
#include "lib/crypt/ed25519.h"
#include "lib/crypt/tor_keyfile.h"

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
  tor_keyfile_make_header(out, tag);
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

/* The header against tag; "unsupported key type" names what we want. */
static int
check_header(const uint8_t *data, const char *tag, const char *prefix,
             const char **err)
{
  const char *why = NULL;
  if (tor_keyfile_check_header(data, tag, prefix, &why) == 0)
    return 0;
  if (err)
    *err = strstr(why, "unsupported") ? "key file has an unsupported key type (want type0)" : why;
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

int
ed25519_secret_keyfile_read(uint8_t esk_out[64], const char *path,
                            const char **err)
{
  uint8_t buf[ED25519_SECRET_KEYFILE_LEN + 1];
  size_t len = 0;
  int r = -1;
  if (tor_keyfile_read_small(path, buf, ED25519_SECRET_KEYFILE_LEN, &len, err) == 0)
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
  if (tor_keyfile_read_small(path, buf, ED25519_PUBLIC_KEYFILE_LEN, &len, err) < 0)
    return -1;
  return ed25519_public_keyfile_parse(pk_out, buf, len, err);
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
  r = tor_keyfile_write_atomic(path, buf, sizeof(buf), err);
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
  return tor_keyfile_write_atomic(path, buf, sizeof(buf), err);
}
