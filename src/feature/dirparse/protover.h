/* Subprotocol version lists (dir-spec 2.1.1 "proto", tor-spec section 9):
 * "Cons=1-2 Desc=1-4 Link=3-5 Relay=2-6 ...". A protover_set_t maps each
 * protocol name to the set of versions (0..63, one bit each).
 *
 * PROTOVER_OUR_SUPPORTED is the one place that says what this daemon
 * implements; protover_missing_from_ours() compares a consensus's
 * required-client-protocols against it, and protover_refusal_message()
 * builds tor's own words for refusing to run.
 *
 * Sets come from protover_set_parse (free with protover_set_free). */
#ifndef TOR_FEATURE_DIRPARSE_PROTOVER_H
#define TOR_FEATURE_DIRPARSE_PROTOVER_H

#include <stddef.h>
#include <stdint.h>

/* What we implement, as a client. */
#define PROTOVER_OUR_SUPPORTED \
  "Cons=2 Desc=2 FlowCtrl=1 Link=4-5 Microdesc=2 Relay=2"

#define PROTOVER_MAX_VERSION 63
#define PROTOVER_NAME_MAX 32
/* More distinct names than this in one list is an error. */
#define PROTOVER_MAX_ENTRIES 128

typedef struct protover_entry_t {
  char name[PROTOVER_NAME_MAX + 1];
  uint64_t versions;  /* bit v set: version v supported */
} protover_entry_t;

typedef struct protover_set_t {
  size_t n;
  protover_entry_t *entries;  /* sorted by name (strcmp) */
} protover_set_t;

/* Parses len bytes. Names are [A-Za-z0-9-]; values are comma-separated
 * N or N-M with N <= M <= 63 (an empty list is allowed). A name listed
 * twice gets the union. Returns NULL on malformed input with a reason in
 * err. */
protover_set_t *protover_set_parse(const char *s, size_t len,
                                   char *err, size_t errlen);
void protover_set_free(protover_set_t *set);

/* Versions of protocol name in set (0 if absent). */
uint64_t protover_set_get(const protover_set_t *set, const char *name);
/* 1 if set lists version of protocol name. */
int protover_set_supports(const protover_set_t *set, const char *name,
                          unsigned version);

/* Canonical text of a set: entries sorted by name, ranges compacted,
 * entries with no versions left out ("Link=4-5 Relay=2"). Returns the
 * length written, or -1 if out (outlen bytes) is too small. */
int protover_set_format(const protover_set_t *set, char *out, size_t outlen);

/* Writes into out the part of required that have does not cover, in
 * canonical form ("" when nothing is missing). Returns the number of
 * protocols with missing versions, or -1 if out is too small. */
int protover_missing(const protover_set_t *required,
                     const protover_set_t *have, char *out, size_t outlen);
/* The same against PROTOVER_OUR_SUPPORTED. */
int protover_missing_from_ours(const protover_set_t *required, char *out,
                               size_t outlen);

/* Tor's message for protocols we lack ("At least one protocol listed as
 * required in the consensus is not supported by this version of Tor. ...
 * The missing protocols are: HSDir=3"). is_required selects the required
 * or the recommended wording; role is "client" or "relay". */
int protover_refusal_message(char *out, size_t outlen, int is_required,
                             const char *role, const char *missing);

#endif
