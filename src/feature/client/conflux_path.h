/* Paths for a conflux set's legs (proposal 329 §1.3): every leg ends at one
 * exit that links sets (Conflux=1, with ntor v3 and congestion control) and
 * allows the port; the legs share no other relay where the network allows:
 * each leg takes the next primary guard not used by an earlier leg (or,
 * when none is left, a Guard-flagged relay by weight, and at worst the
 * first leg's guard), and a middle of its own. Randomness comes from the
 * caller, so tests can be exact. */
#ifndef TOR_FEATURE_CLIENT_CONFLUX_PATH_H
#define TOR_FEATURE_CLIENT_CONFLUX_PATH_H

#include <stdint.h>
#include <time.h>

#include "core/or/circuit.h"
#include "feature/client/guards.h"
#include "feature/nodelist/nodelist.h"

#define CONFLUX_PATH_MAX_LEGS 4

/* Fills hops[leg][0..2] (guard, middle, exit; the exit hop asks for
 * congestion control) for n_legs legs. Returns 0, or -1 when no such
 * paths exist (no exit that links sets for port, no guard or middle). */
int conflux_path_choose(const nodelist_t *nl, const guard_set_t *guards, time_t now,
                        uint16_t port, int distinct_subnets, int n_legs, path_rng_fn rng,
                        circuit_hop_info_t hops[][3]);

#endif
