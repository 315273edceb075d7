/* X25519 over OpenSSL EVP: see x25519.h. */
#include "orconfig.h"
#include "lib/crypt/x25519.h"
#include "lib/crypt/crypto_util.h"

#include <string.h>

#include <openssl/evp.h>

int
x25519_public_from_secret(uint8_t pk[X25519_KEY_LEN],
                          const uint8_t sk[X25519_KEY_LEN])
{
  EVP_PKEY *key;
  size_t len = X25519_KEY_LEN;
  int r = -1;
  if (!pk || !sk)
    return -1;
  key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, sk,
                                     X25519_KEY_LEN);
  if (!key)
    return -1;
  if (EVP_PKEY_get_raw_public_key(key, pk, &len) == 1 &&
      len == X25519_KEY_LEN)
    r = 0;
  EVP_PKEY_free(key);
  return r;
}

int
x25519_keypair_generate(uint8_t pk[X25519_KEY_LEN], uint8_t sk[X25519_KEY_LEN])
{
  if (!pk || !sk)
    return -1;
  if (crypto_rand_bytes(sk, X25519_KEY_LEN) < 0)
    return -1;
  sk[0] &= 248;
  sk[31] &= 127;
  sk[31] |= 64;
  if (x25519_public_from_secret(pk, sk) < 0) {
    memwipe(sk, X25519_KEY_LEN);
    return -1;
  }
  return 0;
}

int
x25519_dh(uint8_t out[X25519_KEY_LEN], const uint8_t sk[X25519_KEY_LEN],
          const uint8_t peer_pk[X25519_KEY_LEN])
{
  EVP_PKEY *mine = NULL, *peer = NULL;
  EVP_PKEY_CTX *ctx = NULL;
  size_t len = X25519_KEY_LEN;
  int r = -1;
  if (!out || !sk || !peer_pk)
    return -1;
  mine = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, sk,
                                      X25519_KEY_LEN);
  peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer_pk,
                                     X25519_KEY_LEN);
  if (!mine || !peer)
    goto done;
  ctx = EVP_PKEY_CTX_new_from_pkey(NULL, mine, NULL);
  if (!ctx)
    goto done;
  if (EVP_PKEY_derive_init(ctx) == 1 &&
      EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) == 1 &&
      EVP_PKEY_derive(ctx, out, &len) == 1 && len == X25519_KEY_LEN &&
      !crypto_mem_is_zero(out, X25519_KEY_LEN))
    r = 0;
 done:
  if (r < 0)
    memwipe(out, X25519_KEY_LEN);
  EVP_PKEY_CTX_free(ctx);
  EVP_PKEY_free(mine);
  EVP_PKEY_free(peer);
  return r;
}
