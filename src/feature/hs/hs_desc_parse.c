#include "orconfig.h"

#include "feature/hs/hs_descriptor.h"
#include "feature/hs/hs_cert.h"
#include "feature/hs/hs_desc_layer.h"
#include "feature/hs/hs_docparse.h"
#include "feature/hs/hs_keys.h"

#include "core/or/torcert.h"

#include "lib/crypt/crypto_util.h"
#include "lib/crypt/ed25519.h"
#include "lib/encoding/base64.h"
#include "lib/encoding/pem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parsing a v3 descriptor: the outer layer as an HSDir checks it, then
 * both encrypted layers as a client reads them. */

static const char SIG_PREFIX[] = "Tor onion service descriptor sig v3";
#define TAG_CERT "ED25519 CERT"
#define TAG_MESSAGE "MESSAGE"

void
hs_desc_free(hs_desc_t *desc)
{
  if (!desc)
    return;
  for (size_t i = 0; i < desc->n_intro_points; i++)
    free(desc->intro_points[i].link_specifiers);
  free(desc->intro_points);
  free(desc->auth_clients);
  free(desc->superencrypted);
  free(desc->flow_control);
  free(desc);
}

/* ---------------------------------------------------------------------
 * Parsing helpers */

#define FAIL(why) do { if (err) *err = (why); goto fail; } while (0)

/* Reasons with details (which item, which line, which intro point) are
 * formatted here: *err stays valid until the next parse. */
static char errbuf[256];

static const char *
errf(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
  va_end(ap);
  return errbuf;
}

#define FAILF(...) do { if (err) *err = errf(__VA_ARGS__); goto fail; } \
  while (0)

/* Argument i of item for a reason: at most SHOW_MAX characters, bytes
 * outside printable ASCII as '?' (log lines stay ASCII). */
#define SHOW_MAX 24
static const char *
show_arg(const hs_doc_item_t *item, int i)
{
  static char buf[SHOW_MAX + 4];
  size_t n = item->arg_lens[i] > SHOW_MAX ? SHOW_MAX : item->arg_lens[i];

  for (size_t j = 0; j < n; j++) {
    char c = item->args[i][j];
    buf[j] = c >= 0x20 && c <= 0x7e ? c : '?';
  }
  strcpy(buf + n, item->arg_lens[i] > SHOW_MAX ? "..." : "");
  return buf;
}

/* The reason for a tokenizer failure in `layer` of text. */
static const char *
doc_error(const char *layer, const char *text, const hs_doc_item_t *item)
{
  return errf("%s, line %zu: %s", layer,
              hs_doc_line_of(text, item->error_at), item->error);
}

/* After the tokenizer stopped at pos (the end, or a NUL), only NUL
 * padding may follow. */
static int
only_padding_after(const char *text, size_t len, size_t pos, size_t *bad)
{
  for (size_t i = pos; i < len; i++)
    if (text[i] != '\0') {
      *bad = pos;
      return 0;
    }
  return 1;
}

/* Decode a base64 argument into exactly `want` bytes. */
static int
decode_b64_exact(uint8_t *out, size_t want, const char *s, size_t n)
{
  uint8_t tmp[HS_DESC_LINK_SPEC_MAX_LEN + 4];
  int r;

  if (want > HS_DESC_LINK_SPEC_MAX_LEN ||
      base64_decoded_maxlen(n) > sizeof(tmp))
    return -1;
  r = base64_decode(tmp, sizeof(tmp), s, n);
  if (r < 0 || (size_t)r != want)
    return -1;
  memcpy(out, tmp, want);
  return 0;
}

#define CERT_MAX_LEN 1024

static char cert_why[64];

/* Parse the ED25519 CERT object of item: a new certificate of type `type`
 * with the signed-with-key extension, valid at now and signed by signer_pk
 * (NULL: by the key in its extension). NULL if not, with the reason in
 * *why. */
