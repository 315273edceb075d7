/* Tests for lib/crypt/x25519 and lib/crypt/ed25519.
 * Vectors: RFC 7748 (X25519 section 5.2 and 6.1), RFC 8032 section 7.1
 * (Ed25519 tests 1-3 and "SHA(abc)"), tests/vectors/ed25519_blinding.txt
 * (key blinding made with stem's pure-Python implementation by
 * tests/vectors/gen/gen_vectors.py), and the ed25519 identity key and
 * signing certificate real tor 0.4.9 wrote (tests/vectors/relay_real_tor). */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "lib/crypt/ed25519.h"
#include "lib/crypt/ed25519_keyfile.h"
#include "lib/crypt/x25519.h"
#include "lib/encoding/base64.h"

#include <stdlib.h>
#include <string.h>

/* ---- X25519 ---- */

UNITTEST(crypto_x25519, rfc7748)
{
  uint8_t ska[32], skb[32], pka[32], pkb[32], s1[32], s2[32], u[32];
  ut_unhex(ska, 32, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  ut_unhex(skb, 32, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
  UT_EQ_INT(x25519_public_from_secret(pka, ska), 0);
  UT_EQ_HEX(pka, 32, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  UT_EQ_INT(x25519_public_from_secret(pkb, skb), 0);
  UT_EQ_HEX(pkb, 32, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  UT_EQ_INT(x25519_dh(s1, ska, pkb), 0);
  UT_EQ_INT(x25519_dh(s2, skb, pka), 0);
  UT_EQ_HEX(s1, 32, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  UT_EQ_MEM(s1, s2, 32);

  /* Section 5.2, first vector (unclamped scalar input). */
  ut_unhex(ska, 32, "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
  ut_unhex(u, 32, "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
  UT_EQ_INT(x25519_dh(s1, ska, u), 0);
  UT_EQ_HEX(s1, 32, "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
}

UNITTEST(crypto_x25519, small_order_peer_rejected)
{
  uint8_t sk[32], pk[32], out[32], zero[32] = { 0 }, one[32] = { 1 };
  UT_EQ_INT(x25519_keypair_generate(pk, sk), 0);
  UT_EQ_INT(sk[0] & 7, 0);
  UT_EQ_INT(x25519_dh(out, sk, zero), -1);
  UT_EQ_MEM(out, zero, 32);
  UT_EQ_INT(x25519_dh(out, sk, one), -1);
}

UNITTEST(crypto_x25519, generated_agree)
{
  uint8_t ska[32], pka[32], skb[32], pkb[32], s1[32], s2[32];
  UT_EQ_INT(x25519_keypair_generate(pka, ska), 0);
  UT_EQ_INT(x25519_keypair_generate(pkb, skb), 0);
  UT_EQ_INT(x25519_dh(s1, ska, pkb), 0);
  UT_EQ_INT(x25519_dh(s2, skb, pka), 0);
  UT_EQ_MEM(s1, s2, 32);
  UT_ASSERT(memcmp(pka, pkb, 32) != 0);
}

/* ---- Ed25519 ---- */

static const struct {
  const char *seed, *pk, *msg, *sig;
} rfc8032[] = {
  { "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    "",
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
  { "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    "72",
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
    "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
  { "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
    "af82",
    "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
    "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
  /* TEST SHA(abc): the message is SHA-512("abc"). */
  { "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
    "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
    "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704" },
};

UNITTEST(crypto_ed25519, rfc8032)
{
  for (size_t i = 0; i < sizeof(rfc8032) / sizeof(rfc8032[0]); i++) {
    uint8_t seed[32], esk[64], pk[32], msg[64], sig[64];
    size_t mlen;
    ut_unhex(seed, 32, rfc8032[i].seed);
    mlen = ut_unhex(msg, sizeof(msg), rfc8032[i].msg);
    UT_EQ_INT(ed25519_seckey_from_seed(esk, seed), 0);
    UT_EQ_INT(ed25519_public_from_seckey(pk, esk), 0);
    UT_EQ_HEX(pk, 32, rfc8032[i].pk);
    /* Seed signing (OpenSSL) and expanded-key signing (ours) agree with
     * the RFC. */
    UT_EQ_INT(ed25519_sign(sig, msg, mlen, seed), 0);
    UT_EQ_HEX(sig, 64, rfc8032[i].sig);
    memset(sig, 0, sizeof(sig));
    UT_EQ_INT(ed25519_sign_expanded(sig, msg, mlen, esk), 0);
    UT_EQ_HEX(sig, 64, rfc8032[i].sig);
    UT_EQ_INT(ed25519_verify(sig, msg, mlen, pk), 0);
    sig[5] ^= 0x20;
    UT_EQ_INT(ed25519_verify(sig, msg, mlen, pk), -1);
    sig[5] ^= 0x20;
    pk[0] ^= 1;
    UT_EQ_INT(ed25519_verify(sig, msg, mlen, pk), -1);
    pk[0] ^= 1;
    if (mlen) {
      msg[0] ^= 1;
      UT_EQ_INT(ed25519_verify(sig, msg, mlen, pk), -1);
    }
  }
}

UNITTEST(crypto_ed25519, generated_sign_verify)
{
  uint8_t pk[32], esk[64], pk2[32], sig[64];
  const char *m = "a message";
  UT_EQ_INT(ed25519_keypair_generate(pk, esk), 0);
  UT_EQ_INT(ed25519_public_from_seckey(pk2, esk), 0);
  UT_EQ_MEM(pk, pk2, 32);
  UT_EQ_INT(ed25519_public_key_is_valid(pk), 1);
  UT_EQ_INT(ed25519_sign_expanded(sig, (const uint8_t *)m, strlen(m), esk), 0);
  UT_EQ_INT(ed25519_verify(sig, (const uint8_t *)m, strlen(m), pk), 0);
  UT_EQ_INT(ed25519_verify(sig, (const uint8_t *)m, strlen(m) - 1, pk), -1);
}

/* Key blinding against stem's independent implementation: blinded public
 * key, blinded secret key, and a signature with the blinded key (Ed25519
 * signatures are deterministic, so ours must match stem's byte for byte). */
UNITTEST(crypto_ed25519, blinding_stem_vectors)
{
  vecfile_t *vf = vecfile_load("tests/vectors/ed25519_blinding.txt");
  UT_ASSERT(vecfile_n_records(vf) >= 4);
  for (int rec = 0; rec < vecfile_n_records(vf); rec++) {
    size_t mlen;
    const uint8_t *seed = vecfile_get(vf, rec, "seed", NULL);
    const uint8_t *esk = vecfile_get(vf, rec, "esk", NULL);
    const uint8_t *pk = vecfile_get(vf, rec, "pk", NULL);
    const uint8_t *h = vecfile_get(vf, rec, "h", NULL);
    const uint8_t *bpk = vecfile_get(vf, rec, "blinded_pk", NULL);
    const uint8_t *besk = vecfile_get(vf, rec, "blinded_esk", NULL);
    const uint8_t *msg = vecfile_get(vf, rec, "msg", &mlen);
    const uint8_t *bsig = vecfile_get(vf, rec, "blinded_sig", NULL);
    uint8_t my_esk[64], my_pk[32], my_bpk[32], my_besk[64], sig[64], tmp[32];

    UT_EQ_INT(ed25519_seckey_from_seed(my_esk, seed), 0);
    UT_EQ_MEM(my_esk, esk, 64);
    UT_EQ_INT(ed25519_public_from_seckey(my_pk, esk), 0);
    UT_EQ_MEM(my_pk, pk, 32);

    UT_EQ_INT(ed25519_blind_public_key(my_bpk, pk, h), 0);
    UT_EQ_MEM(my_bpk, bpk, 32);
    UT_EQ_INT(ed25519_blind_secret_key(my_besk, esk, h), 0);
    UT_EQ_MEM(my_besk, besk, 64);
    /* The blinded secret key's public key is the blinded public key. */
    UT_EQ_INT(ed25519_public_from_seckey(tmp, my_besk), 0);
    UT_EQ_MEM(tmp, bpk, 32);

    UT_EQ_INT(ed25519_sign_expanded(sig, msg, mlen, my_besk), 0);
    UT_EQ_MEM(sig, bsig, 64);
    UT_EQ_INT(ed25519_verify(bsig, msg, mlen, bpk), 0);
    UT_EQ_INT(ed25519_verify(bsig, msg, mlen, pk), -1);

    /* Blinding in place works too. */
    memcpy(my_besk, esk, 64);
    UT_EQ_INT(ed25519_blind_secret_key(my_besk, my_besk, h), 0);
    UT_EQ_MEM(my_besk, besk, 64);
  }
  vecfile_free(vf);
}

UNITTEST(crypto_ed25519, invalid_points)
{
  uint8_t p[32], out[32], h[32];
  memset(h, 0x33, sizeof(h));
  /* The identity (0, 1). */
  memset(p, 0, 32);
  p[0] = 1;
  UT_EQ_INT(ed25519_public_key_is_valid(p), 0);
  UT_EQ_INT(ed25519_blind_public_key(out, p, h), -1);
  /* (0, -1), of order 2. */
  ut_unhex(p, 32, "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
  UT_EQ_INT(ed25519_public_key_is_valid(p), 0);
  /* A point of order 8. */
  ut_unhex(p, 32, "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a");
  UT_EQ_INT(ed25519_public_key_is_valid(p), 0);
  /* The key real tor made for tests/vectors/hs_real_tor plus that point of
   * order 8 (computed with stem's ed25519 helpers): on the curve but not
   * in the prime-order subgroup. */
  ut_unhex(p, 32, "6ae5da4b6f3ad3bc9df215449f48eb7f4fb7322a56311a800b7957020b272672");
  UT_EQ_INT(ed25519_public_key_is_valid(p), 0);
  UT_EQ_INT(ed25519_blind_public_key(out, p, h), -1);
  /* The key itself is fine. */
  ut_unhex(p, 32, "ac6ade10f8c2e51ac69cf0cb0aa52f15b51cce84d3faf97ebf5a4f26db537b80");
  UT_EQ_INT(ed25519_public_key_is_valid(p), 1);
  /* y >= p: not canonical. */
  memset(p, 0xff, 32);
  p[31] = 0x7f;
  UT_EQ_INT(ed25519_public_key_is_valid(p), 0);
}

/* Real tor's relay keys: the master identity key file yields the public
 * key tor wrote next to it and printed (unpadded base64) into
 * fingerprint-ed25519; tor's signing certificate verifies under it, and
 * signing the same bytes with our expanded-key signer reproduces tor's
 * signature exactly. */
UNITTEST(crypto_ed25519, real_tor_relay_keys)
{
  size_t seclen, publen, fplen, certlen;
  uint8_t *sec = ut_read_srcfile(
      "tests/vectors/relay_real_tor/ed25519_master_id_secret_key", &seclen);
  uint8_t *pub = ut_read_srcfile(
      "tests/vectors/relay_real_tor/ed25519_master_id_public_key", &publen);
  uint8_t *fp = ut_read_srcfile(
      "tests/vectors/relay_real_tor/fingerprint-ed25519", &fplen);
  uint8_t *cert = ut_read_srcfile(
      "tests/vectors/relay_real_tor/ed25519_signing_cert", &certlen);
  uint8_t esk[64], pk[32], pk_file[32], pk_fp[32], sig[64];
  const uint8_t *body;
  size_t bodylen;
  const char *err = NULL, *b64;
  int n;

  UT_EQ_INT(ed25519_secret_keyfile_parse(esk, sec, seclen, &err), 0);
  UT_EQ_INT(ed25519_public_keyfile_parse(pk_file, pub, publen, &err), 0);
  UT_EQ_INT(ed25519_public_from_seckey(pk, esk), 0);
  UT_EQ_MEM(pk, pk_file, 32);

  /* fingerprint-ed25519 is "<nickname> <base64 without padding>\n". */
  b64 = strchr((const char *)fp, ' ');
  UT_ASSERT(b64 != NULL);
  b64++;
  n = base64_decode(pk_fp, sizeof(pk_fp), b64,
                    fplen - (size_t)(b64 - (const char *)fp));
  UT_EQ_INT(n, 32);
  UT_EQ_MEM(pk_fp, pk, 32);

  /* Certificate file: 32-byte header, then cert-spec bytes whose last 64
   * are an Ed25519 signature of the rest by the master key; extension 04
   * carries the signing (master) key. */
  UT_ASSERT(certlen == 32 + 140);
  UT_EQ_INT(memcmp(cert, "== ed25519v1-cert: type4 ==", 27), 0);
  body = cert + 32;
  bodylen = 140 - 64;
  UT_EQ_INT(body[0], 1); /* version */
  UT_EQ_INT(body[1], 4); /* CERT_TYPE: signing key, signed by identity */
  UT_EQ_MEM(body + 39 + 5, pk, 32);
  UT_EQ_INT(ed25519_verify(body + bodylen, body, bodylen, pk), 0);
  UT_EQ_INT(ed25519_sign_expanded(sig, body, bodylen, esk), 0);
  UT_EQ_MEM(sig, body + bodylen, 64);

  free(sec);
  free(pub);
  free(fp);
  free(cert);
}

UNITTEST(crypto_ed25519, bad_arguments)
{
  uint8_t buf[64] = { 0 };
  UT_EQ_INT(ed25519_sign_expanded(NULL, buf, 1, buf), -1);
  UT_EQ_INT(ed25519_sign_expanded(buf, NULL, 1, buf), -1);
  UT_EQ_INT(ed25519_verify(buf, NULL, 3, buf), -1);
  UT_EQ_INT(ed25519_blind_public_key(buf, NULL, buf), -1);
  UT_EQ_INT(ed25519_blind_secret_key(buf, buf, NULL), -1);
  UT_EQ_INT(ed25519_public_key_is_valid(NULL), 0);
}
