#include "orconfig.h"

#include "feature/hs/hs_desc_layer.h"
#include "feature/hs/hs_keys.h"

#include "lib/crypt/aes_ctr.h"
#include "lib/crypt/crypto_digest.h"
#include "lib/crypt/crypto_util.h"
#include "lib/crypt/x25519.h"

#include <stdlib.h>
#include <string.h>

#define S_KEY_LEN 32
#define S_IV_LEN 16
#define MAC_KEY_LEN 32
/* A descriptor is at most 50 kB; refuse anything absurd before malloc. */
#define LAYER_MAX_LEN (1u << 20)

static const char *
layer_constant(hs_desc_layer_t layer)
{
  return layer == HS_DESC_LAYER_SUPERENCRYPTED ? "hsdir-superencrypted-data"
                                               : "hsdir-encrypted-data";
}

/* keys = SECRET_KEY | SECRET_IV | MAC_KEY for this layer and salt. */
static int
layer_derive(uint8_t out[S_KEY_LEN + S_IV_LEN + MAC_KEY_LEN],
             hs_desc_layer_t layer, const hs_desc_layer_keys_t *keys,
             const uint8_t *cookie, size_t cookie_len, const uint8_t *salt)
{
  const char *constant = layer_constant(layer);
  uint8_t rev[8];
  crypto_xof_t *x = crypto_xof_shake256_new();
  int ok = x != NULL;

  hs_put_int8(rev, keys->revision_counter);
  ok = ok && crypto_xof_add_bytes(x, keys->blinded_pk, 32) == 0 &&
       (!cookie_len || crypto_xof_add_bytes(x, cookie, cookie_len) == 0) &&
       crypto_xof_add_bytes(x, keys->subcredential, 32) == 0 &&
       crypto_xof_add_bytes(x, rev, sizeof(rev)) == 0 &&
       crypto_xof_add_bytes(x, salt, HS_DESC_SALT_LEN) == 0 &&
       crypto_xof_add_bytes(x, constant, strlen(constant)) == 0 &&
       crypto_xof_squeeze_bytes(x, out, S_KEY_LEN + S_IV_LEN + MAC_KEY_LEN)
         == 0;
  crypto_xof_free(x);
  return ok ? 0 : -1;
}

static int
layer_mac(uint8_t out[HS_DESC_MAC_LEN], const uint8_t *mac_key,
          const uint8_t *salt, const uint8_t *ct, size_t ct_len)
{
  uint8_t len_key[8], len_salt[8];
  crypto_digest_t *d = crypto_digest_new(DIGEST_SHA3_256);
  int ok = d != NULL;

  hs_put_int8(len_key, MAC_KEY_LEN);
  hs_put_int8(len_salt, HS_DESC_SALT_LEN);
  ok = ok && crypto_digest_add_bytes(d, len_key, 8) == 0 &&
       crypto_digest_add_bytes(d, mac_key, MAC_KEY_LEN) == 0 &&
       crypto_digest_add_bytes(d, len_salt, 8) == 0 &&
       crypto_digest_add_bytes(d, salt, HS_DESC_SALT_LEN) == 0 &&
       crypto_digest_add_bytes(d, ct, ct_len) == 0 &&
       crypto_digest_get_digest(d, out, HS_DESC_MAC_LEN) == 0;
  crypto_digest_free(d);
  return ok ? 0 : -1;
}

static int
layer_stream(const uint8_t *k, uint8_t *buf, size_t len)
{
  aes_ctr_cipher_t *c = aes_ctr_cipher_new(k, S_KEY_LEN, k + S_KEY_LEN);
  int r;

  if (!c)
    return -1;
  r = aes_ctr_cipher_crypt_inplace(c, buf, len);
  aes_ctr_cipher_free(c);
  return r;
}

uint8_t *
hs_desc_layer_encrypt(hs_desc_layer_t layer, const hs_desc_layer_keys_t *keys,
                      const uint8_t salt[HS_DESC_SALT_LEN],
                      const uint8_t *plaintext, size_t len, size_t *blob_len)
{
  return hs_desc_layer_encrypt_with_cookie(layer, keys, NULL, 0, salt,
                                           plaintext, len, blob_len);
}

uint8_t *
hs_desc_layer_decrypt(hs_desc_layer_t layer, const hs_desc_layer_keys_t *keys,
                      const uint8_t *blob, size_t blob_len, size_t *len)
{
  return hs_desc_layer_decrypt_with_cookie(layer, keys, NULL, 0, blob,
                                           blob_len, len);
}

