/* Microdescriptors (dir-spec 3.3): a concatenation of them as served by
 * /tor/micro/d/<digests> or stored in cached-microdescs (where each may be
 * preceded by "@last-listed ..." annotations).
 *
 * A microdescriptor starts at its "onion-key" line (or, should a relay
 * publish none, at "ntor-onion-key") and runs up to the next one's first
 * line (annotations included) or the end of the input. Its digest is the
 * SHA-256 of exactly that text, annotations excluded: the value the
 * consensus "m" line names. This module does not look digests up: the
 * caller must drop microdescriptors whose digest it did not ask for.
 *
 * Ownership: microdesc_list_parse returns a new list; free it with
 * microdesc_list_free (it frees every microdesc_t and string inside). */
#ifndef TOR_FEATURE_DIRPARSE_MICRODESC_H
#define TOR_FEATURE_DIRPARSE_MICRODESC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/crypt/crypto_digest.h"

#define MICRODESC_NTOR_KEY_LEN 32
#define MICRODESC_ED25519_ID_LEN 32

typedef struct microdesc_t {
  uint8_t digest[DIGEST256_LEN];   /* SHA-256 of the text */
  size_t text_offset, text_len;    /* the text within the parsed input */
  time_t last_listed;              /* "@last-listed" annotation, or 0 */
  int has_onion_key;               /* legacy TAP key present (not kept) */
  uint8_t ntor_onion_key[MICRODESC_NTOR_KEY_LEN];
  int has_ed25519_id;
  uint8_t ed25519_id[MICRODESC_ED25519_ID_LEN];
  char *family;    /* "family" arguments, space-separated; NULL if absent */
  char *policy;    /* "p" summary ("accept 80,443"); NULL: reject 1-65535 */
  char *policy6;   /* "p6" summary; NULL: reject 1-65535 */
} microdesc_t;

typedef struct microdesc_list_t {
  microdesc_t *mds;
  size_t n;
  /* Digests of the microdescriptors that were malformed, so that a caller
   * can stop asking for them. */
  uint8_t (*invalid_digests)[DIGEST256_LEN];
  size_t n_invalid;
} microdesc_list_t;

/* Parses len bytes. Malformed microdescriptors are logged, skipped and
 * listed in invalid_digests. NULL when the text cannot be split into
 * microdescriptors at all (reason in err). */
microdesc_list_t *microdesc_list_parse(const char *s, size_t len, char *err,
                                       size_t errlen);
void microdesc_list_free(microdesc_list_t *list);

/* The microdescriptor in list with this digest, or NULL. */
const microdesc_t *microdesc_list_find(const microdesc_list_t *list,
                                       const uint8_t digest[DIGEST256_LEN]);

#endif
