/* Directory document tokenizer: see dirtoken.h. */
#include "orconfig.h"
#include "feature/dirparse/dirtoken.h"

#include "lib/encoding/base16.h"
#include "lib/encoding/base64.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OBJ_BEGIN "-----BEGIN "
#define OBJ_END "-----END "
#define OBJ_TAIL "-----"
#define OBJ_TYPE_MAX 64

static void seterr(char *err, size_t errlen, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
  va_list ap;
  if (!err || !errlen)
    return;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

/* Tokenizer state while scanning one document. */
typedef struct tokenizer_t {
  const char *doc;
  size_t len, pos;
  unsigned line;
  dir_tokens_t *out;
  size_t tok_cap, argv_cap, argv_n;
  size_t str_used, obj_used;
  const dir_token_rule_t *rules;
  size_t n_rules;
  char *err;
  size_t errlen;
} tokenizer_t;

static int
is_keyword_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-';
}

static int
is_space(char c)
{
  return c == ' ' || c == '\t';
}

/* Copies n bytes into the string store as a NUL-terminated string. The
 * store holds len+1 bytes, which is enough: every copied byte comes from a
 * distinct document byte and every NUL replaces a separator or newline. */
static const char *
store_str(tokenizer_t *tz, const char *s, size_t n)
{
  char *dst = tz->out->strbuf_ + tz->str_used;
  memcpy(dst, s, n);
  dst[n] = '\0';
  tz->str_used += n + 1;
  return dst;
}

static int
push_arg(tokenizer_t *tz, const char *s)
{
  if (tz->argv_n == tz->argv_cap) {
    size_t cap = tz->argv_cap ? tz->argv_cap * 2 : 64;
    const char **p = realloc(tz->out->argv_, cap * sizeof(*p));
    if (!p)
      return -1;
    tz->out->argv_ = p;
    tz->argv_cap = cap;
  }
  tz->out->argv_[tz->argv_n++] = s;
  return 0;
}

static dir_token_t *
push_token(tokenizer_t *tz)
{
  dir_tokens_t *t = tz->out;
  if (t->n == tz->tok_cap) {
    size_t cap = tz->tok_cap ? tz->tok_cap * 2 : 32;
    dir_token_t *p = realloc(t->tok, cap * sizeof(*p));
    if (!p)
      return NULL;
    t->tok = p;
    tz->tok_cap = cap;
  }
  memset(&t->tok[t->n], 0, sizeof(dir_token_t));
  return &t->tok[t->n++];
}

static const dir_token_rule_t *
find_rule(const tokenizer_t *tz, const char *kw)
{
  for (size_t i = 0; i < tz->n_rules; i++)
    if (!strcmp(tz->rules[i].keyword, kw))
      return &tz->rules[i];
  return NULL;
}

/* Splits the keyword line [p, p+n) into keyword and arguments. */
static int
split_keyword_line(tokenizer_t *tz, dir_token_t *tok, const char *p, size_t n)
{
  size_t i = 0, kwlen;
  if (memchr(p, '\0', n)) {
    seterr(tz->err, tz->errlen, "line %u: NUL byte", tz->line);
    return -1;
  }
  if (p[0] == '@')
    i = 1; /* annotation */
  else if (!is_keyword_char(p[0]) || p[0] == '-') {
    seterr(tz->err, tz->errlen, "line %u: no keyword", tz->line);
    return -1;
  }
  while (i < n && !is_space(p[i])) {
    if (!is_keyword_char(p[i])) {
      seterr(tz->err, tz->errlen, "line %u: bad character in keyword",
             tz->line);
      return -1;
    }
    i++;
  }
  kwlen = i;
  if (kwlen == 0 || (kwlen == 1 && p[0] == '@')) {
    seterr(tz->err, tz->errlen, "line %u: empty keyword", tz->line);
    return -1;
  }
  tok->keyword = store_str(tz, p, kwlen);
  tok->arg0_ = tz->argv_n;
  while (i < n) {
    size_t start;
    while (i < n && is_space(p[i]))
      i++;
    if (i == n)
      break;
    start = i;
    while (i < n && !is_space(p[i]))
      i++;
    if (push_arg(tz, store_str(tz, p + start, i - start)) < 0) {
      seterr(tz->err, tz->errlen, "out of memory");
      return -1;
    }
    tok->n_args++;
  }
  return 0;
}

