/* Iterated and salted S2K with SHA-1: see crypto_s2k.h. */
#include "orconfig.h"
#include "lib/crypt/crypto_s2k.h"
#include "lib/crypt/crypto_digest.h"
#include "lib/crypt/crypto_util.h"

#include <stdlib.h>
#include <string.h>

uint64_t
s2k_count_from_byte(uint8_t c)
{
  return (uint64_t)(16 + (c & 15)) << ((c >> 4) + 6);
}

void
s2k_rfc2440_sha1(const uint8_t *secret, size_t len,
                 const uint8_t spec[S2K_SPECIFIER_LEN],
                 uint8_t out[S2K_DIGEST_LEN])
{
  const uint8_t *salt = spec;
  uint64_t count = s2k_count_from_byte(spec[S2K_SALT_LEN]);
  uint64_t unit = (uint64_t)S2K_SALT_LEN + len;
  crypto_digest_t *d = crypto_digest_new(DIGEST_SHA1);
  int ok = d != NULL;

  if (count < unit)
    count = unit;
  /* Whole copies of salt||secret, then the first bytes of one more. */
  while (ok && count >= unit) {
    ok = crypto_digest_add_bytes(d, salt, S2K_SALT_LEN) == 0 &&
         crypto_digest_add_bytes(d, secret, len) == 0;
    count -= unit;
  }
  if (ok && count > 0) {
    size_t n = (size_t)count;
    if (n <= S2K_SALT_LEN) {
      ok = crypto_digest_add_bytes(d, salt, n) == 0;
    } else {
      ok = crypto_digest_add_bytes(d, salt, S2K_SALT_LEN) == 0 &&
           crypto_digest_add_bytes(d, secret, n - S2K_SALT_LEN) == 0;
    }
  }
  if (!ok || crypto_digest_get_digest(d, out, S2K_DIGEST_LEN) < 0) {
    /* Only an OpenSSL failure gets here; never hand out a usable value. */
    if (crypto_rand_bytes(out, S2K_DIGEST_LEN) < 0)
      memset(out, 0xff, S2K_DIGEST_LEN);
  }
  crypto_digest_free(d);
}

static const char hexdigits[] = "0123456789ABCDEF";

static int
hexval(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

char *
s2k_hashed_password_new(const uint8_t *pw, size_t len)
{
  uint8_t key[S2K_SPECIFIER_LEN + S2K_DIGEST_LEN];
  char *out;

  if (!pw && len)
    return NULL;
  if (crypto_rand_bytes(key, S2K_SALT_LEN) < 0)
    return NULL;
  key[S2K_SALT_LEN] = S2K_DEFAULT_COUNT_BYTE;
  s2k_rfc2440_sha1(pw, len, key, key + S2K_SPECIFIER_LEN);
  out = malloc(S2K_HASHED_PASSWORD_LEN + 1);
  if (!out) {
    memwipe(key, sizeof(key));
    return NULL;
  }
  memcpy(out, "16:", 3);
  for (size_t i = 0; i < sizeof(key); i++) {
    out[3 + 2 * i] = hexdigits[key[i] >> 4];
    out[3 + 2 * i + 1] = hexdigits[key[i] & 15];
  }
  out[S2K_HASHED_PASSWORD_LEN] = '\0';
  memwipe(key, sizeof(key));
  return out;
}

int
s2k_hashed_password_check(const char *encoded, const uint8_t *pw, size_t len)
{
  uint8_t key[S2K_SPECIFIER_LEN + S2K_DIGEST_LEN], digest[S2K_DIGEST_LEN];
  int match;

  if (!encoded || (!pw && len) || strncmp(encoded, "16:", 3) ||
      strlen(encoded) != S2K_HASHED_PASSWORD_LEN)
    return -1;
  for (size_t i = 0; i < sizeof(key); i++) {
    int hi = hexval(encoded[3 + 2 * i]), lo = hexval(encoded[3 + 2 * i + 1]);
    if (hi < 0 || lo < 0)
      return -1;
    key[i] = (uint8_t)(hi << 4 | lo);
  }
  s2k_rfc2440_sha1(pw, len, key, digest);
  match = crypto_memeq(digest, key + S2K_SPECIFIER_LEN, S2K_DIGEST_LEN);
  memwipe(digest, sizeof(digest));
  memwipe(key, sizeof(key));
  return match;
}