static ed25519_cert_t *
cert_from_item(const hs_doc_item_t *item, uint8_t type,
               const uint8_t *signer_pk, time_t now, const char **why)
{
  uint8_t buf[CERT_MAX_LEN];
  ed25519_cert_t *cert;
  int n;

  *why = "no ED25519 CERT object";
  if (!hs_doc_obj_is(item, TAG_CERT))
    return NULL;
  *why = "object too long for a certificate";
  if (base64_decoded_maxlen(item->obj_len) > sizeof(buf) + 64)
    return NULL;
  *why = "bad base64";
  n = pem_decode(buf, sizeof(buf), item->obj, item->obj_len, TAG_CERT);
  if (n < 0)
    return NULL;
  cert = ed25519_cert_parse(buf, (size_t)n, why);
  if (!cert)
    return NULL;
  if (cert->cert_type != type) {
    snprintf(cert_why, sizeof(cert_why), "certificate type %02X, not %02X",
             cert->cert_type, type);
    *why = cert_why;
  } else if (!cert->has_signing_key) {
    *why = "no signed-with-key extension";
  } else if (ed25519_cert_check(cert, signer_pk, now, why) == 0) {
    return cert;
  }
  ed25519_cert_free(cert);
  return NULL;
}

/* Decode a MESSAGE object into a new buffer; returns NULL on error. */
static uint8_t *
decode_message_obj(const hs_doc_item_t *item, size_t *len)
{
  size_t cap;
  uint8_t *buf;
  int r;

  if (!hs_doc_obj_is(item, TAG_MESSAGE) || item->obj_len > 4 * HS_DESC_MAX_LEN)
    return NULL;
  cap = base64_decoded_maxlen(item->obj_len) + 1;
  buf = malloc(cap);
  if (!buf)
    return NULL;
  r = pem_decode(buf, cap, item->obj, item->obj_len, TAG_MESSAGE);
  if (r < 0) {
    free(buf);
    return NULL;
  }
  *len = (size_t)r;
  return buf;
}

/* Parse a decimal argument into *out (at most max). */
static int
parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
  uint64_t v = 0;

  if (n == 0 || n > 20)
    return -1;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
      return -1;
    v = v * 10 + (uint64_t)(s[i] - '0');
  }
  if (v > max)
    return -1;
  *out = v;
  return 0;
}

/* The certificate of `item` must be of type `type`, valid at now, signed
 * by signer_pk (and say so in its extension); its certified key goes to
 * certified. */
static int
check_cert_item(const hs_doc_item_t *item, uint8_t type,
                const uint8_t signer_pk[32], time_t now, uint8_t certified[32],
                const char **why)
{
  ed25519_cert_t *cert = cert_from_item(item, type, signer_pk, now, why);

  if (!cert)
    return -1;
  memcpy(certified, cert->certified_key, 32);
  ed25519_cert_free(cert);
  return 0;
}

/* ---------------------------------------------------------------------
 * Outer layer */

enum { O_VERSION, O_LIFETIME, O_CERT, O_REVISION, O_SUPERENC, O_SIG, O_N };
static const char *const OUTER_KW[O_N] = {
  "hs-descriptor", "descriptor-lifetime", "descriptor-signing-key-cert",
  "revision-counter", "superencrypted", "signature",
};

static int
outer_kw_index(const hs_doc_item_t *item)
{
  for (int i = 0; i < O_N; i++)
    if (hs_doc_kw_is(item, OUTER_KW[i]))
      return i;
  return -1;
}

/* Check the signature item against the signed part doc[0..sig_start). */
static int
check_desc_signature(const char *doc, size_t sig_start,
                     const hs_doc_item_t *item, const uint8_t signing_pk[32])
{
  uint8_t sig[ED25519_SIG_LEN];
  uint8_t *data;
  int r;

  if (item->n_args != 1 ||
      decode_b64_exact(sig, sizeof(sig), item->args[0], item->arg_lens[0]) < 0)
    return -1;
  data = malloc(strlen(SIG_PREFIX) + sig_start);
  if (!data)
    return -1;
  memcpy(data, SIG_PREFIX, strlen(SIG_PREFIX));
  memcpy(data + strlen(SIG_PREFIX), doc, sig_start);
  r = ed25519_verify(sig, data, strlen(SIG_PREFIX) + sig_start, signing_pk);
  free(data);
  return r;
}

