/* Malicious onion service descriptors (issue 12): each file of
 * tests/vectors/hs_bad_desc/ is properly signed and encrypted for one
 * onion service at one time (gen_bad_descriptors.py, python3-cryptography
 * only) but wrong in one way. Each goes through the parser the client uses
 * (hs_desc_parse_outer, then hs_desc_decrypt; or the layer parser, for
 * plaintexts too big for a whole descriptor) at that time with that
 * service's key; it must be refused with a reason naming what is wrong, or
 * accepted where rend-spec-v3 says so (unknown items, extra key types, 20
 * intro points, ...). The generator's own verdict (cases.txt) must agree
 * with the table here. What we refuse and where we differ from tor is in
 * src/feature/hs/hs_descriptor.h; leaks and crashes are the sanitizer
 * build's to catch. */
#include "orconfig.h"
#include "tests/unit/unittest.h"
#include "tests/unit/test_crypto_vectors.h"

#include "feature/hs/hs_descriptor.h"
#include "feature/hs/hs_docparse.h"
#include "feature/hs/hs_keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIR "tests/vectors/hs_bad_desc/"

typedef struct bad_case_t {
  const char *name;
  const char *layer;        /* desc, middle or inner: the file's suffix */
  const char *want;         /* NULL: accepted; else in the reason */
} bad_case_t;

