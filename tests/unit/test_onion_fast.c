/* Tests for core/crypto/onion_fast: CREATE_FAST and KDF-TOR against the
 * independent Python reference in tests/vectors/gen/gen_fast.py (written
 * from tor-spec 5.1.5 and 5.2.1 with hashlib; output committed as
 * tests/vectors/fast/fast.txt), the derived keys fed to relay_crypto
 * against the reference's sealed and encrypted cells, and the replies that
 * must be refused. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "core/crypto/onion_fast.h"
#include "core/crypto/relay_crypto.h"
#include "lib/crypt/crypto_util.h"

#include <string.h>

#define VEC "tests/vectors/fast/fast.txt"

static const uint8_t *
field(const vecfile_t *vf, int rec, const char *name, size_t want_len)
{
  size_t len;
  const uint8_t *p = vecfile_get(vf, rec, name, &len);
  UT_EQ_INT(len, want_len);
  return p;
}

UNITTEST(onion_fast, kdf_tor_against_reference)
{
  vecfile_t *vf = vecfile_load(VEC);
  UT_EQ_INT(vecfile_n_records(vf), 3);
  for (int r = 0; r < vecfile_n_records(vf); r++) {
    uint8_t k0[40], out[300];
    memcpy(k0, field(vf, r, "x", 20), 20);
    memcpy(k0 + 20, field(vf, r, "y", 20), 20);
    UT_EQ_INT(onion_fast_kdf_tor(k0, sizeof(k0), out, sizeof(out)), 0);
    UT_EQ_MEM(out, field(vf, r, "kdf_long", 300), 300);
    /* A length that ends inside a block. */
    memset(out, 0xaa, sizeof(out));
    UT_EQ_INT(onion_fast_kdf_tor(k0, sizeof(k0), out, 33), 0);
    UT_EQ_MEM(out, field(vf, r, "kdf_long", 300), 33);
    UT_EQ_INT(out[33], 0xaa);
  }
  uint8_t big[ONION_FAST_KDF_MAX + 1];
  UT_EQ_INT(onion_fast_kdf_tor((const uint8_t *)"k", 1, big, sizeof(big)), -1);
  UT_EQ_INT(onion_fast_kdf_tor((const uint8_t *)"k", 1, big, ONION_FAST_KDF_MAX), 0);
  vecfile_free(vf);
}

UNITTEST(onion_fast, client_against_reference)
{
  vecfile_t *vf = vecfile_load(VEC);
  for (int r = 0; r < vecfile_n_records(vf); r++) {
    onion_fast_client_state_t st;
    uint8_t skin[ONION_FAST_ONIONSKIN_LEN], keys[ONION_FAST_KEY_WITH_KH_LEN];
    uint8_t cell[509];
    UT_EQ_INT(onion_fast_client_create_with_x(&st, field(vf, r, "x", 20), skin), 0);
    UT_EQ_MEM(skin, field(vf, r, "x", 20), 20);
    /* CREATED_FAST's payload is the whole 509-byte cell body: Y | KH, then
     * padding we ignore. */
    memset(cell, 0x5c, sizeof(cell));
    memcpy(cell, field(vf, r, "reply", 40), 40);
    UT_EQ_INT(onion_fast_client_finish(&st, cell, sizeof(cell), keys, sizeof(keys)), 0);
    UT_EQ_MEM(keys, field(vf, r, "keys", 92), 92);
    UT_EQ_INT(onion_fast_client_finish(&st, cell, 40, keys, 72), 0);
    UT_EQ_MEM(keys, field(vf, r, "keys", 92), 72);
    onion_fast_client_clear(&st);
    UT_ASSERT(crypto_mem_is_zero(&st, sizeof(st)));
  }
  vecfile_free(vf);
}

UNITTEST(onion_fast, server_against_reference)
{
  vecfile_t *vf = vecfile_load(VEC);
  for (int r = 0; r < vecfile_n_records(vf); r++) {
    uint8_t reply[ONION_FAST_REPLY_LEN], keys[ONION_FAST_KEY_WITH_KH_LEN];
    UT_EQ_INT(onion_fast_server_respond_with_y(field(vf, r, "x", 20), 20, field(vf, r, "y", 20),
                                               reply, keys, sizeof(keys)), 0);
    UT_EQ_MEM(reply, field(vf, r, "reply", 40), 40);
    UT_EQ_MEM(keys, field(vf, r, "keys", 92), 92);
  }
  vecfile_free(vf);
}