/* The line starting at pos, without its newline: sets *n. -1 if the
 * document ends without a newline. */
static int
line_at(const tokenizer_t *tz, size_t pos, size_t *n)
{
  const char *nl = memchr(tz->doc + pos, '\n', tz->len - pos);
  if (!nl)
    return -1;
  *n = (size_t)(nl - (tz->doc + pos));
  return 0;
}

static int
starts_with(const char *p, size_t n, const char *prefix)
{
  size_t k = strlen(prefix);
  return n >= k && !memcmp(p, prefix, k);
}

/* Parses the object starting at tz->pos (a "-----BEGIN " line). */
static int
read_object(tokenizer_t *tz, dir_token_t *tok)
{
  const char *p = tz->doc + tz->pos, *type, *body;
  size_t n, typelen, bodylen, body_start, cap;
  int dec;
  if (line_at(tz, tz->pos, &n) < 0 || n < strlen(OBJ_BEGIN OBJ_TAIL) + 1 ||
      memcmp(p + n - strlen(OBJ_TAIL), OBJ_TAIL, strlen(OBJ_TAIL))) {
    seterr(tz->err, tz->errlen, "line %u: malformed object BEGIN line",
           tz->line);
    return -1;
  }
  type = p + strlen(OBJ_BEGIN);
  typelen = n - strlen(OBJ_BEGIN) - strlen(OBJ_TAIL);
  if (typelen > OBJ_TYPE_MAX || memchr(type, '-', typelen)) {
    seterr(tz->err, tz->errlen, "line %u: bad object type", tz->line);
    return -1;
  }
  tok->object_type = store_str(tz, type, typelen);
  tz->pos += n + 1;
  tz->line++;
  body_start = tz->pos;
  for (;;) {
    if (tz->pos >= tz->len || line_at(tz, tz->pos, &n) < 0) {
      seterr(tz->err, tz->errlen, "line %u: object without END line",
             tz->line);
      return -1;
    }
    p = tz->doc + tz->pos;
    if (starts_with(p, n, "-----"))
      break;
    tz->pos += n + 1;
    tz->line++;
  }
  body = tz->doc + body_start;
  bodylen = tz->pos - body_start;
  if (n != strlen(OBJ_END) + typelen + strlen(OBJ_TAIL) ||
      !starts_with(p, n, OBJ_END) ||
      memcmp(p + strlen(OBJ_END), type, typelen) ||
      memcmp(p + n - strlen(OBJ_TAIL), OBJ_TAIL, strlen(OBJ_TAIL))) {
    seterr(tz->err, tz->errlen, "line %u: object END line does not match",
           tz->line);
    return -1;
  }
  tz->pos += n + 1;
  tz->line++;
  cap = tz->len - tz->obj_used;
  if (bodylen > 2 * DIR_OBJECT_MAX_LEN) { /* base64 + newlines < 1.4x */
    seterr(tz->err, tz->errlen, "line %u: object too large", tz->line);
    return -1;
  }
  dec = base64_decode(tz->out->objs_ + tz->obj_used, cap, body, bodylen);
  if (dec < 0 || dec > DIR_OBJECT_MAX_LEN) {
    seterr(tz->err, tz->errlen, "line %u: bad base64 in object", tz->line);
    return -1;
  }
  tok->object = tz->out->objs_ + tz->obj_used;
  tok->object_len = (size_t)dec;
  tz->obj_used += (size_t)dec;
  return 0;
}

