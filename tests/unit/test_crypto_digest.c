/* Known-answer tests for lib/crypt/crypto_digest: SHA-1/256/512 (FIPS 180
 * examples), SHA3-256 and SHAKE-256 (FIPS 202 examples), HMAC-SHA256
 * (RFC 4231), HKDF-SHA256 (RFC 5869 appendix A). Each expected value was
 * also checked against Python's hashlib/hmac and python3-cryptography. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "lib/crypt/crypto_digest.h"
#include "lib/crypt/crypto_util.h"

#include <stdlib.h>
#include <string.h>

static const char msg448[] =
  "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char msg896[] =
  "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

UNITTEST(crypto_digest, sha1_fips180)
{
  uint8_t d[DIGEST_LEN];
  UT_EQ_INT(crypto_digest_sha1(d, "abc", 3), 0);
  UT_EQ_HEX(d, DIGEST_LEN, "a9993e364706816aba3e25717850c26c9cd0d89d");
  UT_EQ_INT(crypto_digest_sha1(d, msg448, strlen(msg448)), 0);
  UT_EQ_HEX(d, DIGEST_LEN, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  UT_EQ_INT(crypto_digest_sha1(d, "", 0), 0);
  UT_EQ_HEX(d, DIGEST_LEN, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

UNITTEST(crypto_digest, sha256_fips180)
{
  uint8_t d[DIGEST256_LEN];
  UT_EQ_INT(crypto_digest_sha256(d, "abc", 3), 0);
  UT_EQ_HEX(d, 32, "ba7816bf8f01cfea414140de5dae2223"
            "b00361a396177a9cb410ff61f20015ad");
  UT_EQ_INT(crypto_digest_sha256(d, msg448, strlen(msg448)), 0);
  UT_EQ_HEX(d, 32, "248d6a61d20638b8e5c026930c3e6039"
            "a33ce45964ff2167f6ecedd419db06c1");
  UT_EQ_INT(crypto_digest_sha256(d, NULL, 0), 0);
  UT_EQ_HEX(d, 32, "e3b0c44298fc1c149afbf4c8996fb924"
            "27ae41e4649b934ca495991b7852b855");
}

UNITTEST(crypto_digest, sha512_fips180)
{
  uint8_t d[DIGEST512_LEN];
  UT_EQ_INT(crypto_digest_sha512(d, "abc", 3), 0);
  UT_EQ_HEX(d, 64, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  UT_EQ_INT(crypto_digest_sha512(d, msg896, strlen(msg896)), 0);
  UT_EQ_HEX(d, 64, "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
            "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
}

UNITTEST(crypto_digest, sha3_256_fips202)
{
  uint8_t d[DIGEST256_LEN];
  UT_EQ_INT(crypto_digest_sha3_256(d, "", 0), 0);
  UT_EQ_HEX(d, 32, "a7ffc6f8bf1ed76651c14756a061d662"
            "f580ff4de43b49fa82d80a4b80f8434a");
  UT_EQ_INT(crypto_digest_sha3_256(d, "abc", 3), 0);
  UT_EQ_HEX(d, 32, "3a985da74fe225b2045c172d6bd390bd"
            "855f086e3e9d525b46bfe24511431532");
  UT_EQ_INT(crypto_digest_sha3_256(d, msg448, strlen(msg448)), 0);
  UT_EQ_HEX(d, 32, "41c0dba2a9d6240849100376a8235e2c"
            "82e1b9998a999e21db32dd97496d3376");
}

/* One million 'a' fed in uneven pieces: FIPS 180 long-message vectors. */
UNITTEST(crypto_digest, incremental_million_a)
{
  static const struct { digest_algorithm_t alg; const char *hex; } cases[] = {
    { DIGEST_SHA1, "34aa973cd4c4daa4f61eeb2bdbad27316534016f" },
    { DIGEST_SHA256, "cdc76e5c9914fb9281a1c7e284d73e67"
      "f1809a48a497200e046d39ccc7112cd0" },
  };
  char chunk[1000];
  memset(chunk, 'a', sizeof(chunk));
  for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
    crypto_digest_t *d = crypto_digest_new(cases[c].alg);
    uint8_t out[DIGEST256_LEN];
    size_t fed = 0, step = 1;
    UT_ASSERT(d != NULL);
    while (fed < 1000000) {
      size_t n = step < 1000000 - fed ? step : 1000000 - fed;
      if (n > sizeof(chunk))
        n = sizeof(chunk);
      UT_EQ_INT(crypto_digest_add_bytes(d, chunk, n), 0);
      fed += n;
      step = step * 3 % 997 + 1;
    }
    UT_EQ_INT(crypto_digest_get_digest(d, out,
                                       crypto_digest_algorithm_len(cases[c].alg)),
              0);
    UT_EQ_HEX(out, crypto_digest_algorithm_len(cases[c].alg), cases[c].hex);
    crypto_digest_free(d);
  }
}