static const bad_case_t CASES[] = {
  /* accepted */
  { "control", "desc", NULL },
  { "control-unknown-items", "desc", NULL },
  { "ips-0", "desc", NULL },
  { "ips-20", "desc", NULL },
  { "revision-counter-max", "desc", NULL },
  { "signing-cert-noncritical-ext", "desc", NULL },
  { "enc-key-cert-key-mismatch", "desc", NULL },
  { "auth-clients-300", "desc", NULL },
  { "max-len-minus-1", "desc", NULL },
  { "onion-key-extra-type", "desc", NULL },
  { "wrong-blinded-key", "desc", NULL },
  { "auth-clients-10000", "middle", NULL },
  /* the outer document */
  { "max-len", "desc", "descriptor too long (50000 bytes" },
  { "too-long", "desc", "descriptor too long" },
  { "superencrypted-huge", "desc", "descriptor too long" },
  { "lifetime-29", "desc", "descriptor-lifetime 29 out of range" },
  { "lifetime-721", "desc", "descriptor-lifetime 721 out of range" },
  { "lifetime-huge", "desc", "descriptor-lifetime 99999999999999999999999 out of range" },
  { "lifetime-negative", "desc", "descriptor-lifetime -180 out of range" },
  { "revision-counter-overflow", "desc",
    "revision-counter 18446744073709551616 is not a 64-bit" },
  { "revision-counter-hex", "desc", "revision-counter 0x2a is not" },
  { "duplicate-revision-counter", "desc",
    "revision-counter appears twice (line 10)" },
  { "duplicate-signing-key-cert", "desc",
    "descriptor-signing-key-cert appears twice" },
  { "missing-revision-counter", "desc", "revision-counter is missing" },
  { "missing-superencrypted", "desc", "superencrypted is missing" },
  { "missing-signature", "desc", "signature is missing" },
  { "version-4", "desc", "not a version 3 descriptor" },
  { "data-after-signature", "desc", "data after the signature" },
  { "signing-cert-expired", "desc",
    "bad descriptor-signing-key-cert: certificate expired" },
  { "signing-cert-wrong-type", "desc",
    "bad descriptor-signing-key-cert: certificate type 09, not 08" },
  { "signing-cert-critical-ext", "desc",
    "bad descriptor-signing-key-cert: unknown extension that affects "
    "validation" },
  { "signing-cert-no-ext", "desc",
    "bad descriptor-signing-key-cert: no signed-with-key extension" },
  { "signing-cert-bad-signature", "desc",
    "bad descriptor-signing-key-cert: bad Ed25519 signature" },
  { "signing-cert-version-2", "desc",
    "bad descriptor-signing-key-cert: unknown certificate version" },
  { "signature-wrong-key", "desc", "bad descriptor signature" },
  { "superencrypted-wrong-tag", "desc", "superencrypted: no MESSAGE object" },
  { "superencrypted-short", "desc", "superencrypted blob too short (40 bytes)" },
  { "superencrypted-bad-mac", "desc", "superencrypted layer: bad MAC" },
  { "nul-after-signature", "desc", "NUL byte at offset" },
  { "nul-in-outer-line", "desc", "NUL byte at offset" },
  { "control-char-outer", "desc", "descriptor, line 10: control character" },
  { "cr-lf-outer", "desc", "descriptor, line 10: control character" },
  { "non-utf8-outer", "desc", "descriptor, line 10: byte sequence that is not "
    "UTF-8" },
  { "bad-keyword", "desc", "descriptor, line 10: keyword with a character "
    "outside" },
  /* the superencrypted layer */
  { "middle-duplicate-auth-type", "desc", "desc-auth-type appears twice" },
  { "middle-missing-ephemeral-key", "desc",
    "desc-auth-ephemeral-key is missing" },
  { "middle-duplicate-encrypted", "desc", "encrypted appears twice" },
  { "middle-no-auth-client", "desc", "no auth-client line" },
  { "nul-in-middle", "desc", "superencrypted layer: text after a NUL byte" },
  { "middle-control-char", "desc",
    "superencrypted layer, line 2: control character" },
  /* the encrypted layer */
  { "ips-21", "desc", "too many introduction points (more than 20)" },
  { "ips-500", "inner", "too many introduction points (more than 20)" },
  { "auth-key-wrong-signer", "desc", "introduction point 2: bad auth-key "
    "certificate: signed-with-key extension names another key" },
  { "auth-key-bad-signature", "desc", "introduction point 2: bad auth-key "
    "certificate: bad Ed25519 signature" },
  { "auth-key-signed-by-blinded", "desc", "introduction point 2: bad auth-key "
    "certificate: signed-with-key extension names another key" },
  { "auth-key-wrong-type", "desc", "introduction point 2: bad auth-key "
    "certificate: certificate type 0B, not 09" },
  { "auth-key-expired", "desc", "introduction point 2: bad auth-key "
    "certificate: certificate expired" },
  { "auth-key-critical-ext", "desc", "introduction point 2: bad auth-key "
    "certificate: unknown extension that affects validation" },
  { "auth-key-no-ext", "desc", "introduction point 2: bad auth-key "
    "certificate: no signed-with-key extension" },
  { "auth-key-truncated", "desc", "introduction point 2: bad auth-key "
    "certificate: certificate too short" },
  { "auth-key-not-a-cert", "desc", "introduction point 2: bad auth-key "
    "certificate: no ED25519 CERT object" },
  { "enc-key-cert-wrong-type", "desc", "introduction point 2: bad "
    "enc-key-cert: certificate type 09, not 0B" },
  { "enc-key-cert-wrong-signer", "desc", "introduction point 2: bad "
    "enc-key-cert: signed-with-key extension names another key" },
  { "linkspec-overrun", "desc", "introduction point 2: link specifier 3 of 3 "
    "overruns the 64-byte block" },
  { "linkspec-length-overrun", "desc", "introduction point 2: link "
    "specifier 1 of 3 overruns" },
  { "linkspec-nspec-too-big", "desc", "introduction point 2: link "
    "specifier 4 of 5 overruns" },
  { "linkspec-nspec-too-small", "desc", "introduction point 2: 56 bytes "
    "after the last of 1 link specifiers" },
  { "linkspec-huge", "desc", "introduction point 2: link specifier block too "
    "long (2668 base64 characters; at most 1024 bytes)" },
  { "linkspec-empty", "desc", "introduction point 2: no link specifiers" },
  { "linkspec-bad-base64", "desc",
    "introduction point 2: link specifiers are not base64" },
  { "intro-line-12k", "desc", "introduction point 2: link specifier block "
    "too long (12000 base64 characters" },
  { "intro-line-1m", "inner", "introduction point 1: link specifier block "
    "too long (1048576 base64 characters" },
  { "onion-key-12k", "desc", "introduction point 2: onion-key ntor is not a "
    "base64 32-byte key (12000 characters)" },
  { "onion-key-100k", "inner", "introduction point 1: onion-key ntor is not "
    "a base64 32-byte key (100000 characters)" },
  { "onion-key-short", "desc",
    "introduction point 2: onion-key ntor is not a base64 32-byte key" },
  { "enc-key-long", "desc",
    "introduction point 2: enc-key ntor is not a base64 32-byte key" },
  { "enc-key-unknown-type-only", "desc",
    "introduction point 2 lacks enc-key ntor" },
  { "duplicate-auth-key", "desc", "introduction point 2: auth-key appears "
    "twice" },
  { "duplicate-onion-key", "desc", "introduction point 2: onion-key ntor "
    "appears twice" },
  { "missing-onion-key", "desc", "introduction point 3 lacks onion-key ntor" },
  { "missing-auth-key", "desc", "introduction point 3 lacks auth-key" },
  { "missing-enc-key", "desc", "introduction point 3 lacks enc-key ntor" },
  { "missing-enc-key-cert", "desc", "introduction point 3 lacks enc-key-cert" },
  { "missing-create2-formats", "desc", "create2-formats is missing" },
  { "create2-formats-no-ntor", "desc",
    "create2-formats does not list 2 (ntor)" },
  { "duplicate-create2-formats", "desc", "create2-formats appears twice "
    "(encrypted layer, line 2)" },
  { "duplicate-intro-auth-required", "desc",
    "intro-auth-required appears twice" },
  { "duplicate-single-onion-service", "desc",
    "single-onion-service appears twice" },
  { "duplicate-flow-control", "desc", "flow-control appears twice" },
  { "nul-in-inner", "desc", "encrypted layer: text after a NUL byte" },
  { "inner-control-char", "desc", "encrypted layer, line 3: control "
    "character" },
  { "inner-non-utf8", "desc", "encrypted layer, line 3: byte sequence that "
    "is not UTF-8" },
  { "inner-overlong-utf8", "desc", "encrypted layer, line 3: byte sequence "
    "that is not UTF-8" },
};
#define N_CASES (sizeof(CASES) / sizeof(CASES[0]))

