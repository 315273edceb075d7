/* Ed25519 signing, verification and key blinding: see ed25519.h.
 * Group arithmetic comes from libsodium's crypto_core_ed25519 /
 * crypto_scalarmult_ed25519 primitives, hashing and verification from
 * OpenSSL. */
#include "orconfig.h"
#include "lib/crypt/ed25519.h"
#include "lib/crypt/crypto_digest.h"
#include "lib/crypt/crypto_util.h"

#include <pthread.h>
#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

#define SCALAR_LEN 32

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_ok;

static void
sodium_init_once(void)
{
  sodium_ok = sodium_init() >= 0;
}

static int
ensure_sodium(void)
{
  if (pthread_once(&sodium_once, sodium_init_once) != 0)
    return -1;
  return sodium_ok ? 0 : -1;
}

/* out = in mod l, for a 32-byte little-endian in. */
static void
scalar_reduce32(uint8_t out[SCALAR_LEN], const uint8_t in[SCALAR_LEN])
{
  uint8_t wide[64];
  memcpy(wide, in, SCALAR_LEN);
  memset(wide + SCALAR_LEN, 0, sizeof(wide) - SCALAR_LEN);
  crypto_core_ed25519_scalar_reduce(out, wide);
  memwipe(wide, sizeof(wide));
}

static void
clamp_scalar(uint8_t s[SCALAR_LEN])
{
  s[0] &= 248;
  s[31] &= 63;
  s[31] |= 64;
}

int
ed25519_seckey_from_seed(uint8_t esk[ED25519_SECKEY_LEN],
                         const uint8_t seed[ED25519_SEED_LEN])
{
  if (!esk || !seed)
    return -1;
  if (crypto_digest_sha512(esk, seed, ED25519_SEED_LEN) < 0)
    return -1;
  clamp_scalar(esk);
  return 0;
}

/* pk = s B for a scalar s (any 32 bytes with the top bit clear). */
static int
scalarmult_base(uint8_t pk[ED25519_PUBKEY_LEN], const uint8_t s[SCALAR_LEN])
{
  uint8_t red[SCALAR_LEN];
  int r;
  scalar_reduce32(red, s);
  r = crypto_scalarmult_ed25519_base_noclamp(pk, red) == 0 ? 0 : -1;
  memwipe(red, sizeof(red));
  return r;
}

int
ed25519_public_from_seckey(uint8_t pk[ED25519_PUBKEY_LEN],
                           const uint8_t esk[ED25519_SECKEY_LEN])
{
  if (!pk || !esk || ensure_sodium() < 0)
    return -1;
  return scalarmult_base(pk, esk);
}

int
ed25519_keypair_generate(uint8_t pk[ED25519_PUBKEY_LEN],
                         uint8_t esk[ED25519_SECKEY_LEN])
{
  uint8_t seed[ED25519_SEED_LEN];
  int r = -1;
  if (!pk || !esk)
    return -1;
  if (crypto_rand_bytes(seed, sizeof(seed)) == 0 &&
      ed25519_seckey_from_seed(esk, seed) == 0 &&
      ed25519_public_from_seckey(pk, esk) == 0)
    r = 0;
  memwipe(seed, sizeof(seed));
  if (r < 0)
    memwipe(esk, ED25519_SECKEY_LEN);
  return r;
}

int
ed25519_sign(uint8_t sig[ED25519_SIG_LEN], const uint8_t *msg, size_t msglen,
             const uint8_t seed[ED25519_SEED_LEN])
{
  EVP_PKEY *key;
  EVP_MD_CTX *ctx;
  size_t siglen = ED25519_SIG_LEN;
  int r = -1;
  if (!sig || !seed || (!msg && msglen))
    return -1;
  if (!msg)
    msg = (const uint8_t *)"";
  key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed,
                                     ED25519_SEED_LEN);
  if (!key)
    return -1;
  ctx = EVP_MD_CTX_new();
  if (ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) == 1 &&
      EVP_DigestSign(ctx, sig, &siglen, msg, msglen) == 1 &&
      siglen == ED25519_SIG_LEN)
    r = 0;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return r;
}

/* SHA-512 of a | b | c, reduced mod l. */
static int
hash_to_scalar(uint8_t out[SCALAR_LEN], const uint8_t *a, size_t alen,
               const uint8_t *b, size_t blen, const uint8_t *c, size_t clen)
{
  uint8_t h[DIGEST512_LEN];
  crypto_digest_t *d = crypto_digest_new(DIGEST_SHA512);
  int r = -1;
  if (!d)
    return -1;
  if (crypto_digest_add_bytes(d, a, alen) == 0 &&
      crypto_digest_add_bytes(d, b, blen) == 0 &&
      crypto_digest_add_bytes(d, c, clen) == 0 &&
      crypto_digest_get_digest(d, h, sizeof(h)) == 0) {
    crypto_core_ed25519_scalar_reduce(out, h);
    r = 0;
  }
  crypto_digest_free(d);
  memwipe(h, sizeof(h));
  return r;
}

