/* Port option parser: see portspec.h. */
#include "orconfig.h"
#include "lib/conf/portspec.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct flag_name_t {
  const char *name;
  uint32_t flag;
} flag_name_t;

static const flag_name_t flag_names[] = {
  { "IsolateClientAddr", PORTFLAG_ISOLATE_CLIENT_ADDR },
  { "IsolateSOCKSAuth", PORTFLAG_ISOLATE_SOCKS_AUTH },
  { "IsolateClientProtocol", PORTFLAG_ISOLATE_CLIENT_PROTO },
  { "IsolateDestPort", PORTFLAG_ISOLATE_DEST_PORT },
  { "IsolateDestAddr", PORTFLAG_ISOLATE_DEST_ADDR },
  { "IPv4Traffic", PORTFLAG_IPV4_TRAFFIC },
  { "IPv6Traffic", PORTFLAG_IPV6_TRAFFIC },
  { "PreferIPv6", PORTFLAG_PREFER_IPV6 },
  { "DNSRequest", PORTFLAG_DNS_REQUEST },
  { "OnionTraffic", PORTFLAG_ONION_TRAFFIC },
  { "ExtendedErrors", PORTFLAG_EXTENDED_ERRORS },
  { "KeepAliveIsolateSOCKSAuth", PORTFLAG_KEEPALIVE_ISOLATE_SOCKS_AUTH },
  { "GroupWritable", PORTFLAG_GROUP_WRITABLE },
  { "WorldWritable", PORTFLAG_WORLD_WRITABLE },
  { "RelaxDirModeCheck", PORTFLAG_RELAX_DIR_MODE_CHECK },
  { "NoAdvertise", PORTFLAG_NO_ADVERTISE },
  { "NoListen", PORTFLAG_NO_LISTEN },
  { "IPv4Only", PORTFLAG_IPV4_ONLY },
  { "IPv6Only", PORTFLAG_IPV6_ONLY },
  { "CacheDNS", PORTFLAG_CACHE_DNS },
  { "UseDNSCache", PORTFLAG_USE_DNS_CACHE },
  { "PreferSOCKSNoAuth", PORTFLAG_PREFER_SOCKS_NO_AUTH },
  { NULL, 0 },
};

static int
apply_flag(const char *option_name, const char *word, uint32_t allowed,
           port_spec_t *out, char *err, size_t errlen)
{
  if (!strncasecmp(word, "SessionGroup=", 13)) {
    char *end;
    long g = strtol(word + 13, &end, 10);
    if (!(allowed & PORTFLAG_ISOLATE_SOCKS_AUTH) || *end || end == word + 13 ||
        g < 0 || g > 0x7fffffff) {
      snprintf(err, errlen, "Invalid %s option '%s'", option_name, word);
      return -1;
    }
    out->session_group = (int)g;
    return 0;
  }
  /* tor's spellings that mean "turn this off", and "only" forms. */
  if (!strcasecmp(word, "OnionTrafficOnly")) {
    if (!(allowed & PORTFLAG_ONION_TRAFFIC))
      goto unknown;
    out->flags &= ~(PORTFLAG_IPV4_TRAFFIC | PORTFLAG_IPV6_TRAFFIC | PORTFLAG_DNS_REQUEST);
    out->flags |= PORTFLAG_ONION_TRAFFIC;
    return 0;
  }
  int negate = 0;
  const char *name = word;
  if (!strncasecmp(word, "No", 2) && strncasecmp(word, "NoAdvertise", 11) &&
      strncasecmp(word, "NoListen", 8)) {
    negate = 1;
    name = word + 2;
  }
  for (const flag_name_t *f = flag_names; f->name; f++) {
    if (strcasecmp(name, f->name))
      continue;
    if (!(allowed & f->flag))
      goto unknown;
    if (negate)
      out->flags &= ~f->flag;
    else
      out->flags |= f->flag;
    return 0;
  }
unknown:
  snprintf(err, errlen, "Unrecognized %s option '%s'", option_name, word);
  return -1;
}

