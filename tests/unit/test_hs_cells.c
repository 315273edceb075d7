/* Tests for feature/hs/hs_cells against an independent Python reference
 * written from rend-spec-v3 (tests/vectors/gen/gen_hs_cells.py; output in
 * tests/vectors/hs_cells/introduce.txt and establish_intro.txt):
 * INTRODUCE1 cells made by Python are decrypted and parsed here, and ours
 * must equal Python's byte for byte; ESTABLISH_INTRO cells made here must
 * equal Python's (Ed25519 signatures are deterministic), and Python's
 * verify here. Then the failures: bad MACs, truncation, wrong keys,
 * replays. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "feature/hs/hs_cells.h"
#include "lib/crypt/ed25519.h"

#include <string.h>

#define INTRO_VEC "tests/vectors/hs_cells/introduce.txt"
#define EST_VEC "tests/vectors/hs_cells/establish_intro.txt"

static const uint8_t *
field(const vecfile_t *vf, int rec, const char *name, size_t want_len)
{
  size_t len;
  const uint8_t *p = vecfile_get(vf, rec, name, &len);
  UT_EQ_INT(len, want_len);
  return p;
}

static const uint8_t *
field_any(const vecfile_t *vf, int rec, const char *name, size_t *len)
{
  return vecfile_get(vf, rec, name, len);
}

/* ---- ESTABLISH_INTRO / INTRO_ESTABLISHED ---- */

UNITTEST(hs_cells, establish_intro_against_reference)
{
  vecfile_t *vf = vecfile_load(EST_VEC);
  UT_ASSERT(vecfile_n_records(vf) >= 3);
  for (int r = 0; r < vecfile_n_records(vf); r++) {
    uint8_t esk[64], pk[32], out[RELAY_PAYLOAD_LEN];
    hs_establish_intro_dos_t dos = { 0, 0, 0 };
    hs_establish_intro_t parsed;
    size_t cell_len;
    const uint8_t *cell = field_any(vf, r, "cell", &cell_len);
    UT_EQ_INT(ed25519_seckey_from_seed(esk, field(vf, r, "auth_seed", 32)),
              0);
    UT_EQ_INT(ed25519_public_from_seckey(pk, esk), 0);
    UT_EQ_MEM(pk, field(vf, r, "auth_key", 32), 32);
    if (field(vf, r, "has_dos", 1)[0]) {
      const uint8_t *rate = field(vf, r, "rate", 8);
      const uint8_t *burst = field(vf, r, "burst", 8);
      dos.has_dos = 1;
      for (int i = 0; i < 8; i++) {
        dos.rate_per_sec = (dos.rate_per_sec << 8) | rate[i];
        dos.burst_per_sec = (dos.burst_per_sec << 8) | burst[i];
      }
    }
    UT_EQ_INT(hs_cell_establish_intro_encode(out, sizeof(out), pk, esk,
                                             field(vf, r, "kh", 20), &dos),
              cell_len);
    UT_EQ_MEM(out, cell, cell_len);
    UT_EQ_INT(hs_cell_establish_intro_parse(cell, cell_len, &parsed), 0);
    UT_EQ_MEM(parsed.auth_key, pk, 32);
    UT_EQ_INT(parsed.exts.n, dos.has_dos ? 1 : 0);
    UT_EQ_INT(hs_cell_establish_intro_verify(&parsed, cell,
                                             field(vf, r, "kh", 20)), 0);
  }
  vecfile_free(vf);
}

