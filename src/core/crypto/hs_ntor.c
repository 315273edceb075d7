/* The hs-ntor handshake: see hs_ntor.h and rend-spec-v3 3.3.2, 4.2. */
#include "orconfig.h"
#include "core/crypto/hs_ntor.h"

#include "lib/crypt/crypto_digest.h"
#include "lib/crypt/crypto_util.h"
#include "lib/crypt/x25519.h"

#include <string.h>

#define PROTOID "tor-hs-ntor-curve25519-sha3-256-1"
#define PROTOID_LEN (sizeof(PROTOID) - 1)
#define T_HSENC PROTOID ":hs_key_extract"
#define T_HSVERIFY PROTOID ":hs_verify"
#define T_HSMAC PROTOID ":hs_mac"
#define M_HSEXPAND PROTOID ":hs_key_expand"
#define SERVER_STR "Server"
#define STRLEN(s) (sizeof(s) - 1)

#define KLEN HS_NTOR_KEY_LEN
#define ALEN HS_NTOR_AUTH_KEY_LEN
/* EXP | AUTH_KEY | X | B | PROTOID */
#define INTRO_SECRET_LEN (KLEN + ALEN + KLEN + KLEN + PROTOID_LEN)
/* EXP | EXP | AUTH_KEY | B | X | Y | PROTOID */
#define REND_SECRET_LEN (2 * KLEN + ALEN + 3 * KLEN + PROTOID_LEN)
/* verify | AUTH_KEY | B | Y | X | PROTOID | "Server" */
#define AUTH_INPUT_LEN (HS_NTOR_MAC_LEN + ALEN + 3 * KLEN + PROTOID_LEN + \
                        STRLEN(SERVER_STR))

static void
put(uint8_t **p, const void *src, size_t len)
{
  memcpy(*p, src, len);
  *p += len;
}

int
hs_ntor_mac(uint8_t out[HS_NTOR_MAC_LEN], const uint8_t *key, size_t keylen,
            const uint8_t *msg, size_t msglen)
{
  uint8_t klen[8];
  crypto_digest_t *d;
  int rv = -1;
  if (!out || (!key && keylen) || (!msg && msglen))
    return -1;
  for (int i = 0; i < 8; i++)
    klen[i] = (uint8_t)((uint64_t)keylen >> (56 - 8 * i));
  d = crypto_digest_new(DIGEST_SHA3_256);
  if (!d)
    return -1;
  if (crypto_digest_add_bytes(d, klen, sizeof(klen)) == 0 &&
      crypto_digest_add_bytes(d, key, keylen) == 0 &&
      crypto_digest_add_bytes(d, msg, msglen) == 0 &&
      crypto_digest_get_digest(d, out, HS_NTOR_MAC_LEN) == 0)
    rv = 0;
  crypto_digest_free(d);
  if (rv < 0)
    memwipe(out, HS_NTOR_MAC_LEN);
  return rv;
}

/* Both sides of the introduction layer, given EXP(B,x) = EXP(X,b). */
static int
intro_keys_from_secret(hs_ntor_intro_keys_t *out, const uint8_t exp[KLEN],
                       const uint8_t auth_key[ALEN], const uint8_t X[KLEN],
                       const uint8_t B[KLEN], const uint8_t subcred[32])
{
  uint8_t in[INTRO_SECRET_LEN + STRLEN(T_HSENC) + STRLEN(M_HSEXPAND) +
             HS_NTOR_SUBCRED_LEN];
  uint8_t keys[HS_NTOR_ENC_KEY_LEN + HS_NTOR_MAC_LEN];
  uint8_t *p = in;
  int rv;
  put(&p, exp, KLEN);
  put(&p, auth_key, ALEN);
  put(&p, X, KLEN);
  put(&p, B, KLEN);
  put(&p, PROTOID, PROTOID_LEN);
  put(&p, T_HSENC, STRLEN(T_HSENC));
  put(&p, M_HSEXPAND, STRLEN(M_HSEXPAND));
  put(&p, subcred, HS_NTOR_SUBCRED_LEN);
  rv = crypto_xof_shake256(keys, sizeof(keys), in, (size_t)(p - in));
  if (rv == 0) {
    memcpy(out->enc_key, keys, HS_NTOR_ENC_KEY_LEN);
    memcpy(out->mac_key, keys + HS_NTOR_ENC_KEY_LEN, HS_NTOR_MAC_LEN);
  }
  memwipe(in, sizeof(in));
  memwipe(keys, sizeof(keys));
  return rv;
}