hs_desc_t *
hs_desc_parse_outer(const char *doc, size_t len, time_t now,
                    const char **err)
{
  hs_desc_t *d = calloc(1, sizeof(*d));
  hs_doc_item_t item, sig_item;
  int seen[O_N] = {0};
  size_t pos = 0;
  const char *nul, *why;
  int first = 1, r;
  uint64_t v;

  memset(&sig_item, 0, sizeof(sig_item));

  if (!d) {
    if (err)
      *err = "out of memory";
    return NULL;
  }
  /* as tor, which refuses HSV3MaxDescriptorSize (50000) bytes and more */
  if (len >= HS_DESC_MAX_LEN)
    FAILF("descriptor too long (%zu bytes; the limit is %d)", len,
          HS_DESC_MAX_LEN - 1);
  if ((nul = memchr(doc, '\0', len)) != NULL)
    FAILF("NUL byte at offset %zu (line %zu)", (size_t)(nul - doc),
          hs_doc_line_of(doc, (size_t)(nul - doc)));
  while ((r = hs_doc_next(doc, len, &pos, &item)) == 1) {
    int k = outer_kw_index(&item);
    if (seen[O_SIG])
      FAILF("data after the signature (line %zu)",
            hs_doc_line_of(doc, item.start));
    if (first && k != O_VERSION)
      FAIL("does not start with hs-descriptor");
    first = 0;
    if (k < 0)
      continue;             /* unknown items are ignored */
    if (seen[k]++)
      FAILF("%s appears twice (line %zu)", OUTER_KW[k],
            hs_doc_line_of(doc, item.start));
    if (item.args_dropped)
      FAILF("%s has too many arguments", OUTER_KW[k]);
    switch (k) {
    case O_VERSION:
      if (item.n_args < 1 || item.arg_lens[0] != 1 || item.args[0][0] != '3')
        FAIL("not a version 3 descriptor");
      break;
    case O_LIFETIME:
      if (item.n_args < 1)
        FAIL("descriptor-lifetime without a value");
      if (parse_u64(item.args[0], item.arg_lens[0], HS_DESC_LIFETIME_MAX,
                    &v) < 0 || v < HS_DESC_LIFETIME_MIN)
        FAILF("descriptor-lifetime %s out of range (%d to %d minutes)",
              show_arg(&item, 0), HS_DESC_LIFETIME_MIN, HS_DESC_LIFETIME_MAX);
      d->lifetime_minutes = (uint32_t)v;
      break;
    case O_CERT: {
      /* signed by the blinded key, which only the extension names */
      ed25519_cert_t *cert = cert_from_item(&item, HS_CERT_TYPE_DESC_SIGNING,
                                            NULL, now, &why);
      if (!cert)
        FAILF("bad descriptor-signing-key-cert: %s", why);
      memcpy(d->blinded_pk, cert->signing_key, 32);
      memcpy(d->signing_pk, cert->certified_key, 32);
      d->signing_cert_expiration = cert->expiration_hours;
      ed25519_cert_free(cert);
      break;
    }
    case O_REVISION:
      if (item.n_args < 1)
        FAIL("revision-counter without a value");
      if (parse_u64(item.args[0], item.arg_lens[0], UINT64_MAX, &v) < 0)
        FAILF("revision-counter %s is not a 64-bit decimal number",
              show_arg(&item, 0));
      d->revision_counter = v;
      break;
    case O_SUPERENC:
      d->superencrypted = decode_message_obj(&item, &d->superencrypted_len);
      if (!d->superencrypted)
        FAIL("superencrypted: no MESSAGE object, or bad base64");
      if (d->superencrypted_len < HS_DESC_LAYER_OVERHEAD)
        FAILF("superencrypted blob too short (%zu bytes)",
              d->superencrypted_len);
      break;
    case O_SIG:
      sig_item = item;
      break;
    }
  }
  if (r < 0)
    FAIL(doc_error("descriptor", doc, &item));
  for (int k = 0; k < O_N; k++)
    if (!seen[k])
      FAILF("%s is missing", OUTER_KW[k]);
  if (check_desc_signature(doc, sig_item.start, &sig_item, d->signing_pk) < 0)
    FAIL("bad descriptor signature");
  return d;
 fail:
  hs_desc_free(d);
  return NULL;
}

/* ---------------------------------------------------------------------
 * Middle (superencrypted) layer: returns the encrypted blob. */

/* Keeps an auth-client line whose fields have the right sizes; others
 * are ignored (as fake lines of unusual size would be). 0, or -1 without
 * memory. */
