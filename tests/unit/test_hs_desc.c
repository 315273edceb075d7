/* Tests for feature/hs descriptor pieces: the layer encryption
 * (tests/vectors/hs/hs_layer.txt: stem's _layer_cipher and MAC), Ed25519
 * certificates (hs_cert.txt: stem's Ed25519CertificateV1), the
 * Montgomery->Edwards map (against real tor's enc-key-cert), real tor's
 * descriptors (tests/vectors/hs/realtor/, captured from a private network
 * of tor 0.4.9.11; expected fields in realtor_desc.txt from stem), and
 * our own descriptors read back (structure only: stem checks their
 * content in tests/integration/test_hs_desc.py). */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "core/or/torcert.h"
#include "feature/hs/hs_cert.h"
#include "feature/hs/hs_desc_layer.h"
#include "feature/hs/hs_descriptor.h"
#include "feature/hs/hs_docparse.h"
#include "feature/hs/hs_keys.h"
#include "lib/crypt/ed25519.h"
#include "lib/encoding/base64.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t
be64(const uint8_t *p)
{
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v = (v << 8) | p[i];
  return v;
}

UNITTEST(hs_desc, layer_vectors)
{
  vecfile_t *vf = vecfile_load("tests/vectors/hs/hs_layer.txt");

  UT_ASSERT(vecfile_n_records(vf) >= 3);
  for (int i = 0; i < vecfile_n_records(vf); i++) {
    size_t len, plen, blen, out_len;
    hs_desc_layer_keys_t k;
    const uint8_t *layer = vecfile_get(vf, i, "layer", &len);
    const uint8_t *salt = vecfile_get(vf, i, "salt", &len);
    const uint8_t *plain = vecfile_get(vf, i, "plaintext", &plen);
    const uint8_t *blob = vecfile_get(vf, i, "blob", &blen);
    hs_desc_layer_t which = layer[0] ? HS_DESC_LAYER_ENCRYPTED
                                     : HS_DESC_LAYER_SUPERENCRYPTED;
    uint8_t *out, *dec, *bad;

    memcpy(k.blinded_pk, vecfile_get(vf, i, "blinded_pk", &len), 32);
    memcpy(k.subcredential, vecfile_get(vf, i, "subcredential", &len), 32);
    k.revision_counter = be64(vecfile_get(vf, i, "revision_counter", &len));

    out = hs_desc_layer_encrypt(which, &k, salt, plain, plen, &out_len);
    UT_ASSERT(out != NULL);
    UT_EQ_INT(out_len, blen);
    UT_EQ_MEM(out, blob, blen);

    dec = hs_desc_layer_decrypt(which, &k, blob, blen, &len);
    UT_ASSERT(dec != NULL);
    UT_EQ_INT(len, blen - HS_DESC_LAYER_OVERHEAD);
    UT_EQ_MEM(dec, plain, plen);
    for (size_t j = plen; j < len; j++)
      UT_EQ_INT(dec[j], 0);

    /* one flipped bit anywhere, or the other layer's keys: refused */
    bad = malloc(blen);
    memcpy(bad, blob, blen);
    bad[blen / 2] ^= 1;
    UT_ASSERT(hs_desc_layer_decrypt(which, &k, bad, blen, &len) == NULL);
    UT_ASSERT(hs_desc_layer_decrypt(!which, &k, blob, blen, &len) == NULL);
    UT_ASSERT(hs_desc_layer_decrypt(which, &k, blob,
                                    HS_DESC_LAYER_OVERHEAD - 1, &len) == NULL);
    free(bad);
    free(out);
    free(dec);
  }
  vecfile_free(vf);
}

