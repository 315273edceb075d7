#include "orconfig.h"

#include "feature/hs/hs_cert.h"
#include "core/or/torcert.h"

#include "lib/crypt/ed25519.h"

#include <openssl/bn.h>

#include <string.h>

int
hs_cert_encode(uint8_t out[HS_CERT_ENCODED_LEN], uint8_t cert_type,
               const uint8_t certified_key[32], const uint8_t signer_pk[32],
               const uint8_t signer_esk[64], time_t expires)
{
  return ed25519_cert_encode(out, cert_type, certified_key, signer_pk, signer_esk, expires);
}

/* Little-endian 32 bytes <-> BIGNUM (OpenSSL works big-endian). */
static BIGNUM *
bn_from_le(const uint8_t in[32])
{
  return BN_lebin2bn(in, 32, NULL);
}

int
hs_ed25519_from_x25519(uint8_t out[32], const uint8_t u[32], int signbit)
{
  uint8_t masked[32];
  BN_CTX *ctx = BN_CTX_new();
  BIGNUM *p = BN_new(), *bu = NULL, *num = BN_new(), *den = BN_new();
  int ok = 0;

  /* X25519 ignores the top bit of u. */
  memcpy(masked, u, 32);
  masked[31] &= 0x7f;
  bu = bn_from_le(masked);
  if (!ctx || !p || !bu || !num || !den)
    goto done;
  /* p = 2^255 - 19 */
  if (!BN_set_bit(p, 255) || !BN_sub_word(p, 19))
    goto done;
  if (!BN_nnmod(bu, bu, p, ctx) ||
      !BN_mod_sub(num, bu, BN_value_one(), p, ctx) ||
      !BN_mod_add(den, bu, BN_value_one(), p, ctx) ||
      BN_is_zero(den) ||
      !BN_mod_inverse(den, den, p, ctx) ||
      !BN_mod_mul(num, num, den, p, ctx) ||
      BN_bn2lebinpad(num, out, 32) != 32)
    goto done;
  out[31] = (uint8_t)((out[31] & 0x7f) | (signbit ? 0x80 : 0));
  ok = 1;
 done:
  BN_free(p);
  BN_free(bu);
  BN_free(num);
  BN_free(den);
  BN_CTX_free(ctx);
  return ok ? 0 : -1;
}
