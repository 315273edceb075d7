/* The running SHA-1 digest of one direction of one circuit hop
 * (tor-spec 6.1), with the two operations relay crypto needs per cell:
 * add a cell (sending) and add-if-it-matches (receiving). The state lives
 * in a plain struct inside the object, so checking a cell copies it on the
 * stack instead of allocating (OpenSSL 3's EVP_MD_CTX_copy allocates).
 *
 * Cells are RELAY_PAYLOAD_LEN bytes; both operations hash the payload with
 * its 4-byte digest field taken as zero, without modifying it, and report
 * the full 20-byte digest after the cell (the value authenticated SENDMEs
 * carry). */
#ifndef TOR_CORE_CRYPTO_RELAY_DIGEST_H
#define TOR_CORE_CRYPTO_RELAY_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/crypto/relay_msg.h"

#define RELAY_DIGEST_LEN 20

typedef struct relay_digest_t relay_digest_t;

/* A running digest seeded with seed_len bytes (Df or Db). NULL on failure.
 * Allocated once per hop; free with relay_digest_free. */
relay_digest_t *relay_digest_new(const uint8_t *seed, size_t seed_len);
/* Wipes and frees; NULL is fine. */
void relay_digest_free(relay_digest_t *d);

/* Add payload (digest field as zero) and write the resulting digest to
 * digest_out. */
void relay_digest_add_cell(relay_digest_t *d,
                           const uint8_t payload[RELAY_PAYLOAD_LEN],
                           uint8_t digest_out[RELAY_DIGEST_LEN]);

/* If the first 4 bytes of the digest after payload (digest field as zero)
 * equal payload's digest field, add the cell for good, write the digest to
 * digest_out and return 1. Otherwise leave d unchanged and return 0. The
 * comparison is constant-time. */
int relay_digest_check_cell(relay_digest_t *d,
                            const uint8_t payload[RELAY_PAYLOAD_LEN],
                            uint8_t digest_out[RELAY_DIGEST_LEN]);

#endif
