/* The ntor v3 handshake: see onion_ntor_v3.h and proposal 332 (the
 * handshake in section "The handshake in detail", its instantiation in
 * A.1). */
#include "orconfig.h"
#include "core/crypto/onion_ntor_v3.h"

#include "lib/crypt/aes_ctr.h"
#include "lib/crypt/crypto_digest.h"
#include "lib/crypt/crypto_util.h"
#include "lib/crypt/x25519.h"
#include "lib/log/log.h"

#include <stdint.h>
#include <string.h>

#define PROTOID "ntor3-curve25519-sha3_256-1"
#define T_MSGKDF PROTOID ":kdf_phase1"
#define T_MSGMAC PROTOID ":msg_mac"
#define T_KEY_SEED PROTOID ":key_seed"
#define T_VERIFY PROTOID ":verify"
#define T_FINAL PROTOID ":kdf_final"
#define T_AUTH PROTOID ":auth_final"
#define SERVER_STR "Server"
#define STRLEN(s) (sizeof(s) - 1)

#define KLEN NTOR3_KEY_LEN
#define ENC_KEY_LEN 32   /* AES-256 */
#define MAC_KEY_LEN 32

/* One piece of a hash input. A hash input is a list of pieces taken in
 * order; with encap set the piece is ENCAP(p) = htonll(n) | p. Every
 * tweaked function of A.1 starts with ENCAP(t), so the tweak is simply the
 * first piece:
 *   H(s, t)        = SHA3-256(ENCAP(t) | s)
 *   MAC(k, msg, t) = SHA3-256(ENCAP(t) | ENCAP(k) | msg)
 *   KDF(s, t)      = SHAKE-256(ENCAP(t) | s) */
typedef struct piece_t {
  const void *p;
  size_t n;
  int encap;
} piece_t;

#define RAW(p, n) { (p), (n), 0 }
#define ENCAP(p, n) { (p), (n), 1 }
#define TWEAK(t) { (t), STRLEN(t), 1 }
#define N_PIECES(a) (sizeof(a) / sizeof((a)[0]))

typedef int (*add_fn)(void *ctx, const void *data, size_t len);

static int
add_to_digest(void *ctx, const void *data, size_t len)
{
  return crypto_digest_add_bytes(ctx, data, len);
}

static int
add_to_xof(void *ctx, const void *data, size_t len)
{
  return crypto_xof_add_bytes(ctx, data, len);
}

static int
feed(add_fn add, void *ctx, const piece_t *in, size_t n_in)
{
  for (size_t i = 0; i < n_in; i++) {
    if (in[i].encap) {
      uint8_t len64[8];
      for (int j = 0; j < 8; j++)
        len64[j] = (uint8_t)((uint64_t)in[i].n >> (56 - 8 * j));
      if (add(ctx, len64, sizeof(len64)) < 0)
        return -1;
    }
    if (in[i].n && add(ctx, in[i].p, in[i].n) < 0)
      return -1;
  }
  return 0;
}

/* SHA3-256 of the pieces (H and MAC). */
static int
sha3_pieces(uint8_t out[32], const piece_t *in, size_t n_in)
{
  crypto_digest_t *d = crypto_digest_new(DIGEST_SHA3_256);
  int rv = -1;
  if (d && feed(add_to_digest, d, in, n_in) == 0 &&
      crypto_digest_get_digest(d, out, DIGEST256_LEN) == 0)
    rv = 0;
  crypto_digest_free(d);
  if (rv < 0)
    memwipe(out, DIGEST256_LEN);
  return rv;
}

/* The first n1 + n2 bytes of SHAKE-256 of the pieces (KDF), split into
 * out1 and out2. */
static int
shake_pieces(const piece_t *in, size_t n_in, uint8_t *out1, size_t n1,
             uint8_t *out2, size_t n2)
{
  crypto_xof_t *x = crypto_xof_shake256_new();
  int rv = -1;
  if (x && feed(add_to_xof, x, in, n_in) == 0 &&
      crypto_xof_squeeze_bytes(x, out1, n1) == 0 &&
      crypto_xof_squeeze_bytes(x, out2, n2) == 0)
    rv = 0;
  crypto_xof_free(x);
  if (rv < 0) {
    memwipe(out1, n1);
    if (n2)
      memwipe(out2, n2);
  }
  return rv;
}

