/* Making the Ed25519 certificates (cert-spec 2.1) that onion service
 * descriptors carry: types 08, 09 and 0B, always with the
 * signed-with-ed25519-key extension (type 04), as real tor writes them:
 *   VERSION 01 | CERT_TYPE | EXPIRATION (hours since the epoch, 4 bytes) |
 *   CERT_KEY_TYPE 01 | CERTIFIED_KEY (32) | N_EXTENSIONS 01 |
 *   ExtLength 0020 | ExtType 04 | ExtFlags 00 | signer key (32) |
 *   SIGNATURE (64, plain Ed25519 over everything before it)
 * Parsing and checking are core/or/torcert's (ed25519_cert_parse,
 * ed25519_cert_check); it has no encoder, hence this one. */
#ifndef TOR_FEATURE_HS_HS_CERT_H
#define TOR_FEATURE_HS_HS_CERT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define HS_CERT_TYPE_DESC_SIGNING 0x08
#define HS_CERT_TYPE_INTRO_AUTH 0x09
#define HS_CERT_TYPE_INTRO_ENC 0x0B
#define HS_CERT_ENCODED_LEN (1 + 1 + 4 + 1 + 32 + 1 + 36 + 64)

/* Encode and sign a certificate of cert_type for certified_key, signed by
 * the expanded secret key signer_esk (public key signer_pk, carried in the
 * extension), expiring at `expires` rounded up to the hour. Returns 0, or
 * -1 on failure. */
int hs_cert_encode(uint8_t out[HS_CERT_ENCODED_LEN], uint8_t cert_type,
                   const uint8_t certified_key[32], const uint8_t signer_pk[32],
                   const uint8_t signer_esk[64], time_t expires);

/* The Ed25519 public key with the same point as the X25519 public key u
 * (the birational map y = (u - 1) / (u + 1) mod 2^255 - 19), with `signbit`
 * as the sign of x. Tor certifies an intro point's ntor encryption key in
 * this form (type 0B) with sign bit 0. Fails for u = -1, which has none. */
int hs_ed25519_from_x25519(uint8_t out[32], const uint8_t u[32], int signbit);

#endif
