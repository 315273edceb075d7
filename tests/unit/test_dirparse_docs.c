/* Tests for feature/dirparse on documents real tor 0.4.9.11 served on a
 * private network (tests/vectors/dirdocs/, see its README): authority
 * certificates, the microdesc consensus and its signatures, and
 * microdescriptors. Expected values come from expected.txt, written by
 * tests/vectors/gen/gen_dirdocs.py with stem and python3-cryptography;
 * the bad-* variants are made by that script and must be rejected. */
#include "orconfig.h"
#include "tests/unit/unittest.h"

#include "feature/dirparse/authcert.h"
#include "feature/dirparse/consensus.h"
#include "feature/dirparse/microdesc.h"
#include "feature/dirparse/protover.h"
#include "feature/nodelist/dirauth_line.h"
#include "lib/encoding/base16.h"
#include "lib/fs/fsutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *
read_vector(const char *name, size_t *len)
{
  char path[512], err[256];
  char *s;
  snprintf(path, sizeof(path), "tests/vectors/dirdocs/%s", name);
  s = fs_read_file(unittest_srcpath(path), 1 << 22, len, NULL, err,
                   sizeof(err));
  if (!s)
    unittest_fail(__FILE__, __LINE__, "cannot read %s: %s", path, err);
  return s;
}

/* Records of expected.txt: an array of lines split into words. */
#define MAX_WORDS 24
typedef struct record_t {
  int n;
  char *w[MAX_WORDS];
} record_t;

typedef struct expected_t {
  char *buf;
  record_t *rec;
  size_t n;
} expected_t;

static expected_t expected;

static void
load_expected(void)
{
  size_t len, cap = 0;
  char *line, *save = NULL;
  if (expected.buf)
    return;
  expected.buf = read_vector("expected.txt", &len);
  for (line = strtok_r(expected.buf, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    record_t *r;
    char *w, *save2 = NULL;
    if (expected.n == cap) {
      cap = cap ? cap * 2 : 64;
      expected.rec = realloc(expected.rec, cap * sizeof(record_t));
      UT_ASSERT(expected.rec);
    }
    r = &expected.rec[expected.n++];
    r->n = 0;
    for (w = strtok_r(line, " ", &save2); w && r->n < MAX_WORDS;
         w = strtok_r(NULL, " ", &save2))
      r->w[r->n++] = w;
  }
}

/* The i-th record of kind (whose first word is kind), or NULL. */
static const record_t *
rec_of(const char *kind, size_t i)
{
  load_expected();
  for (size_t k = 0; k < expected.n; k++)
    if (!strcmp(expected.rec[k].w[0], kind) && i-- == 0)
      return &expected.rec[k];
  return NULL;
}

/* The record "cons key ..." */
static const record_t *
cons_rec(const char *key)
{
  const record_t *r;
  for (size_t i = 0; (r = rec_of("cons", i)); i++)
    if (r->n >= 2 && !strcmp(r->w[1], key))
      return r;
  unittest_fail(__FILE__, __LINE__, "no cons %s in expected.txt", key);
}

/* Words from `from` on, joined by spaces (static buffer). */
static const char *
rest_of(const record_t *r, int from)
{
  static char buf[1024];
  size_t used = 0;
  buf[0] = '\0';
  for (int i = from; i < r->n; i++)
    used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s",
                             i > from ? " " : "", r->w[i]);
  return buf;
}

static const char *
hex(const uint8_t *b, size_t n)
{
  static char buf[2][129];
  static int which;
  which ^= 1;
  base16_encode(buf[which], sizeof(buf[which]), b, n);
  return buf[which];
}

static const char *
hex_lower(const uint8_t *b, size_t n)
{
  static char buf[2][129];
  static int which;
  which ^= 1;
  base16_encode_lower(buf[which], sizeof(buf[which]), b, n);
  return buf[which];
}

/* The v3idents of torrc-dirauthorities. */
static size_t
load_v3idents(uint8_t ids[8][DIGEST_LEN])
{
  size_t len, n = 0;
  char *s = read_vector("torrc-dirauthorities", &len), *line, *save = NULL;
  for (line = strtok_r(s, "\n", &save); line && n < 8;
       line = strtok_r(NULL, "\n", &save)) {
    dir_authority_t da;
    char err[128];
    if (strncmp(line, "DirAuthority ", 13))
      continue;
    UT_EQ_INT(dir_authority_line_parse(line + 13, &da, err, sizeof(err)), 0);
    UT_ASSERT(da.has_v3_identity);
    memcpy(ids[n++], da.v3_identity_digest, DIGEST_LEN);
  }
  free(s);
  return n;
}

