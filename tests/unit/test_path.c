/* Exit policy summaries (dir-spec "p" lines) and weighted path selection
 * (path-spec §2.2); expected values worked out by hand. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "feature/nodelist/path.h"

#include <string.h>

static int
parse(const char *s, policy_summary_t *p)
{
  return policy_summary_parse(s, strlen(s), p);
}

UNITTEST(policy_summary, accept_and_reject_lists)
{
  policy_summary_t p;
  UT_EQ_INT(parse("accept 80,443,1000-2000", &p), 0);
  UT_ASSERT(policy_summary_allows_port(&p, 80));
  UT_ASSERT(policy_summary_allows_port(&p, 1500));
  UT_ASSERT(policy_summary_allows_port(&p, 2000));
  UT_ASSERT(!policy_summary_allows_port(&p, 81));
  UT_ASSERT(!policy_summary_allows_port(&p, 2001));
  UT_EQ_INT(parse("reject 25,119,135-139", &p), 0);
  UT_ASSERT(policy_summary_allows_port(&p, 80));
  UT_ASSERT(!policy_summary_allows_port(&p, 137));
  UT_ASSERT(policy_summary_allows_any(&p));
  UT_EQ_INT(parse("reject 1-65535", &p), 0);
  UT_ASSERT(!policy_summary_allows_any(&p));
  UT_EQ_INT(parse("reject 1-100,101-65535", &p), 0);
  UT_ASSERT(!policy_summary_allows_any(&p));
  UT_EQ_INT(parse("accept 1-65535", &p), 0);
  UT_ASSERT(policy_summary_allows_port(&p, 65535));
}

UNITTEST(policy_summary, malformed_means_reject_all)
{
  policy_summary_t p;
  const char *bad[] = { "accept 0", "accept 80,", "bogus 80", "accept 2-1", "accept 70000",
                        "accept", "accept ", "accept 80;81", "reject 1-" };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    UT_EQ_INT(parse(bad[i], &p), -1);
    UT_ASSERT(!policy_summary_allows_any(&p));
  }
}

static node_t
make_node(int id, uint32_t ip, uint32_t flags, uint32_t bw)
{
  node_t n;
  memset(&n, 0, sizeof(n));
  n.rsa_id[0] = (uint8_t)id;
  n.ipv4 = ip;
  n.flags = flags | NODE_FLAG_RUNNING | NODE_FLAG_VALID;
  n.bandwidth = bw;
  n.has_microdesc = 1;
  policy_summary_parse("accept 80,443", 13, &n.exit_policy);
  return n;
}

static uint64_t fixed_value;
static uint64_t
fixed_rng(uint64_t limit)
{
  return fixed_value % limit;
}

UNITTEST(path, weights_by_position_and_flags)
{
  bw_weights_t w;
  path_constraints_t c;
  memset(&c, 0, sizeof(c));
  bw_weights_init(&w);
  bw_weights_set(&w, "Wgd", 5000);
  bw_weights_set(&w, "Wmg", 2500);
  bw_weights_set(&w, "Wee", 10000);
  bw_weights_set(&w, "Wed", 0);
  node_t ge = make_node(1, 0x0a000001, NODE_FLAG_GUARD | NODE_FLAG_EXIT, 1000);
  node_t g = make_node(2, 0x0a010001, NODE_FLAG_GUARD, 1000);
  node_t m = make_node(3, 0x0a020001, 0, 1000);
  /* 1000 * 5000 / 10000 */
  UT_EQ_INT(path_node_weight(&ge, PATH_POS_GUARD, &w, &c), 500);
  UT_EQ_INT(path_node_weight(&g, PATH_POS_MIDDLE, &w, &c), 250);
  UT_EQ_INT(path_node_weight(&ge, PATH_POS_EXIT, &w, &c), 0);
  UT_EQ_INT(path_node_weight(&m, PATH_POS_GUARD, &w, &c), 0);   /* not a Guard */
  UT_EQ_INT(path_node_weight(&m, PATH_POS_EXIT, &w, &c), 0);    /* not an Exit */
  ge.flags |= NODE_FLAG_BADEXIT;  /* counts as a guard only: Wgg */
  UT_EQ_INT(path_node_weight(&ge, PATH_POS_GUARD, &w, &c), 1000);
}

