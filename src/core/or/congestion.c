/* Tor Vegas congestion control: see congestion.h. Names follow proposal
 * 324's pseudocode (section 3.3) so the two can be read side by side. */
#include "orconfig.h"
#include "core/or/congestion.h"

#include "lib/crypt/crypto_util.h"
#include "lib/log/log.h"

#include <string.h>

/* Proposal 324, 6.5.3: OUTBUF_CELLS is 62. */
#define OUTBUF_CELLS 62

void
cc_params_default_onion(cc_params_t *p)
{
  memset(p, 0, sizeof(*p));
  p->sendme_inc = 31;
  p->cwnd_init = 4 * 31;
  p->cwnd_min = 31;
  p->cwnd_max = CC_MAX_OUTSTANDING * 31;
  p->cwnd_inc = 31;
  p->cwnd_inc_rate = 1;
  p->cwnd_inc_pct_ss = 50;
  p->ss_cap = 600;
  p->ss_max = 5000;
  p->vegas_alpha = 3 * OUTBUF_CELLS;
  p->vegas_beta = 7 * OUTBUF_CELLS;
  p->vegas_gamma = 5 * OUTBUF_CELLS;
  p->vegas_delta = 9 * OUTBUF_CELLS;
  p->full_gap = 2;
  p->full_minpct = 75;
  p->full_per_cwnd = 1;
  p->ewma_cwnd_pct = 50;
  p->ewma_max = 10;
  p->ewma_ss = 2;
}

void
cc_params_default_exit(cc_params_t *p)
{
  cc_params_default_onion(p);
  p->ss_cap = 500;
  p->vegas_alpha = 2 * OUTBUF_CELLS;
  p->vegas_beta = 4 * OUTBUF_CELLS;
  p->vegas_gamma = 3 * OUTBUF_CELLS;
  p->vegas_delta = 6 * OUTBUF_CELLS;
}

void
cc_vegas_init(cc_vegas_t *cc, const cc_params_t *p)
{
  memset(cc, 0, sizeof(*cc));
  cc->p = *p;
  if (cc->p.cwnd_max > CC_MAX_OUTSTANDING * cc->p.sendme_inc)
    cc->p.cwnd_max = CC_MAX_OUTSTANDING * cc->p.sendme_inc;
  cc->cwnd = p->cwnd_init;
  cc->in_slow_start = 1;
}

int64_t
cc_vegas_can_send(const cc_vegas_t *cc)
{
  return cc->cwnd > cc->inflight ? cc->cwnd - cc->inflight : 0;
}

int
cc_vegas_next_sent_is_timed(const cc_vegas_t *cc)
{
  return cc->sent_since_mark + 1 >= (unsigned)cc->p.sendme_inc;
}

int
cc_vegas_data_sent(cc_vegas_t *cc, const uint8_t digest[SENDME_DIGEST_LEN],
                   uint64_t now_usec)
{
  if (cc_vegas_can_send(cc) <= 0)
    return -1;
  cc->inflight++;
  /* The peer answers every sendme_inc-th DATA cell with a SENDME. */
  if (++cc->sent_since_mark < (unsigned)cc->p.sendme_inc)
    return 0;
  cc->sent_since_mark = 0;
  if (cc->count == CC_MAX_OUTSTANDING)
    return -1;
  unsigned at = (cc->first + cc->count) % CC_MAX_OUTSTANDING;
  memcpy(cc->pending[at].digest, digest, SENDME_DIGEST_LEN);
  cc->pending[at].sent_usec = now_usec;
  cc->count++;
  return 0;
}

/* SENDME acks in one cwnd, and acks between cwnd updates (3.3). */
static int64_t
sendme_per_cwnd(const cc_vegas_t *cc)
{
  return (cc->cwnd + cc->p.sendme_inc / 2) / cc->p.sendme_inc;
}

static int64_t
cwnd_update_rate(const cc_vegas_t *cc)
{
  if (cc->in_slow_start)
    return 1;
  int64_t per = (int64_t)cc->p.cwnd_inc_rate * cc->p.sendme_inc;
  return (cc->cwnd + per / 2) / per;
}

/* N-EWMA of the RTT (2.1.2), in the rearranged form the spec requires. */
static void
update_rtt(cc_vegas_t *cc, uint64_t rtt)
{
  if (!cc->ewma_rtt_usec) {
    cc->ewma_rtt_usec = rtt;
  } else {
    int64_t n;
    if (cc->in_slow_start) {
      n = cc->p.ewma_ss;
    } else {
      n = cwnd_update_rate(cc) * cc->p.ewma_cwnd_pct / 100;
      if (n > cc->p.ewma_max)
        n = cc->p.ewma_max;
      if (n < 2)
        n = 2;
    }
    cc->ewma_rtt_usec = (rtt * 2 + cc->ewma_rtt_usec * (uint64_t)(n - 1)) / (uint64_t)(n + 1);
  }
  if (!cc->min_rtt_usec || cc->ewma_rtt_usec < cc->min_rtt_usec)
    cc->min_rtt_usec = cc->ewma_rtt_usec;
}

