/* Tests for lib/crypt/crypto_rsa. Vectors: tests/vectors/rsa1024.txt (made
 * by tests/vectors/gen/gen_vectors.py with python3-cryptography and plain
 * Python modular arithmetic for the DigestInfo-less PKCS#1 v1.5
 * signatures) and tests/vectors/relay_real_tor/ (an identity key and its
 * fingerprint file written by real tor 0.4.9). */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "lib/crypt/crypto_rsa.h"
#include "lib/encoding/base16.h"
#include "lib/encoding/pem.h"

#include <stdlib.h>
#include <string.h>

UNITTEST(crypto_rsa, der_fingerprint_sign_vectors)
{
  vecfile_t *vf = vecfile_load("tests/vectors/rsa1024.txt");
  size_t privlen, publen, fplen, len;
  const uint8_t *priv_der = vecfile_get(vf, 0, "private_der", &privlen);
  const uint8_t *pub_der = vecfile_get(vf, 0, "public_der", &publen);
  const uint8_t *fp = vecfile_get(vf, 0, "fingerprint", &fplen);
  uint8_t buf[RSA_DER_MAX_LEN], out[DIGEST_LEN];
  crypto_rsa_key_t *priv, *pub;

  priv = crypto_rsa_private_der_decode(priv_der, privlen);
  pub = crypto_rsa_public_der_decode(pub_der, publen);
  UT_ASSERT(priv != NULL);
  UT_ASSERT(pub != NULL);
  UT_EQ_INT(crypto_rsa_key_is_private(priv), 1);
  UT_EQ_INT(crypto_rsa_key_is_private(pub), 0);
  UT_EQ_INT(crypto_rsa_key_bits(priv), 1024);
  UT_EQ_INT(crypto_rsa_public_exponent_ok(pub), 1);
  UT_EQ_INT(crypto_rsa_public_eq(priv, pub), 1);

  /* Re-encoding gives back the same PKCS#1 DER. */
  UT_EQ_INT(crypto_rsa_public_der_encode(priv, buf, sizeof(buf), &len), 0);
  UT_EQ_INT(len, publen);
  UT_EQ_MEM(buf, pub_der, publen);
  UT_EQ_INT(crypto_rsa_private_der_encode(priv, buf, sizeof(buf), &len), 0);
  UT_EQ_INT(len, privlen);
  UT_EQ_MEM(buf, priv_der, privlen);
  UT_EQ_INT(crypto_rsa_private_der_encode(pub, buf, sizeof(buf), &len), -1);
  UT_EQ_INT(crypto_rsa_public_der_encode(priv, buf, publen - 1, &len), -1);

  UT_EQ_INT(fplen, DIGEST_LEN);
  UT_EQ_INT(crypto_rsa_get_fingerprint(pub, out), 0);
  UT_EQ_MEM(out, fp, DIGEST_LEN);

  /* Signatures over SHA-1 and SHA-256 digests, no DigestInfo. */
  for (int rec = 1; rec < vecfile_n_records(vf); rec++) {
    size_t dlen, slen, siglen = 0;
    const uint8_t *digest = vecfile_get(vf, rec, "digest", &dlen);
    const uint8_t *sig = vecfile_get(vf, rec, "sig", &slen);
    uint8_t mysig[RSA1024_SIG_LEN], bad[RSA1024_SIG_LEN];
    UT_EQ_INT(crypto_rsa_sign_raw(priv, mysig, sizeof(mysig), &siglen,
                                  digest, dlen), 0);
    UT_EQ_INT(siglen, RSA1024_SIG_LEN);
    UT_EQ_INT(slen, RSA1024_SIG_LEN);
    UT_EQ_MEM(mysig, sig, RSA1024_SIG_LEN);
    UT_EQ_INT(crypto_rsa_verify_raw(pub, sig, slen, digest, dlen), 0);
    /* A changed signature, a changed digest, or a truncated digest fail. */
    memcpy(bad, sig, sizeof(bad));
    bad[77] ^= 0x10;
    UT_EQ_INT(crypto_rsa_verify_raw(pub, bad, slen, digest, dlen), -1);
    memcpy(bad, digest, dlen);
    bad[0] ^= 1;
    UT_EQ_INT(crypto_rsa_verify_raw(pub, sig, slen, bad, dlen), -1);
    UT_EQ_INT(crypto_rsa_verify_raw(pub, sig, slen, digest, dlen - 1), -1);
    UT_EQ_INT(crypto_rsa_verify_raw(pub, sig, slen - 1, digest, dlen), -1);
    /* Public keys cannot sign. */
    UT_EQ_INT(crypto_rsa_sign_raw(pub, mysig, sizeof(mysig), &siglen,
                                  digest, dlen), -1);
  }
  crypto_rsa_key_free(priv);
  crypto_rsa_key_free(pub);
  vecfile_free(vf);
}