UNITTEST(hs_cells, establish_intro_rejects)
{
  vecfile_t *vf = vecfile_load(EST_VEC);
  size_t len;
  const uint8_t *ref = field_any(vf, 1, "cell", &len);
  const uint8_t *kh = field(vf, 1, "kh", 20);
  uint8_t cell[RELAY_PAYLOAD_LEN], bad_kh[20];
  hs_establish_intro_t parsed;
  UT_EQ_INT(len, 155);   /* 134 + the 21-byte DoS extension */
  /* Every truncation fails to parse. */
  for (size_t n = 0; n < len; n++)
    UT_EQ_INT(hs_cell_establish_intro_parse(ref, n, &parsed), -1);
  /* Wrong KH. */
  memcpy(bad_kh, kh, 20);
  bad_kh[19] ^= 1;
  UT_EQ_INT(hs_cell_establish_intro_parse(ref, len, &parsed), 0);
  UT_EQ_INT(hs_cell_establish_intro_verify(&parsed, ref, bad_kh), -1);
  /* A flipped signature bit, then a flipped extension bit (both the MAC
   * and the signature cover it). */
  memcpy(cell, ref, len);
  cell[len - 1] ^= 0x40;
  UT_EQ_INT(hs_cell_establish_intro_parse(cell, len, &parsed), 0);
  UT_EQ_INT(hs_cell_establish_intro_verify(&parsed, cell, kh), -1);
  memcpy(cell, ref, len);
  cell[40] ^= 0x01;
  UT_EQ_INT(hs_cell_establish_intro_parse(cell, len, &parsed), 0);
  UT_EQ_INT(hs_cell_establish_intro_verify(&parsed, cell, kh), -1);
  /* Unknown key type, wrong key length, wrong SIG_LEN. */
  memcpy(cell, ref, len);
  cell[0] = 1;
  UT_EQ_INT(hs_cell_establish_intro_parse(cell, len, &parsed), -1);
  memcpy(cell, ref, len);
  cell[2] = 31;
  UT_EQ_INT(hs_cell_establish_intro_parse(cell, len, &parsed), -1);
  memcpy(cell, ref, len);
  cell[len - 64 - 1] = 63;
  UT_EQ_INT(hs_cell_establish_intro_parse(cell, len, &parsed), -1);
  vecfile_free(vf);
}

UNITTEST(hs_cells, establish_intro_bad_dos)
{
  uint8_t esk[64], pk[32], kh[20] = { 0 }, out[RELAY_PAYLOAD_LEN];
  hs_establish_intro_dos_t dos = { 1, 10, (uint64_t)HS_DOS_PARAM_MAX + 1 };
  UT_EQ_INT(ed25519_keypair_generate(pk, esk), 0);
  UT_EQ_INT(hs_cell_establish_intro_encode(out, sizeof(out), pk, esk, kh,
                                           &dos), -1);
  UT_EQ_INT(hs_cell_establish_intro_encode(out, 133, pk, esk, kh, NULL), -1);
  UT_EQ_INT(hs_cell_establish_intro_encode(out, 134, pk, esk, kh, NULL),
            134);
}

UNITTEST(hs_cells, intro_established)
{
  static const uint8_t none[] = { 0x00 };
  static const uint8_t one[] = { 0x02, 0x05, 0x00, 0x07, 0x02, 0xaa, 0xbb,
                                 0xcc /* trailing, ignored */ };
  static const uint8_t overrun[] = { 0x01, 0x05, 0x02, 0xaa };
  hs_cell_exts_t e;
  const uint8_t *f;
  uint8_t flen;
  UT_EQ_INT(hs_cell_intro_established_parse(NULL, 0, &e), 0);
  UT_EQ_INT(e.n, 0);
  UT_EQ_INT(hs_cell_intro_established_parse(none, sizeof(none), &e), 0);
  UT_EQ_INT(e.n, 0);
  UT_EQ_INT(hs_cell_intro_established_parse(one, sizeof(one), &e), 0);
  UT_EQ_INT(e.n, 2);
  UT_EQ_INT(hs_cell_exts_find(&e, 0x07, &f, &flen), 1);
  UT_EQ_INT(flen, 2);
  UT_EQ_HEX(f, 2, "aabb");
  UT_EQ_INT(hs_cell_exts_find(&e, 0x05, &f, &flen), 1);
  UT_EQ_INT(flen, 0);
  UT_EQ_INT(hs_cell_exts_find(&e, 0x06, &f, &flen), 0);
  UT_EQ_INT(hs_cell_intro_established_parse(overrun, sizeof(overrun), &e),
            -1);
}

/* ---- INTRODUCE2 ---- */

typedef struct intro_fixture_t {
  uint8_t subcreds[2][HS_NTOR_SUBCRED_LEN];
  hs_intro_point_keys_t ipk;
} intro_fixture_t;

/* The service's keys for record r; the right subcredential is second, as
 * for an OnionBalance instance receiving a cell made for the master. */
