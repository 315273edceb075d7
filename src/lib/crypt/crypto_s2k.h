/* OpenPGP iterated and salted S2K (RFC 2440 section 3.6.1.3) with SHA-1,
 * as tor uses it for HashedControlPassword: the specifier is an 8-byte
 * salt followed by one count byte c, which stands for
 * (16 + (c & 15)) << ((c >> 4) + 6) bytes of salt||secret fed to SHA-1.
 * The encoded form "16:" + hex(salt | c | digest) is what
 * `tor --hash-password PW` prints. */
#ifndef TOR_LIB_CRYPT_CRYPTO_S2K_H
#define TOR_LIB_CRYPT_CRYPTO_S2K_H

#include <stddef.h>
#include <stdint.h>

#define S2K_SPECIFIER_LEN 9     /* salt (8) | count byte (1) */
#define S2K_SALT_LEN 8
#define S2K_DIGEST_LEN 20       /* SHA-1 */
/* The count byte tor writes: 96 stands for 65536 bytes. */
#define S2K_DEFAULT_COUNT_BYTE 0x60
/* "16:" and hex of specifier | digest. */
#define S2K_HASHED_PASSWORD_LEN (3 + 2 * (S2K_SPECIFIER_LEN + S2K_DIGEST_LEN))

/* The number of bytes that count byte c stands for. */
uint64_t s2k_count_from_byte(uint8_t c);

/* S2K digest of secret with the 9-byte specifier (salt, count byte).
 * At least one whole salt||secret is hashed, even when it is longer than
 * the count. */
void s2k_rfc2440_sha1(const uint8_t *secret, size_t len,
                      const uint8_t spec[S2K_SPECIFIER_LEN],
                      uint8_t out[S2K_DIGEST_LEN]);

/* "16:..." (uppercase hex) for pw with a fresh random salt and count byte
 * S2K_DEFAULT_COUNT_BYTE; the caller frees it. NULL on failure. */
char *s2k_hashed_password_new(const uint8_t *pw, size_t len);

/* 1 if encoded ("16:" + 58 hex digits, either case) matches pw, 0 if not,
 * -1 if encoded is malformed. The digests are compared in constant time. */
int s2k_hashed_password_check(const char *encoded, const uint8_t *pw,
                              size_t len);

#endif
