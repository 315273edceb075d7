/* Client authorization (feature/hs/hs_desc_layer's cookie crypto,
 * hs_desc_decrypt_auth, hs_client_auth_file, hs_client_auth, and
 * feature/control's ONION_CLIENT_AUTH_* argument checks). Expected values:
 *  - tests/vectors/hs/hs_client_auth.txt: CLIENT-ID, COOKIE-KEY, the
 *    cookie and the inner layer under it, from python3-cryptography and
 *    hashlib (tests/vectors/gen/gen_hs_auth.py);
 *  - tests/vectors/hs/realtor_auth/desc.txt: a descriptor of real tor
 *    0.4.9.11 whose service authorizes alice and bob, decrypted by that
 *    script (realtor_auth_desc.txt);
 *  - control replies: real tor's, in
 *    tests/vectors/control/real_tor/onion_client_auth.txt;
 *  - base32 / base64 of keys in file lines: Python's base64 module. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "feature/control/control_client_auth.h"
#include "feature/hs/hs_client_auth.h"
#include "feature/hs/hs_client_auth_file.h"
#include "feature/hs/hs_desc_layer.h"
#include "feature/hs/hs_descriptor.h"
#include "lib/encoding/base32.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* realtor_auth: the service's address and alice's key */
#define ADDR "jvdyym4eaf276oi67ml5vhpvx2qrjobmi4edmee6eoob2epntklyavyd"
#define ALICE_B32 "WGB3RWRNFHNFBLYEMH44A7PT645GASPIYIXAK3IX4YCUUKNSUCSA"
#define ALICE_B64 "sYO42i0p2lCvBGH5wH3z9zpgSejCLgVtF+YFSimyoKQ="
static const char ALICE_HEX[] =
  "b183b8da2d29da50af0461f9c07df3f73a6049e8c22e056d17e6054a29b2a0a4";
/* from the control transcript */
#define CA "kfi6fxh2nrneoncih2hl5254h44v7rebdmafvwnreo6am6yctktzxuyd"
#define CB "ipps2zf6xdwq4xx55lnbmd4zch4ytjycrihieorahtry3m5zjk2jm6yd"
#define KA "XVCt6jHR3WGp0iUu2YFcX2YiwSk79zLFwb+sg/fTius="

static uint64_t
be64(const uint8_t *p)
{
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v = (v << 8) | p[i];
  return v;
}

