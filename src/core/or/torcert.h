/* Tor's own certificate formats (cert-spec.txt):
 *   - Ed25519 certificates (section 2.1): version 1, cert type, expiration
 *     in hours since the epoch, certified key type and key, extensions
 *     (signed-with-ed25519-key, type 4, is the only one understood), and an
 *     Ed25519 signature over everything before it;
 *   - the RSA->Ed25519 cross-certificate (section 2.3, CERTS type 7).
 *
 * Parsing only checks the encoding; the *_check functions check signature,
 * signer and expiry against a caller-given "now", so tests can fix the
 * time. Parsers take (data, len) and reject trailing bytes. On failure,
 * *err (if err is not NULL) gets a static string saying why. */
#ifndef TOR_CORE_OR_TORCERT_H
#define TOR_CORE_OR_TORCERT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/crypt/crypto_rsa.h"
#include "lib/crypt/ed25519.h"

/* CERT_TYPE values (cert-spec A.1; also CERTS cell types 4-7). */
#define CERTTYPE_ED_ID_SIGNING 4     /* Ed25519 identity -> signing key */
#define CERTTYPE_ED_SIGNING_LINK 5   /* signing key -> SHA-256 of TLS cert */
#define CERTTYPE_ED_SIGNING_AUTH 6   /* signing key -> AUTHENTICATE key */
#define CERTTYPE_RSA_ED_CROSSCERT 7

/* CERT_KEY_TYPE values (cert-spec A.4). */
#define CERT_KEYTYPE_ED25519 1
#define CERT_KEYTYPE_SHA256_RSA 2
#define CERT_KEYTYPE_SHA256_X509 3

#define CERTEXT_SIGNED_WITH_KEY 4
#define CERTEXT_FLAG_AFFECTS_VALIDATION 1

#define ED25519_CERT_MIN_LEN (1 + 1 + 4 + 1 + 32 + 1 + ED25519_SIG_LEN)
/* A certificate with the signed-with-ed25519-key extension only. */
#define ED25519_CERT_WITH_SIGNER_LEN (1 + 1 + 4 + 1 + 32 + 1 + 36 + ED25519_SIG_LEN)

/* Encodes and signs a certificate of cert_type for the Ed25519 key
 * certified_key, with the signed-with-ed25519-key extension (signer_pk,
 * flags 0) as tor writes them, signed by signer_esk (expanded), expiring
 * at `expires` rounded up to the hour. 0, or -1. */
int ed25519_cert_encode(uint8_t out[ED25519_CERT_WITH_SIGNER_LEN], uint8_t cert_type,
                        const uint8_t certified_key[32], const uint8_t signer_pk[32],
                        const uint8_t signer_esk[64], time_t expires);

typedef struct ed25519_cert_t {
  uint8_t cert_type;
  uint32_t expiration_hours;          /* hours since the epoch */
  uint8_t key_type;
  uint8_t certified_key[32];
  int has_signing_key;                /* extension type 4 present */
  uint8_t signing_key[ED25519_PUBKEY_LEN];
  uint8_t signature[ED25519_SIG_LEN];
  size_t encoded_len;
  uint8_t *encoded;                   /* owned copy; the signature covers
                                       * encoded_len - 64 bytes */
} ed25519_cert_t;

/* Parse exactly len bytes; NULL on malformed input (wrong version,
 * truncation, a type-4 extension not 32 bytes long, an unknown extension
 * flagged AFFECTS_VALIDATION, trailing bytes). */
ed25519_cert_t *ed25519_cert_parse(const uint8_t *data, size_t len,
                                   const char **err);
void ed25519_cert_free(ed25519_cert_t *cert);

/* 0 if cert is valid at now: not expired, signed by signing_key (or, if
 * signing_key is NULL, by the key in its signed-with-key extension, which
 * must then be present), and, when both are known, the extension agrees
 * with signing_key. -1 otherwise. */
int ed25519_cert_check(const ed25519_cert_t *cert,
                       const uint8_t *signing_key, time_t now,
                       const char **err);
/* 1 if cert has expired at now (cert-spec: valid until the hour). */
static inline int
ed25519_cert_is_expired(const ed25519_cert_t *cert, time_t now)
{
  return (uint64_t)now > (uint64_t)cert->expiration_hours * 3600;
}

/* ---- RSA->Ed25519 cross-certificate */

#define RSA_ED_CROSSCERT_PREFIX "Tor TLS RSA/Ed25519 cross-certificate"
#define RSA_ED_CROSSCERT_MAX_SIG 255

typedef struct rsa_ed_crosscert_t {
  uint8_t ed_key[ED25519_PUBKEY_LEN];
  uint32_t expiration_hours;
  uint8_t sig_len;
  uint8_t sig[RSA_ED_CROSSCERT_MAX_SIG];
  /* SHA-256(prefix | ED25519_KEY | EXPIRATION_DATE): what the RSA key signs */
  uint8_t signed_digest[32];
} rsa_ed_crosscert_t;

int rsa_ed_crosscert_parse(rsa_ed_crosscert_t *out, const uint8_t *data,
                           size_t len, const char **err);
/* 0 if cc is unexpired at now and signed by rsa_key. */
int rsa_ed_crosscert_check(const rsa_ed_crosscert_t *cc,
                           const crypto_rsa_key_t *rsa_key, time_t now,
                           const char **err);

#endif
