/* Tests for feature/hs/hs_ring: the ring indices (tests/vectors/hs/
 * hs_ring.txt, hashlib from the rend-spec-v3 formulas), the SRV and time
 * period rules (spec 2.2.4 figures), the selection of responsible HSDirs,
 * and all of that against real tor: tests/vectors/hs/realtor_ring.txt
 * holds, for each HSDir real tor 0.4.9.11 uploaded to or fetched from on a
 * private network, the consensus time, the SRVs it had, the blinded key
 * and the HSDIR_INDEX it printed (see tests/vectors/hs/README.md). */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "feature/hs/hs_ring.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t
get_u64(const vecfile_t *vf, int rec, const char *name)
{
  size_t len;
  const uint8_t *p = vecfile_get(vf, rec, name, &len);
  uint64_t v = 0;

  UT_EQ_INT(len, 8);
  for (size_t i = 0; i < 8; i++)
    v = (v << 8) | p[i];
  return v;
}

UNITTEST(hs_ring, index_vectors)
{
  vecfile_t *vf = vecfile_load("tests/vectors/hs/hs_ring.txt");

  UT_ASSERT(vecfile_n_records(vf) >= 4);
  for (int i = 0; i < vecfile_n_records(vf); i++) {
    size_t len;
    uint8_t out[32];
    uint64_t plen = get_u64(vf, i, "period_length");
    uint64_t tp = get_u64(vf, i, "tp");

    UT_EQ_INT(hs_ring_service_index(out, vecfile_get(vf, i, "blinded_pk",
                                                     &len),
                                    get_u64(vf, i, "replica"), plen, tp), 0);
    UT_EQ_MEM(out, vecfile_get(vf, i, "service_index", &len), 32);
    UT_EQ_INT(hs_ring_relay_index(out, vecfile_get(vf, i, "ed25519_id", &len),
                                  vecfile_get(vf, i, "srv", &len), tp, plen),
              0);
    UT_EQ_MEM(out, vecfile_get(vf, i, "relay_index", &len), 32);
    UT_EQ_INT(hs_ring_disaster_srv(out, plen, tp), 0);
    UT_EQ_MEM(out, vecfile_get(vf, i, "disaster_srv", &len), 32);
  }
  vecfile_free(vf);
}

UNITTEST(hs_ring, params)
{
  UT_EQ_INT(hs_ring_param(0, 0, HS_N_REPLICAS_DEFAULT, HS_N_REPLICAS_MIN,
                          HS_N_REPLICAS_MAX), 2);
  UT_EQ_INT(hs_ring_param(1, 99, 2, 1, 16), 16);
  UT_EQ_INT(hs_ring_param(1, 0, 4, 1, 128), 1);
  UT_EQ_INT(hs_ring_param(1, 7, 4, 1, 128), 7);
}

/* The spec's figures (2.2.4), on the public network: SRV#N at 00:00 UTC
 * of day N, TP#N from 12:00 UTC of day N. 2025-11-21 00:00 UTC is
 * 1763683200 (day 20413). */
