/* The ntor v3 circuit handshake (proposal 332, CREATE2/EXTEND2 HTYPE
 * ONION_HTYPE_NTOR_V3 = 0x0003): ntor with an encrypted, authenticated
 * message each way. Pure computation on caller buffers: the states live
 * in caller-owned structs (only OpenSSL's short-lived digest and cipher
 * contexts are allocated, and freed, inside each call).
 *
 *   onionskin (HDATA of CREATE2): ID 32 | B 32 | X 32 | MSG len(CM) | MAC 32
 *   reply (HDATA of CREATED2):    Y 32 | AUTH 32 | MSG len(SM)
 *
 * ID is the relay's Ed25519 identity, B its ntor onion key (the
 * descriptor's ntor-onion-key), CM and SM the client's and the server's
 * messages (extension lists, see onion_ntor_v3_ext.h). VER, the
 * verification string, must be the same on both sides; for circuit
 * extension real tor (and arti) use ONION_NTOR3_CIRC_VERIFICATION,
 * "circuit extend" (not the empty string; proposal 332 does not say it).
 *
 * Client: onion_ntor3_client_create() writes the onionskin and keeps x in
 * an onion_ntor3_client_state_t; onion_ntor3_client_finish() checks AUTH in
 * constant time over the whole reply, and only then decrypts SM and writes
 * the key material. Server: onion_ntor3_server_parse() checks the onionskin
 * (our ID, one of our onion keys, the MAC) and decrypts CM;
 * onion_ntor3_server_reply() then answers with the SM the caller composed
 * from CM, and writes the same key material.
 *
 * Key material: KDF_final = SHAKE-256(ENCAP(t_final) | key_seed) is one
 * stream; its first 32 bytes are ENC_KEY (AES-256-CTR key of SM) and
 * everything after is what these functions write to keys_out (proposal 332
 * calls it KEYSTREAM), as many bytes as asked. For circuit extension it is
 * laid out as with ntor v1 (prop 332 A.2): Df 20 | Db 20 | Kf 16 | Kb 16 |
 * KH 20. Ask for ONION_NTOR3_CIRCUIT_KEY_LEN (72) bytes and hand them to
 * relay_crypto_new(), which keeps using SHA-1 running digests and
 * AES-128-CTR: only the key derivation changes with ntor v3. Wipe the key
 * buffer (memwipe) after that.
 *
 * Every function returns 0 on success and -1 on failure (bad argument,
 * short output buffer, wrong length, wrong ID or KEYID, bad MAC or AUTH,
 * degenerate public key); on failure every output buffer is zeroed over the
 * capacity the caller gave, and every *_len_out is 0. */
#ifndef TOR_CORE_CRYPTO_ONION_NTOR_V3_H
#define TOR_CORE_CRYPTO_ONION_NTOR_V3_H

#include <stddef.h>
#include <stdint.h>

#define NTOR3_ID_LEN 32          /* Ed25519 identity */
#define NTOR3_KEY_LEN 32         /* curve25519 keys */
#define NTOR3_MAC_LEN 32         /* msg_mac and AUTH (SHA3-256) */
/* ID | B | X | MAC: the onionskin without CM. */
#define NTOR3_ONIONSKIN_OVERHEAD (NTOR3_ID_LEN + 2 * NTOR3_KEY_LEN + \
                                  NTOR3_MAC_LEN)          /* 128 */
/* Y | AUTH: the reply without SM. */
#define NTOR3_REPLY_OVERHEAD (NTOR3_KEY_LEN + NTOR3_MAC_LEN) /* 64 */

#define ONION_NTOR3_CIRC_VERIFICATION "circuit extend"
#define ONION_NTOR3_CIRC_VERIFICATION_LEN \
  (sizeof(ONION_NTOR3_CIRC_VERIFICATION) - 1)
/* The longest VER the states below can keep. */
#define ONION_NTOR3_MAX_VERIFICATION_LEN 64

/* Df 20 | Db 20 | Kf 16 | Kb 16 (RELAY_CRYPTO_KEY_MATERIAL_LEN) ... */
#define ONION_NTOR3_CIRCUIT_KEY_LEN 72
/* ... followed by KH 20. */
#define ONION_NTOR3_CIRCUIT_KEY_WITH_KH_LEN 92

/* What the client keeps between CREATE2 and CREATED2. Caller-owned (embed
 * it in the hop); holds the ephemeral secret x and EXP(B,x). Wipe with
 * onion_ntor3_client_clear(). */
typedef struct onion_ntor3_client_state_t {
  uint8_t x[NTOR3_KEY_LEN];        /* ephemeral secret */
  uint8_t X[NTOR3_KEY_LEN];        /* its public key */
  uint8_t B[NTOR3_KEY_LEN];        /* relay's ntor onion key */
  uint8_t id[NTOR3_ID_LEN];        /* relay's Ed25519 identity */
  uint8_t Bx[NTOR3_KEY_LEN];       /* EXP(B,x) */
  uint8_t msg_mac[NTOR3_MAC_LEN];  /* the onionskin's MAC, bound into AUTH */
  uint8_t ver[ONION_NTOR3_MAX_VERIFICATION_LEN];
  size_t ver_len;
} onion_ntor3_client_state_t;