static uint64_t
be64(const uint8_t *p)
{
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v = (v << 8) | p[i];
  return v;
}

/* The service, the time and the signing key, from control.txt. */
typedef struct fixture_t {
  vecfile_t *vf;
  uint8_t identity_pk[32];
  uint8_t blinded_pk[32];   /* computed here from identity_pk and the time */
  uint8_t signing_pk[32];
  time_t now;
} fixture_t;

static void
fixture_load(fixture_t *f)
{
  size_t len;
  hs_time_params_t tp;

  f->vf = vecfile_load(DIR "control.txt");
  memcpy(f->identity_pk, vecfile_get(f->vf, 0, "identity_pk", &len), 32);
  memcpy(f->signing_pk, vecfile_get(f->vf, 0, "signing_pk", &len), 32);
  f->now = (time_t)be64(vecfile_get(f->vf, 0, "time", &len));
  hs_time_params_default(&tp);
  UT_EQ_INT(hs_time_period_num(&tp, f->now),
            be64(vecfile_get(f->vf, 0, "time_period", &len)));
  UT_EQ_INT(hs_blinded_public_key(f->blinded_pk, f->identity_pk,
                                  hs_time_period_num(&tp, f->now),
                                  tp.period_length), 0);
  /* the generator's blinding (its own Ed25519 arithmetic) agrees */
  UT_EQ_MEM(f->blinded_pk, vecfile_get(f->vf, 0, "blinded_pk", &len), 32);
}

/* A reason is one printable line of reasonable length. */
static void
check_reason(const char *name, const char *err)
{
  if (!err || !*err || strlen(err) > 250)
    unittest_fail(__FILE__, __LINE__, "%s: reason \"%s\"", name,
                  err ? err : "(null)");
  for (const char *p = err; *p; p++)
    if (*p < 0x20 || *p > 0x7e)
      unittest_fail(__FILE__, __LINE__, "%s: unprintable reason", name);
}

/* Run one case; returns the parsed descriptor if it was accepted (caller
 * frees), NULL with *err set if refused. */
static hs_desc_t *
run_case(const fixture_t *f, const bad_case_t *c, const char **err)
{
  char path[128];
  size_t len;
  uint8_t *data;
  hs_desc_t *d = NULL;

  snprintf(path, sizeof(path), DIR "%s.%s", c->name, c->layer);
  data = ut_read_srcfile(path, &len);
  *err = NULL;
  if (!strcmp(c->layer, "desc")) {
    d = hs_desc_parse_outer((const char *)data, len, f->now, err);
    if (d && hs_desc_decrypt(d, f->identity_pk, f->now, err) != 0) {
      hs_desc_free(d);
      d = NULL;
    }
  } else if (!strcmp(c->layer, "middle")) {
    size_t blob_len;
    uint8_t *blob;
    d = calloc(1, sizeof(*d));
    UT_ASSERT(d != NULL);
    blob = hs_desc_parse_middle_layer(d, (const char *)data, len, &blob_len,
                                      err);
    if (!blob) {
      hs_desc_free(d);
      d = NULL;
    }
    free(blob);
  } else {
    UT_EQ_STR(c->layer, "inner");
    d = calloc(1, sizeof(*d));
    UT_ASSERT(d != NULL);
    memcpy(d->signing_pk, f->signing_pk, 32);
    if (hs_desc_parse_inner_layer(d, (const char *)data, len, f->now,
                                  err) < 0) {
      hs_desc_free(d);
      d = NULL;
    }
  }
  free(data);
  return d;
}

