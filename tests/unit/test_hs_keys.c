/* Tests for feature/hs/hs_keys: time periods, the blinding factor, blinded
 * keys and subcredentials. Expected values: tests/vectors/hs/hs_keys.txt
 * (gen_hs.py: stem 1.8.1's blinding and subcredential, hashlib from the
 * spec for h and time periods) and the rend-spec-v3 2.2.1 example. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "feature/hs/hs_keys.h"
#include "lib/crypt/ed25519.h"

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

/* rend-spec-v3 2.2.1: 2016-04-13 11:15:01 UTC is in period 16903, which
 * began 2016-04-12 12:00 UTC. */
UNITTEST(hs_keys, spec_time_period_example)
{
  hs_time_params_t p;

  hs_time_params_default(&p);
  UT_EQ_INT(p.period_length, 1440);
  UT_EQ_INT(p.rotation_offset, 12 * 3600);
  UT_EQ_INT(hs_time_period_num(&p, 1460546101), 16903);
  UT_EQ_INT(hs_time_period_start(&p, 16903), 1460462400);
  UT_EQ_INT(hs_time_period_start(&p, 16904), 1460548800);
  /* the boundaries */
  UT_EQ_INT(hs_time_period_num(&p, 1460548799), 16903);
  UT_EQ_INT(hs_time_period_num(&p, 1460548800), 16904);
}

/* Real tor's testing network (20 s voting): periods of one SRV run
 * (24 * 20 s = 8 minutes) offset by 12 rounds (4 minutes). */
UNITTEST(hs_keys, testing_network_params)
{
  hs_time_params_t p;

  hs_time_params_init(&p, 20, 1440, 1);
  UT_EQ_INT(p.period_length, 8);
  UT_EQ_INT(p.rotation_offset, 240);
  hs_time_params_init(&p, 3600, 10, 0);
  UT_EQ_INT(p.period_length, HS_TIME_PERIOD_LENGTH_MIN);
  hs_time_params_init(&p, 3600, 99999, 0);
  UT_EQ_INT(p.period_length, HS_TIME_PERIOD_LENGTH_MAX);
  hs_time_params_init(&p, 3600, 120, 0);
  UT_EQ_INT(p.period_length, 120);
}

UNITTEST(hs_keys, vectors)
{
  vecfile_t *vf = vecfile_load("tests/vectors/hs/hs_keys.txt");
  int n = vecfile_n_records(vf);

  UT_ASSERT(n >= 8);
  for (int i = 0; i < n; i++) {
    size_t len;
    const uint8_t *esk = vecfile_get(vf, i, "identity_esk", &len);
    const uint8_t *pk = vecfile_get(vf, i, "identity_pk", &len);
    const uint8_t *msg = vecfile_get(vf, i, "msg", &len);
    size_t msglen = len;
    hs_time_params_t p;
    uint8_t h[32], bpk[32], besk[64], cred[32], sub[32], sig[64];
    uint64_t plen = get_u64(vf, i, "period_length");
    uint64_t tp;

    p.period_length = plen;
    p.rotation_offset = get_u64(vf, i, "rotation_offset");
    p.voting_interval = p.rotation_offset / 12;
    tp = hs_time_period_num(&p, (time_t)get_u64(vf, i, "time"));
    UT_EQ_INT(tp, get_u64(vf, i, "tp"));
    UT_EQ_INT(hs_time_period_start(&p, tp), get_u64(vf, i, "tp_start"));

    UT_EQ_INT(hs_blinding_factor(h, pk, tp, plen), 0);
    UT_EQ_MEM(h, vecfile_get(vf, i, "h", &len), 32);
    UT_EQ_INT(hs_blinded_public_key(bpk, pk, tp, plen), 0);
    UT_EQ_MEM(bpk, vecfile_get(vf, i, "blinded_pk", &len), 32);
    UT_EQ_INT(hs_blinded_secret_key(besk, esk, pk, tp, plen), 0);
    UT_EQ_MEM(besk, vecfile_get(vf, i, "blinded_esk", &len), 64);
    UT_EQ_INT(hs_credential(cred, pk), 0);
    UT_EQ_MEM(cred, vecfile_get(vf, i, "credential", &len), 32);
    UT_EQ_INT(hs_subcredential(sub, pk, bpk), 0);
    UT_EQ_MEM(sub, vecfile_get(vf, i, "subcredential", &len), 32);
    /* a signature with the blinded key is stem's, byte for byte */
    UT_EQ_INT(ed25519_sign_expanded(sig, msg, msglen, besk), 0);
    UT_EQ_MEM(sig, vecfile_get(vf, i, "sig", &len), 64);
  }
  vecfile_free(vf);
}
