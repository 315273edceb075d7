/* Tests for core/crypto/hs_ntor (rend-spec-v3 NTOR-WITH-EXTRA-DATA) and
 * core/crypto/relay_crypto_hs (the end-to-end hop) against an independent
 * Python reference written from rend-spec-v3
 * (tests/vectors/gen/gen_hs_cells.py: python3-cryptography X25519 and
 * AES-256-CTR, hashlib sha3_256 / shake_256; output committed as
 * tests/vectors/hs_cells/hs_ntor.txt and e2e.txt). */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "core/crypto/hs_ntor.h"
#include "core/crypto/relay_crypto.h"
#include "core/crypto/relay_crypto_hs.h"
#include "core/crypto/sendme.h"
#include "lib/crypt/crypto_util.h"

#include <string.h>

#define NTOR_VEC "tests/vectors/hs_cells/hs_ntor.txt"
#define E2E_VEC "tests/vectors/hs_cells/e2e.txt"

static const uint8_t *
field(const vecfile_t *vf, int rec, const char *name, size_t want_len)
{
  size_t len;
  const uint8_t *p = vecfile_get(vf, rec, name, &len);
  UT_EQ_INT(len, want_len);
  return p;
}

/* MAC(k, m) = SHA3-256(INT_8(len k) | k | m): the two vectors tor's
 * hs_ntor_ref.py gives (as quoted by arti's tests). */
UNITTEST(hs_ntor, mac_vectors)
{
  uint8_t out[32];
  UT_EQ_INT(hs_ntor_mac(out, (const uint8_t *)"who", 3,
                        (const uint8_t *)"knows?", 6), 0);
  UT_EQ_HEX(out, 32, "5e7da329630fdaa3eab7498bb1dc625b"
                     "bb9ca968f10392b6af92d51d5db17473");
  UT_EQ_INT(hs_ntor_mac(out, (const uint8_t *)"gone", 4,
                        (const uint8_t *)"by", 2), 0);
  UT_EQ_HEX(out, 32, "90071aabb06d3f7c777db41542f4790c"
                     "7dd9e2e7b2b842f54c9c42bbdb37e9a0");
}

UNITTEST(hs_ntor, intro_keys_against_reference)
{
  vecfile_t *vf = vecfile_load(NTOR_VEC);
  UT_ASSERT(vecfile_n_records(vf) >= 3);
  for (int r = 0; r < vecfile_n_records(vf); r++) {
    hs_ntor_intro_keys_t c, s;
    UT_EQ_INT(hs_ntor_client_intro_keys(&c, field(vf, r, "x", 32),
                                        field(vf, r, "X", 32),
                                        field(vf, r, "B", 32),
                                        field(vf, r, "auth_key", 32),
                                        field(vf, r, "subcred", 32)), 0);
    UT_EQ_MEM(c.enc_key, field(vf, r, "enc_key", 32), 32);
    UT_EQ_MEM(c.mac_key, field(vf, r, "mac_key", 32), 32);
    UT_EQ_INT(hs_ntor_service_intro_keys(&s, field(vf, r, "b", 32),
                                         field(vf, r, "B", 32),
                                         field(vf, r, "auth_key", 32),
                                         field(vf, r, "X", 32),
                                         field(vf, r, "subcred", 32)), 0);
    UT_EQ_MEM(s.enc_key, field(vf, r, "enc_key", 32), 32);
    UT_EQ_MEM(s.mac_key, field(vf, r, "mac_key", 32), 32);
  }
  vecfile_free(vf);
}