static void
fixture_init(intro_fixture_t *fx, const vecfile_t *vf, int r)
{
  memcpy(fx->subcreds[0], field(vf, r, "other_subcred", 32), 32);
  memcpy(fx->subcreds[1], field(vf, r, "subcred", 32), 32);
  fx->ipk.auth_pk = field(vf, r, "auth_key", 32);
  fx->ipk.enc_sk = field(vf, r, "b", 32);
  fx->ipk.enc_pk = field(vf, r, "B", 32);
  fx->ipk.subcreds = (const uint8_t (*)[HS_NTOR_SUBCRED_LEN])fx->subcreds;
  fx->ipk.n_subcreds = 2;
}

UNITTEST(hs_cells, introduce2_from_reference)
{
  vecfile_t *vf = vecfile_load(INTRO_VEC);
  UT_ASSERT(vecfile_n_records(vf) >= 3);
  for (int r = 0; r < vecfile_n_records(vf); r++) {
    intro_fixture_t fx;
    uint8_t plain[RELAY_PAYLOAD_LEN], X[32];
    uint8_t reply[64], keys[128], rend1[RELAY_PAYLOAD_LEN];
    hs_intro2_plaintext_t pt;
    size_t body_len, plain_len, ls_len, exts_len, rend1_len, idx = 99;
    const uint8_t *body = field_any(vf, r, "introduce1", &body_len);
    const uint8_t *want_plain = field_any(vf, r, "plaintext", &plain_len);
    const uint8_t *ls = field_any(vf, r, "link_specifiers", &ls_len);
    const uint8_t *exts = field_any(vf, r, "exts", &exts_len);
    const uint8_t *want_rend1 = field_any(vf, r, "rendezvous1", &rend1_len);
    hs_introduce2_t outer;
    fixture_init(&fx, vf, r);
    UT_ASSERT(body_len >= HS_CELL_INTRODUCE1_MIN_LEN);
    UT_EQ_INT(hs_cell_introduce2_parse(body, body_len, &outer), 0);
    UT_EQ_INT(outer.exts.n, field(vf, r, "n_outer_exts", 1)[0]);
    UT_EQ_INT(hs_cell_introduce2_process(body, body_len, &fx.ipk, NULL,
                                         plain, &pt, X, &idx), 0);
    UT_EQ_INT(idx, 1);
    UT_EQ_MEM(X, field(vf, r, "X", 32), 32);
    UT_EQ_MEM(plain, want_plain, plain_len);
    UT_EQ_MEM(pt.rend_cookie, field(vf, r, "rend_cookie", 20), 20);
    UT_EQ_MEM(pt.onion_key, field(vf, r, "onion_key", 32), 32);
    UT_EQ_INT(pt.link_specifiers_len, ls_len);
    UT_EQ_MEM(pt.link_specifiers, ls, ls_len);
    UT_EQ_INT(pt.exts.n, field(vf, r, "n_exts", 1)[0]);
    UT_EQ_INT(pt.exts.body_len, exts_len);
    UT_EQ_MEM(pt.exts.body, exts, exts_len);
    UT_ASSERT(pt.rend_point.has_legacy_id);
    UT_EQ_INT(hs_cell_exts_find(&pt.exts, HS_INTRO_EXT_CC_REQUEST, NULL,
                                NULL), r > 0);
    if (r == 0) {
      UT_ASSERT(pt.rend_point.has_ipv4 && pt.rend_point.has_ed25519_id &&
                !pt.rend_point.has_ipv6);
      UT_EQ_HEX(pt.rend_point.ipv4_addr, 4, "c0000207");
      UT_EQ_INT(pt.rend_point.ipv4_port, 9001);
      UT_ASSERT(pt.pad_len > 0);
    }
    if (r == 1) {
      UT_ASSERT(pt.rend_point.has_ipv6);
      UT_EQ_INT(pt.rend_point.ipv6_port, 443);
    }
    /* The service's answer with the reference's y. */
    UT_EQ_INT(hs_ntor_service_rendezvous_with_secret(
                  fx.ipk.enc_sk, fx.ipk.enc_pk, fx.ipk.auth_pk, X,
                  field(vf, r, "y", 32), reply, keys), 0);
    UT_EQ_MEM(keys, field(vf, r, "e2e_keys", 128), 128);
    UT_EQ_INT(hs_cell_rendezvous1_encode(rend1, sizeof(rend1),
                                         pt.rend_cookie, reply),
              rend1_len);
    UT_EQ_MEM(rend1, want_rend1, rend1_len);
  }
  vecfile_free(vf);
}