/* out = AES-256-CTR(key, IV 0) applied to in (ENC and DEC alike). */
static int
aes256_ctr(const uint8_t key[ENC_KEY_LEN], uint8_t *out, const uint8_t *in,
           size_t len)
{
  aes_ctr_cipher_t *c;
  int rv;
  if (len == 0)
    return 0;
  c = aes_ctr_cipher_new(key, ENC_KEY_LEN, NULL);
  if (!c)
    return -1;
  rv = aes_ctr_cipher_crypt(c, out, in, len);
  aes_ctr_cipher_free(c);
  return rv;
}

/* Phase 1, both sides: from Bx = EXP(B,x) = EXP(X,b), the keys of the
 * client message,
 *   (ENC_K1, MAC_K1) = KDF_msgkdf(Bx | ID | X | B | PROTOID | ENCAP(VER)). */
static int
phase1_keys(uint8_t enc_k1[ENC_KEY_LEN], uint8_t mac_k1[MAC_KEY_LEN],
            const uint8_t bx[KLEN], const uint8_t id[NTOR3_ID_LEN],
            const uint8_t X[KLEN], const uint8_t B[KLEN],
            const uint8_t *ver, size_t ver_len)
{
  const piece_t in[] = {
    TWEAK(T_MSGKDF), RAW(bx, KLEN), RAW(id, NTOR3_ID_LEN), RAW(X, KLEN),
    RAW(B, KLEN), RAW(PROTOID, STRLEN(PROTOID)), ENCAP(ver, ver_len),
  };
  return shake_pieces(in, N_PIECES(in), enc_k1, ENC_KEY_LEN, mac_k1,
                      MAC_KEY_LEN);
}

/* msg_mac = MAC_msgmac(MAC_K1, ID | B | X | encrypted_msg). */
static int
client_msg_mac(uint8_t out[NTOR3_MAC_LEN], const uint8_t mac_k1[MAC_KEY_LEN],
               const uint8_t id[NTOR3_ID_LEN], const uint8_t B[KLEN],
               const uint8_t X[KLEN], const uint8_t *emsg, size_t emsg_len)
{
  const piece_t in[] = {
    TWEAK(T_MSGMAC), ENCAP(mac_k1, MAC_KEY_LEN), RAW(id, NTOR3_ID_LEN),
    RAW(B, KLEN), RAW(X, KLEN), RAW(emsg, emsg_len),
  };
  return sha3_pieces(out, in, N_PIECES(in));
}

/* Phase 2, both sides: from Xy = EXP(X,y) = EXP(Y,x) and Xb,
 *   secret_input = Xy | Xb | ID | B | X | Y | PROTOID | ENCAP(VER)
 *   key_seed = H_key_seed(secret_input), verify = H_verify(secret_input). */
static int
phase2_seed(uint8_t seed[32], uint8_t verify[32], const uint8_t xy[KLEN],
            const uint8_t xb[KLEN], const uint8_t id[NTOR3_ID_LEN],
            const uint8_t B[KLEN], const uint8_t X[KLEN],
            const uint8_t Y[KLEN], const uint8_t *ver, size_t ver_len)
{
  piece_t in[] = {
    TWEAK(T_KEY_SEED), RAW(xy, KLEN), RAW(xb, KLEN), RAW(id, NTOR3_ID_LEN),
    RAW(B, KLEN), RAW(X, KLEN), RAW(Y, KLEN), RAW(PROTOID, STRLEN(PROTOID)),
    ENCAP(ver, ver_len),
  };
  if (sha3_pieces(seed, in, N_PIECES(in)) < 0)
    return -1;
  /* The same input under the other tweak. */
  in[0] = (piece_t)TWEAK(T_VERIFY);
  if (sha3_pieces(verify, in, N_PIECES(in)) < 0) {
    memwipe(seed, 32);
    return -1;
  }
  return 0;
}