uint8_t *
hs_desc_layer_encrypt_with_cookie(hs_desc_layer_t layer,
                                  const hs_desc_layer_keys_t *keys,
                                  const uint8_t *cookie, size_t cookie_len,
                                  const uint8_t salt[HS_DESC_SALT_LEN],
                                  const uint8_t *plaintext, size_t len,
                                  size_t *blob_len)
{
  uint8_t k[S_KEY_LEN + S_IV_LEN + MAC_KEY_LEN];
  size_t padded = len;
  uint8_t *blob;

  if (len > LAYER_MAX_LEN || cookie_len > HS_DESC_COOKIE_MAX_LEN ||
      (cookie_len && !cookie))
    return NULL;
  if (layer == HS_DESC_LAYER_SUPERENCRYPTED)
    padded = (len + HS_DESC_PADDING_MULTIPLE - 1) / HS_DESC_PADDING_MULTIPLE
             * HS_DESC_PADDING_MULTIPLE;
  blob = calloc(1, HS_DESC_LAYER_OVERHEAD + padded);
  if (!blob)
    return NULL;
  memcpy(blob, salt, HS_DESC_SALT_LEN);
  memcpy(blob + HS_DESC_SALT_LEN, plaintext, len);  /* the rest stays 0 */
  if (layer_derive(k, layer, keys, cookie, cookie_len, salt) < 0 ||
      layer_stream(k, blob + HS_DESC_SALT_LEN, padded) < 0 ||
      layer_mac(blob + HS_DESC_SALT_LEN + padded, k + S_KEY_LEN + S_IV_LEN,
                salt, blob + HS_DESC_SALT_LEN, padded) < 0) {
    memwipe(k, sizeof(k));
    free(blob);
    return NULL;
  }
  memwipe(k, sizeof(k));
  *blob_len = HS_DESC_LAYER_OVERHEAD + padded;
  return blob;
}

uint8_t *
hs_desc_layer_decrypt_with_cookie(hs_desc_layer_t layer,
                                  const hs_desc_layer_keys_t *keys,
                                  const uint8_t *cookie, size_t cookie_len,
                                  const uint8_t *blob, size_t blob_len,
                                  size_t *len)
{
  uint8_t k[S_KEY_LEN + S_IV_LEN + MAC_KEY_LEN], mac[HS_DESC_MAC_LEN];
  const uint8_t *salt = blob, *ct = blob + HS_DESC_SALT_LEN;
  size_t ct_len;
  uint8_t *out = NULL;

  if (blob_len < HS_DESC_LAYER_OVERHEAD || blob_len > LAYER_MAX_LEN ||
      cookie_len > HS_DESC_COOKIE_MAX_LEN || (cookie_len && !cookie))
    return NULL;
  ct_len = blob_len - HS_DESC_LAYER_OVERHEAD;
  if (layer_derive(k, layer, keys, cookie, cookie_len, salt) < 0 ||
      layer_mac(mac, k + S_KEY_LEN + S_IV_LEN, salt, ct, ct_len) < 0 ||
      !crypto_memeq(mac, ct + ct_len, HS_DESC_MAC_LEN))
    goto done;
  out = malloc(ct_len + 1);
  if (!out)
    goto done;
  memcpy(out, ct, ct_len);
  out[ct_len] = 0;
  if (layer_stream(k, out, ct_len) < 0) {
    free(out);
    out = NULL;
    goto done;
  }
  *len = ct_len;
 done:
  memwipe(k, sizeof(k));
  return out;
}

int
hs_desc_client_auth_keys(const uint8_t subcredential[32],
                         const uint8_t client_sk[32],
                         const uint8_t ephemeral_pk[32],
                         uint8_t client_id[HS_DESC_CLIENT_ID_LEN],
                         uint8_t cookie_key[HS_DESC_COOKIE_KEY_LEN])
{
  uint8_t seed[X25519_KEY_LEN];
  uint8_t keys[HS_DESC_CLIENT_ID_LEN + HS_DESC_COOKIE_KEY_LEN];
  crypto_xof_t *x;
  int ok;

  if (x25519_dh(seed, client_sk, ephemeral_pk) < 0)
    return -1;
  x = crypto_xof_shake256_new();
  ok = x != NULL && crypto_xof_add_bytes(x, subcredential, 32) == 0 &&
       crypto_xof_add_bytes(x, seed, sizeof(seed)) == 0 &&
       crypto_xof_squeeze_bytes(x, keys, sizeof(keys)) == 0;
  crypto_xof_free(x);
  if (ok) {
    memcpy(client_id, keys, HS_DESC_CLIENT_ID_LEN);
    memcpy(cookie_key, keys + HS_DESC_CLIENT_ID_LEN, HS_DESC_COOKIE_KEY_LEN);
  }
  memwipe(seed, sizeof(seed));
  memwipe(keys, sizeof(keys));
  return ok ? 0 : -1;
}

int
hs_desc_cookie_crypt(const uint8_t cookie_key[HS_DESC_COOKIE_KEY_LEN],
                     const uint8_t iv[HS_DESC_AUTH_IV_LEN],
                     const uint8_t *in, uint8_t *out, size_t len)
{
  aes_ctr_cipher_t *c = aes_ctr_cipher_new(cookie_key, HS_DESC_COOKIE_KEY_LEN,
                                           iv);
  int r;

  if (!c)
    return -1;
  r = aes_ctr_cipher_crypt(c, out, in, len);
  aes_ctr_cipher_free(c);
  return r;
}