/* The subcredential order does not matter, and one alone works. */
UNITTEST(hs_cells, introduce2_subcred_index)
{
  vecfile_t *vf = vecfile_load(INTRO_VEC);
  intro_fixture_t fx;
  uint8_t plain[RELAY_PAYLOAD_LEN], X[32];
  hs_intro2_plaintext_t pt;
  size_t len, idx = 99;
  const uint8_t *body = field_any(vf, 0, "introduce1", &len);
  fixture_init(&fx, vf, 0);
  memcpy(fx.subcreds[0], field(vf, 0, "subcred", 32), 32);
  memcpy(fx.subcreds[1], field(vf, 0, "other_subcred", 32), 32);
  UT_EQ_INT(hs_cell_introduce2_process(body, len, &fx.ipk, NULL, plain, &pt,
                                       X, &idx), 0);
  UT_EQ_INT(idx, 0);
  fx.ipk.n_subcreds = 1;
  UT_EQ_INT(hs_cell_introduce2_process(body, len, &fx.ipk, NULL, plain, &pt,
                                       X, NULL), 0);
  /* Only the wrong one: the MAC fails. */
  memcpy(fx.subcreds[0], field(vf, 0, "other_subcred", 32), 32);
  UT_EQ_INT(hs_cell_introduce2_process(body, len, &fx.ipk, NULL, plain, &pt,
                                       X, NULL), -1);
  vecfile_free(vf);
}

/* Our client's INTRODUCE1 equals the reference's for the same x. */
UNITTEST(hs_cells, introduce1_against_reference)
{
  vecfile_t *vf = vecfile_load(INTRO_VEC);
  int checked = 0;
  for (int r = 0; r < vecfile_n_records(vf); r++) {
    hs_introduce1_params_t p;
    uint8_t out[RELAY_PAYLOAD_LEN];
    size_t body_len, ls_len, exts_len;
    const uint8_t *body = field_any(vf, r, "introduce1", &body_len);
    if (field(vf, r, "n_outer_exts", 1)[0] != 0)
      continue;   /* our client sends no outer extensions */
    memset(&p, 0, sizeof(p));
    p.auth_pk = field(vf, r, "auth_key", 32);
    p.enc_pk = field(vf, r, "B", 32);
    p.subcred = field(vf, r, "subcred", 32);
    p.rend_cookie = field(vf, r, "rend_cookie", 20);
    p.onion_key = field(vf, r, "onion_key", 32);
    p.link_specifiers = field_any(vf, r, "link_specifiers", &ls_len);
    p.link_specifiers_len = ls_len;
    p.n_exts = field(vf, r, "n_exts", 1)[0];
    p.exts = field_any(vf, r, "exts", &exts_len);
    p.exts_len = exts_len;
    UT_EQ_INT(hs_cell_introduce1_encode_with_secret(out, sizeof(out), &p,
                                                    field(vf, r, "x", 32)),
              body_len);
    UT_EQ_MEM(out, body, body_len);
    checked++;
  }
  UT_ASSERT(checked >= 2);
  vecfile_free(vf);
}

/* A fresh client key: the service decrypts it and both ends agree on the
 * end-to-end keys. */
