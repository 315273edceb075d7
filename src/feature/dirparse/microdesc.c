/* Microdescriptors: see microdesc.h. */
#include "orconfig.h"
#include "feature/dirparse/microdesc.h"

#include "feature/dirparse/dirtoken.h"
#include "lib/log/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  K_ONION_KEY, K_NTOR_KEY, K_FAMILY, K_P, K_P6, K_ID, K_A, K_PR,
  K_LAST_LISTED,
};

#define ANY DIR_ARGS_ANY
static const dir_token_rule_t md_rules[] = {
  { "onion-key", K_ONION_KEY, 0, 0, 0, 1, DIR_OBJ_REQUIRED, "RSA PUBLIC KEY",
    DIR_AT_START },
  { "ntor-onion-key", K_NTOR_KEY, 1, ANY, 1, 1, DIR_OBJ_NONE, NULL, 0 },
  { "family", K_FAMILY, 0, ANY, 0, 1, DIR_OBJ_NONE, NULL, 0 },
  { "p", K_P, 2, ANY, 0, 1, DIR_OBJ_NONE, NULL, 0 },
  { "p6", K_P6, 2, ANY, 0, 1, DIR_OBJ_NONE, NULL, 0 },
  { "id", K_ID, 2, ANY, 0, DIR_COUNT_ANY, DIR_OBJ_NONE, NULL, 0 },
  { "a", K_A, 1, ANY, 0, DIR_COUNT_ANY, DIR_OBJ_NONE, NULL, 0 },
  { "pr", K_PR, 0, ANY, 0, 1, DIR_OBJ_NONE, NULL, 0 },
  { "@last-listed", K_LAST_LISTED, 2, ANY, 0, DIR_COUNT_ANY, DIR_OBJ_NONE,
    NULL, 0 },
};
#define N_MD_RULES (sizeof(md_rules) / sizeof(md_rules[0]))

static int
is_annotation(const dir_token_t *tok)
{
  return tok->keyword[0] == '@';
}

/* Arguments of tok joined by spaces, from argument `from` on. */
static char *
join_args_from(const dir_token_t *tok, size_t from)
{
  size_t n = 1;
  char *s, *w;
  for (size_t i = from; i < tok->n_args; i++)
    n += strlen(tok->args[i]) + 1;
  if (!(s = malloc(n)))
    return NULL;
  w = s;
  for (size_t i = from; i < tok->n_args; i++) {
    size_t k = strlen(tok->args[i]);
    if (i > from)
      *w++ = ' ';
    memcpy(w, tok->args[i], k);
    w += k;
  }
  *w = '\0';
  return s;
}

static void
microdesc_clear(microdesc_t *md)
{
  free(md->family);
  free(md->policy);
  free(md->policy6);
  memset(md, 0, sizeof(*md));
}

static int
parse_policy(const dir_token_t *tok, char **out)
{
  if (strcmp(tok->args[0], "accept") && strcmp(tok->args[0], "reject"))
    return -1;
  return (*out = join_args_from(tok, 0)) ? 0 : -1;
}

static int
parse_id_line(const dir_token_t *tok, microdesc_t *md)
{
  if (strcmp(tok->args[0], "ed25519"))
    return 0; /* rsa1024 and unknown key types are ignored */
  if (md->has_ed25519_id ||
      dir_parse_base64_exact(tok->args[1], md->ed25519_id,
                             MICRODESC_ED25519_ID_LEN) < 0)
    return -1;
  md->has_ed25519_id = 1;
  return 0;
}

/* Fills md from the body tokens [first, end). */
static int
parse_body(const dir_tokens_t *t, size_t first, size_t end, microdesc_t *md,
           char *why, size_t whylen)
{
  if (dir_tokens_check_section(t, first, end, md_rules, N_MD_RULES, why,
                               whylen) < 0)
    return -1;
  for (size_t i = first; i < end; i++) {
    const dir_token_t *tok = &t->tok[i];
    int bad = 0;
    switch (tok->id) {
    case K_ONION_KEY:
      md->has_onion_key = 1;
      break;
    case K_NTOR_KEY:
      bad = dir_parse_base64_exact(tok->args[0], md->ntor_onion_key,
                                   MICRODESC_NTOR_KEY_LEN) < 0;
      break;
    case K_FAMILY:
      bad = !(md->family = join_args_from(tok, 0));
      break;
    case K_P:
      bad = parse_policy(tok, &md->policy) < 0;
      break;
    case K_P6:
      bad = parse_policy(tok, &md->policy6) < 0;
      break;
    case K_ID:
      bad = parse_id_line(tok, md) < 0;
      break;
    case K_LAST_LISTED:
      snprintf(why, whylen, "annotation inside a microdescriptor");
      return -1;
    default:
      break;
    }
    if (bad) {
      snprintf(why, whylen, "bad %s line (line %u)", tok->keyword, tok->line);
      return -1;
    }
  }
  return 0;
}