UNITTEST(hs_client_auth, kat_keys_cookie_layer)
{
  vecfile_t *vf = vecfile_load("tests/vectors/hs/hs_client_auth.txt");
  UT_EQ_INT(vecfile_n_records(vf), 4);
  for (int i = 0; i < vecfile_n_records(vf); i++) {
    size_t len, clen, plen, blen, out_len;
    uint8_t id[8], key[32], cookie[32];
    const uint8_t *sk = vecfile_get(vf, i, "client_sk", &len);
    const uint8_t *eph = vecfile_get(vf, i, "ephemeral_pk", &len);
    const uint8_t *sub = vecfile_get(vf, i, "subcredential", &len);
    const uint8_t *want_cookie = vecfile_get(vf, i, "descriptor_cookie", &clen);
    const uint8_t *enc = vecfile_get(vf, i, "encrypted_cookie", &len);
    const uint8_t *iv = vecfile_get(vf, i, "iv", &len);

    UT_EQ_INT(hs_desc_client_auth_keys(sub, sk, eph, id, key), 0);
    UT_EQ_MEM(id, vecfile_get(vf, i, "client_id", &len), 8);
    UT_EQ_MEM(key, vecfile_get(vf, i, "cookie_key", &len), 32);
    UT_EQ_INT(hs_desc_cookie_crypt(key, iv, enc, cookie, clen), 0);
    UT_EQ_MEM(cookie, want_cookie, clen);
    /* and back */
    UT_EQ_INT(hs_desc_cookie_crypt(key, iv, cookie, cookie, clen), 0);
    UT_EQ_MEM(cookie, enc, clen);

    /* the inner layer with SECRET_DATA = blinded_pk | cookie */
    hs_desc_layer_keys_t lk;
    memset(&lk, 0, sizeof(lk));
    memcpy(lk.blinded_pk, vecfile_get(vf, i, "blinded_pk", &len), 32);
    memcpy(lk.subcredential, sub, 32);
    lk.revision_counter = be64(vecfile_get(vf, i, "revision_counter", &len));
    const uint8_t *salt = vecfile_get(vf, i, "salt", &len);
    const uint8_t *plain = vecfile_get(vf, i, "plaintext", &plen);
    const uint8_t *blob = vecfile_get(vf, i, "blob", &blen);
    uint8_t *out = hs_desc_layer_encrypt_with_cookie(HS_DESC_LAYER_ENCRYPTED, &lk, want_cookie,
                                                     clen, salt, plain, plen, &out_len);
    UT_ASSERT(out != NULL);
    UT_EQ_INT(out_len, blen);
    UT_EQ_MEM(out, blob, blen);
    free(out);
    uint8_t *dec = hs_desc_layer_decrypt_with_cookie(HS_DESC_LAYER_ENCRYPTED, &lk, want_cookie,
                                                     clen, blob, blen, &out_len);
    UT_ASSERT(dec != NULL);
    UT_EQ_INT(out_len, plen);
    UT_EQ_MEM(dec, plain, plen);
    free(dec);
    /* without the cookie, or with another one, the MAC differs */
    UT_ASSERT(hs_desc_layer_decrypt(HS_DESC_LAYER_ENCRYPTED, &lk, blob, blen, &out_len) == NULL);
    uint8_t other[32];
    memcpy(other, want_cookie, clen);
    other[0] ^= 1;
    UT_ASSERT(hs_desc_layer_decrypt_with_cookie(HS_DESC_LAYER_ENCRYPTED, &lk, other, clen, blob,
                                                blen, &out_len) == NULL);
    UT_ASSERT(hs_desc_layer_decrypt_with_cookie(HS_DESC_LAYER_ENCRYPTED, &lk, want_cookie,
                                                HS_DESC_COOKIE_MAX_LEN + 1, blob, blen,
                                                &out_len) == NULL);
  }
  /* a small-order ephemeral key gives no shared secret */
  uint8_t zero[32] = {0}, id[8], key[32];
  size_t len;
  UT_EQ_INT(hs_desc_client_auth_keys(zero, vecfile_get(vf, 0, "client_sk", &len), zero, id, key),
            -1);
  vecfile_free(vf);
}