static int
keep_auth_client(hs_desc_t *d, const hs_doc_item_t *item)
{
  hs_desc_auth_client_t ac, *grown;
  int ok;

  memset(&ac, 0, sizeof(ac));
  ok = decode_b64_exact(ac.client_id, sizeof(ac.client_id), item->args[0],
                        item->arg_lens[0]) == 0 &&
       decode_b64_exact(ac.iv, sizeof(ac.iv), item->args[1],
                        item->arg_lens[1]) == 0;
  if (ok && decode_b64_exact(ac.encrypted_cookie, 16, item->args[2],
                             item->arg_lens[2]) == 0)
    ac.encrypted_cookie_len = 16;
  else if (ok && decode_b64_exact(ac.encrypted_cookie, 32, item->args[2],
                                  item->arg_lens[2]) == 0)
    ac.encrypted_cookie_len = 32;
  if (!ac.encrypted_cookie_len)
    return 0;
  grown = realloc(d->auth_clients,
                  (d->n_auth_client_entries + 1) * sizeof(*grown));
  if (!grown)
    return -1;
  d->auth_clients = grown;
  d->auth_clients[d->n_auth_client_entries++] = ac;
  return 0;
}

uint8_t *
hs_desc_parse_middle_layer(hs_desc_t *d, const char *text, size_t len,
                           size_t *blob_len, const char **err)
{
  hs_doc_item_t item;
  size_t pos = 0;
  int r, have_type = 0, have_eph = 0;
  uint8_t *blob = NULL;

  while ((r = hs_doc_next(text, len, &pos, &item)) == 1) {
    if (hs_doc_kw_is(&item, "desc-auth-type")) {
      if (have_type++)
        FAIL("desc-auth-type appears twice");
      if (item.n_args < 1 || item.arg_lens[0] != 6 ||
          memcmp(item.args[0], "x25519", 6))
        FAIL("bad desc-auth-type");
    } else if (hs_doc_kw_is(&item, "desc-auth-ephemeral-key")) {
      if (have_eph++)
        FAIL("desc-auth-ephemeral-key appears twice");
      if (item.n_args < 1 ||
          decode_b64_exact(d->auth_ephemeral_key, 32, item.args[0],
                           item.arg_lens[0]) < 0)
        FAIL("bad desc-auth-ephemeral-key");
    } else if (hs_doc_kw_is(&item, "auth-client")) {
      if (item.n_args < 3)
        FAIL("bad auth-client");
      if (keep_auth_client(d, &item) < 0)
        FAIL("out of memory");
      d->n_auth_clients++;
    } else if (hs_doc_kw_is(&item, "encrypted")) {
      if (blob)
        FAIL("encrypted appears twice");
      blob = decode_message_obj(&item, blob_len);
      if (!blob)
        FAIL("bad encrypted object");
    }
  }
  if (r < 0)
    FAIL(doc_error("superencrypted layer", text, &item));
  if (!only_padding_after(text, len, pos, &pos))
    FAILF("superencrypted layer: text after a NUL byte (offset %zu)", pos);
  if (!have_type)
    FAIL("desc-auth-type is missing");
  if (!have_eph)
    FAIL("desc-auth-ephemeral-key is missing");
  if (d->n_auth_clients < 1)
    FAIL("no auth-client line");
  if (!blob)
    FAIL("encrypted is missing");
  if (*blob_len < HS_DESC_LAYER_OVERHEAD)
    FAILF("encrypted blob too short (%zu bytes)", *blob_len);
  return blob;
 fail:
  free(blob);
  return NULL;
}

/* ---------------------------------------------------------------------
 * Inner (encrypted) layer */

/* A link specifier block: NSPEC, then NSPEC (type, length, body) with
 * nothing after. 0 if it is one, else -1 with what is wrong in why. */
static int
link_spec_block_check(const uint8_t *p, size_t len, char *why, size_t cap)
{
  size_t pos = 1;

  if (len < 1) {
    snprintf(why, cap, "empty link specifier block");
    return -1;
  }
  for (unsigned i = 0; i < p[0]; i++) {
    if (len - pos < 2 || len - pos - 2 < p[pos + 1]) {
      snprintf(why, cap, "link specifier %u of %u overruns the %zu-byte "
               "block", i + 1, p[0], len);
      return -1;
    }
    pos += 2 + (size_t)p[pos + 1];
  }
  if (pos != len) {
    snprintf(why, cap, "%zu bytes after the last of %u link specifiers",
             len - pos, p[0]);
    return -1;
  }
  return 0;
}

