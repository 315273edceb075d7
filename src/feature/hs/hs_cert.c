#include "orconfig.h"

#include "feature/hs/hs_cert.h"

#include "lib/crypt/ed25519.h"

#include <openssl/bn.h>

#include <string.h>

#define CERT_VERSION 1
#define CERT_KEY_TYPE_ED25519 1
#define CERT_HEADER_LEN (1 + 1 + 4 + 1 + 32 + 1)

int
hs_cert_encode(uint8_t out[HS_CERT_ENCODED_LEN], uint8_t cert_type,
               const uint8_t certified_key[32], const uint8_t signer_pk[32],
               const uint8_t signer_esk[64], time_t expires)
{
  uint64_t hours = ((uint64_t)(expires < 0 ? 0 : expires) + 3599) / 3600;
  uint8_t *p = out;

  if (hours > UINT32_MAX)
    hours = UINT32_MAX;
  *p++ = CERT_VERSION;
  *p++ = cert_type;
  *p++ = (uint8_t)(hours >> 24);
  *p++ = (uint8_t)(hours >> 16);
  *p++ = (uint8_t)(hours >> 8);
  *p++ = (uint8_t)hours;
  *p++ = CERT_KEY_TYPE_ED25519;
  memcpy(p, certified_key, 32);
  p += 32;
  *p++ = 1;                     /* one extension */
  *p++ = 0;                     /* ExtLength = 32 */
  *p++ = 32;
  *p++ = HS_CERT_EXT_SIGNED_WITH_KEY;
  *p++ = 0;                     /* no flags, as tor sends it */
  memcpy(p, signer_pk, 32);
  p += 32;
  return ed25519_sign_expanded(p, out, (size_t)(p - out), signer_esk);
}

int
hs_cert_parse(hs_cert_t *out, const uint8_t *data, size_t len)
{
  size_t pos, n_ext;

  memset(out, 0, sizeof(*out));
  if (len < CERT_HEADER_LEN + ED25519_SIG_LEN || len > HS_CERT_MAX_LEN)
    return -1;
  if (data[0] != CERT_VERSION)
    return -1;
  out->cert_type = data[1];
  out->expiration_hours = ((uint32_t)data[2] << 24) |
                          ((uint32_t)data[3] << 16) |
                          ((uint32_t)data[4] << 8) | data[5];
  /* CERT_KEY_TYPE: tor has written 01 for every type; the type is implied
   * by CERT_TYPE, so any value is accepted here. */
  memcpy(out->certified_key, data + 7, 32);
  n_ext = data[39];
  pos = CERT_HEADER_LEN;
  for (size_t i = 0; i < n_ext; i++) {
    size_t ext_len;
    uint8_t ext_type, ext_flags;

    if (len - ED25519_SIG_LEN - pos < 4)
      return -1;
    ext_len = ((size_t)data[pos] << 8) | data[pos + 1];
    ext_type = data[pos + 2];
    ext_flags = data[pos + 3];
    pos += 4;
    if (len - ED25519_SIG_LEN - pos < ext_len)
      return -1;
    if (ext_type == HS_CERT_EXT_SIGNED_WITH_KEY) {
      if (ext_len != 32 || out->has_signing_key)
        return -1;
      out->has_signing_key = 1;
      memcpy(out->signing_key, data + pos, 32);
    } else if (ext_flags & HS_CERT_EXT_FLAG_AFFECTS_VALIDATION) {
      return -1;
    }
    pos += ext_len;
  }
  if (pos != len - ED25519_SIG_LEN)
    return -1;
  return 0;
}

int
hs_cert_check_signature(const uint8_t *data, size_t len,
                        const uint8_t signer_pk[32])
{
  hs_cert_t cert;

  if (hs_cert_parse(&cert, data, len) < 0)
    return -1;
  if (cert.has_signing_key && memcmp(cert.signing_key, signer_pk, 32))
    return -1;
  return ed25519_verify(data + len - ED25519_SIG_LEN, data,
                        len - ED25519_SIG_LEN, signer_pk);
}

int
hs_cert_is_expired(const hs_cert_t *cert, time_t now)
{
  return (uint64_t)(now < 0 ? 0 : now) >=
         (uint64_t)cert->expiration_hours * 3600;
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