/* Parses "PORT" or "auto" into out->port. */
static int
parse_port_number(const char *option_name, const char *s, port_spec_t *out,
                  char *err, size_t errlen)
{
  if (!strcasecmp(s, "auto")) {
    out->port = PORTSPEC_AUTO;
    return 0;
  }
  char *end;
  long p = strtol(s, &end, 10);
  if (*s == '\0' || *end || *s == '-' || *s == '+') {
    snprintf(err, errlen, "%s: '%s' is not a port number, 'auto' or an address:port", option_name, s);
    return -1;
  }
  if (p < 0 || p > 65535) {
    snprintf(err, errlen, "%s: port %s out of range (expected 0 to 65535 or auto)", option_name, s);
    return -1;
  }
  out->port = (int)p;
  return 0;
}

static int
parse_address_part(const char *option_name, const char *addr, port_spec_t *out,
                   char *err, size_t errlen)
{
  unsigned char tmp[16];
  if (!strcasecmp(addr, "localhost")) {
    snprintf(out->address, sizeof(out->address), "127.0.0.1");
    return 0;
  }
  if (inet_pton(AF_INET, addr, tmp) == 1 || inet_pton(AF_INET6, addr, tmp) == 1) {
    snprintf(out->address, sizeof(out->address), "%s", addr);
    return 0;
  }
  snprintf(err, errlen, "%s: '%s' is not an IPv4 or IPv6 address", option_name, addr);
  return -1;
}

int
port_spec_parse(const char *option_name, const char *value,
                const char *default_address, uint32_t allowed, uint32_t defaults,
                port_spec_t *out, char *err, size_t errlen)
{
  char buf[1024];
  memset(out, 0, sizeof(*out));
  out->flags = defaults;
  out->session_group = -1;
  if (strlen(value) >= sizeof(buf)) {
    snprintf(err, errlen, "%s: value too long", option_name);
    return -1;
  }
  strcpy(buf, value);
  char *save = NULL;
  char *first = strtok_r(buf, " \t", &save);
  if (!first) {
    snprintf(err, errlen, "%s: empty value", option_name);
    return -1;
  }
  if (!strncmp(first, "unix:", 5)) {
    const char *path = first + 5;
    if (path[0] == '"') {
      snprintf(err, errlen, "%s: quoted unix socket paths are not supported", option_name);
      return -1;
    }
    if (path[0] != '/' || strlen(path) >= sizeof(out->unix_path)) {
      snprintf(err, errlen, "%s: unix socket path '%s' must be absolute and shorter than %zu bytes",
               option_name, path, sizeof(out->unix_path));
      return -1;
    }
    snprintf(out->unix_path, sizeof(out->unix_path), "%s", path);
    out->port = 1;
  } else {
    char *colon = strrchr(first, ':');
    if (first[0] == '[') {
      char *close = strchr(first, ']');
      if (!close || close[1] != ':') {
        snprintf(err, errlen, "%s: '%s' is not [IPv6]:port", option_name, first);
        return -1;
      }
      *close = '\0';
      if (parse_address_part(option_name, first + 1, out, err, errlen) < 0 ||
          parse_port_number(option_name, close + 2, out, err, errlen) < 0)
        return -1;
    } else if (colon) {
      *colon = '\0';
      if (parse_address_part(option_name, first, out, err, errlen) < 0 ||
          parse_port_number(option_name, colon + 1, out, err, errlen) < 0)
        return -1;
    } else {
      /* A bare address without port is not accepted; a bare port is. */
      if (parse_port_number(option_name, first, out, err, errlen) < 0)
        return -1;
      snprintf(out->address, sizeof(out->address), "%s", default_address);
    }
  }
  for (char *w = strtok_r(NULL, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
    if (apply_flag(option_name, w, allowed, out, err, errlen) < 0)
      return -1;
  return 0;
}
