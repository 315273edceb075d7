/* Directory authority key certificates: see authcert.h. */
#include "orconfig.h"
#include "feature/dirparse/authcert.h"

#include "feature/dirparse/dirtoken.h"
#include "lib/crypt/crypto_digest.h"
#include "lib/log/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  K_VERSION, K_DIR_ADDRESS, K_FINGERPRINT, K_IDENTITY_KEY, K_PUBLISHED,
  K_EXPIRES, K_SIGNING_KEY, K_CROSSCERT, K_CERTIFICATION,
};

static const dir_token_rule_t cert_rules[] = {
  { "dir-key-certificate-version", K_VERSION, 1, DIR_ARGS_ANY, 1, 1,
    DIR_OBJ_NONE, NULL, DIR_AT_START },
  { "dir-address", K_DIR_ADDRESS, 1, DIR_ARGS_ANY, 0, 1, DIR_OBJ_NONE, NULL,
    0 },
  { "fingerprint", K_FINGERPRINT, 1, DIR_ARGS_ANY, 1, 1, DIR_OBJ_NONE, NULL,
    0 },
  { "dir-identity-key", K_IDENTITY_KEY, 0, 0, 1, 1, DIR_OBJ_REQUIRED,
    "RSA PUBLIC KEY", 0 },
  { "dir-key-published", K_PUBLISHED, 2, DIR_ARGS_ANY, 1, 1, DIR_OBJ_NONE,
    NULL, 0 },
  { "dir-key-expires", K_EXPIRES, 2, DIR_ARGS_ANY, 1, 1, DIR_OBJ_NONE, NULL,
    0 },
  { "dir-signing-key", K_SIGNING_KEY, 0, 0, 1, 1, DIR_OBJ_REQUIRED,
    "RSA PUBLIC KEY", 0 },
  /* "ID SIGNATURE", though "SIGNATURE" must be allowed too. */
  { "dir-key-crosscert", K_CROSSCERT, 0, 0, 1, 1, DIR_OBJ_REQUIRED, NULL, 0 },
  { "dir-key-certification", K_CERTIFICATION, 0, 0, 1, 1, DIR_OBJ_REQUIRED,
    "SIGNATURE", DIR_AT_END },
};
#define N_CERT_RULES (sizeof(cert_rules) / sizeof(cert_rules[0]))

void
authcert_free(authcert_t *cert)
{
  if (!cert)
    return;
  crypto_rsa_key_free(cert->identity_key);
  crypto_rsa_key_free(cert->signing_key);
  free(cert);
}

static const dir_token_t *
tok_of(const dir_tokens_t *t, size_t first, size_t end, int id)
{
  size_t i = dir_tokens_find(t, first, end, id);
  return i < end ? &t->tok[i] : NULL;
}

static crypto_rsa_key_t *
decode_key(const dir_token_t *tok, const char *what, char *err, size_t errlen)
{
  crypto_rsa_key_t *k = crypto_rsa_public_der_decode(tok->object,
                                                     tok->object_len);
  if (!k) {
    snprintf(err, errlen, "%s is not an RSA public key", what);
    return NULL;
  }
  if (crypto_rsa_key_bits(k) < 1024 || !crypto_rsa_public_exponent_ok(k)) {
    snprintf(err, errlen, "%s is shorter than 1024 bits or has e != 65537",
             what);
    crypto_rsa_key_free(k);
    return NULL;
  }
  return k;
}

static int
parse_times(authcert_t *c, const dir_tokens_t *t, size_t first, size_t end,
            char *err, size_t errlen)
{
  const dir_token_t *pub = tok_of(t, first, end, K_PUBLISHED);
  const dir_token_t *exp = tok_of(t, first, end, K_EXPIRES);
  if (dir_parse_time(pub->args[0], pub->args[1], &c->published) < 0 ||
      dir_parse_time(exp->args[0], exp->args[1], &c->expires) < 0) {
    snprintf(err, errlen, "bad time in dir-key-published/expires");
    return -1;
  }
  if (c->expires < c->published) {
    snprintf(err, errlen, "certificate expires before it is published");
    return -1;
  }
  return 0;
}

static int
check_signatures(const authcert_t *c, const char *doc, const dir_tokens_t *t,
                 size_t first, size_t end, char *err, size_t errlen)
{
  const dir_token_t *cross = tok_of(t, first, end, K_CROSSCERT);
  const dir_token_t *certif = &t->tok[end - 1];
  uint8_t d[DIGEST_LEN];
  if (strcmp(cross->object_type, "ID SIGNATURE") &&
      strcmp(cross->object_type, "SIGNATURE")) {
    snprintf(err, errlen, "dir-key-crosscert object is %s",
             cross->object_type);
    return -1;
  }
  if (crypto_rsa_verify_raw(c->signing_key, cross->object, cross->object_len,
                            c->identity_digest, DIGEST_LEN) < 0) {
    snprintf(err, errlen, "bad cross-certification by the signing key");
    return -1;
  }
  if (crypto_digest_sha1(d, doc + t->tok[first].start,
                         certif->line_end - t->tok[first].start) < 0 ||
      crypto_rsa_verify_raw(c->identity_key, certif->object,
                            certif->object_len, d, DIGEST_LEN) < 0) {
    snprintf(err, errlen, "bad certificate signature by the identity key");
    return -1;
  }
  return 0;
}

