/* Microdesc-flavoured consensus: see consensus.h. */
#include "orconfig.h"
#include "feature/dirparse/consensus.h"

#include "feature/dirparse/dirtoken.h"
#include "lib/log/log.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  K_NS_VERSION, K_VOTE_STATUS, K_METHOD, K_VALID_AFTER, K_FRESH_UNTIL,
  K_VALID_UNTIL, K_VOTING_DELAY, K_CLIENT_VERSIONS, K_SERVER_VERSIONS,
  K_KNOWN_FLAGS, K_REC_CLIENT, K_REC_RELAY, K_REQ_CLIENT, K_REQ_RELAY,
  K_PARAMS, K_SRV_PREV, K_SRV_CUR,
  K_DIR_SOURCE, K_CONTACT, K_VOTE_DIGEST,
  K_R, K_A, K_M, K_S, K_V, K_PR, K_W,
  K_FOOTER, K_BW_WEIGHTS, K_SIGNATURE,
};

#define ANY DIR_ARGS_ANY
#define RULE(kw, id, lo, hi) { kw, id, lo, hi, 0, DIR_COUNT_ANY, DIR_OBJ_NONE, \
                               NULL, 0 }
/* What each keyword's line looks like, wherever it is. */
static const dir_token_rule_t token_rules[] = {
  RULE("network-status-version", K_NS_VERSION, 1, ANY),
  RULE("vote-status", K_VOTE_STATUS, 1, ANY),
  RULE("consensus-method", K_METHOD, 1, 1),
  RULE("valid-after", K_VALID_AFTER, 2, ANY),
  RULE("fresh-until", K_FRESH_UNTIL, 2, ANY),
  RULE("valid-until", K_VALID_UNTIL, 2, ANY),
  RULE("voting-delay", K_VOTING_DELAY, 2, ANY),
  RULE("client-versions", K_CLIENT_VERSIONS, 0, ANY),
  RULE("server-versions", K_SERVER_VERSIONS, 0, ANY),
  RULE("known-flags", K_KNOWN_FLAGS, 0, ANY),
  RULE("recommended-client-protocols", K_REC_CLIENT, 0, ANY),
  RULE("recommended-relay-protocols", K_REC_RELAY, 0, ANY),
  RULE("required-client-protocols", K_REQ_CLIENT, 0, ANY),
  RULE("required-relay-protocols", K_REQ_RELAY, 0, ANY),
  RULE("params", K_PARAMS, 0, ANY),
  RULE("shared-rand-previous-value", K_SRV_PREV, 2, ANY),
  RULE("shared-rand-current-value", K_SRV_CUR, 2, ANY),
  RULE("dir-source", K_DIR_SOURCE, 6, ANY),
  RULE("contact", K_CONTACT, 0, ANY),
  RULE("vote-digest", K_VOTE_DIGEST, 1, ANY),
  RULE("r", K_R, 7, ANY),
  RULE("a", K_A, 1, ANY),
  RULE("m", K_M, 1, ANY),
  RULE("s", K_S, 0, ANY),
  RULE("v", K_V, 0, ANY),
  RULE("pr", K_PR, 0, ANY),
  RULE("w", K_W, 0, ANY),
  RULE("directory-footer", K_FOOTER, 0, 0),
  RULE("bandwidth-weights", K_BW_WEIGHTS, 0, ANY),
  { "directory-signature", K_SIGNATURE, 2, ANY, 0, DIR_COUNT_ANY,
    DIR_OBJ_REQUIRED, "SIGNATURE", 0 },
};
#define N_TOKEN_RULES (sizeof(token_rules) / sizeof(token_rules[0]))

/* Section rules: only the counts and positions matter here. */
#define COUNT(kw, id, lo, hi, where) { kw, id, 0, ANY, lo, hi, DIR_OBJ_NONE, \
                                       NULL, where }
