/* tor-bulkperf: the sequence pattern (64-bit big-endian counters) and the
 * checkers. Both run a word at a time on the aligned middle part. */
#include "orconfig.h"
#include "tools/bulkperf/bulkperf.h"

#include <endian.h>
#include <string.h>

/* Within an aligned run of 256 counters the big-endian encodings share
 * their first seven bytes; only the last byte counts 0..255. So a block of
 * 256 words is the common prefix OR'ed with a fixed ramp, which compiles to
 * plain vector loads, ORs and stores. */
static uint64_t ramp[256];
static int ramp_ready;

static void
init_ramp(void)
{
  for (unsigned k = 0; k < 256; k++) {
    uint8_t b[8] = { 0, 0, 0, 0, 0, 0, 0, (uint8_t)k };
    memcpy(&ramp[k], b, 8);
  }
  ramp_ready = 1;
}

static inline uint64_t
word_of(uint64_t ctr)
{
  return htobe64(ctr);
}

void
bp_seq_fill(uint8_t *buf, size_t len, uint64_t off)
{
  size_t i = 0;
  if (!ramp_ready)
    init_ramp();
  /* head: up to the next multiple of 8 in stream offsets */
  while (i < len && ((off + i) & 7))
    { buf[i] = bp_seq_byte(off + i); i++; }
  uint64_t ctr = (off + i) >> 3;
  /* single words up to a counter that is a multiple of 256 */
  while (len - i >= 8 && (ctr & 255)) {
    uint64_t w = word_of(ctr++);
    memcpy(buf + i, &w, 8);
    i += 8;
  }
  while (len - i >= 2048) {
    uint64_t prefix = word_of(ctr);   /* last byte is 0 */
    uint8_t *p = buf + i;
    for (unsigned k = 0; k < 256; k++) {
      uint64_t w = prefix | ramp[k];
      memcpy(p + 8 * k, &w, 8);
    }
    i += 2048;
    ctr += 256;
  }
  while (len - i >= 8) {
    uint64_t w = word_of(ctr++);
    memcpy(buf + i, &w, 8);
    i += 8;
  }
  for (; i < len; i++)
    buf[i] = bp_seq_byte(off + i);
}

size_t
bp_seq_check(const uint8_t *buf, size_t len, uint64_t off)
{
  size_t i = 0;
  if (!ramp_ready)
    init_ramp();
  while (i < len && ((off + i) & 7)) {
    if (buf[i] != bp_seq_byte(off + i))
      return i;
    i++;
  }
  uint64_t ctr = (off + i) >> 3;
  while (len - i >= 8 && (ctr & 255)) {
    uint64_t v, w = word_of(ctr);
    memcpy(&v, buf + i, 8);
    if (v != w)
      goto bytewise;
    ctr++;
    i += 8;
  }
  /* Whole blocks with an OR-accumulated difference; the exact byte is
   * looked for only on a mismatch. */
  while (len - i >= 2048) {
    uint64_t prefix = word_of(ctr), diff = 0;
    const uint8_t *p = buf + i;
    for (unsigned k = 0; k < 256; k++) {
      uint64_t v;
      memcpy(&v, p + 8 * k, 8);
      diff |= v ^ (prefix | ramp[k]);
    }
    if (diff)
      break;
    i += 2048;
    ctr += 256;
  }
 bytewise:
  for (; i < len; i++) {
    if (buf[i] != bp_seq_byte(off + i))
      return i;
  }
  return len;
}

size_t
bp_zero_check(const uint8_t *buf, size_t len)
{
  size_t i = 0;
  while (len - i >= 256) {
    uint64_t acc = 0;
    for (int w = 0; w < 32; w++) {
      uint64_t v;
      memcpy(&v, buf + i + 8 * w, 8);
      acc |= v;
    }
    if (acc)
      break;
    i += 256;
  }
  for (; i < len; i++)
    if (buf[i])
      return i;
  return len;
}
