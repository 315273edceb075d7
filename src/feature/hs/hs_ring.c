#include "orconfig.h"

#include "feature/hs/hs_ring.h"

#include "lib/crypt/crypto_digest.h"

#include <stdlib.h>
#include <string.h>

int
hs_ring_param(int have, int64_t value, int def, int min, int max)
{
  if (!have)
    return def;
  if (value < min)
    return min;
  if (value > max)
    return max;
  return (int)value;
}

/* SHA3-256 over the concatenation of n (pointer, length) pieces. */
static int
sha3_pieces(uint8_t out[32], const void *const *ptrs, const size_t *lens,
            int n)
{
  crypto_digest_t *d = crypto_digest_new(DIGEST_SHA3_256);
  int ok = d != NULL;

  for (int i = 0; ok && i < n; i++)
    ok = crypto_digest_add_bytes(d, ptrs[i], lens[i]) == 0;
  ok = ok && crypto_digest_get_digest(d, out, 32) == 0;
  crypto_digest_free(d);
  return ok ? 0 : -1;
}

int
hs_ring_service_index(uint8_t out[HS_RING_INDEX_LEN],
                      const uint8_t blinded_pk[32], uint64_t replica,
                      uint64_t period_length, uint64_t tp)
{
  static const char label[] = "store-at-idx";
  uint8_t nums[24];
  const void *p[] = { label, blinded_pk, nums };
  const size_t l[] = { strlen(label), 32, sizeof(nums) };

  hs_put_int8(nums, replica);
  hs_put_int8(nums + 8, period_length);
  hs_put_int8(nums + 16, tp);
  return sha3_pieces(out, p, l, 3);
}

int
hs_ring_relay_index(uint8_t out[HS_RING_INDEX_LEN],
                    const uint8_t ed25519_id[32],
                    const uint8_t srv[HS_SRV_LEN], uint64_t tp,
                    uint64_t period_length)
{
  static const char label[] = "node-idx";
  uint8_t nums[16];
  const void *p[] = { label, ed25519_id, srv, nums };
  const size_t l[] = { strlen(label), 32, HS_SRV_LEN, sizeof(nums) };

  hs_put_int8(nums, tp);
  hs_put_int8(nums + 8, period_length);
  return sha3_pieces(out, p, l, 4);
}

int
hs_ring_disaster_srv(uint8_t out[HS_SRV_LEN], uint64_t period_length,
                     uint64_t tp)
{
  static const char label[] = "shared-random-disaster";
  uint8_t nums[16];
  const void *p[] = { label, nums };
  const size_t l[] = { strlen(label), sizeof(nums) };

  hs_put_int8(nums, period_length);
  hs_put_int8(nums + 8, tp);
  return sha3_pieces(out, p, l, 2);
}

time_t
hs_srv_run_start(const hs_time_params_t *p, time_t t)
{
  uint64_t run = 2 * HS_SRV_ROUNDS_PER_PHASE * p->voting_interval;
  uint64_t ut = (uint64_t)(t < 0 ? 0 : t);

  return (time_t)(ut / run * run);
}

int
hs_in_period_before_srv(const hs_time_params_t *p, time_t valid_after)
{
  time_t srv_start = hs_srv_run_start(p, valid_after);
  time_t next_tp_start =
    hs_time_period_start(p, hs_time_period_num(p, srv_start) + 1);

  return !(valid_after >= srv_start && valid_after < next_tp_start);
}

/* Fill rp with period tp and the current or the previous SRV of srvs, or
 * the disaster SRV of tp when the consensus lacks that one. */
static void
ring_period_set(hs_ring_period_t *rp, const hs_time_params_t *p,
                uint64_t tp, const hs_srv_pair_t *srvs, int use_current)
{
  int have = use_current ? srvs->have_current : srvs->have_previous;

  rp->tp = tp;
  rp->srv_is_disaster = !have;
  if (have)
    memcpy(rp->srv, use_current ? srvs->current : srvs->previous,
           HS_SRV_LEN);
  else
    hs_ring_disaster_srv(rp->srv, p->period_length, tp);
}

void
hs_ring_period_for_fetch(const hs_time_params_t *p, time_t valid_after,
                         const hs_srv_pair_t *srvs, hs_ring_period_t *out)
{
  uint64_t tp = hs_time_period_num(p, valid_after);

  ring_period_set(out, p, tp, srvs, hs_in_period_before_srv(p, valid_after));
}