static const dir_token_rule_t preamble_rules[] = {
  COUNT("network-status-version", K_NS_VERSION, 1, 1, DIR_AT_START),
  COUNT("vote-status", K_VOTE_STATUS, 1, 1, 0),
  COUNT("consensus-method", K_METHOD, 0, 1, 0),
  COUNT("valid-after", K_VALID_AFTER, 1, 1, 0),
  COUNT("fresh-until", K_FRESH_UNTIL, 1, 1, 0),
  COUNT("valid-until", K_VALID_UNTIL, 1, 1, 0),
  COUNT("voting-delay", K_VOTING_DELAY, 1, 1, 0),
  COUNT("client-versions", K_CLIENT_VERSIONS, 0, 1, 0),
  COUNT("server-versions", K_SERVER_VERSIONS, 0, 1, 0),
  COUNT("known-flags", K_KNOWN_FLAGS, 1, 1, 0),
  COUNT("recommended-client-protocols", K_REC_CLIENT, 0, 1, 0),
  COUNT("recommended-relay-protocols", K_REC_RELAY, 0, 1, 0),
  COUNT("required-client-protocols", K_REQ_CLIENT, 0, 1, 0),
  COUNT("required-relay-protocols", K_REQ_RELAY, 0, 1, 0),
  COUNT("params", K_PARAMS, 0, 1, 0),
  COUNT("shared-rand-previous-value", K_SRV_PREV, 0, 1, 0),
  COUNT("shared-rand-current-value", K_SRV_CUR, 0, 1, 0),
  COUNT("directory-signature", K_SIGNATURE, 0, 0, 0),
};
static const dir_token_rule_t authority_rules[] = {
  COUNT("dir-source", K_DIR_SOURCE, 1, 1, DIR_AT_START),
  COUNT("contact", K_CONTACT, 0, 1, 0),
  COUNT("vote-digest", K_VOTE_DIGEST, 0, 1, 0),
  COUNT("directory-signature", K_SIGNATURE, 0, 0, 0),
};
static const dir_token_rule_t router_rules[] = {
  COUNT("r", K_R, 1, 1, DIR_AT_START),
  COUNT("m", K_M, 1, 1, 0),
  COUNT("s", K_S, 1, 1, 0),
  COUNT("v", K_V, 0, 1, 0),
  COUNT("pr", K_PR, 0, 1, 0),
  COUNT("w", K_W, 0, 1, 0),
  COUNT("directory-signature", K_SIGNATURE, 0, 0, 0),
};
static const dir_token_rule_t footer_rules[] = {
  COUNT("directory-footer", K_FOOTER, 1, 1, DIR_AT_START),
  COUNT("bandwidth-weights", K_BW_WEIGHTS, 0, 1, 0),
  COUNT("directory-signature", K_SIGNATURE, 1, DIR_COUNT_ANY, DIR_AT_END),
};
#define NRULES(a) (sizeof(a) / sizeof((a)[0]))

static const struct { const char *name; uint32_t bit; } flag_names[] = {
  { "Authority", CONS_FLAG_AUTHORITY }, { "BadExit", CONS_FLAG_BADEXIT },
  { "Exit", CONS_FLAG_EXIT }, { "Fast", CONS_FLAG_FAST },
  { "Guard", CONS_FLAG_GUARD }, { "HSDir", CONS_FLAG_HSDIR },
  { "Running", CONS_FLAG_RUNNING }, { "Stable", CONS_FLAG_STABLE },
  { "V2Dir", CONS_FLAG_V2DIR }, { "Valid", CONS_FLAG_VALID },
  { "MiddleOnly", CONS_FLAG_MIDDLEONLY }, { "StaleDesc", CONS_FLAG_STALEDESC },
  { "NoEdConsensus", CONS_FLAG_NOEDCONSENSUS }, { "Sybil", CONS_FLAG_SYBIL },
};

size_t
consensus_flags_format(uint32_t flags, char *out, size_t outlen)
{
  /* In name order, as tor writes "s" lines. */
  static const char *const order[] = {
    "Authority", "BadExit", "Exit", "Fast", "Guard", "HSDir", "MiddleOnly",
    "NoEdConsensus", "Running", "Stable", "StaleDesc", "Sybil", "V2Dir", "Valid",
  };
  size_t len = 0;
  if (outlen)
    out[0] = '\0';
  for (size_t i = 0; i < NRULES(order); i++) {
    uint32_t bit = consensus_flag_from_name(order[i]);
    if (!(flags & bit))
      continue;
    int n = snprintf(out + len, outlen - len, "%s%s", len ? " " : "", order[i]);
    if (n < 0 || (size_t)n >= outlen - len)
      break;
    len += (size_t)n;
  }
  return len;
}

uint32_t
consensus_flag_from_name(const char *name)
{
  for (size_t i = 0; i < NRULES(flag_names); i++)
    if (!strcmp(flag_names[i].name, name))
      return flag_names[i].bit;
  return 0;
}

/* Parsing context. */
typedef struct parse_ctx_t {
  const char *doc;
  const dir_tokens_t *t;
  consensus_t *c;
  char *err;
  size_t errlen;
} parse_ctx_t;

static int fail(parse_ctx_t *p, const dir_token_t *tok, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static int
fail(parse_ctx_t *p, const dir_token_t *tok, const char *fmt, ...)
{
  char why[160];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof(why), fmt, ap);
  va_end(ap);
  if (tok)
    snprintf(p->err, p->errlen, "line %u: %s", tok->line, why);
  else
    snprintf(p->err, p->errlen, "%s", why);
  return -1;
}

