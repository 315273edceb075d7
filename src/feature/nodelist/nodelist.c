/* The node list: see nodelist.h. */
#include "orconfig.h"
#include "feature/nodelist/nodelist.h"

#include <stdlib.h>
#include <string.h>

/* Consensus flag bits to ours; the two sets are kept separate so that the
 * parser and path selection can change independently. */
static uint32_t
node_flags_from_consensus(uint32_t f)
{
  static const struct { uint32_t cons, node; } map[] = {
    { CONS_FLAG_AUTHORITY, NODE_FLAG_AUTHORITY }, { CONS_FLAG_BADEXIT, NODE_FLAG_BADEXIT },
    { CONS_FLAG_EXIT, NODE_FLAG_EXIT }, { CONS_FLAG_FAST, NODE_FLAG_FAST },
    { CONS_FLAG_GUARD, NODE_FLAG_GUARD }, { CONS_FLAG_HSDIR, NODE_FLAG_HSDIR },
    { CONS_FLAG_RUNNING, NODE_FLAG_RUNNING }, { CONS_FLAG_STABLE, NODE_FLAG_STABLE },
    { CONS_FLAG_V2DIR, NODE_FLAG_V2DIR }, { CONS_FLAG_VALID, NODE_FLAG_VALID },
    { CONS_FLAG_MIDDLEONLY, NODE_FLAG_MIDDLEONLY }, { CONS_FLAG_STALEDESC, NODE_FLAG_STALEDESC },
  };
  uint32_t out = 0;
  for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
    if (f & map[i].cons)
      out |= map[i].node;
  return out;
}

static void
fill_weights(bw_weights_t *w, const consensus_t *c)
{
  bw_weights_init(w);
  for (size_t i = 0; i < c->n_bw_weights; i++)
    bw_weights_set(w, c->bw_weights[i].name, c->bw_weights[i].value);
}

nodelist_t *
nodelist_build(const consensus_t *c, const microdesc_list_t *mds)
{
  nodelist_t *nl = calloc(1, sizeof(*nl));
  if (!nl)
    return NULL;
  nl->nodes = calloc(c->n_routers ? c->n_routers : 1, sizeof(node_t));
  if (!nl->nodes) {
    free(nl);
    return NULL;
  }
  fill_weights(&nl->weights, c);
  for (size_t i = 0; i < c->n_routers; i++) {
    const consensus_router_t *r = &c->routers[i];
    node_t *n = &nl->nodes[nl->n_nodes++];
    memcpy(n->nickname, r->nickname, sizeof(n->nickname) - 1);
    memcpy(n->rsa_id, r->identity, sizeof(n->rsa_id));
    n->ipv4 = r->ipv4;
    n->or_port = r->or_port;
    n->dir_port = r->dir_port;
    n->flags = node_flags_from_consensus(r->flags);
    n->bandwidth = r->has_bandwidth ? r->bandwidth : 0;
    /* Relay=4: the ntor v3 handshake (proposal 332); FlowCtrl=2:
     * congestion control (proposal 324). */
    n->ntor_v3 = r->protocols && protover_set_supports(r->protocols, "Relay", 4);
    n->flowctrl_cc = r->protocols && protover_set_supports(r->protocols, "FlowCtrl", 2);
    /* Conflux=1: linked circuits (proposal 329). */
    n->conflux = r->protocols && protover_set_supports(r->protocols, "Conflux", 1);
    policy_summary_reject_all(&n->exit_policy);
    if (!r->has_md_digest)
      continue;
    memcpy(n->md_digest, r->md_digest, sizeof(n->md_digest));
    const microdesc_t *md = mds ? microdesc_list_find(mds, r->md_digest) : NULL;
    if (!md)
      continue;
    n->has_microdesc = 1;
    nl->n_with_microdesc++;
    memcpy(n->ntor_onion_key, md->ntor_onion_key, sizeof(n->ntor_onion_key));
    if (md->has_ed25519_id) {
      n->has_ed_id = 1;
      memcpy(n->ed_id, md->ed25519_id, sizeof(n->ed_id));
    }
    if (md->policy)
      policy_summary_parse(md->policy, strlen(md->policy), &n->exit_policy);
  }
  return nl;
}

void
nodelist_free(nodelist_t *nl)
{
  if (!nl)
    return;
  free(nl->nodes);
  free(nl);
}

const node_t *
nodelist_find(const nodelist_t *nl, const uint8_t rsa_id[20])
{
  size_t lo = 0, hi = nl->n_nodes;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int cmp = memcmp(nl->nodes[mid].rsa_id, rsa_id, 20);
    if (cmp == 0)
      return &nl->nodes[mid];
    if (cmp < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  /* The consensus is sorted by identity, but don't trust that blindly. */
  for (size_t i = 0; i < nl->n_nodes; i++)
    if (!memcmp(nl->nodes[i].rsa_id, rsa_id, 20))
      return &nl->nodes[i];
  return NULL;
}

double
nodelist_fraction_described(const nodelist_t *nl)
{
  size_t candidates = 0, described = 0;
  const uint32_t need = NODE_FLAG_RUNNING | NODE_FLAG_VALID;
  for (size_t i = 0; i < nl->n_nodes; i++) {
    if ((nl->nodes[i].flags & need) != need)
      continue;
    candidates++;
    described += nl->nodes[i].has_microdesc != 0;
  }
  return candidates ? (double)described / (double)candidates : 0.0;
}
