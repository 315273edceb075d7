/* Tests for core/or/congestion (Tor Vegas, proposal 324 3.3). Expected
 * values are worked out by hand from the proposal's pseudocode and the
 * onion-path defaults of its section 6.5; the arithmetic is in the
 * comments. */
#include "orconfig.h"
#include "tests/unit/unittest.h"

#include "core/or/congestion.h"

#include <string.h>

static void
digest_for(uint8_t d[SENDME_DIGEST_LEN], unsigned n)
{
  memset(d, 0, SENDME_DIGEST_LEN);
  d[0] = (uint8_t)(n >> 8);
  d[1] = (uint8_t)n;
}

/* Send n cells, cell k (1-based, counting from *sent) carrying digest k. */
static int
send_cells(cc_vegas_t *cc, unsigned *sent, unsigned n, uint64_t now)
{
  uint8_t d[SENDME_DIGEST_LEN];
  for (unsigned i = 0; i < n; i++) {
    digest_for(d, ++*sent);
    if (cc_vegas_data_sent(cc, d, now) < 0)
      return -1;
  }
  return 0;
}

/* A fresh sender with the onion-path defaults. */
static void
start_onion(cc_vegas_t *cc)
{
  cc_params_t p;
  cc_params_default_onion(&p);
  cc_vegas_init(cc, &p);
}

static int
ack(cc_vegas_t *cc, unsigned cell, uint64_t now)
{
  uint8_t body[SENDME_V1_BODY_LEN], d[SENDME_DIGEST_LEN];
  digest_for(d, cell);
  sendme_v1_encode(body, sizeof(body), d);
  return cc_vegas_sendme_received(cc, body, sizeof(body), 1, now);
}

UNITTEST(congestion, defaults_onion)
{
  cc_params_t p;
  cc_params_default_onion(&p);
  UT_EQ_INT(p.sendme_inc, 31);
  UT_EQ_INT(p.cwnd_init, 124);
  UT_EQ_INT(p.vegas_alpha, 186);   /* 3 * OUTBUF_CELLS (62) */
  UT_EQ_INT(p.vegas_beta, 434);    /* 7 * 62 */
  UT_EQ_INT(p.vegas_gamma, 310);   /* 5 * 62 */
  UT_EQ_INT(p.vegas_delta, 558);   /* 9 * 62 */
  UT_EQ_INT(p.ss_cap, 600);
}

UNITTEST(congestion, window_and_first_ack_in_slow_start)
{
  cc_vegas_t cc;
  unsigned sent = 0;
  start_onion(&cc);
  UT_EQ_INT(cc_vegas_can_send(&cc), 124);
  UT_EQ_INT(cc_vegas_next_sent_is_timed(&cc), 0);
  UT_EQ_INT(send_cells(&cc, &sent, 30, 1000000), 0);
  UT_EQ_INT(cc_vegas_next_sent_is_timed(&cc), 1);   /* cell 31 */
  UT_EQ_INT(send_cells(&cc, &sent, 94, 1000000), 0);
  UT_EQ_INT(cc_vegas_can_send(&cc), 0);
  UT_ASSERT(send_cells(&cc, &sent, 1, 1000000) < 0);   /* cwnd used up */
  /* The SENDME for cell 31, 100 ms later: first RTT sample, so the BDP is
   * cwnd (124) and queue_use 0 < gamma; inflight 124 + 2*31 >= 124 makes
   * the window full; the slow start increment is round(50% of 31) = 16:
   * cwnd 140. 16 * SENDME_PER_CWND(140) = 16 * 5 = 80 > 31: stay in slow
   * start. inflight 124 - 31 = 93. */
  UT_EQ_INT(ack(&cc, 31, 1100000), 0);
  UT_EQ_INT(cc.cwnd, 140);
  UT_EQ_INT(cc.in_slow_start, 1);
  UT_EQ_INT(cc.inflight, 93);
  UT_EQ_INT(cc_vegas_can_send(&cc), 47);
  UT_EQ_INT(cc.ewma_rtt_usec, 100000);
}

UNITTEST(congestion, rising_rtt_ends_slow_start)
{
  cc_vegas_t cc;
  unsigned sent = 0;
  start_onion(&cc);
  UT_EQ_INT(send_cells(&cc, &sent, 124, 0), 0);
  UT_EQ_INT(ack(&cc, 31, 100000), 0);        /* rtt 100 ms: cwnd 140 */
  /* Next: cell 62 acked 1.1 s after it left: rtt 1.1 s. N = cc_ewma_ss
   * = 2: ewma = (2 * 1100000 + 100000) / 3 = 766666 us; min stays
   * 100000. BDP = 140 * 100000 / 766666 = 18; queue_use = 122 < 310 and
   * the window is full again (inflight 93 + 62 >= 140): cwnd 140 + 16 =
   * 156; inflight 62. */
  UT_EQ_INT(ack(&cc, 62, 1100000), 0);
  UT_EQ_INT(cc.ewma_rtt_usec, 766666);
  UT_EQ_INT(cc.cwnd, 156);
  /* Grow the queue estimate past gamma: send until full, ack with 2 s
   * RTTs. Third ack (cell 93, rtt 2 s): ewma = (4000000 + 766666) / 3 =
   * 1588888; BDP = 156 * 100000 / 1588888 = 9; queue_use 147 < 310, but
   * the window is now under 75% full (100 * 62 < 75 * 156): no growth. */
  UT_EQ_INT(ack(&cc, 93, 2000000), 0);
  UT_EQ_INT(cc.ewma_rtt_usec, 1588888);
  UT_EQ_INT(cc.in_slow_start, 1);
  UT_EQ_INT(cc.cwnd, 156);
  UT_EQ_INT(cc.inflight, 31);
}

UNITTEST(congestion, refuses_wrong_digest_and_unexpected_sendme)
{
  cc_vegas_t cc;
  unsigned sent = 0;
  start_onion(&cc);
  UT_ASSERT(ack(&cc, 31, 10) < 0);           /* nothing sent yet */
  UT_EQ_INT(send_cells(&cc, &sent, 62, 0), 0);
  UT_ASSERT(ack(&cc, 62, 10) < 0);           /* must ack cell 31 first */
  /* a version 0 SENDME when version 1 is required */
  uint8_t v0[3] = { 0, 0, 0 };
  UT_ASSERT(cc_vegas_sendme_received(&cc, v0, sizeof(v0), 1, 10) < 0);
}