UNITTEST(hs_cells, introduce1_roundtrip_fresh_key)
{
  vecfile_t *vf = vecfile_load(INTRO_VEC);
  intro_fixture_t fx;
  hs_introduce1_params_t p;
  uint8_t out[RELAY_PAYLOAD_LEN], plain[RELAY_PAYLOAD_LEN], x[32], X[32];
  uint8_t Xs[32], reply[64], skeys[128], ckeys[128];
  hs_intro2_plaintext_t pt;
  size_t ls_len;
  int len;
  fixture_init(&fx, vf, 1);
  memset(&p, 0, sizeof(p));
  p.auth_pk = fx.ipk.auth_pk;
  p.enc_pk = fx.ipk.enc_pk;
  p.subcred = field(vf, 1, "subcred", 32);
  p.rend_cookie = field(vf, 1, "rend_cookie", 20);
  p.onion_key = field(vf, 1, "onion_key", 32);
  p.link_specifiers = field_any(vf, 1, "link_specifiers", &ls_len);
  p.link_specifiers_len = ls_len;
  len = hs_cell_introduce1_encode(out, sizeof(out), &p, x, X);
  UT_ASSERT(len >= HS_CELL_INTRODUCE1_MIN_LEN);
  UT_EQ_INT(hs_cell_introduce2_process(out, (size_t)len, &fx.ipk, NULL,
                                       plain, &pt, Xs, NULL), 0);
  UT_EQ_MEM(Xs, X, 32);
  UT_EQ_INT(pt.exts.n, 0);
  UT_EQ_INT(hs_ntor_service_rendezvous(fx.ipk.enc_sk, fx.ipk.enc_pk,
                                       fx.ipk.auth_pk, Xs, reply, skeys), 0);
  UT_EQ_INT(hs_ntor_client_rendezvous(x, X, fx.ipk.enc_pk, fx.ipk.auth_pk,
                                      reply, ckeys), 0);
  UT_EQ_MEM(ckeys, skeys, 128);
  vecfile_free(vf);
}

UNITTEST(hs_cells, introduce2_rejects)
{
  vecfile_t *vf = vecfile_load(INTRO_VEC);
  intro_fixture_t fx;
  uint8_t cell[RELAY_PAYLOAD_LEN], plain[RELAY_PAYLOAD_LEN], X[32];
  hs_intro2_plaintext_t pt;
  size_t len;
  const uint8_t *ref = field_any(vf, 2, "introduce1", &len);
  fixture_init(&fx, vf, 2);
  UT_EQ_INT(hs_cell_introduce2_process(ref, len, &fx.ipk, NULL, plain, &pt,
                                       X, NULL), 0);
  /* Every truncation fails (a shorter cell has a wrong MAC, or no room for
   * CLIENT_PK and MAC). */
  for (size_t n = 0; n < len; n++)
    UT_EQ_INT(hs_cell_introduce2_process(ref, n, &fx.ipk, NULL, plain, &pt,
                                         X, NULL), -1);
  /* Any flipped byte fails: LEGACY_KEY_ID (legacy refused), key type,
   * AUTH_KEY (not our intro point), the outer extension and CLIENT_PK,
   * ciphertext and MAC (MAC). */
  for (size_t i = 0; i < len; i += 7) {
    memcpy(cell, ref, len);
    cell[i] ^= 0x20;
    UT_EQ_INT(hs_cell_introduce2_process(cell, len, &fx.ipk, NULL, plain,
                                         &pt, X, NULL), -1);
  }
  memcpy(cell, ref, len);
  cell[len - 1] ^= 0x01;
  UT_EQ_INT(hs_cell_introduce2_process(cell, len, &fx.ipk, NULL, plain, &pt,
                                       X, NULL), -1);
  /* The right cell at the wrong introduction point. */
  fx.ipk.auth_pk = field(vf, 1, "auth_key", 32);
  UT_EQ_INT(hs_cell_introduce2_process(ref, len, &fx.ipk, NULL, plain, &pt,
                                       X, NULL), -1);
  vecfile_free(vf);
}

UNITTEST(hs_cells, introduce2_replay)
{
  vecfile_t *vf = vecfile_load(INTRO_VEC);
  intro_fixture_t fx;
  uint8_t cell[RELAY_PAYLOAD_LEN], plain[RELAY_PAYLOAD_LEN], X[32];
  hs_intro2_plaintext_t pt;
  size_t len;
  const uint8_t *ref = field_any(vf, 0, "introduce1", &len);
  hs_replay_cache_t *rc = hs_replay_cache_new(4);
  UT_ASSERT(rc != NULL);
  fixture_init(&fx, vf, 0);
  /* A forged cell (bad MAC) is refused and does not enter the cache... */
  memcpy(cell, ref, len);
  cell[len - 5] ^= 0x01;
  UT_EQ_INT(hs_cell_introduce2_process(cell, len, &fx.ipk, rc, plain, &pt,
                                       X, NULL), -1);
  /* ... so the genuine one goes through once, and not twice. */
  UT_EQ_INT(hs_cell_introduce2_process(ref, len, &fx.ipk, rc, plain, &pt,
                                       X, NULL), 0);
  UT_EQ_INT(hs_cell_introduce2_process(ref, len, &fx.ipk, rc, plain, &pt,
                                       X, NULL), -1);
  hs_replay_cache_free(rc);
  vecfile_free(vf);
}