UNITTEST(hs_ntor, rendezvous_against_reference)
{
  vecfile_t *vf = vecfile_load(NTOR_VEC);
  for (int r = 0; r < vecfile_n_records(vf); r++) {
    uint8_t reply[HS_NTOR_REPLY_LEN], skeys[128], ckeys[128], k2[128];
    UT_EQ_INT(hs_ntor_service_rendezvous_with_secret(
                  field(vf, r, "b", 32), field(vf, r, "B", 32),
                  field(vf, r, "auth_key", 32), field(vf, r, "X", 32),
                  field(vf, r, "y", 32), reply, skeys), 0);
    UT_EQ_MEM(reply, field(vf, r, "reply", 64), 64);
    UT_EQ_MEM(reply + 32, field(vf, r, "auth", 32), 32);
    UT_EQ_MEM(skeys, field(vf, r, "e2e_keys", 128), 128);
    UT_EQ_INT(hs_ntor_client_rendezvous(
                  field(vf, r, "x", 32), field(vf, r, "X", 32),
                  field(vf, r, "B", 32), field(vf, r, "auth_key", 32),
                  field(vf, r, "reply", 64), ckeys), 0);
    UT_EQ_MEM(ckeys, field(vf, r, "e2e_keys", 128), 128);
    /* K = SHAKE-256(NTOR_KEY_SEED | m_hsexpand) */
    UT_EQ_INT(hs_ntor_expand_keys(field(vf, r, "key_seed", 32), k2, 128), 0);
    UT_EQ_MEM(k2, field(vf, r, "e2e_keys", 128), 128);
  }
  vecfile_free(vf);
}

UNITTEST(hs_ntor, fresh_y_agrees)
{
  vecfile_t *vf = vecfile_load(NTOR_VEC);
  uint8_t reply[64], skeys[128], ckeys[128];
  UT_EQ_INT(hs_ntor_service_rendezvous(field(vf, 0, "b", 32),
                                       field(vf, 0, "B", 32),
                                       field(vf, 0, "auth_key", 32),
                                       field(vf, 0, "X", 32), reply, skeys),
            0);
  UT_EQ_INT(hs_ntor_client_rendezvous(field(vf, 0, "x", 32),
                                      field(vf, 0, "X", 32),
                                      field(vf, 0, "B", 32),
                                      field(vf, 0, "auth_key", 32), reply,
                                      ckeys), 0);
  UT_EQ_MEM(ckeys, skeys, 128);
  vecfile_free(vf);
}

UNITTEST(hs_ntor, bad_auth_and_degenerate_keys)
{
  vecfile_t *vf = vecfile_load(NTOR_VEC);
  uint8_t reply[64], keys[128], zero[128] = { 0 };
  hs_ntor_intro_keys_t ik;
  /* A flipped AUTH bit, or a Y other than the one AUTH was made for. */
  memcpy(reply, field(vf, 0, "reply", 64), 64);
  reply[40] ^= 0x04;
  memset(keys, 0xaa, sizeof(keys));
  UT_EQ_INT(hs_ntor_client_rendezvous(field(vf, 0, "x", 32),
                                      field(vf, 0, "X", 32),
                                      field(vf, 0, "B", 32),
                                      field(vf, 0, "auth_key", 32), reply,
                                      keys), -1);
  UT_EQ_MEM(keys, zero, 128);
  memcpy(reply, field(vf, 1, "reply", 64), 32);
  memcpy(reply + 32, field(vf, 0, "auth", 32), 32);
  UT_EQ_INT(hs_ntor_client_rendezvous(field(vf, 0, "x", 32),
                                      field(vf, 0, "X", 32),
                                      field(vf, 0, "B", 32),
                                      field(vf, 0, "auth_key", 32), reply,
                                      keys), -1);
  /* The wrong auth key gives a different AUTH. */
  UT_EQ_INT(hs_ntor_client_rendezvous(field(vf, 0, "x", 32),
                                      field(vf, 0, "X", 32),
                                      field(vf, 0, "B", 32),
                                      field(vf, 1, "auth_key", 32),
                                      field(vf, 0, "reply", 64), keys), -1);
  /* A small-order client key (all zero) gives an all-zero secret. */
  UT_EQ_INT(hs_ntor_service_intro_keys(&ik, field(vf, 0, "b", 32),
                                       field(vf, 0, "B", 32),
                                       field(vf, 0, "auth_key", 32), zero,
                                       field(vf, 0, "subcred", 32)), -1);
  UT_EQ_MEM(ik.enc_key, zero, 32);
  UT_EQ_INT(hs_ntor_service_rendezvous(field(vf, 0, "b", 32),
                                       field(vf, 0, "B", 32),
                                       field(vf, 0, "auth_key", 32), zero,
                                       reply, keys), -1);
  UT_EQ_MEM(keys, zero, 128);
  vecfile_free(vf);
}

/* ---- the end-to-end hop ---- */

/* Both ends against the reference: what each end sends is byte-exact on
 * the wire and what it receives is recognized with the right digest. */