/* RFC 3742 limited slow start increment. */
static int64_t
ss_increment(const cc_vegas_t *cc)
{
  if (cc->cwnd <= cc->p.ss_cap)
    return ((int64_t)cc->p.cwnd_inc_pct_ss * cc->p.sendme_inc + 50) / 100;
  int64_t inc = ((int64_t)cc->p.sendme_inc * cc->p.ss_cap + cc->cwnd) / (2 * cc->cwnd);
  return inc > 1 ? inc : 1;
}

static void
vegas_update(cc_vegas_t *cc)
{
  const cc_params_t *p = &cc->p;
  int64_t bdp = (int64_t)((uint64_t)cc->cwnd * cc->min_rtt_usec / cc->ewma_rtt_usec);
  int64_t queue_use = bdp > cc->cwnd ? 0 : cc->cwnd - bdp;

  if (cc->inflight + (int64_t)p->full_gap * p->sendme_inc >= cc->cwnd)
    cc->cwnd_full = 1;
  else if (100 * cc->inflight < (int64_t)p->full_minpct * cc->cwnd)
    cc->cwnd_full = 0;

  if (cc->in_slow_start) {
    if (queue_use < p->vegas_gamma) {
      if (cc->cwnd_full) {
        int64_t inc = ss_increment(cc);
        cc->cwnd += inc;
        if (inc * sendme_per_cwnd(cc) <= (int64_t)p->cwnd_inc * p->cwnd_inc_rate)
          cc->in_slow_start = 0;
      }
    } else {
      cc->in_slow_start = 0;
      cc->cwnd = bdp + p->vegas_gamma;
    }
    if (cc->cwnd >= p->ss_max) {
      cc->cwnd = p->ss_max;
      cc->in_slow_start = 0;
    }
  } else if (cc->next_cc_event == 0) {
    if (queue_use > p->vegas_delta)
      cc->cwnd = bdp + p->vegas_delta - p->cwnd_inc;
    else if (queue_use > p->vegas_beta)
      cc->cwnd -= p->cwnd_inc;
    else if (cc->cwnd_full && queue_use < p->vegas_alpha)
      cc->cwnd += p->cwnd_inc;
  }
  if (cc->cwnd < p->cwnd_min)
    cc->cwnd = p->cwnd_min;
  if (cc->cwnd > p->cwnd_max)
    cc->cwnd = p->cwnd_max;
}

int
cc_vegas_sendme_received(cc_vegas_t *cc, const uint8_t *body, size_t len,
                         uint8_t min_version, uint64_t now_usec)
{
  const uint8_t *digest;
  if (sendme_parse_accepted(body, len, min_version, &digest) < 0)
    return -1;
  if (cc->count == 0) {
    log_protocol_warn(LD_PROTOCOL, "Unexpected circuit SENDME: nothing "
                      "awaits acknowledgement");
    return -1;
  }
  unsigned at = cc->first;
  if (digest && !crypto_memeq(digest, cc->pending[at].digest, SENDME_DIGEST_LEN)) {
    log_protocol_warn(LD_PROTOCOL, "Circuit SENDME digest does not match "
                      "the cell it should acknowledge");
    return -1;
  }
  uint64_t sent = cc->pending[at].sent_usec;
  cc->first = (cc->first + 1) % CC_MAX_OUTSTANDING;
  cc->count--;

  if (cc->next_cc_event)
    cc->next_cc_event--;
  if (cc->next_cwnd_event)
    cc->next_cwnd_event--;
  /* Clock heuristics (2.1.1): a sample of zero, or one far beyond what
   * we have seen, is a stalled or jumping clock, not the network. */
  uint64_t rtt = now_usec > sent ? now_usec - sent : 0;
  int clock_bad = rtt == 0 || (cc->ewma_rtt_usec && rtt > cc->ewma_rtt_usec * 5000);
  if (!clock_bad) {
    update_rtt(cc, rtt);
    vegas_update(cc);
  }
  if (cc->next_cc_event == 0)
    cc->next_cc_event = cwnd_update_rate(cc);
  if (cc->next_cwnd_event == 0)
    cc->next_cwnd_event = sendme_per_cwnd(cc);
  if (cc->p.full_per_cwnd) {
    if (cc->next_cwnd_event == sendme_per_cwnd(cc))
      cc->cwnd_full = 0;
  } else if (cc->next_cc_event == cwnd_update_rate(cc)) {
    cc->cwnd_full = 0;
  }
  cc->inflight -= cc->p.sendme_inc;
  if (cc->inflight < 0)
    cc->inflight = 0;
  return 0;
}