/* Builds and verifies the certificate made of tokens [first, end). */
static authcert_t *
cert_from_tokens(const char *doc, const dir_tokens_t *t, size_t first,
                 size_t end, char *err, size_t errlen)
{
  authcert_t *c;
  const dir_token_t *tok;
  uint8_t fp[DIGEST_LEN];
  if (dir_tokens_check_section(t, first, end, cert_rules, N_CERT_RULES, err,
                               errlen) < 0)
    return NULL;
  if (strcmp(t->tok[first].args[0], "3")) {
    snprintf(err, errlen, "unknown certificate version %s",
             t->tok[first].args[0]);
    return NULL;
  }
  if (!(c = calloc(1, sizeof(*c)))) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  c->text_offset = t->tok[first].start;
  c->text_len = t->tok[end - 1].end - c->text_offset;
  if (!(c->identity_key = decode_key(tok_of(t, first, end, K_IDENTITY_KEY),
                                     "dir-identity-key", err, errlen)) ||
      !(c->signing_key = decode_key(tok_of(t, first, end, K_SIGNING_KEY),
                                    "dir-signing-key", err, errlen)))
    goto fail;
  if (crypto_rsa_get_fingerprint(c->identity_key, c->identity_digest) < 0 ||
      crypto_rsa_get_fingerprint(c->signing_key, c->signing_key_digest) < 0)
    goto fail;
  tok = tok_of(t, first, end, K_FINGERPRINT);
  if (dir_parse_hex_digest(tok->args[0], fp) < 0 ||
      memcmp(fp, c->identity_digest, DIGEST_LEN)) {
    snprintf(err, errlen, "fingerprint does not match dir-identity-key");
    goto fail;
  }
  if ((tok = tok_of(t, first, end, K_DIR_ADDRESS)))
    snprintf(c->dir_address, sizeof(c->dir_address), "%s", tok->args[0]);
  if (parse_times(c, t, first, end, err, errlen) < 0 ||
      check_signatures(c, doc, t, first, end, err, errlen) < 0)
    goto fail;
  return c;
 fail:
  authcert_free(c);
  return NULL;
}

authcert_t *
authcert_parse(const char *s, size_t len, char *err, size_t errlen)
{
  dir_tokens_t *t = dir_tokenize(s, len, cert_rules, N_CERT_RULES, err,
                                 errlen);
  authcert_t *c = NULL;
  if (!t)
    return NULL;
  if (!t->n)
    snprintf(err, errlen, "empty certificate");
  else
    c = cert_from_tokens(s, t, 0, t->n, err, errlen);
  dir_tokens_free(t);
  return c;
}

void
authcert_list_free(authcert_list_t *list)
{
  if (!list)
    return;
  for (size_t i = 0; i < list->n; i++)
    authcert_free(list->certs[i]);
  free(list->certs);
  free(list);
}

static int
list_add(authcert_list_t *list, authcert_t *c)
{
  authcert_t **p = realloc(list->certs, (list->n + 1) * sizeof(*p));
  if (!p)
    return -1;
  list->certs = p;
  list->certs[list->n++] = c;
  return 0;
}

authcert_list_t *
authcert_list_parse(const char *s, size_t len, char *err, size_t errlen)
{
  dir_tokens_t *t = dir_tokenize(s, len, cert_rules, N_CERT_RULES, err,
                                 errlen);
  authcert_list_t *list;
  size_t first = 0;
  if (!t)
    return NULL;
  if (!(list = calloc(1, sizeof(*list))))
    goto fail;
  if (t->n && t->tok[0].id != K_VERSION) {
    snprintf(err, errlen, "text does not start with a certificate");
    goto fail;
  }
  while (first < t->n) {
    size_t end = dir_tokens_find(t, first + 1, t->n, K_VERSION);
    char why[160];
    authcert_t *c = cert_from_tokens(s, t, first, end, why, sizeof(why));
    if (!c) {
      log_protocol_warn(LD_DIR, "Rejected an authority certificate (line "
                        "%u): %s", t->tok[first].line, why);
      list->n_rejected++;
    } else if (list_add(list, c) < 0) {
      authcert_free(c);
      snprintf(err, errlen, "out of memory");
      goto fail;
    }
    first = end;
  }
  dir_tokens_free(t);
  return list;
 fail:
  dir_tokens_free(t);
  authcert_list_free(list);
  return NULL;
}

const authcert_t *
authcert_list_find(const authcert_list_t *list,
                   const uint8_t identity[DIGEST_LEN],
                   const uint8_t signing_key[DIGEST_LEN])
{
  for (size_t i = 0; list && i < list->n; i++)
    if (!memcmp(list->certs[i]->identity_digest, identity, DIGEST_LEN) &&
        !memcmp(list->certs[i]->signing_key_digest, signing_key, DIGEST_LEN))
      return list->certs[i];
  return NULL;
}

authcert_time_t
authcert_check_time(const authcert_t *cert, time_t now)
{
  if (cert->published > now + AUTHCERT_MAX_FUTURE_SKEW)
    return AUTHCERT_TIME_NOT_YET;
  if (now > cert->expires)
    return AUTHCERT_TIME_EXPIRED;
  return AUTHCERT_TIME_OK;
}