static int
check_token_rule(tokenizer_t *tz, dir_token_t *tok)
{
  const dir_token_rule_t *r = find_rule(tz, tok->keyword);
  if (!r) {
    tok->id = DIR_KW_UNKNOWN;
    return 0;
  }
  tok->id = r->id;
  if (tok->n_args < r->min_args ||
      (r->max_args != DIR_ARGS_ANY && tok->n_args > r->max_args)) {
    seterr(tz->err, tz->errlen, "line %u: wrong number of arguments to %s",
           tok->line, tok->keyword);
    return -1;
  }
  if (r->obj == DIR_OBJ_NONE && tok->object_type) {
    seterr(tz->err, tz->errlen, "line %u: unexpected object after %s",
           tok->line, tok->keyword);
    return -1;
  }
  if (r->obj == DIR_OBJ_REQUIRED && !tok->object_type) {
    seterr(tz->err, tz->errlen, "line %u: missing object after %s",
           tok->line, tok->keyword);
    return -1;
  }
  if (tok->object_type && r->obj_type &&
      strcmp(tok->object_type, r->obj_type)) {
    seterr(tz->err, tz->errlen, "line %u: object after %s is %s, not %s",
           tok->line, tok->keyword, tok->object_type, r->obj_type);
    return -1;
  }
  return 0;
}

static int
tokenize_all(tokenizer_t *tz)
{
  while (tz->pos < tz->len) {
    size_t n;
    dir_token_t *tok;
    if (tz->doc[tz->pos] == '\n') { /* blank line */
      tz->pos++;
      tz->line++;
      continue;
    }
    if (line_at(tz, tz->pos, &n) < 0) {
      seterr(tz->err, tz->errlen, "line %u: no newline at end of document",
             tz->line);
      return -1;
    }
    if (!(tok = push_token(tz))) {
      seterr(tz->err, tz->errlen, "out of memory");
      return -1;
    }
    tok->start = tz->pos;
    tok->line = tz->line;
    if (split_keyword_line(tz, tok, tz->doc + tz->pos, n) < 0)
      return -1;
    tz->pos += n + 1;
    tz->line++;
    tok->line_end = tz->pos;
    if (tz->pos < tz->len &&
        starts_with(tz->doc + tz->pos, tz->len - tz->pos, OBJ_BEGIN) &&
        read_object(tz, tok) < 0)
      return -1;
    tok->end = tz->pos;
    if (check_token_rule(tz, tok) < 0)
      return -1;
  }
  return 0;
}

dir_tokens_t *
dir_tokenize(const char *doc, size_t len, const dir_token_rule_t *rules,
             size_t n_rules, char *err, size_t errlen)
{
  tokenizer_t tz;
  dir_tokens_t *t;
  if (!doc && len)
    return NULL;
  if (!(t = calloc(1, sizeof(*t))))
    return NULL;
  memset(&tz, 0, sizeof(tz));
  tz.doc = doc;
  tz.len = len;
  tz.line = 1;
  tz.out = t;
  tz.rules = rules;
  tz.n_rules = n_rules;
  tz.err = err;
  tz.errlen = errlen;
  t->strbuf_ = malloc(len + 1);
  t->objs_ = malloc(len + 1);
  if (!t->strbuf_ || !t->objs_) {
    seterr(err, errlen, "out of memory");
    dir_tokens_free(t);
    return NULL;
  }
  if (tokenize_all(&tz) < 0) {
    dir_tokens_free(t);
    return NULL;
  }
  /* The argv store may have moved while growing: set pointers now. */
  for (size_t i = 0; i < t->n; i++)
    t->tok[i].args = t->argv_ ? t->argv_ + t->tok[i].arg0_ : NULL;
  return t;
}

void
dir_tokens_free(dir_tokens_t *t)
{
  if (!t)
    return;
  free(t->tok);
  free(t->strbuf_);
  free(t->argv_);
  free(t->objs_);
  free(t);
}