UNITTEST(hs_e2e, both_ends_against_reference)
{
  vecfile_t *vf = vecfile_load(E2E_VEC);
  const uint8_t *keys = field(vf, 0, "keys", 128);
  hs_e2e_crypto_t *client = hs_e2e_crypto_new(keys, 128, 0);
  hs_e2e_crypto_t *service = hs_e2e_crypto_new(keys, 128, 1);
  uint8_t p[RELAY_PAYLOAD_LEN];
  int n[2] = { 0, 0 };
  UT_ASSERT(client && service);
  for (int r = 1; r < vecfile_n_records(vf); r++) {
    int dir = field(vf, r, "dir", 1)[0];
    hs_e2e_crypto_t *sender = dir == 0 ? client : service;
    hs_e2e_crypto_t *receiver = dir == 0 ? service : client;
    memcpy(p, field(vf, r, "plain", 509), 509);
    UT_EQ_INT(hs_e2e_crypto_encrypt_outgoing(sender, p), 0);
    UT_EQ_MEM(p, field(vf, r, "wire", 509), 509);
    UT_EQ_MEM(hs_e2e_crypto_last_outgoing_digest(sender),
              field(vf, r, "digest", 32), 32);
    UT_EQ_INT(hs_e2e_crypto_decrypt_incoming(receiver, p), 1);
    UT_EQ_MEM(p, field(vf, r, "sealed", 509), 509);
    UT_EQ_MEM(hs_e2e_crypto_last_incoming_digest(receiver),
              field(vf, r, "digest", 32), 32);
    n[dir]++;
  }
  UT_ASSERT(n[0] >= 3 && n[1] >= 3);
  hs_e2e_crypto_free(client);
  hs_e2e_crypto_free(service);
  vecfile_free(vf);
}

/* A cell damaged on the way is not recognized; a cell sent by the wrong
 * end (its own direction) is not recognized either. */
UNITTEST(hs_e2e, unrecognized)
{
  vecfile_t *vf = vecfile_load(E2E_VEC);
  const uint8_t *keys = field(vf, 0, "keys", 128);
  hs_e2e_crypto_t *service = hs_e2e_crypto_new(keys, 128, 1);
  hs_e2e_crypto_t *client = hs_e2e_crypto_new(keys, 128, 0);
  uint8_t p[RELAY_PAYLOAD_LEN];
  UT_ASSERT(field(vf, 1, "dir", 1)[0] == 0);
  memcpy(p, field(vf, 1, "wire", 509), 509);
  p[200] ^= 0x10;
  UT_EQ_INT(hs_e2e_crypto_decrypt_incoming(service, p), 0);
  /* The client decrypting its own first cell uses Kb, not Kf. */
  memcpy(p, field(vf, 1, "wire", 509), 509);
  UT_EQ_INT(hs_e2e_crypto_decrypt_incoming(client, p), 0);
  hs_e2e_crypto_free(service);
  hs_e2e_crypto_free(client);
  UT_ASSERT(hs_e2e_crypto_new(keys, 127, 1) == NULL);
  UT_ASSERT(hs_e2e_crypto_new(NULL, 128, 1) == NULL);
  hs_e2e_crypto_free(NULL);
  vecfile_free(vf);
}

/* SENDME v1 on this hop carries the first 20 bytes of the SHA3-256
 * running digest after the acknowledged cell. */
UNITTEST(hs_e2e, sendme_digest_is_truncated_sha3)
{
  vecfile_t *vf = vecfile_load(E2E_VEC);
  const uint8_t *keys = field(vf, 0, "keys", 128);
  hs_e2e_crypto_t *service = hs_e2e_crypto_new(keys, 128, 1);
  uint8_t p[RELAY_PAYLOAD_LEN], body[SENDME_V1_BODY_LEN];
  memcpy(p, field(vf, 1, "wire", 509), 509);
  UT_EQ_INT(hs_e2e_crypto_decrypt_incoming(service, p), 1);
  UT_EQ_INT(sendme_v1_encode(body, sizeof(body),
                             hs_e2e_crypto_last_incoming_digest(service)),
            SENDME_V1_BODY_LEN);
  UT_EQ_HEX(body, 3, "010014");
  UT_EQ_MEM(body + 3, field(vf, 1, "digest", 32), 20);
  hs_e2e_crypto_free(service);
  vecfile_free(vf);
}