/* The arguments of tok joined by single spaces, as a new string. */
static char *
join_args(const dir_token_t *tok)
{
  size_t n = 1;
  char *s, *w;
  for (size_t i = 0; i < tok->n_args; i++)
    n += strlen(tok->args[i]) + 1;
  if (!(s = malloc(n)))
    return NULL;
  w = s;
  for (size_t i = 0; i < tok->n_args; i++) {
    size_t k = strlen(tok->args[i]);
    if (i)
      *w++ = ' ';
    memcpy(w, tok->args[i], k);
    w += k;
  }
  *w = '\0';
  return s;
}

static const dir_token_t *
find_tok(const parse_ctx_t *p, size_t first, size_t end, int id)
{
  size_t i = dir_tokens_find(p->t, first, end, id);
  return i < end ? &p->t->tok[i] : NULL;
}

static int
parse_time_tok(parse_ctx_t *p, size_t end, int id, time_t *out)
{
  const dir_token_t *tok = find_tok(p, 0, end, id);
  if (dir_parse_time(tok->args[0], tok->args[1], out) < 0)
    return fail(p, tok, "bad time in %s", tok->keyword);
  return 0;
}

/* Parses "key=int32" entries (params, bandwidth-weights). Malformed
 * entries are skipped with a log line, as one bad parameter should not
 * make the whole consensus unusable. */
static int
parse_kv_list(parse_ctx_t *p, const dir_token_t *tok, consensus_param_t **out,
              size_t *n_out)
{
  consensus_param_t *v;
  size_t n = 0;
  if (!tok)
    return 0;
  if (!(v = calloc(tok->n_args + 1, sizeof(*v))))
    return fail(p, tok, "out of memory");
  for (size_t i = 0; i < tok->n_args; i++) {
    const char *eq = strchr(tok->args[i], '=');
    long long val;
    size_t klen = eq ? (size_t)(eq - tok->args[i]) : 0;
    if (!eq || klen == 0 || klen >= sizeof(v[n].name) ||
        dir_parse_int(eq + 1, INT32_MIN, INT32_MAX, &val) < 0) {
      log_protocol_warn(LD_DIR, "Ignoring malformed entry \"%s\" in %s of "
                        "consensus", tok->args[i], tok->keyword);
      continue;
    }
    memcpy(v[n].name, tok->args[i], klen);
    v[n].name[klen] = '\0';
    v[n].value = (int32_t)val;
    n++;
  }
  *out = v;
  *n_out = n;
  return 0;
}

static int
parse_srv(parse_ctx_t *p, const dir_token_t *tok, consensus_srv_t *srv)
{
  long long n;
  if (!tok)
    return 0;
  if (dir_parse_int(tok->args[0], 0, UINT32_MAX, &n) < 0 ||
      dir_parse_base64_exact(tok->args[1], srv->value, DIGEST256_LEN) < 0)
    return fail(p, tok, "bad %s", tok->keyword);
  srv->num_reveals = (unsigned)n;
  srv->present = 1;
  return 0;
}

static int
parse_protocols(parse_ctx_t *p, const dir_token_t *tok, char **str,
                protover_set_t **set)
{
  char why[96];
  if (tok && !(*str = join_args(tok)))
    return fail(p, tok, "out of memory");
  *set = protover_set_parse(*str ? *str : "", *str ? strlen(*str) : 0, why,
                            sizeof(why));
  if (!*set)
    return fail(p, tok, "bad %s: %s", tok ? tok->keyword : "protocols", why);
  return 0;
}

