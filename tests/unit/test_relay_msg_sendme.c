/* Tests for core/crypto/sendme: the SENDME v1 body against hand-made
 * bytes laid out as proposal 289 / tor-spec 7.3.1 draw it (VERSION 1 |
 * DATA_LEN 2 | DIGEST 20), the parser's refusals, the digest ring, and the
 * window bookkeeping (which cells' digests are recorded). */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "core/crypto/sendme.h"

#include <string.h>

UNITTEST(sendme, v1_encode_parse)
{
  uint8_t digest[20], body[32];
  uint8_t version;
  const uint8_t *d;
  for (int i = 0; i < 20; i++)
    digest[i] = (uint8_t)(0xa0 + i);
  UT_EQ_INT(sendme_v1_encode(body, sizeof(body), digest), 23);
  UT_EQ_HEX(body, 23, "01" "0014"
            "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3");
  UT_EQ_INT(sendme_v1_encode(body, 22, digest), -1);
  UT_EQ_INT(sendme_parse(body, 23, &version, &d), 0);
  UT_EQ_INT(version, 1);
  UT_ASSERT(d == body + 3);
  /* Longer DATA: the first 20 bytes are the digest. */
  body[2] = 21;
  body[23] = 0xff;
  UT_EQ_INT(sendme_parse(body, 24, &version, &d), 0);
  UT_ASSERT(d == body + 3);
  UT_EQ_INT(sendme_parse(body, 23, &version, &d), -1); /* overruns */
  body[2] = 19;                                        /* too short */
  UT_EQ_INT(sendme_parse(body, 23, &version, &d), -1);
  UT_EQ_INT(sendme_parse(body, 2, &version, &d), -1);
}

UNITTEST(sendme, v0_and_unknown)
{
  static const uint8_t v0[] = { 0x00, 0x00, 0x00 };
  static const uint8_t v2[] = { 0x02, 0x00, 0x14 };
  uint8_t version = 9;
  const uint8_t *d = v0;
  UT_EQ_INT(sendme_parse(NULL, 0, &version, &d), 0);   /* empty = v0 */
  UT_EQ_INT(version, 0);
  UT_ASSERT(d == NULL);
  UT_EQ_INT(sendme_parse(v0, sizeof(v0), &version, &d), 0);
  UT_EQ_INT(version, 0);
  UT_EQ_INT(sendme_parse(v2, sizeof(v2), &version, &d), -1);
}

UNITTEST(sendme, ring)
{
  sendme_digest_ring_t ring;
  uint8_t d[20], out[20];
  memset(&ring, 0, sizeof(ring));
  UT_EQ_INT(sendme_ring_pop(&ring, out), -1);
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < SENDME_MAX_OUTSTANDING; i++) {
      memset(d, i + round, 20);
      UT_EQ_INT(sendme_ring_push(&ring, d), 0);
    }
    UT_EQ_INT(sendme_ring_push(&ring, d), -1);
    for (int i = 0; i < SENDME_MAX_OUTSTANDING - round; i++) {
      UT_EQ_INT(sendme_ring_pop(&ring, out), 0);
      UT_EQ_INT(out[0], i + round);
    }
    while (ring.count)
      sendme_ring_pop(&ring, out);
  }
}

/* Sending side: digests of the 100th, 200th, ... DATA cell are expected
 * back, in order; a wrong or unexpected SENDME closes the circuit. */