/* Which fields of the current intro point have been seen. */
enum { IP_ONION = 1, IP_AUTH = 2, IP_ENC = 4, IP_ENC_CERT = 8,
       IP_ALL = 15 };

/* The first item an intro point lacks (have != IP_ALL). */
static const char *
intro_missing(unsigned have)
{
  if (!(have & IP_ONION))
    return "onion-key ntor";
  if (!(have & IP_AUTH))
    return "auth-key";
  if (!(have & IP_ENC))
    return "enc-key ntor";
  return "enc-key-cert";
}

/* One item of the current intro point; NULL, or why it is bad. */
static const char *
inner_intro_item(hs_desc_t *d, const hs_doc_item_t *item, time_t now,
                 unsigned *have)
{
  hs_desc_intro_point_t *ip = &d->intro_points[d->n_intro_points - 1];
  size_t n = d->n_intro_points;
  uint8_t ignored[32];
  const char *why;

  if (hs_doc_kw_is(item, "onion-key") || hs_doc_kw_is(item, "enc-key")) {
    int onion = hs_doc_kw_is(item, "onion-key");
    const char *kw = onion ? "onion-key" : "enc-key";
    unsigned bit = onion ? IP_ONION : IP_ENC;
    if (item->n_args < 1)
      return errf("introduction point %zu: %s without a key type", n, kw);
    if (item->arg_lens[0] != 4 || memcmp(item->args[0], "ntor", 4))
      return NULL;          /* other key types are ignored */
    if (*have & bit)
      return errf("introduction point %zu: %s ntor appears twice", n, kw);
    if (item->n_args < 2 ||
        decode_b64_exact(onion ? ip->onion_key : ip->enc_key, 32,
                         item->args[1], item->arg_lens[1]) < 0)
      return errf("introduction point %zu: %s ntor is not a base64 32-byte "
                  "key (%zu characters)", n, kw,
                  item->n_args < 2 ? (size_t)0 : item->arg_lens[1]);
    *have |= bit;
  } else if (hs_doc_kw_is(item, "auth-key")) {
    if (*have & IP_AUTH)
      return errf("introduction point %zu: auth-key appears twice", n);
    if (check_cert_item(item, HS_CERT_TYPE_INTRO_AUTH, d->signing_pk, now,
                        ip->auth_key, &why) < 0)
      return errf("introduction point %zu: bad auth-key certificate: %s", n,
                  why);
    *have |= IP_AUTH;
  } else if (hs_doc_kw_is(item, "enc-key-cert")) {
    /* Tor does not compare the certified key with enc-key, and stem (so
     * OnionBalance) certifies the auth key there: neither do we. */
    if (*have & IP_ENC_CERT)
      return errf("introduction point %zu: enc-key-cert appears twice", n);
    if (check_cert_item(item, HS_CERT_TYPE_INTRO_ENC, d->signing_pk, now,
                        ignored, &why) < 0)
      return errf("introduction point %zu: bad enc-key-cert: %s", n, why);
    *have |= IP_ENC_CERT;
  }
  return NULL;
}

/* Start intro point number d->n_intro_points + 1 at its
 * "introduction-point" item; NULL, or why not. */
static const char *
start_intro_point(hs_desc_t *d, const hs_doc_item_t *item)
{
  uint8_t buf[HS_DESC_LINK_SPEC_MAX_LEN + 4];
  hs_desc_intro_point_t *ip;
  size_t num = d->n_intro_points + 1;
  char why[96];
  int n;

  if (d->n_intro_points >= HS_DESC_MAX_INTRO_POINTS)
    return errf("too many introduction points (more than %d)",
                HS_DESC_MAX_INTRO_POINTS);
  if (item->n_args < 1)
    return errf("introduction point %zu: no link specifiers", num);
  if (base64_decoded_maxlen(item->arg_lens[0]) > sizeof(buf))
    return errf("introduction point %zu: link specifier block too long "
                "(%zu base64 characters; at most %d bytes)", num,
                item->arg_lens[0], HS_DESC_LINK_SPEC_MAX_LEN);
  n = base64_decode(buf, sizeof(buf), item->args[0], item->arg_lens[0]);
  if (n < 0)
    return errf("introduction point %zu: link specifiers are not base64",
                num);
  if (n > HS_DESC_LINK_SPEC_MAX_LEN)
    return errf("introduction point %zu: link specifier block too long "
                "(%d bytes; at most %d)", num, n, HS_DESC_LINK_SPEC_MAX_LEN);
  if (link_spec_block_check(buf, (size_t)n, why, sizeof(why)) < 0)
    return errf("introduction point %zu: %s", num, why);
  ip = &d->intro_points[d->n_intro_points];
  memset(ip, 0, sizeof(*ip));
  ip->link_specifiers = malloc((size_t)n);
  if (!ip->link_specifiers)
    return "out of memory";
  memcpy(ip->link_specifiers, buf, (size_t)n);
  ip->link_specifiers_len = (size_t)n;
  d->n_intro_points++;
  return NULL;
}

