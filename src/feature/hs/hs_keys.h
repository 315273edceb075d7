/* Onion service v3 key derivation per time period (rend-spec-v3 2.1,
 * 2.2.1 and appendix A):
 *   - time periods: their length (consensus parameter hsdir-interval, in
 *     minutes) and their rotation offset (12 SRV voting rounds), the
 *     period number of a time and the start time of a period;
 *   - the blinding factor h for a period, and the blinded keys built from
 *     it with lib/crypt's ed25519_blind_*;
 *   - the credential and the per-period subcredential.
 * Everything is pure computation on caller buffers; functions returning
 * int give 0 on success and -1 on failure. Times are Unix seconds; callers
 * pass the valid-after time of their live consensus (2.2.3), not the wall
 * clock, so that they agree with everyone else. */
#ifndef TOR_FEATURE_HS_HS_KEYS_H
#define TOR_FEATURE_HS_HS_KEYS_H

#include <stdint.h>
#include <time.h>

#define HS_KEY_LEN 32
#define HS_SUBCRED_LEN 32

/* hsdir-interval (minutes): default and the range param-spec allows. */
#define HS_TIME_PERIOD_LENGTH_DEFAULT 1440
#define HS_TIME_PERIOD_LENGTH_MIN 30
#define HS_TIME_PERIOD_LENGTH_MAX 14400
/* The SRV protocol: a run is two phases of 12 voting rounds each. */
#define HS_SRV_ROUNDS_PER_PHASE 12
#define HS_SRV_VOTING_INTERVAL_DEFAULT 3600

/* The clock of the hash ring. */
typedef struct hs_time_params_t {
  uint64_t period_length;    /* minutes */
  uint64_t rotation_offset;  /* seconds; periods start this long after
                                the multiples of period_length */
  uint64_t voting_interval;  /* seconds; an SRV run is 24 of these */
} hs_time_params_t;

/* The parameters of a network whose consensus has voting interval
 * voting_interval seconds (fresh-until minus valid-after) and whose
 * hsdir-interval parameter is hsdir_interval (pass -1 when the consensus
 * has none; out-of-range values are clamped as tor does). A testing
 * network (TestingTorNetwork 1) ignores hsdir-interval: real tor makes its
 * periods one SRV run long there so that they rotate quickly. */
void hs_time_params_init(hs_time_params_t *p, uint64_t voting_interval,
                         int64_t hsdir_interval, int testing_network);
/* The public network: 1440-minute periods starting at 12:00 UTC. */
void hs_time_params_default(hs_time_params_t *p);

/* The number of the time period that contains time t. */
uint64_t hs_time_period_num(const hs_time_params_t *p, time_t t);
/* The first second of time period tp. */
time_t hs_time_period_start(const hs_time_params_t *p, uint64_t tp);

/* h = SHA3-256("Derive temporary signing key" NUL | A | B-string |
 *              "key-blind" | INT_8(tp) | INT_8(period_length)),
 * unclamped (ed25519_blind_* clamp it). */
int hs_blinding_factor(uint8_t h[32], const uint8_t identity_pk[32],
                       uint64_t tp, uint64_t period_length);
/* The blinded public key A' of identity_pk for period tp. */
int hs_blinded_public_key(uint8_t out[32], const uint8_t identity_pk[32],
                          uint64_t tp, uint64_t period_length);
/* The blinded expanded secret key for period tp of the identity key whose
 * expanded secret key is identity_esk (public key identity_pk). */
int hs_blinded_secret_key(uint8_t out[64], const uint8_t identity_esk[64],
                          const uint8_t identity_pk[32], uint64_t tp,
                          uint64_t period_length);

/* N_hs_cred = SHA3-256("credential" | identity_pk). */
int hs_credential(uint8_t out[32], const uint8_t identity_pk[32]);
/* N_hs_subcred = SHA3-256("subcredential" | N_hs_cred | blinded_pk). */
int hs_subcredential(uint8_t out[HS_SUBCRED_LEN],
                     const uint8_t identity_pk[32],
                     const uint8_t blinded_pk[32]);

/* Big-endian 8-byte integer, the INT_8 of the specs. */
void hs_put_int8(uint8_t out[8], uint64_t v);

#endif
