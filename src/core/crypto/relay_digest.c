/* Running relay digests over OpenSSL's SHA-1 context: see relay_digest.h.
 * The low-level SHA1_* API is deprecated in OpenSSL 3 but is the one whose
 * state is a copyable struct; keep it confined to this file. */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "orconfig.h"
#include "core/crypto/relay_digest.h"

#include "lib/crypt/crypto_util.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

struct relay_digest_t {
  SHA_CTX ctx;
};

static const uint8_t zero_digest_field[RELAY_DIGEST_FIELD_LEN];

relay_digest_t *
relay_digest_new(const uint8_t *seed, size_t seed_len)
{
  relay_digest_t *d;
  if (!seed && seed_len)
    return NULL;
  d = calloc(1, sizeof(*d));
  if (!d)
    return NULL;
  if (SHA1_Init(&d->ctx) != 1 ||
      (seed_len && SHA1_Update(&d->ctx, seed, seed_len) != 1)) {
    relay_digest_free(d);
    return NULL;
  }
  return d;
}

void
relay_digest_free(relay_digest_t *d)
{
  if (!d)
    return;
  memwipe(d, sizeof(*d));
  free(d);
}

/* ctx += payload with the digest field zeroed. */
static void
hash_cell(SHA_CTX *ctx, const uint8_t payload[RELAY_PAYLOAD_LEN])
{
  SHA1_Update(ctx, payload, RELAY_OFF_DIGEST);
  SHA1_Update(ctx, zero_digest_field, RELAY_DIGEST_FIELD_LEN);
  SHA1_Update(ctx, payload + RELAY_OFF_DIGEST + RELAY_DIGEST_FIELD_LEN,
              RELAY_PAYLOAD_LEN - RELAY_OFF_DIGEST - RELAY_DIGEST_FIELD_LEN);
}

/* The digest of what ctx holds, leaving ctx as it is. */
static void
peek(const SHA_CTX *ctx, uint8_t out[RELAY_DIGEST_LEN])
{
  SHA_CTX tmp = *ctx;
  SHA1_Final(out, &tmp);
  memwipe(&tmp, sizeof(tmp));
}

void
relay_digest_add_cell(relay_digest_t *d,
                      const uint8_t payload[RELAY_PAYLOAD_LEN],
                      uint8_t digest_out[RELAY_DIGEST_LEN])
{
  hash_cell(&d->ctx, payload);
  peek(&d->ctx, digest_out);
}

int
relay_digest_check_cell(relay_digest_t *d,
                        const uint8_t payload[RELAY_PAYLOAD_LEN],
                        uint8_t digest_out[RELAY_DIGEST_LEN])
{
  SHA_CTX trial = d->ctx;
  uint8_t got[RELAY_DIGEST_LEN];
  int match;
  hash_cell(&trial, payload);
  peek(&trial, got);
  match = crypto_memeq(got, payload + RELAY_OFF_DIGEST,
                       RELAY_DIGEST_FIELD_LEN);
  if (match) {
    d->ctx = trial;
    memcpy(digest_out, got, RELAY_DIGEST_LEN);
  }
  memwipe(&trial, sizeof(trial));
  return match;
}
