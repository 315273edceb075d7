/* Tests for core/crypto/onion_ntor: our client and server against the
 * independent Python reference in tests/vectors/gen/gen_ntor.py (written
 * from tor-spec 5.1.4 with python3-cryptography; output committed as
 * tests/vectors/ntor/ntor.txt), each side checked against the other's
 * output, plus the failures that must be refused. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "core/crypto/onion_ntor.h"

#include <string.h>

#define VEC "tests/vectors/ntor/ntor.txt"

static const uint8_t *
field(const vecfile_t *vf, int rec, const char *name, size_t want_len)
{
  size_t len;
  const uint8_t *p = vecfile_get(vf, rec, name, &len);
  UT_EQ_INT(len, want_len);
  return p;
}

/* Our client, fed the reference server's reply. */
UNITTEST(ntor, client_against_reference)
{
  vecfile_t *vf = vecfile_load(VEC);
  UT_EQ_INT(vecfile_n_records(vf), 3);
  for (int r = 0; r < vecfile_n_records(vf); r++) {
    onion_ntor_client_state_t st;
    uint8_t skin[NTOR_ONIONSKIN_LEN], keys[92];
    size_t long_len;
    const uint8_t *keys_long = vecfile_get(vf, r, "keys_long", &long_len);
    uint8_t longer[200];
    UT_EQ_INT(onion_ntor_client_create_with_secret(
                  &st, field(vf, r, "node_id", 20), field(vf, r, "B", 32),
                  field(vf, r, "x", 32), skin), 0);
    UT_EQ_MEM(skin, field(vf, r, "onionskin", 84), 84);
    UT_EQ_MEM(st.X, field(vf, r, "X", 32), 32);
    UT_EQ_INT(onion_ntor_client_finish(&st, field(vf, r, "reply", 64),
                                       keys, sizeof(keys)), 0);
    UT_EQ_MEM(keys, field(vf, r, "keys", 92), 92);
    /* Any length of key material: 200 bytes (7 HMAC blocks). */
    UT_EQ_INT(long_len, 200);
    UT_EQ_INT(onion_ntor_client_finish(&st, field(vf, r, "reply", 64),
                                       longer, sizeof(longer)), 0);
    UT_EQ_MEM(longer, keys_long, 200);
    onion_ntor_client_clear(&st);
    UT_ASSERT(st.x[0] == 0 && st.x[31] == 0);
  }
  vecfile_free(vf);
}

/* Our server, fed the reference client's onionskin, with the same y. */
UNITTEST(ntor, server_against_reference)
{
  vecfile_t *vf = vecfile_load(VEC);
  for (int r = 0; r < vecfile_n_records(vf); r++) {
    uint8_t reply[NTOR_REPLY_LEN], keys[92];
    UT_EQ_INT(onion_ntor_server_respond_with_secret(
                  field(vf, r, "onionskin", 84), field(vf, r, "node_id", 20),
                  field(vf, r, "b", 32), field(vf, r, "B", 32),
                  field(vf, r, "y", 32), reply, keys, sizeof(keys)), 0);
    UT_EQ_MEM(reply, field(vf, r, "reply", 64), 64);
    UT_EQ_MEM(keys, field(vf, r, "keys", 92), 92);
  }
  vecfile_free(vf);
}

/* KDF-RFC5869 on its own, from the reference's KEY_SEED. */
UNITTEST(ntor, expand_keys)
{
  vecfile_t *vf = vecfile_load(VEC);
  static const char m_expand[] = "ntor-curve25519-sha256-1:key_expand";
  uint8_t out[200];
  UT_EQ_INT(onion_ntor_expand_keys(field(vf, 1, "key_seed", 32), 32,
                                   (const uint8_t *)m_expand,
                                   strlen(m_expand), out, 200), 0);
  UT_EQ_MEM(out, field(vf, 1, "keys_long", 200), 200);
  /* A prefix is a prefix: 1 byte and 33 bytes. */
  UT_EQ_INT(onion_ntor_expand_keys(field(vf, 1, "key_seed", 32), 32,
                                   (const uint8_t *)m_expand,
                                   strlen(m_expand), out, 33), 0);
  UT_EQ_MEM(out, field(vf, 1, "keys_long", 200), 33);
  UT_EQ_INT(onion_ntor_expand_keys(field(vf, 1, "key_seed", 32), 32,
                                   (const uint8_t *)m_expand,
                                   strlen(m_expand), out,
                                   ONION_NTOR_MAX_KEY_MATERIAL + 1), -1);
  vecfile_free(vf);
}

