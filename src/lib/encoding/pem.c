/* PEM-style armour: see pem.h. */
#include "orconfig.h"
#include "lib/encoding/pem.h"
#include "lib/encoding/base64.h"

#include <limits.h>
#include <string.h>

#define PEM_DASHES "-----"
#define PEM_BEGIN "-----BEGIN "
#define PEM_END "-----END "

size_t
pem_encoded_len(size_t srclen, const char *tag)
{
  size_t taglen = tag ? strlen(tag) : 0;
  size_t b64 = base64_encoded_len(srclen, BASE64_ENCODE_MULTILINE);
  if ((b64 == 0 && srclen > 0) || taglen > 1024)
    return 0;
  return strlen(PEM_BEGIN) + taglen + strlen(PEM_DASHES) + 1 + b64 +
    strlen(PEM_END) + taglen + strlen(PEM_DASHES);
}

static int
valid_tag(const char *tag)
{
  size_t n;
  if (!tag)
    return 0;
  n = strlen(tag);
  if (n == 0 || n > 1024)
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = tag[i];
    if (c == '-' || c == '\n' || c == '\r' || c < ' ' || c > '~')
      return 0;
  }
  return 1;
}

static void
append(char *dest, size_t *o, const char *s, size_t n)
{
  memcpy(dest + *o, s, n);
  *o += n;
}

int
pem_encode(char *dest, size_t destlen, const uint8_t *src, size_t srclen,
           const char *tag)
{
  size_t need, o = 0, taglen;
  int r;
  if (!dest || (!src && srclen) || !valid_tag(tag))
    return -1;
  need = pem_encoded_len(srclen, tag);
  if (need == 0 || need > (size_t)INT_MAX || destlen < need + 1)
    return -1;
  taglen = strlen(tag);
  append(dest, &o, PEM_BEGIN, strlen(PEM_BEGIN));
  append(dest, &o, tag, taglen);
  append(dest, &o, PEM_DASHES "\n", strlen(PEM_DASHES) + 1);
  r = base64_encode(dest + o, destlen - o, src, srclen,
                    BASE64_ENCODE_MULTILINE);
  if (r < 0)
    return -1;
  o += (size_t)r;
  append(dest, &o, PEM_END, strlen(PEM_END));
  append(dest, &o, tag, taglen);
  append(dest, &o, PEM_DASHES, strlen(PEM_DASHES));
  dest[o] = '\0';
  return (int)o;
}

static int
is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* 1 if the n bytes at s begin with the NUL-terminated string lit. */
static int
has_prefix(const char *s, size_t n, const char *lit)
{
  size_t l = strlen(lit);
  return n >= l && memcmp(s, lit, l) == 0;
}

int
pem_decode(uint8_t *dest, size_t destlen, const char *src, size_t srclen,
           const char *tag)
{
  size_t i = 0, end, taglen, body_start, body_end;
  if ((!dest && destlen) || !src || !valid_tag(tag) || srclen > (size_t)INT_MAX)
    return -1;
  taglen = strlen(tag);
  end = srclen;
  while (i < end && is_space(src[i]))
    i++;
  while (end > i && is_space(src[end - 1]))
    end--;

  /* -----BEGIN TAG-----\n */
  if (!has_prefix(src + i, end - i, PEM_BEGIN))
    return -1;
  i += strlen(PEM_BEGIN);
  if (end - i < taglen || memcmp(src + i, tag, taglen) != 0)
    return -1;
  i += taglen;
  if (!has_prefix(src + i, end - i, PEM_DASHES "\n"))
    return -1;
  i += strlen(PEM_DASHES) + 1;
  body_start = i;

  /* The object ends with "-----END TAG-----" at the very end. */
  {
    size_t tail = strlen(PEM_END) + taglen + strlen(PEM_DASHES);
    if (end - body_start < tail)
      return -1;
    body_end = end - tail;
    if (!has_prefix(src + body_end, tail, PEM_END) ||
        memcmp(src + body_end + strlen(PEM_END), tag, taglen) != 0 ||
        memcmp(src + body_end + strlen(PEM_END) + taglen, PEM_DASHES,
               strlen(PEM_DASHES)) != 0)
      return -1;
    /* The END line starts a line. */
    if (body_end > body_start && src[body_end - 1] != '\n')
      return -1;
  }
  return base64_decode(dest, destlen, src + body_start, body_end - body_start);
}
