/* CREATE_FAST and KDF-TOR: see onion_fast.h. */
#include "orconfig.h"
#include "core/crypto/onion_fast.h"
#include "lib/crypt/crypto_digest.h"
#include "lib/crypt/crypto_util.h"

#include <string.h>

/* KDF-TOR's stream is KH 20 | Df 20 | Db 20 | Kf 16 | Kb 16 (92 bytes). */
#define KDF_TOR_NEEDED (3 * ONION_FAST_HASH_LEN + 2 * 16)

int
onion_fast_kdf_tor(const uint8_t *k0, size_t k0_len, uint8_t *out, size_t out_len)
{
  uint8_t block[ONION_FAST_HASH_LEN];
  if ((!k0 && k0_len) || (!out && out_len) || out_len > ONION_FAST_KDF_MAX)
    return -1;
  /* d holds k0; each block is a copy of it fed the counter byte. */
  crypto_digest_t *d = crypto_digest_new(DIGEST_SHA1);
  if (!d || crypto_digest_add_bytes(d, k0, k0_len) < 0) {
    crypto_digest_free(d);
    memwipe(out, out_len);
    return -1;
  }
  int rv = 0;
  for (size_t off = 0, i = 0; off < out_len; off += ONION_FAST_HASH_LEN, i++) {
    uint8_t counter = (uint8_t)i;
    crypto_digest_t *h = crypto_digest_dup(d);
    if (!h || crypto_digest_add_bytes(h, &counter, 1) < 0 ||
        crypto_digest_get_digest(h, block, sizeof(block)) < 0) {
      crypto_digest_free(h);
      rv = -1;
      break;
    }
    crypto_digest_free(h);
    size_t n = out_len - off < sizeof(block) ? out_len - off : sizeof(block);
    memcpy(out + off, block, n);
  }
  crypto_digest_free(d);
  memwipe(block, sizeof(block));
  if (rv < 0)
    memwipe(out, out_len);
  return rv;
}

/* From X and Y: KH and the key material in relay_crypto's order. */
static int
derive(const uint8_t x[ONION_FAST_HASH_LEN], const uint8_t y[ONION_FAST_HASH_LEN],
       uint8_t kh[ONION_FAST_HASH_LEN], uint8_t *keys_out, size_t keys_len)
{
  uint8_t k0[2 * ONION_FAST_HASH_LEN], k[KDF_TOR_NEEDED];
  if (keys_len != ONION_FAST_CIRCUIT_KEY_LEN && keys_len != ONION_FAST_KEY_WITH_KH_LEN)
    return -1;
  memcpy(k0, x, ONION_FAST_HASH_LEN);
  memcpy(k0 + ONION_FAST_HASH_LEN, y, ONION_FAST_HASH_LEN);
  int rv = onion_fast_kdf_tor(k0, sizeof(k0), k, sizeof(k));
  if (rv == 0) {
    memcpy(kh, k, ONION_FAST_HASH_LEN);
    memcpy(keys_out, k + ONION_FAST_HASH_LEN, ONION_FAST_CIRCUIT_KEY_LEN);
    if (keys_len == ONION_FAST_KEY_WITH_KH_LEN)
      memcpy(keys_out + ONION_FAST_CIRCUIT_KEY_LEN, k, ONION_FAST_HASH_LEN);
  }
  memwipe(k0, sizeof(k0));
  memwipe(k, sizeof(k));
  return rv;
}

int
onion_fast_client_create_with_x(onion_fast_client_state_t *state,
                                const uint8_t x[ONION_FAST_HASH_LEN],
                                uint8_t onionskin_out[ONION_FAST_ONIONSKIN_LEN])
{
  if (!state || !x || !onionskin_out)
    return -1;
  memcpy(state->x, x, ONION_FAST_HASH_LEN);
  memcpy(onionskin_out, x, ONION_FAST_HASH_LEN);
  return 0;
}

int
onion_fast_client_create(onion_fast_client_state_t *state,
                         uint8_t onionskin_out[ONION_FAST_ONIONSKIN_LEN])
{
  uint8_t x[ONION_FAST_HASH_LEN];
  if (crypto_rand_bytes(x, sizeof(x)) < 0)
    return -1;
  int rv = onion_fast_client_create_with_x(state, x, onionskin_out);
  memwipe(x, sizeof(x));
  return rv;
}

int
onion_fast_client_finish(const onion_fast_client_state_t *state, const uint8_t *reply,
                         size_t reply_len, uint8_t *keys_out, size_t keys_len)
{
  uint8_t kh[ONION_FAST_HASH_LEN];
  if (!keys_out)
    return -1;
  if (keys_len != ONION_FAST_CIRCUIT_KEY_LEN && keys_len != ONION_FAST_KEY_WITH_KH_LEN)
    return -1;
  if (!state || !reply || reply_len < ONION_FAST_REPLY_LEN ||
      derive(state->x, reply, kh, keys_out, keys_len) < 0) {
    memwipe(keys_out, keys_len);
    return -1;
  }
  int ok = crypto_memeq(kh, reply + ONION_FAST_HASH_LEN, ONION_FAST_HASH_LEN);
  memwipe(kh, sizeof(kh));
  if (!ok) {
    memwipe(keys_out, keys_len);
    return -1;
  }
  return 0;
}

int
onion_fast_server_respond_with_y(const uint8_t *onionskin, size_t onionskin_len,
                                 const uint8_t y[ONION_FAST_HASH_LEN],
                                 uint8_t reply_out[ONION_FAST_REPLY_LEN],
                                 uint8_t *keys_out, size_t keys_len)
{
  if (!keys_out)
    return -1;
  if (keys_len != ONION_FAST_CIRCUIT_KEY_LEN && keys_len != ONION_FAST_KEY_WITH_KH_LEN)
    return -1;
  if (!onionskin || onionskin_len < ONION_FAST_ONIONSKIN_LEN || !y || !reply_out ||
      derive(onionskin, y, reply_out + ONION_FAST_HASH_LEN, keys_out, keys_len) < 0) {
    memwipe(keys_out, keys_len);
    return -1;
  }
  memcpy(reply_out, y, ONION_FAST_HASH_LEN);
  return 0;
}

void
onion_fast_client_clear(onion_fast_client_state_t *state)
{
  if (state)
    memwipe(state, sizeof(*state));
}