/* Real tor's descriptor for a service with two authorized clients. */
UNITTEST(hs_client_auth, real_tor_descriptor)
{
  vecfile_t *vf = vecfile_load("tests/vectors/hs/realtor_auth_desc.txt");
  size_t len, doclen;
  uint8_t pk[32];
  char *doc = (char *)ut_read_srcfile("tests/vectors/hs/realtor_auth/desc.txt", &doclen);
  const char *err = NULL;
  UT_EQ_INT(onion_address_decode(pk, ADDR, strlen(ADDR), NULL), 0);
  time_t now = (time_t)(be64(vecfile_get(vf, 0, "signing_cert_expiration", &len)) * 3600 -
                        HS_DESC_CERT_LIFETIME);
  UT_EQ_INT(vecfile_n_records(vf), 4);
  for (int i = 1; i < vecfile_n_records(vf); i++) {
    const uint8_t *sk = vecfile_get(vf, i, "client_sk", &len);
    int matches = vecfile_get(vf, i, "matches", &len)[0];
    hs_desc_t *d = hs_desc_parse_outer(doc, doclen, now, &err);
    if (!d)
      unittest_fail(__FILE__, __LINE__, "outer layer: %s", err);
    int r = hs_desc_decrypt_auth(d, pk, sk, now, &err);
    UT_EQ_INT(d->n_auth_clients, be64(vecfile_get(vf, 0, "n_auth_clients", &len)));
    UT_EQ_INT(d->n_auth_client_entries, d->n_auth_clients);
    UT_EQ_MEM(d->auth_ephemeral_key, vecfile_get(vf, 0, "ephemeral_pk", &len), 32);
    UT_EQ_INT(d->auth_clients[0].encrypted_cookie_len,
              be64(vecfile_get(vf, 0, "encrypted_cookie_len", &len)));
    if (!matches) {
      /* a key the service does not know */
      UT_EQ_INT(r, HS_DESC_DECRYPT_BAD_CLIENT_AUTH);
      UT_ASSERT(err && strstr(err, "no auth-client line"));
      hs_desc_free(d);
      continue;
    }
    if (r != 0)
      unittest_fail(__FILE__, __LINE__, "client %d: %s", i, err);
    UT_EQ_INT(d->n_intro_points, be64(vecfile_get(vf, i, "n_intro_points", &len)));
    for (size_t j = 0; j < d->n_intro_points; j++) {
      char f[64];
      const uint8_t *want;
      snprintf(f, sizeof(f), "ip%zu_link_specifiers", j);
      want = vecfile_get(vf, i, f, &len);
      UT_EQ_INT(d->intro_points[j].link_specifiers_len, len);
      UT_EQ_MEM(d->intro_points[j].link_specifiers, want, len);
      snprintf(f, sizeof(f), "ip%zu_onion_key", j);
      UT_EQ_MEM(d->intro_points[j].onion_key, vecfile_get(vf, i, f, &len), 32);
      snprintf(f, sizeof(f), "ip%zu_auth_key", j);
      UT_EQ_MEM(d->intro_points[j].auth_key, vecfile_get(vf, i, f, &len), 32);
      snprintf(f, sizeof(f), "ip%zu_enc_key", j);
      UT_EQ_MEM(d->intro_points[j].enc_key, vecfile_get(vf, i, f, &len), 32);
    }
    hs_desc_free(d);
  }
  /* no key at all */
  hs_desc_t *d = hs_desc_parse_outer(doc, doclen, now, &err);
  UT_ASSERT(d != NULL);
  UT_EQ_INT(hs_desc_decrypt_auth(d, pk, NULL, now, &err), HS_DESC_DECRYPT_NEED_CLIENT_AUTH);
  hs_desc_free(d);
  /* alice's key with one bit flipped: no line is ours */
  uint8_t bad[32];
  memcpy(bad, vecfile_get(vf, 1, "client_sk", &len), 32);
  bad[5] ^= 0x10;
  d = hs_desc_parse_outer(doc, doclen, now, &err);
  UT_EQ_INT(hs_desc_decrypt_auth(d, pk, bad, now, &err), HS_DESC_DECRYPT_BAD_CLIENT_AUTH);
  hs_desc_free(d);
  free(doc);
  vecfile_free(vf);
}

/* A key given for a service without client authorization is not used:
 * the inner layer decrypts without a cookie (tor does the same). */
UNITTEST(hs_client_auth, key_for_service_without_auth)
{
  vecfile_t *vf = vecfile_load("tests/vectors/hs/realtor_desc.txt");
  size_t len, doclen;
  uint8_t *pkfile = ut_read_srcfile("tests/vectors/hs/realtor/hs_ed25519_public_key", &len);
  uint8_t pk[32], sk[32];
  const char *err = NULL;
  memcpy(pk, pkfile + 32, 32);
  free(pkfile);
  const uint8_t *file = vecfile_get(vf, 0, "file", &len);
  char path[128];
  snprintf(path, sizeof(path), "tests/vectors/hs/realtor/%.*s", (int)len, (const char *)file);
  char *doc = (char *)ut_read_srcfile(path, &doclen);
  time_t now = (time_t)(be64(vecfile_get(vf, 0, "signing_cert_expiration", &len)) * 3600 -
                        HS_DESC_CERT_LIFETIME);
  UT_EQ_INT(ut_unhex(sk, sizeof(sk), ALICE_HEX), 32);
  hs_desc_t *d = hs_desc_parse_outer(doc, doclen, now, &err);
  UT_ASSERT(d != NULL);
  if (hs_desc_decrypt_auth(d, pk, sk, now, &err) != 0)
    unittest_fail(__FILE__, __LINE__, "%s", err);
  UT_ASSERT(d->n_intro_points > 0);
  hs_desc_free(d);
  free(doc);
  vecfile_free(vf);
}

/* ---- the .auth_private format ---- */

static int
parse(const char *text, char addr[57], uint8_t sk[32], char *err, size_t errlen)
{
  return hs_client_auth_file_parse(text, strlen(text), addr, sk, err, errlen);
}

