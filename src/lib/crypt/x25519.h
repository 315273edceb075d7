/* X25519 (RFC 7748) over OpenSSL's EVP API: key generation and
 * Diffie-Hellman, on caller-provided 32-byte buffers. Return 0 on success,
 * -1 on failure. */
#ifndef TOR_LIB_CRYPT_X25519_H
#define TOR_LIB_CRYPT_X25519_H

#include <stdint.h>

#define X25519_KEY_LEN 32

/* A fresh random secret key (stored clamped) and its public key. */
int x25519_keypair_generate(uint8_t pk[X25519_KEY_LEN],
                            uint8_t sk[X25519_KEY_LEN]);
/* The public key for secret key sk (any 32 bytes; X25519 clamps). */
int x25519_public_from_secret(uint8_t pk[X25519_KEY_LEN],
                              const uint8_t sk[X25519_KEY_LEN]);
/* out = X25519(sk, peer_pk). Fails (and zeroes out) if the shared secret
 * is all zero, i.e. the peer sent a small-order point. */
int x25519_dh(uint8_t out[X25519_KEY_LEN], const uint8_t sk[X25519_KEY_LEN],
              const uint8_t peer_pk[X25519_KEY_LEN]);

#endif