static authcert_list_t *
load_certs(const char *name)
{
  size_t len;
  char err[256];
  char *s = read_vector(name, &len);
  authcert_list_t *l = authcert_list_parse(s, len, err, sizeof(err));
  if (!l)
    unittest_fail(__FILE__, __LINE__, "%s: %s", name, err);
  free(s);
  return l;
}

static consensus_t *
load_consensus(const char *name)
{
  size_t len;
  char err[256];
  char *s = read_vector(name, &len);
  consensus_t *c = consensus_parse(s, len, err, sizeof(err));
  if (!c)
    unittest_fail(__FILE__, __LINE__, "%s: %s", name, err);
  free(s);
  return c;
}

/* ---- authority certificates */

static void
check_cert_file(const char *file)
{
  authcert_list_t *l = load_certs(file);
  const record_t *r;
  size_t n = 0;
  for (size_t i = 0; (r = rec_of("cert", i)); i++) {
    const authcert_t *c;
    if (strcmp(r->w[5], file))
      continue;
    UT_ASSERT(n < l->n);
    c = l->certs[n++];
    UT_EQ_STR(hex(c->identity_digest, DIGEST_LEN), r->w[1]);
    UT_EQ_STR(hex(c->signing_key_digest, DIGEST_LEN), r->w[2]);
    UT_EQ_INT((long long)c->published, atoll(r->w[3]));
    UT_EQ_INT((long long)c->expires, atoll(r->w[4]));
    UT_ASSERT(c->dir_address[0]);
    UT_ASSERT(crypto_rsa_key_bits(c->identity_key) >= 1024);
  }
  UT_ASSERT(n >= 3);
  UT_EQ_INT(l->n, n);
  UT_EQ_INT(l->n_rejected, 0);
  authcert_list_free(l);
}

UNITTEST(dirparse_docs, authcert_real)
{
  check_cert_file("certs-all");
  check_cert_file("cached-certs");
}

UNITTEST(dirparse_docs, authcert_single_and_time)
{
  size_t len;
  char err[256];
  char *s = read_vector("certs-all", &len);
  authcert_list_t *l = load_certs("certs-all");
  const authcert_t *c0 = l->certs[0];
  authcert_t *one = authcert_parse(s + c0->text_offset, c0->text_len, err,
                                   sizeof(err));
  UT_ASSERT(one);
  UT_EQ_MEM(one->identity_digest, c0->identity_digest, DIGEST_LEN);
  UT_EQ_INT(authcert_check_time(one, one->published), AUTHCERT_TIME_OK);
  UT_EQ_INT(authcert_check_time(one, one->expires), AUTHCERT_TIME_OK);
  UT_EQ_INT(authcert_check_time(one, one->expires + 1),
            AUTHCERT_TIME_EXPIRED);
  UT_EQ_INT(authcert_check_time(one, one->published -
                                AUTHCERT_MAX_FUTURE_SKEW - 1),
            AUTHCERT_TIME_NOT_YET);
  authcert_free(one);
  /* Two certificates are not one. */
  UT_ASSERT(!authcert_parse(s, len, err, sizeof(err)));
  /* Truncated inside the certification. */
  UT_ASSERT(!authcert_parse(s + c0->text_offset, c0->text_len - 40, err,
                            sizeof(err)));
  UT_ASSERT(authcert_list_find(l, c0->identity_digest,
                               c0->signing_key_digest) == c0);
  UT_ASSERT(!authcert_list_find(l, c0->signing_key_digest,
                                c0->identity_digest));
  authcert_list_free(l);
  free(s);
}

UNITTEST(dirparse_docs, authcert_bad)
{
  static const char *const files[] = { "bad-cert-swapped",
                                       "bad-cert-crosscert" };
  for (size_t i = 0; i < 2; i++) {
    size_t len;
    char err[256];
    char *s = read_vector(files[i], &len);
    authcert_list_t *l = authcert_list_parse(s, len, err, sizeof(err));
    UT_ASSERT(l);
    UT_EQ_INT(l->n, 0);
    UT_EQ_INT(l->n_rejected, 1);
    authcert_list_free(l);
    UT_ASSERT(!authcert_parse(s, len, err, sizeof(err)));
    free(s);
  }
}