/* The keys, fed to relay_crypto as circuit.c feeds them, seal and encrypt
 * a BEGIN_DIR as the reference does, and recognize its CONNECTED. */
UNITTEST(onion_fast, keys_drive_relay_crypto)
{
  vecfile_t *vf = vecfile_load(VEC);
  for (int r = 0; r < vecfile_n_records(vf); r++) {
    onion_fast_client_state_t st;
    uint8_t skin[20], keys[ONION_FAST_KEY_WITH_KH_LEN], p[RELAY_PAYLOAD_LEN];
    UT_EQ_INT(onion_fast_client_create_with_x(&st, field(vf, r, "x", 20), skin), 0);
    UT_EQ_INT(onion_fast_client_finish(&st, field(vf, r, "reply", 40), 40, keys, sizeof(keys)),
              0);
    relay_crypto_t *rc = relay_crypto_new(keys, ONION_FAST_CIRCUIT_KEY_LEN);
    UT_ASSERT(rc != NULL);
    relay_crypto_t *hops[1] = { rc };
    /* Forward: the plaintext with recognized and digest zero. */
    memcpy(p, field(vf, r, "fwd_plain", 509), sizeof(p));
    memset(p + 5, 0, 4);
    UT_EQ_INT(relay_crypto_client_encrypt(hops, 0, p), 0);
    UT_EQ_MEM(p, field(vf, r, "fwd_wire", 509), 509);
    /* Backward: the relay's cell is recognized at hop 0. */
    memcpy(p, field(vf, r, "back_wire", 509), sizeof(p));
    UT_EQ_INT(relay_crypto_client_decrypt(hops, 1, p), 0);
    UT_EQ_MEM(p, field(vf, r, "back_plain", 509), 509);
    relay_crypto_free(rc);
  }
  vecfile_free(vf);
}

UNITTEST(onion_fast, bad_replies_refused)
{
  vecfile_t *vf = vecfile_load(VEC);
  onion_fast_client_state_t st;
  uint8_t skin[20], reply[40], keys[ONION_FAST_KEY_WITH_KH_LEN];
  UT_EQ_INT(onion_fast_client_create_with_x(&st, field(vf, 0, "x", 20), skin), 0);
  /* Each bit of KH flipped; Y changed (KH no longer matches). */
  for (int bit = 0; bit < 40 * 8; bit += 7) {
    memcpy(reply, field(vf, 0, "reply", 40), 40);
    reply[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    memset(keys, 0xee, sizeof(keys));
    UT_EQ_INT(onion_fast_client_finish(&st, reply, sizeof(reply), keys, sizeof(keys)), -1);
    UT_ASSERT(crypto_mem_is_zero(keys, sizeof(keys)));
  }
  /* Short replies, the other record's reply, bad key lengths. */
  memcpy(reply, field(vf, 0, "reply", 40), 40);
  for (size_t n = 0; n < 40; n++)
    UT_EQ_INT(onion_fast_client_finish(&st, reply, n, keys, sizeof(keys)), -1);
  UT_EQ_INT(onion_fast_client_finish(&st, field(vf, 1, "reply", 40), 40, keys, sizeof(keys)), -1);
  UT_EQ_INT(onion_fast_client_finish(&st, reply, 40, keys, 71), -1);
  UT_EQ_INT(onion_fast_client_finish(&st, reply, 40, keys, 93), -1);
  UT_EQ_INT(onion_fast_client_finish(&st, NULL, 40, keys, 92), -1);
  UT_EQ_INT(onion_fast_client_finish(&st, reply, 40, keys, 92), 0);
  vecfile_free(vf);
}

UNITTEST(onion_fast, fresh_x_is_random)
{
  onion_fast_client_state_t a, b;
  uint8_t sa[20], sb[20];
  UT_EQ_INT(onion_fast_client_create(&a, sa), 0);
  UT_EQ_INT(onion_fast_client_create(&b, sb), 0);
  UT_ASSERT(memcmp(sa, sb, 20) != 0);
  UT_EQ_MEM(a.x, sa, 20);
  UT_ASSERT(!crypto_mem_is_zero(sa, 20));
}