UNITTEST(crypto_rsa, malformed_der_rejected)
{
  vecfile_t *vf = vecfile_load("tests/vectors/rsa1024.txt");
  size_t privlen, publen;
  const uint8_t *priv_der = vecfile_get(vf, 0, "private_der", &privlen);
  const uint8_t *pub_der = vecfile_get(vf, 0, "public_der", &publen);
  uint8_t buf[RSA_DER_MAX_LEN];

  /* Truncated, extended, and wrong-kind inputs. */
  UT_ASSERT(crypto_rsa_public_der_decode(pub_der, publen - 1) == NULL);
  memcpy(buf, pub_der, publen);
  buf[publen] = 0;
  UT_ASSERT(crypto_rsa_public_der_decode(buf, publen + 1) == NULL);
  UT_ASSERT(crypto_rsa_private_der_decode(priv_der, privlen - 3) == NULL);
  UT_ASSERT(crypto_rsa_private_der_decode(pub_der, publen) == NULL);
  UT_ASSERT(crypto_rsa_public_der_decode(NULL, 0) == NULL);
  UT_ASSERT(crypto_rsa_public_der_decode((const uint8_t *)"\x30\x00", 2)
            == NULL);
  memset(buf, 0x41, 200);
  UT_ASSERT(crypto_rsa_public_der_decode(buf, 200) == NULL);
  UT_ASSERT(crypto_rsa_private_der_decode(buf, 200) == NULL);
  vecfile_free(vf);
}

/* The identity key real tor wrote (keys/secret_id_key, PEM "RSA PRIVATE
 * KEY") has the fingerprint tor printed into its fingerprint file. */
UNITTEST(crypto_rsa, real_tor_identity_fingerprint)
{
  size_t pemlen, fplen, derlen;
  uint8_t *pem = ut_read_srcfile("tests/vectors/relay_real_tor/secret_id_key",
                                 &pemlen);
  uint8_t *fpfile = ut_read_srcfile("tests/vectors/relay_real_tor/fingerprint",
                                    &fplen);
  uint8_t der[RSA_DER_MAX_LEN], fp[DIGEST_LEN];
  char hex[2 * DIGEST_LEN + 1], want[2 * DIGEST_LEN + 1];
  crypto_rsa_key_t *k;
  int n;

  /* tor stores the PEM as a C string: the file ends "\n\0". */
  UT_ASSERT(pemlen > 0 && pem[pemlen - 1] == '\0');
  n = pem_decode(der, sizeof(der), (const char *)pem,
                 strlen((const char *)pem), "RSA PRIVATE KEY");
  UT_ASSERT(n > 0);
  derlen = (size_t)n;
  k = crypto_rsa_private_der_decode(der, derlen);
  UT_ASSERT(k != NULL);
  UT_EQ_INT(crypto_rsa_key_bits(k), 1024);
  UT_EQ_INT(crypto_rsa_public_exponent_ok(k), 1);
  UT_EQ_INT(crypto_rsa_get_fingerprint(k, fp), 0);
  UT_EQ_INT(base16_encode(hex, sizeof(hex), fp, sizeof(fp)), 40);
  /* The file is "<nickname> <40 hex>\n". */
  UT_ASSERT(fplen >= 41);
  memcpy(want, fpfile + fplen - 41, 40);
  want[40] = '\0';
  UT_EQ_STR(hex, want);

  /* And a signature made now verifies under the public half. */
  {
    crypto_rsa_key_t *pub = crypto_rsa_public_copy(k);
    uint8_t sig[RSA1024_SIG_LEN];
    size_t siglen;
    UT_ASSERT(pub != NULL);
    UT_EQ_INT(crypto_rsa_key_is_private(pub), 0);
    UT_EQ_INT(crypto_rsa_sign_raw(k, sig, sizeof(sig), &siglen, fp, 20), 0);
    UT_EQ_INT(crypto_rsa_verify_raw(pub, sig, siglen, fp, 20), 0);
    crypto_rsa_key_free(pub);
  }
  crypto_rsa_key_free(k);
  free(pem);
  free(fpfile);
}

UNITTEST(crypto_rsa, generate_roundtrip)
{
  crypto_rsa_key_t *k = crypto_rsa_generate(1024), *k2, *pub;
  uint8_t der[RSA_DER_MAX_LEN], sig[RSA1024_SIG_LEN], data[118];
  size_t len, siglen;
  UT_ASSERT(k != NULL);
  UT_EQ_INT(crypto_rsa_key_bits(k), 1024);
  UT_EQ_INT(crypto_rsa_public_exponent_ok(k), 1);
  UT_EQ_INT(crypto_rsa_private_der_encode(k, der, sizeof(der), &len), 0);
  k2 = crypto_rsa_private_der_decode(der, len);
  UT_ASSERT(k2 != NULL);
  UT_EQ_INT(crypto_rsa_public_der_encode(k, der, sizeof(der), &len), 0);
  pub = crypto_rsa_public_der_decode(der, len);
  UT_ASSERT(pub != NULL);
  UT_EQ_INT(crypto_rsa_public_eq(k2, pub), 1);
  /* The largest payload PKCS#1 v1.5 allows for 128 bytes is 117. */
  memset(data, 0x42, sizeof(data));
  UT_EQ_INT(crypto_rsa_sign_raw(k2, sig, sizeof(sig), &siglen, data, 117), 0);
  UT_EQ_INT(crypto_rsa_verify_raw(pub, sig, siglen, data, 117), 0);
  UT_EQ_INT(crypto_rsa_sign_raw(k2, sig, sizeof(sig), &siglen, data, 118),
            -1);
  UT_EQ_INT(crypto_rsa_sign_raw(k2, sig, 127, &siglen, data, 20), -1);
  UT_ASSERT(crypto_rsa_generate(512) == NULL);
  crypto_rsa_key_free(k);
  crypto_rsa_key_free(k2);
  crypto_rsa_key_free(pub);
  crypto_rsa_key_free(NULL);
}
