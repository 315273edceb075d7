/* Circuit congestion control, sender side: Tor Vegas with RFC 3742 limited
 * slow start (proposal 324, sections 2 and 3.3), for one hop of a circuit
 * (we use it on the end-to-end hop of a rendezvous circuit whose client
 * asked for it).
 *
 * The sender may have `cwnd` DATA cells unacknowledged ("inflight"). The
 * peer sends a circuit SENDME after every `sendme_inc` cells it receives,
 * authenticated with the running digest after the cell that triggered it
 * (proposal 289). Every sendme_inc-th cell we send is recorded with its
 * digest and send time; its SENDME gives one RTT sample, and Vegas updates
 * cwnd from the queue estimate cwnd - BDP, BDP = cwnd * min RTT / RTT.
 *
 * Times are microseconds on a monotonic clock, passed in by the caller, so
 * the algorithm is a pure function of its inputs (and unit-testable). The
 * state is one caller-owned struct; nothing allocates. */
#ifndef TOR_CORE_OR_CONGESTION_H
#define TOR_CORE_OR_CONGESTION_H

#include <stddef.h>
#include <stdint.h>

#include "core/crypto/sendme.h"

/* Consensus parameters (proposal 324 section 6.5), onion-path values. */
typedef struct cc_params_t {
  int sendme_inc;       /* cc_sendme_inc */
  int cwnd_init;        /* cc_cwnd_init */
  int cwnd_min;         /* cc_cwnd_min */
  int cwnd_max;         /* cc_cwnd_max, at most CC_MAX_OUTSTANDING * sendme_inc */
  int cwnd_inc;         /* cc_cwnd_inc */
  int cwnd_inc_rate;    /* cc_cwnd_inc_rate */
  int cwnd_inc_pct_ss;  /* cc_cwnd_inc_pct_ss */
  int ss_cap;           /* cc_sscap_onion */
  int ss_max;           /* cc_ss_max */
  int vegas_alpha, vegas_beta, vegas_gamma, vegas_delta;  /* *_onion */
  int full_gap;         /* cc_cwnd_full_gap */
  int full_minpct;      /* cc_cwnd_full_minpct */
  int full_per_cwnd;    /* cc_cwnd_full_per_cwnd */
  int ewma_cwnd_pct;    /* cc_ewma_cwnd_pct */
  int ewma_max;         /* cc_ewma_max */
  int ewma_ss;          /* cc_ewma_ss */
} cc_params_t;

/* The defaults the proposal gives for onion service circuits, and for
 * exit circuits (section 6.5.3: other Vegas thresholds, sscap 500). */
void cc_params_default_onion(cc_params_t *p);
void cc_params_default_exit(cc_params_t *p);

/* At most this many SENDMEs can be outstanding: cwnd is capped at this
 * many times sendme_inc cells. */
#define CC_MAX_OUTSTANDING 512

typedef struct cc_vegas_t {
  cc_params_t p;
  int64_t cwnd;
  int64_t inflight;
  int in_slow_start;
  int cwnd_full;
  int64_t next_cc_event;
  int64_t next_cwnd_event;
  uint64_t ewma_rtt_usec;  /* 0: no sample yet */
  uint64_t min_rtt_usec;
  unsigned sent_since_mark; /* cells sent since the last recorded one */
  struct {
    uint8_t digest[SENDME_DIGEST_LEN];
    uint64_t sent_usec;
  } pending[CC_MAX_OUTSTANDING];
  unsigned first, count;
} cc_vegas_t;

/* Start with p's cwnd_init, in slow start. */
void cc_vegas_init(cc_vegas_t *cc, const cc_params_t *p);

/* Cells we may send now: cwnd - inflight, never below 0. */
int64_t cc_vegas_can_send(const cc_vegas_t *cc);

/* 1 if the next DATA cell sent is one a SENDME will acknowledge, the only
 * kind whose send time cc_vegas_data_sent reads (callers may pass 0 for
 * the others and save reading the clock per cell). */
int cc_vegas_next_sent_is_timed(const cc_vegas_t *cc);

/* We sent a DATA cell at now_usec; digest is the running digest after it.
 * Returns 0, or -1 if cwnd was already used up (a caller bug) or too many
 * SENDMEs are outstanding. */
int cc_vegas_data_sent(cc_vegas_t *cc, const uint8_t digest[SENDME_DIGEST_LEN],
                       uint64_t now_usec);

/* A circuit SENDME with body of len bytes arrived at now_usec: checks it
 * acknowledges the oldest recorded cell (version 1 digest; min_version as
 * in sendme.h), takes the RTT sample and runs the Vegas update. Returns 0,
 * or -1 (with a protocol log line) when the circuit must be closed. */
int cc_vegas_sendme_received(cc_vegas_t *cc, const uint8_t *body, size_t len,
                             uint8_t min_version, uint64_t now_usec);

#endif
