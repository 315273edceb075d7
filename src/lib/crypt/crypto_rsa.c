/* RSA over OpenSSL 3 EVP: see crypto_rsa.h. */
#include "orconfig.h"
#include "lib/crypt/crypto_rsa.h"
#include "lib/crypt/crypto_util.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

struct crypto_rsa_key_t {
  EVP_PKEY *pkey;
  int is_private;
};

static crypto_rsa_key_t *
rsa_key_wrap(EVP_PKEY *pkey, int is_private)
{
  crypto_rsa_key_t *k;
  if (!pkey)
    return NULL;
  if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
    EVP_PKEY_free(pkey);
    return NULL;
  }
  k = calloc(1, sizeof(*k));
  if (!k) {
    EVP_PKEY_free(pkey);
    return NULL;
  }
  k->pkey = pkey;
  k->is_private = is_private;
  return k;
}

crypto_rsa_key_t *
crypto_rsa_generate(int bits)
{
  if (bits < 1024 || bits > 4096)
    return NULL;
  return rsa_key_wrap(EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits), 1);
}

void
crypto_rsa_key_free(crypto_rsa_key_t *k)
{
  if (!k)
    return;
  EVP_PKEY_free(k->pkey);
  free(k);
}

int
crypto_rsa_key_is_private(const crypto_rsa_key_t *k)
{
  return k && k->is_private;
}

int
crypto_rsa_key_bits(const crypto_rsa_key_t *k)
{
  if (!k)
    return -1;
  return EVP_PKEY_get_bits(k->pkey);
}

int
crypto_rsa_public_exponent_ok(const crypto_rsa_key_t *k)
{
  BIGNUM *e = NULL;
  int ok;
  if (!k || EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_E, &e) != 1)
    return 0;
  ok = BN_is_word(e, 65537);
  BN_free(e);
  return ok;
}

struct evp_pkey_st *
crypto_rsa_key_get_evp_pkey(crypto_rsa_key_t *k)
{
  return k ? k->pkey : NULL;
}

/* ---- DER ---- */

static int
rsa_der_encode(const crypto_rsa_key_t *k, int selection, uint8_t *out,
               size_t outcap, size_t *outlen)
{
  OSSL_ENCODER_CTX *ectx;
  unsigned char *buf = NULL;
  size_t len = 0;
  int r = -1;
  if (!k || !out || !outlen)
    return -1;
  ectx = OSSL_ENCODER_CTX_new_for_pkey(k->pkey, selection, "DER",
                                       "type-specific", NULL);
  if (!ectx)
    return -1;
  if (OSSL_ENCODER_CTX_get_num_encoders(ectx) > 0 &&
      OSSL_ENCODER_to_data(ectx, &buf, &len) == 1 && len <= outcap) {
    memcpy(out, buf, len);
    *outlen = len;
    r = 0;
  }
  if (buf)
    OPENSSL_clear_free(buf, len);
  OSSL_ENCODER_CTX_free(ectx);
  return r;
}

int
crypto_rsa_public_der_encode(const crypto_rsa_key_t *k, uint8_t *out,
                             size_t outcap, size_t *outlen)
{
  return rsa_der_encode(k, OSSL_KEYMGMT_SELECT_PUBLIC_KEY, out, outcap,
                        outlen);
}

int
crypto_rsa_private_der_encode(const crypto_rsa_key_t *k, uint8_t *out,
                              size_t outcap, size_t *outlen)
{
  if (!crypto_rsa_key_is_private(k))
    return -1;
  return rsa_der_encode(k, OSSL_KEYMGMT_SELECT_KEYPAIR, out, outcap, outlen);
}

