/* The CREATE_FAST circuit handshake (tor-spec 5.1.5) and its key
 * derivation, KDF-TOR (tor-spec 5.2.1). Pure computation on caller
 * buffers; for a first hop only, whose identity TLS already proved (a
 * one-hop directory circuit to a relay whose onion key we do not know).
 *
 * Client: onion_fast_client_create() picks X (20 random bytes), keeps it in
 * a caller-owned onion_fast_client_state_t and writes the CREATE_FAST
 * payload (X); onion_fast_client_finish(state, reply, len, ...) takes the
 * CREATED_FAST payload (Y 20 | KH 20; len >= 40, the rest ignored), checks
 * KH against KDF-TOR(X | Y) in constant time and writes key material laid
 * out as relay_crypto_new() takes it: Df 20 | Db 20 | Kf 16 | Kb 16, then
 * KH 20 (ONION_FAST_KEY_WITH_KH_LEN). Wipe the state with
 * onion_fast_client_clear(). Functions return 0 or -1; on failure the
 * output keys are zeroed. */
#ifndef TOR_CORE_CRYPTO_ONION_FAST_H
#define TOR_CORE_CRYPTO_ONION_FAST_H

#include <stddef.h>
#include <stdint.h>

#define ONION_FAST_HASH_LEN 20                              /* SHA-1 */
#define ONION_FAST_ONIONSKIN_LEN ONION_FAST_HASH_LEN        /* X */
#define ONION_FAST_REPLY_LEN (2 * ONION_FAST_HASH_LEN)      /* Y | KH */
/* Df 20 | Db 20 | Kf 16 | Kb 16, as relay_crypto_new() wants them. */
#define ONION_FAST_CIRCUIT_KEY_LEN 72
/* ... followed by KH 20. */
#define ONION_FAST_KEY_WITH_KH_LEN 92
/* KDF-TOR's output may be at most 256 SHA-1 blocks (the counter is a byte). */
#define ONION_FAST_KDF_MAX (256 * ONION_FAST_HASH_LEN)

typedef struct onion_fast_client_state_t {
  uint8_t x[ONION_FAST_HASH_LEN];
} onion_fast_client_state_t;

/* KDF-TOR: out = H(k0 | 00) | H(k0 | 01) | ... truncated to out_len
 * (<= ONION_FAST_KDF_MAX) bytes, H = SHA-1. */
int onion_fast_kdf_tor(const uint8_t *k0, size_t k0_len, uint8_t *out, size_t out_len);

/* Picks a fresh X and writes it into onionskin_out. */
int onion_fast_client_create(onion_fast_client_state_t *state,
                             uint8_t onionskin_out[ONION_FAST_ONIONSKIN_LEN]);
/* The same with a given X (for known-answer tests). */
int onion_fast_client_create_with_x(onion_fast_client_state_t *state,
                                    const uint8_t x[ONION_FAST_HASH_LEN],
                                    uint8_t onionskin_out[ONION_FAST_ONIONSKIN_LEN]);

/* Parses the CREATED_FAST payload reply (reply_len bytes, at least
 * ONION_FAST_REPLY_LEN), verifies its KH and writes keys_len (72 or 92)
 * bytes of key material: Df | Db | Kf | Kb [| KH]. The state stays valid. */
int onion_fast_client_finish(const onion_fast_client_state_t *state, const uint8_t *reply,
                             size_t reply_len, uint8_t *keys_out, size_t keys_len);

/* Relay side (for tests, and the relay role later): answers the
 * CREATE_FAST payload (onionskin_len >= 20) with the given Y: writes
 * Y | KH into reply_out and keys_len (72 or 92) bytes of key material. */
int onion_fast_server_respond_with_y(const uint8_t *onionskin, size_t onionskin_len,
                                     const uint8_t y[ONION_FAST_HASH_LEN],
                                     uint8_t reply_out[ONION_FAST_REPLY_LEN],
                                     uint8_t *keys_out, size_t keys_len);

void onion_fast_client_clear(onion_fast_client_state_t *state);

#endif