static int
parse_preamble(parse_ctx_t *p, size_t end)
{
  consensus_t *c = p->c;
  const dir_token_t *tok = &p->t->tok[0];
  long long v1, v2;
  if (strcmp(tok->args[0], "3") || tok->n_args < 2 ||
      strcmp(tok->args[1], "microdesc"))
    return fail(p, tok, "not a version 3 microdesc consensus");
  tok = find_tok(p, 0, end, K_VOTE_STATUS);
  if (strcmp(tok->args[0], "consensus"))
    return fail(p, tok, "vote-status is not consensus");
  c->consensus_method = 1;
  if ((tok = find_tok(p, 0, end, K_METHOD)) &&
      dir_parse_int(tok->args[0], 1, INT32_MAX, &v1) == 0)
    c->consensus_method = (int)v1;
  else if (tok)
    return fail(p, tok, "bad consensus-method");
  if (parse_time_tok(p, end, K_VALID_AFTER, &c->valid_after) < 0 ||
      parse_time_tok(p, end, K_FRESH_UNTIL, &c->fresh_until) < 0 ||
      parse_time_tok(p, end, K_VALID_UNTIL, &c->valid_until) < 0)
    return -1;
  if (c->valid_after > c->fresh_until || c->fresh_until > c->valid_until)
    return fail(p, NULL, "valid-after, fresh-until, valid-until out of order");
  tok = find_tok(p, 0, end, K_VOTING_DELAY);
  if (dir_parse_int(tok->args[0], 1, INT32_MAX, &v1) < 0 ||
      dir_parse_int(tok->args[1], 1, INT32_MAX, &v2) < 0)
    return fail(p, tok, "bad voting-delay");
  c->vote_seconds = (int)v1;
  c->dist_seconds = (int)v2;
  if (((tok = find_tok(p, 0, end, K_CLIENT_VERSIONS)) &&
       !(c->client_versions = join_args(tok))) ||
      ((tok = find_tok(p, 0, end, K_SERVER_VERSIONS)) &&
       !(c->server_versions = join_args(tok))) ||
      !(c->known_flags = join_args(find_tok(p, 0, end, K_KNOWN_FLAGS))))
    return fail(p, NULL, "out of memory");
  if (parse_protocols(p, find_tok(p, 0, end, K_REC_CLIENT),
                      &c->recommended_client_protocols,
                      &c->recommended_client) < 0 ||
      parse_protocols(p, find_tok(p, 0, end, K_REC_RELAY),
                      &c->recommended_relay_protocols,
                      &c->recommended_relay) < 0 ||
      parse_protocols(p, find_tok(p, 0, end, K_REQ_CLIENT),
                      &c->required_client_protocols, &c->required_client) < 0 ||
      parse_protocols(p, find_tok(p, 0, end, K_REQ_RELAY),
                      &c->required_relay_protocols, &c->required_relay) < 0)
    return -1;
  if (parse_kv_list(p, find_tok(p, 0, end, K_PARAMS), &c->params,
                    &c->n_params) < 0 ||
      parse_srv(p, find_tok(p, 0, end, K_SRV_PREV), &c->srv_previous) < 0 ||
      parse_srv(p, find_tok(p, 0, end, K_SRV_CUR), &c->srv_current) < 0)
    return -1;
  return 0;
}

static int
parse_port(const char *s, int allow_zero, uint16_t *out)
{
  long long v;
  if (dir_parse_int(s, allow_zero ? 0 : 1, 65535, &v) < 0)
    return -1;
  *out = (uint16_t)v;
  return 0;
}

static int
parse_ipv4(const char *s, uint32_t *out)
{
  struct in_addr a;
  if (inet_pton(AF_INET, s, &a) != 1)
    return -1;
  *out = ntohl(a.s_addr);
  return 0;
}

static int
parse_dir_source(parse_ctx_t *p, size_t first, size_t end,
                 consensus_dir_source_t *ds)
{
  const dir_token_t *tok = &p->t->tok[first];
  size_t nlen = strlen(tok->args[0]);
  if (nlen >= sizeof(ds->nickname) ||
      dir_parse_hex_digest(tok->args[1], ds->identity) < 0 ||
      strlen(tok->args[2]) >= sizeof(ds->address) ||
      parse_ipv4(tok->args[3], &ds->ipv4) < 0 ||
      parse_port(tok->args[4], 1, &ds->dir_port) < 0 ||
      parse_port(tok->args[5], 1, &ds->or_port) < 0)
    return fail(p, tok, "bad dir-source");
  memcpy(ds->nickname, tok->args[0], nlen + 1);
  strcpy(ds->address, tok->args[2]);
  ds->is_legacy = nlen > 7 && !strcmp(tok->args[0] + nlen - 7, "-legacy");
  if ((tok = find_tok(p, first, end, K_CONTACT))) {
    char *s = join_args(tok);
    if (!s)
      return fail(p, tok, "out of memory");
    snprintf(ds->contact, sizeof(ds->contact), "%s", s);
    free(s);
  } else if (!ds->is_legacy) {
    return fail(p, &p->t->tok[first], "dir-source without contact");
  }
  if ((tok = find_tok(p, first, end, K_VOTE_DIGEST))) {
    if (dir_parse_hex_digest(tok->args[0], ds->vote_digest) < 0)
      return fail(p, tok, "bad vote-digest");
  } else if (!ds->is_legacy) {
    return fail(p, &p->t->tok[first], "dir-source without vote-digest");
  }
  return 0;
}

