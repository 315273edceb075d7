/* The bytes a HiddenServiceBulkSource stream sends, generated straight
 * into the caller's buffer (a relay cell's data field):
 *   zero      all zero bytes
 *   random    an AES-128-CTR keystream under a fresh random key: as
 *             incompressible as random bytes, at cipher speed
 *   sequence  64-bit big-endian counters 0, 1, 2, ... concatenated, so
 *             byte k of the stream is byte k mod 8 of BE64(k / 8): a
 *             receiver can check any byte at any offset
 * with an optional total (Bytes=) and an optional per-stream rate cap
 * (Rate=, a token bucket holding at most a tenth of a second of bytes). */
#ifndef TOR_FEATURE_BULK_BULK_SOURCE_H
#define TOR_FEATURE_BULK_BULK_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "feature/hs/hs_config.h"

struct aes_ctr_cipher_t;

typedef struct bulk_source_t {
  hs_bulk_pattern_t pattern;
  uint64_t offset;          /* bytes produced so far */
  uint64_t limit;           /* 0: no end */
  uint64_t rate;            /* bytes per second; 0: no cap */
  double tokens;            /* bytes the rate allows now */
  uint64_t last_refill_usec;
  struct aes_ctr_cipher_t *keystream; /* random pattern only */
} bulk_source_t;

/* Returns 0, or -1 if the random pattern's cipher could not be made. */
int bulk_source_init(bulk_source_t *src, hs_bulk_pattern_t pattern, uint64_t limit,
                     uint64_t rate, uint64_t now_usec);
void bulk_source_clear(bulk_source_t *src);

/* Writes up to max bytes into out, as far as the limit and the rate allow
 * at now_usec; returns how many. */
size_t bulk_source_fill(bulk_source_t *src, uint8_t *out, size_t max, uint64_t now_usec);
/* Whether the limit has been reached. */
int bulk_source_finished(const bulk_source_t *src);
/* Microseconds until the rate allows at least `want` bytes (0 if now). */
uint64_t bulk_source_wait_usec(const bulk_source_t *src, size_t want, uint64_t now_usec);

#endif
