/* The onion service handshake "ntor with extra data" (rend-spec-v3
 * 3.3.2 [NTOR-WITH-EXTRA-DATA], 4.2 [JOIN_REND] and 4.2.1 key expansion).
 * Pure computation on caller buffers; nothing here allocates per cell.
 *
 * Notation: B/b is the introduction point's encryption key pair
 * (KP_hss_ntor, from the descriptor's "enc-key ntor"), AUTH_KEY the
 * introduction point's Ed25519 authentication key, X/x the client's
 * ephemeral key (CLIENT_PK), Y/y the service's ephemeral key, and
 * subcred the service's N_hs_subcred for the time period.
 *
 *   MAC(k, m)  = SHA3-256(INT_8(len(k)) | k | m)
 *   PROTOID    = "tor-hs-ntor-curve25519-sha3-256-1"
 *
 * Introduction layer (INTRODUCE1/2, both sides compute the same keys):
 *   intro_secret_hs_input = EXP(B,x) | AUTH_KEY | X | B | PROTOID
 *                           (the service computes EXP(X,b))
 *   info    = m_hsexpand | subcred
 *   hs_keys = SHAKE-256(intro_secret_hs_input | t_hsenc | info)[0:64]
 *   ENC_KEY = hs_keys[0:32]   AES-256-CTR key, IV zero, for ENCRYPTED_DATA
 *   MAC_KEY = hs_keys[32:64]  key of the INTRODUCE1 MAC
 *
 * Rendezvous layer (RENDEZVOUS1 HANDSHAKE_INFO = Y | AUTH):
 *   rend_secret_hs_input = EXP(X,y) | EXP(X,b) | AUTH_KEY | B | X | Y |
 *                          PROTOID
 *   NTOR_KEY_SEED = MAC(rend_secret_hs_input, t_hsenc)
 *   verify        = MAC(rend_secret_hs_input, t_hsverify)
 *   auth_input    = verify | AUTH_KEY | B | Y | X | PROTOID | "Server"
 *   AUTH          = MAC(auth_input, t_hsmac)
 *   K = SHAKE-256(NTOR_KEY_SEED | m_hsexpand)[0:128]
 *     = Df 32 | Db 32 | Kf 32 | Kb 32   (the end-to-end hop: see
 *                                        relay_crypto_hs.h)
 *
 * All functions return 0 on success and -1 on failure (a degenerate
 * public key giving an all-zero shared secret, a bad AUTH, or a bad
 * argument); on failure every output is zeroed. */
#ifndef TOR_CORE_CRYPTO_HS_NTOR_H
#define TOR_CORE_CRYPTO_HS_NTOR_H

#include <stddef.h>
#include <stdint.h>

#define HS_NTOR_KEY_LEN 32       /* curve25519 keys and secrets */
#define HS_NTOR_AUTH_KEY_LEN 32  /* Ed25519 AUTH_KEY */
#define HS_NTOR_SUBCRED_LEN 32
#define HS_NTOR_MAC_LEN 32
#define HS_NTOR_ENC_KEY_LEN 32   /* AES-256 */
#define HS_NTOR_KEY_SEED_LEN 32
/* RENDEZVOUS1 HANDSHAKE_INFO: SERVER_PK Y 32 | AUTH 32. */
#define HS_NTOR_REPLY_LEN (HS_NTOR_KEY_LEN + HS_NTOR_MAC_LEN)
/* Df 32 | Db 32 | Kf 32 | Kb 32. */
#define HS_NTOR_E2E_KEY_LEN 128

/* The introduction-layer keys. Wipe after use (memwipe). */
typedef struct hs_ntor_intro_keys_t {
  uint8_t enc_key[HS_NTOR_ENC_KEY_LEN];
  uint8_t mac_key[HS_NTOR_MAC_LEN];
} hs_ntor_intro_keys_t;

