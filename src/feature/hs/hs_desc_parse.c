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

/* Parse the ED25519 CERT object of item: a new certificate of type `type`
 * with the signed-with-key extension, valid at now and signed by signer_pk
 * (NULL: by the key in its extension). NULL if not. */
static ed25519_cert_t *
cert_from_item(const hs_doc_item_t *item, uint8_t type,
               const uint8_t *signer_pk, time_t now)
{
  uint8_t buf[CERT_MAX_LEN];
  ed25519_cert_t *cert;
  int n;

  if (!hs_doc_obj_is(item, TAG_CERT) ||
      base64_decoded_maxlen(item->obj_len) > sizeof(buf) + 64)
    return NULL;
  n = pem_decode(buf, sizeof(buf), item->obj, item->obj_len, TAG_CERT);
  if (n < 0)
    return NULL;
  cert = ed25519_cert_parse(buf, (size_t)n, NULL);
  if (!cert)
    return NULL;
  if (cert->cert_type != type || !cert->has_signing_key ||
      ed25519_cert_check(cert, signer_pk, now, NULL) < 0) {
    ed25519_cert_free(cert);
    return NULL;
  }
  return cert;
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
                const uint8_t signer_pk[32], time_t now, uint8_t certified[32])
{
  ed25519_cert_t *cert = cert_from_item(item, type, signer_pk, now);

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
  int first = 1, r;
  uint64_t v;

  memset(&sig_item, 0, sizeof(sig_item));

  if (!d)
    return NULL;
  if (len > HS_DESC_MAX_LEN)
    FAIL("descriptor too long");
  while ((r = hs_doc_next(doc, len, &pos, &item)) == 1) {
    int k = outer_kw_index(&item);
    if (seen[O_SIG])
      FAIL("data after the signature");
    if (first && k != O_VERSION)
      FAIL("does not start with hs-descriptor");
    first = 0;
    if (k < 0)
      continue;             /* unknown items are ignored */
    if (seen[k]++)
      FAIL("an item appears twice");
    switch (k) {
    case O_VERSION:
      if (item.n_args < 1 || item.arg_lens[0] != 1 || item.args[0][0] != '3')
        FAIL("not a version 3 descriptor");
      break;
    case O_LIFETIME:
      if (item.n_args < 1 || parse_u64(item.args[0], item.arg_lens[0],
                                       HS_DESC_LIFETIME_MAX, &v) < 0 ||
          v < HS_DESC_LIFETIME_MIN)
        FAIL("bad descriptor-lifetime");
      d->lifetime_minutes = (uint32_t)v;
      break;
    case O_CERT: {
      /* signed by the blinded key, which only the extension names */
      ed25519_cert_t *cert = cert_from_item(&item, HS_CERT_TYPE_DESC_SIGNING,
                                            NULL, now);
      if (!cert)
        FAIL("bad or expired descriptor-signing-key-cert");
      memcpy(d->blinded_pk, cert->signing_key, 32);
      memcpy(d->signing_pk, cert->certified_key, 32);
      d->signing_cert_expiration = cert->expiration_hours;
      ed25519_cert_free(cert);
      break;
    }
    case O_REVISION:
      if (item.n_args < 1 || parse_u64(item.args[0], item.arg_lens[0],
                                       UINT64_MAX, &v) < 0)
        FAIL("bad revision-counter");
      d->revision_counter = v;
      break;
    case O_SUPERENC:
      d->superencrypted = decode_message_obj(&item, &d->superencrypted_len);
      if (!d->superencrypted)
        FAIL("bad superencrypted object");
      break;
    case O_SIG:
      sig_item = item;
      break;
    }
  }
  if (r < 0)
    FAIL("malformed item");
  for (int k = 0; k < O_N; k++)
    if (!seen[k])
      FAIL("a required item is missing");
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
      if (have_type++ || item.n_args < 1 || item.arg_lens[0] != 6 ||
          memcmp(item.args[0], "x25519", 6))
        FAIL("bad desc-auth-type");
    } else if (hs_doc_kw_is(&item, "desc-auth-ephemeral-key")) {
      if (have_eph++ || item.n_args < 1 ||
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
    FAIL("malformed item in the superencrypted layer");
  if (!have_type || !have_eph || !blob || d->n_auth_clients < 1)
    FAIL("superencrypted layer lacks a required item");
  return blob;
 fail:
  free(blob);
  return NULL;
}

/* ---------------------------------------------------------------------
 * Inner (encrypted) layer */

/* A link specifier block: NSPEC, then NSPEC (type, length, body) with
 * nothing after. */
static int
link_spec_block_valid(const uint8_t *p, size_t len)
{
  size_t pos = 1;

  if (len < 1)
    return 0;
  for (unsigned i = 0; i < p[0]; i++) {
    if (len - pos < 2 || len - pos - 2 < p[pos + 1])
      return 0;
    pos += 2 + (size_t)p[pos + 1];
  }
  return pos == len;
}

/* Which fields of the current intro point have been seen. */
enum { IP_ONION = 1, IP_AUTH = 2, IP_ENC = 4, IP_ENC_CERT = 8,
       IP_ALL = 15 };

static int
inner_intro_item(hs_desc_t *d, const hs_doc_item_t *item, time_t now,
                 unsigned *have)
{
  hs_desc_intro_point_t *ip = &d->intro_points[d->n_intro_points - 1];
  uint8_t ignored[32];

  if (hs_doc_kw_is(item, "onion-key") || hs_doc_kw_is(item, "enc-key")) {
    int onion = hs_doc_kw_is(item, "onion-key");
    unsigned bit = onion ? IP_ONION : IP_ENC;
    if (item->n_args < 1)
      return -1;
    if (item->arg_lens[0] != 4 || memcmp(item->args[0], "ntor", 4))
      return 0;             /* other key types are ignored */
    if ((*have & bit) || item->n_args < 2 ||
        decode_b64_exact(onion ? ip->onion_key : ip->enc_key, 32,
                         item->args[1], item->arg_lens[1]) < 0)
      return -1;
    *have |= bit;
  } else if (hs_doc_kw_is(item, "auth-key")) {
    if ((*have & IP_AUTH) ||
        check_cert_item(item, HS_CERT_TYPE_INTRO_AUTH, d->signing_pk, now,
                        ip->auth_key) < 0)
      return -1;
    *have |= IP_AUTH;
  } else if (hs_doc_kw_is(item, "enc-key-cert")) {
    /* Tor does not compare the certified key with enc-key; neither do we. */
    if ((*have & IP_ENC_CERT) ||
        check_cert_item(item, HS_CERT_TYPE_INTRO_ENC, d->signing_pk, now,
                        ignored) < 0)
      return -1;
    *have |= IP_ENC_CERT;
  }
  return 0;
}

static int
start_intro_point(hs_desc_t *d, const hs_doc_item_t *item)
{
  uint8_t buf[HS_DESC_LINK_SPEC_MAX_LEN + 4];
  hs_desc_intro_point_t *ip;
  int n;

  if (d->n_intro_points >= HS_DESC_MAX_INTRO_POINTS || item->n_args < 1 ||
      base64_decoded_maxlen(item->arg_lens[0]) > sizeof(buf))
    return -1;
  n = base64_decode(buf, sizeof(buf), item->args[0], item->arg_lens[0]);
  if (n < 0 || !link_spec_block_valid(buf, (size_t)n))
    return -1;
  ip = &d->intro_points[d->n_intro_points];
  memset(ip, 0, sizeof(*ip));
  ip->link_specifiers = malloc((size_t)n);
  if (!ip->link_specifiers)
    return -1;
  memcpy(ip->link_specifiers, buf, (size_t)n);
  ip->link_specifiers_len = (size_t)n;
  d->n_intro_points++;
  return 0;
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

int
hs_desc_parse_inner_layer(hs_desc_t *d, const char *text, size_t len,
                          time_t now, const char **err)
{
  hs_doc_item_t item;
  size_t pos = 0;
  unsigned have = IP_ALL;
  int r, have_formats = 0;

  if (d->intro_points)
    FAIL("the descriptor already has introduction points");
  d->intro_points = calloc(HS_DESC_MAX_INTRO_POINTS,
                           sizeof(*d->intro_points));
  if (!d->intro_points)
    FAIL("out of memory");
  while ((r = hs_doc_next(text, len, &pos, &item)) == 1) {
    if (hs_doc_kw_is(&item, "introduction-point")) {
      if (have != IP_ALL)
        FAIL("an introduction point lacks a required item");
      if (start_intro_point(d, &item) < 0)
        FAIL("bad introduction-point");
      have = 0;
    } else if (d->n_intro_points > 0) {
      if (inner_intro_item(d, &item, now, &have) < 0)
        FAIL("bad introduction point item");
    } else if (hs_doc_kw_is(&item, "create2-formats")) {
      if (have_formats++)
        FAIL("create2-formats appears twice");
      for (int i = 0; i < item.n_args; i++)
        if (item.arg_lens[i] == 1 && item.args[i][0] == '2')
          d->create2_ntor = 1;
    } else if (hs_doc_kw_is(&item, "intro-auth-required")) {
      for (int i = 0; i < item.n_args; i++)
        if (item.arg_lens[i] == 7 && !memcmp(item.args[i], "ed25519", 7))
          d->intro_auth_ed25519 = 1;
    } else if (hs_doc_kw_is(&item, "single-onion-service")) {
      d->single_onion_service = 1;
    } else if (hs_doc_kw_is(&item, "flow-control")) {
      free(d->flow_control);
      d->flow_control = join_args(&item);
      if (!d->flow_control)
        FAIL("out of memory");
    }
  }
  if (r < 0)
    FAIL("malformed item in the encrypted layer");
  if (have != IP_ALL)
    FAIL("an introduction point lacks a required item");
  if (!have_formats)
    FAIL("create2-formats is missing");
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
  /* The text ends at the padding. */
  blob = hs_desc_parse_middle_layer(d, (const char *)middle,
                                    strnlen((const char *)middle, middle_len),
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
  if (hs_desc_parse_inner_layer(d, (const char *)inner,
                                strnlen((const char *)inner, inner_len),
                                now, err) < 0)
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
