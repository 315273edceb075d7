/* Choosing relays for a circuit (path-spec §2.2): a node for a position
 * (guard, middle, exit), weighted by its consensus bandwidth times the
 * consensus bandwidth-weight for its flags in that position, never one
 * already in the path, never two in one /16 (unless turned off, as
 * TestingTorNetwork does), exits only where the summary allows the port.
 * Randomness comes from the caller so tests can be exact. */
#ifndef TOR_FEATURE_NODELIST_PATH_H
#define TOR_FEATURE_NODELIST_PATH_H

#include <stddef.h>
#include <stdint.h>

#include "feature/nodelist/node.h"

/* The consensus "bandwidth-weights" used for path selection, scaled by
 * 10000 (a weight of 10000 means 1.0). Missing ones default to 10000. */
typedef struct bw_weights_t {
  int32_t Wgg, Wgm, Wgd;
  int32_t Wmg, Wmm, Wme, Wmd;
  int32_t Weg, Wem, Wee, Wed;
} bw_weights_t;

void bw_weights_init(bw_weights_t *w);
/* Sets the weight called name ("Wgg"...); unknown names are ignored.
 * Out-of-range values (outside 0..10000*10000) leave the default. */
void bw_weights_set(bw_weights_t *w, const char *name, int64_t value);

typedef enum { PATH_POS_GUARD, PATH_POS_MIDDLE, PATH_POS_EXIT } path_position_t;

#define PATH_MAX_HOPS 8

typedef struct path_constraints_t {
  const node_t *in_path[PATH_MAX_HOPS]; /* nodes already chosen */
  int n_in_path;
  int distinct_subnets;   /* no two nodes in one /16 */
  uint16_t exit_port;     /* exits must allow it; 0: any port at all */
  int need_stable;
  int need_conflux;       /* exits must link conflux sets (Conflux=1, with
                           * ntor v3 and congestion control) */
} path_constraints_t;

/* Returns a uniformly random integer in [0, limit), limit > 0. */
typedef uint64_t (*path_rng_fn)(uint64_t limit);
/* The default: crypto_rand_bytes. */
uint64_t path_crypto_rng(uint64_t limit);

/* The weight of node in position (bandwidth * W / 10000), 0 when the node
 * cannot be used there at all. */
uint64_t path_node_weight(const node_t *node, path_position_t pos,
                          const bw_weights_t *w, const path_constraints_t *c);

/* Chooses one node, or NULL when none is eligible. When every eligible
 * node weighs 0, chooses uniformly among them. */
const node_t *path_choose_node(const node_t *nodes, size_t n_nodes,
                               path_position_t pos, const bw_weights_t *w,
                               const path_constraints_t *c, path_rng_fn rng);

#endif
