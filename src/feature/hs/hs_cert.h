/* Ed25519 certificates (cert-spec 2.1) as onion service descriptors use
 * them (types 08, 09 and 0B, always with the signed-with-ed25519-key
 * extension, type 04):
 *   VERSION 01 | CERT_TYPE | EXPIRATION (hours since the epoch, 4 bytes) |
 *   CERT_KEY_TYPE 01 | CERTIFIED_KEY (32) | N_EXTENSIONS |
 *   extensions (ExtLength 2, ExtType, ExtFlags, data) | SIGNATURE (64)
 * The signature is plain Ed25519 over everything before it.
 * (Kept here until a shared src/core/or/torcert exists.) */
#ifndef TOR_FEATURE_HS_HS_CERT_H
#define TOR_FEATURE_HS_HS_CERT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define HS_CERT_TYPE_DESC_SIGNING 0x08
#define HS_CERT_TYPE_INTRO_AUTH 0x09
#define HS_CERT_TYPE_INTRO_ENC 0x0B
#define HS_CERT_EXT_SIGNED_WITH_KEY 0x04
#define HS_CERT_EXT_FLAG_AFFECTS_VALIDATION 0x01
/* What we emit: the header, one 36-byte extension, the signature. */
#define HS_CERT_ENCODED_LEN (1 + 1 + 4 + 1 + 32 + 1 + 36 + 64)
#define HS_CERT_MAX_LEN 4096

typedef struct hs_cert_t {
  uint8_t cert_type;
  uint32_t expiration_hours;
  uint8_t certified_key[32];
  int has_signing_key;        /* the type-04 extension was present */
  uint8_t signing_key[32];
} hs_cert_t;

/* Encode and sign a certificate of cert_type for certified_key, signed by
 * the expanded secret key signer_esk (public key signer_pk, carried in the
 * extension), expiring at `expires` (rounded up to the hour). out must hold
 * HS_CERT_ENCODED_LEN bytes. */
int hs_cert_encode(uint8_t out[HS_CERT_ENCODED_LEN], uint8_t cert_type,
                   const uint8_t certified_key[32], const uint8_t signer_pk[32],
                   const uint8_t signer_esk[64], time_t expires);

/* Parse len bytes. Rejects a wrong version, truncated or trailing data,
 * a bad extension length, and an unknown extension flagged
 * AFFECTS_VALIDATION. Does not check the signature. */
int hs_cert_parse(hs_cert_t *out, const uint8_t *data, size_t len);

/* 0 if the signature over data (len bytes of an encoded certificate) is
 * valid under signer_pk, and the certificate carries no signing-key
 * extension or one that equals signer_pk; -1 otherwise. */
int hs_cert_check_signature(const uint8_t *data, size_t len,
                            const uint8_t signer_pk[32]);

/* 1 if the certificate has expired at time now. */
int hs_cert_is_expired(const hs_cert_t *cert, time_t now);

/* The Ed25519 public key with the same point as the X25519 public key u
 * (the birational map y = (u - 1) / (u + 1) mod 2^255 - 19), with `signbit`
 * as the sign of x. Tor certifies an intro point's ntor encryption key in
 * this form (type 0B) with sign bit 0. Fails for u = -1, which has none. */
int hs_ed25519_from_x25519(uint8_t out[32], const uint8_t u[32], int signbit);

#endif