/* RAW_KEYSTREAM = KDF_final(key_seed) = ENC_KEY 32 | the key material. */
static int
kdf_final(const uint8_t seed[32], uint8_t enc_key[ENC_KEY_LEN],
          uint8_t *keys_out, size_t keys_len)
{
  const piece_t in[] = { TWEAK(T_FINAL), RAW(seed, 32) };
  return shake_pieces(in, N_PIECES(in), enc_key, ENC_KEY_LEN, keys_out,
                      keys_len);
}

/* AUTH = H_auth(verify | ID | B | Y | X | MAC | ENCAP(encrypted_msg) |
 *               PROTOID | "Server"). Binding the client's MAC and the
 * encrypted server message into AUTH is what authenticates both messages
 * to the client. */
static int
server_auth(uint8_t out[NTOR3_MAC_LEN], const uint8_t verify[32],
            const uint8_t id[NTOR3_ID_LEN], const uint8_t B[KLEN],
            const uint8_t Y[KLEN], const uint8_t X[KLEN],
            const uint8_t msg_mac[NTOR3_MAC_LEN], const uint8_t *emsg,
            size_t emsg_len)
{
  const piece_t in[] = {
    TWEAK(T_AUTH), RAW(verify, 32), RAW(id, NTOR3_ID_LEN), RAW(B, KLEN),
    RAW(Y, KLEN), RAW(X, KLEN), RAW(msg_mac, NTOR3_MAC_LEN),
    ENCAP(emsg, emsg_len), RAW(PROTOID, STRLEN(PROTOID)),
    RAW(SERVER_STR, STRLEN(SERVER_STR)),
  };
  return sha3_pieces(out, in, N_PIECES(in));
}

/* Zero an output buffer of cap bytes (NULL allowed when cap is 0) and its
 * length. */
static void
clear_out(uint8_t *buf, size_t cap, size_t *len_out)
{
  if (buf && cap)
    memwipe(buf, cap);
  if (len_out)
    *len_out = 0;
}

/* --- Client --------------------------------------------------------- */

int
onion_ntor3_client_create_with_secret(
    onion_ntor3_client_state_t *state, const uint8_t id[NTOR3_ID_LEN],
    const uint8_t B[NTOR3_KEY_LEN], const uint8_t x[NTOR3_KEY_LEN],
    const uint8_t *ver, size_t ver_len, const uint8_t *cm, size_t cm_len,
    uint8_t *out, size_t cap, size_t *out_len)
{
  uint8_t enc_k1[ENC_KEY_LEN], mac_k1[MAC_KEY_LEN];
  uint8_t *emsg;
  int rv = -1;

  clear_out(out, cap, out_len);
  if (!state)
    return -1;
  memwipe(state, sizeof(*state));
  if (!id || !B || !x || (!ver && ver_len) || (!cm && cm_len) || !out ||
      !out_len || ver_len > ONION_NTOR3_MAX_VERIFICATION_LEN ||
      cm_len > SIZE_MAX - NTOR3_ONIONSKIN_OVERHEAD ||
      cap < NTOR3_ONIONSKIN_OVERHEAD + cm_len)
    return -1;
  emsg = out + NTOR3_ID_LEN + 2 * KLEN;

  memcpy(state->x, x, KLEN);
  memcpy(state->B, B, KLEN);
  memcpy(state->id, id, NTOR3_ID_LEN);
  if (ver_len)
    memcpy(state->ver, ver, ver_len);
  state->ver_len = ver_len;
  if (x25519_public_from_secret(state->X, state->x) < 0)
    goto out;
  /* x25519_dh refuses an all-zero result: a degenerate B. */
  if (x25519_dh(state->Bx, state->x, B) < 0) {
    log_protocol_warn(LD_PROTOCOL, "ntor3: relay's onion key is degenerate");
    goto out;
  }
  if (phase1_keys(enc_k1, mac_k1, state->Bx, id, state->X, B, ver,
                  ver_len) < 0 ||
      aes256_ctr(enc_k1, emsg, cm, cm_len) < 0 ||
      client_msg_mac(state->msg_mac, mac_k1, id, B, state->X, emsg,
                     cm_len) < 0)
    goto out;
  memcpy(out, id, NTOR3_ID_LEN);
  memcpy(out + NTOR3_ID_LEN, B, KLEN);
  memcpy(out + NTOR3_ID_LEN + KLEN, state->X, KLEN);
  memcpy(emsg + cm_len, state->msg_mac, NTOR3_MAC_LEN);
  *out_len = NTOR3_ONIONSKIN_OVERHEAD + cm_len;
  rv = 0;
 out:
  memwipe(enc_k1, sizeof(enc_k1));
  memwipe(mac_k1, sizeof(mac_k1));
  if (rv < 0) {
    memwipe(state, sizeof(*state));
    clear_out(out, cap, out_len);
  }
  return rv;
}

