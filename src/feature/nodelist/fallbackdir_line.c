/* FallbackDir line parser: see fallbackdir_line.h. */
#include "orconfig.h"
#include "feature/nodelist/fallbackdir_line.h"
#include "lib/encoding/base16.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 32

static int
parse_port(const char *s, uint16_t *out)
{
  char *end;
  if (*s < '0' || *s > '9')
    return -1;
  long v = strtol(s, &end, 10);
  if (*end || v < 1 || v > 65535)
    return -1;
  *out = (uint16_t)v;
  return 0;
}

static int
is_ipv6_literal(const char *s)
{
  struct in6_addr a;
  return strlen(s) < FALLBACK_ADDRESS_LEN && inet_pton(AF_INET6, s, &a) == 1;
}

/* "[ADDR]:PORT" with ADDR an IPv6 literal; port_required 0 also allows
 * "[ADDR]". s is modified. */
static int
parse_bracketed(char *s, char addr[FALLBACK_ADDRESS_LEN], uint16_t *port, int port_required)
{
  char *close = strchr(s, ']');
  if (s[0] != '[' || !close)
    return -1;
  *close = '\0';
  if (!is_ipv6_literal(s + 1))
    return -1;
  if (close[1] == '\0' && !port_required) {
    *port = 0;
  } else if (close[1] != ':' || parse_port(close + 2, port) < 0) {
    return -1;
  }
  snprintf(addr, FALLBACK_ADDRESS_LEN, "%s", s + 1);
  return 0;
}

/* The ADDRESS[:DIRPORT] word. s is modified. */
static int
parse_address(char *s, fallback_dir_t *out)
{
  struct in_addr a4;
  if (s[0] == '[') {
    out->address_is_ipv6 = 1;
    return parse_bracketed(s, out->address, &out->dir_port, 0);
  }
  char *colon = strchr(s, ':');
  if (colon && strchr(colon + 1, ':')) {
    /* Several colons: a bare IPv6 literal, which cannot carry a port. */
    if (!is_ipv6_literal(s))
      return -1;
    out->address_is_ipv6 = 1;
    snprintf(out->address, sizeof(out->address), "%s", s);
    return 0;
  }
  if (colon) {
    *colon = '\0';
    if (parse_port(colon + 1, &out->dir_port) < 0)
      return -1;
  }
  if (inet_pton(AF_INET, s, &a4) != 1)
    return -1;
  snprintf(out->address, sizeof(out->address), "%s", s);
  return 0;
}

static void
append_warning(char *warn, size_t warnlen, const char *what, const char *word)
{
  size_t used = strlen(warn);
  if (used < warnlen)
    snprintf(warn + used, warnlen - used, "%s%s '%s' ignored", used ? "; " : "", what, word);
}

int
fallback_dir_line_parse(const char *value, fallback_dir_t *out, char *warn, size_t warnlen,
                        char *err, size_t errlen)
{
  char buf[1024], original[64];
  char *words[MAX_WORDS];
  int n = 0, have_address = 0, have_orport = 0, have_id = 0;
  memset(out, 0, sizeof(*out));
  out->weight = 1.0;
  if (warnlen)
    warn[0] = '\0';
  if (strlen(value) >= sizeof(buf)) {
    snprintf(err, errlen, "FallbackDir line too long");
    return -1;
  }
  strcpy(buf, value);
  char *save = NULL;
  for (char *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
    if (n == MAX_WORDS) {
      snprintf(err, errlen, "too many words on FallbackDir line");
      return -1;
    }
    words[n++] = w;
  }
  for (int i = 0; i < n; i++) {
    char *w = words[i];
    char *eq = strchr(w, '=');
    snprintf(original, sizeof(original), "%s", w);
    if (!eq) {
      if (have_address) {
        snprintf(err, errlen, "unexpected word '%s' (a FallbackDir line has one "
                 "ADDRESS[:DIRPORT] and NAME=VALUE options)", original);
        return -1;
      }
      if (parse_address(w, out) < 0) {
        snprintf(err, errlen, "Couldn't parse address:port '%s' (an IPv4 or IPv6 literal; "
                 "DirPort 1 to 65535)", original);
        return -1;
      }
      have_address = 1;
    } else if (!strncmp(w, "orport=", 7)) {
      if (parse_port(w + 7, &out->or_port) < 0) {
        snprintf(err, errlen, "Bad orport '%s' (1 to 65535)", w + 7);
        return -1;
      }
      have_orport = 1;
    } else if (!strncmp(w, "id=", 3)) {
      if (strlen(w + 3) != 40 ||
          base16_decode(out->rsa_id_digest, sizeof(out->rsa_id_digest), w + 3, 40) != 20) {
        snprintf(err, errlen, "Bad id '%s' (40 hex digits expected)", w + 3);
        return -1;
      }
      have_id = 1;
    } else if (!strncmp(w, "weight=", 7)) {
      char *end;
      double v = strtod(w + 7, &end);
      if (w[7] == '\0' || *end || !isfinite(v) || v < 0)
        append_warning(warn, warnlen, "Invalid weight", w);
      else
        out->weight = v;
    } else if (!strncmp(w, "ipv6=", 5)) {
      if (out->ipv6_or_port) {
        append_warning(warn, warnlen, "Redundant", w);
        continue;
      }
      if (parse_bracketed(w + 5, out->ipv6_address, &out->ipv6_or_port, 1) < 0) {
        snprintf(err, errlen, "Bad ipv6 address and port '%s' ([IPV6]:PORT expected)",
                 original + 5);
        return -1;
      }
    }
    /* Other NAME=VALUE options: ignored, as tor ignores them. */
  }
  if (!have_address) {
    snprintf(err, errlen, "no ADDRESS[:DIRPORT] on FallbackDir line");
    return -1;
  }
  /* The identity first, as tor reports a line that lacks both. */
  if (!have_id) {
    snprintf(err, errlen, "Missing id=FINGERPRINT on FallbackDir line");
    return -1;
  }
  if (!have_orport) {
    snprintf(err, errlen, "Missing orport=PORT on FallbackDir line");
    return -1;
  }
  return 0;
}
