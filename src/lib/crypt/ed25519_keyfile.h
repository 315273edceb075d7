/* Onion service key files in tor's format (what tor writes into a
 * HiddenServiceDir):
 *   hs_ed25519_secret_key: "== ed25519v1-secret: type0 ==" NUL-padded to
 *                          32 bytes, then the 64-byte expanded secret key
 *   hs_ed25519_public_key: "== ed25519v1-public: type0 ==" NUL-padded to
 *                          32 bytes, then the 32-byte public key
 *
 * Encoders fill caller buffers. Parsers take (data, len), check every
 * length, and on failure set *err (if err is not NULL) to a static string
 * giving the reason. File functions do the same; a corrupt file is always
 * an error, never replaced. All return 0 on success and -1 on failure. */
#ifndef TOR_LIB_CRYPT_ED25519_KEYFILE_H
#define TOR_LIB_CRYPT_ED25519_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#define ED25519_KEYFILE_HEADER_LEN 32
#define ED25519_SECRET_KEYFILE_LEN (ED25519_KEYFILE_HEADER_LEN + 64)
#define ED25519_PUBLIC_KEYFILE_LEN (ED25519_KEYFILE_HEADER_LEN + 32)

int ed25519_secret_keyfile_encode(uint8_t out[ED25519_SECRET_KEYFILE_LEN],
                                  const uint8_t esk[64]);
int ed25519_public_keyfile_encode(uint8_t out[ED25519_PUBLIC_KEYFILE_LEN],
                                  const uint8_t pk[32]);

/* The secret key must be exactly header + 64 bytes and not all zero. */
int ed25519_secret_keyfile_parse(uint8_t esk_out[64], const uint8_t *data,
                                 size_t len, const char **err);
/* The public key must be exactly header + 32 bytes and a valid point. */
int ed25519_public_keyfile_parse(uint8_t pk_out[32], const uint8_t *data,
                                 size_t len, const char **err);

/* Read and parse the file at path (a regular file of the exact size). */
int ed25519_secret_keyfile_read(uint8_t esk_out[64], const char *path,
                                const char **err);
int ed25519_public_keyfile_read(uint8_t pk_out[32], const char *path,
                                const char **err);
/* Write the file at path with mode 0600, replacing it atomically (write to
 * path.tmp, fsync, rename). */
int ed25519_secret_keyfile_write(const char *path, const uint8_t esk[64],
                                 const char **err);
int ed25519_public_keyfile_write(const char *path, const uint8_t pk[32],
                                 const char **err);

#endif