UNITTEST(sendme, package_side)
{
  sendme_circ_t sc;
  uint8_t digest[20], body[23];
  sendme_circ_init(&sc);
  for (int n = 1; n <= 1000; n++) {
    UT_ASSERT(sendme_circ_can_package(&sc));
    memset(digest, 0, 20);
    digest[0] = (uint8_t)(n >> 8);
    digest[1] = (uint8_t)n;
    UT_EQ_INT(sendme_circ_data_sent(&sc, digest), 0);
  }
  UT_ASSERT(!sendme_circ_can_package(&sc));
  UT_EQ_INT(sendme_circ_data_sent(&sc, digest), -1);
  UT_EQ_INT(sc.expected.count, 10);
  /* The SENDME for cell 100 (0x0064). */
  memset(digest, 0, 20);
  digest[1] = 100;
  sendme_v1_encode(body, sizeof(body), digest);
  UT_EQ_INT(sendme_circ_sendme_received(&sc, body, 23, 1), 0);
  UT_EQ_INT(sc.package_window, 100);
  /* Version 0 when 1 is required. */
  UT_EQ_INT(sendme_circ_sendme_received(&sc, NULL, 0, 1), -1);
  /* A wrong digest for cell 200. */
  digest[1] = 199;
  sendme_v1_encode(body, sizeof(body), digest);
  UT_EQ_INT(sendme_circ_sendme_received(&sc, body, 23, 1), -1);
}

UNITTEST(sendme, unexpected_sendme)
{
  sendme_circ_t sc;
  uint8_t digest[20] = { 0 }, body[23];
  sendme_circ_init(&sc);
  sendme_v1_encode(body, sizeof(body), digest);
  UT_EQ_INT(sendme_circ_sendme_received(&sc, body, 23, 1), -1);
  for (int n = 0; n < 99; n++)
    sendme_circ_data_sent(&sc, digest);
  UT_EQ_INT(sc.expected.count, 0);
  UT_EQ_INT(sendme_circ_sendme_received(&sc, body, 23, 0), -1);
}

/* Receiving side: after the 100th DATA cell a SENDME carrying that cell's
 * digest is due; windows overrun are refused. */
UNITTEST(sendme, deliver_side)
{
  sendme_circ_t sc;
  uint8_t digest[20], body[23];
  int sent = 0;
  sendme_circ_init(&sc);
  for (int n = 1; n <= 250; n++) {
    int r;
    memset(digest, n & 0xff, 20);
    r = sendme_circ_data_received(&sc, digest, body);
    UT_ASSERT(r == 0 || r == 1);
    if (r == 1) {
      sent++;
      UT_ASSERT(n % 100 == 0);
      UT_EQ_INT(body[0], 1);
      UT_EQ_INT(body[2], 20);
      UT_EQ_INT(body[3], n & 0xff);
    }
  }
  UT_EQ_INT(sent, 2);
  UT_EQ_INT(sc.deliver_window, 950);
  /* A peer that ignores the window: 950 more cells are fine only if we
   * keep sending SENDMEs; with the window forced down it is refused. */
  sc.deliver_window = 0;
  UT_EQ_INT(sendme_circ_data_received(&sc, digest, body), -1);
}

/* Under congestion control the receiver answers every sendme_inc DATA
 * cells (proposal 324 2.2) with the digest after the triggering cell, and
 * no fixed window of 1000 bounds the sender. */
UNITTEST(sendme, receive_with_cc)
{
  sendme_circ_t sc;
  uint8_t d[SENDME_DIGEST_LEN], body[SENDME_V1_BODY_LEN];
  int sendmes = 0;
  sendme_circ_init(&sc);
  sendme_circ_receive_with_cc(&sc, 31);
  for (int i = 1; i <= 2000; i++) {
    memset(d, 0, sizeof(d));
    d[0] = (uint8_t)(i >> 8);
    d[1] = (uint8_t)i;
    int r = sendme_circ_data_received(&sc, d, body);
    UT_ASSERT(r >= 0);
    if (r == 1) {
      sendmes++;
      UT_EQ_INT(i % 31, 0);
      UT_EQ_INT(body[0], 1);                 /* version 1 */
      UT_EQ_INT(body[1] * 256 + body[2], 20);
      UT_EQ_MEM(body + 3, d, 20);
    }
  }
  UT_EQ_INT(sendmes, 2000 / 31);
}
