/* Router status entries as the control port shows them (GETINFO ns/all,
 * ns/id/FP, ns/name/NICK; control-spec §3.9), from the microdesc consensus
 * we hold: "r NICK ID DIGEST PUBLISHED IP ORPORT DIRPORT", "a" for an IPv6
 * address, "s FLAGS", "w Bandwidth=N". The microdesc flavour has no
 * descriptor digest; like tor we print one of the right length (the first
 * 20 bytes of the microdescriptor's digest), so ns-flavour parsers such as
 * stem's RouterStatusEntryV3 read the lines. */
#include "orconfig.h"
#include "feature/control/control_ns.h"
#include "feature/control/control.h"
#include "feature/control/control_events.h"
#include "feature/client/client.h"
#include "feature/dirclient/dirstate.h"
#include "lib/encoding/base16.h"
#include "lib/encoding/base64.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void
control_ns_format_entry(struct evbuffer *out, const consensus_router_t *r)
{
  char id[32], digest[32], when[32], ip[INET_ADDRSTRLEN], flags[256];
  uint8_t d20[20];
  base64_encode(id, sizeof(id), r->identity, 20, BASE64_ENCODE_NOPAD);
  memset(d20, 0, sizeof(d20));
  if (r->has_md_digest)
    memcpy(d20, r->md_digest, 20);
  base64_encode(digest, sizeof(digest), d20, 20, BASE64_ENCODE_NOPAD);
  struct tm tm;
  time_t t = r->published;
  gmtime_r(&t, &tm);
  strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
  struct in_addr a;
  a.s_addr = htonl(r->ipv4);
  inet_ntop(AF_INET, &a, ip, sizeof(ip));
  evbuffer_add_printf(out, "r %s %s %s %s %s %u %u\n", r->nickname, id, digest, when, ip,
                      r->or_port, r->dir_port);
  if (r->has_ipv6) {
    char ip6[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, r->ipv6, ip6, sizeof(ip6));
    evbuffer_add_printf(out, "a [%s]:%u\n", ip6, r->ipv6_port);
  }
  consensus_flags_format(r->flags, flags, sizeof(flags));
  evbuffer_add_printf(out, "s %s\n", flags);
  if (r->has_bandwidth)
    evbuffer_add_printf(out, "w Bandwidth=%u%s\n", r->bandwidth,
                        r->bandwidth_unmeasured ? " Unmeasured=1" : "");
}

static int
gi_ns(const char *key, char **answer, const char **errmsg)
{
  const struct dirstate_t *ds = client_dirstate();
  if (!ds || !ds->consensus) {
    *errmsg = "Not enough information";
    return -1;
  }
  const consensus_t *c = ds->consensus;
  struct evbuffer *b = evbuffer_new();
  if (!b)
    return -1;
  int found = 0;
  if (!strcmp(key, "ns/all")) {
    for (size_t i = 0; i < c->n_routers; i++)
      control_ns_format_entry(b, &c->routers[i]);
    found = 1;
  } else if (!strncmp(key, "ns/id/", 6)) {
    const char *fp = key + 6;
    uint8_t id[20];
    if (*fp == '$')
      fp++;
    if (strlen(fp) >= 40 && base16_decode(id, sizeof(id), fp, 40) == 20)
      for (size_t i = 0; i < c->n_routers && !found; i++)
        if (!memcmp(c->routers[i].identity, id, 20)) {
          control_ns_format_entry(b, &c->routers[i]);
          found = 1;
        }
  } else if (!strncmp(key, "ns/name/", 8)) {
    for (size_t i = 0; i < c->n_routers && !found; i++)
      if (!strcasecmp(c->routers[i].nickname, key + 8)) {
        control_ns_format_entry(b, &c->routers[i]);
        found = 1;
      }
  }
  if (!found) {
    evbuffer_free(b);
    return 0;  /* "Unrecognized key", as tor for an unknown relay */
  }
  *answer = control_evbuffer_to_answer(b);
  return 0;
}

void
control_event_new_consensus(const consensus_t *c)
{
  if (!control_event_wanted(CEV_NEWCONSENSUS) || !c)
    return;
  struct evbuffer *b = evbuffer_new();
  if (!b)
    return;
  for (size_t i = 0; i < c->n_routers; i++)
    control_ns_format_entry(b, &c->routers[i]);
  size_t len = evbuffer_get_length(b);
  const char *text = (const char *)evbuffer_pullup(b, -1);
  control_event_send_data(CEV_NEWCONSENSUS, "NEWCONSENSUS", text ? text : "", text ? len : 0);
  evbuffer_free(b);
}

void
control_ns_register(void)
{
  control_register_getinfo("ns/all", 0, "Brief summary of router status (v2 directory "
                           "format)", gi_ns);
  control_register_getinfo("ns/id/", 1, "Brief summary of router status by ID (v2 "
                           "directory format).", gi_ns);
  control_register_getinfo("ns/name/", 1, "Brief summary of router status by nickname (v2 "
                           "directory format).", gi_ns);
}