/* Index of the interned copy of s, adding it if new. */
static int
intern(parse_ctx_t *p, const char *s, int with_protover, size_t *idx)
{
  consensus_t *c = p->c;
  char **strs;
  protover_set_t **sets;
  for (size_t i = c->n_interned_; i-- > 0;)
    if (!strcmp(c->interned_[i], s) &&
        (!with_protover || c->interned_sets_[i])) {
      *idx = i;
      return 0;
    }
  strs = realloc(c->interned_, (c->n_interned_ + 1) * sizeof(*strs));
  if (!strs)
    return -1;
  c->interned_ = strs;
  sets = realloc(c->interned_sets_, (c->n_interned_ + 1) * sizeof(*sets));
  if (!sets)
    return -1;
  c->interned_sets_ = sets;
  if (!(strs[c->n_interned_] = strdup(s)))
    return -1;
  sets[c->n_interned_] = NULL;
  if (with_protover &&
      !(sets[c->n_interned_] = protover_set_parse(s, strlen(s), NULL, 0))) {
    free(strs[c->n_interned_]);
    return -2;
  }
  *idx = c->n_interned_++;
  return 0;
}

static int
parse_r_line(parse_ctx_t *p, const dir_token_t *tok, consensus_router_t *r)
{
  size_t nlen = strlen(tok->args[0]);
  if (nlen == 0 || nlen > CONSENSUS_NICKNAME_MAX)
    return fail(p, tok, "bad nickname");
  memcpy(r->nickname, tok->args[0], nlen + 1);
  if (dir_parse_base64_exact(tok->args[1], r->identity, DIGEST_LEN) < 0)
    return fail(p, tok, "bad identity in r line");
  if (dir_parse_time(tok->args[2], tok->args[3], &r->published) < 0)
    return fail(p, tok, "bad publication time in r line");
  if (parse_ipv4(tok->args[4], &r->ipv4) < 0 ||
      parse_port(tok->args[5], 0, &r->or_port) < 0 || r->or_port == 0 ||
      parse_port(tok->args[6], 1, &r->dir_port) < 0)
    return fail(p, tok, "bad address or port in r line");
  return 0;
}

/* "a [IPv6]:port": keep the first IPv6 address; ignore others. */
static void
parse_a_line(const dir_token_t *tok, consensus_router_t *r)
{
  const char *s = tok->args[0], *close = strchr(s, ']');
  char addr[64];
  struct in6_addr a6;
  if (r->has_ipv6 || s[0] != '[' || !close || close[1] != ':' ||
      (size_t)(close - s - 1) >= sizeof(addr))
    return;
  memcpy(addr, s + 1, (size_t)(close - s - 1));
  addr[close - s - 1] = '\0';
  if (inet_pton(AF_INET6, addr, &a6) != 1 ||
      parse_port(close + 2, 0, &r->ipv6_port) < 0)
    return;
  memcpy(r->ipv6, &a6, 16);
  r->has_ipv6 = 1;
}

static int
parse_w_line(parse_ctx_t *p, const dir_token_t *tok, consensus_router_t *r)
{
  for (size_t i = 0; i < tok->n_args; i++) {
    long long v;
    if (!strncmp(tok->args[i], "Bandwidth=", 10)) {
      if (dir_parse_int(tok->args[i] + 10, 0, UINT32_MAX, &v) < 0)
        return fail(p, tok, "bad Bandwidth=");
      r->bandwidth = (uint32_t)v;
      r->has_bandwidth = 1;
    } else if (!strcmp(tok->args[i], "Unmeasured=1")) {
      r->bandwidth_unmeasured = 1;
    }
  }
  return 0;
}

/* Joins the arguments of a "v" or "pr" token and interns them. */
static int
intern_tok(parse_ctx_t *p, const dir_token_t *tok, int with_protover,
           size_t *idx)
{
  char *s = join_args(tok);
  int r;
  if (!s)
    return fail(p, tok, "out of memory");
  r = intern(p, s, with_protover, idx);
  free(s);
  if (r == -2)
    return fail(p, tok, "bad protocol list in %s", tok->keyword);
  if (r < 0)
    return fail(p, tok, "out of memory");
  return 0;
}

