/* Tor's binary key files: a 32-byte header, "== TAG ==" padded with NULs,
 * then the key bytes. Tags tor writes:
 *   ed25519v1-secret: type0   (onion service and relay master identity)
 *   ed25519v1-secret: type4   (relay signing key)
 *   ed25519v1-public: type0
 *   ed25519v1-cert: type4     (relay signing certificate)
 *   c25519v1: onion           (relay ntor onion key: secret, then public)
 * The pieces every key file format shares: the header, reading a small
 * regular file (never more than asked), and atomic writes with mode 0600.
 * On failure *err (if err is not NULL) gets a static string saying why.
 * All return 0 on success and -1 on failure. */
#ifndef TOR_LIB_CRYPT_TOR_KEYFILE_H
#define TOR_LIB_CRYPT_TOR_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#define TOR_KEYFILE_HEADER_LEN 32

/* The header for tag (the whole "== ... ==" text, at most 32 bytes). */
void tor_keyfile_make_header(uint8_t out[TOR_KEYFILE_HEADER_LEN], const char *tag);
/* Checks data (at least TOR_KEYFILE_HEADER_LEN bytes) holds tag's header;
 * prefix ("== ed25519v1-secret: ") tells "wrong key type" from "another
 * kind of key" in the error. */
int tor_keyfile_check_header(const uint8_t *data, const char *tag, const char *prefix,
                             const char **err);
/* Reads at most cap + 1 bytes of the regular file at path into buf; *lenp
 * gets the count (cap + 1 means the file is longer than cap). */
int tor_keyfile_read_small(const char *path, uint8_t *buf, size_t cap, size_t *lenp,
                           const char **err);
/* Writes path.tmp (0600, fsync) and renames it over path. */
int tor_keyfile_write_atomic(const char *path, const uint8_t *data, size_t len,
                             const char **err);
/* A file that is exactly tag's header and body_len bytes: the body into
 * body (wiped on failure). */
int tor_keyfile_read_body(const char *path, const char *tag, uint8_t *body, size_t body_len,
                          const char **err);
/* Writes tag's header and body[0..body_len) (at most 256 bytes). */
int tor_keyfile_write_body(const char *path, const char *tag, const uint8_t *body,
                           size_t body_len, const char **err);

#endif