/* MAC(key, msg) = SHA3-256(INT_8(keylen) | key | msg) (rend-spec-v3 0.3),
 * the MAC of the INTRODUCE1 cell, of ESTABLISH_INTRO's HANDSHAKE_AUTH and
 * of the handshake itself. */
int hs_ntor_mac(uint8_t out[HS_NTOR_MAC_LEN], const uint8_t *key,
                size_t keylen, const uint8_t *msg, size_t msglen);

/* Client: the introduction keys for INTRODUCE1, from its ephemeral secret
 * x (public X) and the introduction point's B and AUTH_KEY. */
int hs_ntor_client_intro_keys(hs_ntor_intro_keys_t *out,
                              const uint8_t x[HS_NTOR_KEY_LEN],
                              const uint8_t X[HS_NTOR_KEY_LEN],
                              const uint8_t B[HS_NTOR_KEY_LEN],
                              const uint8_t auth_key[HS_NTOR_AUTH_KEY_LEN],
                              const uint8_t subcred[HS_NTOR_SUBCRED_LEN]);

/* Service: the same keys from INTRODUCE2's CLIENT_PK X and the
 * introduction point's key pair (b, B). */
int hs_ntor_service_intro_keys(hs_ntor_intro_keys_t *out,
                               const uint8_t b[HS_NTOR_KEY_LEN],
                               const uint8_t B[HS_NTOR_KEY_LEN],
                               const uint8_t auth_key[HS_NTOR_AUTH_KEY_LEN],
                               const uint8_t X[HS_NTOR_KEY_LEN],
                               const uint8_t subcred[HS_NTOR_SUBCRED_LEN]);

/* Service: answer the client X with a fresh y. Writes HANDSHAKE_INFO
 * (Y | AUTH) for RENDEZVOUS1 and the 128 bytes of end-to-end key
 * material Df | Db | Kf | Kb. */
int hs_ntor_service_rendezvous(const uint8_t b[HS_NTOR_KEY_LEN],
                               const uint8_t B[HS_NTOR_KEY_LEN],
                               const uint8_t auth_key[HS_NTOR_AUTH_KEY_LEN],
                               const uint8_t X[HS_NTOR_KEY_LEN],
                               uint8_t reply_out[HS_NTOR_REPLY_LEN],
                               uint8_t keys_out[HS_NTOR_E2E_KEY_LEN]);

/* The same with a given ephemeral secret y (known-answer tests). */
int hs_ntor_service_rendezvous_with_secret(
    const uint8_t b[HS_NTOR_KEY_LEN], const uint8_t B[HS_NTOR_KEY_LEN],
    const uint8_t auth_key[HS_NTOR_AUTH_KEY_LEN],
    const uint8_t X[HS_NTOR_KEY_LEN], const uint8_t y[HS_NTOR_KEY_LEN],
    uint8_t reply_out[HS_NTOR_REPLY_LEN],
    uint8_t keys_out[HS_NTOR_E2E_KEY_LEN]);

/* Client: check RENDEZVOUS2's HANDSHAKE_INFO (Y | AUTH) against its x and
 * the introduction point's B and AUTH_KEY (AUTH compared in constant
 * time), then write the end-to-end key material. */
int hs_ntor_client_rendezvous(const uint8_t x[HS_NTOR_KEY_LEN],
                              const uint8_t X[HS_NTOR_KEY_LEN],
                              const uint8_t B[HS_NTOR_KEY_LEN],
                              const uint8_t auth_key[HS_NTOR_AUTH_KEY_LEN],
                              const uint8_t reply[HS_NTOR_REPLY_LEN],
                              uint8_t keys_out[HS_NTOR_E2E_KEY_LEN]);

/* K = SHAKE-256(NTOR_KEY_SEED | m_hsexpand), out_len bytes (128 for the
 * end-to-end hop). */
int hs_ntor_expand_keys(const uint8_t key_seed[HS_NTOR_KEY_SEED_LEN],
                        uint8_t *out, size_t out_len);

#endif
