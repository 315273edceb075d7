/* The client's view of the network: one node_t per consensus router,
 * joined with its microdescriptor (by the consensus "m" digest), and the
 * consensus bandwidth weights. Built afresh from each consensus; the
 * microdescriptors are looked up, not kept. */
#ifndef TOR_FEATURE_NODELIST_NODELIST_H
#define TOR_FEATURE_NODELIST_NODELIST_H

#include <stddef.h>

#include "feature/dirparse/consensus.h"
#include "feature/dirparse/microdesc.h"
#include "feature/nodelist/node.h"
#include "feature/nodelist/path.h"

typedef struct nodelist_t {
  node_t *nodes;        /* sorted by rsa_id, as the consensus */
  size_t n_nodes;
  size_t n_with_microdesc;
  bw_weights_t weights;
} nodelist_t;

/* A new node list from a consensus and the microdescriptors we have (mds
 * may be NULL). NULL when out of memory. */
nodelist_t *nodelist_build(const consensus_t *c, const microdesc_list_t *mds);
void nodelist_free(nodelist_t *nl);
/* The node with this RSA identity, or NULL. */
const node_t *nodelist_find(const nodelist_t *nl, const uint8_t rsa_id[20]);
/* Fraction (0..1) of usable-if-described routers (Running and Valid) whose
 * microdescriptor we have, the measure tor's PathsNeededToBuildCircuits
 * is compared with (simplified: by count, not by bandwidth). */
double nodelist_fraction_described(const nodelist_t *nl);

#endif
