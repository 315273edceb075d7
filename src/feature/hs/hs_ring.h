/* The HSDir hash ring (rend-spec-v3 2.2.3 - 2.3.1): where a service's
 * descriptor for a time period is stored, and which (time period, shared
 * random value) pairs the ring uses at a given consensus time.
 *
 * The SRV rule, in one sentence: the ring of time period TP uses the SRV
 * that was current when TP started. SRV runs start every 24 voting
 * intervals (00:00 UTC on the public network) and periods start half a run
 * later (12:00 UTC), so:
 *   - between a period's start and the next SRV ("-" in the spec's
 *     figures) the current period goes with the current SRV;
 *   - between an SRV and the next period start ("=") the current period
 *     goes with the previous SRV, and the next period with the current.
 * Clients fetch from the current period's ring; services upload a "first"
 * descriptor (previous period in "-", current period in "=") and a
 * "second" one (current period in "-", next period in "="), 2.2.4.
 *
 * Pure computation on caller buffers; no allocation except where said. */
#ifndef TOR_FEATURE_HS_HS_RING_H
#define TOR_FEATURE_HS_HS_RING_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "feature/hs/hs_keys.h"

#define HS_RING_INDEX_LEN 32
#define HS_SRV_LEN 32

/* Consensus parameters (2.2.3): defaults and ranges. */
#define HS_N_REPLICAS_DEFAULT 2
#define HS_N_REPLICAS_MIN 1
#define HS_N_REPLICAS_MAX 16
#define HS_SPREAD_STORE_DEFAULT 4
#define HS_SPREAD_FETCH_DEFAULT 3
#define HS_SPREAD_MIN 1
#define HS_SPREAD_MAX 128

/* A consensus parameter value: def when absent (have == 0), else value
 * clamped into [min, max] as tor does. */
int hs_ring_param(int have, int64_t value, int def, int min, int max);

/* hs_service_index = SHA3-256("store-at-idx" | blinded_pk |
 *   INT_8(replica) | INT_8(period_length) | INT_8(tp)); replica from 1. */
int hs_ring_service_index(uint8_t out[HS_RING_INDEX_LEN],
                          const uint8_t blinded_pk[32], uint64_t replica,
                          uint64_t period_length, uint64_t tp);
/* hs_relay_index = SHA3-256("node-idx" | ed25519_id | srv |
 *   INT_8(tp) | INT_8(period_length)). Note the order differs from above. */
int hs_ring_relay_index(uint8_t out[HS_RING_INDEX_LEN],
                        const uint8_t ed25519_id[32],
                        const uint8_t srv[HS_SRV_LEN], uint64_t tp,
                        uint64_t period_length);
/* The SRV to use when the consensus lacks one (2.3.1):
 * SHA3-256("shared-random-disaster" | INT_8(period_length) | INT_8(tp)). */
int hs_ring_disaster_srv(uint8_t out[HS_SRV_LEN], uint64_t period_length,
                         uint64_t tp);

/* The two SRVs of a consensus (shared-rand-current-value and
 * shared-rand-previous-value); have_* is 0 for a missing line. */
typedef struct hs_srv_pair_t {
  int have_current, have_previous;
  uint8_t current[HS_SRV_LEN];
  uint8_t previous[HS_SRV_LEN];
} hs_srv_pair_t;

/* One ring: a time period and the SRV that goes with it. */
typedef struct hs_ring_period_t {
  uint64_t tp;
  uint8_t srv[HS_SRV_LEN];
  int srv_is_disaster;  /* the consensus lacked it: 2.3.1 value */
} hs_ring_period_t;

/* Start of the SRV protocol run that contains time t. */
time_t hs_srv_run_start(const hs_time_params_t *p, time_t t);
/* 1 if valid_after lies between the start of a time period and the next
 * SRV ("-"), 0 if between an SRV and the next period start ("="). */
int hs_in_period_before_srv(const hs_time_params_t *p, time_t valid_after);

/* The ring a client fetches from at consensus time valid_after. */
void hs_ring_period_for_fetch(const hs_time_params_t *p, time_t valid_after,
                              const hs_srv_pair_t *srvs,
                              hs_ring_period_t *out);
/* The rings of a service's first and second descriptors. */
void hs_ring_periods_for_upload(const hs_time_params_t *p,
                                time_t valid_after,
                                const hs_srv_pair_t *srvs,
                                hs_ring_period_t *first,
                                hs_ring_period_t *second);

/* The time periods whose subcredentials an onion service accepts in
 * INTRODUCE2 at consensus time valid_after and clock time now: the
 * periods of its first and second descriptors (a client keeps using the
 * first after a new period begins, until the next SRV), and the period
 * `now` is in and the one after (clients with a newer consensus).
 * Writes them once each to out; returns how many (2 to 4). */
#define HS_INTRO_MAX_PERIODS 4
size_t hs_ring_periods_for_intro(const hs_time_params_t *p, time_t valid_after,
                                 time_t now, uint64_t out[HS_INTRO_MAX_PERIODS]);

/* A relay as the ring sees it. The caller sets HS_RING_HSDIR for relays
 * that may hold descriptors (HSDir flag and HSDir=2 in the consensus). */
#define HS_RING_HSDIR 0x1u
typedef struct hs_ring_relay_t {
  uint8_t ed25519_id[32];
  unsigned flags;
} hs_ring_relay_t;

/* The HSDirs responsible for blinded_pk in ring rp: for replica 1..
 * n_replicas, the first `spread` HSDirs at or after the replica's
 * service index, going round the ring, skipping relays already chosen
 * (for this or a lower replica). Writes indices into relays[] to
 * out[0..], replica by replica, at most n_replicas * spread of them (out
 * must have room for that many, or for n_relays if fewer). Returns the
 * count, or -1 on error. Allocates scratch space, freed before return. */
int hs_ring_responsible_hsdirs(const hs_ring_relay_t *relays, size_t n_relays,
                               const uint8_t blinded_pk[32],
                               const hs_ring_period_t *rp,
                               uint64_t period_length, int n_replicas,
                               int spread, size_t *out);

#endif