static crypto_rsa_key_t *
rsa_der_decode(const uint8_t *der, size_t len, int selection, int priv)
{
  OSSL_DECODER_CTX *dctx;
  EVP_PKEY *pkey = NULL;
  const unsigned char *p = der;
  size_t left = len;
  crypto_rsa_key_t *k;
  if (!der || len == 0)
    return NULL;
  dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, "DER", "type-specific", "RSA",
                                       selection, NULL, NULL);
  if (!dctx)
    return NULL;
  if (OSSL_DECODER_from_data(dctx, &p, &left) != 1 || left != 0) {
    OSSL_DECODER_CTX_free(dctx);
    EVP_PKEY_free(pkey);
    return NULL;
  }
  OSSL_DECODER_CTX_free(dctx);
  k = rsa_key_wrap(pkey, priv);
  if (!k)
    return NULL;
  if (priv) {
    /* The decoder must have found the private exponent. */
    BIGNUM *d = NULL;
    if (EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_D, &d) != 1) {
      crypto_rsa_key_free(k);
      return NULL;
    }
    BN_clear_free(d);
  }
  return k;
}

crypto_rsa_key_t *
crypto_rsa_public_der_decode(const uint8_t *der, size_t len)
{
  return rsa_der_decode(der, len, OSSL_KEYMGMT_SELECT_PUBLIC_KEY, 0);
}

crypto_rsa_key_t *
crypto_rsa_private_der_decode(const uint8_t *der, size_t len)
{
  return rsa_der_decode(der, len, OSSL_KEYMGMT_SELECT_KEYPAIR, 1);
}

crypto_rsa_key_t *
crypto_rsa_public_copy(const crypto_rsa_key_t *k)
{
  uint8_t der[RSA_DER_MAX_LEN];
  size_t len;
  if (crypto_rsa_public_der_encode(k, der, sizeof(der), &len) < 0)
    return NULL;
  return crypto_rsa_public_der_decode(der, len);
}

int
crypto_rsa_public_eq(const crypto_rsa_key_t *a, const crypto_rsa_key_t *b)
{
  uint8_t da[RSA_DER_MAX_LEN], db[RSA_DER_MAX_LEN];
  size_t la, lb;
  if (crypto_rsa_public_der_encode(a, da, sizeof(da), &la) < 0 ||
      crypto_rsa_public_der_encode(b, db, sizeof(db), &lb) < 0)
    return 0;
  return la == lb && memcmp(da, db, la) == 0;
}

int
crypto_rsa_get_fingerprint(const crypto_rsa_key_t *k, uint8_t out[DIGEST_LEN])
{
  uint8_t der[RSA_DER_MAX_LEN];
  size_t len;
  if (!out || crypto_rsa_public_der_encode(k, der, sizeof(der), &len) < 0)
    return -1;
  return crypto_digest_sha1(out, der, len);
}

/* ---- signatures ---- */

int
crypto_rsa_sign_raw(const crypto_rsa_key_t *k, uint8_t *sig, size_t sigcap,
                    size_t *siglen, const uint8_t *data, size_t datalen)
{
  EVP_PKEY_CTX *ctx;
  size_t modlen, len;
  int r = -1;
  if (!crypto_rsa_key_is_private(k) || !sig || !siglen || !data)
    return -1;
  modlen = (size_t)EVP_PKEY_get_size(k->pkey);
  if (sigcap < modlen || datalen == 0 || datalen + 11 > modlen)
    return -1;
  ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
  if (!ctx)
    return -1;
  len = sigcap;
  if (EVP_PKEY_sign_init(ctx) == 1 &&
      EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
      EVP_PKEY_sign(ctx, sig, &len, data, datalen) == 1 && len == modlen) {
    *siglen = len;
    r = 0;
  }
  EVP_PKEY_CTX_free(ctx);
  return r;
}

int
crypto_rsa_verify_raw(const crypto_rsa_key_t *k, const uint8_t *sig,
                      size_t siglen, const uint8_t *data, size_t datalen)
{
  EVP_PKEY_CTX *ctx;
  uint8_t buf[512];
  size_t modlen, len = sizeof(buf);
  int r = -1;
  if (!k || !sig || !data)
    return -1;
  modlen = (size_t)EVP_PKEY_get_size(k->pkey);
  if (siglen != modlen || modlen > sizeof(buf))
    return -1;
  ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
  if (!ctx)
    return -1;
  if (EVP_PKEY_verify_recover_init(ctx) == 1 &&
      EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
      EVP_PKEY_verify_recover(ctx, buf, &len, sig, siglen) == 1 &&
      len == datalen && crypto_memeq(buf, data, datalen))
    r = 0;
  EVP_PKEY_CTX_free(ctx);
  return r;
}
