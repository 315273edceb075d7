/* What the client knows of one relay: the consensus entry joined with its
 * microdescriptor. A node_t is plain data (no pointers that it owns), so a
 * node list is one array that can be rebuilt from each new consensus. */
#ifndef TOR_FEATURE_NODELIST_NODE_H
#define TOR_FEATURE_NODELIST_NODE_H

#include <stdint.h>

#include "core/or/circuit.h"
#include "feature/nodelist/policy_summary.h"

/* Consensus flags. */
#define NODE_FLAG_AUTHORITY (1u << 0)
#define NODE_FLAG_BADEXIT   (1u << 1)
#define NODE_FLAG_EXIT      (1u << 2)
#define NODE_FLAG_FAST      (1u << 3)
#define NODE_FLAG_GUARD     (1u << 4)
#define NODE_FLAG_HSDIR     (1u << 5)
#define NODE_FLAG_RUNNING   (1u << 6)
#define NODE_FLAG_STABLE    (1u << 7)
#define NODE_FLAG_V2DIR     (1u << 8)
#define NODE_FLAG_VALID     (1u << 9)
#define NODE_FLAG_MIDDLEONLY (1u << 10)
#define NODE_FLAG_STALEDESC (1u << 11)

/* Flag name as in the consensus ("Guard") to bit; 0 when unknown. */
uint32_t node_flag_from_name(const char *name, size_t len);

typedef struct node_t {
  char nickname[20];
  uint8_t rsa_id[20];          /* SHA-1 of the RSA identity key */
  uint8_t ed_id[32];           /* Ed25519 identity, from the microdesc */
  int has_ed_id;
  uint32_t ipv4;               /* host byte order */
  uint16_t or_port;
  uint16_t dir_port;
  uint32_t flags;              /* NODE_FLAG_* */
  uint32_t bandwidth;          /* consensus "w Bandwidth=", in kilobytes/s */
  int ntor_v3;                 /* "pr" lists Relay=4 */
  int flowctrl_cc;             /* "pr" lists FlowCtrl=2 */
  int conflux;                 /* "pr" lists Conflux=1 */
  uint8_t md_digest[32];       /* consensus "m" line */
  int has_microdesc;           /* the fields below are known */
  uint8_t ntor_onion_key[32];
  policy_summary_t exit_policy;/* microdesc "p" line (IPv4) */
} node_t;

/* Whether the node can be used at all: Running and Valid, and its
 * microdescriptor known. */
int node_is_usable(const node_t *node);

/* What a circuit needs to reach and extend to node. */
void node_get_hop_info(const node_t *node, circuit_hop_info_t *out);

#endif
