/* AES-CTR stream cipher over OpenSSL EVP: see aes_ctr.h. */
#include "orconfig.h"
#include "lib/crypt/aes_ctr.h"

#include <limits.h>
#include <stdlib.h>

#include <openssl/evp.h>

struct aes_ctr_cipher_t {
  EVP_CIPHER_CTX *ctx;
};

aes_ctr_cipher_t *
aes_ctr_cipher_new(const uint8_t *key, size_t keylen, const uint8_t *iv)
{
  static const uint8_t zero_iv[AES_CTR_IV_LEN] = { 0 };
  const EVP_CIPHER *cipher;
  aes_ctr_cipher_t *c;

  if (!key)
    return NULL;
  if (keylen == AES128_KEY_LEN)
    cipher = EVP_aes_128_ctr();
  else if (keylen == AES256_KEY_LEN)
    cipher = EVP_aes_256_ctr();
  else
    return NULL;
  if (!iv)
    iv = zero_iv;

  c = calloc(1, sizeof(*c));
  if (!c)
    return NULL;
  c->ctx = EVP_CIPHER_CTX_new();
  if (!c->ctx ||
      EVP_EncryptInit_ex(c->ctx, cipher, NULL, key, iv) != 1) {
    aes_ctr_cipher_free(c);
    return NULL;
  }
  return c;
}

void
aes_ctr_cipher_free(aes_ctr_cipher_t *c)
{
  if (!c)
    return;
  EVP_CIPHER_CTX_free(c->ctx); /* cleanses the key schedule */
  free(c);
}

int
aes_ctr_cipher_crypt(aes_ctr_cipher_t *c, uint8_t *out, const uint8_t *in,
                     size_t len)
{
  if (!c || ((!out || !in) && len))
    return -1;
  while (len > 0) {
    int chunk = len > (size_t)(INT_MAX / 2) ? INT_MAX / 2 : (int)len;
    int outl = 0;
    if (EVP_EncryptUpdate(c->ctx, out, &outl, in, chunk) != 1 ||
        outl != chunk)
      return -1;
    out += chunk;
    in += chunk;
    len -= (size_t)chunk;
  }
  return 0;
}

int
aes_ctr_cipher_crypt_inplace(aes_ctr_cipher_t *c, uint8_t *buf, size_t len)
{
  return aes_ctr_cipher_crypt(c, buf, buf, len);
}
