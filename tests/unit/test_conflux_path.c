/* Tests for feature/client/conflux_path: the legs of a conflux set end at
 * one exit that links sets and share no guard or middle while the network
 * allows (proposal 329 §1.3); expected paths worked out by hand from the
 * rule, with a first-choice random source. */
#include "orconfig.h"
#include "tests/unit/unittest.h"

#include "feature/client/conflux_path.h"

#include <string.h>

static uint64_t
first_rng(uint64_t limit)
{
  (void)limit;
  return 0;
}

static node_t
node(int id, uint32_t flags, int conflux)
{
  node_t n;
  memset(&n, 0, sizeof(n));
  n.rsa_id[0] = (uint8_t)id;
  n.nickname[0] = (char)('a' + id);
  n.ipv4 = 0x0a000000u | ((uint32_t)id << 16);   /* one /16 each */
  n.flags = flags | NODE_FLAG_RUNNING | NODE_FLAG_VALID | NODE_FLAG_FAST;
  n.bandwidth = 100;
  n.has_microdesc = 1;
  n.ntor_v3 = n.flowctrl_cc = n.has_ed_id = 1;
  n.conflux = conflux;
  policy_summary_parse(flags & NODE_FLAG_EXIT ? "accept 80" : "reject 1-65535",
                       flags & NODE_FLAG_EXIT ? 9 : 14, &n.exit_policy);
  return n;
}

static guard_set_t
guard_set(const node_t *nodes, const int *ids, int n)
{
  guard_set_t g;
  guards_init(&g);
  for (int i = 0; i < n; i++) {
    memcpy(g.entries[i].rsa_id, nodes[ids[i]].rsa_id, 20);
    g.entries[i].listed = 1;
  }
  g.n = n;
  return g;
}

UNITTEST(conflux_path, legs_share_only_the_exit)
{
  node_t nodes[7];
  /* 0-2 guards, 3-4 middles, 5 an exit without Conflux=1, 6 one with it */
  for (int i = 0; i < 3; i++)
    nodes[i] = node(i, NODE_FLAG_GUARD, 1);
  nodes[3] = node(3, 0, 1);
  nodes[4] = node(4, 0, 1);
  nodes[5] = node(5, NODE_FLAG_EXIT, 0);
  nodes[6] = node(6, NODE_FLAG_EXIT, 1);
  nodelist_t nl = { nodes, 7, 7, { 0 } };
  bw_weights_init(&nl.weights);
  static const int primaries[] = { 0, 1, 2 };
  guard_set_t g = guard_set(nodes, primaries, 3);
  circuit_hop_info_t hops[2][3];
  UT_EQ_INT(conflux_path_choose(&nl, &g, 1000, 80, 1, 2, first_rng, hops), 0);
  /* both legs end at 6, the only exit that links sets */
  UT_EQ_INT(hops[0][2].rsa_id[0], 6);
  UT_EQ_INT(hops[1][2].rsa_id[0], 6);
  UT_ASSERT(hops[0][2].request_cc && hops[1][2].request_cc);
  /* the first primary guard; the first leg's middle is then the first
   * eligible relay left (1, a guard: any relay may be a middle), so the
   * second leg takes the next primary guard nobody uses (2) and the
   * first middle left (3) */
  UT_EQ_INT(hops[0][0].rsa_id[0], 0);
  UT_EQ_INT(hops[0][1].rsa_id[0], 1);
  UT_EQ_INT(hops[1][0].rsa_id[0], 2);
  UT_EQ_INT(hops[1][1].rsa_id[0], 3);
  /* no exit allows the port: no set */
  UT_EQ_INT(conflux_path_choose(&nl, &g, 1000, 25, 1, 2, first_rng, hops), -1);
  /* no exit links sets: no set */
  nodes[6].conflux = 0;
  UT_EQ_INT(conflux_path_choose(&nl, &g, 1000, 80, 1, 2, first_rng, hops), -1);
}

UNITTEST(conflux_path, one_guard_is_shared)
{
  node_t nodes[4];
  nodes[0] = node(0, NODE_FLAG_GUARD, 1);
  nodes[1] = node(1, 0, 1);
  nodes[2] = node(2, 0, 1);
  nodes[3] = node(3, NODE_FLAG_EXIT, 1);
  nodelist_t nl = { nodes, 4, 4, { 0 } };
  bw_weights_init(&nl.weights);
  static const int primaries[] = { 0 };
  guard_set_t g = guard_set(nodes, primaries, 1);
  circuit_hop_info_t hops[2][3];
  UT_EQ_INT(conflux_path_choose(&nl, &g, 1000, 80, 1, 2, first_rng, hops), 0);
  UT_EQ_INT(hops[0][0].rsa_id[0], 0);
  UT_EQ_INT(hops[1][0].rsa_id[0], 0);
  UT_ASSERT(hops[0][1].rsa_id[0] != hops[1][1].rsa_id[0]);
  UT_EQ_INT(conflux_path_choose(&nl, &g, 1000, 80, 1, 0, first_rng, hops), -1);
}
