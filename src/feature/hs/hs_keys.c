#include "orconfig.h"

#include "feature/hs/hs_keys.h"

#include "lib/crypt/crypto_digest.h"
#include "lib/crypt/crypto_util.h"
#include "lib/crypt/ed25519.h"

#include <string.h>

/* Appendix A.2: the prefix (with its NUL) and the decimal coordinates of
 * the ed25519 base point, exactly as hashed. */
static const char BLIND_STRING[] = "Derive temporary signing key";
static const char BASEPOINT_STRING[] =
  "(15112221349535400772501151409588531511454012693041857206046113283949847"
  "762202, 463168356949264781694283940034751631413079938662562256157830336"
  "03165251855960)";
static const char KEY_BLIND_NONCE_PREFIX[] = "key-blind";

void
hs_put_int8(uint8_t out[8], uint64_t v)
{
  for (int i = 7; i >= 0; i--) {
    out[i] = (uint8_t)(v & 0xff);
    v >>= 8;
  }
}

void
hs_time_params_init(hs_time_params_t *p, uint64_t voting_interval,
                    int64_t hsdir_interval, int testing_network)
{
  uint64_t phase;

  if (voting_interval == 0)
    voting_interval = HS_SRV_VOTING_INTERVAL_DEFAULT;
  phase = HS_SRV_ROUNDS_PER_PHASE * voting_interval;
  p->voting_interval = voting_interval;
  /* Tor works in whole minutes here: the offset is truncated. */
  p->rotation_offset = (phase / 60) * 60;
  if (testing_network) {
    p->period_length = 2 * phase / 60;
  } else if (hsdir_interval < 0) {
    p->period_length = HS_TIME_PERIOD_LENGTH_DEFAULT;
  } else if (hsdir_interval < HS_TIME_PERIOD_LENGTH_MIN) {
    p->period_length = HS_TIME_PERIOD_LENGTH_MIN;
  } else if (hsdir_interval > HS_TIME_PERIOD_LENGTH_MAX) {
    p->period_length = HS_TIME_PERIOD_LENGTH_MAX;
  } else {
    p->period_length = (uint64_t)hsdir_interval;
  }
  if (p->period_length == 0)
    p->period_length = 1;
}

void
hs_time_params_default(hs_time_params_t *p)
{
  hs_time_params_init(p, HS_SRV_VOTING_INTERVAL_DEFAULT, -1, 0);
}

uint64_t
hs_time_period_num(const hs_time_params_t *p, time_t t)
{
  uint64_t minutes = (uint64_t)(t < 0 ? 0 : t) / 60;
  uint64_t offset = p->rotation_offset / 60;

  if (minutes < offset)
    return 0;
  return (minutes - offset) / p->period_length;
}

time_t
hs_time_period_start(const hs_time_params_t *p, uint64_t tp)
{
  return (time_t)(tp * p->period_length * 60 + p->rotation_offset);
}

int
hs_blinding_factor(uint8_t h[32], const uint8_t identity_pk[32],
                   uint64_t tp, uint64_t period_length)
{
  uint8_t nums[16];
  crypto_digest_t *d = crypto_digest_new(DIGEST_SHA3_256);
  int ok;

  if (!d)
    return -1;
  hs_put_int8(nums, tp);
  hs_put_int8(nums + 8, period_length);
  /* sizeof includes the terminating NUL, which is part of BLIND_STRING;
   * the secret s is empty. */
  ok = crypto_digest_add_bytes(d, BLIND_STRING, sizeof(BLIND_STRING)) == 0 &&
       crypto_digest_add_bytes(d, identity_pk, 32) == 0 &&
       crypto_digest_add_bytes(d, BASEPOINT_STRING,
                               strlen(BASEPOINT_STRING)) == 0 &&
       crypto_digest_add_bytes(d, KEY_BLIND_NONCE_PREFIX,
                               strlen(KEY_BLIND_NONCE_PREFIX)) == 0 &&
       crypto_digest_add_bytes(d, nums, sizeof(nums)) == 0 &&
       crypto_digest_get_digest(d, h, 32) == 0;
  crypto_digest_free(d);
  return ok ? 0 : -1;
}

int
hs_blinded_public_key(uint8_t out[32], const uint8_t identity_pk[32],
                      uint64_t tp, uint64_t period_length)
{
  uint8_t h[32];
  int r;

  if (hs_blinding_factor(h, identity_pk, tp, period_length) < 0)
    return -1;
  r = ed25519_blind_public_key(out, identity_pk, h);
  memwipe(h, sizeof(h));
  return r;
}

int
hs_blinded_secret_key(uint8_t out[64], const uint8_t identity_esk[64],
                      const uint8_t identity_pk[32], uint64_t tp,
                      uint64_t period_length)
{
  uint8_t h[32];
  int r;

  if (hs_blinding_factor(h, identity_pk, tp, period_length) < 0)
    return -1;
  r = ed25519_blind_secret_key(out, identity_esk, h);
  memwipe(h, sizeof(h));
  return r;
}

/* SHA3-256(label | a | b), b optional. */
static int
sha3_labelled(uint8_t out[32], const char *label, const uint8_t *a,
              size_t alen, const uint8_t *b, size_t blen)
{
  crypto_digest_t *d = crypto_digest_new(DIGEST_SHA3_256);
  int ok;

  if (!d)
    return -1;
  ok = crypto_digest_add_bytes(d, label, strlen(label)) == 0 &&
       crypto_digest_add_bytes(d, a, alen) == 0 &&
       (!b || crypto_digest_add_bytes(d, b, blen) == 0) &&
       crypto_digest_get_digest(d, out, 32) == 0;
  crypto_digest_free(d);
  return ok ? 0 : -1;
}

int
hs_credential(uint8_t out[32], const uint8_t identity_pk[32])
{
  return sha3_labelled(out, "credential", identity_pk, 32, NULL, 0);
}

int
hs_subcredential(uint8_t out[HS_SUBCRED_LEN], const uint8_t identity_pk[32],
                 const uint8_t blinded_pk[32])
{
  uint8_t cred[32];
  int r;

  if (hs_credential(cred, identity_pk) < 0)
    return -1;
  r = sha3_labelled(out, "subcredential", cred, 32, blinded_pk, 32);
  memwipe(cred, sizeof(cred));
  return r;
}