static int
parse_router(parse_ctx_t *p, size_t first, size_t end, consensus_router_t *r,
             size_t *v_idx, size_t *pr_idx)
{
  const dir_token_t *tok;
  *v_idx = *pr_idx = SIZE_MAX;
  if (parse_r_line(p, &p->t->tok[first], r) < 0)
    return -1;
  for (size_t i = first + 1; i < end; i++)
    if (p->t->tok[i].id == K_A)
      parse_a_line(&p->t->tok[i], r);
  tok = find_tok(p, first, end, K_M);
  if (dir_parse_base64_exact(tok->args[0], r->md_digest, DIGEST256_LEN) < 0)
    return fail(p, tok, "bad microdescriptor digest in m line");
  r->has_md_digest = 1;
  tok = find_tok(p, first, end, K_S);
  for (size_t i = 0; i < tok->n_args; i++)
    r->flags |= consensus_flag_from_name(tok->args[i]);
  if ((tok = find_tok(p, first, end, K_W)) && parse_w_line(p, tok, r) < 0)
    return -1;
  if ((tok = find_tok(p, first, end, K_V)) &&
      intern_tok(p, tok, 0, v_idx) < 0)
    return -1;
  if ((tok = find_tok(p, first, end, K_PR)) &&
      intern_tok(p, tok, 1, pr_idx) < 0)
    return -1;
  return 0;
}

/* Calls fn on each group [i, next) that starts with a token of id start_id
 * within [first, end). */
static size_t
count_groups(const dir_tokens_t *t, size_t first, size_t end, int start_id)
{
  size_t n = 0;
  for (size_t i = first; i < end; i++)
    n += t->tok[i].id == start_id;
  return n;
}

static int
parse_authorities(parse_ctx_t *p, size_t first, size_t end)
{
  consensus_t *c = p->c;
  size_t n = count_groups(p->t, first, end, K_DIR_SOURCE), k = 0;
  if (!n)
    return fail(p, NULL, "no dir-source entries");
  if (!(c->dir_sources = calloc(n, sizeof(*c->dir_sources))))
    return fail(p, NULL, "out of memory");
  for (size_t i = first; i < end; k++) {
    size_t next = dir_tokens_find(p->t, i + 1, end, K_DIR_SOURCE);
    if (dir_tokens_check_section(p->t, i, next, authority_rules,
                                 NRULES(authority_rules), p->err,
                                 p->errlen) < 0 ||
        parse_dir_source(p, i, next, &c->dir_sources[k]) < 0)
      return -1;
    c->n_dir_sources++;
    i = next;
  }
  return 0;
}

static int
parse_routers(parse_ctx_t *p, size_t first, size_t end)
{
  consensus_t *c = p->c;
  size_t n = count_groups(p->t, first, end, K_R), k = 0;
  size_t *v_idx = NULL, *pr_idx = NULL;
  int r = -1;
  if (n && (!(c->routers = calloc(n, sizeof(*c->routers))) ||
            !(v_idx = calloc(n, sizeof(size_t))) ||
            !(pr_idx = calloc(n, sizeof(size_t)))))
    goto out;
  for (size_t i = first; i < end; k++) {
    size_t next = dir_tokens_find(p->t, i + 1, end, K_R);
    if (dir_tokens_check_section(p->t, i, next, router_rules,
                                 NRULES(router_rules), p->err,
                                 p->errlen) < 0 ||
        parse_router(p, i, next, &c->routers[k], &v_idx[k], &pr_idx[k]) < 0)
      goto out;
    if (k && memcmp(c->routers[k - 1].identity, c->routers[k].identity,
                    DIGEST_LEN) >= 0) {
      fail(p, &p->t->tok[i], "router entries not sorted by identity");
      goto out;
    }
    c->n_routers++;
    i = next;
  }
  /* The intern arrays are final now: point routers into them. */
  for (k = 0; k < c->n_routers; k++) {
    if (v_idx[k] != SIZE_MAX)
      c->routers[k].version = c->interned_[v_idx[k]];
    if (pr_idx[k] != SIZE_MAX) {
      c->routers[k].protocols_str = c->interned_[pr_idx[k]];
      c->routers[k].protocols = c->interned_sets_[pr_idx[k]];
    }
  }
  r = 0;
 out:
  if (r < 0 && !p->err[0])
    fail(p, NULL, "out of memory");
  free(v_idx);
  free(pr_idx);
  return r;
}

static int
parse_signature(parse_ctx_t *p, const dir_token_t *tok,
                consensus_signature_t *sig)
{
  size_t a = 0;
  if (tok->n_args >= 3) {
    a = 1;
    if (!strcmp(tok->args[0], "sha256")) {
      sig->alg = DIGEST_SHA256;
      sig->alg_known = 1;
    } else if (!strcmp(tok->args[0], "sha1")) {
      sig->alg = DIGEST_SHA1;
      sig->alg_known = 1;
    }
  } else {
    sig->alg = DIGEST_SHA1;
    sig->alg_known = 1;
  }
  if (dir_parse_hex_digest(tok->args[a], sig->identity) < 0 ||
      dir_parse_hex_digest(tok->args[a + 1], sig->signing_key_digest) < 0)
    return fail(p, tok, "bad digest in directory-signature");
  if (!(sig->sig = malloc(tok->object_len + 1)))
    return fail(p, tok, "out of memory");
  memcpy(sig->sig, tok->object, tok->object_len);
  sig->sig_len = tok->object_len;
  return 0;
}