/* Join the item's arguments with single spaces into a new string. */
static char *
join_args(const hs_doc_item_t *item)
{
  size_t n = 1;
  char *s, *p;

  for (int i = 0; i < item->n_args; i++)
    n += item->arg_lens[i] + 1;
  s = p = malloc(n);
  if (!s)
    return NULL;
  for (int i = 0; i < item->n_args; i++) {
    if (i)
      *p++ = ' ';
    memcpy(p, item->args[i], item->arg_lens[i]);
    p += item->arg_lens[i];
  }
  *p = '\0';
  return s;
}

/* The items of the encrypted layer before the intro points that may
 * appear at most once. */
enum { I_FORMATS, I_AUTH_REQUIRED, I_SINGLE_ONION, I_FLOW_CONTROL, I_N };
static const char *const INNER_KW[I_N] = {
  "create2-formats", "intro-auth-required", "single-onion-service",
  "flow-control",
};

int
hs_desc_parse_inner_layer(hs_desc_t *d, const char *text, size_t len,
                          time_t now, const char **err)
{
  hs_doc_item_t item;
  size_t pos = 0;
  unsigned have = IP_ALL;
  int r, seen[I_N] = {0};
  const char *why;

  if (d->intro_points)
    FAIL("the descriptor already has introduction points");
  d->intro_points = calloc(HS_DESC_MAX_INTRO_POINTS,
                           sizeof(*d->intro_points));
  if (!d->intro_points)
    FAIL("out of memory");
  while ((r = hs_doc_next(text, len, &pos, &item)) == 1) {
    int k = -1;
    if (hs_doc_kw_is(&item, "introduction-point")) {
      if (have != IP_ALL)
        FAILF("introduction point %zu lacks %s", d->n_intro_points,
              intro_missing(have));
      if ((why = start_intro_point(d, &item)) != NULL)
        FAIL(why);
      have = 0;
      continue;
    }
    if (d->n_intro_points > 0) {
      if ((why = inner_intro_item(d, &item, now, &have)) != NULL)
        FAIL(why);
      continue;
    }
    for (int i = 0; i < I_N; i++)
      if (hs_doc_kw_is(&item, INNER_KW[i]))
        k = i;
    if (k < 0)
      continue;             /* unknown items are ignored */
    if (seen[k]++)
      FAILF("%s appears twice (encrypted layer, line %zu)", INNER_KW[k],
            hs_doc_line_of(text, item.start));
    if (item.args_dropped)
      FAILF("%s has too many arguments", INNER_KW[k]);
    if (k == I_FORMATS) {
      for (int i = 0; i < item.n_args; i++)
        if (item.arg_lens[i] == 1 && item.args[i][0] == '2')
          d->create2_ntor = 1;
    } else if (k == I_AUTH_REQUIRED) {
      for (int i = 0; i < item.n_args; i++)
        if (item.arg_lens[i] == 7 && !memcmp(item.args[i], "ed25519", 7))
          d->intro_auth_ed25519 = 1;
    } else if (k == I_SINGLE_ONION) {
      d->single_onion_service = 1;
    } else {
      d->flow_control = join_args(&item);
      if (!d->flow_control)
        FAIL("out of memory");
    }
  }
  if (r < 0)
    FAIL(doc_error("encrypted layer", text, &item));
  if (!only_padding_after(text, len, pos, &pos))
    FAILF("encrypted layer: text after a NUL byte (offset %zu)", pos);
  if (have != IP_ALL)
    FAILF("introduction point %zu lacks %s", d->n_intro_points,
          intro_missing(have));
  if (!seen[I_FORMATS])
    FAIL("create2-formats is missing");
  /* rend-spec-v3 2.5.2.2 (and tor): it must list ntor */
  if (!d->create2_ntor)
    FAIL("create2-formats does not list 2 (ntor)");
  return 0;
 fail:
  return -1;
}

