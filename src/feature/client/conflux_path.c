/* Paths for conflux legs: see conflux_path.h. */
#include "orconfig.h"
#include "feature/client/conflux_path.h"

#include <string.h>

int
conflux_path_choose(const nodelist_t *nl, const guard_set_t *guards, time_t now,
                    uint16_t port, int distinct_subnets, int n_legs, path_rng_fn rng,
                    circuit_hop_info_t hops[][3])
{
  const node_t *guard[CONFLUX_PATH_MAX_LEGS], *middle, *exit_node = NULL;
  if (!nl || !guards || n_legs < 1 || n_legs > CONFLUX_PATH_MAX_LEGS)
    return -1;
  path_constraints_t pc;
  memset(&pc, 0, sizeof(pc));
  pc.distinct_subnets = distinct_subnets;
  pc.exit_port = port;
  pc.need_conflux = 1;
  for (int leg = 0; leg < n_legs; leg++) {
    /* Not a relay an earlier leg uses in any position. */
    guard[leg] = guards_choose_avoiding(guards, nl->nodes, nl->n_nodes, now, pc.in_path,
                                        pc.n_in_path);
    if (!guard[leg]) {
      /* Legs through one guard still add a middle's capacity. */
      guard[leg] = path_choose_node(nl->nodes, nl->n_nodes, PATH_POS_GUARD, &nl->weights, &pc,
                                    rng);
      if (!guard[leg] && leg > 0)
        guard[leg] = guard[0];
    }
    if (!guard[leg])
      return -1;
    if (!exit_node) {
      pc.in_path[pc.n_in_path++] = guard[leg];
      exit_node = path_choose_node(nl->nodes, nl->n_nodes, PATH_POS_EXIT, &nl->weights, &pc, rng);
      if (!exit_node)
        return -1;
      pc.in_path[pc.n_in_path++] = exit_node;
    } else if (guard[leg] != guard[0] && pc.n_in_path < PATH_MAX_HOPS) {
      pc.in_path[pc.n_in_path++] = guard[leg];
    }
    middle = path_choose_node(nl->nodes, nl->n_nodes, PATH_POS_MIDDLE, &nl->weights, &pc, rng);
    if (!middle)
      return -1;
    if (pc.n_in_path < PATH_MAX_HOPS)
      pc.in_path[pc.n_in_path++] = middle;
    node_get_hop_info(guard[leg], &hops[leg][0]);
    node_get_hop_info(middle, &hops[leg][1]);
    node_get_hop_info(exit_node, &hops[leg][2]);
    hops[leg][2].request_cc = 1;
  }
  return 0;
}
