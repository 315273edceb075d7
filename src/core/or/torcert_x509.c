/* X.509 via OpenSSL; see torcert_x509.h. */
#include "orconfig.h"

#include "core/or/torcert_x509.h"

#include "lib/crypt/crypto_digest.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

struct tor_x509_cert_t {
  X509 *x509;
  uint8_t *der;
  size_t der_len;
};

/* Wrap x509 (taking ownership) with its DER encoding. */
static tor_x509_cert_t *
tor_x509_cert_wrap(X509 *x509)
{
  tor_x509_cert_t *c;
  unsigned char *der = NULL;
  int n = i2d_X509(x509, &der);
  if (n <= 0) {
    X509_free(x509);
    return NULL;
  }
  c = calloc(1, sizeof(*c));
  if (!c) {
    OPENSSL_free(der);
    X509_free(x509);
    return NULL;
  }
  c->x509 = x509;
  c->der = malloc((size_t)n);
  if (!c->der) {
    OPENSSL_free(der);
    tor_x509_cert_free(c);
    return NULL;
  }
  memcpy(c->der, der, (size_t)n);
  c->der_len = (size_t)n;
  OPENSSL_free(der);
  return c;
}

tor_x509_cert_t *
tor_x509_cert_decode(const uint8_t *der, size_t len)
{
  const unsigned char *p = der;
  X509 *x;
  tor_x509_cert_t *c;
  if (len == 0 || len > INT32_MAX)
    return NULL;
  x = d2i_X509(NULL, &p, (long)len);
  if (!x)
    return NULL;
  if (p != der + len) {
    X509_free(x);
    return NULL;
  }
  c = tor_x509_cert_wrap(x);
  /* Digests must cover the bytes as sent, not a re-encoding. */
  if (c && (c->der_len != len || memcmp(c->der, der, len))) {
    tor_x509_cert_free(c);
    return NULL;
  }
  return c;
}

tor_x509_cert_t *
tor_x509_cert_from_ssl_peer(struct ssl_st *ssl)
{
  X509 *x = SSL_get1_peer_certificate(ssl);
  if (!x)
    return NULL;
  return tor_x509_cert_wrap(x);
}

void
tor_x509_cert_free(tor_x509_cert_t *cert)
{
  if (!cert)
    return;
  X509_free(cert->x509);
  free(cert->der);
  free(cert);
}

const uint8_t *
tor_x509_cert_get_der(const tor_x509_cert_t *cert, size_t *len)
{
  *len = cert->der_len;
  return cert->der;
}

int
tor_x509_cert_sha256(const tor_x509_cert_t *cert, uint8_t out[32])
{
  return crypto_digest_sha256(out, cert->der, cert->der_len);
}

crypto_rsa_key_t *
tor_x509_cert_get_rsa_key(const tor_x509_cert_t *cert)
{
  EVP_PKEY *pk = X509_get0_pubkey(cert->x509);
  unsigned char *der = NULL;
  crypto_rsa_key_t *key;
  int n;
  if (!pk || EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA)
    return NULL;
  /* For RSA keys this is the PKCS#1 RSAPublicKey our RSA module reads. */
  n = i2d_PublicKey(pk, &der);
  if (n <= 0)
    return NULL;
  key = crypto_rsa_public_der_decode(der, (size_t)n);
  OPENSSL_free(der);
  return key;
}

int
tor_x509_cert_check_signed_by(const tor_x509_cert_t *cert,
                              const crypto_rsa_key_t *signer)
{
  /* OpenSSL's verify wants a non-const key but does not modify it. */
  EVP_PKEY *pk = crypto_rsa_key_get_evp_pkey((crypto_rsa_key_t *)signer);
  if (!pk)
    return -1;
  return X509_verify(cert->x509, pk) == 1 ? 0 : -1;
}

int
tor_x509_cert_check_lifetime(const tor_x509_cert_t *cert, time_t now)
{
  const ASN1_TIME *nb = X509_get0_notBefore(cert->x509);
  const ASN1_TIME *na = X509_get0_notAfter(cert->x509);
  time_t t;
  if (!nb || !na)
    return -1;
  /* X509_cmp_time gives 0 for an unparseable time: reject that too. */
  t = now + X509_FUTURE_SLOP;
  if (X509_cmp_time(nb, &t) >= 0)
    return -1;   /* not yet valid, even allowing for skew */
  t = now - X509_PAST_SLOP;
  if (X509_cmp_time(na, &t) <= 0)
    return -1;   /* expired */
  return 0;
}
