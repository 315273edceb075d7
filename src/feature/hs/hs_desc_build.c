#include "orconfig.h"

#include "feature/hs/hs_descriptor.h"
#include "feature/hs/hs_cert.h"
#include "feature/hs/hs_desc_layer.h"
#include "feature/hs/hs_keys.h"

#include "lib/crypt/crypto_util.h"
#include "lib/crypt/ed25519.h"
#include "lib/crypt/x25519.h"
#include "lib/encoding/base64.h"
#include "lib/encoding/pem.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Building a v3 descriptor (see hs_descriptor.h for the format). */

static const char SIG_PREFIX[] = "Tor onion service descriptor sig v3";
#define TAG_CERT "ED25519 CERT"
#define TAG_MESSAGE "MESSAGE"

/* ---------------------------------------------------------------------
 * A growing string; the first failure sticks and is reported at the end. */

typedef struct sbuf_t {
  char *s;
  size_t len, cap;
  int failed;
} sbuf_t;

static void
sbuf_reserve(sbuf_t *sb, size_t more)
{
  size_t want;
  char *n;

  if (sb->failed)
    return;
  if (more > HS_DESC_MAX_LEN * 4 || sb->len + more + 1 <= sb->cap)
    return;
  want = (sb->len + more + 1) * 2;
  n = realloc(sb->s, want);
  if (!n) {
    sb->failed = 1;
    return;
  }
  sb->s = n;
  sb->cap = want;
}

static void
sbuf_add_mem(sbuf_t *sb, const char *p, size_t n)
{
  sbuf_reserve(sb, n);
  if (sb->failed || sb->len + n + 1 > sb->cap) {
    sb->failed = 1;
    return;
  }
  memcpy(sb->s + sb->len, p, n);
  sb->len += n;
  sb->s[sb->len] = '\0';
}

static void
sbuf_addf(sbuf_t *sb, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));
static void
sbuf_addf(sbuf_t *sb, const char *fmt, ...)
{
  char tmp[512];
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof(tmp)) {
    sb->failed = 1;
    return;
  }
  sbuf_add_mem(sb, tmp, (size_t)n);
}

static void
sbuf_add_b64(sbuf_t *sb, const uint8_t *p, size_t n, unsigned flags)
{
  size_t elen = base64_encoded_len(n, flags);

  sbuf_reserve(sb, elen + 1);
  if (sb->failed || base64_encode(sb->s + sb->len, sb->cap - sb->len, p, n,
                                  flags) < 0) {
    sb->failed = 1;
    return;
  }
  sb->len += elen;
}

static void
sbuf_add_pem(sbuf_t *sb, const uint8_t *p, size_t n, const char *tag)
{
  size_t elen = pem_encoded_len(n, tag);

  sbuf_reserve(sb, elen + 1);
  if (sb->failed || pem_encode(sb->s + sb->len, sb->cap - sb->len, p, n,
                               tag) < 0) {
    sb->failed = 1;
    return;
  }
  sb->len += elen;
}

static void
sbuf_clear(sbuf_t *sb)
{
  if (sb->s)
    memwipe(sb->s, sb->cap);
  free(sb->s);
  memset(sb, 0, sizeof(*sb));
}

/* A type-08/09/0B certificate in PEM armour, then a newline. */
static void
add_cert(sbuf_t *sb, uint8_t type, const uint8_t certified[32],
         const uint8_t signer_pk[32], const uint8_t signer_esk[64],
         time_t expires)
{
  uint8_t cert[HS_CERT_ENCODED_LEN];

  if (hs_cert_encode(cert, type, certified, signer_pk, signer_esk,
                     expires) < 0) {
    sb->failed = 1;
    return;
  }
  sbuf_add_pem(sb, cert, sizeof(cert), TAG_CERT);
  sbuf_add_mem(sb, "\n", 1);
}

static void
encode_intro_point(sbuf_t *sb, const hs_desc_intro_point_t *ip,
                   const hs_desc_signing_keys_t *keys, time_t expires)
{
  uint8_t enc_ed[32];

  if (!ip->link_specifiers || ip->link_specifiers_len == 0 ||
      ip->link_specifiers_len > HS_DESC_LINK_SPEC_MAX_LEN ||
      hs_ed25519_from_x25519(enc_ed, ip->enc_key, 0) < 0) {
    sb->failed = 1;
    return;
  }
  sbuf_addf(sb, "introduction-point ");
  sbuf_add_b64(sb, ip->link_specifiers, ip->link_specifiers_len, 0);
  sbuf_addf(sb, "\nonion-key ntor ");
  sbuf_add_b64(sb, ip->onion_key, 32, 0);
  sbuf_addf(sb, "\nauth-key\n");
  add_cert(sb, HS_CERT_TYPE_INTRO_AUTH, ip->auth_key, keys->signing_pk,
           keys->signing_esk, expires);
  sbuf_addf(sb, "enc-key ntor ");
  sbuf_add_b64(sb, ip->enc_key, 32, 0);
  sbuf_addf(sb, "\nenc-key-cert\n");
  add_cert(sb, HS_CERT_TYPE_INTRO_ENC, enc_ed, keys->signing_pk,
           keys->signing_esk, expires);
}

static void
encode_inner(sbuf_t *sb, const hs_desc_t *desc,
             const hs_desc_signing_keys_t *keys, time_t expires)
{
  sbuf_addf(sb, "create2-formats 2\n");
  if (desc->intro_auth_ed25519)
    sbuf_addf(sb, "intro-auth-required ed25519\n");
  if (desc->single_onion_service)
    sbuf_addf(sb, "single-onion-service\n");
  if (desc->flow_control) {
    if (strchr(desc->flow_control, '\n'))
      sb->failed = 1;
    sbuf_addf(sb, "flow-control %s\n", desc->flow_control);
  }
  for (size_t i = 0; i < desc->n_intro_points; i++)
    encode_intro_point(sb, &desc->intro_points[i], keys, expires);
}

