/* Base32 as in RFC 4648 section 6 with a lowercase alphabet and no
 * padding, as in onion addresses. Return conventions as in base16.h. */
#ifndef TOR_LIB_ENCODING_BASE32_H
#define TOR_LIB_ENCODING_BASE32_H

#include <stddef.h>
#include <stdint.h>

/* Characters for srclen bytes (ceil(8 * srclen / 5)), not counting NUL. */
size_t base32_encoded_len(size_t srclen);
/* Bytes that srclen base32 characters decode to (floor(5 * srclen / 8)). */
size_t base32_decoded_len(size_t srclen);

/* Lowercase, unpadded; dest needs base32_encoded_len(srclen) + 1 bytes. */
int base32_encode(char *dest, size_t destlen, const uint8_t *src,
                  size_t srclen);
/* Decode exactly srclen characters (either case, no padding, no
 * whitespace). Rejects lengths no encoder produces and nonzero unused
 * trailing bits. dest needs base32_decoded_len(srclen) bytes. */
int base32_decode(uint8_t *dest, size_t destlen, const char *src,
                  size_t srclen);

#endif
