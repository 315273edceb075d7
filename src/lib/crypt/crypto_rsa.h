/* RSA as tor uses it (identity keys are 1024-bit, e = 65537), over
 * OpenSSL 3's EVP API.
 *
 * Signatures are PKCS#1 v1.5 type-1 padding around the raw bytes given
 * (normally a SHA-1 or SHA-256 digest), WITHOUT the DigestInfo ASN.1
 * wrapper (dir-spec: "The signature does not include the
 * algorithmIdentifier specified in PKCS #1").
 *
 * Keys are encoded as PKCS#1 DER (RSAPublicKey / RSAPrivateKey). Encoders
 * write into caller buffers; decoders return a new key that the caller
 * frees with crypto_rsa_key_free. Functions returning int give 0 on
 * success and -1 on failure. */
#ifndef TOR_LIB_CRYPT_CRYPTO_RSA_H
#define TOR_LIB_CRYPT_CRYPTO_RSA_H

#include <stddef.h>
#include <stdint.h>

#include "lib/crypt/crypto_digest.h"

struct evp_pkey_st;

#define RSA1024_KEY_BITS 1024
#define RSA1024_SIG_LEN 128
/* Largest DER encodings we produce for keys up to 4096 bits. */
#define RSA_DER_MAX_LEN 2400

typedef struct crypto_rsa_key_t crypto_rsa_key_t;

/* A fresh key pair of bits bits (1024 to 4096) with e = 65537; NULL on
 * failure. */
crypto_rsa_key_t *crypto_rsa_generate(int bits);
/* Frees the key; NULL is fine. */
void crypto_rsa_key_free(crypto_rsa_key_t *k);
/* 1 if k holds a private key, 0 if public only. */
int crypto_rsa_key_is_private(const crypto_rsa_key_t *k);
/* Modulus size in bits, or -1. */
int crypto_rsa_key_bits(const crypto_rsa_key_t *k);
/* 1 if the public exponent is 65537 (as tor requires), else 0. */
int crypto_rsa_public_exponent_ok(const crypto_rsa_key_t *k);
/* 1 if a and b have the same public key, 0 if not or on error. */
int crypto_rsa_public_eq(const crypto_rsa_key_t *a, const crypto_rsa_key_t *b);
/* A new key holding only the public half of k. */
crypto_rsa_key_t *crypto_rsa_public_copy(const crypto_rsa_key_t *k);
/* The underlying OpenSSL key, still owned by k (for TLS setup). */
struct evp_pkey_st *crypto_rsa_key_get_evp_pkey(crypto_rsa_key_t *k);

/* PKCS#1 RSAPublicKey DER of k into out (outcap bytes); *outlen gets the
 * length. Fails if outcap is too small. */
int crypto_rsa_public_der_encode(const crypto_rsa_key_t *k, uint8_t *out,
                                 size_t outcap, size_t *outlen);
/* PKCS#1 RSAPrivateKey DER; k must be private. Wipe out after use. */
int crypto_rsa_private_der_encode(const crypto_rsa_key_t *k, uint8_t *out,
                                  size_t outcap, size_t *outlen);
/* Parse exactly len bytes of PKCS#1 DER; NULL if malformed, if bytes are
 * left over, or for the wrong kind of key. */
crypto_rsa_key_t *crypto_rsa_public_der_decode(const uint8_t *der,
                                               size_t len);
crypto_rsa_key_t *crypto_rsa_private_der_decode(const uint8_t *der,
                                                size_t len);

/* SHA-1 of the public key's PKCS#1 DER: the relay identity fingerprint. */
int crypto_rsa_get_fingerprint(const crypto_rsa_key_t *k,
                               uint8_t out[DIGEST_LEN]);

/* Sign datalen bytes (at most modulus bytes - 11) with PKCS#1 v1.5 padding
 * and no DigestInfo. sig must hold the modulus size in bytes (128 for
 * RSA-1024); *siglen gets the signature length. */
int crypto_rsa_sign_raw(const crypto_rsa_key_t *k, uint8_t *sig,
                        size_t sigcap, size_t *siglen,
                        const uint8_t *data, size_t datalen);
/* 0 if sig is a valid signature by k over exactly data (as made by
 * crypto_rsa_sign_raw), -1 otherwise. */
int crypto_rsa_verify_raw(const crypto_rsa_key_t *k,
                          const uint8_t *sig, size_t siglen,
                          const uint8_t *data, size_t datalen);

#endif
