/* What the client holds of the directory: authority certificates, the
 * microdesc consensus (verified: more than half of our DirAuthority lines'
 * v3 identities signed it, and it is live or reasonably live) and the
 * microdescriptors it names, with the node list built from them. Each
 * document is kept as text too, and saved in the DataDirectory under tor's
 * names (cached-certs, cached-microdesc-consensus, cached-microdescs) so a
 * restart starts from them. */
#ifndef TOR_FEATURE_DIRCLIENT_DIRSTATE_H
#define TOR_FEATURE_DIRCLIENT_DIRSTATE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "feature/dirparse/authcert.h"
#include "feature/dirparse/consensus.h"
#include "feature/dirparse/microdesc.h"
#include "feature/nodelist/nodelist.h"

#define DIRSTATE_MAX_AUTHORITIES 16

typedef struct dirstate_t {
  char *datadir;
  uint8_t v3idents[DIRSTATE_MAX_AUTHORITIES][20];
  size_t n_authorities;
  char *certs_text;
  size_t certs_len;
  authcert_list_t *certs;
  char *consensus_text;          /* verified, or NULL */
  size_t consensus_len;
  consensus_t *consensus;
  char *md_text;                 /* the microdescs the consensus names */
  size_t md_len;
  microdesc_list_t *mds;
  nodelist_t *nodes;             /* NULL until there is a consensus */
  consensus_t *pending;          /* waiting for certificates */
  char *pending_text;
  size_t pending_len;
} dirstate_t;

/* An empty state for these authorities (v3 identity digests). */
void dirstate_init(dirstate_t *ds, const char *datadir,
                   const uint8_t (*v3idents)[20], size_t n_authorities);
void dirstate_clear(dirstate_t *ds);

/* Loads the cached files; a cached consensus that no longer verifies is
 * ignored (and logged). Returns 1 if a usable consensus was loaded. */
int dirstate_load_caches(dirstate_t *ds, time_t now);

/* Adds certificates (text of one or more); keeps the ones that verify,
 * saves cached-certs. Returns how many new ones were added, -1 if the text
 * is unparseable. */
int dirstate_add_certs(dirstate_t *ds, const char *text, size_t len);

typedef enum {
  DIRSTATE_CONSENSUS_ACCEPTED = 0,
  DIRSTATE_CONSENSUS_NEED_CERTS,   /* signed, but we lack some certificates */
  DIRSTATE_CONSENSUS_REJECTED,     /* malformed, badly signed, or too old */
} dirstate_consensus_result_t;

/* Offers a downloaded consensus. On ACCEPTED it replaces ours, is saved,
 * and the node list is rebuilt. On NEED_CERTS the text is kept pending
 * (retry with dirstate_retry_pending after adding certificates). */
dirstate_consensus_result_t dirstate_offer_consensus(dirstate_t *ds, const char *text,
                                                     size_t len, time_t now);
dirstate_consensus_result_t dirstate_retry_pending(dirstate_t *ds, time_t now);
/* Fingerprints (v3 identities) of signers whose certificates we lack,
 * "+"-joined hex, for /tor/keys/fp/...; "" when none. */
void dirstate_missing_cert_fps(const dirstate_t *ds, char *out, size_t outlen);

/* Base64 (unpadded) digests of microdescriptors the consensus names that
 * we don't have, "-"-joined, at most max_count of them, for
 * /tor/micro/d/...; returns how many. */
size_t dirstate_missing_microdescs(const dirstate_t *ds, size_t max_count,
                                   char *out, size_t outlen);
/* Adds downloaded microdescriptors (only those the consensus names), saves
 * cached-microdescs and rebuilds the node list. Returns how many new. */
int dirstate_add_microdescs(dirstate_t *ds, const char *text, size_t len);

/* Whether the consensus is still live now (valid-after <= now <= valid-until). */
int dirstate_consensus_is_live(const dirstate_t *ds, time_t now);

#endif