UNITTEST(hs_client_auth, file_good)
{
  static const char *const good[] = {
    ADDR ":descriptor:x25519:" ALICE_B32 "\n",
    ADDR ":descriptor:x25519:" ALICE_B32,                       /* no newline */
    ADDR ".onion:descriptor:x25519:" ALICE_B32 "\n",            /* tor takes it too */
    "JVDYYM4EAF276OI67ML5VHPVX2QRJOBMI4EDMEE6EOOB2EPNTKLYAVYD:descriptor:x25519:" ALICE_B32,
    ADDR ":descriptor:x25519:wgb3rwrnfhnfblyemh44a7pt645gaspiyixak3ix4ycuuknsucsa\r\n",
    "  " ADDR ":descriptor:x25519:" ALICE_B32 "  \t\n",
    "# a header, as the spec suggests tools add\n\n" ADDR ":descriptor:x25519:" ALICE_B32 "\n\n",
    ADDR ":DESCRIPTOR:X25519:" ALICE_B32 "====\n",                /* padding dropped */
  };
  uint8_t want[32], sk[32];
  char addr[57], err[256];
  UT_EQ_INT(ut_unhex(want, sizeof(want), ALICE_HEX), 32);
  for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
    memset(sk, 0, sizeof(sk));
    if (parse(good[i], addr, sk, err, sizeof(err)) < 0)
      unittest_fail(__FILE__, __LINE__, "case %zu: %s", i, err);
    UT_EQ_STR(addr, ADDR);
    UT_EQ_MEM(sk, want, 32);
  }
  /* what we write is what real tor writes (tests/vectors/control/real_tor/
   * onion_client_auth.txt's F: lines: lowercase base32, no newline) */
  char line[HS_CLIENT_AUTH_LINE_LEN + 1];
  UT_EQ_INT(hs_client_auth_file_format(line, sizeof(line), ADDR, want), HS_CLIENT_AUTH_LINE_LEN);
  UT_EQ_STR(line, ADDR ":descriptor:x25519:wgb3rwrnfhnfblyemh44a7pt645gaspiyixak3ix4ycuuknsucsa");
  UT_EQ_INT(hs_client_auth_file_format(line, HS_CLIENT_AUTH_LINE_LEN, ADDR, want), -1);
}

UNITTEST(hs_client_auth, file_bad)
{
  static const struct { const char *text; const char *why; } bad[] = {
    { "", "no credential line" },
    { "# only a comment\n\n", "no credential line" },
    { ADDR ":descriptor:x25519:" ALICE_B32 "\n" ADDR ":descriptor:x25519:" ALICE_B32 "\n",
      "line 2: a second credential" },
    { ADDR ":descriptor:ed25519:" ALICE_B32, "line 1: unknown key type \"ed25519\"" },
    { ADDR ":foo:x25519:" ALICE_B32, "line 1: unknown authorization type \"foo\"" },
    { ADDR ":descriptor:x25519:" ALICE_B32 ":extra", "line 1: more than 4" },
    { ADDR ":descriptor:" ALICE_B32, "line 1: 3 ':'-separated field(s)" },
    { ADDR ":descriptor:x25519:WGB3RWRNFHNFBLYEMH44A7PT645GASPIYIXAK3IX4YCUUKNSUC",
      "line 1: the private key is not 52 base32" },
    { ADDR ":descriptor:x25519:WGB3RWRNFHNFBLYEMH44A7PT645GASPIYIXAK3IX4YCUUKNSUCS1",
      "line 1: the private key" },
    { ADDR ":descriptor:x25519:", "line 1: the private key" },
    /* the checksum (last-but-two character changed), and no address */
    { "jvdyym4eaf276oi67ml5vhpvx2qrjobmi4edmee6eoob2epntklyaxyd:descriptor:x25519:" ALICE_B32,
      "line 1: bad onion address" },
    { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:descriptor:x25519:" ALICE_B32,
      "line 1: bad onion address" },
    { ADDR "x:descriptor:x25519:" ALICE_B32, "line 1: the onion address has 57" },
    { ":descriptor:x25519:" ALICE_B32, "line 1: the onion address has 0" },
    { "\n\n" ADDR ".onio:descriptor:x25519:" ALICE_B32, "line 3: the onion address has 61" },
  };
  uint8_t sk[32];
  char addr[57], err[256];
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    err[0] = '\0';
    if (parse(bad[i].text, addr, sk, err, sizeof(err)) == 0)
      unittest_fail(__FILE__, __LINE__, "case %zu accepted", i);
    if (!strstr(err, bad[i].why))
      unittest_fail(__FILE__, __LINE__, "case %zu: \"%s\", expected \"%s\"", i, err, bad[i].why);
  }
  /* a NUL byte */
  static const char nul[] = ADDR ":descriptor:x25519:\0" ALICE_B32;
  UT_EQ_INT(hs_client_auth_file_parse(nul, sizeof(nul) - 1, addr, sk, err, sizeof(err)), -1);
  UT_ASSERT(strstr(err, "NUL"));
}

