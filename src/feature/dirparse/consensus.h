/* The microdescriptor-flavoured consensus (dir-spec 3.4.1 and 3.9.2):
 * "network-status-version 3 microdesc" documents as served at
 * /tor/status-vote/current/consensus-microdesc and stored in
 * cached-microdesc-consensus.
 *
 * consensus_parse() checks the document's structure (preamble, authority
 * groups, router entries sorted by identity, footer, signatures last) and
 * computes the digests of the signed portion: from "network-status-version"
 * through the space after the first "directory-signature". It does not
 * check signatures or times; consensus_check_signatures() and
 * consensus_check_time() do, and a caller must use both before trusting
 * the document.
 *
 * Ownership: a consensus_t owns everything it points to (strings, parsed
 * protocol sets, signatures); free it with consensus_free. Router entries
 * share interned "v" and "pr" values. */
#ifndef TOR_FEATURE_DIRPARSE_CONSENSUS_H
#define TOR_FEATURE_DIRPARSE_CONSENSUS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "feature/dirparse/authcert.h"
#include "feature/dirparse/protover.h"
#include "lib/crypt/crypto_digest.h"

/* Router flags ("s" line); unknown flags are ignored. The low bits match
 * the order node.h uses. */
#define CONS_FLAG_AUTHORITY     (1u << 0)
#define CONS_FLAG_BADEXIT       (1u << 1)
#define CONS_FLAG_EXIT          (1u << 2)
#define CONS_FLAG_FAST          (1u << 3)
#define CONS_FLAG_GUARD         (1u << 4)
#define CONS_FLAG_HSDIR         (1u << 5)
#define CONS_FLAG_RUNNING       (1u << 6)
#define CONS_FLAG_STABLE        (1u << 7)
#define CONS_FLAG_V2DIR         (1u << 8)
#define CONS_FLAG_VALID         (1u << 9)
#define CONS_FLAG_MIDDLEONLY    (1u << 10)
#define CONS_FLAG_STALEDESC     (1u << 11)
#define CONS_FLAG_NOEDCONSENSUS (1u << 12)
#define CONS_FLAG_SYBIL         (1u << 13)

/* Flag name ("Guard") to its bit, 0 if unknown. */
uint32_t consensus_flag_from_name(const char *name);
/* "Exit Fast Guard ..." for the flags set, in name order as an "s" line
 * has them; returns the length written (out is always NUL-terminated). */
size_t consensus_flags_format(uint32_t flags, char *out, size_t outlen);

/* A consensus is still usable this long after valid-until (and accepted
 * this long before valid-after): tor's "reasonably live". */
#define CONSENSUS_REASONABLY_LIVE_TIME (24 * 60 * 60)

#define CONSENSUS_NICKNAME_MAX 19

typedef struct consensus_router_t {
  char nickname[CONSENSUS_NICKNAME_MAX + 1];
  uint8_t identity[DIGEST_LEN];   /* SHA-1 of the RSA identity key */
  time_t published;
  uint32_t ipv4;                  /* host byte order */
  uint16_t or_port, dir_port;
  int has_ipv6;                   /* first "a" line with an IPv6 address */
  uint8_t ipv6[16];
  uint16_t ipv6_port;
  int has_md_digest;
  uint8_t md_digest[DIGEST256_LEN];  /* "m": SHA-256 of the microdesc */
  uint32_t flags;                 /* CONS_FLAG_* */
  int has_bandwidth;
  uint32_t bandwidth;             /* "w Bandwidth=" */
  int bandwidth_unmeasured;       /* "w Unmeasured=1" */
  const char *version;            /* "v" line, e.g. "Tor 0.4.9.11"; or NULL */
  const char *protocols_str;      /* "pr" line text, or NULL */
  const protover_set_t *protocols;/* parsed "pr", or NULL */
} consensus_router_t;

typedef struct consensus_dir_source_t {
  char nickname[64];
  uint8_t identity[DIGEST_LEN];   /* v3 identity */
  char address[64];
  uint32_t ipv4;
  uint16_t dir_port, or_port;
  int is_legacy;                  /* "-legacy" entries: no contact/digest */
  char contact[128];
  uint8_t vote_digest[DIGEST_LEN];
} consensus_dir_source_t;

