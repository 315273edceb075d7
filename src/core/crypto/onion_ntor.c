/* The ntor handshake: see onion_ntor.h and tor-spec 5.1.4. */
#include "orconfig.h"
#include "core/crypto/onion_ntor.h"

#include "lib/crypt/crypto_digest.h"
#include "lib/crypt/crypto_util.h"
#include "lib/crypt/x25519.h"
#include "lib/log/log.h"

#include <string.h>

#define PROTOID "ntor-curve25519-sha256-1"
#define PROTOID_LEN (sizeof(PROTOID) - 1)
#define T_MAC PROTOID ":mac"
#define T_KEY PROTOID ":key_extract"
#define T_VERIFY PROTOID ":verify"
#define M_EXPAND PROTOID ":key_expand"
#define SERVER_STR "Server"
#define SERVER_STR_LEN (sizeof(SERVER_STR) - 1)

#define H_LEN DIGEST256_LEN
/* EXP | EXP | ID | B | X | Y | PROTOID */
#define SECRET_INPUT_LEN (2 * NTOR_KEY_LEN + NTOR_ID_LEN + 3 * NTOR_KEY_LEN + \
                          PROTOID_LEN)
/* verify | ID | B | Y | X | PROTOID | "Server" */
#define AUTH_INPUT_LEN (H_LEN + NTOR_ID_LEN + 3 * NTOR_KEY_LEN + PROTOID_LEN + \
                        SERVER_STR_LEN)
/* Longest m_expand onion_ntor_expand_keys accepts (it builds each HMAC
 * input on the stack). */
#define MAX_M_EXPAND_LEN 256

/* Append len bytes at src to *p. */
static void
put(uint8_t **p, const void *src, size_t len)
{
  memcpy(*p, src, len);
  *p += len;
}

int
onion_ntor_expand_keys(const uint8_t *key_seed, size_t key_seed_len,
                       const uint8_t *m_expand, size_t m_expand_len,
                       uint8_t *out, size_t out_len)
{
  uint8_t block[H_LEN + MAX_M_EXPAND_LEN + 1];
  uint8_t k[H_LEN];
  size_t done = 0, prev_len = 0;
  int rv = -1;
  if (!key_seed || (!m_expand && m_expand_len) || (!out && out_len) ||
      m_expand_len > MAX_M_EXPAND_LEN || out_len > ONION_NTOR_MAX_KEY_MATERIAL)
    return -1;
  for (unsigned i = 1; done < out_len; i++) {
    /* K_i = H(K_(i-1) | m_expand | INT8(i), KEY_SEED), K_0 empty. */
    uint8_t *p = block;
    put(&p, k, prev_len);
    if (m_expand_len)
      put(&p, m_expand, m_expand_len);
    *p++ = (uint8_t)i;
    if (crypto_hmac_sha256(k, key_seed, key_seed_len, block,
                           (size_t)(p - block)) < 0)
      goto out;
    prev_len = H_LEN;
    size_t n = out_len - done < H_LEN ? out_len - done : H_LEN;
    memcpy(out + done, k, n);
    done += n;
  }
  rv = 0;
 out:
  memwipe(block, sizeof(block));
  memwipe(k, sizeof(k));
  if (rv < 0 && out_len)
    memwipe(out, out_len);
  return rv;
}

/* Both sides end here: from the two shared secrets and the public values,
 * compute AUTH and the key material. */