/* The descriptor cookie for client_sk: from the auth-client line whose
 * CLIENT-ID is ours. Returns its length, or 0 if no line is ours. */
static size_t
find_cookie(const hs_desc_t *d, const uint8_t subcred[32],
            const uint8_t client_sk[32],
            uint8_t cookie[HS_DESC_COOKIE_MAX_LEN])
{
  uint8_t id[HS_DESC_CLIENT_ID_LEN], key[HS_DESC_COOKIE_KEY_LEN];
  size_t len = 0;

  if (hs_desc_client_auth_keys(subcred, client_sk, d->auth_ephemeral_key, id,
                               key) < 0)
    return 0;
  for (size_t i = 0; i < d->n_auth_client_entries; i++) {
    const hs_desc_auth_client_t *ac = &d->auth_clients[i];
    if (!crypto_memeq(ac->client_id, id, sizeof(id)))
      continue;
    if (hs_desc_cookie_crypt(key, ac->iv, ac->encrypted_cookie, cookie,
                             ac->encrypted_cookie_len) == 0)
      len = ac->encrypted_cookie_len;
    break;
  }
  memwipe(key, sizeof(key));
  return len;
}

int
hs_desc_decrypt(hs_desc_t *d, const uint8_t identity_pk[32], time_t now,
                const char **err)
{
  return hs_desc_decrypt_auth(d, identity_pk, NULL, now, err);
}

int
hs_desc_decrypt_auth(hs_desc_t *d, const uint8_t identity_pk[32],
                     const uint8_t *client_sk, time_t now, const char **err)
{
  hs_desc_layer_keys_t lk;
  uint8_t *middle = NULL, *blob = NULL, *inner = NULL;
  uint8_t cookie[HS_DESC_COOKIE_MAX_LEN];
  size_t middle_len, blob_len, inner_len, cookie_len = 0;
  int ret = -1;

  if (!d->superencrypted || d->intro_points || d->auth_clients)
    FAIL("not a freshly parsed descriptor");
  memcpy(lk.blinded_pk, d->blinded_pk, 32);
  lk.revision_counter = d->revision_counter;
  if (hs_subcredential(lk.subcredential, identity_pk, d->blinded_pk) < 0)
    FAIL("subcredential");
  middle = hs_desc_layer_decrypt(HS_DESC_LAYER_SUPERENCRYPTED, &lk,
                                 d->superencrypted, d->superencrypted_len,
                                 &middle_len);
  if (!middle)
    FAIL("superencrypted layer: bad MAC (wrong service?)");
  /* The parsers check that only NUL padding follows the text. */
  blob = hs_desc_parse_middle_layer(d, (const char *)middle, middle_len,
                                    &blob_len, err);
  if (!blob)
    goto fail;
  if (client_sk)
    cookie_len = find_cookie(d, lk.subcredential, client_sk, cookie);
  inner = hs_desc_layer_decrypt_with_cookie(HS_DESC_LAYER_ENCRYPTED, &lk,
                                            cookie, cookie_len, blob,
                                            blob_len, &inner_len);
  if (!inner) {
    /* The middle layer was the service's: only a descriptor cookie we lack
     * (client authorization) keeps us from the inner one. */
    if (!client_sk) {
      ret = HS_DESC_DECRYPT_NEED_CLIENT_AUTH;
      FAIL("encrypted layer: bad MAC (client authorization?)");
    }
    ret = HS_DESC_DECRYPT_BAD_CLIENT_AUTH;
    FAIL(cookie_len ? "encrypted layer: bad MAC with the descriptor cookie "
                      "of our auth-client line (wrong client key?)"
                    : "no auth-client line for our client key (the service "
                      "does not know it)");
  }
  if (hs_desc_parse_inner_layer(d, (const char *)inner, inner_len, now,
                                err) < 0)
    goto fail;
  ret = 0;
 fail:
  if (middle)
    memwipe(middle, middle_len);
  if (inner)
    memwipe(inner, inner_len);
  free(middle);
  free(blob);
  free(inner);
  memwipe(cookie, sizeof(cookie));
  memwipe(&lk, sizeof(lk));
  return ret;
}
