/* X.509 certificates as tor links use them, over OpenSSL: the relay's
 * self-signed RSA-1024 identity certificate (CERTS type 2) and the TLS
 * link certificate, which a client never checks against a CA but through
 * the SHA-256 digest its CERTS cell certifies (type 5).
 *
 * Ownership: tor_x509_cert_* objects come from _decode / _from_ssl_peer and
 * go to tor_x509_cert_free. */
#ifndef TOR_CORE_OR_TORCERT_X509_H
#define TOR_CORE_OR_TORCERT_X509_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/crypt/crypto_rsa.h"

struct ssl_st;

/* Tolerated clock skew when checking X.509 validity periods, as tor
 * tolerates it for link certificates: a certificate may have expired up to
 * 2 days ago, or start being valid up to 30 days from now. */
#define X509_PAST_SLOP (2 * 24 * 60 * 60)
#define X509_FUTURE_SLOP (30 * 24 * 60 * 60)

typedef struct tor_x509_cert_t tor_x509_cert_t;

/* Parse exactly len bytes of DER; NULL if malformed or trailing bytes. */
tor_x509_cert_t *tor_x509_cert_decode(const uint8_t *der, size_t len);
/* The certificate the TLS peer of ssl presented; NULL if none. */
tor_x509_cert_t *tor_x509_cert_from_ssl_peer(struct ssl_st *ssl);
void tor_x509_cert_free(tor_x509_cert_t *cert);

/* The DER encoding (owned by cert). */
const uint8_t *tor_x509_cert_get_der(const tor_x509_cert_t *cert,
                                     size_t *len);
/* SHA-256 of the DER encoding. */
int tor_x509_cert_sha256(const tor_x509_cert_t *cert, uint8_t out[32]);
/* The subject public key if it is RSA (a new key for the caller to free),
 * else NULL. */
crypto_rsa_key_t *tor_x509_cert_get_rsa_key(const tor_x509_cert_t *cert);
/* 0 if cert's signature verifies under signer's public key. */
int tor_x509_cert_check_signed_by(const tor_x509_cert_t *cert,
                                  const crypto_rsa_key_t *signer);
/* 0 if cert has both validity dates and is valid at now, allowing the
 * slops above; -1 otherwise. */
int tor_x509_cert_check_lifetime(const tor_x509_cert_t *cert, time_t now);

#endif
