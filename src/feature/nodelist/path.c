/* Path selection: see path.h. */
#include "orconfig.h"
#include "feature/nodelist/path.h"
#include "lib/crypt/crypto_util.h"

#include <stddef.h>
#include <string.h>

#define WEIGHT_SCALE 10000

void
bw_weights_init(bw_weights_t *w)
{
  int32_t *all[] = { &w->Wgg, &w->Wgm, &w->Wgd, &w->Wmg, &w->Wmm, &w->Wme,
                     &w->Wmd, &w->Weg, &w->Wem, &w->Wee, &w->Wed };
  for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
    *all[i] = WEIGHT_SCALE;
}

void
bw_weights_set(bw_weights_t *w, const char *name, int64_t value)
{
  static const struct { const char *name; size_t off; } names[] = {
    { "Wgg", offsetof(bw_weights_t, Wgg) }, { "Wgm", offsetof(bw_weights_t, Wgm) },
    { "Wgd", offsetof(bw_weights_t, Wgd) }, { "Wmg", offsetof(bw_weights_t, Wmg) },
    { "Wmm", offsetof(bw_weights_t, Wmm) }, { "Wme", offsetof(bw_weights_t, Wme) },
    { "Wmd", offsetof(bw_weights_t, Wmd) }, { "Weg", offsetof(bw_weights_t, Weg) },
    { "Wem", offsetof(bw_weights_t, Wem) }, { "Wee", offsetof(bw_weights_t, Wee) },
    { "Wed", offsetof(bw_weights_t, Wed) },
  };
  if (value < 0 || value > (int64_t)WEIGHT_SCALE * WEIGHT_SCALE)
    return;
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if (!strcmp(names[i].name, name))
      *(int32_t *)((char *)w + names[i].off) = (int32_t)value;
}

uint64_t
path_crypto_rng(uint64_t limit)
{
  /* Rejection sampling keeps the result uniform for any limit. */
  uint64_t cutoff = UINT64_MAX - (UINT64_MAX % limit), v;
  do {
    crypto_rand_bytes(&v, sizeof(v));
  } while (v >= cutoff);
  return v % limit;
}

static int
same_slash16(const node_t *a, const node_t *b)
{
  return (a->ipv4 >> 16) == (b->ipv4 >> 16);
}

static int
conflicts_with_path(const node_t *node, const path_constraints_t *c)
{
  for (int i = 0; i < c->n_in_path; i++) {
    const node_t *other = c->in_path[i];
    if (!memcmp(other->rsa_id, node->rsa_id, sizeof(node->rsa_id)))
      return 1;
    if (c->distinct_subnets && same_slash16(other, node))
      return 1;
  }
  return 0;
}

static int
eligible(const node_t *node, path_position_t pos, const path_constraints_t *c)
{
  if (!node_is_usable(node) || conflicts_with_path(node, c))
    return 0;
  if (c->need_stable && !(node->flags & NODE_FLAG_STABLE))
    return 0;
  switch (pos) {
    case PATH_POS_GUARD:
      return (node->flags & NODE_FLAG_GUARD) && !(node->flags & NODE_FLAG_MIDDLEONLY);
    case PATH_POS_EXIT:
      if (!(node->flags & NODE_FLAG_EXIT) || (node->flags & (NODE_FLAG_BADEXIT | NODE_FLAG_MIDDLEONLY)))
        return 0;
      if (c->need_conflux && !(node->conflux && node->ntor_v3 && node->flowctrl_cc &&
                               node->has_ed_id))
        return 0;
      return c->exit_port ? policy_summary_allows_port(&node->exit_policy, c->exit_port)
                          : policy_summary_allows_any(&node->exit_policy);
    case PATH_POS_MIDDLE:
      return 1;
  }
  return 0;
}

/* The consensus weight for the node's flags in this position. A BadExit
 * relay counts as non-exit, since no one uses it as an exit. */
static int32_t
position_weight(const node_t *node, path_position_t pos, const bw_weights_t *w)
{
  int g = (node->flags & NODE_FLAG_GUARD) != 0;
  int e = (node->flags & NODE_FLAG_EXIT) && !(node->flags & NODE_FLAG_BADEXIT);
  switch (pos) {
    case PATH_POS_GUARD:
      return g && e ? w->Wgd : g ? w->Wgg : e ? 0 : w->Wgm;
    case PATH_POS_MIDDLE:
      return g && e ? w->Wmd : g ? w->Wmg : e ? w->Wme : w->Wmm;
    case PATH_POS_EXIT:
      return g && e ? w->Wed : g ? w->Weg : e ? w->Wee : w->Wem;
  }
  return 0;
}

uint64_t
path_node_weight(const node_t *node, path_position_t pos, const bw_weights_t *w,
                 const path_constraints_t *c)
{
  if (!eligible(node, pos, c))
    return 0;
  return (uint64_t)node->bandwidth * (uint64_t)position_weight(node, pos, w) / WEIGHT_SCALE;
}

const node_t *
path_choose_node(const node_t *nodes, size_t n_nodes, path_position_t pos,
                 const bw_weights_t *w, const path_constraints_t *c, path_rng_fn rng)
{
  uint64_t total = 0;
  size_t n_eligible = 0;
  for (size_t i = 0; i < n_nodes; i++) {
    if (!eligible(&nodes[i], pos, c))
      continue;
    n_eligible++;
    total += path_node_weight(&nodes[i], pos, w, c);
  }
  if (n_eligible == 0)
    return NULL;
  if (total == 0) {
    uint64_t k = rng(n_eligible);
    for (size_t i = 0; i < n_nodes; i++)
      if (eligible(&nodes[i], pos, c) && k-- == 0)
        return &nodes[i];
    return NULL;
  }
  uint64_t r = rng(total);
  for (size_t i = 0; i < n_nodes; i++) {
    uint64_t wt = path_node_weight(&nodes[i], pos, w, c);
    if (r < wt)
      return &nodes[i];
    r -= wt;
  }
  return NULL;
}