/* The running digest can be read without disturbing it, duplicated and
 * assigned: like tor's relay digests, which hash every cell so far. */
UNITTEST(crypto_digest, running_digest_and_clone)
{
  crypto_digest_t *d = crypto_digest_new(DIGEST_SHA1);
  crypto_digest_t *copy, *other;
  uint8_t out[DIGEST_LEN];
  UT_ASSERT(d != NULL);
  UT_EQ_INT(crypto_digest_add_bytes(d, "ab", 2), 0);
  copy = crypto_digest_dup(d);
  UT_ASSERT(copy != NULL);
  UT_EQ_INT(crypto_digest_add_bytes(d, "c", 1), 0);
  UT_EQ_INT(crypto_digest_get_digest(d, out, sizeof(out)), 0);
  UT_EQ_HEX(out, 20, "a9993e364706816aba3e25717850c26c9cd0d89d"); /* "abc" */
  /* Reading did not finalize: feeding more continues the same stream. */
  UT_EQ_INT(crypto_digest_add_bytes(d, msg448 + 3, strlen(msg448) - 3), 0);
  UT_EQ_INT(memcmp(msg448, "abc", 3), 0);
  UT_EQ_INT(crypto_digest_get_digest(d, out, sizeof(out)), 0);
  UT_EQ_HEX(out, 20, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  /* Truncated reads give a prefix. */
  UT_EQ_INT(crypto_digest_get_digest(d, out, 4), 0);
  UT_EQ_HEX(out, 4, "84983e44");
  UT_EQ_INT(crypto_digest_get_digest(d, out, 21), -1);

  /* The copy kept the state after "ab". */
  UT_EQ_INT(crypto_digest_add_bytes(copy, "c", 1), 0);
  UT_EQ_INT(crypto_digest_get_digest(copy, out, sizeof(out)), 0);
  UT_EQ_HEX(out, 20, "a9993e364706816aba3e25717850c26c9cd0d89d");

  /* Assign: other takes d's state. */
  other = crypto_digest_new(DIGEST_SHA1);
  UT_EQ_INT(crypto_digest_add_bytes(other, "junk", 4), 0);
  UT_EQ_INT(crypto_digest_assign(other, d), 0);
  UT_EQ_INT(crypto_digest_get_digest(other, out, sizeof(out)), 0);
  UT_EQ_HEX(out, 20, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  crypto_digest_free(other);

  /* Mismatched algorithms cannot be assigned. */
  other = crypto_digest_new(DIGEST_SHA256);
  UT_EQ_INT(crypto_digest_assign(other, d), -1);
  UT_EQ_INT(crypto_digest_get_algorithm(other), DIGEST_SHA256);
  crypto_digest_free(other);
  crypto_digest_free(copy);
  crypto_digest_free(d);
  crypto_digest_free(NULL);
}

UNITTEST(crypto_digest, sha3_and_sha512_objects)
{
  crypto_digest_t *d = crypto_digest_new(DIGEST_SHA3_256);
  uint8_t out[DIGEST512_LEN];
  UT_EQ_INT(crypto_digest_add_bytes(d, "a", 1), 0);
  UT_EQ_INT(crypto_digest_add_bytes(d, "bc", 2), 0);
  UT_EQ_INT(crypto_digest_get_digest(d, out, 32), 0);
  UT_EQ_HEX(out, 32, "3a985da74fe225b2045c172d6bd390bd"
            "855f086e3e9d525b46bfe24511431532");
  crypto_digest_free(d);
  d = crypto_digest_new(DIGEST_SHA512);
  UT_EQ_INT(crypto_digest_add_bytes(d, "abc", 3), 0);
  UT_EQ_INT(crypto_digest_get_digest(d, out, 64), 0);
  UT_EQ_HEX(out, 8, "ddaf35a193617aba");
  crypto_digest_free(d);
  UT_ASSERT(crypto_digest_new((digest_algorithm_t)99) == NULL);
}

UNITTEST(crypto_digest, shake256_fips202)
{
  uint8_t out[64];
  crypto_xof_t *x;
  UT_EQ_INT(crypto_xof_shake256(out, 32, "", 0), 0);
  UT_EQ_HEX(out, 32, "46b9dd2b0ba88d13233b3feb743eeb24"
            "3fcd52ea62b81b82b50c27646ed5762f");
  UT_EQ_INT(crypto_xof_shake256(out, 64, "abc", 3), 0);
  UT_EQ_HEX(out, 64, "483366601360a8771c6863080cc4114d8db44530f8f1e1ee4f94ea37e78b5739"
            "d5a15bef186a5386c75744c0527e1faa9f8726e462a12a4feb06bd8801e751e4");

  /* Incremental: absorb in pieces, squeeze in pieces. */
  x = crypto_xof_shake256_new();
  UT_ASSERT(x != NULL);
  UT_EQ_INT(crypto_xof_add_bytes(x, "a", 1), 0);
  UT_EQ_INT(crypto_xof_add_bytes(x, "", 0), 0);
  UT_EQ_INT(crypto_xof_add_bytes(x, "bc", 2), 0);
  memset(out, 0, sizeof(out));
  UT_EQ_INT(crypto_xof_squeeze_bytes(x, out, 5), 0);
  UT_EQ_INT(crypto_xof_squeeze_bytes(x, out + 5, 27), 0);
  UT_EQ_INT(crypto_xof_squeeze_bytes(x, out + 32, 32), 0);
  UT_EQ_HEX(out, 64, "483366601360a8771c6863080cc4114d8db44530f8f1e1ee4f94ea37e78b5739"
            "d5a15bef186a5386c75744c0527e1faa9f8726e462a12a4feb06bd8801e751e4");
  /* No absorbing after squeezing. */
  UT_EQ_INT(crypto_xof_add_bytes(x, "d", 1), -1);
  crypto_xof_free(x);
}

/* RFC 4231 test cases 1, 2, 3, 4, 6, 7 (HMAC-SHA-256). */
UNITTEST(crypto_digest, hmac_sha256_rfc4231)
{
  uint8_t key[131], data[200], out[32];
  size_t klen, dlen;

  memset(key, 0x0b, 20);
  UT_EQ_INT(crypto_hmac_sha256(out, key, 20, "Hi There", 8), 0);
  UT_EQ_HEX(out, 32, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");

  UT_EQ_INT(crypto_hmac_sha256(out, "Jefe", 4,
                               "what do ya want for nothing?", 28), 0);
  UT_EQ_HEX(out, 32, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");

  memset(key, 0xaa, 20);
  memset(data, 0xdd, 50);
  UT_EQ_INT(crypto_hmac_sha256(out, key, 20, data, 50), 0);
  UT_EQ_HEX(out, 32, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");

  klen = ut_unhex(key, sizeof(key),
                  "0102030405060708090a0b0c0d0e0f10111213141516171819");
  memset(data, 0xcd, 50);
  UT_EQ_INT(crypto_hmac_sha256(out, key, klen, data, 50), 0);
  UT_EQ_HEX(out, 32, "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");

  memset(key, 0xaa, 131);
  {
    const char *m = "Test Using Larger Than Block-Size Key - Hash Key First";
    UT_EQ_INT(crypto_hmac_sha256(out, key, 131, m, strlen(m)), 0);
    UT_EQ_HEX(out, 32, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  }
  {
    const char *m = "This is a test using a larger than block-size key and a "
      "larger than block-size data. The key needs to be hashed before being "
      "used by the HMAC algorithm.";
    dlen = strlen(m);
    UT_EQ_INT(crypto_hmac_sha256(out, key, 131, m, dlen), 0);
    UT_EQ_HEX(out, 32, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  }
}

/* RFC 5869 appendix A.1-A.3 (the SHA-256 cases). */
UNITTEST(crypto_digest, hkdf_sha256_rfc5869)
{
  uint8_t ikm[80], salt[80], info[80], okm[82];
  size_t n;

  memset(ikm, 0x0b, 22);
  ut_unhex(salt, sizeof(salt), "000102030405060708090a0b0c");
  ut_unhex(info, sizeof(info), "f0f1f2f3f4f5f6f7f8f9");
  UT_EQ_INT(crypto_hkdf_sha256(okm, 42, salt, 13, ikm, 22, info, 10), 0);
  UT_EQ_HEX(okm, 42, "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db0"
            "2d56ecc4c5bf34007208d5b887185865");

  for (n = 0; n < 80; n++) {
    ikm[n] = (uint8_t)n;
    salt[n] = (uint8_t)(0x60 + n);
    info[n] = (uint8_t)(0xb0 + n);
  }
  UT_EQ_INT(crypto_hkdf_sha256(okm, 82, salt, 80, ikm, 80, info, 80), 0);
  UT_EQ_HEX(okm, 82, "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
            "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
            "cc30c58179ec3e87c14c01d5c1f3434f1d87");

  memset(ikm, 0x0b, 22);
  UT_EQ_INT(crypto_hkdf_sha256(okm, 42, NULL, 0, ikm, 22, NULL, 0), 0);
  UT_EQ_HEX(okm, 42, "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec345"
            "4e5f3c738d2d9d201395faa4b61a96c8");

  /* Output is limited to 255 blocks. */
  UT_EQ_INT(crypto_hkdf_sha256(okm, 255 * 32 + 1, NULL, 0, ikm, 22, NULL, 0),
            -1);
}

UNITTEST(crypto_digest, bad_arguments)
{
  uint8_t out[32];
  UT_EQ_INT(crypto_digest_sha256(NULL, "a", 1), -1);
  UT_EQ_INT(crypto_digest_sha256(out, NULL, 1), -1);
  UT_EQ_INT(crypto_hmac_sha256(out, NULL, 3, "a", 1), -1);
  UT_EQ_INT(crypto_digest_add_bytes(NULL, "a", 1), -1);
  UT_ASSERT(crypto_digest_dup(NULL) == NULL);
}

UNITTEST(crypto_util, memeq_memwipe_rand)
{
  uint8_t a[32], b[32];
  memset(a, 0x5a, sizeof(a));
  memcpy(b, a, sizeof(b));
  UT_EQ_INT(crypto_memeq(a, b, 32), 1);
  b[31] ^= 1;
  UT_EQ_INT(crypto_memeq(a, b, 32), 0);
  UT_EQ_INT(crypto_memeq(a, b, 0), 1);
  memwipe(a, sizeof(a));
  UT_EQ_INT(crypto_mem_is_zero(a, sizeof(a)), 1);
  UT_EQ_INT(crypto_mem_is_zero(b, sizeof(b)), 0);
  memwipe(NULL, 0);
  /* Two 32-byte draws are different and not all zero (fails with
   * probability 2^-255). */
  UT_EQ_INT(crypto_rand_bytes(a, sizeof(a)), 0);
  UT_EQ_INT(crypto_rand_bytes(b, sizeof(b)), 0);
  UT_EQ_INT(crypto_memeq(a, b, 32), 0);
  UT_EQ_INT(crypto_mem_is_zero(a, 32), 0);
}