UNITTEST(hs_ring, spec_segments)
{
  const time_t day = 1763683200;
  hs_time_params_t p;
  hs_srv_pair_t srvs;
  hs_ring_period_t fetch, first, second;

  hs_time_params_default(&p);
  memset(&srvs, 0, sizeof(srvs));
  srvs.have_current = srvs.have_previous = 1;
  memset(srvs.current, 0xCC, 32);
  memset(srvs.previous, 0x99, 32);
  UT_EQ_INT(hs_srv_run_start(&p, day + 3600), day);
  UT_EQ_INT(hs_time_period_num(&p, day + 13 * 3600), 20413);

  /* 13:00, after TP#20413 began: "-" */
  UT_EQ_INT(hs_in_period_before_srv(&p, day + 13 * 3600), 1);
  hs_ring_period_for_fetch(&p, day + 13 * 3600, &srvs, &fetch);
  UT_EQ_INT(fetch.tp, 20413);
  UT_EQ_INT(fetch.srv[0], 0xCC);
  hs_ring_periods_for_upload(&p, day + 13 * 3600, &srvs, &first, &second);
  UT_EQ_INT(first.tp, 20412);
  UT_EQ_INT(first.srv[0], 0x99);
  UT_EQ_INT(second.tp, 20413);
  UT_EQ_INT(second.srv[0], 0xCC);

  /* 01:00 the next day, after SRV#20414: "=" */
  UT_EQ_INT(hs_in_period_before_srv(&p, day + 25 * 3600), 0);
  hs_ring_period_for_fetch(&p, day + 25 * 3600, &srvs, &fetch);
  UT_EQ_INT(fetch.tp, 20413);
  UT_EQ_INT(fetch.srv[0], 0x99);
  hs_ring_periods_for_upload(&p, day + 25 * 3600, &srvs, &first, &second);
  UT_EQ_INT(first.tp, 20413);
  UT_EQ_INT(first.srv[0], 0x99);
  UT_EQ_INT(second.tp, 20414);
  UT_EQ_INT(second.srv[0], 0xCC);

  /* the boundaries: 00:00 is "=", 12:00 is "-" */
  UT_EQ_INT(hs_in_period_before_srv(&p, day), 0);
  UT_EQ_INT(hs_in_period_before_srv(&p, day - 1), 1);
  UT_EQ_INT(hs_in_period_before_srv(&p, day + 12 * 3600 - 1), 0);
  UT_EQ_INT(hs_in_period_before_srv(&p, day + 12 * 3600), 1);

  /* no SRVs in the consensus: the disaster value of the ring's period */
  memset(&srvs, 0, sizeof(srvs));
  hs_ring_period_for_fetch(&p, day + 25 * 3600, &srvs, &fetch);
  UT_ASSERT(fetch.srv_is_disaster);
  {
    uint8_t want[32];
    UT_EQ_INT(hs_ring_disaster_srv(want, 1440, 20413), 0);
    UT_EQ_MEM(fetch.srv, want, 32);
  }
}

/* The periods a service accepts INTRODUCE2 for (rend-spec-v3 2.2.4.2):
 * at 13:00, after TP#20413 began, its first descriptor is still TP#20412's,
 * which clients with an 11:00 consensus or a cached descriptor use. */
UNITTEST(hs_ring, periods_for_intro)
{
  const time_t day = 1763683200;   /* 2025-11-21 00:00 UTC, SRV#20413 */
  hs_time_params_t p;
  uint64_t got[HS_INTRO_MAX_PERIODS];

  hs_time_params_default(&p);
  /* 13:00 consensus, 13:05 clock ("-"): first TP#20412, second TP#20413 */
  UT_EQ_INT(hs_ring_periods_for_intro(&p, day + 13 * 3600, day + 13 * 3600 + 300, got), 3);
  UT_EQ_INT(got[0], 20412);
  UT_EQ_INT(got[1], 20413);
  UT_EQ_INT(got[2], 20414);
  /* 11:00 consensus, 12:00:04 clock: the clock is in TP#20413 already */
  UT_EQ_INT(hs_ring_periods_for_intro(&p, day + 11 * 3600, day + 12 * 3600 + 4, got), 3);
  UT_EQ_INT(got[0], 20412);
  UT_EQ_INT(got[1], 20413);
  UT_EQ_INT(got[2], 20414);
  /* 01:00 the next day ("="): first TP#20413, second TP#20414 */
  UT_EQ_INT(hs_ring_periods_for_intro(&p, day + 25 * 3600, day + 25 * 3600, got), 2);
  UT_EQ_INT(got[0], 20413);
  UT_EQ_INT(got[1], 20414);
}

/* Selection on a ring whose relay indices we control only through the
 * ids: check the rule itself (sorted order, start at the first index >=
 * the service index, wrap, skip chosen ones, skip non-HSDirs) against an
 * independent brute-force computation here. */