static int
ntor_derive(const uint8_t exp1[NTOR_KEY_LEN], const uint8_t exp2[NTOR_KEY_LEN],
            const uint8_t node_id[NTOR_ID_LEN], const uint8_t B[NTOR_KEY_LEN],
            const uint8_t X[NTOR_KEY_LEN], const uint8_t Y[NTOR_KEY_LEN],
            uint8_t auth_out[H_LEN], uint8_t *keys_out, size_t keys_len)
{
  uint8_t secret_input[SECRET_INPUT_LEN];
  uint8_t auth_input[AUTH_INPUT_LEN];
  uint8_t key_seed[H_LEN], verify[H_LEN];
  uint8_t *p = secret_input;
  int rv = -1;

  put(&p, exp1, NTOR_KEY_LEN);
  put(&p, exp2, NTOR_KEY_LEN);
  put(&p, node_id, NTOR_ID_LEN);
  put(&p, B, NTOR_KEY_LEN);
  put(&p, X, NTOR_KEY_LEN);
  put(&p, Y, NTOR_KEY_LEN);
  put(&p, PROTOID, PROTOID_LEN);

  if (crypto_hmac_sha256(key_seed, T_KEY, sizeof(T_KEY) - 1,
                         secret_input, sizeof(secret_input)) < 0 ||
      crypto_hmac_sha256(verify, T_VERIFY, sizeof(T_VERIFY) - 1,
                         secret_input, sizeof(secret_input)) < 0)
    goto out;

  p = auth_input;
  put(&p, verify, H_LEN);
  put(&p, node_id, NTOR_ID_LEN);
  put(&p, B, NTOR_KEY_LEN);
  put(&p, Y, NTOR_KEY_LEN);
  put(&p, X, NTOR_KEY_LEN);
  put(&p, PROTOID, PROTOID_LEN);
  put(&p, SERVER_STR, SERVER_STR_LEN);
  if (crypto_hmac_sha256(auth_out, T_MAC, sizeof(T_MAC) - 1,
                         auth_input, sizeof(auth_input)) < 0)
    goto out;

  rv = onion_ntor_expand_keys(key_seed, sizeof(key_seed),
                              (const uint8_t *)M_EXPAND, sizeof(M_EXPAND) - 1,
                              keys_out, keys_len);
 out:
  memwipe(secret_input, sizeof(secret_input));
  memwipe(key_seed, sizeof(key_seed));
  memwipe(verify, sizeof(verify));
  return rv;
}

int
onion_ntor_client_create_with_secret(
    onion_ntor_client_state_t *state, const uint8_t node_id[NTOR_ID_LEN],
    const uint8_t B[NTOR_KEY_LEN], const uint8_t x[NTOR_KEY_LEN],
    uint8_t onionskin_out[NTOR_ONIONSKIN_LEN])
{
  if (!state || !node_id || !B || !x || !onionskin_out)
    return -1;
  memcpy(state->x, x, NTOR_KEY_LEN);
  memcpy(state->B, B, NTOR_KEY_LEN);
  memcpy(state->node_id, node_id, NTOR_ID_LEN);
  if (x25519_public_from_secret(state->X, state->x) < 0) {
    onion_ntor_client_clear(state);
    return -1;
  }
  memcpy(onionskin_out, node_id, NTOR_ID_LEN);
  memcpy(onionskin_out + NTOR_ID_LEN, B, NTOR_KEY_LEN);
  memcpy(onionskin_out + NTOR_ID_LEN + NTOR_KEY_LEN, state->X, NTOR_KEY_LEN);
  return 0;
}

int
onion_ntor_client_create(onion_ntor_client_state_t *state,
                         const uint8_t node_id[NTOR_ID_LEN],
                         const uint8_t B[NTOR_KEY_LEN],
                         uint8_t onionskin_out[NTOR_ONIONSKIN_LEN])
{
  uint8_t x[NTOR_KEY_LEN];
  int rv = -1;
  if (crypto_rand_bytes(x, sizeof(x)) == 0)
    rv = onion_ntor_client_create_with_secret(state, node_id, B, x,
                                              onionskin_out);
  memwipe(x, sizeof(x));
  return rv;
}

