/* Known-answer tests for lib/crypt/aes_ctr: NIST SP 800-38A F.5.1 and
 * F.5.5, plus vectors made with python3-cryptography for relay-sized
 * payloads, uneven chunking and counter wrap-around. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "lib/crypt/aes_ctr.h"
#include "lib/crypt/crypto_digest.h"

#include <string.h>

static const char sp800_38a_pt[] =
  "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
  "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
static const char sp800_38a_iv[] = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

UNITTEST(crypto_aes, ctr128_sp800_38a)
{
  uint8_t key[16], iv[16], buf[64];
  aes_ctr_cipher_t *c;
  ut_unhex(key, 16, "2b7e151628aed2a6abf7158809cf4f3c");
  ut_unhex(iv, 16, sp800_38a_iv);
  ut_unhex(buf, 64, sp800_38a_pt);
  c = aes_ctr_cipher_new(key, 16, iv);
  UT_ASSERT(c != NULL);
  UT_EQ_INT(aes_ctr_cipher_crypt_inplace(c, buf, 64), 0);
  UT_EQ_HEX(buf, 64, "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
            "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee");
  aes_ctr_cipher_free(c);

  /* Decryption is the same operation, here in odd-sized pieces. */
  c = aes_ctr_cipher_new(key, 16, iv);
  UT_EQ_INT(aes_ctr_cipher_crypt_inplace(c, buf, 7), 0);
  UT_EQ_INT(aes_ctr_cipher_crypt_inplace(c, buf + 7, 0), 0);
  UT_EQ_INT(aes_ctr_cipher_crypt_inplace(c, buf + 7, 20), 0);
  UT_EQ_INT(aes_ctr_cipher_crypt_inplace(c, buf + 27, 37), 0);
  UT_EQ_HEX(buf, 64, sp800_38a_pt);
  aes_ctr_cipher_free(c);
}

UNITTEST(crypto_aes, ctr256_sp800_38a)
{
  uint8_t key[32], iv[16], pt[64], ct[64];
  aes_ctr_cipher_t *c;
  ut_unhex(key, 32, "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
  ut_unhex(iv, 16, sp800_38a_iv);
  ut_unhex(pt, 64, sp800_38a_pt);
  c = aes_ctr_cipher_new(key, 32, iv);
  UT_ASSERT(c != NULL);
  UT_EQ_INT(aes_ctr_cipher_crypt(c, ct, pt, 16), 0);
  UT_EQ_INT(aes_ctr_cipher_crypt(c, ct + 16, pt + 16, 48), 0);
  UT_EQ_HEX(ct, 64, "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
            "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6");
  aes_ctr_cipher_free(c);
}

/* Relay cells: 509-byte payloads, zero IV, one cipher object used for
 * many cells in place. Expected digest from python3-cryptography:
 * AES-128-CTR(key 000102..0f, IV 0) over bytes (7*i mod 256), i < 509. */
UNITTEST(crypto_aes, relay_payload_inplace)
{
  uint8_t key[16], payload[509], d[32];
  aes_ctr_cipher_t *c;
  for (int i = 0; i < 16; i++)
    key[i] = (uint8_t)i;
  for (int i = 0; i < 509; i++)
    payload[i] = (uint8_t)(i * 7);
  c = aes_ctr_cipher_new(key, 16, NULL);
  UT_ASSERT(c != NULL);
  UT_EQ_INT(aes_ctr_cipher_crypt_inplace(c, payload, sizeof(payload)), 0);
  UT_EQ_HEX(payload, 16, "c6a635229bac71b35770c72ff593ba10");
  UT_EQ_INT(crypto_digest_sha256(d, payload, sizeof(payload)), 0);
  UT_EQ_HEX(d, 32, "993f7daa625f8dee5c3d00a5d175157ab27454c94938c26afcd3d12bd4734878");
  aes_ctr_cipher_free(c);
}

/* 5000 bytes of AES-256-CTR keystream (key 00..1f, IV 0) produced in
 * chunks of every size 1..99 must hash as python3-cryptography's does. */
UNITTEST(crypto_aes, ctr256_chunked_stream)
{
  static uint8_t buf[5000];
  uint8_t key[32], d[32];
  size_t off = 0, step = 1;
  aes_ctr_cipher_t *c;
  for (int i = 0; i < 32; i++)
    key[i] = (uint8_t)i;
  memset(buf, 0, sizeof(buf));
  c = aes_ctr_cipher_new(key, 32, NULL);
  UT_ASSERT(c != NULL);
  while (off < sizeof(buf)) {
    size_t n = step < sizeof(buf) - off ? step : sizeof(buf) - off;
    UT_EQ_INT(aes_ctr_cipher_crypt_inplace(c, buf + off, n), 0);
    off += n;
    step = step % 99 + 1;
  }
  UT_EQ_INT(crypto_digest_sha256(d, buf, sizeof(buf)), 0);
  UT_EQ_HEX(d, 32, "ef046551f0f6f4ed5919a8ca4c26cdf0a23fa18aefc5f10e8d47244afa9380d8");
  aes_ctr_cipher_free(c);
}

/* The 128-bit counter wraps from ff..ff to 00..00 (python3-cryptography). */
UNITTEST(crypto_aes, ctr_counter_wraps)
{
  uint8_t key[16], iv[16], buf[32];
  aes_ctr_cipher_t *c;
  for (int i = 0; i < 16; i++)
    key[i] = (uint8_t)i;
  memset(iv, 0xff, sizeof(iv));
  memset(buf, 0, sizeof(buf));
  c = aes_ctr_cipher_new(key, 16, iv);
  UT_EQ_INT(aes_ctr_cipher_crypt_inplace(c, buf, 32), 0);
  UT_EQ_HEX(buf, 32, "3c441f32ce07822364d7a2990e50bb13c6a13b37878f5b826f4f8162a1c8d879");
  aes_ctr_cipher_free(c);
}

UNITTEST(crypto_aes, bad_arguments)
{
  uint8_t key[32] = { 0 }, buf[4] = { 0 };
  aes_ctr_cipher_t *c;
  UT_ASSERT(aes_ctr_cipher_new(key, 24, NULL) == NULL);
  UT_ASSERT(aes_ctr_cipher_new(key, 0, NULL) == NULL);
  UT_ASSERT(aes_ctr_cipher_new(NULL, 16, NULL) == NULL);
  c = aes_ctr_cipher_new(key, 16, NULL);
  UT_EQ_INT(aes_ctr_cipher_crypt(c, NULL, buf, 4), -1);
  UT_EQ_INT(aes_ctr_cipher_crypt(NULL, buf, buf, 4), -1);
  aes_ctr_cipher_free(c);
  aes_ctr_cipher_free(NULL);
}
