/* Tests for core/crypto/relay_msg: the relay header against hand-made
 * bytes laid out as tor-spec 6.1 draws them, END reasons (6.3) and their
 * SOCKS5 replies (RFC 1928 codes). */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "core/crypto/relay_msg.h"

#include <string.h>

UNITTEST(relay_msg, header_pack_unpack)
{
  uint8_t p[RELAY_PAYLOAD_LEN];
  relay_header_t h = { RELAY_COMMAND_DATA, 0x0102, 0x1234,
                       { 0xaa, 0xbb, 0xcc, 0xdd }, 5 }, g;
  memset(p, 0xee, sizeof(p));
  relay_header_pack(p, &h);
  /* command | recognized | stream id | digest | length */
  UT_EQ_HEX(p, 12, "02" "0102" "1234" "aabbccdd" "0005" "ee");
  relay_header_unpack(p, &g);
  UT_EQ_INT(g.command, 2);
  UT_EQ_INT(g.recognized, 0x0102);
  UT_EQ_INT(g.stream_id, 0x1234);
  UT_EQ_HEX(g.digest, 4, "aabbccdd");
  UT_EQ_INT(g.length, 5);
}

UNITTEST(relay_msg, encode_decode)
{
  uint8_t p[RELAY_PAYLOAD_LEN], big[RELAY_DATA_MAX + 1];
  relay_header_t h;
  const uint8_t *data = NULL;
  memset(p, 0xee, sizeof(p));
  UT_EQ_INT(relay_msg_encode(p, RELAY_COMMAND_DATA, 0x1234,
                             (const uint8_t *)"hello", 5), 0);
  /* header with recognized and digest zero, the data, four zero bytes of
   * padding (the rest is random). */
  UT_EQ_HEX(p, 20, "02" "0000" "1234" "00000000" "0005" "68656c6c6f"
            "00000000");
  UT_EQ_INT(relay_msg_decode(p, sizeof(p), &h, &data), 0);
  UT_EQ_INT(h.length, 5);
  UT_ASSERT(data == p + 11);
  UT_EQ_MEM(data, "hello", 5);

  /* 498 bytes fit exactly (no padding); 499 do not. */
  memset(big, 0x41, sizeof(big));
  UT_EQ_INT(relay_msg_encode(p, RELAY_COMMAND_DATA, 1, big, 498), 0);
  UT_EQ_HEX(p, 11, "02000000010000000001f2");
  UT_EQ_INT(p[508], 0x41);
  UT_EQ_INT(relay_msg_encode(p, RELAY_COMMAND_DATA, 1, big, 499), -1);
  /* 496 bytes: two zero padding bytes only. */
  UT_EQ_INT(relay_msg_encode(p, RELAY_COMMAND_DATA, 1, big, 496), 0);
  UT_EQ_HEX(p + 507, 2, "0000");
  /* Empty body. */
  UT_EQ_INT(relay_msg_encode(p, RELAY_COMMAND_DROP, 0, NULL, 0), 0);
  UT_EQ_HEX(p, 15, "0a" "0000" "0000" "00000000" "0000" "00000000");
}

UNITTEST(relay_msg, decode_rejects)
{
  uint8_t p[RELAY_PAYLOAD_LEN];
  relay_header_t h;
  const uint8_t *data;
  memset(p, 0, sizeof(p));
  p[9] = 0x01; p[10] = 0xf2;  /* 498: fine */
  UT_EQ_INT(relay_msg_decode(p, sizeof(p), &h, &data), 0);
  p[10] = 0xf3;               /* 499: too long */
  UT_EQ_INT(relay_msg_decode(p, sizeof(p), &h, &data), -1);
  p[9] = 0xff; p[10] = 0xff;
  UT_EQ_INT(relay_msg_decode(p, sizeof(p), &h, &data), -1);
  p[9] = 0; p[10] = 0;
  UT_EQ_INT(relay_msg_decode(p, 508, &h, &data), -1);
}

UNITTEST(relay_msg, names)
{
  UT_EQ_STR(relay_command_name(1), "BEGIN");
  UT_EQ_STR(relay_command_name(13), "BEGIN_DIR");
  UT_EQ_STR(relay_command_name(15), "EXTENDED2");
  /* Real tor's numbers (tor-spec's table has them the other way round). */
  UT_EQ_STR(relay_command_name(43), "XOFF");
  UT_EQ_STR(relay_command_name(44), "XON");
  UT_EQ_STR(relay_command_name(16), "UNKNOWN");
  UT_EQ_STR(relay_command_name(255), "UNKNOWN");
  UT_EQ_STR(end_reason_name(6), "DONE");
  UT_EQ_STR(end_reason_name(14), "NOTDIRECTORY");
  UT_EQ_STR(end_reason_name(0), "UNKNOWN");
  UT_EQ_STR(end_reason_name(200), "UNKNOWN");
}

UNITTEST(relay_msg, end_reason_and_socks)
{
  static const uint8_t exitpolicy[] = { 4, 10, 0, 0, 1, 0, 0, 0x0e, 0x10 };
  UT_EQ_INT(relay_end_reason(NULL, 0), END_REASON_MISC);
  UT_EQ_INT(relay_end_reason(exitpolicy, sizeof(exitpolicy)), 4);
  /* RFC 1928 REP codes. */
}