UNITTEST(hs_ring, selection_rule)
{
  enum { N = 12 };
  hs_ring_relay_t relays[N];
  hs_ring_period_t rp;
  uint8_t bpk[32], idx[N][32];
  size_t out[N];
  int n;

  memset(relays, 0, sizeof(relays));
  memset(&rp, 0, sizeof(rp));
  rp.tp = 42;
  memset(rp.srv, 0x55, 32);
  memset(bpk, 0x77, 32);
  for (int i = 0; i < N; i++) {
    relays[i].ed25519_id[0] = (uint8_t)i;
    relays[i].flags = (i % 5 == 4) ? 0 : HS_RING_HSDIR;
    UT_EQ_INT(hs_ring_relay_index(idx[i], relays[i].ed25519_id, rp.srv, 42,
                                  1440), 0);
  }
  n = hs_ring_responsible_hsdirs(relays, N, bpk, &rp, 1440, 2, 4, out);
  UT_EQ_INT(n, 8);
  {
    int chosen[N] = {0}, k = 0;
    for (int rep = 1; rep <= 2; rep++) {
      uint8_t sidx[32];
      int added = 0;
      UT_EQ_INT(hs_ring_service_index(sidx, bpk, (uint64_t)rep, 1440, 42), 0);
      /* walk candidates in ring order starting at sidx */
      while (added < 4) {
        int best = -1;
        for (int i = 0; i < N; i++) {
          if (!(relays[i].flags & HS_RING_HSDIR) || chosen[i])
            continue;
          /* distance from sidx going round the ring: compare (idx-sidx) */
          if (best < 0) {
            best = i;
            continue;
          }
          int ia = memcmp(idx[i], sidx, 32) >= 0;
          int ib = memcmp(idx[best], sidx, 32) >= 0;
          if (ia != ib ? ia : memcmp(idx[i], idx[best], 32) < 0)
            best = i;
        }
        chosen[best] = 1;
        UT_EQ_INT(out[k++], best);
        added++;
      }
    }
  }
  /* fewer HSDirs than wanted: each at most once */
  n = hs_ring_responsible_hsdirs(relays, 3, bpk, &rp, 1440, 2, 4, out);
  UT_EQ_INT(n, 3);
  UT_ASSERT(out[0] != out[1] && out[1] != out[2] && out[0] != out[2]);
  UT_EQ_INT(hs_ring_responsible_hsdirs(relays, 0, bpk, &rp, 1440, 2, 4, out),
            0);
}

/* ---- real tor ---------------------------------------------------------- */

/* Two captures (two networks): "realtor" from its start (first uploads of
 * both descriptors, fetches in both segments, with no SRV, then one, then
 * two) and "realtor2", whose events are pinned to the consensus in force
 * by NEWCONSENSUS events (uploads at each SRV rotation). */
static const char *const CAPTURES[] = { "realtor", "realtor2" };
#define MAX_RELAYS 32
#define MAX_EVENTS 1024

/* One HS_DESC event of the capture (see the file's header). */
typedef struct rt_event_t {
  int role;                       /* 0 upload, 1 fetch */
  unsigned long batch;
  unsigned long long time, valid_after;
  hs_srv_pair_t srvs;
  uint8_t blinded_pk[32], hsdir_ed[32], hsdir_index[32];
} rt_event_t;

typedef struct realtor_t {
  rt_event_t *ev;
  int n_ev;
  uint8_t identity_pk[32];
  hs_ring_relay_t relays[MAX_RELAYS];
  size_t n_relays;
  hs_time_params_t p;
} realtor_t;