int
dir_tokens_check_section(const dir_tokens_t *t, size_t first, size_t end,
                         const dir_token_rule_t *rules, size_t n_rules,
                         char *err, size_t errlen)
{
  if (first >= end || end > t->n) {
    seterr(err, errlen, "empty section");
    return -1;
  }
  for (size_t r = 0; r < n_rules; r++) {
    const dir_token_rule_t *rule = &rules[r];
    unsigned count = 0;
    for (size_t i = first; i < end; i++)
      if (t->tok[i].id == rule->id)
        count++;
    if (count < rule->min_count ||
        (rule->max_count != DIR_COUNT_ANY && count > rule->max_count)) {
      seterr(err, errlen, "%s appears %u times (line %u)", rule->keyword,
             count, t->tok[first].line);
      return -1;
    }
    if (count && (rule->where & DIR_AT_START) && t->tok[first].id != rule->id) {
      seterr(err, errlen, "%s is not at the start (line %u)", rule->keyword,
             t->tok[first].line);
      return -1;
    }
    if (count && (rule->where & DIR_AT_END) && t->tok[end - 1].id != rule->id) {
      seterr(err, errlen, "%s is not at the end (line %u)", rule->keyword,
             t->tok[end - 1].line);
      return -1;
    }
  }
  return 0;
}

size_t
dir_tokens_find(const dir_tokens_t *t, size_t from, size_t end, int id)
{
  for (size_t i = from; i < end; i++)
    if (t->tok[i].id == id)
      return i;
  return end;
}

static int
parse_fixed_digits(const char *s, size_t n, int *out)
{
  int v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

static int
is_leap(long y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
dir_parse_time(const char *date, const char *hms, time_t *out)
{
  static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int y, mo, d, h, mi, s;
  long long days = 0;
  if (strlen(date) != 10 || strlen(hms) != 8 || date[4] != '-' ||
      date[7] != '-' || hms[2] != ':' || hms[5] != ':')
    return -1;
  if (parse_fixed_digits(date, 4, &y) || parse_fixed_digits(date + 5, 2, &mo) ||
      parse_fixed_digits(date + 8, 2, &d) || parse_fixed_digits(hms, 2, &h) ||
      parse_fixed_digits(hms + 3, 2, &mi) || parse_fixed_digits(hms + 6, 2, &s))
    return -1;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60)
    return -1;
  if (d > mdays[mo - 1] + (mo == 2 && is_leap(y)))
    return -1;
  /* Days since the epoch, counted directly: no timegm or TZ involved. */
  for (int yy = 1970; yy < y; yy++)
    days += 365 + is_leap(yy);
  for (int m = 1; m < mo; m++)
    days += mdays[m - 1] + (m == 2 && is_leap(y));
  days += d - 1;
  *out = (time_t)(days * 86400 + h * 3600 + mi * 60 + s);
  return 0;
}

void
dir_format_time(char out[20], time_t t)
{
  struct tm tm;
  if (!gmtime_r(&t, &tm)) {
    strcpy(out, "1970-01-01 00:00:00");
    return;
  }
  snprintf(out, 20, "%04d-%02d-%02d %02d:%02d:%02d",
           (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
           tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100,
           tm.tm_sec % 100);
}

int
dir_parse_int(const char *s, long long min, long long max, long long *out)
{
  char *end;
  long long v;
  if (!*s || (s[0] != '-' && (s[0] < '0' || s[0] > '9')))
    return -1;
  errno = 0;
  v = strtoll(s, &end, 10);
  if (errno || *end || v < min || v > max)
    return -1;
  *out = v;
  return 0;
}

int
dir_parse_hex_digest(const char *s, uint8_t out[20])
{
  size_t n = strlen(s);
  if (n != 40)
    return -1;
  return base16_decode(out, 20, s, n) == 20 ? 0 : -1;
}

int
dir_parse_base64_exact(const char *s, uint8_t *out, size_t outlen)
{
  size_t n = strlen(s);
  uint8_t buf[128];
  int r;
  if (outlen > sizeof(buf) || base64_decoded_maxlen(n) > sizeof(buf) + 3)
    return -1;
  /* Decode into a buffer with room to spare, so that an input that is too
   * long is detected as such rather than as a short buffer. */
  r = base64_decode(buf, sizeof(buf), s, n);
  if (r < 0 || (size_t)r != outlen)
    return -1;
  memcpy(out, buf, outlen);
  return 0;
}