/* ---- the consensus */

UNITTEST(dirparse_docs, consensus_fields)
{
  consensus_t *c = load_consensus("consensus-microdesc");
  const record_t *r;
  char buf[512];
  size_t n;
  UT_EQ_INT((long long)c->valid_after, atoll(cons_rec("valid_after")->w[2]));
  UT_EQ_INT((long long)c->fresh_until, atoll(cons_rec("fresh_until")->w[2]));
  UT_EQ_INT((long long)c->valid_until, atoll(cons_rec("valid_until")->w[2]));
  UT_EQ_INT(c->consensus_method, atoi(cons_rec("method")->w[2]));
  UT_EQ_INT(c->vote_seconds, atoi(cons_rec("vote_delay")->w[2]));
  UT_EQ_INT(c->dist_seconds, atoi(cons_rec("dist_delay")->w[2]));
  UT_EQ_INT(c->n_routers, atoi(cons_rec("n_routers")->w[2]));
  UT_EQ_STR(c->known_flags, rest_of(cons_rec("known_flags"), 2));
  UT_EQ_STR(hex_lower(c->digest_sha256, DIGEST256_LEN),
            cons_rec("digest_sha256")->w[2]);
  /* Protocol lines: stem writes "Link=3,4,5"; compare as sets. */
  {
    static const char *const keys[] = {
      "required_client_protocols", "recommended_client_protocols",
      "required_relay_protocols", "recommended_relay_protocols" };
    const protover_set_t *sets[] = { c->required_client,
      c->recommended_client, c->required_relay, c->recommended_relay };
    for (int i = 0; i < 4; i++) {
      const char *want = rest_of(cons_rec(keys[i]), 2);
      char err[64];
      protover_set_t *w = protover_set_parse(want, strlen(want), err,
                                             sizeof(err));
      char a[512], b[512];
      UT_ASSERT(w);
      UT_ASSERT(protover_set_format(w, a, sizeof(a)) >= 0);
      UT_ASSERT(protover_set_format(sets[i], b, sizeof(b)) >= 0);
      UT_EQ_STR(b, a);
      protover_set_free(w);
    }
  }
  UT_ASSERT(c->required_client_protocols);
  /* What the consensus requires of a client, we have. */
  UT_EQ_INT(protover_missing_from_ours(c->required_client, buf, sizeof(buf)),
            0);
  /* Shared random values. */
  for (int prev = 0; prev < 2; prev++) {
    const consensus_srv_t *srv = prev ? &c->srv_previous : &c->srv_current;
    const record_t *sr = NULL, *x;
    for (size_t i = 0; (x = rec_of("cons", i)); i++)
      if (!strcmp(x->w[1], prev ? "srv_previous" : "srv_current"))
        sr = x;
    UT_EQ_INT(srv->present, sr != NULL);
    if (sr) {
      UT_EQ_INT(srv->num_reveals, atoi(sr->w[2]));
      UT_EQ_STR(hex_lower(srv->value, DIGEST256_LEN), sr->w[3]);
    }
  }
  /* Routers, in identity order as stem sorted them. */
  for (n = 0; (r = rec_of("router", n)); n++) {
    const consensus_router_t *rt = &c->routers[n];
    uint32_t flags = 0;
    char ip[16], fl[256], *f, *save = NULL;
    UT_ASSERT(n < c->n_routers);
    UT_EQ_STR(hex(rt->identity, DIGEST_LEN), r->w[1]);
    UT_EQ_STR(rt->nickname, r->w[2]);
    snprintf(ip, sizeof(ip), "%u.%u.%u.%u", rt->ipv4 >> 24,
             (rt->ipv4 >> 16) & 255, (rt->ipv4 >> 8) & 255, rt->ipv4 & 255);
    UT_EQ_STR(ip, r->w[3]);
    UT_EQ_INT(rt->or_port, atoi(r->w[4]));
    UT_EQ_INT(rt->dir_port, atoi(r->w[5]));
    UT_ASSERT(rt->has_md_digest);
    UT_EQ_STR(hex_lower(rt->md_digest, DIGEST256_LEN), r->w[6]);
    UT_ASSERT(rt->has_bandwidth);
    UT_EQ_INT(rt->bandwidth, atoll(r->w[7]));
    UT_EQ_INT(rt->bandwidth_unmeasured, atoi(r->w[8]));
    snprintf(fl, sizeof(fl), "%s", r->w[9]);
    for (f = strtok_r(fl, ",", &save); f; f = strtok_r(NULL, ",", &save))
      flags |= consensus_flag_from_name(f);
    UT_EQ_INT(rt->flags, flags);
    UT_EQ_STR(rt->version, rest_of(r, 10));
    UT_ASSERT(rt->protocols);
    UT_ASSERT(protover_set_supports(rt->protocols, "Link", 5));
    UT_ASSERT(consensus_find_router(c, rt->identity) == rt);
  }
  UT_EQ_INT(n, c->n_routers);
  /* Interned: every relay runs the same version. */
  UT_ASSERT(c->routers[0].version == c->routers[1].version);
  for (n = 0; (r = rec_of("dirsource", n)); n++) {
    UT_ASSERT(n < c->n_dir_sources);
    UT_EQ_STR(hex(c->dir_sources[n].identity, DIGEST_LEN), r->w[1]);
    UT_EQ_STR(c->dir_sources[n].nickname, r->w[2]);
    UT_EQ_INT(c->dir_sources[n].dir_port, atoi(r->w[3]));
    UT_EQ_INT(c->dir_sources[n].or_port, atoi(r->w[4]));
    UT_EQ_STR(hex(c->dir_sources[n].vote_digest, DIGEST_LEN), r->w[5]);
  }
  UT_EQ_INT(n, c->n_dir_sources);
  for (n = 0; (r = rec_of("bw", n)); n++)
    UT_EQ_INT(consensus_get_bw_weight(c, r->w[1], -1), atoll(r->w[2]));
  UT_EQ_INT(n, c->n_bw_weights);
  UT_EQ_INT(consensus_get_bw_weight(c, "Nope", -7), -7);
  for (n = 0; (r = rec_of("sig", n)); n++) {
    UT_ASSERT(n < c->n_sigs);
    UT_EQ_INT(c->sigs[n].alg, !strcmp(r->w[1], "sha256") ? DIGEST_SHA256
                                                         : DIGEST_SHA1);
    UT_EQ_STR(hex(c->sigs[n].identity, DIGEST_LEN), r->w[2]);
    UT_EQ_STR(hex(c->sigs[n].signing_key_digest, DIGEST_LEN), r->w[3]);
  }
  UT_EQ_INT(n, c->n_sigs);
  consensus_free(c);
}