int
onion_ntor3_client_create(onion_ntor3_client_state_t *state,
                          const uint8_t id[NTOR3_ID_LEN],
                          const uint8_t B[NTOR3_KEY_LEN],
                          const uint8_t *ver, size_t ver_len,
                          const uint8_t *cm, size_t cm_len,
                          uint8_t *out, size_t cap, size_t *out_len)
{
  uint8_t x[KLEN];
  int rv;
  if (crypto_rand_bytes(x, sizeof(x)) == 0) {
    rv = onion_ntor3_client_create_with_secret(state, id, B, x, ver, ver_len,
                                               cm, cm_len, out, cap, out_len);
  } else {
    rv = -1;
    if (state)
      memwipe(state, sizeof(*state));
    clear_out(out, cap, out_len);
  }
  memwipe(x, sizeof(x));
  return rv;
}

int
onion_ntor3_client_finish(const onion_ntor3_client_state_t *state,
                          const uint8_t *reply, size_t reply_len,
                          uint8_t *sm_out, size_t sm_cap, size_t *sm_len_out,
                          uint8_t *keys_out, size_t keys_len)
{
  const uint8_t *Y, *auth, *emsg;
  uint8_t yx[KLEN], seed[32], verify[32], want[NTOR3_MAC_LEN];
  uint8_t enc_key[ENC_KEY_LEN];
  size_t sm_len;
  int rv = -1;

  clear_out(sm_out, sm_cap, sm_len_out);
  if (keys_out && keys_len)
    memwipe(keys_out, keys_len);
  if (!state || !reply || !sm_len_out || (!sm_out && sm_cap) ||
      (!keys_out && keys_len) ||
      state->ver_len > ONION_NTOR3_MAX_VERIFICATION_LEN)
    return -1;
  if (reply_len < NTOR3_REPLY_OVERHEAD) {
    log_protocol_warn(LD_PROTOCOL, "ntor3: server reply of %zu bytes is "
                      "too short", reply_len);
    return -1;
  }
  Y = reply;
  auth = reply + KLEN;
  emsg = reply + NTOR3_REPLY_OVERHEAD;
  sm_len = reply_len - NTOR3_REPLY_OVERHEAD;
  if (sm_len > sm_cap) {
    log_protocol_warn(LD_PROTOCOL, "ntor3: server message of %zu bytes is "
                      "longer than we accept (%zu)", sm_len, sm_cap);
    return -1;
  }

  if (x25519_dh(yx, state->x, Y) < 0) {
    log_protocol_warn(LD_PROTOCOL, "ntor3: server key Y is degenerate");
    goto out;
  }
  if (phase2_seed(seed, verify, yx, state->Bx, state->id, state->B,
                  state->X, Y, state->ver, state->ver_len) < 0 ||
      server_auth(want, verify, state->id, state->B, Y, state->X,
                  state->msg_mac, emsg, sm_len) < 0)
    goto out;
  if (!crypto_memeq(want, auth, NTOR3_MAC_LEN)) {
    log_protocol_warn(LD_PROTOCOL, "ntor3: server's AUTH does not match");
    goto out;
  }
  /* Only an authenticated reply gets decrypted and yields keys. */
  if (kdf_final(seed, enc_key, keys_out, keys_len) < 0 ||
      aes256_ctr(enc_key, sm_out, emsg, sm_len) < 0)
    goto out;
  *sm_len_out = sm_len;
  rv = 0;
 out:
  memwipe(yx, sizeof(yx));
  memwipe(seed, sizeof(seed));
  memwipe(verify, sizeof(verify));
  memwipe(want, sizeof(want));
  memwipe(enc_key, sizeof(enc_key));
  if (rv < 0) {
    clear_out(sm_out, sm_cap, sm_len_out);
    if (keys_len)
      memwipe(keys_out, keys_len);
  }
  return rv;
}