int
hs_ntor_client_intro_keys(hs_ntor_intro_keys_t *out, const uint8_t x[KLEN],
                          const uint8_t X[KLEN], const uint8_t B[KLEN],
                          const uint8_t auth_key[ALEN],
                          const uint8_t subcred[HS_NTOR_SUBCRED_LEN])
{
  uint8_t exp[KLEN];
  int rv = -1;
  if (!out)
    return -1;
  if (x && X && B && auth_key && subcred && x25519_dh(exp, x, B) == 0)
    rv = intro_keys_from_secret(out, exp, auth_key, X, B, subcred);
  memwipe(exp, sizeof(exp));
  if (rv < 0)
    memwipe(out, sizeof(*out));
  return rv;
}

int
hs_ntor_service_intro_keys(hs_ntor_intro_keys_t *out, const uint8_t b[KLEN],
                           const uint8_t B[KLEN], const uint8_t auth_key[ALEN],
                           const uint8_t X[KLEN],
                           const uint8_t subcred[HS_NTOR_SUBCRED_LEN])
{
  uint8_t exp[KLEN];
  int rv = -1;
  if (!out)
    return -1;
  if (b && B && auth_key && X && subcred && x25519_dh(exp, b, X) == 0)
    rv = intro_keys_from_secret(out, exp, auth_key, X, B, subcred);
  memwipe(exp, sizeof(exp));
  if (rv < 0)
    memwipe(out, sizeof(*out));
  return rv;
}

int
hs_ntor_expand_keys(const uint8_t key_seed[HS_NTOR_KEY_SEED_LEN],
                    uint8_t *out, size_t out_len)
{
  uint8_t in[HS_NTOR_KEY_SEED_LEN + STRLEN(M_HSEXPAND)];
  uint8_t *p = in;
  int rv;
  if (!key_seed || (!out && out_len))
    return -1;
  put(&p, key_seed, HS_NTOR_KEY_SEED_LEN);
  put(&p, M_HSEXPAND, STRLEN(M_HSEXPAND));
  rv = crypto_xof_shake256(out, out_len, in, sizeof(in));
  memwipe(in, sizeof(in));
  if (rv < 0 && out_len)
    memwipe(out, out_len);
  return rv;
}

/* Both sides of the rendezvous layer, given EXP(X,y) = EXP(Y,x) and
 * EXP(X,b) = EXP(B,x): AUTH into auth_out and the end-to-end keys. */
static int
rend_derive(const uint8_t exp_xy[KLEN], const uint8_t exp_xb[KLEN],
            const uint8_t auth_key[ALEN], const uint8_t B[KLEN],
            const uint8_t X[KLEN], const uint8_t Y[KLEN],
            uint8_t auth_out[HS_NTOR_MAC_LEN],
            uint8_t keys_out[HS_NTOR_E2E_KEY_LEN])
{
  uint8_t secret[REND_SECRET_LEN], auth_input[AUTH_INPUT_LEN];
  uint8_t seed[HS_NTOR_KEY_SEED_LEN], verify[HS_NTOR_MAC_LEN];
  uint8_t *p = secret;
  int rv = -1;
  put(&p, exp_xy, KLEN);
  put(&p, exp_xb, KLEN);
  put(&p, auth_key, ALEN);
  put(&p, B, KLEN);
  put(&p, X, KLEN);
  put(&p, Y, KLEN);
  put(&p, PROTOID, PROTOID_LEN);
  if (hs_ntor_mac(seed, secret, sizeof(secret), (const uint8_t *)T_HSENC,
                  STRLEN(T_HSENC)) < 0 ||
      hs_ntor_mac(verify, secret, sizeof(secret),
                  (const uint8_t *)T_HSVERIFY, STRLEN(T_HSVERIFY)) < 0)
    goto out;
  p = auth_input;
  put(&p, verify, sizeof(verify));
  put(&p, auth_key, ALEN);
  put(&p, B, KLEN);
  put(&p, Y, KLEN);
  put(&p, X, KLEN);
  put(&p, PROTOID, PROTOID_LEN);
  put(&p, SERVER_STR, STRLEN(SERVER_STR));
  if (hs_ntor_mac(auth_out, auth_input, sizeof(auth_input),
                  (const uint8_t *)T_HSMAC, STRLEN(T_HSMAC)) < 0 ||
      hs_ntor_expand_keys(seed, keys_out, HS_NTOR_E2E_KEY_LEN) < 0)
    goto out;
  rv = 0;
 out:
  memwipe(secret, sizeof(secret));
  memwipe(auth_input, sizeof(auth_input));
  memwipe(seed, sizeof(seed));
  memwipe(verify, sizeof(verify));
  return rv;
}