UNITTEST(dirparse_docs, consensus_signatures)
{
  consensus_t *c = load_consensus("consensus-microdesc");
  authcert_list_t *certs = load_certs("certs-all");
  uint8_t ids[8][DIGEST_LEN];
  size_t n_auths = load_v3idents(ids);
  consensus_sig_status_t st;
  const record_t *r;
  int want_good = 0;
  authcert_t *saved;
  for (size_t i = 0; (r = rec_of("sig", i)); i++)
    want_good += atoi(r->w[4]);
  UT_EQ_INT(n_auths, 3);
  UT_EQ_INT(want_good, 3);
  UT_EQ_INT(consensus_check_signatures(c, certs, (const uint8_t (*)[20])ids,
                                       n_auths, &st), 0);
  UT_EQ_INT(st.n_good, want_good);
  UT_EQ_INT(st.n_bad, 0);
  UT_EQ_INT(st.n_needed, 2);
  for (int i = 0; i < st.n_good; i++) {
    int found = 0;
    for (size_t k = 0; (r = rec_of("sig", k)); k++)
      found |= !strcmp(r->w[2], hex(st.good_ids[i], DIGEST_LEN));
    UT_ASSERT(found);
  }
  /* Two authorities listed that did not sign: 3 of 5 is still enough;
   * 3 of 6 is not. */
  memset(ids[3], 0x11, DIGEST_LEN);
  memset(ids[4], 0x22, DIGEST_LEN);
  memset(ids[5], 0x33, DIGEST_LEN);
  UT_EQ_INT(consensus_check_signatures(c, certs, (const uint8_t (*)[20])ids,
                                       5, &st), 0);
  UT_EQ_INT(consensus_check_signatures(c, certs, (const uint8_t (*)[20])ids,
                                       6, &st), -1);
  UT_EQ_INT(st.n_good, 3);
  UT_EQ_INT(st.n_needed, 4);
  /* Only the first authority listed: the other signatures are unlisted. */
  UT_EQ_INT(consensus_check_signatures(c, certs, (const uint8_t (*)[20])ids,
                                       1, &st), 0);
  UT_EQ_INT(st.n_unlisted, 2);
  /* Drop certificates: with one left, 1 of 3 is not enough. */
  saved = certs->certs[2];
  certs->n = 2;
  UT_EQ_INT(consensus_check_signatures(c, certs, (const uint8_t (*)[20])ids,
                                       3, &st), 0);
  UT_EQ_INT(st.n_no_cert, 1);
  certs->n = 1;
  UT_EQ_INT(consensus_check_signatures(c, certs, (const uint8_t (*)[20])ids,
                                       3, &st), -1);
  UT_EQ_INT(st.n_good, 1);
  UT_EQ_INT(st.n_no_cert, 2);
  certs->n = 3;
  UT_ASSERT(certs->certs[2] == saved);
  consensus_free(c);

  /* A flipped byte in every signature; a changed "m" digest. */
  c = load_consensus("bad-consensus-sigbyte");
  UT_EQ_INT(consensus_check_signatures(c, certs, (const uint8_t (*)[20])ids,
                                       3, &st), -1);
  UT_EQ_INT(st.n_bad, 3);
  UT_EQ_INT(st.n_good, 0);
  consensus_free(c);
  c = load_consensus("bad-consensus-mdigest");
  UT_EQ_INT(consensus_check_signatures(c, certs, (const uint8_t (*)[20])ids,
                                       3, &st), -1);
  UT_EQ_INT(st.n_bad, 3);
  consensus_free(c);

  /* Cut after the first signature: well-formed, but 1 of 3 signed. */
  {
    size_t len;
    char err[256];
    char *s = read_vector("consensus-microdesc", &len);
    size_t cut = (size_t)(strstr(s, "-----END SIGNATURE-----\n") + 24 - s);
    c = consensus_parse(s, cut, err, sizeof(err));
    UT_ASSERT(c);
    UT_EQ_INT(c->n_sigs, 1);
    UT_EQ_INT(consensus_check_signatures(c, certs,
                                         (const uint8_t (*)[20])ids, 3, &st),
              -1);
    UT_EQ_INT(st.n_good, 1);
    consensus_free(c);
    free(s);
  }
  authcert_list_free(certs);
}

