/* libFuzzer target: conflux's parsers and its reordering on arbitrary
 * input. The input is read as LINK/LINKED and SWITCH bodies (a parsed
 * LINK must re-encode to the same leading bytes), then as a script of
 * messages for conflux_ooo: each byte picks a leg, a SWITCH (with the next
 * four bytes as its number) or a message; whatever is delivered must come
 * without a gap, and the queue must stay within its bound.
 * FUZZ_EXTRA_SOURCES: src/core/or/conflux_cell.c src/core/or/conflux_ooo.c src/core/crypto/relay_msg.c
 */
#include "orconfig.h"
#include "core/or/conflux_cell.h"
#include "core/or/conflux_ooo.h"
#include "core/crypto/relay_msg.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_QUEUED 64

static uint32_t last_delivered;

static int
deliver(uint8_t command, uint16_t stream_id, const uint8_t *d, size_t len, void *arg)
{
  (void)command; (void)stream_id; (void)arg; (void)d;
  if (len != 4)
    abort();
  last_delivered++;
  return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  conflux_link_t link;
  uint8_t out[CONFLUX_LINK_BODY_LEN];
  uint32_t rel;
  if (conflux_link_parse(data, size, &link) == 0) {
    if (conflux_link_encode(out, sizeof(out), &link) != CONFLUX_LINK_BODY_LEN ||
        memcmp(out, data, CONFLUX_LINK_BODY_LEN))
      abort();
  }
  (void)conflux_switch_parse(data, size, &rel);

  conflux_ooo_t *q = conflux_ooo_new(MAX_QUEUED);
  if (!q)
    return 0;
  last_delivered = 0;
  uint64_t prev = 0;
  for (size_t i = 0; i < size; i++) {
    int leg = data[i] & 7;
    if (data[i] & 0x80) {
      uint32_t r = 0;
      for (int k = 0; k < 4 && i + 1 < size; k++)
        r = (r << 8) | data[++i];
      (void)conflux_ooo_switch(q, leg, r & 0xffff);
      continue;
    }
    uint32_t v = (uint32_t)i;
    if (conflux_ooo_receive(q, leg, RELAY_COMMAND_DATA, 1, (const uint8_t *)&v, 4, deliver,
                            NULL) < 0)
      break;
    if (conflux_ooo_delivered(q) < prev || conflux_ooo_queued(q) > MAX_QUEUED)
      abort();
    prev = conflux_ooo_delivered(q);
  }
  /* Delivery is gapless: one call per number up to the highest. */
  if (last_delivered != conflux_ooo_delivered(q))
    abort();
  conflux_ooo_free(q);
  return 0;
}