static int
parse_footer(parse_ctx_t *p, size_t first)
{
  consensus_t *c = p->c;
  const dir_tokens_t *t = p->t;
  size_t sig0 = dir_tokens_find(t, first, t->n, K_SIGNATURE), k = 0;
  const char *hashed = p->doc + t->tok[0].start;
  size_t hashed_len;
  if (dir_tokens_check_section(t, first, t->n, footer_rules,
                               NRULES(footer_rules), p->err, p->errlen) < 0)
    return -1;
  if (parse_kv_list(p, find_tok(p, first, sig0, K_BW_WEIGHTS),
                    &c->bw_weights, &c->n_bw_weights) < 0)
    return -1;
  /* Signatures come last: nothing unsigned may follow the first one. */
  for (size_t i = sig0; i < t->n; i++)
    if (t->tok[i].id != K_SIGNATURE)
      return fail(p, &t->tok[i], "%s after directory-signature",
                  t->tok[i].keyword);
  if (!(c->sigs = calloc(t->n - sig0, sizeof(*c->sigs))))
    return fail(p, NULL, "out of memory");
  for (size_t i = sig0; i < t->n; i++, k++) {
    if (parse_signature(p, &t->tok[i], &c->sigs[k]) < 0)
      return -1;
    c->n_sigs++;
  }
  /* Through the space after the first "directory-signature". */
  hashed_len = t->tok[sig0].start + strlen("directory-signature ") -
               t->tok[0].start;
  if (crypto_digest_sha1(c->digest_sha1, hashed, hashed_len) < 0 ||
      crypto_digest_sha256(c->digest_sha256, hashed, hashed_len) < 0)
    return fail(p, NULL, "digest failed");
  return 0;
}

static int
parse_document(parse_ctx_t *p)
{
  const dir_tokens_t *t = p->t;
  size_t auth0, r0, footer;
  if (!t->n || t->tok[0].id != K_NS_VERSION)
    return fail(p, NULL, "does not start with network-status-version");
  auth0 = dir_tokens_find(t, 0, t->n, K_DIR_SOURCE);
  r0 = dir_tokens_find(t, auth0, t->n, K_R);
  footer = dir_tokens_find(t, r0, t->n, K_FOOTER);
  if (footer == t->n)
    return fail(p, NULL, "no directory-footer");
  if (r0 > footer)
    r0 = footer;
  /* Items of one section showing up in another are caught by counts:
   * dir-source/r/footer keywords split sections, so each may be checked
   * for the keywords it must not contain. */
  if (dir_tokens_find(t, r0, footer, K_DIR_SOURCE) != footer ||
      dir_tokens_find(t, footer, t->n, K_R) != t->n ||
      dir_tokens_find(t, footer, t->n, K_DIR_SOURCE) != t->n)
    return fail(p, NULL, "sections out of order");
  if (dir_tokens_check_section(t, 0, auth0, preamble_rules,
                               NRULES(preamble_rules), p->err, p->errlen) < 0)
    return -1;
  if (parse_preamble(p, auth0) < 0 ||
      parse_authorities(p, auth0, r0) < 0 ||
      parse_routers(p, r0, footer) < 0 ||
      parse_footer(p, footer) < 0)
    return -1;
  return 0;
}

