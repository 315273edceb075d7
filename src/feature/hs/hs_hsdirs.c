/* Responsible HSDirs as nodes: see hs_hsdirs.h. */
#include "orconfig.h"
#include "feature/hs/hs_hsdirs.h"
#include "lib/encoding/base16.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
hs_hsdirs_time_params(hs_time_params_t *tp, const consensus_t *c, int testing_network)
{
  if (!c)
    return -1;
  int64_t interval = consensus_get_param(c, "hsdir-interval", -1, -1, INT32_MAX);
  hs_time_params_init(tp, (uint64_t)(c->fresh_until - c->valid_after), interval,
                      testing_network);
  return 0;
}

int
hs_hsdirs_fetch_ring(const dirstate_t *ds, const hs_time_params_t *tp, hs_ring_period_t *rp)
{
  hs_srv_pair_t srvs;
  if (!ds || !ds->consensus)
    return -1;
  memset(&srvs, 0, sizeof(srvs));
  srvs.have_current = ds->consensus->srv_current.present;
  srvs.have_previous = ds->consensus->srv_previous.present;
  memcpy(srvs.current, ds->consensus->srv_current.value, HS_SRV_LEN);
  memcpy(srvs.previous, ds->consensus->srv_previous.value, HS_SRV_LEN);
  hs_ring_period_for_fetch(tp, ds->consensus->valid_after, &srvs, rp);
  return 0;
}

void
hs_hsdirs_describe(const node_t *node, const hs_time_params_t *tp,
                   const hs_ring_period_t *rp, hs_hsdir_t *out)
{
  char fp[41];
  memset(out, 0, sizeof(*out));
  node_get_hop_info(node, &out->hop);
  base16_encode(fp, sizeof(fp), node->rsa_id, 20);
  snprintf(out->longname, sizeof(out->longname), "$%s~%s", fp, node->nickname);
  if (node->has_ed_id &&
      hs_ring_relay_index(out->index, node->ed_id, rp->srv, rp->tp, tp->period_length) == 0)
    out->has_index = 1;
}

int
hs_hsdirs_responsible(const dirstate_t *ds, const hs_time_params_t *tp,
                      const hs_ring_period_t *rp, const uint8_t blinded_pk[32],
                      int for_fetch, hs_hsdir_t *out, int max)
{
  if (!ds || !ds->consensus || !ds->nodes || max < 0)
    return ds && ds->consensus && max >= 0 ? 0 : -1;
  const nodelist_t *nl = ds->nodes;
  size_t cap = nl->n_nodes ? nl->n_nodes : 1;
  hs_ring_relay_t *ring = calloc(cap, sizeof(*ring));
  const node_t **ring_nodes = calloc(cap, sizeof(*ring_nodes));
  int replicas = consensus_get_param(ds->consensus, "hsdir_n_replicas", HS_N_REPLICAS_DEFAULT,
                                     HS_N_REPLICAS_MIN, HS_N_REPLICAS_MAX);
  int spread = for_fetch
    ? consensus_get_param(ds->consensus, "hsdir_spread_fetch", HS_SPREAD_FETCH_DEFAULT,
                          HS_SPREAD_MIN, HS_SPREAD_MAX)
    : consensus_get_param(ds->consensus, "hsdir_spread_store", HS_SPREAD_STORE_DEFAULT,
                          HS_SPREAD_MIN, HS_SPREAD_MAX);
  /* hs_ring_responsible_hsdirs writes at most replicas * spread, or
   * n_relays if fewer. */
  size_t *chosen = calloc((size_t)replicas * (size_t)spread + cap, sizeof(*chosen));
  size_t n_ring = 0;
  int n = -1;
  if (ring && ring_nodes && chosen) {
    for (size_t i = 0; i < nl->n_nodes; i++) {
      const node_t *node = &nl->nodes[i];
      if (!node->has_ed_id || !node_is_usable(node))
        continue;
      memcpy(ring[n_ring].ed25519_id, node->ed_id, 32);
      ring[n_ring].flags = (node->flags & NODE_FLAG_HSDIR) ? HS_RING_HSDIR : 0;
      ring_nodes[n_ring++] = node;
    }
    n = hs_ring_responsible_hsdirs(ring, n_ring, blinded_pk, rp, tp->period_length, replicas,
                                   spread, chosen);
    if (n > max)
      n = max;
    for (int i = 0; i < n; i++)
      hs_hsdirs_describe(ring_nodes[chosen[i]], tp, rp, &out[i]);
  }
  free(ring);
  free(ring_nodes);
  free(chosen);
  return n;
}