/* The end-to-end layer on a joined rendezvous circuit, with the circuits'
 * own per-hop relay crypto (core/crypto/relay_crypto, itself checked
 * against its own reference): client C0 C1 RP, service S0 S1 RP. A cell
 * sent by either end passes every relay unrecognized, reaches the other
 * end with all circuit layers peeled and no circuit hop recognizing it,
 * and the end-to-end layer recognizes it there. */
#define PATH_HOPS 3

typedef struct side_t {
  relay_crypto_t *origin[PATH_HOPS];  /* the end's view of its hops */
  relay_crypto_t *relay[PATH_HOPS];   /* each relay's own state */
  hs_e2e_crypto_t *e2e;
} side_t;

static void
side_init(side_t *s, const uint8_t *e2e_keys, int is_service)
{
  for (int i = 0; i < PATH_HOPS; i++) {
    uint8_t k[RELAY_CRYPTO_KEY_MATERIAL_LEN];
    UT_EQ_INT(crypto_rand_bytes(k, sizeof(k)), 0);
    s->origin[i] = relay_crypto_new(k, sizeof(k));
    s->relay[i] = relay_crypto_new(k, sizeof(k));
    UT_ASSERT(s->origin[i] && s->relay[i]);
  }
  s->e2e = hs_e2e_crypto_new(e2e_keys, HS_E2E_KEY_MATERIAL_LEN, is_service);
  UT_ASSERT(s->e2e != NULL);
}

static void
side_free(side_t *s)
{
  for (int i = 0; i < PATH_HOPS; i++) {
    relay_crypto_free(s->origin[i]);
    relay_crypto_free(s->relay[i]);
  }
  hs_e2e_crypto_free(s->e2e);
}

/* from sends plain to to across the rendezvous point. */
static void
send_across(side_t *from, side_t *to, const uint8_t *plain)
{
  uint8_t p[RELAY_PAYLOAD_LEN], sealed[RELAY_PAYLOAD_LEN];
  memcpy(p, plain, RELAY_PAYLOAD_LEN);
  UT_EQ_INT(hs_e2e_crypto_encrypt_outgoing(from->e2e, p), 0);
  UT_EQ_INT(relay_crypto_client_add_layers(from->origin, PATH_HOPS, p), 0);
  for (int i = 0; i < PATH_HOPS; i++)        /* outbound to the RP */
    UT_EQ_INT(relay_crypto_relay_decrypt_forward(from->relay[i], p), 0);
  for (int i = PATH_HOPS - 1; i >= 0; i--)   /* inbound from the RP */
    UT_EQ_INT(relay_crypto_relay_encrypt_backward(to->relay[i], p, 0), 0);
  UT_EQ_INT(relay_crypto_client_decrypt(to->origin, PATH_HOPS, p), -1);
  UT_EQ_INT(hs_e2e_crypto_decrypt_incoming(to->e2e, p), 1);
  memcpy(sealed, plain, RELAY_PAYLOAD_LEN);
  memcpy(sealed + RELAY_OFF_DIGEST,
         hs_e2e_crypto_last_outgoing_digest(from->e2e),
         RELAY_DIGEST_FIELD_LEN);
  UT_EQ_MEM(p, sealed, RELAY_PAYLOAD_LEN);
  UT_EQ_MEM(hs_e2e_crypto_last_incoming_digest(to->e2e),
            hs_e2e_crypto_last_outgoing_digest(from->e2e),
            HS_E2E_DIGEST_LEN);
}

UNITTEST(hs_e2e, across_rendezvous_point)
{
  vecfile_t *vf = vecfile_load(E2E_VEC);
  const uint8_t *keys = field(vf, 0, "keys", 128);
  side_t client, service;
  uint8_t plain[RELAY_PAYLOAD_LEN];
  side_init(&client, keys, 0);
  side_init(&service, keys, 1);
  for (int n = 0; n < 20; n++) {
    UT_EQ_INT(relay_msg_encode(plain, RELAY_COMMAND_DATA, 1,
                               (const uint8_t *)"hello onion", 11), 0);
    plain[20] = (uint8_t)n;
    if (n % 3 == 2)
      send_across(&service, &client, plain);
    else
      send_across(&client, &service, plain);
  }
  side_free(&client);
  side_free(&service);
  vecfile_free(vf);
}
