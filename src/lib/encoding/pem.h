/* PEM-style armour as used in tor's directory documents:
 *   -----BEGIN <TAG>-----\n
 *   <base64, padded, 64-column lines each ending \n>
 *   -----END <TAG>-----
 * (no newline after the END line; documents add their own). Return
 * conventions as in base16.h. */
#ifndef TOR_LIB_ENCODING_PEM_H
#define TOR_LIB_ENCODING_PEM_H

#include <stddef.h>
#include <stdint.h>

/* Characters pem_encode writes for srclen bytes under tag (no NUL). */
size_t pem_encoded_len(size_t srclen, const char *tag);
/* dest needs pem_encoded_len(srclen, tag) + 1 bytes. */
int pem_encode(char *dest, size_t destlen, const uint8_t *src, size_t srclen,
               const char *tag);
/* Decode srclen characters holding exactly one object with the given tag
 * (whitespace may surround it). Fails on a missing or different tag,
 * trailing garbage, or bad base64. */
int pem_decode(uint8_t *dest, size_t destlen, const char *src, size_t srclen,
               const char *tag);

#endif