int
onion_ntor_client_finish(const onion_ntor_client_state_t *state,
                         const uint8_t reply[NTOR_REPLY_LEN],
                         uint8_t *keys_out, size_t keys_len)
{
  const uint8_t *Y = reply, *auth = reply + NTOR_KEY_LEN;
  uint8_t exp_yx[NTOR_KEY_LEN], exp_bx[NTOR_KEY_LEN], want[H_LEN];
  int rv = -1;
  if (!state || !reply || (!keys_out && keys_len))
    return -1;
  /* x25519_dh refuses an all-zero result: the "point at infinity" check
   * that stands in for checking Y's group membership. */
  if (x25519_dh(exp_yx, state->x, Y) < 0 ||
      x25519_dh(exp_bx, state->x, state->B) < 0) {
    log_protocol_warn(LD_PROTOCOL, "ntor: server key Y is degenerate");
    goto out;
  }
  if (ntor_derive(exp_yx, exp_bx, state->node_id, state->B, state->X, Y,
                  want, keys_out, keys_len) < 0)
    goto out;
  if (!crypto_memeq(want, auth, H_LEN)) {
    log_protocol_warn(LD_PROTOCOL, "ntor: server's AUTH does not match");
    goto out;
  }
  rv = 0;
 out:
  memwipe(exp_yx, sizeof(exp_yx));
  memwipe(exp_bx, sizeof(exp_bx));
  if (rv < 0 && keys_len)
    memwipe(keys_out, keys_len);
  return rv;
}

void
onion_ntor_client_clear(onion_ntor_client_state_t *state)
{
  if (state)
    memwipe(state, sizeof(*state));
}

int
onion_ntor_server_respond_with_secret(
    const uint8_t onionskin[NTOR_ONIONSKIN_LEN],
    const uint8_t node_id[NTOR_ID_LEN], const uint8_t b[NTOR_KEY_LEN],
    const uint8_t B[NTOR_KEY_LEN], const uint8_t y[NTOR_KEY_LEN],
    uint8_t reply_out[NTOR_REPLY_LEN], uint8_t *keys_out, size_t keys_len)
{
  const uint8_t *X = onionskin + NTOR_ID_LEN + NTOR_KEY_LEN;
  uint8_t exp_xy[NTOR_KEY_LEN], exp_xb[NTOR_KEY_LEN], Y[NTOR_KEY_LEN];
  int rv = -1;
  if (!onionskin || !node_id || !b || !B || !y || !reply_out ||
      (!keys_out && keys_len))
    return -1;
  if (!crypto_memeq(onionskin, node_id, NTOR_ID_LEN) ||
      !crypto_memeq(onionskin + NTOR_ID_LEN, B, NTOR_KEY_LEN)) {
    log_protocol_warn(LD_PROTOCOL, "ntor: onionskin is for another relay "
                      "identity or onion key");
    goto out;
  }
  if (x25519_public_from_secret(Y, y) < 0)
    goto out;
  if (x25519_dh(exp_xy, y, X) < 0 || x25519_dh(exp_xb, b, X) < 0) {
    log_protocol_warn(LD_PROTOCOL, "ntor: client key X is degenerate");
    goto out;
  }
  memcpy(reply_out, Y, NTOR_KEY_LEN);
  if (ntor_derive(exp_xy, exp_xb, node_id, B, X, Y, reply_out + NTOR_KEY_LEN,
                  keys_out, keys_len) < 0)
    goto out;
  rv = 0;
 out:
  memwipe(exp_xy, sizeof(exp_xy));
  memwipe(exp_xb, sizeof(exp_xb));
  if (rv < 0) {
    memwipe(reply_out, NTOR_REPLY_LEN);
    if (keys_len)
      memwipe(keys_out, keys_len);
  }
  return rv;
}

int
onion_ntor_server_respond(const uint8_t onionskin[NTOR_ONIONSKIN_LEN],
                          const uint8_t node_id[NTOR_ID_LEN],
                          const uint8_t b[NTOR_KEY_LEN],
                          const uint8_t B[NTOR_KEY_LEN],
                          uint8_t reply_out[NTOR_REPLY_LEN],
                          uint8_t *keys_out, size_t keys_len)
{
  uint8_t y[NTOR_KEY_LEN];
  int rv = -1;
  if (crypto_rand_bytes(y, sizeof(y)) == 0)
    rv = onion_ntor_server_respond_with_secret(onionskin, node_id, b, B, y,
                                               reply_out, keys_out, keys_len);
  memwipe(y, sizeof(y));
  return rv;
}