/* Start a handshake with the relay (id, B): pick a fresh x, encrypt the
 * client message cm (cm_len bytes, may be 0) and write the onionskin
 * (NTOR3_ONIONSKIN_OVERHEAD + cm_len bytes) into out, of cap bytes; its
 * length goes to *out_len. ver: ver_len bytes, at most
 * ONION_NTOR3_MAX_VERIFICATION_LEN. On failure state is wiped too. */
int onion_ntor3_client_create(onion_ntor3_client_state_t *state,
                              const uint8_t id[NTOR3_ID_LEN],
                              const uint8_t B[NTOR3_KEY_LEN],
                              const uint8_t *ver, size_t ver_len,
                              const uint8_t *cm, size_t cm_len,
                              uint8_t *out, size_t cap, size_t *out_len);

/* The same with a given ephemeral secret x (known-answer tests). */
int onion_ntor3_client_create_with_secret(
    onion_ntor3_client_state_t *state, const uint8_t id[NTOR3_ID_LEN],
    const uint8_t B[NTOR3_KEY_LEN], const uint8_t x[NTOR3_KEY_LEN],
    const uint8_t *ver, size_t ver_len, const uint8_t *cm, size_t cm_len,
    uint8_t *out, size_t cap, size_t *out_len);

/* Finish with the server's reply (reply_len bytes, Y | AUTH | MSG): verify
 * AUTH, then write SM (reply_len - 64 bytes) into sm_out of sm_cap bytes
 * (*sm_len_out its length; sm_out may be NULL if sm_cap is 0, for an
 * empty SM) and keys_len bytes of key material. A reply shorter than 64
 * bytes, a degenerate Y, a bad AUTH or an SM longer than sm_cap fails.
 * The state is left as it was (the caller clears it). */
int onion_ntor3_client_finish(const onion_ntor3_client_state_t *state,
                              const uint8_t *reply, size_t reply_len,
                              uint8_t *sm_out, size_t sm_cap,
                              size_t *sm_len_out,
                              uint8_t *keys_out, size_t keys_len);

void onion_ntor3_client_clear(onion_ntor3_client_state_t *state);

/* One of the relay's ntor onion key pairs: the current one and those
 * rotated out but still accepted (tor keeps the old key for 7 days). */
typedef struct onion_ntor3_server_key_t {
  uint8_t b[NTOR3_KEY_LEN];        /* secret */
  uint8_t B[NTOR3_KEY_LEN];        /* public */
} onion_ntor3_server_key_t;

/* What the relay keeps between reading the onionskin and answering it.
 * Caller-owned; holds EXP(X,b). Wipe with onion_ntor3_server_clear(). */
typedef struct onion_ntor3_server_state_t {
  uint8_t id[NTOR3_ID_LEN];
  uint8_t B[NTOR3_KEY_LEN];        /* the onion key the client named */
  uint8_t X[NTOR3_KEY_LEN];
  uint8_t Xb[NTOR3_KEY_LEN];       /* EXP(X,b) */
  uint8_t msg_mac[NTOR3_MAC_LEN];
  uint8_t ver[ONION_NTOR3_MAX_VERIFICATION_LEN];
  size_t ver_len;
} onion_ntor3_server_state_t;

/* Server, step 1: check that the onionskin (len bytes) names our identity
 * id and one of our n_keys onion keys, check its MAC, and write the
 * decrypted client message (len - 128 bytes) into cm_out of cm_cap bytes
 * (*cm_len_out its length). Fills state for onion_ntor3_server_reply().
 * On failure the state is wiped. */
int onion_ntor3_server_parse(onion_ntor3_server_state_t *state,
                             const uint8_t id[NTOR3_ID_LEN],
                             const onion_ntor3_server_key_t *keys,
                             size_t n_keys,
                             const uint8_t *ver, size_t ver_len,
                             const uint8_t *onionskin, size_t len,
                             uint8_t *cm_out, size_t cm_cap,
                             size_t *cm_len_out);

/* Server, step 2: pick a fresh y, encrypt the server message sm (sm_len
 * bytes, may be 0) and write the reply (NTOR3_REPLY_OVERHEAD + sm_len
 * bytes) into out of cap bytes (*out_len its length), and keys_len bytes of
 * key material. The state is left as it was (the caller clears it). */
int onion_ntor3_server_reply(const onion_ntor3_server_state_t *state,
                             const uint8_t *sm, size_t sm_len,
                             uint8_t *out, size_t cap, size_t *out_len,
                             uint8_t *keys_out, size_t keys_len);

/* The same with a given ephemeral secret y (known-answer tests). */
int onion_ntor3_server_reply_with_secret(
    const onion_ntor3_server_state_t *state, const uint8_t y[NTOR3_KEY_LEN],
    const uint8_t *sm, size_t sm_len, uint8_t *out, size_t cap,
    size_t *out_len, uint8_t *keys_out, size_t keys_len);

void onion_ntor3_server_clear(onion_ntor3_server_state_t *state);

#endif