UNITTEST(hs_desc, cert_vectors)
{
  vecfile_t *vf = vecfile_load("tests/vectors/hs/hs_cert.txt");

  UT_EQ_INT(vecfile_n_records(vf), 3);
  for (int i = 0; i < 3; i++) {
    static const uint8_t types[3] = { 0x08, 0x09, 0x0B };
    size_t len, clen;
    const uint8_t *esk = vecfile_get(vf, i, "signer_esk", &len);
    const uint8_t *pk = vecfile_get(vf, i, "signer_pk", &len);
    const uint8_t *key = vecfile_get(vf, i, "certified_key", &len);
    const uint8_t *want = vecfile_get(vf, i, "cert", &clen);
    uint64_t expires = be64(vecfile_get(vf, i, "expires", &len));
    uint8_t cert[HS_CERT_ENCODED_LEN];
    ed25519_cert_t *c;

    /* on the hour, and one second past the previous hour: same bytes */
    UT_EQ_INT(hs_cert_encode(cert, types[i], key, pk, esk, (time_t)expires),
              0);
    UT_EQ_INT(clen, sizeof(cert));
    UT_EQ_MEM(cert, want, clen);
    UT_EQ_INT(hs_cert_encode(cert, types[i], key, pk, esk,
                             (time_t)expires - 3599), 0);
    UT_EQ_MEM(cert, want, clen);
    /* and torcert reads what we make */
    c = ed25519_cert_parse(cert, sizeof(cert), NULL);
    UT_ASSERT(c != NULL);
    UT_EQ_INT(c->cert_type, types[i]);
    UT_EQ_INT(c->expiration_hours, expires / 3600);
    UT_EQ_MEM(c->certified_key, key, 32);
    UT_EQ_MEM(c->signing_key, pk, 32);
    UT_EQ_INT(ed25519_cert_check(c, pk, (time_t)expires - 1, NULL), 0);
    ed25519_cert_free(c);
  }
  vecfile_free(vf);
}

/* Real tor's enc-key-cert (tests/vectors/hs/realtor/desc-*.txt) certifies
 * enc-key mapped to Edwards form with sign bit 0. Values read off
 * desc-8.txt with stem. */
UNITTEST(hs_desc, x25519_to_ed25519_real_tor)
{
  static const char *const pairs[][2] = {
    { "e98b97ed7e958aa60dc53086595f1a4726239355e7c1d122f571b12818c4de7c",
      "27e7ac488c2fe43cc07505cc9a32188f7b341f98c9d966801c88d97d9a578b52" },
    { "027083e0eee815950467"
      "5d577221d5287d1b71beeb59484677a524487f08ba72",
      "0c5792e64244a9141ded86e065a6901d70f26eac9ccddb5241dbd989d6f66313" },
  };
  for (size_t i = 0; i < 2; i++) {
    uint8_t u[32], want[32], got[32];
    ut_unhex(u, 32, pairs[i][0]);
    ut_unhex(want, 32, pairs[i][1]);
    UT_EQ_INT(hs_ed25519_from_x25519(got, u, 0), 0);
    UT_EQ_MEM(got, want, 32);
    UT_EQ_INT(hs_ed25519_from_x25519(got, u, 1), 0);
    UT_EQ_INT(got[31], want[31] | 0x80);
  }
  {
    /* u = p - 1 = -1 has no Edwards image */
    uint8_t u[32];
    memset(u, 0xff, 32);
    u[0] = 0xec;
    u[31] = 0x7f;
    UT_ASSERT(hs_ed25519_from_x25519(u, u, 0) < 0);
  }
}

static void
fixed_keys(hs_desc_signing_keys_t *k, uint8_t id_esk[64])
{
  uint8_t seed[32];

  memset(seed, 7, 32);
  UT_EQ_INT(ed25519_seckey_from_seed(id_esk, seed), 0);
  UT_EQ_INT(ed25519_public_from_seckey(k->identity_pk, id_esk), 0);
  memset(seed, 9, 32);
  UT_EQ_INT(ed25519_seckey_from_seed(k->signing_esk, seed), 0);
  UT_EQ_INT(ed25519_public_from_seckey(k->signing_pk, k->signing_esk), 0);
  UT_EQ_INT(hs_blinded_public_key(k->blinded_pk, k->identity_pk, 20000,
                                  1440), 0);
  UT_EQ_INT(hs_blinded_secret_key(k->blinded_esk, id_esk, k->identity_pk,
                                  20000, 1440), 0);
}

/* What we build, our parser reads back; any change to the signed text
 * breaks the signature. */
