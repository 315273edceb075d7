/* Bulk source bytes: see bulk_source.h. */
#include "orconfig.h"
#include "feature/bulk/bulk_source.h"
#include "lib/crypt/aes_ctr.h"
#include "lib/crypt/crypto_util.h"

#include <endian.h>
#include <string.h>

int
bulk_source_init(bulk_source_t *src, hs_bulk_pattern_t pattern, uint64_t limit,
                 uint64_t rate, uint64_t now_usec)
{
  memset(src, 0, sizeof(*src));
  src->pattern = pattern;
  src->limit = limit;
  src->rate = rate;
  src->last_refill_usec = now_usec;
  /* Start with a full bucket so the first cell goes at once. */
  src->tokens = rate ? (double)rate / 10.0 : 0;
  if (pattern == HS_PATTERN_RANDOM) {
    uint8_t key[16];
    crypto_rand_bytes(key, sizeof(key));
    src->keystream = aes_ctr_cipher_new(key, sizeof(key), NULL);
    memwipe(key, sizeof(key));
    if (!src->keystream)
      return -1;
  }
  return 0;
}

void
bulk_source_clear(bulk_source_t *src)
{
  aes_ctr_cipher_free(src->keystream);
  memset(src, 0, sizeof(*src));
}

static void
refill(bulk_source_t *src, uint64_t now_usec)
{
  if (!src->rate || now_usec <= src->last_refill_usec)
    return;
  double burst = (double)src->rate / 10.0;
  if (burst < 498)
    burst = 498;  /* at least one full relay cell */
  src->tokens += (double)(now_usec - src->last_refill_usec) * (double)src->rate / 1e6;
  if (src->tokens > burst)
    src->tokens = burst;
  src->last_refill_usec = now_usec;
}

/* Byte k of the sequence pattern is byte k mod 8 of BE64(k / 8). Whole
 * words are stored eight bytes at a time: this runs for every byte sent. */
static void
fill_sequence(uint8_t *out, size_t n, uint64_t offset)
{
  size_t i = 0;
  uint64_t word = offset / 8;
  unsigned from = (unsigned)(offset % 8);
  if (from) {
    for (unsigned b = from; b < 8 && i < n; b++, i++)
      out[i] = (uint8_t)(word >> (56 - 8 * b));
    word++;
  }
  for (; n - i >= 8; i += 8, word++) {
    uint64_t be = htobe64(word);
    memcpy(out + i, &be, 8);
  }
  for (unsigned b = 0; i < n; b++, i++)
    out[i] = (uint8_t)(word >> (56 - 8 * b));
}

size_t
bulk_source_fill(bulk_source_t *src, uint8_t *out, size_t max, uint64_t now_usec)
{
  size_t n = max;
  if (src->limit) {
    uint64_t left = src->limit > src->offset ? src->limit - src->offset : 0;
    if (left < n)
      n = (size_t)left;
  }
  if (src->rate) {
    refill(src, now_usec);
    if (src->tokens < (double)n)
      n = src->tokens > 0 ? (size_t)src->tokens : 0;
    src->tokens -= (double)n;
  }
  if (n == 0)
    return 0;
  switch (src->pattern) {
    case HS_PATTERN_ZERO:
      memset(out, 0, n);
      break;
    case HS_PATTERN_SEQUENCE:
      fill_sequence(out, n, src->offset);
      break;
    case HS_PATTERN_RANDOM:
      memset(out, 0, n);
      aes_ctr_cipher_crypt_inplace(src->keystream, out, n);
      break;
  }
  src->offset += n;
  return n;
}

int
bulk_source_finished(const bulk_source_t *src)
{
  return src->limit && src->offset >= src->limit;
}

uint64_t
bulk_source_wait_usec(const bulk_source_t *src, size_t want, uint64_t now_usec)
{
  if (!src->rate)
    return 0;
  double have = src->tokens;
  if (now_usec > src->last_refill_usec)
    have += (double)(now_usec - src->last_refill_usec) * (double)src->rate / 1e6;
  if (have >= (double)want)
    return 0;
  return (uint64_t)(((double)want - have) * 1e6 / (double)src->rate) + 1;
}
