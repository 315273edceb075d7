/* Relay cell crypto: see relay_crypto.h. */
#include "orconfig.h"
#include "core/crypto/relay_crypto.h"

#include "lib/crypt/aes_ctr.h"
#include "lib/crypt/crypto_util.h"
#include "lib/log/log.h"

#include <stdlib.h>
#include <string.h>

#define DIGEST_SEED_LEN 20
#define CIPHER_KEY_LEN AES128_KEY_LEN

/* One direction of one hop. */
typedef struct relay_direction_t {
  aes_ctr_cipher_t *cipher;
  relay_digest_t *digest;
  uint8_t last_digest[RELAY_DIGEST_LEN];
} relay_direction_t;

struct relay_crypto_t {
  relay_direction_t fwd;   /* client -> hop: Df, Kf */
  relay_direction_t back;  /* hop -> client: Db, Kb */
};

static int
direction_init(relay_direction_t *dir, const uint8_t *seed,
               const uint8_t *key)
{
  dir->digest = relay_digest_new(seed, DIGEST_SEED_LEN);
  dir->cipher = aes_ctr_cipher_new(key, CIPHER_KEY_LEN, NULL);
  return (dir->digest && dir->cipher) ? 0 : -1;
}

static void
direction_clear(relay_direction_t *dir)
{
  relay_digest_free(dir->digest);
  aes_ctr_cipher_free(dir->cipher);
  memwipe(dir, sizeof(*dir));
}

relay_crypto_t *
relay_crypto_new(const uint8_t *keys, size_t keys_len)
{
  relay_crypto_t *rc;
  const uint8_t *df = keys, *db = keys + DIGEST_SEED_LEN;
  const uint8_t *kf = keys + 2 * DIGEST_SEED_LEN;
  const uint8_t *kb = kf + CIPHER_KEY_LEN;
  if (!keys || keys_len < RELAY_CRYPTO_KEY_MATERIAL_LEN)
    return NULL;
  rc = calloc(1, sizeof(*rc));
  if (!rc)
    return NULL;
  if (direction_init(&rc->fwd, df, kf) < 0 ||
      direction_init(&rc->back, db, kb) < 0) {
    relay_crypto_free(rc);
    return NULL;
  }
  return rc;
}

void
relay_crypto_free(relay_crypto_t *rc)
{
  if (!rc)
    return;
  direction_clear(&rc->fwd);
  direction_clear(&rc->back);
  free(rc);
}

/* Make payload a cell this end originates in dir: recognized 0, then the
 * first bytes of the running digest in the digest field. */
static void
seal(relay_direction_t *dir, uint8_t payload[RELAY_PAYLOAD_LEN])
{
  payload[RELAY_OFF_RECOGNIZED] = 0;
  payload[RELAY_OFF_RECOGNIZED + 1] = 0;
  relay_digest_add_cell(dir->digest, payload, dir->last_digest);
  memcpy(payload + RELAY_OFF_DIGEST, dir->last_digest, RELAY_DIGEST_FIELD_LEN);
}

/* Is the just-decrypted payload meant for the end of dir? 'recognized'
 * is a cheap filter (nonzero for almost every cell in transit); the digest
 * decides, and only a match touches the running digest. */
static int
recognize(relay_direction_t *dir, const uint8_t payload[RELAY_PAYLOAD_LEN])
{
  if (payload[RELAY_OFF_RECOGNIZED] || payload[RELAY_OFF_RECOGNIZED + 1])
    return 0;
  return relay_digest_check_cell(dir->digest, payload, dir->last_digest);
}

static int
crypt_layer(relay_direction_t *dir, uint8_t payload[RELAY_PAYLOAD_LEN])
{
  return aes_ctr_cipher_crypt_inplace(dir->cipher, payload,
                                      RELAY_PAYLOAD_LEN);
}

int
relay_crypto_client_encrypt(relay_crypto_t *const *hops, int target,
                            uint8_t payload[RELAY_PAYLOAD_LEN])
{
  if (!hops || target < 0 || !payload)
    return -1;
  seal(&hops[target]->fwd, payload);
  for (int i = target; i >= 0; i--) {
    if (crypt_layer(&hops[i]->fwd, payload) < 0)
      return -1;
  }
  return 0;
}

int
relay_crypto_client_add_layers(relay_crypto_t *const *hops, int n_hops,
                               uint8_t payload[RELAY_PAYLOAD_LEN])
{
  if (!hops || n_hops < 0 || !payload)
    return -1;
  for (int i = n_hops - 1; i >= 0; i--) {
    if (crypt_layer(&hops[i]->fwd, payload) < 0)
      return -1;
  }
  return 0;
}

int
relay_crypto_client_decrypt(relay_crypto_t *const *hops, int n_hops,
                            uint8_t payload[RELAY_PAYLOAD_LEN])
{
  if (!hops || n_hops <= 0 || !payload)
    return -1;
  for (int i = 0; i < n_hops; i++) {
    if (crypt_layer(&hops[i]->back, payload) < 0)
      return -1;
    if (recognize(&hops[i]->back, payload))
      return i;
  }
  /* Not ours at any hop: the caller decides whether that is a protocol
   * violation (it is not on a rendezvous circuit, where the end-to-end
   * hop comes next). */
  return -1;
}

int
relay_crypto_relay_decrypt_forward(relay_crypto_t *rc,
                                   uint8_t payload[RELAY_PAYLOAD_LEN])
{
  if (!rc || !payload || crypt_layer(&rc->fwd, payload) < 0)
    return -1;
  return recognize(&rc->fwd, payload);
}

int
relay_crypto_relay_encrypt_backward(relay_crypto_t *rc,
                                    uint8_t payload[RELAY_PAYLOAD_LEN],
                                    int originate)
{
  if (!rc || !payload)
    return -1;
  if (originate)
    seal(&rc->back, payload);
  return crypt_layer(&rc->back, payload);
}

const uint8_t *
relay_crypto_last_forward_digest(const relay_crypto_t *rc)
{
  return rc->fwd.last_digest;
}

const uint8_t *
relay_crypto_last_backward_digest(const relay_crypto_t *rc)
{
  return rc->back.last_digest;
}