UNITTEST(path, choice_follows_cumulative_weight)
{
  bw_weights_t w;
  path_constraints_t c;
  memset(&c, 0, sizeof(c));
  bw_weights_init(&w);
  node_t nodes[3] = {
    make_node(1, 0x0a000001, 0, 100),
    make_node(2, 0x0a010001, 0, 300),
    make_node(3, 0x0a020001, 0, 600),
  };
  fixed_value = 99;
  UT_ASSERT(path_choose_node(nodes, 3, PATH_POS_MIDDLE, &w, &c, fixed_rng) == &nodes[0]);
  fixed_value = 100;
  UT_ASSERT(path_choose_node(nodes, 3, PATH_POS_MIDDLE, &w, &c, fixed_rng) == &nodes[1]);
  fixed_value = 399;
  UT_ASSERT(path_choose_node(nodes, 3, PATH_POS_MIDDLE, &w, &c, fixed_rng) == &nodes[1]);
  fixed_value = 400;
  UT_ASSERT(path_choose_node(nodes, 3, PATH_POS_MIDDLE, &w, &c, fixed_rng) == &nodes[2]);
  /* Nodes already in the path are skipped: 0..299 is now node 2. */
  c.in_path[c.n_in_path++] = &nodes[0];
  fixed_value = 99;
  UT_ASSERT(path_choose_node(nodes, 3, PATH_POS_MIDDLE, &w, &c, fixed_rng) == &nodes[1]);
}

UNITTEST(path, subnets_ports_and_unusable_nodes)
{
  bw_weights_t w;
  path_constraints_t c;
  memset(&c, 0, sizeof(c));
  bw_weights_init(&w);
  node_t nodes[3] = {
    make_node(1, 0x7f000001, NODE_FLAG_EXIT, 100),
    make_node(2, 0x7f000002, NODE_FLAG_EXIT, 100),
    make_node(3, 0x0b000001, NODE_FLAG_EXIT, 100),
  };
  policy_summary_parse("reject 1-65535", 14, &nodes[2].exit_policy);
  c.in_path[c.n_in_path++] = &nodes[0];
  c.distinct_subnets = 1;
  /* Node 2 shares 127.0/16 with node 1; node 3 rejects everything. */
  UT_ASSERT(path_choose_node(nodes, 3, PATH_POS_EXIT, &w, &c, fixed_rng) == NULL);
  c.distinct_subnets = 0;  /* as in TestingTorNetwork */
  fixed_value = 0;
  UT_ASSERT(path_choose_node(nodes, 3, PATH_POS_EXIT, &w, &c, fixed_rng) == &nodes[1]);
  c.exit_port = 22;
  UT_ASSERT(path_choose_node(nodes, 3, PATH_POS_EXIT, &w, &c, fixed_rng) == NULL);
  c.exit_port = 443;
  nodes[1].flags &= ~NODE_FLAG_RUNNING;
  UT_ASSERT(path_choose_node(nodes, 3, PATH_POS_EXIT, &w, &c, fixed_rng) == NULL);
}

UNITTEST(path, zero_bandwidth_is_uniform)
{
  bw_weights_t w;
  path_constraints_t c;
  memset(&c, 0, sizeof(c));
  bw_weights_init(&w);
  node_t nodes[2] = { make_node(1, 1, 0, 0), make_node(2, 2, 0, 0) };
  fixed_value = 1;
  UT_ASSERT(path_choose_node(nodes, 2, PATH_POS_MIDDLE, &w, &c, fixed_rng) == &nodes[1]);
}
