/* Onion service configuration: see hs_config.h. */
#include "orconfig.h"
#include "feature/hs/hs_config.h"
#include "lib/conf/conftypes.h"
#include "lib/crypt/onion_address.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

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

/* "VIRTPORT [TARGET]" */
static int
parse_hs_port(const char *value, hs_port_config_t *p, char *why, size_t whylen)
{
  char buf[512], *save = NULL;
  snprintf(buf, sizeof(buf), "%s", value);
  char *virt = strtok_r(buf, " \t", &save);
  char *target = strtok_r(NULL, " \t", &save);
  if (!virt || parse_port(virt, &p->virtual_port) < 0) {
    snprintf(why, whylen, "virtual port must be 1 to 65535");
    return -1;
  }
  if (strtok_r(NULL, " \t", &save)) {
    snprintf(why, whylen, "expected VIRTPORT [TARGET]");
    return -1;
  }
  p->kind = HS_PORT_TCP;
  snprintf(p->target_address, sizeof(p->target_address), "127.0.0.1");
  p->target_port = p->virtual_port;
  if (!target)
    return 0;
  if (!strncmp(target, "unix:", 5)) {
    if (target[5] != '/' || strlen(target + 5) >= sizeof(p->unix_path)) {
      snprintf(why, whylen, "unix socket path must be absolute");
      return -1;
    }
    p->kind = HS_PORT_UNIX;
    snprintf(p->unix_path, sizeof(p->unix_path), "%s", target + 5);
    return 0;
  }
  char *colon = strrchr(target, ':');
  const char *portpart = colon ? colon + 1 : target;
  if (parse_port(portpart, &p->target_port) < 0) {
    snprintf(why, whylen, "target port must be 1 to 65535");
    return -1;
  }
  if (colon) {
    *colon = '\0';
    const char *addr = target;
    size_t al = strlen(addr);
    if (al >= 2 && addr[0] == '[' && addr[al - 1] == ']') {
      addr++;
      target[al - 1] = '\0';
    }
    unsigned char tmp[16];
    if (inet_pton(AF_INET, addr, tmp) != 1 && inet_pton(AF_INET6, addr, tmp) != 1) {
      snprintf(why, whylen, "target address '%s' is not an IP address", addr);
      return -1;
    }
    snprintf(p->target_address, sizeof(p->target_address), "%s", addr);
  }
  return 0;
}

/* "VIRTPORT [Pattern=...] [Bytes=SIZE] [Rate=SIZE]": a size may be written
 * with its unit after a space ("Bytes=1 GB"). */
static int
parse_bulk(const char *value, int is_source, hs_port_config_t *p, char *why, size_t whylen)
{
  char buf[512], *save = NULL;
  snprintf(buf, sizeof(buf), "%s", value);
  char *virt = strtok_r(buf, " \t", &save);
  if (!virt || parse_port(virt, &p->virtual_port) < 0) {
    snprintf(why, whylen, "virtual port must be 1 to 65535");
    return -1;
  }
  p->kind = is_source ? HS_PORT_BULK_SOURCE : HS_PORT_BULK_SINK;
  p->pattern = HS_PATTERN_ZERO;
  char *tok = strtok_r(NULL, " \t", &save);
  while (tok) {
    char *eq = strchr(tok, '=');
    if (!eq || !is_source) {
      snprintf(why, whylen, "unexpected '%s'%s", tok,
               is_source ? " (flags are Pattern=, Bytes=, Rate=)" : " (no flags are accepted)");
      return -1;
    }
    *eq = '\0';
    const char *key = tok;
    char val[128];
    snprintf(val, sizeof(val), "%s", eq + 1);
    /* A unit may follow as the next word. */
    char *next = strtok_r(NULL, " \t", &save);
    if (next && !strchr(next, '=') && strcasecmp(key, "Pattern")) {
      size_t vl = strlen(val);
      snprintf(val + vl, sizeof(val) - vl, " %s", next);
      next = strtok_r(NULL, " \t", &save);
    }
    if (!strcasecmp(key, "Pattern")) {
      if (!strcasecmp(val, "zero"))
        p->pattern = HS_PATTERN_ZERO;
      else if (!strcasecmp(val, "random"))
        p->pattern = HS_PATTERN_RANDOM;
      else if (!strcasecmp(val, "sequence"))
        p->pattern = HS_PATTERN_SEQUENCE;
      else {
        snprintf(why, whylen, "Pattern '%s' is not zero, random or sequence", val);
        return -1;
      }
    } else if (!strcasecmp(key, "Bytes") || !strcasecmp(key, "Rate")) {
      char uerr[256];
      uint64_t v;
      if (conf_parse_memunit(val, &v, uerr, sizeof(uerr)) < 0 || v == 0) {
        snprintf(why, whylen, "%s='%s': %s", key, val, v == 0 ? "must be positive" : uerr);
        return -1;
      }
      if (!strcasecmp(key, "Bytes"))
        p->bytes = v;
      else
        p->rate = v;
    } else {
      snprintf(why, whylen, "unknown flag '%s' (flags are Pattern=, Bytes=, Rate=)", key);
      return -1;
    }
    tok = next;
  }
  return 0;
}

