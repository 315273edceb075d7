/* The encryption of the two inner layers of a v3 descriptor
 * (rend-spec-v3 2.5.3):
 *   keys  = SHAKE-256(SECRET_DATA | N_hs_subcred | INT_8(revision_counter)
 *                     | SALT | STRING_CONSTANT)[0..80)
 *         = SECRET_KEY (32) | SECRET_IV (16) | MAC_KEY (32)
 *   blob  = SALT (16) | AES-256-CTR(SECRET_KEY, SECRET_IV, plaintext) | MAC
 *   MAC   = SHA3-256(INT_8(32) | MAC_KEY | INT_8(16) | SALT | ciphertext)
 * SECRET_DATA is the blinded public key, followed for the encrypted layer
 * by the descriptor cookie when the service uses client authorization
 * (2.5.2.1; the *_with_cookie forms). The outer
 * ("superencrypted") plaintext is padded with NULs to a multiple of
 * HS_DESC_PADDING_MULTIPLE before encryption; the inner one is not (real
 * tor 0.4.9 does the same). */
#ifndef TOR_FEATURE_HS_HS_DESC_LAYER_H
#define TOR_FEATURE_HS_HS_DESC_LAYER_H

#include <stddef.h>
#include <stdint.h>

#define HS_DESC_SALT_LEN 16
#define HS_DESC_MAC_LEN 32
#define HS_DESC_LAYER_OVERHEAD (HS_DESC_SALT_LEN + HS_DESC_MAC_LEN)
#define HS_DESC_PADDING_MULTIPLE 10000

typedef enum {
  HS_DESC_LAYER_SUPERENCRYPTED,   /* "hsdir-superencrypted-data" */
  HS_DESC_LAYER_ENCRYPTED,        /* "hsdir-encrypted-data" */
} hs_desc_layer_t;

/* The secrets both layers are keyed with. */
typedef struct hs_desc_layer_keys_t {
  uint8_t blinded_pk[32];
  uint8_t subcredential[32];
  uint64_t revision_counter;
} hs_desc_layer_keys_t;

/* Encrypt len bytes of plaintext for layer with the given salt (callers
 * pass fresh random bytes; tests pass fixed ones). The superencrypted
 * layer is padded first. Returns a malloc'd blob (caller frees) and sets
 * *blob_len, or NULL on failure. */
uint8_t *hs_desc_layer_encrypt(hs_desc_layer_t layer,
                               const hs_desc_layer_keys_t *keys,
                               const uint8_t salt[HS_DESC_SALT_LEN],
                               const uint8_t *plaintext, size_t len,
                               size_t *blob_len);

/* Check the MAC of blob_len bytes and decrypt them. Returns a malloc'd
 * plaintext with a NUL appended (caller frees; padding is kept, so the
 * caller stops at the first NUL if it wants text) and sets *len, or NULL
 * if the blob is too short, the MAC differs or on error. */
uint8_t *hs_desc_layer_decrypt(hs_desc_layer_t layer,
                               const hs_desc_layer_keys_t *keys,
                               const uint8_t *blob, size_t blob_len,
                               size_t *len);

/* As above, with SECRET_DATA = blinded_pk | cookie[0..cookie_len) (the
 * encrypted layer under client authorization; cookie NULL or cookie_len 0
 * is the plain form). cookie_len is at most HS_DESC_COOKIE_MAX_LEN. */
uint8_t *hs_desc_layer_encrypt_with_cookie(hs_desc_layer_t layer,
                                           const hs_desc_layer_keys_t *keys,
                                           const uint8_t *cookie,
                                           size_t cookie_len,
                                           const uint8_t salt[HS_DESC_SALT_LEN],
                                           const uint8_t *plaintext, size_t len,
                                           size_t *blob_len);
uint8_t *hs_desc_layer_decrypt_with_cookie(hs_desc_layer_t layer,
                                           const hs_desc_layer_keys_t *keys,
                                           const uint8_t *cookie,
                                           size_t cookie_len,
                                           const uint8_t *blob, size_t blob_len,
                                           size_t *len);

/* Client authorization (rend-spec-v3 2.5.1.2): the descriptor cookie
 * reaches each authorized client in an "auth-client CLIENT-ID IV
 * ENCRYPTED-COOKIE" line of the superencrypted layer:
 *   SECRET_SEED = X25519(client_sk, desc-auth-ephemeral-key)
 *   KEYS = SHAKE-256(N_hs_subcred | SECRET_SEED)[0..40)
 *        = CLIENT-ID (8) | COOKIE-KEY (32)
 *   cookie = AES-256-CTR(COOKIE-KEY, IV) XOR ENCRYPTED-COOKIE.
 * The spec gives the cookie 32 bytes; real tor 0.4.9 makes it 16. */
#define HS_DESC_CLIENT_ID_LEN 8
#define HS_DESC_COOKIE_KEY_LEN 32
#define HS_DESC_AUTH_IV_LEN 16
#define HS_DESC_COOKIE_MAX_LEN 32

/* CLIENT-ID and COOKIE-KEY for a client's X25519 secret key. -1 if the
 * ephemeral key is a small-order point (no shared secret) or on error. */
int hs_desc_client_auth_keys(const uint8_t subcredential[32],
                             const uint8_t client_sk[32],
                             const uint8_t ephemeral_pk[32],
                             uint8_t client_id[HS_DESC_CLIENT_ID_LEN],
                             uint8_t cookie_key[HS_DESC_COOKIE_KEY_LEN]);
/* out = AES-256-CTR(cookie_key, iv) XOR in, len bytes (in == out is
 * fine): decrypts an encrypted cookie, or encrypts a cookie. */
int hs_desc_cookie_crypt(const uint8_t cookie_key[HS_DESC_COOKIE_KEY_LEN],
                         const uint8_t iv[HS_DESC_AUTH_IV_LEN],
                         const uint8_t *in, uint8_t *out, size_t len);

#endif
