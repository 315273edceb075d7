/* libFuzzer target: the parsers of relay traffic on arbitrary input —
 * the relay header (relay_msg_decode), CREATE2, CREATED2/EXTENDED2 and
 * EXTEND2 bodies, and SENDME bodies (also through the window bookkeeping).
 * Whatever a parser accepts must point inside the input, and EXTEND2 must
 * survive a re-encode and re-parse unchanged.
 * FUZZ_EXTRA_SOURCES: src/core/crypto/relay_msg.c src/core/crypto/onion_cells.c src/core/crypto/sendme.c
 */
#include "orconfig.h"
#include "core/crypto/onion_cells.h"
#include "core/crypto/relay_msg.h"
#include "core/crypto/sendme.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_inside(const uint8_t *p, size_t n, const uint8_t *data, size_t size)
{
  if (p < data || n > size || p + n > data + size)
    abort();
}

static void
fuzz_relay_header(const uint8_t *data, size_t size)
{
  uint8_t payload[RELAY_PAYLOAD_LEN];
  relay_header_t hdr;
  const uint8_t *body;
  memset(payload, 0, sizeof(payload));
  memcpy(payload, data, size < sizeof(payload) ? size : sizeof(payload));
  if (relay_msg_decode(payload, sizeof(payload), &hdr, &body) == 0)
    check_inside(body, hdr.length, payload, sizeof(payload));
  (void)relay_msg_decode(data, size, &hdr, &body);
  (void)relay_command_name(hdr.command);
}

static void
fuzz_extend2(const uint8_t *data, size_t size)
{
  extend2_request_t a, b;
  uint8_t *out;
  int n;
  if (extend2_body_parse(data, size, &a) < 0)
    return;
  check_inside(a.handshake.hdata, a.handshake.hlen, data, size);
  /* Re-encoding drops ignored specifiers, so it never grows. */
  out = malloc(size);
  if (!out)
    abort();
  n = extend2_body_encode(out, size, &a);
  if (n < 0 || (size_t)n > size || extend2_body_parse(out, (size_t)n, &b) < 0)
    abort();
  if (a.has_ipv4 != b.has_ipv4 || a.has_ipv6 != b.has_ipv6 ||
      a.has_legacy_id != b.has_legacy_id ||
      a.has_ed25519_id != b.has_ed25519_id ||
      memcmp(a.ipv4_addr, b.ipv4_addr, 4) || a.ipv4_port != b.ipv4_port ||
      memcmp(a.ipv6_addr, b.ipv6_addr, 16) || a.ipv6_port != b.ipv6_port ||
      memcmp(a.legacy_id, b.legacy_id, sizeof(a.legacy_id)) ||
      memcmp(a.ed25519_id, b.ed25519_id, sizeof(a.ed25519_id)) ||
      a.handshake.htype != b.handshake.htype ||
      a.handshake.hlen != b.handshake.hlen ||
      memcmp(a.handshake.hdata, b.handshake.hdata, a.handshake.hlen))
    abort();
  free(out);
}

static void
fuzz_sendme(const uint8_t *data, size_t size)
{
  uint8_t version, digest[SENDME_DIGEST_LEN];
  const uint8_t *d;
  sendme_circ_t sc;
  if (sendme_parse(data, size, &version, &d) == 0 && d)
    check_inside(d, SENDME_DIGEST_LEN, data, size);
  sendme_circ_init(&sc);
  memset(digest, 0, sizeof(digest));
  for (int i = 0; i < 200; i++)
    sendme_circ_data_sent(&sc, digest);
  (void)sendme_circ_sendme_received(&sc, data, size, 1);
  if (sc.package_window > CIRCWINDOW_START)
    abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  onion_handshake_t hs;
  const uint8_t *hdata;
  uint16_t hlen;
  fuzz_relay_header(data, size);
  if (create2_body_parse(data, size, &hs) == 0)
    check_inside(hs.hdata, hs.hlen, data, size);
  if (created2_body_parse(data, size, &hdata, &hlen) == 0)
    check_inside(hdata, hlen, data, size);
  fuzz_extend2(data, size);
  fuzz_sendme(data, size);
  return 0;
}