UNITTEST(hs_desc, build_then_parse)
{
  static uint8_t lspec[] = { 2, 0, 6, 127, 0, 0, 1, 0x13, 0x88,
                             2, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                             13, 14, 15, 16, 17, 18, 19, 20 };
  hs_desc_signing_keys_t k;
  hs_desc_intro_point_t ips[2];
  hs_desc_t in, *out;
  uint8_t id_esk[64];
  const char *err = NULL;
  size_t len;
  char *doc;

  fixed_keys(&k, id_esk);
  memset(&in, 0, sizeof(in));
  memset(ips, 0, sizeof(ips));
  for (int i = 0; i < 2; i++) {
    ips[i].link_specifiers = lspec;
    ips[i].link_specifiers_len = sizeof(lspec);
    memset(ips[i].onion_key, 0x10 + i, 32);
    memset(ips[i].auth_key, 0x20 + i, 32);
    memset(ips[i].enc_key, 0x30 + i, 32);
  }
  in.lifetime_minutes = 180;
  in.revision_counter = 77;
  in.single_onion_service = 1;
  in.flow_control = (char *)"1-2 31";
  in.intro_points = ips;
  in.n_intro_points = 2;
  doc = hs_desc_encode(&in, &k, 1763700000, &len);
  UT_ASSERT(doc != NULL);
  UT_EQ_INT(strlen(doc), len);
  UT_ASSERT(len < HS_DESC_MAX_LEN);
  UT_ASSERT(!strncmp(doc, "hs-descriptor 3\ndescriptor-lifetime 180\n"
                     "descriptor-signing-key-cert\n", 68));

  out = hs_desc_parse_outer(doc, len, 1763700000, &err);
  UT_ASSERT(out != NULL);
  UT_EQ_INT(out->revision_counter, 77);
  UT_EQ_MEM(out->blinded_pk, k.blinded_pk, 32);
  UT_EQ_MEM(out->signing_pk, k.signing_pk, 32);
  UT_EQ_INT(out->signing_cert_expiration,
            (1763700000 + HS_DESC_CERT_LIFETIME + 3599) / 3600);
  UT_EQ_INT(hs_desc_decrypt(out, k.identity_pk, 1763700000, &err), 0);
  UT_EQ_INT(out->n_auth_clients, HS_DESC_N_FAKE_AUTH_CLIENTS);
  UT_ASSERT(out->create2_ntor);
  UT_ASSERT(out->single_onion_service);
  UT_EQ_STR(out->flow_control, "1-2 31");
  UT_EQ_INT(out->n_intro_points, 2);
  for (int i = 0; i < 2; i++) {
    UT_EQ_INT(out->intro_points[i].link_specifiers_len, sizeof(lspec));
    UT_EQ_MEM(out->intro_points[i].link_specifiers, lspec, sizeof(lspec));
    UT_EQ_MEM(out->intro_points[i].onion_key, ips[i].onion_key, 32);
    UT_EQ_MEM(out->intro_points[i].auth_key, ips[i].auth_key, 32);
    UT_EQ_MEM(out->intro_points[i].enc_key, ips[i].enc_key, 32);
  }
  hs_desc_free(out);

  /* another identity cannot decrypt */
  out = hs_desc_parse_outer(doc, len, 1763700000, &err);
  UT_ASSERT(out != NULL);
  UT_ASSERT(hs_desc_decrypt(out, k.signing_pk, 1763700000, &err) < 0);
  hs_desc_free(out);

  /* expired certificates: the outer one at parse, the intro ones at
   * decryption (ours all expire together) */
  UT_ASSERT(hs_desc_parse_outer(doc, len, 1763700000 + 55 * 3600, &err) ==
            NULL);
  out = hs_desc_parse_outer(doc, len, 1763700000, &err);
  UT_ASSERT(out != NULL);
  UT_ASSERT(hs_desc_decrypt(out, k.identity_pk, 1763700000 + 55 * 3600,
                            &err) < 0);
  hs_desc_free(out);

  /* a changed revision counter breaks the signature */
  {
    char *p = strstr(doc, "revision-counter 77");
    UT_ASSERT(p != NULL);
    p[strlen("revision-counter 7")] = '8';
    UT_ASSERT(hs_desc_parse_outer(doc, len, 1763700000, &err) == NULL);
    UT_EQ_STR(err, "bad descriptor signature");
  }
  /* every truncation is refused */
  for (size_t cut = 0; cut + 1 < len; cut += 97)
    UT_ASSERT(hs_desc_parse_outer(doc, cut, 1763700000, &err) == NULL);
  free(doc);
}

/* Real tor's own descriptors (tests/vectors/hs/realtor/desc-*.txt, fetched
 * by a real tor client from a private network): our parser checks their
 * certificates and signature, decrypts both layers with the service's key,
 * and finds what stem finds (realtor_desc.txt). */