/* Encrypt the text in sb for layer, as a MESSAGE object (no newline). */
static void
add_encrypted_blob(sbuf_t *out, hs_desc_layer_t layer,
                   const hs_desc_layer_keys_t *lk, const sbuf_t *plain)
{
  uint8_t salt[HS_DESC_SALT_LEN];
  uint8_t *blob;
  size_t blob_len;

  if (plain->failed || crypto_rand_bytes(salt, sizeof(salt)) < 0) {
    out->failed = 1;
    return;
  }
  blob = hs_desc_layer_encrypt(layer, lk, salt, (const uint8_t *)plain->s,
                               plain->len, &blob_len);
  if (!blob) {
    out->failed = 1;
    return;
  }
  sbuf_add_pem(out, blob, blob_len, TAG_MESSAGE);
  free(blob);
}

static void
encode_middle(sbuf_t *sb, const hs_desc_layer_keys_t *lk, const sbuf_t *inner)
{
  uint8_t eph_pk[32], eph_sk[32];

  if (x25519_keypair_generate(eph_pk, eph_sk) < 0) {
    sb->failed = 1;
    return;
  }
  memwipe(eph_sk, sizeof(eph_sk));  /* no client auth: never used */
  sbuf_addf(sb, "desc-auth-type x25519\ndesc-auth-ephemeral-key ");
  sbuf_add_b64(sb, eph_pk, 32, 0);
  sbuf_addf(sb, "\n");
  for (int i = 0; i < HS_DESC_N_FAKE_AUTH_CLIENTS; i++) {
    uint8_t fake[8 + 16 + 16];
    if (crypto_rand_bytes(fake, sizeof(fake)) < 0) {
      sb->failed = 1;
      return;
    }
    sbuf_addf(sb, "auth-client ");
    sbuf_add_b64(sb, fake, 8, BASE64_ENCODE_NOPAD);
    sbuf_addf(sb, " ");
    sbuf_add_b64(sb, fake + 8, 16, BASE64_ENCODE_NOPAD);
    sbuf_addf(sb, " ");
    sbuf_add_b64(sb, fake + 24, 16, BASE64_ENCODE_NOPAD);
    sbuf_addf(sb, "\n");
  }
  sbuf_addf(sb, "encrypted\n");
  add_encrypted_blob(sb, HS_DESC_LAYER_ENCRYPTED, lk, inner);
  /* Like tor: no final newline in this layer. */
}

char *
hs_desc_encode(const hs_desc_t *desc, const hs_desc_signing_keys_t *keys,
               time_t now, size_t *len_out)
{
  sbuf_t inner = {0}, middle = {0}, doc = {0};
  hs_desc_layer_keys_t lk;
  time_t expires = now + HS_DESC_CERT_LIFETIME;
  uint8_t sig[ED25519_SIG_LEN];
  uint8_t *signed_data = NULL;
  char *result = NULL;

  if (desc->n_intro_points > HS_DESC_MAX_INTRO_POINTS ||
      desc->lifetime_minutes < HS_DESC_LIFETIME_MIN ||
      desc->lifetime_minutes > HS_DESC_LIFETIME_MAX)
    return NULL;
  memcpy(lk.blinded_pk, keys->blinded_pk, 32);
  lk.revision_counter = desc->revision_counter;
  if (hs_subcredential(lk.subcredential, keys->identity_pk,
                       keys->blinded_pk) < 0)
    return NULL;

  encode_inner(&inner, desc, keys, expires);
  encode_middle(&middle, &lk, &inner);

  sbuf_addf(&doc, "hs-descriptor 3\ndescriptor-lifetime %" PRIu32
            "\ndescriptor-signing-key-cert\n", desc->lifetime_minutes);
  add_cert(&doc, HS_CERT_TYPE_DESC_SIGNING, keys->signing_pk,
           keys->blinded_pk, keys->blinded_esk, expires);
  sbuf_addf(&doc, "revision-counter %" PRIu64 "\nsuperencrypted\n",
            desc->revision_counter);
  add_encrypted_blob(&doc, HS_DESC_LAYER_SUPERENCRYPTED, &lk, &middle);
  sbuf_addf(&doc, "\n");
  if (doc.failed)
    goto done;

  /* The signature covers the prefix and everything before "signature". */
  signed_data = malloc(strlen(SIG_PREFIX) + doc.len);
  if (!signed_data)
    goto done;
  memcpy(signed_data, SIG_PREFIX, strlen(SIG_PREFIX));
  memcpy(signed_data + strlen(SIG_PREFIX), doc.s, doc.len);
  if (ed25519_sign_expanded(sig, signed_data, strlen(SIG_PREFIX) + doc.len,
                            keys->signing_esk) < 0)
    goto done;
  sbuf_addf(&doc, "signature ");
  sbuf_add_b64(&doc, sig, sizeof(sig), BASE64_ENCODE_NOPAD);
  if (doc.failed || doc.len >= HS_DESC_MAX_LEN)   /* tor's HSDirs refuse */
    goto done;
  result = doc.s;
  *len_out = doc.len;
  doc.s = NULL;
 done:
  free(signed_data);
  sbuf_clear(&inner);
  sbuf_clear(&middle);
  sbuf_clear(&doc);
  memwipe(&lk, sizeof(lk));
  return result;
}
