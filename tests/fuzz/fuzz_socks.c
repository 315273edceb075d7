/* libFuzzer target: the SOCKS server parser on arbitrary client bytes.
 * The first byte picks the port options; the rest goes through a 1 KiB
 * buffer, consumed bytes dropped as a server would. Checks: consumed never
 * exceeds what was given, NEED_MORE consumes nothing, replies exist when
 * announced, a finished request is SOCKS4 or 5 with a bounded address.
 * FUZZ_EXTRA_SOURCES: src/core/proto/proto_socks.c
 */
#include "orconfig.h"
#include "core/proto/proto_socks.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  socks_parser_t p;
  uint8_t buf[1024];
  size_t have = 0, pos = 1, consumed;
  if (size < 1)
    return 0;
  socks_parser_init(&p, data[0] & 3);
  for (int rounds = 0; rounds < 64; rounds++) {
    socks_status_t rv;
    size_t piece = size - pos;
    if (piece > sizeof(buf) - have)
      piece = sizeof(buf) - have;
    memcpy(buf + have, data + pos, piece);
    have += piece;
    pos += piece;
    rv = socks_parse(&p, buf, have, &consumed);
    if (consumed > have)
      abort();
    if ((rv == SOCKS_REPLY || rv == SOCKS_ERROR) && p.reply_len &&
        !p.reply)
      abort();
    if (rv == SOCKS_ERROR || rv == SOCKS_DONE) {
      if (rv == SOCKS_DONE && p.req.version != 4 && p.req.version != 5)
        abort();
      if (rv == SOCKS_DONE && strlen(p.req.address) > SOCKS_MAX_HOSTNAME_LEN)
        abort();
      break;
    }
    if (rv == SOCKS_NEED_MORE && consumed != 0)
      abort();
    memmove(buf, buf + consumed, have - consumed);
    have -= consumed;
    if (rv == SOCKS_NEED_MORE && pos == size)
      break;
  }
  return 0;
}