UNITTEST(hs_cells, replay_cache)
{
  hs_replay_cache_t *rc = hs_replay_cache_new(100);
  uint8_t item[8];
  UT_ASSERT(rc != NULL);
  for (int i = 0; i < 100; i++) {
    memset(item, i, sizeof(item));
    UT_EQ_INT(hs_replay_cache_contains(rc, item, sizeof(item)), 0);
    UT_EQ_INT(hs_replay_cache_add(rc, item, sizeof(item)), 0);
  }
  for (int i = 0; i < 100; i++) {
    memset(item, i, sizeof(item));
    UT_EQ_INT(hs_replay_cache_contains(rc, item, sizeof(item)), 1);
    UT_EQ_INT(hs_replay_cache_add(rc, item, sizeof(item)), 1);
  }
  memset(item, 200, sizeof(item));
  UT_EQ_INT(hs_replay_cache_add(rc, item, sizeof(item)), -1);  /* full */
  UT_EQ_INT(hs_replay_cache_contains(rc, item, 7), 0);
  hs_replay_cache_free(rc);
  UT_ASSERT(hs_replay_cache_new(0) == NULL);
  hs_replay_cache_free(NULL);
}

/* Plaintexts the service must refuse. */
UNITTEST(hs_cells, intro2_plaintext_rejects)
{
  vecfile_t *vf = vecfile_load(INTRO_VEC);
  size_t len;
  const uint8_t *ref = field_any(vf, 0, "plaintext", &len);
  uint8_t p[RELAY_PAYLOAD_LEN];
  hs_intro2_plaintext_t pt;
  /* cookie 20 | N_EXT 0 | type 1 | len 32 | key 32 | NSPEC 3 |
   * IPv4 (00 06 ...) at offset 57 | legacy (02 14 ...) at 65 | ed at 87 */
  const size_t type_off = 21, ls_off = 56, ipv4_off = 57, legacy_off = 65;
  UT_EQ_INT(hs_cell_intro2_plaintext_parse(ref, len, &pt), 0);
  UT_EQ_INT(pt.link_specifiers - ref, ls_off);
  for (size_t n = 0; n < ls_off + 1 + 8 + 22; n++)
    UT_EQ_INT(hs_cell_intro2_plaintext_parse(ref, n, &pt), -1);
  memcpy(p, ref, len);
  p[type_off] = 2;                      /* not ntor */
  UT_EQ_INT(hs_cell_intro2_plaintext_parse(p, len, &pt), -1);
  memcpy(p, ref, len);
  p[type_off + 2] = 33;                 /* ONION_KEY_LEN 33 */
  UT_EQ_INT(hs_cell_intro2_plaintext_parse(p, len, &pt), -1);
  memcpy(p, ref, len);
  p[ipv4_off + 1] = 7;                  /* IPv4 of 7 bytes */
  UT_EQ_INT(hs_cell_intro2_plaintext_parse(p, len, &pt), -1);
  memcpy(p, ref, len);
  p[legacy_off] = 0x55;                 /* legacy id becomes unknown type */
  UT_EQ_INT(hs_cell_intro2_plaintext_parse(p, len, &pt), -1);
  memcpy(p, ref, len);
  p[ls_off] = 200;                      /* NSPEC overruns */
  UT_EQ_INT(hs_cell_intro2_plaintext_parse(p, len, &pt), -1);
  vecfile_free(vf);
}

UNITTEST(hs_cells, rendezvous2)
{
  uint8_t body[80];
  const uint8_t *reply = NULL;
  memset(body, 7, sizeof(body));
  UT_EQ_INT(hs_cell_rendezvous2_parse(body, 63, &reply), -1);
  UT_EQ_INT(hs_cell_rendezvous2_parse(body, 80, &reply), 0);
  UT_ASSERT(reply == body);
}