UNITTEST(hs_desc, real_tor_descriptors)
{
  vecfile_t *vf = vecfile_load("tests/vectors/hs/realtor_desc.txt");
  size_t len;
  uint8_t *pkfile = ut_read_srcfile("tests/vectors/hs/realtor/"
                                    "hs_ed25519_public_key", &len);
  uint8_t pk[32];

  UT_EQ_INT(len, 64);
  memcpy(pk, pkfile + 32, 32);
  free(pkfile);
  UT_ASSERT(vecfile_n_records(vf) >= 2);
  for (int i = 0; i < vecfile_n_records(vf); i++) {
    char path[128];
    const uint8_t *name = vecfile_get(vf, i, "file", &len);
    char *doc;
    size_t doclen;
    const char *err = NULL;
    hs_desc_t *d;

    snprintf(path, sizeof(path), "tests/vectors/hs/realtor/%.*s", (int)len,
             (const char *)name);
    doc = (char *)ut_read_srcfile(path, &doclen);
    uint64_t exp = be64(vecfile_get(vf, i, "signing_cert_expiration", &len));
    /* real tor signs for 54 hours: check at the signing time */
    time_t now = (time_t)(exp * 3600 - HS_DESC_CERT_LIFETIME);

    d = hs_desc_parse_outer(doc, doclen, now, &err);
    if (!d)
      unittest_fail(__FILE__, __LINE__, "%s: %s", path, err);
    UT_EQ_INT(d->revision_counter,
              be64(vecfile_get(vf, i, "revision_counter", &len)));
    UT_EQ_INT(d->lifetime_minutes, be64(vecfile_get(vf, i, "lifetime", &len)));
    UT_EQ_MEM(d->blinded_pk, vecfile_get(vf, i, "blinded_pk", &len), 32);
    UT_EQ_MEM(d->signing_pk, vecfile_get(vf, i, "signing_pk", &len), 32);
    if (hs_desc_decrypt(d, pk, now, &err) < 0)
      unittest_fail(__FILE__, __LINE__, "%s: %s", path, err);
    UT_EQ_INT(d->n_auth_clients, 16);
    UT_ASSERT(d->create2_ntor);
    UT_EQ_STR(d->flow_control, "1-2 31");
    UT_EQ_INT(d->n_intro_points,
              be64(vecfile_get(vf, i, "n_intro_points", &len)));
    for (size_t j = 0; j < d->n_intro_points; j++) {
      const hs_desc_intro_point_t *ip = &d->intro_points[j];
      char f[64];
      const uint8_t *want;

      snprintf(f, sizeof(f), "ip%zu_link_specifiers", j);
      want = vecfile_get(vf, i, f, &len);
      UT_EQ_INT(ip->link_specifiers_len, len);
      UT_EQ_MEM(ip->link_specifiers, want, len);
      snprintf(f, sizeof(f), "ip%zu_onion_key", j);
      UT_EQ_MEM(ip->onion_key, vecfile_get(vf, i, f, &len), 32);
      snprintf(f, sizeof(f), "ip%zu_auth_key", j);
      UT_EQ_MEM(ip->auth_key, vecfile_get(vf, i, f, &len), 32);
      snprintf(f, sizeof(f), "ip%zu_enc_key", j);
      UT_EQ_MEM(ip->enc_key, vecfile_get(vf, i, f, &len), 32);
    }
    hs_desc_free(d);
    free(doc);
  }
  vecfile_free(vf);
}

UNITTEST(hs_desc, tokenizer)
{
  static const char doc[] =
    "a 1  2\n"
    "b\n"
    "-----BEGIN X Y-----\n"
    "AAAA\n"
    "-----END X Y-----\n"
    "c last";
  hs_doc_item_t it;
  size_t pos = 0;

  UT_EQ_INT(hs_doc_next(doc, strlen(doc), &pos, &it), 1);
  UT_ASSERT(hs_doc_kw_is(&it, "a"));
  UT_EQ_INT(it.n_args, 2);
  UT_EQ_INT(it.arg_lens[1], 1);
  UT_EQ_INT(it.args[1][0], '2');
  UT_ASSERT(it.obj == NULL);
  UT_EQ_INT(hs_doc_next(doc, strlen(doc), &pos, &it), 1);
  UT_ASSERT(hs_doc_kw_is(&it, "b"));
  UT_ASSERT(hs_doc_obj_is(&it, "X Y"));
  UT_EQ_INT(it.obj_len, strlen("-----BEGIN X Y-----\nAAAA\n-----END X Y-----"));
  UT_EQ_INT(hs_doc_next(doc, strlen(doc), &pos, &it), 1);
  UT_ASSERT(hs_doc_kw_is(&it, "c"));
  UT_EQ_INT(it.start, strlen(doc) - strlen("c last"));
  UT_EQ_INT(hs_doc_next(doc, strlen(doc), &pos, &it), 0);

  /* a mismatched END, an unterminated object, an empty keyword */
  pos = 0;
  UT_EQ_INT(hs_doc_next("k\n-----BEGIN A-----\n-----END B-----\n", 35, &pos,
                        &it), -1);
  pos = 0;
  UT_EQ_INT(hs_doc_next("k\n-----BEGIN A-----\nAAAA\n", 25, &pos, &it), -1);
  pos = 0;
  UT_EQ_INT(hs_doc_next(" k\n", 3, &pos, &it), -1);
  /* padding ends the document */
  pos = 0;
  UT_EQ_INT(hs_doc_next("\0\0", 2, &pos, &it), 0);
}

