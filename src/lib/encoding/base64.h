/* Base64 (RFC 4648 section 4, standard alphabet) as tor uses it: tor
 * writes padded or unpadded base64 and, in descriptors, wraps it in
 * 64-column lines. The decoder accepts either form. Return conventions as
 * in base16.h. */
#ifndef TOR_LIB_ENCODING_BASE64_H
#define TOR_LIB_ENCODING_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Flags for base64_encode. */
#define BASE64_ENCODE_NOPAD     (1u << 0) /* omit trailing '=' */
#define BASE64_ENCODE_MULTILINE (1u << 1) /* 64-char lines, each ending \n */

/* Characters base64_encode writes for srclen bytes with flags, not counting
 * the NUL; 0 if that would overflow. */
size_t base64_encoded_len(size_t srclen, unsigned flags);
/* An upper bound on the bytes srclen characters can decode to. */
size_t base64_decoded_maxlen(size_t srclen);

/* dest needs base64_encoded_len(srclen, flags) + 1 bytes. */
int base64_encode(char *dest, size_t destlen, const uint8_t *src,
                  size_t srclen, unsigned flags);
/* Decode srclen characters, padded or not. Spaces, tabs, CR and LF
 * anywhere are skipped. Anything else outside the alphabet, a wrong
 * amount of padding, data after padding, an impossible length, or nonzero
 * unused trailing bits is an error. */
int base64_decode(uint8_t *dest, size_t destlen, const char *src,
                  size_t srclen);

#endif