UNITTEST(dirparse_docs, consensus_bad_and_params)
{
  size_t len;
  char err[256];
  char *s = read_vector("bad-consensus-truncated", &len);
  consensus_t *c = consensus_parse(s, len, err, sizeof(err));
  const record_t *r;
  UT_ASSERT(!c);
  free(s);
  /* Every prefix that ends at a line end before the first signature is
   * complete is rejected too. (A prefix that drops whole signatures is a
   * well-formed consensus with fewer signatures.) */
  s = read_vector("consensus-microdesc", &len);
  for (size_t cut = 0; cut + 1 < len; cut++) {
    if (strstr(s, "-----END SIGNATURE-----\n") + 23 == s + cut)
      break;
    if (s[cut] != '\n')
      continue;
    if ((c = consensus_parse(s, cut + 1, err, sizeof(err))))
      unittest_fail(__FILE__, __LINE__, "accepted a prefix of %zu bytes",
                    cut + 1);
  }
  free(s);

  c = load_consensus("consensus-params");
  for (size_t i = 0; (r = rec_of("param", i)); i++)
    UT_EQ_INT(consensus_get_param(c, r->w[1], 0, INT32_MIN, INT32_MAX),
              atoll(r->w[2]));
  UT_EQ_INT(c->n_params, 4); /* bad-param=abc is skipped */
  UT_EQ_INT(consensus_get_param(c, "NumNTorsPerTAP", 0, 1, 100000), 1);
  UT_EQ_INT(consensus_get_param(c, "absent", 42, 0, 100), 42);
  consensus_free(c);
}

UNITTEST(dirparse_docs, consensus_time)
{
  consensus_t *c = load_consensus("consensus-microdesc");
  time_t va = c->valid_after, vu = c->valid_until;
  UT_EQ_INT(consensus_check_time(c, va), CONSENSUS_TIME_LIVE);
  UT_EQ_INT(consensus_check_time(c, vu), CONSENSUS_TIME_LIVE);
  UT_EQ_INT(consensus_check_time(c, va - 1), CONSENSUS_TIME_REASONABLY_LIVE);
  UT_EQ_INT(consensus_check_time(c, vu + 1), CONSENSUS_TIME_REASONABLY_LIVE);
  UT_EQ_INT(consensus_check_time(c, vu + 24 * 3600),
            CONSENSUS_TIME_REASONABLY_LIVE);
  UT_EQ_INT(consensus_check_time(c, vu + 24 * 3600 + 1),
            CONSENSUS_TIME_TOO_OLD);
  UT_EQ_INT(consensus_check_time(c, va - 24 * 3600 - 1),
            CONSENSUS_TIME_TOO_NEW);
  consensus_free(c);
}

