/* End-to-end onion service relay crypto: see relay_crypto_hs.h.
 *
 * The running SHA3-256 digests use a Keccak-f[1600] sponge written here
 * from FIPS 202 (rate 136 bytes, domain padding 0x06 ... 0x80), because a
 * running digest must be copied for every cell and OpenSSL 3 allocates on
 * every EVP_MD_CTX copy. */
#include "orconfig.h"
#include "core/crypto/relay_crypto_hs.h"

#include "lib/crypt/aes_ctr.h"
#include "lib/crypt/crypto_util.h"
#include "lib/log/log.h"

#include <stdlib.h>
#include <string.h>

/* ---- SHA3-256 with a copyable state (FIPS 202) ---- */

#define SHA3_256_RATE 136
#define KECCAK_ROUNDS 24

typedef struct sha3_256_state_t {
  uint64_t lane[25];  /* lane (x, y) is lane[x + 5 * y] */
  size_t pos;         /* bytes absorbed into the current block */
} sha3_256_state_t;

/* The iota round constants RC[i] (FIPS 202 3.2.5). */
static const uint64_t keccak_round_constant[KECCAK_ROUNDS] = {
  0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
  0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
  0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
  0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
  0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
  0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
  0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
  0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* The rho rotation offsets of lane (x, y), indexed x + 5 * y (FIPS 202
 * 3.2.2). */
static const unsigned keccak_rho_offset[25] = {
  0, 1, 62, 28, 27,
  36, 44, 6, 55, 20,
  3, 10, 43, 25, 39,
  41, 45, 15, 21, 8,
  18, 2, 61, 56, 14,
};

static uint64_t
rotl64(uint64_t v, unsigned n)
{
  return n ? (v << n) | (v >> (64 - n)) : v;
}

static void
keccak_f1600(uint64_t a[25])
{
  uint64_t c[5], d[5], b[25];
  for (int round = 0; round < KECCAK_ROUNDS; round++) {
    /* theta */
    for (int x = 0; x < 5; x++)
      c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    for (int x = 0; x < 5; x++)
      d[x] = c[(x + 4) % 5] ^ rotl64(c[(x + 1) % 5], 1);
    for (int i = 0; i < 25; i++)
      a[i] ^= d[i % 5];
    /* rho and pi: B[y, 2x + 3y] = rot(A[x, y], r[x, y]) */
    for (int x = 0; x < 5; x++)
      for (int y = 0; y < 5; y++)
        b[y + 5 * ((2 * x + 3 * y) % 5)] =
          rotl64(a[x + 5 * y], keccak_rho_offset[x + 5 * y]);
    /* chi */
    for (int y = 0; y < 5; y++)
      for (int x = 0; x < 5; x++)
        a[x + 5 * y] = b[x + 5 * y] ^
          (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
    /* iota */
    a[0] ^= keccak_round_constant[round];
  }
}

/* XOR one byte into the state at byte offset i (lanes little-endian). */
static void
state_xor_byte(sha3_256_state_t *s, size_t i, uint8_t v)
{
  s->lane[i / 8] ^= (uint64_t)v << (8 * (i % 8));
}

static void
sha3_256_init(sha3_256_state_t *s)
{
  memset(s, 0, sizeof(*s));
}

static void
sha3_256_update(sha3_256_state_t *s, const uint8_t *data, size_t len)
{
  for (size_t i = 0; i < len; i++) {
    state_xor_byte(s, s->pos, data[i]);
    if (++s->pos == SHA3_256_RATE) {
      keccak_f1600(s->lane);
      s->pos = 0;
    }
  }
}

/* The digest of what s holds, leaving s as it is. */
static void
sha3_256_peek(const sha3_256_state_t *s, uint8_t out[HS_E2E_DIGEST_LEN])
{
  sha3_256_state_t t = *s;
  state_xor_byte(&t, t.pos, 0x06);
  state_xor_byte(&t, SHA3_256_RATE - 1, 0x80);
  keccak_f1600(t.lane);
  for (size_t i = 0; i < HS_E2E_DIGEST_LEN; i++)
    out[i] = (uint8_t)(t.lane[i / 8] >> (8 * (i % 8)));
  memwipe(&t, sizeof(t));
}

/* ---- the end-to-end layer ---- */

#define E2E_SEED_LEN 32
#define E2E_CIPHER_KEY_LEN AES256_KEY_LEN

static const uint8_t zero_digest_field[RELAY_DIGEST_FIELD_LEN];

typedef struct e2e_direction_t {
  aes_ctr_cipher_t *cipher;
  sha3_256_state_t digest;
  uint8_t last_digest[HS_E2E_DIGEST_LEN];
} e2e_direction_t;

struct hs_e2e_crypto_t {
  e2e_direction_t out;  /* cells this end sends */
  e2e_direction_t in;   /* cells this end receives */
};

static int
direction_init(e2e_direction_t *dir, const uint8_t *seed, const uint8_t *key)
{
  sha3_256_init(&dir->digest);
  sha3_256_update(&dir->digest, seed, E2E_SEED_LEN);
  dir->cipher = aes_ctr_cipher_new(key, E2E_CIPHER_KEY_LEN, NULL);
  return dir->cipher ? 0 : -1;
}

static void
direction_clear(e2e_direction_t *dir)
{
  aes_ctr_cipher_free(dir->cipher);
  memwipe(dir, sizeof(*dir));
}

hs_e2e_crypto_t *
hs_e2e_crypto_new(const uint8_t *keys, size_t keys_len, int is_service)
{
  hs_e2e_crypto_t *c;
  const uint8_t *df = keys, *db = keys + E2E_SEED_LEN;
  const uint8_t *kf = keys + 2 * E2E_SEED_LEN;
  const uint8_t *kb = kf + E2E_CIPHER_KEY_LEN;
  if (!keys || keys_len < HS_E2E_KEY_MATERIAL_LEN)
    return NULL;
  c = calloc(1, sizeof(*c));
  if (!c)
    return NULL;
  if (is_service) {
    if (direction_init(&c->out, db, kb) < 0 ||
        direction_init(&c->in, df, kf) < 0)
      goto err;
  } else {
    if (direction_init(&c->out, df, kf) < 0 ||
        direction_init(&c->in, db, kb) < 0)
      goto err;
  }
  return c;
 err:
  hs_e2e_crypto_free(c);
  return NULL;
}

void
hs_e2e_crypto_free(hs_e2e_crypto_t *c)
{
  if (!c)
    return;
  direction_clear(&c->out);
  direction_clear(&c->in);
  free(c);
}

/* state += payload with the digest field taken as zero. */
static void
hash_cell(sha3_256_state_t *s, const uint8_t payload[RELAY_PAYLOAD_LEN])
{
  sha3_256_update(s, payload, RELAY_OFF_DIGEST);
  sha3_256_update(s, zero_digest_field, RELAY_DIGEST_FIELD_LEN);
  sha3_256_update(s, payload + RELAY_OFF_DIGEST + RELAY_DIGEST_FIELD_LEN,
                  RELAY_PAYLOAD_LEN - RELAY_OFF_DIGEST -
                  RELAY_DIGEST_FIELD_LEN);
}

int
hs_e2e_crypto_encrypt_outgoing(hs_e2e_crypto_t *c,
                               uint8_t payload[RELAY_PAYLOAD_LEN])
{
  if (!c || !payload)
    return -1;
  payload[RELAY_OFF_RECOGNIZED] = 0;
  payload[RELAY_OFF_RECOGNIZED + 1] = 0;
  hash_cell(&c->out.digest, payload);
  sha3_256_peek(&c->out.digest, c->out.last_digest);
  memcpy(payload + RELAY_OFF_DIGEST, c->out.last_digest,
         RELAY_DIGEST_FIELD_LEN);
  return aes_ctr_cipher_crypt_inplace(c->out.cipher, payload,
                                      RELAY_PAYLOAD_LEN);
}

int
hs_e2e_crypto_decrypt_incoming(hs_e2e_crypto_t *c,
                               uint8_t payload[RELAY_PAYLOAD_LEN])
{
  sha3_256_state_t trial;
  uint8_t got[HS_E2E_DIGEST_LEN];
  int match = 0;
  if (!c || !payload)
    return -1;
  if (aes_ctr_cipher_crypt_inplace(c->in.cipher, payload,
                                   RELAY_PAYLOAD_LEN) < 0)
    return -1;
  if (!payload[RELAY_OFF_RECOGNIZED] && !payload[RELAY_OFF_RECOGNIZED + 1]) {
    trial = c->in.digest;
    hash_cell(&trial, payload);
    sha3_256_peek(&trial, got);
    match = crypto_memeq(got, payload + RELAY_OFF_DIGEST,
                         RELAY_DIGEST_FIELD_LEN);
    if (match) {
      c->in.digest = trial;
      memcpy(c->in.last_digest, got, sizeof(got));
    }
    memwipe(&trial, sizeof(trial));
    memwipe(got, sizeof(got));
  }
  if (!match)
    log_protocol_warn(LD_REND, "Relay cell on a rendezvous circuit not "
                      "recognized by the end-to-end onion service layer");
  return match;
}

const uint8_t *
hs_e2e_crypto_last_outgoing_digest(const hs_e2e_crypto_t *c)
{
  return c->out.last_digest;
}

const uint8_t *
hs_e2e_crypto_last_incoming_digest(const hs_e2e_crypto_t *c)
{
  return c->in.last_digest;
}