/* ---- the store and the directory ---- */

static void
write_file(const char *dir, const char *name, const char *text)
{
  char path[1024];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  UT_ASSERT(f != NULL);
  fputs(text, f);
  fclose(f);
}

static int
file_exists(const char *dir, const char *name)
{
  char path[1024];
  struct stat st;
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  return stat(path, &st) == 0;
}

UNITTEST(hs_client_auth, directory_and_store)
{
  char dir[1024], err[512];
  uint8_t alice[32], other[32];
  struct stat st;
  snprintf(dir, sizeof(dir), "%s/auth", unittest_tmpdir());
  UT_EQ_INT(hs_client_auth_check_dir(dir, err, sizeof(err)), -1);   /* missing */
  UT_ASSERT(strstr(err, dir) != NULL);
  UT_EQ_INT(mkdir(dir, 0755), 0);
  UT_EQ_INT(hs_client_auth_check_dir(dir, err, sizeof(err)), 0);
  UT_EQ_INT(ut_unhex(alice, sizeof(alice), ALICE_HEX), 32);
  memset(other, 0x42, sizeof(other));

  write_file(dir, "alice.auth_private", ADDR ":descriptor:x25519:" ALICE_B32 "\n");
  write_file(dir, "bad.auth_private", "garbage\n");
  write_file(dir, "README", "not a credential\n");
  hs_client_auth_free_all();
  UT_EQ_INT(hs_client_auth_load_dir(dir), 1);
  UT_EQ_INT(stat(dir, &st), 0);
  UT_EQ_INT(st.st_mode & 0777, 0700);          /* permissions fixed, as tor */
  UT_EQ_INT(hs_client_auth_count(), 1);
  const hs_client_auth_cred_t *c = hs_client_auth_find(ADDR);
  UT_ASSERT(c != NULL);
  UT_EQ_MEM(c->sk, alice, 32);
  UT_ASSERT(c->permanent);
  UT_EQ_STR(c->file, "alice.auth_private");
  UT_ASSERT(hs_client_auth_find("JVDYYM4EAF276OI67ML5VHPVX2QRJOBMI4EDMEE6EOOB2EPNTKLYAVYD"));

  /* ephemeral additions; replacing; capacity of names */
  UT_EQ_INT(hs_client_auth_add(CA, other, "bob", 0), HS_CLIENT_AUTH_ADDED);
  UT_EQ_INT(hs_client_auth_add(CA, alice, NULL, 0), HS_CLIENT_AUTH_REPLACED);
  UT_EQ_STR(hs_client_auth_find(CA)->name, "");
  UT_EQ_INT(hs_client_auth_count(), 2);
  /* sorted by address */
  UT_EQ_STR(hs_client_auth_get(0)->addr, ADDR);
  UT_EQ_STR(hs_client_auth_get(1)->addr, CA);
  UT_ASSERT(hs_client_auth_get(2) == NULL);

  /* permanent: a file named after the address, mode 0600, tor's content */
  UT_EQ_INT(hs_client_auth_add(CB, alice, "carol", 1), HS_CLIENT_AUTH_ADDED);
  char path[1200], buf[512];
  snprintf(path, sizeof(path), "%s/%s.auth_private", dir, CB);
  UT_EQ_INT(stat(path, &st), 0);
  UT_EQ_INT(st.st_mode & 0777, 0600);
  UT_EQ_INT(unittest_read_file(path, buf, sizeof(buf)), HS_CLIENT_AUTH_LINE_LEN);
  UT_EQ_STR(buf, CB ":descriptor:x25519:wgb3rwrnfhnfblyemh44a7pt645gaspiyixak3ix4ycuuknsucsa");
  /* re-adding a credential from a file rewrites that file */
  UT_EQ_INT(hs_client_auth_add(ADDR, other, NULL, 1), HS_CLIENT_AUTH_REPLACED);
  UT_ASSERT(!file_exists(dir, ADDR ".auth_private"));
  snprintf(path, sizeof(path), "%s/alice.auth_private", dir);
  UT_EQ_INT(unittest_read_file(path, buf, sizeof(buf)), HS_CLIENT_AUTH_LINE_LEN);
  UT_EQ_STR(buf, ADDR ":descriptor:x25519:ijbeeqscijbeeqscijbeeqscijbeeqscijbeeqscijbeeqscijba");

  /* a reload keeps the ephemeral credential, rereads the files */
  write_file(dir, "alice.auth_private", ADDR ":descriptor:x25519:" ALICE_B32 "\n");
  UT_EQ_INT(hs_client_auth_load_dir(dir), 2);
  UT_EQ_INT(hs_client_auth_count(), 3);
  UT_EQ_MEM(hs_client_auth_find(ADDR)->sk, alice, 32);
  UT_ASSERT(!hs_client_auth_find(CA)->permanent);
  UT_ASSERT(hs_client_auth_find(CB)->permanent);

  /* remove deletes a permanent credential's file */
  UT_EQ_INT(hs_client_auth_remove(CB), 0);
  UT_ASSERT(!file_exists(dir, CB ".auth_private"));
  UT_EQ_INT(hs_client_auth_remove(CB), -1);
  UT_EQ_INT(hs_client_auth_remove(CA), 0);
  UT_EQ_INT(hs_client_auth_count(), 1);

  /* no directory: permanent additions fail, the file credentials go */
  UT_EQ_INT(hs_client_auth_load_dir(NULL), 0);
  UT_EQ_INT(hs_client_auth_count(), 0);
  UT_EQ_INT(hs_client_auth_add(CB, alice, NULL, 1), HS_CLIENT_AUTH_STORE_FAILED);
  UT_EQ_INT(hs_client_auth_count(), 0);
  /* a directory that went away: the credentials stay as they were */
  UT_EQ_INT(hs_client_auth_add(CA, alice, NULL, 0), HS_CLIENT_AUTH_ADDED);
  char gone[1100];
  snprintf(gone, sizeof(gone), "%s/nosuch", dir);
  UT_EQ_INT(hs_client_auth_load_dir(gone), -1);
  UT_EQ_INT(hs_client_auth_count(), 1);
  hs_client_auth_free_all();
}

