/* The responsible HSDirs of a blinded key as nodes of the client's
 * directory (rend-spec-v3 2.2.3): the consensus's usable relays with an
 * Ed25519 identity form the ring, those with the HSDir flag hold
 * descriptors, and the consensus parameters hsdir_n_replicas and
 * hsdir_spread_store (uploads) or hsdir_spread_fetch (fetches) say how
 * many are chosen. One mechanism for our onion service's uploads and for
 * the control port's HSFETCH/HSPOST (hs_dirop).
 *
 * Also the clock of the network in a consensus (hs_hsdirs_time_params)
 * and the ring a client fetches from now (hs_hsdirs_fetch_ring).
 * Nothing here allocates beyond scratch space freed before return. */
#ifndef TOR_FEATURE_HS_HS_HSDIRS_H
#define TOR_FEATURE_HS_HS_HSDIRS_H

#include <stddef.h>
#include <stdint.h>

#include "core/or/circuit.h"
#include "feature/dirclient/dirstate.h"
#include "feature/hs/hs_keys.h"
#include "feature/hs/hs_ring.h"

/* "$" 40 hex "~" nickname (at most 19) and a NUL. */
#define HS_HSDIR_LONGNAME_LEN 64

typedef struct hs_hsdir_t {
  circuit_hop_info_t hop;                 /* to reach it */
  char longname[HS_HSDIR_LONGNAME_LEN];   /* "$FP~nick", as HS_DESC says */
  uint8_t index[HS_RING_INDEX_LEN];       /* its hs_relay_index in the ring */
  int has_index;                          /* 0: no Ed25519 identity known */
} hs_hsdir_t;

/* The time parameters of the network of consensus c (testing_network:
 * TestingTorNetwork). Returns 0, or -1 without a consensus. */
int hs_hsdirs_time_params(hs_time_params_t *tp, const consensus_t *c, int testing_network);

/* The ring clients use at ds's consensus time (hs_ring_period_for_fetch
 * with the consensus's SRVs). Returns 0, or -1 without a consensus. */
int hs_hsdirs_fetch_ring(const dirstate_t *ds, const hs_time_params_t *tp,
                         hs_ring_period_t *rp);

/* Fills out (room for max) with the HSDirs responsible for blinded_pk in
 * ring rp, replica by replica, in ring order; for_fetch picks the spread
 * consensus parameter. Returns the count (0 when there is no node list),
 * or -1 on error. */
int hs_hsdirs_responsible(const dirstate_t *ds, const hs_time_params_t *tp,
                          const hs_ring_period_t *rp, const uint8_t blinded_pk[32],
                          int for_fetch, hs_hsdir_t *out, int max);

/* Fills one entry for node (its index in ring rp when it has an Ed25519
 * identity). */
void hs_hsdirs_describe(const node_t *node, const hs_time_params_t *tp,
                        const hs_ring_period_t *rp, hs_hsdir_t *out);

#endif