/* ---- microdescriptors */

static void
check_md_file(const char *file, int annotated)
{
  size_t len;
  char err[256];
  char *s = read_vector(file, &len);
  microdesc_list_t *l = microdesc_list_parse(s, len, err, sizeof(err));
  consensus_t *c = load_consensus("consensus-microdesc");
  const record_t *r;
  size_t n = 0;
  if (!l)
    unittest_fail(__FILE__, __LINE__, "%s: %s", file, err);
  UT_EQ_INT(l->n_invalid, 0);
  for (size_t i = 0; (r = rec_of("md", i)); i++) {
    const microdesc_t *md;
    int in_consensus = 0;
    if (strcmp(r->w[1], file))
      continue;
    UT_ASSERT(n < l->n);
    md = &l->mds[n++];
    UT_EQ_STR(hex_lower(md->digest, DIGEST256_LEN), r->w[3]);
    UT_EQ_STR(hex_lower(md->ntor_onion_key, 32), r->w[4]);
    UT_ASSERT(md->has_ed25519_id);
    UT_EQ_STR(hex_lower(md->ed25519_id, 32), r->w[5]);
    if (!strcmp(r->w[6], "-"))
      UT_ASSERT(!md->policy);
    else
      UT_EQ_STR(md->policy, rest_of(r, 6));
    UT_ASSERT(md->has_onion_key);
    UT_EQ_INT(md->last_listed != 0, annotated);
    UT_ASSERT(!memcmp(s + md->text_offset, "onion-key\n", 10));
    UT_ASSERT(microdesc_list_find(l, md->digest) == md);
    for (size_t k = 0; k < c->n_routers; k++)
      in_consensus |= !memcmp(c->routers[k].md_digest, md->digest, 32);
    UT_ASSERT(in_consensus);
  }
  UT_EQ_INT(n, 8);
  UT_EQ_INT(l->n, n);
  consensus_free(c);
  microdesc_list_free(l);
  free(s);
}

UNITTEST(dirparse_docs, microdesc_real)
{
  check_md_file("microdescs", 0);
  check_md_file("cached-microdescs", 1);
}

UNITTEST(dirparse_docs, microdesc_bad)
{
  size_t len;
  char err[256];
  char *s = read_vector("bad-microdesc-ntor", &len);
  microdesc_list_t *l = microdesc_list_parse(s, len, err, sizeof(err));
  UT_ASSERT(l);
  UT_EQ_INT(l->n, 7);
  UT_EQ_INT(l->n_invalid, 1);
  microdesc_list_free(l);
  free(s);
  {
    static const char *const bad[] = {
      "@last-listed 2026-01-01 00:00:00\n",  /* annotation, no body */
      "onion-key\n",                          /* object missing */
      "onion-key\n-----BEGIN RSA PUBLIC KEY-----\nAAAA\n"
      "-----END RSA PUBLIC KEY-----",         /* no final newline */
    };
    for (size_t i = 0; i < 3; i++)
      UT_ASSERT(!microdesc_list_parse(bad[i], strlen(bad[i]), err,
                                      sizeof(err)));
  }
  {
    /* Well-formed items with bad values: skipped, not fatal. */
    static const char two[] =
      "ntor-onion-key AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
      "p accept 80\n"
      "ntor-onion-key AAAA\n"
      "ntor-onion-key AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
      "p maybe 80\n"
      "ntor-onion-key AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
      "id ed25519 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
      "id ed25519 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n";
    l = microdesc_list_parse(two, strlen(two), err, sizeof(err));
    UT_ASSERT(l);
    UT_EQ_INT(l->n, 1);
    UT_EQ_INT(l->n_invalid, 3);
    UT_EQ_STR(l->mds[0].policy, "accept 80");
    UT_ASSERT(!l->mds[0].has_onion_key);
    microdesc_list_free(l);
  }
}
