/* DirAuthority line parser: see dirauth_line.h. */
#include "orconfig.h"
#include "feature/nodelist/dirauth_line.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int
hexval(char c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int
parse_hex_digest(const char *hex, size_t len, uint8_t out[20])
{
  if (len != 40)
    return -1;
  for (size_t i = 0; i < 20; i++) {
    int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return -1;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return 0;
}

static int
parse_port(const char *s, uint16_t *out)
{
  char *end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end || v < 1 || v > 65535)
    return -1;
  *out = (uint16_t)v;
  return 0;
}

int
dir_authority_line_parse(const char *value, dir_authority_t *out, char *err, size_t errlen)
{
  char buf[1024];
  char *words[64];
  int n = 0;
  memset(out, 0, sizeof(*out));
  out->weight = 1.0;
  if (strlen(value) >= sizeof(buf)) {
    snprintf(err, errlen, "DirAuthority line too long");
    return -1;
  }
  strcpy(buf, value);
  char *save = NULL;
  for (char *w = strtok_r(buf, " \t", &save); w && n < 64; w = strtok_r(NULL, " \t", &save))
    words[n++] = w;
  int i = 0;
  /* The address:port word is the first with a colon that is not a flag. */
  int addr_at = -1;
  for (int k = 0; k < n; k++)
    if (strchr(words[k], ':') && !strchr(words[k], '=')) {
      addr_at = k;
      break;
    }
  if (addr_at < 0) {
    snprintf(err, errlen, "DirAuthority line has no ADDRESS:DIRPORT: \"%s\"", value);
    return -1;
  }
  if (addr_at > 0 && !strchr(words[0], '=') && strcasecmp(words[0], "no-v2") &&
      strcasecmp(words[0], "v1") && strcasecmp(words[0], "hs") &&
      strcasecmp(words[0], "no-hs") && strcasecmp(words[0], "bridge")) {
    if (strlen(words[0]) >= sizeof(out->nickname)) {
      snprintf(err, errlen, "DirAuthority nickname \"%s\" too long", words[0]);
      return -1;
    }
    snprintf(out->nickname, sizeof(out->nickname), "%s", words[0]);
    i = 1;
  }
  for (; i < addr_at; i++) {
    const char *f = words[i];
    if (!strncasecmp(f, "orport=", 7)) {
      if (parse_port(f + 7, &out->or_port) < 0) {
        snprintf(err, errlen, "Invalid orport '%s' on DirAuthority line", f + 7);
        return -1;
      }
    } else if (!strncasecmp(f, "v3ident=", 8)) {
      if (parse_hex_digest(f + 8, strlen(f + 8), out->v3_identity_digest) < 0) {
        snprintf(err, errlen, "Bad v3 identity digest '%s' on DirAuthority line", f + 8);
        return -1;
      }
      out->has_v3_identity = 1;
    } else if (!strncasecmp(f, "weight=", 7)) {
      char *end;
      out->weight = strtod(f + 7, &end);
      if (*end || out->weight < 0) {
        snprintf(err, errlen, "Invalid weight '%s' on DirAuthority line", f + 7);
        return -1;
      }
    } else if (!strcasecmp(f, "bridge")) {
      out->is_bridge = 1;
    } else if (!strncasecmp(f, "ipv6=", 5) || !strcasecmp(f, "no-v2") ||
               !strcasecmp(f, "v1") || !strcasecmp(f, "hs") || !strcasecmp(f, "no-hs")) {
      /* accepted; not used by a client */
    } else {
      snprintf(err, errlen, "Unrecognized flag '%s' on DirAuthority line", f);
      return -1;
    }
  }
  char *colon = strchr(words[addr_at], ':');
  *colon = '\0';
  struct in_addr a;
  if (inet_pton(AF_INET, words[addr_at], &a) != 1 ||
      parse_port(colon + 1, &out->dir_port) < 0) {
    snprintf(err, errlen, "Error parsing DirAuthority address '%s:%s'", words[addr_at], colon + 1);
    return -1;
  }
  snprintf(out->address, sizeof(out->address), "%s", words[addr_at]);
  char fp[64];
  size_t fplen = 0;
  for (int k = addr_at + 1; k < n; k++) {
    size_t wl = strlen(words[k]);
    if (fplen + wl >= sizeof(fp)) {
      fplen = sizeof(fp);
      break;
    }
    memcpy(fp + fplen, words[k], wl);
    fplen += wl;
  }
  if (parse_hex_digest(fp, fplen, out->rsa_id_digest) < 0) {
    snprintf(err, errlen, "Unable to read DirAuthority key fingerprint (40 hex digits expected)");
    return -1;
  }
  return 0;
}
