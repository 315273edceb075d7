/* The ntor circuit handshake (tor-spec 5.1.4) and its key expansion,
 * KDF-RFC5869 (tor-spec 5.2.2). Pure computation on caller buffers.
 *
 * Client: onion_ntor_client_create() fills the 84-byte onionskin
 * (ID 20 | B 32 | X 32) for CREATE2/EXTEND2 and keeps the secret in a
 * caller-owned onion_ntor_client_state_t; onion_ntor_client_finish() takes
 * the server's 64-byte reply (Y 32 | AUTH 32), checks AUTH in constant time
 * and writes key material. Wipe the state with onion_ntor_client_clear().
 *
 * Server: onion_ntor_server_respond() takes the onionskin and the relay's
 * ntor key pair and writes the reply and the same key material.
 *
 * Key material is the KDF-RFC5869 stream for KEY_SEED with m_expand, of any
 * length up to ONION_NTOR_MAX_KEY_MATERIAL; the circuit needs
 * ONION_NTOR_CIRCUIT_KEY_LEN bytes: Df 20 | Db 20 | Kf 16 | Kb 16, and KH 20
 * follows them. All functions return 0 on success and -1 on failure; on
 * failure output keys are zeroed. */
#ifndef TOR_CORE_CRYPTO_ONION_NTOR_H
#define TOR_CORE_CRYPTO_ONION_NTOR_H

#include <stddef.h>
#include <stdint.h>

#define NTOR_ID_LEN 20
#define NTOR_KEY_LEN 32
#define NTOR_ONIONSKIN_LEN (NTOR_ID_LEN + NTOR_KEY_LEN + NTOR_KEY_LEN) /* 84 */
#define NTOR_REPLY_LEN (NTOR_KEY_LEN + 32)                             /* 64 */
#define NTOR_KEY_SEED_LEN 32

/* Df 20 | Db 20 | Kf 16 | Kb 16. */
#define ONION_NTOR_CIRCUIT_KEY_LEN 72
/* ... followed by KH 20 (the nonce rend-spec calls KH). */
#define ONION_NTOR_CIRCUIT_KEY_WITH_KH_LEN 92
#define ONION_NTOR_MAX_KEY_MATERIAL (255 * 32)

/* What the client keeps between CREATE2 and CREATED2. Owned by the caller
 * (embed it in the hop); contains the ephemeral secret. */
typedef struct onion_ntor_client_state_t {
  uint8_t x[NTOR_KEY_LEN];            /* ephemeral secret */
  uint8_t X[NTOR_KEY_LEN];            /* its public key */
  uint8_t B[NTOR_KEY_LEN];            /* relay's ntor onion key */
  uint8_t node_id[NTOR_ID_LEN];       /* relay's RSA identity digest */
} onion_ntor_client_state_t;

/* Start a handshake with the relay whose RSA identity digest is node_id and
 * whose ntor onion key is B: pick a fresh x and write ID | B | X into
 * onionskin_out. */
int onion_ntor_client_create(onion_ntor_client_state_t *state,
                             const uint8_t node_id[NTOR_ID_LEN],
                             const uint8_t B[NTOR_KEY_LEN],
                             uint8_t onionskin_out[NTOR_ONIONSKIN_LEN]);

/* The same with a given ephemeral secret x (for known-answer tests). */
int onion_ntor_client_create_with_secret(
    onion_ntor_client_state_t *state, const uint8_t node_id[NTOR_ID_LEN],
    const uint8_t B[NTOR_KEY_LEN], const uint8_t x[NTOR_KEY_LEN],
    uint8_t onionskin_out[NTOR_ONIONSKIN_LEN]);

/* Finish with the server's reply (Y | AUTH): verify AUTH and write keys_len
 * bytes of key material. Fails on a bad AUTH or a degenerate Y. The state
 * stays valid (the caller clears it). */
int onion_ntor_client_finish(const onion_ntor_client_state_t *state,
                             const uint8_t reply[NTOR_REPLY_LEN],
                             uint8_t *keys_out, size_t keys_len);

/* Wipe the secret in state. */
void onion_ntor_client_clear(onion_ntor_client_state_t *state);

/* Server side: check that onionskin names us (node_id and B), answer with a
 * fresh y and write the reply and keys_len bytes of key material. b is the
 * ntor onion secret key whose public key is B. Fails if the onionskin is
 * for another identity or key, or X is degenerate. */
int onion_ntor_server_respond(const uint8_t onionskin[NTOR_ONIONSKIN_LEN],
                              const uint8_t node_id[NTOR_ID_LEN],
                              const uint8_t b[NTOR_KEY_LEN],
                              const uint8_t B[NTOR_KEY_LEN],
                              uint8_t reply_out[NTOR_REPLY_LEN],
                              uint8_t *keys_out, size_t keys_len);

/* The same with a given ephemeral secret y (for known-answer tests). */
int onion_ntor_server_respond_with_secret(
    const uint8_t onionskin[NTOR_ONIONSKIN_LEN],
    const uint8_t node_id[NTOR_ID_LEN], const uint8_t b[NTOR_KEY_LEN],
    const uint8_t B[NTOR_KEY_LEN], const uint8_t y[NTOR_KEY_LEN],
    uint8_t reply_out[NTOR_REPLY_LEN], uint8_t *keys_out, size_t keys_len);

/* KDF-RFC5869 as tor-spec 5.2.2 writes it: out_len bytes of
 * K_1 | K_2 | ... with K_1 = H(m_expand | INT8(1), key_seed) and
 * K_(i+1) = H(K_i | m_expand | INT8(i+1), key_seed), H being HMAC-SHA256
 * keyed with key_seed (this is HKDF-Expand with PRK key_seed, info
 * m_expand). out_len at most ONION_NTOR_MAX_KEY_MATERIAL. */
int onion_ntor_expand_keys(const uint8_t *key_seed, size_t key_seed_len,
                           const uint8_t *m_expand, size_t m_expand_len,
                           uint8_t *out, size_t out_len);

#endif