void
onion_ntor3_client_clear(onion_ntor3_client_state_t *state)
{
  if (state)
    memwipe(state, sizeof(*state));
}

/* --- Server --------------------------------------------------------- */

int
onion_ntor3_server_parse(onion_ntor3_server_state_t *state,
                         const uint8_t id[NTOR3_ID_LEN],
                         const onion_ntor3_server_key_t *keys, size_t n_keys,
                         const uint8_t *ver, size_t ver_len,
                         const uint8_t *onionskin, size_t len,
                         uint8_t *cm_out, size_t cm_cap, size_t *cm_len_out)
{
  const uint8_t *node_id, *keyid, *X, *emsg;
  const onion_ntor3_server_key_t *key = NULL;
  uint8_t enc_k1[ENC_KEY_LEN], mac_k1[MAC_KEY_LEN], want[NTOR3_MAC_LEN];
  size_t cm_len;
  int rv = -1;

  clear_out(cm_out, cm_cap, cm_len_out);
  if (!state)
    return -1;
  memwipe(state, sizeof(*state));
  if (!id || !keys || !n_keys || (!ver && ver_len) || !onionskin ||
      !cm_len_out || (!cm_out && cm_cap) ||
      ver_len > ONION_NTOR3_MAX_VERIFICATION_LEN)
    return -1;
  if (len < NTOR3_ONIONSKIN_OVERHEAD) {
    log_protocol_warn(LD_PROTOCOL, "ntor3: onionskin of %zu bytes is too "
                      "short", len);
    return -1;
  }
  node_id = onionskin;
  keyid = onionskin + NTOR3_ID_LEN;
  X = keyid + KLEN;
  emsg = X + KLEN;
  cm_len = len - NTOR3_ONIONSKIN_OVERHEAD;
  if (cm_len > cm_cap) {
    log_protocol_warn(LD_PROTOCOL, "ntor3: client message of %zu bytes is "
                      "longer than we accept (%zu)", cm_len, cm_cap);
    return -1;
  }
  if (!crypto_memeq(node_id, id, NTOR3_ID_LEN)) {
    log_protocol_warn(LD_PROTOCOL, "ntor3: onionskin is for another relay "
                      "identity");
    return -1;
  }
  /* KEYID is public (it is in the descriptor), so a plain first-match
   * search leaks nothing. */
  for (size_t i = 0; i < n_keys && !key; i++)
    if (crypto_memeq(keyid, keys[i].B, KLEN))
      key = &keys[i];
  if (!key) {
    log_protocol_warn(LD_PROTOCOL, "ntor3: onionskin is for an onion key we "
                      "do not have");
    return -1;
  }

  if (x25519_dh(state->Xb, key->b, X) < 0) {
    log_protocol_warn(LD_PROTOCOL, "ntor3: client key X is degenerate");
    goto out;
  }
  if (phase1_keys(enc_k1, mac_k1, state->Xb, id, X, key->B, ver,
                  ver_len) < 0 ||
      client_msg_mac(want, mac_k1, id, key->B, X, emsg, cm_len) < 0)
    goto out;
  if (!crypto_memeq(want, emsg + cm_len, NTOR3_MAC_LEN)) {
    log_protocol_warn(LD_PROTOCOL, "ntor3: onionskin MAC does not match");
    goto out;
  }
  if (aes256_ctr(enc_k1, cm_out, emsg, cm_len) < 0)
    goto out;
  memcpy(state->id, id, NTOR3_ID_LEN);
  memcpy(state->B, key->B, KLEN);
  memcpy(state->X, X, KLEN);
  memcpy(state->msg_mac, want, NTOR3_MAC_LEN);
  if (ver_len)
    memcpy(state->ver, ver, ver_len);
  state->ver_len = ver_len;
  *cm_len_out = cm_len;
  rv = 0;
 out:
  memwipe(enc_k1, sizeof(enc_k1));
  memwipe(mac_k1, sizeof(mac_k1));
  if (rv < 0) {
    memwipe(state, sizeof(*state));
    clear_out(cm_out, cm_cap, cm_len_out);
  }
  return rv;
}