/* A descriptor whose inner layer is keyed with something we lack (as a
 * descriptor cookie under client authorization would make it): the middle
 * layer decrypts, the inner one does not, and hs_desc_decrypt says
 * HS_DESC_DECRYPT_NEED_CLIENT_AUTH (the client's SOCKS error F4), not a
 * plain failure. */
UNITTEST(hs_desc, inner_layer_locked_means_client_auth)
{
  hs_desc_signing_keys_t k;
  hs_desc_t in, *out;
  uint8_t id_esk[64], salt[HS_DESC_SALT_LEN];
  const char *err = NULL;
  size_t len, middle_len, blob_len;

  fixed_keys(&k, id_esk);
  memset(&in, 0, sizeof(in));
  in.lifetime_minutes = 180;
  in.revision_counter = 5;
  char *doc = hs_desc_encode(&in, &k, 1763700000, &len);
  UT_ASSERT(doc != NULL);
  out = hs_desc_parse_outer(doc, len, 1763700000, &err);
  UT_ASSERT(out != NULL);
  hs_desc_layer_keys_t lk;
  memcpy(lk.blinded_pk, k.blinded_pk, 32);
  lk.revision_counter = 5;
  UT_EQ_INT(hs_subcredential(lk.subcredential, k.identity_pk, k.blinded_pk), 0);
  uint8_t *middle = hs_desc_layer_decrypt(HS_DESC_LAYER_SUPERENCRYPTED, &lk, out->superencrypted,
                                          out->superencrypted_len, &middle_len);
  UT_ASSERT(middle != NULL);
  /* Replace the inner blob by one under other keys. */
  char *begin = strstr((char *)middle, "encrypted\n-----BEGIN MESSAGE-----\n");
  UT_ASSERT(begin != NULL);
  begin += strlen("encrypted\n-----BEGIN MESSAGE-----\n");
  char *end = strstr(begin, "-----END MESSAGE-----");
  UT_ASSERT(end != NULL);
  hs_desc_layer_keys_t other = lk;
  other.subcredential[0] ^= 1;
  memset(salt, 3, sizeof(salt));
  static const char inner[] = "create2-formats 2\n";
  uint8_t *blob = hs_desc_layer_encrypt(HS_DESC_LAYER_ENCRYPTED, &other, salt,
                                        (const uint8_t *)inner, strlen(inner), &blob_len);
  UT_ASSERT(blob != NULL);
  char b64[4096], text[8192];
  UT_ASSERT(base64_encode(b64, sizeof(b64), blob, blob_len, BASE64_ENCODE_MULTILINE) > 0);
  snprintf(text, sizeof(text), "%.*s%s%s", (int)(begin - (char *)middle), (char *)middle, b64,
           end);
  free(blob);
  free(out->superencrypted);
  out->superencrypted = hs_desc_layer_encrypt(HS_DESC_LAYER_SUPERENCRYPTED, &lk, salt,
                                              (const uint8_t *)text, strlen(text),
                                              &out->superencrypted_len);
  UT_ASSERT(out->superencrypted != NULL);
  UT_EQ_INT(hs_desc_decrypt(out, k.identity_pk, 1763700000, &err),
            HS_DESC_DECRYPT_NEED_CLIENT_AUTH);
  hs_desc_free(out);
  /* The untouched descriptor still decrypts. */
  out = hs_desc_parse_outer(doc, len, 1763700000, &err);
  UT_ASSERT(out != NULL);
  UT_EQ_INT(hs_desc_decrypt(out, k.identity_pk, 1763700000, &err), 0);
  hs_desc_free(out);
  free(middle);
  free(doc);
}
