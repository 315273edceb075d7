/* libFuzzer target: cell framing and the handshake payload parsers.
 * The first input byte picks a link protocol; the rest is a byte stream
 * framed into cells as a channel would. Every decoded cell must re-encode
 * to the exact bytes it came from; VERSIONS, NETINFO and AUTH_CHALLENGE
 * payloads go through their parsers.
 * FUZZ_EXTRA_SOURCES: src/core/or/cell.c src/core/or/cell_link.c
 */
#include "orconfig.h"

#include "core/or/cell.h"
#include "core/or/cell_link.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
parse_payload(uint8_t command, const uint8_t *p, size_t len)
{
  netinfo_t ni;
  auth_challenge_t ac;
  int best;
  if (command == CELL_VERSIONS) {
    if (versions_payload_best(p, len, &best) == 0 &&
        best != 0 && (best < LINK_PROTO_MIN || best > LINK_PROTO_MAX))
      abort();
  }
  if (netinfo_parse(&ni, p, len) == 0 &&
      ni.other_addr.type != 0 && ni.other_addr.type != 4 &&
      ni.other_addr.type != 6)
    abort();
  (void)auth_challenge_parse(&ac, p, len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const int protos[4] = { 0, 3, 4, 5 };
  uint8_t out[CELL_MAX_NETWORK_SIZE + VAR_CELL_MAX_PAYLOAD_LEN + 8];
  int proto;
  if (size < 1)
    return 0;
  proto = protos[data[0] & 3];
  data++;
  size--;
  while (size > 0) {
    size_t flen = 0;
    cell_frame_t fr = cell_frame_peek(data, size, proto, &flen);
    if (fr == CELL_FRAME_INCOMPLETE)
      break;
    if (flen == 0 || flen > size)
      abort();
    if (fr == CELL_FRAME_FIXED) {
      cell_t c;
      cell_unpack(&c, data, proto);
      if (cell_pack(out, &c, proto) != flen || memcmp(out, data, flen))
        abort();
      parse_payload(c.command, c.payload, CELL_PAYLOAD_LEN);
    } else {
      var_cell_t *v = var_cell_unpack(data, flen, proto);
      if (!v)
        abort();
      if (var_cell_pack(out, sizeof(out), v, proto) != flen ||
          memcmp(out, data, flen))
        abort();
      parse_payload(v->command, v->payload, v->payload_len);
      var_cell_free(v);
    }
    data += flen;
    size -= flen;
  }
  return 0;
}