UNITTEST(hs_desc_bad, every_case)
{
  fixture_t f;
  int n_accepted = 0;

  fixture_load(&f);
  for (size_t i = 0; i < N_CASES; i++) {
    const bad_case_t *c = &CASES[i];
    const char *err;
    hs_desc_t *d = run_case(&f, c, &err);

    if (!c->want) {
      if (!d)
        unittest_fail(__FILE__, __LINE__, "%s refused: %s", c->name,
                      err ? err : "(no reason)");
      n_accepted++;
      if (!strcmp(c->layer, "desc")) {
        /* the caller's check (hs_dirop): the blinded key is the service's
         * for the period -- which is what refuses wrong-blinded-key */
        int ours = !memcmp(d->blinded_pk, f.blinded_pk, 32);
        UT_EQ_INT(ours, strcmp(c->name, "wrong-blinded-key") != 0);
        UT_ASSERT(d->create2_ntor);
      }
      hs_desc_free(d);
      continue;
    }
    if (d)
      unittest_fail(__FILE__, __LINE__, "%s accepted, expected \"%s\"",
                    c->name, c->want);
    check_reason(c->name, err);
    if (!strstr(err, c->want))
      unittest_fail(__FILE__, __LINE__, "%s: reason \"%s\", expected \"%s\"",
                    c->name, err, c->want);
  }
  UT_EQ_INT(n_accepted, 12);
  vecfile_free(f.vf);
}

/* The generator's verdicts (cases.txt: "NAME LAYER EXPECT description")
 * are the table's, and no file is left out. */
UNITTEST(hs_desc_bad, table_matches_generator)
{
  size_t len, n = 0;
  char *text = (char *)ut_read_srcfile(DIR "cases.txt", &len);
  char *save = NULL;

  for (char *line = strtok_r(text, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    char name[64], layer[16], expect[16];
    size_t i;
    if (line[0] == '#')
      continue;
    UT_EQ_INT(sscanf(line, "%63s %15s %15s", name, layer, expect), 3);
    for (i = 0; i < N_CASES; i++)
      if (!strcmp(CASES[i].name, name))
        break;
    if (i == N_CASES)
      unittest_fail(__FILE__, __LINE__, "case %s is not in the table", name);
    UT_EQ_STR(CASES[i].layer, layer);
    UT_EQ_STR(CASES[i].want ? "reject" : "accept", expect);
    n++;
  }
  UT_EQ_INT(n, N_CASES);
  free(text);
}

/* The control descriptor holds what the generator put in it. */
UNITTEST(hs_desc_bad, control_contents)
{
  static const bad_case_t control = { "control", "desc", NULL };
  fixture_t f;
  const char *err;
  size_t len;
  hs_desc_t *d;

  fixture_load(&f);
  d = run_case(&f, &control, &err);
  UT_ASSERT(d != NULL);
  UT_EQ_MEM(d->blinded_pk, f.blinded_pk, 32);
  UT_EQ_MEM(d->signing_pk, f.signing_pk, 32);
  UT_EQ_INT(d->signing_cert_expiration,
            be64(vecfile_get(f.vf, 0, "signing_cert_expiration", &len)));
  UT_EQ_INT(d->revision_counter,
            be64(vecfile_get(f.vf, 0, "revision_counter", &len)));
  UT_EQ_INT(d->lifetime_minutes, be64(vecfile_get(f.vf, 0, "lifetime", &len)));
  UT_EQ_INT(d->n_auth_clients, 16);
  UT_EQ_STR(d->flow_control, "1-2 31");
  UT_EQ_INT(d->n_intro_points,
            be64(vecfile_get(f.vf, 0, "n_intro_points", &len)));
  for (size_t j = 0; j < d->n_intro_points; j++) {
    const hs_desc_intro_point_t *ip = &d->intro_points[j];
    char name[64];
    const uint8_t *want;

    snprintf(name, sizeof(name), "ip%zu_link_specifiers", j);
    want = vecfile_get(f.vf, 0, name, &len);
    UT_EQ_INT(ip->link_specifiers_len, len);
    UT_EQ_MEM(ip->link_specifiers, want, len);
    snprintf(name, sizeof(name), "ip%zu_onion_key", j);
    UT_EQ_MEM(ip->onion_key, vecfile_get(f.vf, 0, name, &len), 32);
    snprintf(name, sizeof(name), "ip%zu_auth_key", j);
    UT_EQ_MEM(ip->auth_key, vecfile_get(f.vf, 0, name, &len), 32);
    snprintf(name, sizeof(name), "ip%zu_enc_key", j);
    UT_EQ_MEM(ip->enc_key, vecfile_get(f.vf, 0, name, &len), 32);
  }
  hs_desc_free(d);
  /* an hour after the signing-key cert expired, it is refused */
  f.now = (time_t)be64(vecfile_get(f.vf, 0, "signing_cert_expiration", &len))
          * 3600 + 1;
  UT_ASSERT(run_case(&f, &control, &err) == NULL);
  UT_ASSERT(strstr(err, "certificate expired") != NULL);
  vecfile_free(f.vf);
}

/* Counts and values of the accepted edge cases. */
UNITTEST(hs_desc_bad, accepted_edges)
{
  static const struct {
    const char *name, *layer;
    long n_intro_points, n_auth_clients;
  } edges[] = {
    { "ips-0", "desc", 0, 16 },
    { "ips-20", "desc", 20, 16 },
    { "auth-clients-300", "desc", 3, 300 },
    { "auth-clients-10000", "middle", 0, 10000 },
    { "control-unknown-items", "desc", 3, 16 },
    { "onion-key-extra-type", "desc", 3, 16 },
  };
  fixture_t f;

  fixture_load(&f);
  for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
    bad_case_t c = { edges[i].name, edges[i].layer, NULL };
    const char *err;
    hs_desc_t *d = run_case(&f, &c, &err);
    UT_ASSERT(d != NULL);
    UT_EQ_INT(d->n_intro_points, edges[i].n_intro_points);
    UT_EQ_INT(d->n_auth_clients, edges[i].n_auth_clients);
    hs_desc_free(d);
  }
  {
    bad_case_t c = { "revision-counter-max", "desc", NULL };
    const char *err;
    hs_desc_t *d = run_case(&f, &c, &err);
    UT_ASSERT(d != NULL);
    UT_EQ_INT(d->revision_counter == UINT64_MAX, 1);
    hs_desc_free(d);
  }
  vecfile_free(f.vf);
}

