/* The bulk source's patterns, limit and rate; expected bytes written by
 * hand from the definition (BE64 counters). */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "feature/bulk/bulk_source.h"

#include <string.h>

UNITTEST(bulk_source, sequence_is_big_endian_counters)
{
  bulk_source_t s;
  uint8_t buf[32];
  UT_EQ_INT(bulk_source_init(&s, HS_PATTERN_SEQUENCE, 0, 0, 0), 0);
  UT_EQ_INT(bulk_source_fill(&s, buf, 20, 0), 20);
  UT_EQ_HEX(buf, 20, "0000000000000000" "0000000000000001" "00000000");
  /* Continue mid-word: bytes 20..35 are the rest of counter 2, then 3, 4. */
  UT_EQ_INT(bulk_source_fill(&s, buf, 16, 0), 16);
  UT_EQ_HEX(buf, 16, "00000002" "0000000000000003" "00000000");
  bulk_source_clear(&s);
  /* Far offsets: counter 0x0102030405060708 starts at byte 8 * that. */
  s.pattern = HS_PATTERN_SEQUENCE;
  s.offset = UINT64_C(0x0102030405060708) * 8 + 3;
  UT_EQ_INT(bulk_source_fill(&s, buf, 8, 0), 8);
  UT_EQ_HEX(buf, 8, "0405060708" "010203");
}

/* A cell's worth from an odd offset: every byte against the definition
 * (byte k is byte k mod 8 of BE64(k / 8)), computed here byte by byte. */
UNITTEST(bulk_source, sequence_cell_from_odd_offset)
{
  bulk_source_t s;
  uint8_t buf[498];
  UT_EQ_INT(bulk_source_init(&s, HS_PATTERN_SEQUENCE, 0, 0, 0), 0);
  s.offset = UINT64_C(0xfedcba9876543) * 8 + 5;
  uint64_t start = s.offset;
  UT_EQ_INT(bulk_source_fill(&s, buf, sizeof(buf), 0), 498);
  for (size_t i = 0; i < sizeof(buf); i++) {
    uint64_t k = start + i;
    UT_EQ_INT(buf[i], (uint8_t)((k / 8) >> (56 - 8 * (k % 8))));
  }
  bulk_source_clear(&s);
}

UNITTEST(bulk_source, limit_ends_the_stream)
{
  bulk_source_t s;
  uint8_t buf[600];
  UT_EQ_INT(bulk_source_init(&s, HS_PATTERN_ZERO, 1000, 0, 0), 0);
  UT_EQ_INT(bulk_source_fill(&s, buf, 498, 0), 498);
  UT_EQ_INT(bulk_source_finished(&s), 0);
  UT_EQ_INT(bulk_source_fill(&s, buf, 498, 0), 498);
  UT_EQ_INT(bulk_source_fill(&s, buf, 498, 0), 4);
  UT_EQ_INT(bulk_source_finished(&s), 1);
  UT_EQ_INT(bulk_source_fill(&s, buf, 498, 0), 0);
  static const uint8_t zeros[498];
  UT_EQ_MEM(buf, zeros, 4);
  bulk_source_clear(&s);
}

UNITTEST(bulk_source, random_is_not_repeated)
{
  bulk_source_t a, b;
  uint8_t x[498], y[498];
  UT_EQ_INT(bulk_source_init(&a, HS_PATTERN_RANDOM, 0, 0, 0), 0);
  UT_EQ_INT(bulk_source_init(&b, HS_PATTERN_RANDOM, 0, 0, 0), 0);
  bulk_source_fill(&a, x, sizeof(x), 0);
  bulk_source_fill(&b, y, sizeof(y), 0);
  UT_ASSERT(memcmp(x, y, sizeof(x)) != 0);
  int distinct = 0;
  for (size_t i = 1; i < sizeof(x); i++)
    distinct += x[i] != x[0];
  UT_ASSERT(distinct > 400);
  bulk_source_fill(&a, y, sizeof(y), 0);
  UT_ASSERT(memcmp(x, y, sizeof(x)) != 0);   /* the keystream moves on */
  bulk_source_clear(&a);
  bulk_source_clear(&b);
}

UNITTEST(bulk_source, rate_caps_bytes_per_second)
{
  bulk_source_t s;
  uint8_t buf[100000];
  /* 100000 bytes/s: a full bucket is 10000 bytes (a tenth of a second). */
  UT_EQ_INT(bulk_source_init(&s, HS_PATTERN_ZERO, 0, 100000, 1000000), 0);
  UT_EQ_INT(bulk_source_fill(&s, buf, sizeof(buf), 1000000), 10000);
  UT_EQ_INT(bulk_source_fill(&s, buf, sizeof(buf), 1000000), 0);
  UT_EQ_INT(bulk_source_wait_usec(&s, 498, 1000000), 4981);
  /* 50 ms later: 5000 more bytes. */
  UT_EQ_INT(bulk_source_fill(&s, buf, sizeof(buf), 1050000), 5000);
  /* A long pause refills only up to the bucket. */
  UT_EQ_INT(bulk_source_fill(&s, buf, sizeof(buf), 9000000), 10000);
  bulk_source_clear(&s);
}
