/* Tests for core/crypto/onion_cells: CREATE2, CREATED2, EXTEND2 and
 * EXTENDED2 bodies against hand-made bytes laid out as tor-spec 5.1 and
 * 5.1.2 draw them, and the parsers' refusals. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "core/crypto/onion_cells.h"

#include <string.h>

UNITTEST(onion_cells, create2)
{
  uint8_t hdata[84], out[509];
  onion_handshake_t hs = { ONION_HTYPE_NTOR, 84, hdata }, got;
  for (int i = 0; i < 84; i++)
    hdata[i] = (uint8_t)i;
  UT_EQ_INT(create2_body_encode(out, sizeof(out), &hs), 88);
  UT_EQ_HEX(out, 7, "0002" "0054" "000102");
  UT_EQ_INT(out[87], 83);
  UT_EQ_INT(create2_body_encode(out, 87, &hs), -1);
  memset(out + 88, 0, sizeof(out) - 88);  /* cell padding */
  UT_EQ_INT(create2_body_parse(out, sizeof(out), &got), 0);
  UT_EQ_INT(got.htype, 2);
  UT_EQ_INT(got.hlen, 84);
  UT_ASSERT(got.hdata == out + 4);
  UT_EQ_INT(create2_body_parse(out, 87, &got), -1);
  UT_EQ_INT(create2_body_parse(out, 3, &got), -1);
}

UNITTEST(onion_cells, created2_extended2)
{
  uint8_t body[509];
  const uint8_t *hdata;
  uint16_t hlen;
  memset(body, 0, sizeof(body));
  body[0] = 0x00; body[1] = 0x40;  /* HLEN 64 */
  memset(body + 2, 0x77, 64);
  UT_EQ_INT(created2_body_parse(body, sizeof(body), &hdata, &hlen), 0);
  UT_EQ_INT(hlen, 64);
  UT_ASSERT(hdata == body + 2);
  /* EXTENDED2 in relay data of exactly 66 bytes. */
  UT_EQ_INT(extended2_body_parse(body, 66, &hdata, &hlen), 0);
  UT_EQ_INT(extended2_body_parse(body, 65, &hdata, &hlen), -1);
  UT_EQ_INT(extended2_body_parse(body, 1, &hdata, &hlen), -1);
  UT_EQ_INT(extended2_body_parse(body, 0, &hdata, &hlen), -1);
  body[0] = 0xff; body[1] = 0xff;
  UT_EQ_INT(created2_body_parse(body, sizeof(body), &hdata, &hlen), -1);
  UT_EQ_INT(created2_body_encode(body, 66, body + 100, 64), 66);
  UT_EQ_HEX(body, 3, "004000");
  UT_EQ_INT(created2_body_encode(body, 65, body + 100, 64), -1);
}

UNITTEST(onion_cells, extend2_encode)
{
  uint8_t out[498], hdata[84];
  extend2_request_t req, got;
  memset(&req, 0, sizeof(req));
  memset(hdata, 0x99, sizeof(hdata));
  req.has_ipv4 = 1;
  memcpy(req.ipv4_addr, "\x7f\x00\x00\x01", 4);
  req.ipv4_port = 9001;
  req.has_legacy_id = 1;
  memset(req.legacy_id, 0x11, 20);
  req.has_ed25519_id = 1;
  memset(req.ed25519_id, 0x22, 32);
  req.has_ipv6 = 1;
  memset(req.ipv6_addr, 0, 16);
  req.ipv6_addr[15] = 1;
  req.ipv6_port = 443;
  req.handshake.htype = ONION_HTYPE_NTOR;
  req.handshake.hlen = 84;
  req.handshake.hdata = hdata;
  /* 1 + (2+6) + (2+20) + (2+32) + (2+18) + 4 + 84 = 173 */
  UT_EQ_INT(extend2_body_encode(out, sizeof(out), &req), 173);
  UT_EQ_HEX(out, 11, "04" "0006" "7f000001" "2329" "0214");
  UT_EQ_HEX(out + 9, 3, "021411");
  UT_EQ_HEX(out + 31, 3, "032022");
  UT_EQ_HEX(out + 65, 20, "0112" "00000000000000000000000000000001" "01bb");
  UT_EQ_HEX(out + 85, 5, "0002005499");
  UT_EQ_INT(extend2_body_encode(out, 172, &req), -1);

  UT_EQ_INT(extend2_body_parse(out, 173, &got), 0);
  UT_ASSERT(got.has_ipv4 && got.has_ipv6 && got.has_legacy_id &&
            got.has_ed25519_id);
  UT_EQ_INT(got.ipv4_port, 9001);
  UT_EQ_INT(got.ipv6_port, 443);
  UT_EQ_MEM(got.ed25519_id, req.ed25519_id, 32);
  UT_EQ_INT(got.handshake.htype, 2);
  UT_EQ_INT(got.handshake.hlen, 84);
  UT_ASSERT(got.handshake.hdata == out + 89);
  UT_EQ_INT(extend2_body_parse(out, 172, &got), -1);

  /* Only an IPv4 address and the legacy id. */
  req.has_ed25519_id = req.has_ipv6 = 0;
  UT_EQ_INT(extend2_body_encode(out, sizeof(out), &req), 1 + 8 + 22 + 88);
  UT_EQ_INT(out[0], 2);
}

UNITTEST(onion_cells, extend2_parse_rules)
{
  /* Two IPv4 specifiers (first wins), an unknown type 9 (ignored), and an
   * empty handshake. */
  static const uint8_t ok[] = {
    3,
    0x00, 6, 1, 2, 3, 4, 0x00, 0x50,
    0x09, 2, 0xde, 0xad,
    0x00, 6, 5, 6, 7, 8, 0x00, 0x51,
    0x00, 0x02, 0x00, 0x00 };
  static const uint8_t two_ids[] = {
    2, 0x02, 20, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,
       0x02, 20, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,
    0x00, 0x02, 0x00, 0x00 };
  static const uint8_t bad_len[] = { 1, 0x03, 31, 0 };
  static const uint8_t overrun[] = { 1, 0x09, 5, 1, 2 };
  static const uint8_t missing[] = { 2, 0x09, 0 };
  extend2_request_t got;
  UT_EQ_INT(extend2_body_parse(ok, sizeof(ok), &got), 0);
  UT_ASSERT(got.has_ipv4 && !got.has_ipv6);
  UT_EQ_HEX(got.ipv4_addr, 4, "01020304");
  UT_EQ_INT(got.ipv4_port, 80);
  UT_EQ_INT(got.handshake.hlen, 0);
  UT_EQ_INT(extend2_body_parse(two_ids, sizeof(two_ids), &got), -1);
  UT_EQ_INT(extend2_body_parse(bad_len, sizeof(bad_len), &got), -1);
  UT_EQ_INT(extend2_body_parse(overrun, sizeof(overrun), &got), -1);
  UT_EQ_INT(extend2_body_parse(missing, sizeof(missing), &got), -1);
  UT_EQ_INT(extend2_body_parse(ok, 0, &got), -1);
  UT_EQ_INT(extend2_body_parse(ok, sizeof(ok) - 1, &got), -1);
}