int
onion_ntor3_server_reply_with_secret(
    const onion_ntor3_server_state_t *state, const uint8_t y[NTOR3_KEY_LEN],
    const uint8_t *sm, size_t sm_len, uint8_t *out, size_t cap,
    size_t *out_len, uint8_t *keys_out, size_t keys_len)
{
  uint8_t Y[KLEN], xy[KLEN], seed[32], verify[32], enc_key[ENC_KEY_LEN];
  uint8_t *emsg;
  int rv = -1;

  clear_out(out, cap, out_len);
  if (keys_out && keys_len)
    memwipe(keys_out, keys_len);
  if (!state || !y || (!sm && sm_len) || !out || !out_len ||
      (!keys_out && keys_len) ||
      state->ver_len > ONION_NTOR3_MAX_VERIFICATION_LEN ||
      sm_len > SIZE_MAX - NTOR3_REPLY_OVERHEAD ||
      cap < NTOR3_REPLY_OVERHEAD + sm_len)
    return -1;
  emsg = out + NTOR3_REPLY_OVERHEAD;

  if (x25519_public_from_secret(Y, y) < 0)
    goto out;
  if (x25519_dh(xy, y, state->X) < 0) {
    log_protocol_warn(LD_PROTOCOL, "ntor3: client key X is degenerate");
    goto out;
  }
  if (phase2_seed(seed, verify, xy, state->Xb, state->id, state->B,
                  state->X, Y, state->ver, state->ver_len) < 0 ||
      kdf_final(seed, enc_key, keys_out, keys_len) < 0 ||
      aes256_ctr(enc_key, emsg, sm, sm_len) < 0 ||
      server_auth(out + KLEN, verify, state->id, state->B, Y, state->X,
                  state->msg_mac, emsg, sm_len) < 0)
    goto out;
  memcpy(out, Y, KLEN);
  *out_len = NTOR3_REPLY_OVERHEAD + sm_len;
  rv = 0;
 out:
  memwipe(xy, sizeof(xy));
  memwipe(seed, sizeof(seed));
  memwipe(verify, sizeof(verify));
  memwipe(enc_key, sizeof(enc_key));
  if (rv < 0) {
    clear_out(out, cap, out_len);
    if (keys_len)
      memwipe(keys_out, keys_len);
  }
  return rv;
}

int
onion_ntor3_server_reply(const onion_ntor3_server_state_t *state,
                         const uint8_t *sm, size_t sm_len,
                         uint8_t *out, size_t cap, size_t *out_len,
                         uint8_t *keys_out, size_t keys_len)
{
  uint8_t y[KLEN];
  int rv;
  if (crypto_rand_bytes(y, sizeof(y)) == 0) {
    rv = onion_ntor3_server_reply_with_secret(state, y, sm, sm_len, out, cap,
                                              out_len, keys_out, keys_len);
  } else {
    rv = -1;
    clear_out(out, cap, out_len);
    if (keys_out && keys_len)
      memwipe(keys_out, keys_len);
  }
  memwipe(y, sizeof(y));
  return rv;
}

void
onion_ntor3_server_clear(onion_ntor3_server_state_t *state)
{
  if (state)
    memwipe(state, sizeof(*state));
}