/* ---- ONION_CLIENT_AUTH_* arguments (real tor's replies) ---- */

static const char *
add_err(const char *args, control_client_auth_add_t *a)
{
  static char err[512];
  if (control_client_auth_parse_add(args, strlen(args), a, err, sizeof(err)) == 0)
    return "OK";
  return err;
}

UNITTEST(hs_client_auth, control_add_arguments)
{
  control_client_auth_add_t a;
  uint8_t ka[32];
  UT_EQ_STR(add_err(CA " x25519:" KA, &a), "OK");
  UT_EQ_STR(a.addr, CA);
  UT_EQ_INT(a.permanent, 0);
  UT_EQ_STR(a.name, "");
  UT_EQ_HEX(a.sk, 32, "5d50adea31d1dd61a9d2252ed9815c5f6622c1293bf732c5c1bfac83f7d38aeb");
  memcpy(ka, a.sk, 32);
  UT_EQ_STR(add_err(CB " X25519:XVCt6jHR3WGp0iUu2YFcX2YiwSk79zLFwb+sg/fTius", &a), "OK");
  UT_EQ_MEM(a.sk, ka, 32);
  UT_EQ_STR(add_err(CB " x25519:" KA " ClientName=carol Flags=Permanent", &a), "OK");
  UT_EQ_STR(a.name, "carol");
  UT_EQ_INT(a.permanent, 1);
  UT_EQ_STR(add_err(CB " x25519:" KA " flags=permanent", &a), "OK");
  UT_EQ_INT(a.permanent, 1);
  UT_EQ_STR(add_err(CB " x25519:" KA " Foo=bar", &a), "OK");   /* ignored, as tor */
  UT_EQ_STR(add_err(CB " x25519:" KA " ClientName=0123456789abcdef", &a), "OK");

  UT_EQ_STR(add_err(CB ".onion x25519:" KA, &a), "512 Invalid v3 address \"" CB ".onion\"");
  UT_EQ_STR(add_err("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa x25519:" KA, &a),
            "512 Invalid v3 address \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"");
  UT_EQ_STR(add_err(CB " ed25519:" KA, &a), "552 Unrecognized key type \"ed25519\"");
  UT_EQ_STR(add_err(CB " x25519:XVCt6jHR3WGp0iUu2YFcX2YiwSk79zLFwb+sg/fT", &a),
            "512 Failed to decode x25519 private key");
  UT_EQ_STR(add_err(CB " x25519:!!!!", &a), "512 Failed to decode x25519 private key");
  UT_EQ_STR(add_err(CB " x25519XVCt6jHR3WGp0iUu2YFcX2YiwSk79zLFwb+sg/fTius=", &a),
            "512 Invalid key type/blob");
  UT_EQ_STR(add_err(CB, &a), "512 Incomplete ONION_CLIENT_AUTH_ADD command");
  UT_EQ_STR(add_err("", &a), "512 Incomplete ONION_CLIENT_AUTH_ADD command");
  UT_EQ_STR(add_err(CB " x25519:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", &a),
            "553 Invalid private key \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"");
  UT_EQ_STR(add_err(CB " x25519:" KA " Flags=Bogus", &a), "512 Invalid 'Flags' argument: \"Bogus\"");
  UT_EQ_STR(add_err(CB " x25519:" KA " extra", &a),
            "512 Bad arguments to ONION_CLIENT_AUTH_ADD: Cannot parse keyword argument(s)");
  UT_EQ_STR(add_err(CB " x25519:" KA " ClientName=\"a b\"", &a),
            "512 Bad arguments to ONION_CLIENT_AUTH_ADD: Cannot parse keyword argument(s)");
  /* seen with real tor in an earlier probe (it then also sent a second
   * reply, 251, which we do not) */
  UT_EQ_STR(add_err(CB " x25519:" KA " ClientName=0123456789abcdefg", &a),
            "512 ClientName longer than 16 chars");
}

static const char *
addr_err(const char *args, const char *cmd, int required, char addr[57])
{
  static char err[512];
  if (control_client_auth_parse_addr(args, strlen(args), cmd, required, addr, err,
                                     sizeof(err)) == 0)
    return "OK";
  return err;
}

UNITTEST(hs_client_auth, control_remove_view_arguments)
{
  char addr[57];
  UT_EQ_STR(addr_err(CA, "ONION_CLIENT_AUTH_REMOVE", 1, addr), "OK");
  UT_EQ_STR(addr, CA);
  UT_EQ_STR(addr_err("", "ONION_CLIENT_AUTH_VIEW", 0, addr), "OK");
  UT_EQ_STR(addr, "");
  UT_EQ_STR(addr_err("  ", "ONION_CLIENT_AUTH_VIEW", 0, addr), "OK");
  UT_EQ_STR(addr_err("", "ONION_CLIENT_AUTH_REMOVE", 1, addr),
            "512 Incomplete ONION_CLIENT_AUTH_REMOVE command");
  UT_EQ_STR(addr_err(CB ".onion", "ONION_CLIENT_AUTH_REMOVE", 1, addr),
            "512 Invalid v3 address \"" CB ".onion\"");
  UT_EQ_STR(addr_err(CB " extra", "ONION_CLIENT_AUTH_REMOVE", 1, addr),
            "512 Bad arguments to ONION_CLIENT_AUTH_REMOVE: Cannot parse keyword argument(s)");
  UT_EQ_STR(addr_err(CA " " CB, "ONION_CLIENT_AUTH_VIEW", 0, addr),
            "512 Bad arguments to ONION_CLIENT_AUTH_VIEW: Cannot parse keyword argument(s)");
  UT_EQ_STR(addr_err("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                     "ONION_CLIENT_AUTH_VIEW", 0, addr),
            "512 Invalid v3 address \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"");
}