/* The tokenizer's rules behind some of the reasons (dir-spec 1.2). */
UNITTEST(hs_desc_bad, tokenizer_rules)
{
  static const char many[] =
    "k 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18\n";
  static const char padded[] = "a 1\nb\0\0";
  static const char bad[][16] = {
    "a\nb\x01\n", "a\nb\r\n", "a\nb \xc3\n", "a\nb \xed\xa0\x80\n",
    "a\nb_c\n", "a\n-b\n", "a\n b\n",
  };
  static const char *const why[] = {
    "control character", "control character",
    "byte sequence that is not UTF-8", "byte sequence that is not UTF-8",
    "keyword with a character outside [A-Za-z0-9-]",
    "line does not start with a keyword", "line does not start with a keyword",
  };
  hs_doc_item_t it;
  size_t pos = 0;

  /* empty lines are skipped; UTF-8 and tabs pass */
  UT_EQ_INT(hs_doc_next("\n\na\tcaf\xc3\xa9\n\nb", 12, &pos, &it), 1);
  UT_ASSERT(hs_doc_kw_is(&it, "a"));
  UT_EQ_INT(it.n_args, 1);
  UT_EQ_INT(hs_doc_next("\n\na\tcaf\xc3\xa9\n\nb", 12, &pos, &it), 1);
  UT_ASSERT(hs_doc_kw_is(&it, "b"));
  /* more arguments than are kept: flagged, not refused */
  pos = 0;
  UT_EQ_INT(hs_doc_next(many, strlen(many), &pos, &it), 1);
  UT_EQ_INT(it.n_args, HS_DOC_MAX_ARGS);
  UT_EQ_INT(it.args_dropped, 1);
  /* a NUL ends the text (padding) and stays where the caller can see it */
  pos = 0;
  UT_EQ_INT(hs_doc_next(padded, sizeof(padded) - 1, &pos, &it), 1);
  UT_EQ_INT(hs_doc_next(padded, sizeof(padded) - 1, &pos, &it), 1);
  UT_ASSERT(hs_doc_kw_is(&it, "b"));
  UT_EQ_INT(hs_doc_next(padded, sizeof(padded) - 1, &pos, &it), 0);
  UT_EQ_INT(pos, 5);
  /* what is refused, and where */
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    pos = 0;
    UT_EQ_INT(hs_doc_next(bad[i], strlen(bad[i]), &pos, &it), 1);
    UT_EQ_INT(hs_doc_next(bad[i], strlen(bad[i]), &pos, &it), -1);
    UT_EQ_STR(it.error, why[i]);
    UT_EQ_INT(hs_doc_line_of(bad[i], it.error_at), 2);
  }
}
