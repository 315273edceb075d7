/* The .auth_private file format: see hs_client_auth_file.h. */
#include "orconfig.h"
#include "feature/hs/hs_client_auth_file.h"

#include "lib/crypt/crypto_util.h"
#include "lib/encoding/base32.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define KEY_B32_LEN 52   /* base32 of 32 bytes, unpadded */

static int
is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

/* Does s[0..n) equal word, ignoring case? */
static int
word_is(const char *s, size_t n, const char *word)
{
  return n == strlen(word) && !strncasecmp(s, word, n);
}

/* Parses one credential line s[0..n) (trimmed, not empty). */
static int
parse_line(const char *s, size_t n, char addr_out[ONION_ADDRESS_LEN + 1],
           uint8_t sk_out[32], int lineno, char *err, size_t errlen)
{
  const char *field[4];
  size_t flen[4];
  int nf = 0;
  size_t start = 0;
  uint8_t pk[32];
  const char *why = NULL;

  for (size_t i = 0; i <= n; i++) {
    if (i < n && s[i] != ':')
      continue;
    if (nf == 4) {
      snprintf(err, errlen, "line %d: more than 4 ':'-separated fields "
               "(expected <onion-address>:descriptor:x25519:<base32 key>)",
               lineno);
      return -1;
    }
    field[nf] = s + start;
    flen[nf++] = i - start;
    start = i + 1;
  }
  if (nf != 4) {
    snprintf(err, errlen, "line %d: %d ':'-separated field(s), expected 4 "
             "(<onion-address>:descriptor:x25519:<base32 key>)", lineno, nf);
    return -1;
  }
  /* the address, optionally with ".onion" */
  if (flen[0] == ONION_ADDRESS_LEN + 6 &&
      word_is(field[0] + ONION_ADDRESS_LEN, 6, ".onion"))
    flen[0] = ONION_ADDRESS_LEN;
  if (flen[0] != ONION_ADDRESS_LEN) {
    snprintf(err, errlen, "line %d: the onion address has %zu characters, "
             "not %d (without \".onion\")", lineno, flen[0], ONION_ADDRESS_LEN);
    return -1;
  }
  if (onion_address_decode(pk, field[0], flen[0], &why) < 0) {
    snprintf(err, errlen, "line %d: bad onion address \"%.*s\": %s", lineno,
             (int)flen[0], field[0], why ? why : "invalid");
    return -1;
  }
  if (!word_is(field[1], flen[1], "descriptor")) {
    snprintf(err, errlen, "line %d: unknown authorization type \"%.*s\" "
             "(only \"descriptor\")", lineno, (int)(flen[1] > 32 ? 32 : flen[1]),
             field[1]);
    return -1;
  }
  if (!word_is(field[2], flen[2], "x25519")) {
    snprintf(err, errlen, "line %d: unknown key type \"%.*s\" (only "
             "\"x25519\")", lineno, (int)(flen[2] > 32 ? 32 : flen[2]), field[2]);
    return -1;
  }
  while (flen[3] > KEY_B32_LEN && field[3][flen[3] - 1] == '=')
    flen[3]--;
  if (flen[3] != KEY_B32_LEN ||
      base32_decode(sk_out, 32, field[3], flen[3]) != 32) {
    memwipe(sk_out, 32);
    snprintf(err, errlen, "line %d: the private key is not %d base32 "
             "characters of a 32-byte x25519 key", lineno, KEY_B32_LEN);
    return -1;
  }
  for (int i = 0; i < ONION_ADDRESS_LEN; i++) {
    char c = field[0][i];
    addr_out[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  addr_out[ONION_ADDRESS_LEN] = '\0';
  return 0;
}

int
hs_client_auth_file_parse(const char *text, size_t len,
                          char addr_out[ONION_ADDRESS_LEN + 1],
                          uint8_t sk_out[32], char *err, size_t errlen)
{
  size_t pos = 0;
  int lineno = 0, found = 0;

  if (memchr(text, '\0', len)) {
    snprintf(err, errlen, "NUL byte in the file");
    return -1;
  }
  while (pos < len) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - text) : len;
    size_t a = pos, b = end;
    lineno++;
    pos = nl ? end + 1 : len;
    while (a < b && is_space(text[a]))
      a++;
    while (b > a && is_space(text[b - 1]))
      b--;
    if (a == b || text[a] == '#')
      continue;
    if (found) {
      memwipe(sk_out, 32);
      snprintf(err, errlen, "line %d: a second credential (a file holds one)",
               lineno);
      return -1;
    }
    if (parse_line(text + a, b - a, addr_out, sk_out, lineno, err,
                   errlen) < 0)
      return -1;
    found = 1;
  }
  if (!found) {
    snprintf(err, errlen, "no credential line (expected "
             "<onion-address>:descriptor:x25519:<base32 key>)");
    return -1;
  }
  return 0;
}

int
hs_client_auth_file_format(char *out, size_t outlen,
                           const char addr[ONION_ADDRESS_LEN + 1],
                           const uint8_t sk[32])
{
  char key[KEY_B32_LEN + 1];
  int n;

  if (outlen < HS_CLIENT_AUTH_LINE_LEN + 1 ||
      base32_encode(key, sizeof(key), sk, 32) < 0)
    return -1;
  n = snprintf(out, outlen, "%.*s:descriptor:x25519:%s", ONION_ADDRESS_LEN,
               addr, key);
  memwipe(key, sizeof(key));
  return n == HS_CLIENT_AUTH_LINE_LEN ? n : -1;
}