/* Each bit of AUTH and of Y matters; keys come back zeroed on failure. */
UNITTEST(ntor, bad_reply_rejected)
{
  vecfile_t *vf = vecfile_load(VEC);
  onion_ntor_client_state_t st;
  uint8_t skin[NTOR_ONIONSKIN_LEN], reply[NTOR_REPLY_LEN], keys[72];
  static const uint8_t zero72[72];
  UT_EQ_INT(onion_ntor_client_create_with_secret(
                &st, field(vf, 0, "node_id", 20), field(vf, 0, "B", 32),
                field(vf, 0, "x", 32), skin), 0);
  for (int bit = 0; bit < NTOR_REPLY_LEN * 8; bit += 37) {
    memcpy(reply, field(vf, 0, "reply", 64), 64);
    reply[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    memset(keys, 0xAA, sizeof(keys));
    UT_EQ_INT(onion_ntor_client_finish(&st, reply, keys, sizeof(keys)), -1);
    UT_EQ_MEM(keys, zero72, 72);
  }
  /* The reply of another handshake (record 1) is refused. */
  UT_EQ_INT(onion_ntor_client_finish(&st, field(vf, 1, "reply", 64),
                                     keys, sizeof(keys)), -1);
  /* Y = 0 (small order): the shared secret would be zero. */
  memset(reply, 0, sizeof(reply));
  UT_EQ_INT(onion_ntor_client_finish(&st, reply, keys, sizeof(keys)), -1);
  vecfile_free(vf);
}

UNITTEST(ntor, server_refuses_other_relay_or_bad_X)
{
  vecfile_t *vf = vecfile_load(VEC);
  uint8_t skin[NTOR_ONIONSKIN_LEN], reply[NTOR_REPLY_LEN], keys[72];
  const uint8_t *id = field(vf, 0, "node_id", 20), *b = field(vf, 0, "b", 32);
  const uint8_t *B = field(vf, 0, "B", 32), *y = field(vf, 0, "y", 32);
  memcpy(skin, field(vf, 0, "onionskin", 84), 84);
  skin[0] ^= 1;  /* another identity */
  UT_EQ_INT(onion_ntor_server_respond_with_secret(skin, id, b, B, y, reply,
                                                  keys, sizeof(keys)), -1);
  memcpy(skin, field(vf, 0, "onionskin", 84), 84);
  skin[20] ^= 1; /* another onion key */
  UT_EQ_INT(onion_ntor_server_respond_with_secret(skin, id, b, B, y, reply,
                                                  keys, sizeof(keys)), -1);
  memcpy(skin, field(vf, 0, "onionskin", 84), 84);
  memset(skin + 52, 0, 32); /* X = 0 */
  UT_EQ_INT(onion_ntor_server_respond_with_secret(skin, id, b, B, y, reply,
                                                  keys, sizeof(keys)), -1);
  vecfile_free(vf);
}

/* With fresh random secrets both sides agree (the reference already fixed
 * the values; this checks the random-key entry points). */
UNITTEST(ntor, random_roundtrip)
{
  vecfile_t *vf = vecfile_load(VEC);
  onion_ntor_client_state_t st;
  uint8_t skin[NTOR_ONIONSKIN_LEN], reply[NTOR_REPLY_LEN];
  uint8_t kc[92], ks[92];
  const uint8_t *id = field(vf, 2, "node_id", 20), *b = field(vf, 2, "b", 32);
  const uint8_t *B = field(vf, 2, "B", 32);
  UT_EQ_INT(onion_ntor_client_create(&st, id, B, skin), 0);
  UT_EQ_INT(onion_ntor_server_respond(skin, id, b, B, reply, ks, 92), 0);
  UT_EQ_INT(onion_ntor_client_finish(&st, reply, kc, 92), 0);
  UT_EQ_MEM(kc, ks, 92);
  onion_ntor_client_clear(&st);
  vecfile_free(vf);
}
