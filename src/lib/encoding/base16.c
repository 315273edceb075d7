/* Hexadecimal encoding: see base16.h. */
#include "orconfig.h"
#include "lib/encoding/base16.h"

#include <limits.h>

static int
base16_encode_with(const char *digits, char *dest, size_t destlen,
                   const uint8_t *src, size_t srclen)
{
  if (!dest || (!src && srclen) || srclen > (size_t)INT_MAX / 2 ||
      destlen < srclen * 2 + 1)
    return -1;
  for (size_t i = 0; i < srclen; i++) {
    dest[2 * i] = digits[src[i] >> 4];
    dest[2 * i + 1] = digits[src[i] & 0x0f];
  }
  dest[srclen * 2] = '\0';
  return (int)(srclen * 2);
}

int
base16_encode(char *dest, size_t destlen, const uint8_t *src, size_t srclen)
{
  return base16_encode_with("0123456789ABCDEF", dest, destlen, src, srclen);
}

int
base16_encode_lower(char *dest, size_t destlen, const uint8_t *src,
                    size_t srclen)
{
  return base16_encode_with("0123456789abcdef", dest, destlen, src, srclen);
}

static int
hex_value(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

int
base16_decode(uint8_t *dest, size_t destlen, const char *src, size_t srclen)
{
  if ((!dest && destlen) || (!src && srclen) || (srclen % 2) != 0 ||
      srclen > (size_t)INT_MAX || destlen < srclen / 2)
    return -1;
  for (size_t i = 0; i < srclen / 2; i++) {
    int hi = hex_value(src[2 * i]);
    int lo = hex_value(src[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return -1;
    dest[i] = (uint8_t)((hi << 4) | lo);
  }
  return (int)(srclen / 2);
}
