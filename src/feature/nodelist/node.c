/* Nodes: see node.h. */
#include "orconfig.h"
#include "feature/nodelist/node.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static const struct { const char *name; uint32_t flag; } flag_names[] = {
  { "Authority", NODE_FLAG_AUTHORITY }, { "BadExit", NODE_FLAG_BADEXIT },
  { "Exit", NODE_FLAG_EXIT }, { "Fast", NODE_FLAG_FAST },
  { "Guard", NODE_FLAG_GUARD }, { "HSDir", NODE_FLAG_HSDIR },
  { "Running", NODE_FLAG_RUNNING }, { "Stable", NODE_FLAG_STABLE },
  { "V2Dir", NODE_FLAG_V2DIR }, { "Valid", NODE_FLAG_VALID },
  { "MiddleOnly", NODE_FLAG_MIDDLEONLY }, { "StaleDesc", NODE_FLAG_STALEDESC },
};

uint32_t
node_flag_from_name(const char *name, size_t len)
{
  for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
    if (strlen(flag_names[i].name) == len && !memcmp(flag_names[i].name, name, len))
      return flag_names[i].flag;
  return 0;
}

int
node_is_usable(const node_t *node)
{
  const uint32_t need = NODE_FLAG_RUNNING | NODE_FLAG_VALID;
  return (node->flags & need) == need && node->has_microdesc;
}

void
node_get_hop_info(const node_t *node, circuit_hop_info_t *out)
{
  struct in_addr a;
  memset(out, 0, sizeof(*out));
  a.s_addr = htonl(node->ipv4);
  inet_ntop(AF_INET, &a, out->address, sizeof(out->address));
  out->or_port = node->or_port;
  memcpy(out->rsa_id, node->rsa_id, sizeof(out->rsa_id));
  memcpy(out->ed_id, node->ed_id, sizeof(out->ed_id));
  out->has_ed_id = node->has_ed_id;
  /* ntor v3 binds the Ed25519 identity: without one, ntor v1. */
  out->ntor_v3 = node->ntor_v3 && node->has_ed_id;
  memcpy(out->ntor_onion_key, node->ntor_onion_key, sizeof(out->ntor_onion_key));
  snprintf(out->nickname, sizeof(out->nickname), "%s", node->nickname);
}
