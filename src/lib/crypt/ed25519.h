/* Ed25519 (RFC 8032) as tor uses it.
 *
 * Tor stores secret keys "expanded": 64 bytes = the clamped secret scalar a
 * followed by the 32-byte hash prefix RH (the two halves of SHA-512(seed)).
 * Blinded keys (rend-spec-v3 appendix A) exist only in that form, so
 * signing works from the expanded key (built from libsodium's group
 * arithmetic and SHA-512). Verification and seed signing use OpenSSL.
 *
 * All buffers are caller-provided; functions return 0 on success and -1 on
 * failure (for ed25519_verify: -1 means "not a valid signature"). */
#ifndef TOR_LIB_CRYPT_ED25519_H
#define TOR_LIB_CRYPT_ED25519_H

#include <stddef.h>
#include <stdint.h>

#define ED25519_PUBKEY_LEN 32
#define ED25519_SEED_LEN 32
#define ED25519_SECKEY_LEN 64 /* expanded: clamped scalar | hash prefix */
#define ED25519_SIG_LEN 64
#define ED25519_BLIND_PARAM_LEN 32

/* Expand a 32-byte RFC 8032 seed into tor's 64-byte secret key. */
int ed25519_seckey_from_seed(uint8_t esk[ED25519_SECKEY_LEN],
                             const uint8_t seed[ED25519_SEED_LEN]);
/* The public key A = aB of an expanded secret key. */
int ed25519_public_from_seckey(uint8_t pk[ED25519_PUBKEY_LEN],
                               const uint8_t esk[ED25519_SECKEY_LEN]);
/* A fresh random key pair (expanded secret key and public key). */
int ed25519_keypair_generate(uint8_t pk[ED25519_PUBKEY_LEN],
                             uint8_t esk[ED25519_SECKEY_LEN]);

/* RFC 8032 signature of msg with a 32-byte seed (OpenSSL). */
int ed25519_sign(uint8_t sig[ED25519_SIG_LEN], const uint8_t *msg,
                 size_t msglen, const uint8_t seed[ED25519_SEED_LEN]);
/* Signature of msg with an expanded (possibly blinded) secret key; the
 * public key is derived from esk, so it always matches. Identical to
 * ed25519_sign for the expansion of the same seed. */
int ed25519_sign_expanded(uint8_t sig[ED25519_SIG_LEN], const uint8_t *msg,
                          size_t msglen,
                          const uint8_t esk[ED25519_SECKEY_LEN]);
/* 0 if sig is a valid signature of msg under pk, -1 otherwise. */
int ed25519_verify(const uint8_t sig[ED25519_SIG_LEN], const uint8_t *msg,
                   size_t msglen, const uint8_t pk[ED25519_PUBKEY_LEN]);

/* 1 if pk encodes a point on the curve in the prime-order subgroup and
 * not of small order (what an onion address must hold), else 0. */
int ed25519_public_key_is_valid(const uint8_t pk[ED25519_PUBKEY_LEN]);

/* Key blinding (rend-spec-v3 appendix A.2) with blinding parameter h (the
 * 32-byte hash output; it is clamped here):
 *   blinded public key  A' = h A
 *   blinded secret key  a' = h a mod l,
 *                       RH' = SHA-512("Derive temporary signing key hash
 *                             input" | RH)[:32]
 * The blinded public key of pk fails for an invalid pk (see
 * ed25519_public_key_is_valid). */
int ed25519_blind_public_key(uint8_t out[ED25519_PUBKEY_LEN],
                             const uint8_t pk[ED25519_PUBKEY_LEN],
                             const uint8_t h[ED25519_BLIND_PARAM_LEN]);
int ed25519_blind_secret_key(uint8_t out[ED25519_SECKEY_LEN],
                             const uint8_t esk[ED25519_SECKEY_LEN],
                             const uint8_t h[ED25519_BLIND_PARAM_LEN]);

#endif
