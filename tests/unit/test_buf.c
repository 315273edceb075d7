/* Tests for lib/buf: queueing, draining, reserving, the cap, and that data
 * survives growth and sliding. */
#include "orconfig.h"
#include "tests/unit/unittest.h"

#include "lib/buf/buf.h"

#include <string.h>

UNITTEST(buf, add_peek_drain)
{
  buf_t *b = buf_new(100);
  size_t len;
  const uint8_t *p;
  UT_ASSERT(b != NULL);
  UT_EQ_INT(buf_datalen(b), 0);
  p = buf_peek(b, &len);
  UT_EQ_INT(len, 0);
  UT_ASSERT(p != NULL);
  UT_EQ_INT(buf_add(b, "hello ", 6), 0);
  UT_EQ_INT(buf_add(b, "world", 5), 0);
  p = buf_peek(b, &len);
  UT_EQ_INT(len, 11);
  UT_EQ_MEM(p, "hello world", 11);
  buf_drain(b, 6);
  p = buf_peek(b, &len);
  UT_EQ_INT(len, 5);
  UT_EQ_MEM(p, "world", 5);
  UT_EQ_INT(buf_space(b), 95);
  buf_drain(b, 99);          /* more than queued: empties */
  UT_EQ_INT(buf_datalen(b), 0);
  buf_free(b);
  buf_free(NULL);
}

UNITTEST(buf, cap_is_enforced)
{
  buf_t *b = buf_new(10);
  UT_EQ_INT(buf_add(b, "0123456789", 10), 0);
  UT_EQ_INT(buf_add(b, "x", 1), -1);
  UT_ASSERT(buf_reserve(b, 1) == NULL);
  UT_EQ_INT(buf_datalen(b), 10);
  buf_drain(b, 3);
  UT_EQ_INT(buf_add(b, "abc", 3), 0);
  UT_EQ_INT(buf_add(b, "d", 1), -1);
  UT_EQ_INT(buf_datalen(b), 10);
  buf_clear(b);
  UT_EQ_INT(buf_datalen(b), 0);
  UT_ASSERT(buf_new(0) == NULL);
  buf_free(b);
}

UNITTEST(buf, reserve_commit)
{
  buf_t *b = buf_new(1 << 20);
  uint8_t *dst = buf_reserve(b, 514);
  size_t len;
  UT_ASSERT(dst != NULL);
  memset(dst, 0xab, 514);
  buf_commit(b, 100);        /* commit less than reserved */
  UT_EQ_INT(buf_datalen(b), 100);
  UT_EQ_INT(buf_peek(b, &len)[99], 0xab);
  buf_free(b);
}

/* A byte stream pushed through in odd-sized pieces, drained in other
 * odd-sized pieces, must come out unchanged across growth and sliding. */
UNITTEST(buf, stream_integrity)
{
  buf_t *b = buf_new(1 << 20);
  uint8_t chunk[700];
  uint32_t in_pos = 0, out_pos = 0;
  int round;
  for (round = 0; round < 2000; round++) {
    size_t n = 1 + (round * 37) % 700, len, i, take;
    const uint8_t *p;
    for (i = 0; i < n; i++)
      chunk[i] = (uint8_t)((in_pos + i) * 7 + 3);
    UT_EQ_INT(buf_add(b, chunk, n), 0);
    in_pos += (uint32_t)n;
    p = buf_peek(b, &len);
    take = len > 3 ? len - (round % 3) : len;
    for (i = 0; i < take; i++)
      if (p[i] != (uint8_t)((out_pos + i) * 7 + 3))
        UT_ASSERT(!"stream corrupted");
    buf_drain(b, take);
    out_pos += (uint32_t)take;
  }
  UT_EQ_INT(in_pos - out_pos, buf_datalen(b));
  buf_free(b);
}