/* "params" and "bandwidth-weights" entries. */
typedef struct consensus_param_t {
  char name[64];
  int32_t value;
} consensus_param_t;

typedef struct consensus_signature_t {
  int alg_known;                  /* 0: an algorithm we ignore */
  digest_algorithm_t alg;         /* DIGEST_SHA1 or DIGEST_SHA256 */
  uint8_t identity[DIGEST_LEN];
  uint8_t signing_key_digest[DIGEST_LEN];
  uint8_t *sig;                   /* owned */
  size_t sig_len;
} consensus_signature_t;

typedef struct consensus_srv_t {
  int present;
  unsigned num_reveals;
  uint8_t value[DIGEST256_LEN];
} consensus_srv_t;

typedef struct consensus_t {
  int consensus_method;
  time_t valid_after, fresh_until, valid_until;
  int vote_seconds, dist_seconds;
  char *client_versions, *server_versions;  /* NULL if absent */
  char *known_flags;                        /* space-separated */
  /* Protocol lines as text (NULL if absent) and parsed (empty if absent). */
  char *recommended_client_protocols, *required_client_protocols;
  char *recommended_relay_protocols, *required_relay_protocols;
  protover_set_t *recommended_client, *required_client;
  protover_set_t *recommended_relay, *required_relay;
  consensus_param_t *params;
  size_t n_params;
  consensus_srv_t srv_previous, srv_current;
  consensus_dir_source_t *dir_sources;
  size_t n_dir_sources;
  consensus_router_t *routers;              /* sorted by identity */
  size_t n_routers;
  consensus_param_t *bw_weights;
  size_t n_bw_weights;
  consensus_signature_t *sigs;
  size_t n_sigs;
  /* Digests of the signed portion. */
  uint8_t digest_sha1[DIGEST_LEN];
  uint8_t digest_sha256[DIGEST256_LEN];
  /* private: interned "v" and "pr" values */
  char **interned_;
  protover_set_t **interned_sets_;
  size_t n_interned_;
} consensus_t;

/* Parses len bytes. NULL on a malformed document, with a reason in err. */
consensus_t *consensus_parse(const char *doc, size_t len, char *err,
                             size_t errlen);
void consensus_free(consensus_t *c);

/* The value of parameter name clamped to [min, max], or dflt if absent. */
int32_t consensus_get_param(const consensus_t *c, const char *name,
                            int32_t dflt, int32_t min, int32_t max);
/* A bandwidth-weights value, or dflt if absent. */
int32_t consensus_get_bw_weight(const consensus_t *c, const char *name,
                                int32_t dflt);
/* The router with this identity, or NULL. */
const consensus_router_t *consensus_find_router(const consensus_t *c,
                                                const uint8_t id[DIGEST_LEN]);

typedef struct consensus_sig_status_t {
  int n_good;       /* distinct listed authorities with a valid signature */
  int n_bad;        /* signatures with a known certificate that failed */
  int n_no_cert;    /* signatures by listed authorities we lack a cert for */
  int n_unlisted;   /* signatures by identities not in our list */
  int n_needed;     /* more than half of the listed authorities */
  uint8_t good_ids[16][DIGEST_LEN];  /* the first 16 good signers */
} consensus_sig_status_t;

/* Checks each signature whose identity and signing-key digest match a
 * certificate in certs: RSA PKCS#1 (no DigestInfo) over the SHA-1 or
 * SHA-256 digest of the signed portion. Counts each listed authority
 * (v3idents, n_auths of them) at most once. Returns 0 when more than half
 * of the listed authorities signed, -1 otherwise; st (if not NULL) gets the
 * counts either way. */
int consensus_check_signatures(const consensus_t *c,
                               const authcert_list_t *certs,
                               const uint8_t (*v3idents)[DIGEST_LEN],
                               size_t n_auths, consensus_sig_status_t *st);

typedef enum {
  CONSENSUS_TIME_LIVE = 0,         /* valid-after <= now <= valid-until */
  CONSENSUS_TIME_REASONABLY_LIVE,  /* within 24 hours of that interval */
  CONSENSUS_TIME_TOO_NEW,          /* valid-after is over 24 hours ahead */
  CONSENSUS_TIME_TOO_OLD,          /* valid-until is over 24 hours ago */
} consensus_time_t;
consensus_time_t consensus_check_time(const consensus_t *c, time_t now);

#endif