static void
parse_event(rt_event_t *e, char *line)
{
  char cur[65], prev[65], bpk[65], ed[65], idx[65];
  int hc, hp;

  if (sscanf(line, "%d %lu %llu %llu %d %64s %d %64s %64s %64s %64s",
             &e->role, &e->batch, &e->time, &e->valid_after, &hc, cur, &hp,
             prev, bpk, ed, idx) != 11)
    unittest_fail(__FILE__, __LINE__, "bad line in a realtor ring file");
  e->srvs.have_current = hc;
  e->srvs.have_previous = hp;
  ut_unhex(e->srvs.current, 32, cur);
  ut_unhex(e->srvs.previous, 32, prev);
  ut_unhex(e->blinded_pk, 32, bpk);
  ut_unhex(e->hsdir_ed, 32, ed);
  ut_unhex(e->hsdir_index, 32, idx);
}

static void
realtor_load(realtor_t *rt, const char *name)
{
  char path[256];
  size_t len;
  uint8_t *pkfile;
  char *text, *line, *save = NULL;
  vecfile_t *rv;

  snprintf(path, sizeof(path), "tests/vectors/hs/%s/hs_ed25519_public_key",
           name);
  pkfile = ut_read_srcfile(path, &len);

  UT_EQ_INT(len, 64);
  memcpy(rt->identity_pk, pkfile + 32, 32);
  free(pkfile);

  rt->ev = calloc(MAX_EVENTS, sizeof(*rt->ev));
  rt->n_ev = 0;
  UT_ASSERT(rt->ev != NULL);
  snprintf(path, sizeof(path), "tests/vectors/hs/%s_ring.txt", name);
  text = (char *)ut_read_srcfile(path, &len);
  for (line = strtok_r(text, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    if (line[0] == '#')
      continue;
    UT_ASSERT(rt->n_ev < MAX_EVENTS);
    parse_event(&rt->ev[rt->n_ev++], line);
  }
  free(text);

  snprintf(path, sizeof(path), "tests/vectors/hs/%s_relays.txt", name);
  rv = vecfile_load(path);
  rt->n_relays = (size_t)vecfile_n_records(rv);
  UT_ASSERT(rt->n_relays > 0 && rt->n_relays <= MAX_RELAYS);
  for (size_t i = 0; i < rt->n_relays; i++) {
    memcpy(rt->relays[i].ed25519_id,
           vecfile_get(rv, (int)i, "relay_ed25519_id", &len), 32);
    rt->relays[i].flags = HS_RING_HSDIR;  /* all had HSDir (testnet) */
  }
  vecfile_free(rv);
  /* TestingTorNetwork with V3AuthVotingInterval 20 */
  hs_time_params_init(&rt->p, 20, -1, 1);
}

/* The rings our rules give for an event: the fetch ring, or the first and
 * second upload rings. Returns how many. */
static int
expected_rings(const realtor_t *rt, const rt_event_t *e,
               hs_ring_period_t rings[2])
{
  time_t va = (time_t)e->valid_after;

  if (e->role == 1) {
    hs_ring_period_for_fetch(&rt->p, va, &e->srvs, &rings[0]);
    return 1;
  }
  hs_ring_periods_for_upload(&rt->p, va, &e->srvs, &rings[0], &rings[1]);
  return 2;
}

/* Which of rings[] real tor used (blinded key and HSDIR_INDEX both
 * match), or -1. */
static int
matching_ring(const realtor_t *rt, const rt_event_t *e,
              const hs_ring_period_t *rings, int n)
{
  for (int r = 0; r < n; r++) {
    uint8_t bpk[32], idx[32];
    UT_EQ_INT(hs_blinded_public_key(bpk, rt->identity_pk, rings[r].tp,
                                    rt->p.period_length), 0);
    UT_EQ_INT(hs_ring_relay_index(idx, e->hsdir_ed, rings[r].srv,
                                  rings[r].tp, rt->p.period_length), 0);
    if (!memcmp(bpk, e->blinded_pk, 32) && !memcmp(idx, e->hsdir_index, 32))
      return r;
  }
  return -1;
}

typedef struct rt_counts_t {
  int upload, fetch, first, second, disaster, current, previous, batches;
} rt_counts_t;

/* Every event of capture `name` sits where our rules put it (same blinded
 * key, same HSDIR_INDEX); count what the capture covers. */
static void
check_capture_indices(const char *name, rt_counts_t *n)
{
  realtor_t rt;

  realtor_load(&rt, name);
  UT_ASSERT(rt.n_ev >= 20);
  for (int i = 0; i < rt.n_ev; i++) {
    const rt_event_t *e = &rt.ev[i];
    hs_ring_period_t rings[2];
    int nr = expected_rings(&rt, e, rings);
    int r = matching_ring(&rt, e, rings, nr);

    if (r < 0)
      unittest_fail(__FILE__, __LINE__, "%s event %d (time %llu, valid-after "
                    "%llu): real tor's ring is not ours", name, i, e->time,
                    e->valid_after);
    n->fetch += nr == 1;
    n->upload += nr == 2;
    n->first += nr == 2 && r == 0;
    n->second += nr == 2 && r == 1;
    if (rings[r].srv_is_disaster)
      n->disaster++;
    else if (e->srvs.have_current &&
             !memcmp(rings[r].srv, e->srvs.current, 32))
      n->current++;
    else
      n->previous++;
  }
  free(rt.ev);
}

/* Every HSDir real tor's service uploaded to, and every one its client
 * fetched from, sits where our time period, SRV, blinding and index rules
 * put it: same blinded key, same HSDIR_INDEX. */
UNITTEST(hs_ring, real_tor_indices)
{
  rt_counts_t n;

  memset(&n, 0, sizeof(n));
  for (size_t c = 0; c < sizeof(CAPTURES) / sizeof(CAPTURES[0]); c++)
    check_capture_indices(CAPTURES[c], &n);
  /* the captures cover uploads of both descriptors and fetches, with no
   * SRV in the consensus, the current one and the previous one */
  UT_ASSERT(n.upload > 0 && n.fetch > 0 && n.first > 0 && n.second > 0);
  UT_ASSERT(n.disaster > 0 && n.current > 0 && n.previous > 0);
}

/* For each upload batch of capture `name` (one descriptor, one moment),
 * the set of HSDirs real tor chose is exactly our selection (2 replicas,
 * spread 4); each fetch went to one of our first 3 per replica. */
static void
check_capture_selection(const char *name, rt_counts_t *n)
{
  realtor_t rt;

  realtor_load(&rt, name);
  for (int i = 0; i < rt.n_ev; i++) {
    const rt_event_t *e = &rt.ev[i];
    hs_ring_period_t rings[2];
    int nr = expected_rings(&rt, e, rings);
    int r = matching_ring(&rt, e, rings, nr);
    int fetch = nr == 1, ns, in_batch = 0;
    size_t out[MAX_RELAYS];

    UT_ASSERT(r >= 0);
    if (i > 0 && rt.ev[i - 1].batch == e->batch)
      continue;             /* each batch once, at its first event */
    ns = hs_ring_responsible_hsdirs(rt.relays, rt.n_relays, e->blinded_pk,
                                    &rings[r], rt.p.period_length, 2,
                                    fetch ? 3 : 4, out);
    UT_ASSERT(ns > 0);
    for (int j = i; j < rt.n_ev && rt.ev[j].batch == e->batch; j++) {
      int found = 0;
      for (int k = 0; k < ns; k++)
        found |= !memcmp(rt.relays[out[k]].ed25519_id, rt.ev[j].hsdir_ed,
                         32);
      UT_ASSERT(found);
      in_batch++;
    }
    if (!fetch)
      UT_EQ_INT(in_batch, ns);
    n->batches++;
  }
  free(rt.ev);
}

UNITTEST(hs_ring, real_tor_selection)
{
  rt_counts_t n;

  memset(&n, 0, sizeof(n));
  for (size_t c = 0; c < sizeof(CAPTURES) / sizeof(CAPTURES[0]); c++)
    check_capture_selection(CAPTURES[c], &n);
  UT_ASSERT(n.batches > 4);
}