const hs_port_config_t *
hs_config_find_port(const hs_service_config_t *svc, uint16_t port)
{
  for (int i = 0; i < svc->n_ports; i++)
    if (svc->ports[i].virtual_port == port)
      return &svc->ports[i];
  return NULL;
}

int
hs_config_parse(const config_line_t *lines, hs_service_config_t *out, int max_services,
                char *err, size_t errlen)
{
  int n = 0;
  hs_service_config_t *cur = NULL;
  char why[256];
  for (const config_line_t *l = lines; l; l = l->next) {
    if (!strcasecmp(l->key, "HiddenServiceDir")) {
      if (cur && cur->n_ports == 0 && !cur->ob_frontend) {
        snprintf(err, errlen, "%s: Service \"%s\" with no ports configured.",
                 config_line_where(l), cur->dir);
        return -1;
      }
      if (n == max_services) {
        snprintf(err, errlen, "%s: too many onion services (at most %d)", config_line_where(l),
                 max_services);
        return -1;
      }
      cur = &out[n++];
      memset(cur, 0, sizeof(*cur));
      snprintf(cur->dir, sizeof(cur->dir), "%s", l->value);
      cur->num_intro_points = HS_CONFIG_DEFAULT_INTRO_POINTS;
      cur->num_workers = 1;
      continue;
    }
    if (!cur) {
      snprintf(err, errlen, "%s: %s with no preceding HiddenServiceDir directive",
               config_line_where(l), l->key);
      return -1;
    }
    if (!strcasecmp(l->key, "HiddenServiceNumIntroductionPoints") ||
        !strcasecmp(l->key, "HiddenServiceMaxStreams") ||
        !strcasecmp(l->key, "HiddenServiceMaxStreamsCloseCircuit")) {
      int is_num = !strcasecmp(l->key, "HiddenServiceNumIntroductionPoints");
      int is_close = !strcasecmp(l->key, "HiddenServiceMaxStreamsCloseCircuit");
      long long lo = is_num ? 1 : 0, hi = is_num ? HS_CONFIG_MAX_INTRO_POINTS : is_close ? 1 : 65535;
      long long v;
      if (conf_parse_int(l->value, lo, hi, &v, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "%s: %s: %s", config_line_where(l), l->key, why);
        return -1;
      }
      if (is_num)
        cur->num_intro_points = (int)v;
      else if (is_close)
        cur->max_streams_close_circuit = (int)v;
      else
        cur->max_streams = (int)v;
      continue;
    }
    if (!strcasecmp(l->key, "HiddenServiceOnionBalanceFrontend")) {
      int v;
      if (conf_parse_bool(l->value, &v, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "%s: %s: %s", config_line_where(l), l->key, why);
        return -1;
      }
      cur->ob_frontend = v;
      continue;
    }
    if (!strcasecmp(l->key, "HiddenServiceOnionBalanceBackend")) {
      uint8_t pk[32];
      const char *bad = NULL;
      size_t vlen = strlen(l->value);
      if (onion_address_decode(pk, l->value, vlen, &bad) < 0) {
        snprintf(err, errlen, "%s: %s '%s' is not a v3 onion address: %s",
                 config_line_where(l), l->key, l->value, bad ? bad : "malformed");
        return -1;
      }
      if (cur->n_ob_backends == (int)(sizeof(cur->ob_backends) / sizeof(cur->ob_backends[0]))) {
        snprintf(err, errlen, "%s: too many %s lines (at most %d)", config_line_where(l),
                 l->key, (int)(sizeof(cur->ob_backends) / sizeof(cur->ob_backends[0])));
        return -1;
      }
      onion_address_encode(cur->ob_backends[cur->n_ob_backends++], pk);
      continue;
    }
    if (!strcasecmp(l->key, "HiddenServiceNumWorkers")) {
      long long v;
      if (!strcasecmp(l->value, "auto")) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        v = cores < 1 ? 1 : cores > HS_CONFIG_MAX_WORKERS ? HS_CONFIG_MAX_WORKERS : cores;
      } else if (conf_parse_int(l->value, 1, HS_CONFIG_MAX_WORKERS, &v, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "%s: %s: %s (or auto)", config_line_where(l), l->key, why);
        return -1;
      }
      cur->num_workers = (int)v;
      continue;
    }
    if (!strcasecmp(l->key, "HiddenServiceOnionBalanceInstance")) {
      int v;
      if (conf_parse_bool(l->value, &v, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "%s: %s: %s", config_line_where(l), l->key, why);
        return -1;
      }
      cur->ob_instance = v;
      continue;
    }
    if (!strcasecmp(l->key, "HiddenServiceVersion")) {
      if (strcmp(l->value, "3")) {
        snprintf(err, errlen, "%s: HiddenServiceVersion must be 3 (version 2 onion services "
                 "are obsolete), not '%s'", config_line_where(l), l->value);
        return -1;
      }
      continue;
    }
    hs_port_config_t p;
    int rv;
    memset(&p, 0, sizeof(p));
    if (!strcasecmp(l->key, "HiddenServicePort"))
      rv = parse_hs_port(l->value, &p, why, sizeof(why));
    else if (!strcasecmp(l->key, "HiddenServiceBulkSource"))
      rv = parse_bulk(l->value, 1, &p, why, sizeof(why));
    else if (!strcasecmp(l->key, "HiddenServiceBulkSink"))
      rv = parse_bulk(l->value, 0, &p, why, sizeof(why));
    else
      continue; /* other HiddenService* options don't shape ports */
    if (rv < 0) {
      snprintf(err, errlen, "%s: %s '%s': %s", config_line_where(l), l->key, l->value, why);
      return -1;
    }
    if (hs_config_find_port(cur, p.virtual_port)) {
      snprintf(err, errlen, "%s: %s: virtual port %u is already served by this "
               "HiddenServiceDir", config_line_where(l), l->key, p.virtual_port);
      return -1;
    }
    if (cur->n_ports == HS_CONFIG_MAX_PORTS) {
      snprintf(err, errlen, "%s: too many ports for one service", config_line_where(l));
      return -1;
    }
    cur->ports[cur->n_ports++] = p;
  }
  if (cur && cur->n_ports == 0 && !cur->ob_frontend) {
    snprintf(err, errlen, "Service \"%s\" with no ports configured.", cur->dir);
    return -1;
  }
  for (int i = 0; i < n; i++) {
    if (out[i].ob_frontend && (out[i].n_ports || !out[i].n_ob_backends)) {
      snprintf(err, errlen, "HiddenServiceDir %s: an OnionBalance frontend (%s) %s", out[i].dir,
               "HiddenServiceOnionBalanceFrontend 1",
               out[i].n_ports ? "serves no ports itself: its backends do"
                              : "needs HiddenServiceOnionBalanceBackend lines");
      return -1;
    }
    if (out[i].num_workers > 1 && (out[i].ob_frontend || out[i].ob_instance)) {
      snprintf(err, errlen, "HiddenServiceDir %s: HiddenServiceNumWorkers %d makes the "
               "service its workers' frontend; it cannot also be %s", out[i].dir,
               out[i].num_workers, out[i].ob_frontend ? "HiddenServiceOnionBalanceFrontend 1"
                                                      : "HiddenServiceOnionBalanceInstance 1");
      return -1;
    }
    if (!out[i].ob_frontend && out[i].n_ob_backends) {
      snprintf(err, errlen, "HiddenServiceDir %s: HiddenServiceOnionBalanceBackend needs "
               "HiddenServiceOnionBalanceFrontend 1", out[i].dir);
      return -1;
    }
    out[i].n_ob_masters = 0;
    if (!out[i].ob_instance)
      continue;
    int m = hs_ob_config_load(out[i].dir, out[i].ob_masters, HS_OB_MAX_MASTERS, err, errlen);
    if (m < 0)
      return -1;
    out[i].n_ob_masters = m;
  }
  return n;
}
