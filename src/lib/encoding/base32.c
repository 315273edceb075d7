/* Base32 (RFC 4648, lowercase, unpadded): see base32.h. */
#include "orconfig.h"
#include "lib/encoding/base32.h"

#include <limits.h>

static const char base32_alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

size_t
base32_encoded_len(size_t srclen)
{
  return (srclen / 5) * 8 + ((srclen % 5) * 8 + 4) / 5;
}

size_t
base32_decoded_len(size_t srclen)
{
  return (srclen / 8) * 5 + ((srclen % 8) * 5) / 8;
}

int
base32_encode(char *dest, size_t destlen, const uint8_t *src, size_t srclen)
{
  size_t outlen, o = 0;
  uint32_t acc = 0;
  int bits = 0;
  if (!dest || (!src && srclen) || srclen > (size_t)INT_MAX / 2)
    return -1;
  outlen = base32_encoded_len(srclen);
  if (destlen < outlen + 1)
    return -1;
  for (size_t i = 0; i < srclen; i++) {
    acc = (acc << 8) | src[i];
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      dest[o++] = base32_alphabet[(acc >> bits) & 0x1f];
    }
  }
  if (bits > 0)
    dest[o++] = base32_alphabet[(acc << (5 - bits)) & 0x1f];
  dest[o] = '\0';
  return (int)o;
}

static int
base32_value(char c)
{
  if (c >= 'a' && c <= 'z')
    return c - 'a';
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= '2' && c <= '7')
    return c - '2' + 26;
  return -1;
}

int
base32_decode(uint8_t *dest, size_t destlen, const char *src, size_t srclen)
{
  size_t outlen, o = 0;
  uint32_t acc = 0;
  int bits = 0;
  if ((!dest && destlen) || (!src && srclen) || srclen > (size_t)INT_MAX)
    return -1;
  /* Lengths 1, 3 and 6 mod 8 leave 5 or more bits over: no encoder makes
   * them. */
  switch (srclen % 8) {
    case 1: case 3: case 6:
      return -1;
    default:
      break;
  }
  outlen = base32_decoded_len(srclen);
  if (destlen < outlen)
    return -1;
  for (size_t i = 0; i < srclen; i++) {
    int v = base32_value(src[i]);
    if (v < 0)
      return -1;
    acc = (acc << 5) | (uint32_t)v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      dest[o++] = (uint8_t)(acc >> bits);
    }
    acc &= (1u << bits) - 1;
  }
  if (bits > 0 && acc != 0)
    return -1; /* nonzero unused bits: not a canonical encoding */
  return (int)o;
}