consensus_t *
consensus_parse(const char *doc, size_t len, char *err, size_t errlen)
{
  char why[200] = "";
  parse_ctx_t p;
  consensus_t *c;
  dir_tokens_t *t = dir_tokenize(doc, len, token_rules, N_TOKEN_RULES, why,
                                 sizeof(why));
  if (!t) {
    snprintf(err, errlen, "%s", why);
    return NULL;
  }
  if (!(c = calloc(1, sizeof(*c)))) {
    dir_tokens_free(t);
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  p.doc = doc;
  p.t = t;
  p.c = c;
  p.err = why;
  p.errlen = sizeof(why);
  if (parse_document(&p) < 0) {
    snprintf(err, errlen, "%s", why);
    consensus_free(c);
    c = NULL;
  }
  dir_tokens_free(t);
  return c;
}

void
consensus_free(consensus_t *c)
{
  if (!c)
    return;
  free(c->client_versions);
  free(c->server_versions);
  free(c->known_flags);
  free(c->recommended_client_protocols);
  free(c->required_client_protocols);
  free(c->recommended_relay_protocols);
  free(c->required_relay_protocols);
  protover_set_free(c->recommended_client);
  protover_set_free(c->required_client);
  protover_set_free(c->recommended_relay);
  protover_set_free(c->required_relay);
  free(c->params);
  free(c->dir_sources);
  free(c->routers);
  free(c->bw_weights);
  for (size_t i = 0; i < c->n_sigs; i++)
    free(c->sigs[i].sig);
  free(c->sigs);
  for (size_t i = 0; i < c->n_interned_; i++) {
    free(c->interned_[i]);
    protover_set_free(c->interned_sets_[i]);
  }
  free(c->interned_);
  free(c->interned_sets_);
  free(c);
}

static const consensus_param_t *
find_kv(const consensus_param_t *v, size_t n, const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (!strcmp(v[i].name, name))
      return &v[i];
  return NULL;
}

int32_t
consensus_get_param(const consensus_t *c, const char *name, int32_t dflt,
                    int32_t min, int32_t max)
{
  const consensus_param_t *p = c ? find_kv(c->params, c->n_params, name)
                                 : NULL;
  int32_t v = p ? p->value : dflt;
  if (v < min)
    v = min;
  if (v > max)
    v = max;
  return v;
}

int32_t
consensus_get_bw_weight(const consensus_t *c, const char *name, int32_t dflt)
{
  const consensus_param_t *p = c ? find_kv(c->bw_weights, c->n_bw_weights,
                                           name) : NULL;
  return p ? p->value : dflt;
}

const consensus_router_t *
consensus_find_router(const consensus_t *c, const uint8_t id[DIGEST_LEN])
{
  size_t lo = 0, hi = c->n_routers;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int cmp = memcmp(c->routers[mid].identity, id, DIGEST_LEN);
    if (!cmp)
      return &c->routers[mid];
    if (cmp < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

/* Index of id among the listed authorities, or -1. */
static int
auth_index(const uint8_t (*v3idents)[DIGEST_LEN], size_t n,
           const uint8_t id[DIGEST_LEN])
{
  for (size_t i = 0; i < n; i++)
    if (!memcmp(v3idents[i], id, DIGEST_LEN))
      return (int)i;
  return -1;
}

int
consensus_check_signatures(const consensus_t *c, const authcert_list_t *certs,
                           const uint8_t (*v3idents)[DIGEST_LEN],
                           size_t n_auths, consensus_sig_status_t *st_out)
{
  consensus_sig_status_t st;
  unsigned char *counted = calloc(n_auths + 1, 1);
  memset(&st, 0, sizeof(st));
  st.n_needed = (int)(n_auths / 2 + 1);
  if (!counted)
    return -1;
  for (size_t i = 0; i < c->n_sigs; i++) {
    const consensus_signature_t *s = &c->sigs[i];
    const authcert_t *cert;
    const uint8_t *digest;
    size_t dlen;
    int a;
    if (!s->alg_known)
      continue;
    if ((a = auth_index(v3idents, n_auths, s->identity)) < 0) {
      st.n_unlisted++;
      continue;
    }
    if (!(cert = authcert_list_find(certs, s->identity,
                                    s->signing_key_digest))) {
      st.n_no_cert++;
      continue;
    }
    digest = s->alg == DIGEST_SHA256 ? c->digest_sha256 : c->digest_sha1;
    dlen = s->alg == DIGEST_SHA256 ? DIGEST256_LEN : DIGEST_LEN;
    if (crypto_rsa_verify_raw(cert->signing_key, s->sig, s->sig_len, digest,
                              dlen) < 0) {
      log_protocol_warn(LD_DIR, "Bad consensus signature from authority "
                        "%d in our list", a);
      st.n_bad++;
      continue;
    }
    if (counted[a])
      continue;
    counted[a] = 1;
    if (st.n_good < 16)
      memcpy(st.good_ids[st.n_good], s->identity, DIGEST_LEN);
    st.n_good++;
  }
  free(counted);
  if (st_out)
    *st_out = st;
  return st.n_good >= st.n_needed ? 0 : -1;
}

consensus_time_t
consensus_check_time(const consensus_t *c, time_t now)
{
  if (now < c->valid_after - CONSENSUS_REASONABLY_LIVE_TIME)
    return CONSENSUS_TIME_TOO_NEW;
  if (now > c->valid_until + CONSENSUS_REASONABLY_LIVE_TIME)
    return CONSENSUS_TIME_TOO_OLD;
  if (now >= c->valid_after && now <= c->valid_until)
    return CONSENSUS_TIME_LIVE;
  return CONSENSUS_TIME_REASONABLY_LIVE;
}
