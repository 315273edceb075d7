/* Base64: see base64.h. */
#include "orconfig.h"
#include "lib/encoding/base64.h"

#include <limits.h>

#define LINE_LEN 64

static const char b64_alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t
base64_encoded_len(size_t srclen, unsigned flags)
{
  size_t n;
  if (srclen > (size_t)INT_MAX / 2)
    return 0;
  if (flags & BASE64_ENCODE_NOPAD)
    n = (srclen / 3) * 4 + ((srclen % 3) ? (srclen % 3) + 1 : 0);
  else
    n = ((srclen + 2) / 3) * 4;
  if ((flags & BASE64_ENCODE_MULTILINE) && n > 0)
    n += (n + LINE_LEN - 1) / LINE_LEN;
  return n;
}

size_t
base64_decoded_maxlen(size_t srclen)
{
  return (srclen / 4) * 3 + 2;
}

int
base64_encode(char *dest, size_t destlen, const uint8_t *src, size_t srclen,
              unsigned flags)
{
  size_t need, o = 0, col = 0, i = 0;
  char quad[4];
  int nq;
  if (!dest || (!src && srclen) || (flags & ~3u))
    return -1;
  need = base64_encoded_len(srclen, flags);
  if ((need == 0 && srclen > 0) || destlen < need + 1)
    return -1;

  while (i < srclen) {
    size_t left = srclen - i;
    uint32_t v = (uint32_t)src[i] << 16;
    if (left > 1)
      v |= (uint32_t)src[i + 1] << 8;
    if (left > 2)
      v |= src[i + 2];
    quad[0] = b64_alphabet[(v >> 18) & 0x3f];
    quad[1] = b64_alphabet[(v >> 12) & 0x3f];
    quad[2] = left > 1 ? b64_alphabet[(v >> 6) & 0x3f] : '=';
    quad[3] = left > 2 ? b64_alphabet[v & 0x3f] : '=';
    nq = 4;
    if (flags & BASE64_ENCODE_NOPAD)
      nq = left > 2 ? 4 : (int)left + 1;
    for (int j = 0; j < nq; j++) {
      dest[o++] = quad[j];
      if ((flags & BASE64_ENCODE_MULTILINE) && ++col == LINE_LEN) {
        dest[o++] = '\n';
        col = 0;
      }
    }
    i += left > 3 ? 3 : left;
  }
  if ((flags & BASE64_ENCODE_MULTILINE) && col > 0)
    dest[o++] = '\n';
  dest[o] = '\0';
  return (int)o;
}

static int
b64_value(char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

static int
is_b64_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
base64_decode(uint8_t *dest, size_t destlen, const char *src, size_t srclen)
{
  size_t o = 0, ndata = 0, npad = 0;
  uint32_t acc = 0;
  int bits = 0;
  if ((!dest && destlen) || (!src && srclen) || srclen > (size_t)INT_MAX)
    return -1;
  for (size_t i = 0; i < srclen; i++) {
    char c = src[i];
    int v;
    if (is_b64_space(c))
      continue;
    if (c == '=') {
      npad++;
      continue;
    }
    if (npad > 0)
      return -1; /* data after padding */
    v = b64_value(c);
    if (v < 0)
      return -1;
    ndata++;
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (o >= destlen)
        return -1;
      dest[o++] = (uint8_t)(acc >> bits);
    }
    acc &= (1u << bits) - 1;
  }
  switch (ndata % 4) {
    case 0:
      if (npad != 0)
        return -1;
      break;
    case 1:
      return -1;
    case 2:
      if (npad != 0 && npad != 2)
        return -1;
      break;
    case 3:
      if (npad != 0 && npad != 1)
        return -1;
      break;
  }
  if (acc != 0)
    return -1; /* nonzero unused bits */
  return (int)o;
}
