/* Hexadecimal (base16) encoding. Encoders write a NUL-terminated string
 * into dest (destlen bytes) and return the number of characters written
 * (without the NUL); decoders return the number of bytes written. Both
 * return -1 on bad input or a too-small buffer, and never write past
 * destlen. */
#ifndef TOR_LIB_ENCODING_BASE16_H
#define TOR_LIB_ENCODING_BASE16_H

#include <stddef.h>
#include <stdint.h>

/* Characters needed for srclen bytes, not counting the NUL. */
#define BASE16_ENCODED_LEN(srclen) ((srclen) * 2)

/* Uppercase hex, as tor prints relay fingerprints. */
int base16_encode(char *dest, size_t destlen, const uint8_t *src,
                  size_t srclen);
/* Lowercase hex. */
int base16_encode_lower(char *dest, size_t destlen, const uint8_t *src,
                        size_t srclen);
/* Decode exactly srclen hex digits (either case; srclen even, nothing
 * else allowed) into srclen/2 bytes. */
int base16_decode(uint8_t *dest, size_t destlen, const char *src,
                  size_t srclen);

#endif