int
hs_ntor_service_rendezvous_with_secret(
    const uint8_t b[KLEN], const uint8_t B[KLEN], const uint8_t auth_key[ALEN],
    const uint8_t X[KLEN], const uint8_t y[KLEN],
    uint8_t reply_out[HS_NTOR_REPLY_LEN],
    uint8_t keys_out[HS_NTOR_E2E_KEY_LEN])
{
  uint8_t Y[KLEN], exp_xy[KLEN], exp_xb[KLEN];
  int rv = -1;
  if (!reply_out || !keys_out)
    return -1;
  if (!b || !B || !auth_key || !X || !y)
    goto out;
  if (x25519_public_from_secret(Y, y) < 0 || x25519_dh(exp_xy, y, X) < 0 ||
      x25519_dh(exp_xb, b, X) < 0)
    goto out;
  if (rend_derive(exp_xy, exp_xb, auth_key, B, X, Y,
                  reply_out + KLEN, keys_out) < 0)
    goto out;
  memcpy(reply_out, Y, KLEN);
  rv = 0;
 out:
  memwipe(exp_xy, sizeof(exp_xy));
  memwipe(exp_xb, sizeof(exp_xb));
  if (rv < 0) {
    memwipe(reply_out, HS_NTOR_REPLY_LEN);
    memwipe(keys_out, HS_NTOR_E2E_KEY_LEN);
  }
  return rv;
}

int
hs_ntor_service_rendezvous(const uint8_t b[KLEN], const uint8_t B[KLEN],
                           const uint8_t auth_key[ALEN], const uint8_t X[KLEN],
                           uint8_t reply_out[HS_NTOR_REPLY_LEN],
                           uint8_t keys_out[HS_NTOR_E2E_KEY_LEN])
{
  uint8_t y[KLEN], Y[KLEN];
  int rv = -1;
  if (x25519_keypair_generate(Y, y) == 0)
    rv = hs_ntor_service_rendezvous_with_secret(b, B, auth_key, X, y,
                                                reply_out, keys_out);
  else if (reply_out && keys_out) {
    memwipe(reply_out, HS_NTOR_REPLY_LEN);
    memwipe(keys_out, HS_NTOR_E2E_KEY_LEN);
  }
  memwipe(y, sizeof(y));
  return rv;
}

int
hs_ntor_client_rendezvous(const uint8_t x[KLEN], const uint8_t X[KLEN],
                          const uint8_t B[KLEN], const uint8_t auth_key[ALEN],
                          const uint8_t reply[HS_NTOR_REPLY_LEN],
                          uint8_t keys_out[HS_NTOR_E2E_KEY_LEN])
{
  uint8_t exp_xy[KLEN], exp_xb[KLEN], auth[HS_NTOR_MAC_LEN];
  int rv = -1;
  if (!keys_out)
    return -1;
  if (!x || !X || !B || !auth_key || !reply)
    goto out;
  if (x25519_dh(exp_xy, x, reply) < 0 || x25519_dh(exp_xb, x, B) < 0)
    goto out;
  if (rend_derive(exp_xy, exp_xb, auth_key, B, X, reply, auth,
                  keys_out) < 0)
    goto out;
  if (!crypto_memeq(auth, reply + KLEN, HS_NTOR_MAC_LEN))
    goto out;
  rv = 0;
 out:
  memwipe(exp_xy, sizeof(exp_xy));
  memwipe(exp_xb, sizeof(exp_xb));
  memwipe(auth, sizeof(auth));
  if (rv < 0)
    memwipe(keys_out, HS_NTOR_E2E_KEY_LEN);
  return rv;
}