int
ed25519_sign_expanded(uint8_t sig[ED25519_SIG_LEN], const uint8_t *msg,
                      size_t msglen, const uint8_t esk[ED25519_SECKEY_LEN])
{
  uint8_t pk[ED25519_PUBKEY_LEN];
  uint8_t r[SCALAR_LEN], k[SCALAR_LEN], a[SCALAR_LEN], ka[SCALAR_LEN];
  int ret = -1;

  if (!sig || !esk || (!msg && msglen) || ensure_sodium() < 0)
    return -1;
  if (!msg)
    msg = (const uint8_t *)"";

  /* A = aB */
  if (scalarmult_base(pk, esk) < 0)
    goto done;
  /* r = H(RH | M) mod l;  R = rB */
  if (hash_to_scalar(r, esk + SCALAR_LEN, SCALAR_LEN, msg, msglen,
                     NULL, 0) < 0)
    goto done;
  if (crypto_mem_is_zero(r, sizeof(r)))
    goto done; /* R would be the identity; probability 2^-252 */
  if (crypto_scalarmult_ed25519_base_noclamp(sig, r) != 0)
    goto done;
  /* k = H(R | A | M) mod l;  S = r + k a mod l */
  if (hash_to_scalar(k, sig, 32, pk, sizeof(pk), msg, msglen) < 0)
    goto done;
  scalar_reduce32(a, esk);
  crypto_core_ed25519_scalar_mul(ka, k, a);
  crypto_core_ed25519_scalar_add(sig + 32, ka, r);
  ret = 0;
 done:
  memwipe(r, sizeof(r));
  memwipe(a, sizeof(a));
  memwipe(ka, sizeof(ka));
  if (ret < 0)
    memwipe(sig, ED25519_SIG_LEN);
  return ret;
}

int
ed25519_verify(const uint8_t sig[ED25519_SIG_LEN], const uint8_t *msg,
               size_t msglen, const uint8_t pk[ED25519_PUBKEY_LEN])
{
  EVP_PKEY *key;
  EVP_MD_CTX *ctx;
  int r = -1;
  if (!sig || !pk || (!msg && msglen))
    return -1;
  if (!msg)
    msg = (const uint8_t *)"";
  key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pk,
                                    ED25519_PUBKEY_LEN);
  if (!key)
    return -1;
  ctx = EVP_MD_CTX_new();
  if (ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1 &&
      EVP_DigestVerify(ctx, sig, ED25519_SIG_LEN, msg, msglen) == 1)
    r = 0;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return r;
}

int
ed25519_public_key_is_valid(const uint8_t pk[ED25519_PUBKEY_LEN])
{
  if (!pk || ensure_sodium() < 0)
    return 0;
  return crypto_core_ed25519_is_valid_point(pk) == 1;
}

int
ed25519_blind_public_key(uint8_t out[ED25519_PUBKEY_LEN],
                         const uint8_t pk[ED25519_PUBKEY_LEN],
                         const uint8_t h[ED25519_BLIND_PARAM_LEN])
{
  uint8_t hc[SCALAR_LEN];
  int r;
  if (!out || !pk || !h || ensure_sodium() < 0)
    return -1;
  memcpy(hc, h, sizeof(hc));
  clamp_scalar(hc);
  /* libsodium checks pk is canonical, in the main subgroup and not of
   * small order; for such points multiplying by h or by h mod l agree. */
  r = crypto_scalarmult_ed25519_noclamp(out, hc, pk) == 0 ? 0 : -1;
  memwipe(hc, sizeof(hc));
  if (r < 0)
    memwipe(out, ED25519_PUBKEY_LEN);
  return r;
}

int
ed25519_blind_secret_key(uint8_t out[ED25519_SECKEY_LEN],
                         const uint8_t esk[ED25519_SECKEY_LEN],
                         const uint8_t h[ED25519_BLIND_PARAM_LEN])
{
  static const char rh_blind[] = "Derive temporary signing key hash input";
  uint8_t hc[SCALAR_LEN], hr[SCALAR_LEN], a[SCALAR_LEN];
  uint8_t rh[DIGEST512_LEN];
  crypto_digest_t *d = NULL;
  int r = -1;
  if (!out || !esk || !h || ensure_sodium() < 0)
    return -1;
  memcpy(hc, h, sizeof(hc));
  clamp_scalar(hc);
  scalar_reduce32(hr, hc);
  scalar_reduce32(a, esk);

  d = crypto_digest_new(DIGEST_SHA512);
  if (!d ||
      crypto_digest_add_bytes(d, rh_blind, strlen(rh_blind)) < 0 ||
      crypto_digest_add_bytes(d, esk + SCALAR_LEN, SCALAR_LEN) < 0 ||
      crypto_digest_get_digest(d, rh, sizeof(rh)) < 0)
    goto done;
  /* a' = h a mod l */
  crypto_core_ed25519_scalar_mul(out, hr, a);
  memcpy(out + SCALAR_LEN, rh, SCALAR_LEN);
  r = 0;
 done:
  crypto_digest_free(d);
  memwipe(hc, sizeof(hc));
  memwipe(hr, sizeof(hr));
  memwipe(a, sizeof(a));
  memwipe(rh, sizeof(rh));
  if (r < 0)
    memwipe(out, ED25519_SECKEY_LEN);
  return r;
}