/* Where the microdescriptor whose annotations or body start at token i
 * ends: the index of the first token of the next one. */
static size_t
md_group_end(const dir_tokens_t *t, size_t i)
{
  int in_body = 0, has_ntor = 0;
  for (; i < t->n; i++) {
    const dir_token_t *tok = &t->tok[i];
    if (is_annotation(tok)) {
      if (in_body)
        return i;
      continue;
    }
    if (tok->id == K_ONION_KEY && in_body)
      return i;
    if (tok->id == K_NTOR_KEY) {
      if (has_ntor)
        return i;
      has_ntor = 1;
    }
    in_body = 1;
  }
  return i;
}

static void
apply_annotations(const dir_tokens_t *t, size_t first, size_t body,
                  microdesc_t *md)
{
  for (size_t i = first; i < body; i++) {
    const dir_token_t *tok = &t->tok[i];
    if (tok->id == K_LAST_LISTED)
      (void)dir_parse_time(tok->args[0], tok->args[1], &md->last_listed);
  }
}

static int
add_invalid(microdesc_list_t *list, const uint8_t digest[DIGEST256_LEN])
{
  uint8_t (*p)[DIGEST256_LEN] = realloc(list->invalid_digests,
                                        (list->n_invalid + 1) * sizeof(*p));
  if (!p)
    return -1;
  list->invalid_digests = p;
  memcpy(p[list->n_invalid++], digest, DIGEST256_LEN);
  return 0;
}

microdesc_list_t *
microdesc_list_parse(const char *s, size_t len, char *err, size_t errlen)
{
  dir_tokens_t *t = dir_tokenize(s, len, md_rules, N_MD_RULES, err, errlen);
  microdesc_list_t *list;
  size_t i = 0;
  if (!t)
    return NULL;
  if (!(list = calloc(1, sizeof(*list))) ||
      (t->n && !(list->mds = calloc(t->n, sizeof(*list->mds)))))
    goto oom;
  while (i < t->n) {
    size_t end = md_group_end(t, i), body = i, text_end;
    microdesc_t *md = &list->mds[list->n];
    char why[160];
    while (body < end && is_annotation(&t->tok[body]))
      body++;
    if (body == end) {
      snprintf(err, errlen, "annotations without a microdescriptor");
      goto fail;
    }
    text_end = end < t->n ? t->tok[end].start : len;
    md->text_offset = t->tok[body].start;
    md->text_len = text_end - md->text_offset;
    if (crypto_digest_sha256(md->digest, s + md->text_offset,
                             md->text_len) < 0)
      goto oom;
    apply_annotations(t, i, body, md);
    if (parse_body(t, body, end, md, why, sizeof(why)) < 0) {
      log_protocol_warn(LD_DIR, "Skipping a malformed microdescriptor: %s",
                        why);
      if (add_invalid(list, md->digest) < 0)
        goto oom;
      microdesc_clear(md);
    } else {
      list->n++;
    }
    i = end;
  }
  dir_tokens_free(t);
  return list;
 oom:
  snprintf(err, errlen, "out of memory");
 fail:
  dir_tokens_free(t);
  microdesc_list_free(list);
  return NULL;
}

void
microdesc_list_free(microdesc_list_t *list)
{
  if (!list)
    return;
  for (size_t i = 0; i < list->n; i++)
    microdesc_clear(&list->mds[i]);
  free(list->mds);
  free(list->invalid_digests);
  free(list);
}

const microdesc_t *
microdesc_list_find(const microdesc_list_t *list,
                    const uint8_t digest[DIGEST256_LEN])
{
  for (size_t i = 0; list && i < list->n; i++)
    if (!memcmp(list->mds[i].digest, digest, DIGEST256_LEN))
      return &list->mds[i];
  return NULL;
}
