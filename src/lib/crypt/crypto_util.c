/* Small crypto utilities over OpenSSL: see crypto_util.h. */
#include "orconfig.h"
#include "lib/crypt/crypto_util.h"

#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

int
crypto_rand_bytes(void *buf, size_t len)
{
  uint8_t *p = buf;
  size_t left = len;
  while (left > 0) {
    int chunk = left > (size_t)INT_MAX ? INT_MAX : (int)left;
    if (RAND_bytes(p, chunk) != 1) {
      memwipe(buf, len);
      return -1;
    }
    p += chunk;
    left -= (size_t)chunk;
  }
  return 0;
}

void
memwipe(void *mem, size_t len)
{
  if (mem && len)
    OPENSSL_cleanse(mem, len);
}

int
crypto_memeq(const void *a, const void *b, size_t len)
{
  if (len == 0)
    return 1;
  return CRYPTO_memcmp(a, b, len) == 0;
}

int
crypto_mem_is_zero(const void *mem, size_t len)
{
  const volatile uint8_t *p = mem;
  uint8_t acc = 0;
  for (size_t i = 0; i < len; i++)
    acc |= p[i];
  return acc == 0;
}