void
hs_ring_periods_for_upload(const hs_time_params_t *p, time_t valid_after,
                           const hs_srv_pair_t *srvs,
                           hs_ring_period_t *first, hs_ring_period_t *second)
{
  uint64_t tp = hs_time_period_num(p, valid_after);

  if (hs_in_period_before_srv(p, valid_after)) {
    /* "-": the current SRV is the current period's. */
    ring_period_set(first, p, tp ? tp - 1 : 0, srvs, 0);
    ring_period_set(second, p, tp, srvs, 1);
  } else {
    /* "=": the current SRV already belongs to the next period. */
    ring_period_set(first, p, tp, srvs, 0);
    ring_period_set(second, p, tp + 1, srvs, 1);
  }
}

static size_t
add_period(uint64_t *out, size_t n, uint64_t tp)
{
  for (size_t i = 0; i < n; i++)
    if (out[i] == tp)
      return n;
  out[n] = tp;
  return n + 1;
}

size_t
hs_ring_periods_for_intro(const hs_time_params_t *p, time_t valid_after,
                          time_t now, uint64_t out[HS_INTRO_MAX_PERIODS])
{
  uint64_t tp = hs_time_period_num(p, valid_after);
  uint64_t first = hs_in_period_before_srv(p, valid_after) ? (tp ? tp - 1 : 0) : tp;
  uint64_t now_tp = hs_time_period_num(p, now);
  size_t n = 0;
  n = add_period(out, n, first);
  n = add_period(out, n, first + 1);
  n = add_period(out, n, now_tp);
  n = add_period(out, n, now_tp + 1);
  return n;
}

typedef struct ring_pos_t {
  uint8_t index[HS_RING_INDEX_LEN];
  size_t relay;  /* position in the caller's array */
} ring_pos_t;

static int
ring_pos_cmp(const void *a, const void *b)
{
  return memcmp(((const ring_pos_t *)a)->index,
                ((const ring_pos_t *)b)->index, HS_RING_INDEX_LEN);
}

/* The first position in sorted ring[0..n) whose index is >= idx
 * (n if none). */
static size_t
ring_lower_bound(const ring_pos_t *ring, size_t n, const uint8_t *idx)
{
  size_t lo = 0, hi = n;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (memcmp(ring[mid].index, idx, HS_RING_INDEX_LEN) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static int
already_chosen(const size_t *out, size_t n_out, size_t relay)
{
  for (size_t i = 0; i < n_out; i++)
    if (out[i] == relay)
      return 1;
  return 0;
}

int
hs_ring_responsible_hsdirs(const hs_ring_relay_t *relays, size_t n_relays,
                           const uint8_t blinded_pk[32],
                           const hs_ring_period_t *rp,
                           uint64_t period_length, int n_replicas,
                           int spread, size_t *out)
{
  ring_pos_t *ring;
  size_t n = 0, n_out = 0;

  if (n_replicas < 1 || spread < 1 || (n_relays && !relays))
    return -1;
  ring = calloc(n_relays ? n_relays : 1, sizeof(*ring));
  if (!ring)
    return -1;
  for (size_t i = 0; i < n_relays; i++) {
    if (!(relays[i].flags & HS_RING_HSDIR))
      continue;
    if (hs_ring_relay_index(ring[n].index, relays[i].ed25519_id, rp->srv,
                            rp->tp, period_length) < 0)
      goto err;
    ring[n++].relay = i;
  }
  qsort(ring, n, sizeof(*ring), ring_pos_cmp);

  for (int replica = 1; replica <= n_replicas && n > 0; replica++) {
    uint8_t idx[HS_RING_INDEX_LEN];
    size_t start, pos;
    int added = 0;

    if (hs_ring_service_index(idx, blinded_pk, (uint64_t)replica,
                              period_length, rp->tp) < 0)
      goto err;
    start = ring_lower_bound(ring, n, idx);
    if (start == n)
      start = 0;
    pos = start;
    do {
      if (!already_chosen(out, n_out, ring[pos].relay)) {
        out[n_out++] = ring[pos].relay;
        added++;
      }
      pos = (pos + 1) % n;
    } while (added < spread && pos != start);
  }
  free(ring);
  return (int)n_out;
 err:
  free(ring);
  return -1;
}
