/* The control protocol's framing and syntax (control-spec.txt §2): reading
 * commands, splitting arguments, QuotedStrings, and writing replies. */
#include "orconfig.h"
#include "core/proto/proto_control.h"

#include <event2/buffer.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CONTROL_MAX_ARGS 1024

/* ---- reading commands ---- */

/* Length of a line's content: the bytes before its LF, less one CR right
 * before the LF. */
static size_t
content_len(const uint8_t *line, size_t len_before_lf)
{
  if (len_before_lf && line[len_before_lf - 1] == '\r')
    return len_before_lf - 1;
  return len_before_lf;
}

static char *
dup_bytes(const uint8_t *p, size_t n)
{
  char *s = malloc(n + 1);
  if (!s)
    return NULL;
  if (n)
    memcpy(s, p, n);
  s[n] = '\0';
  return s;
}

control_read_status_t
control_read_command(const uint8_t *data, size_t len, size_t max_len,
                     control_cmd_t *out, size_t *consumed, const char **err)
{
  size_t limit = len < max_len ? len : max_len;
  const uint8_t *lf;
  size_t line1, c1, kstart, kend, astart, pos, body_start, end = 0;
  size_t body_len = 0;
  int is_data;

  memset(out, 0, sizeof(*out));
  *consumed = 0;
  *err = NULL;

  lf = limit ? memchr(data, '\n', limit) : NULL;
  if (!lf)
    goto incomplete;
  line1 = (size_t)(lf - data);
  c1 = content_len(data, line1);
  if (memchr(data, '\0', c1)) {
    *err = "NUL byte in command";
    return CONTROL_READ_BAD;
  }
  is_data = c1 > 0 && data[0] == '+';
  kstart = is_data ? 1 : 0;
  lf = memchr(data + kstart, ' ', c1 - kstart);
  kend = lf ? (size_t)(lf - data) : c1;
  if (kend - kstart > CONTROL_MAX_KEYWORD) {
    *err = "Keyword too long";
    return CONTROL_READ_BAD;
  }
  astart = kend;
  while (astart < c1 && data[astart] == ' ')
    astart++;

  body_start = pos = line1 + 1;
  if (is_data) {
    /* First pass: find the "." line, check the lines, size the body. */
    for (;;) {
      size_t ll, cl;
      lf = memchr(data + pos, '\n', limit - pos);
      if (!lf)
        goto incomplete;
      ll = (size_t)(lf - (data + pos));
      cl = content_len(data + pos, ll);
      if (cl == 1 && data[pos] == '.') {
        end = pos + ll + 1;
        break;
      }
      if (memchr(data + pos, '\0', cl)) {
        *err = "NUL byte in command data";
        return CONTROL_READ_BAD;
      }
      body_len += cl + 1 - (cl && data[pos] == '.' ? 1 : 0);
      pos += ll + 1;
    }
  } else {
    end = pos;
  }

  memcpy(out->keyword, data + kstart, kend - kstart);
  out->keyword[kend - kstart] = '\0';
  out->is_data = is_data;
  out->args_len = c1 - astart;
  out->args = dup_bytes(data + astart, out->args_len);
  if (!out->args)
    goto oom;
  if (is_data) {
    size_t w = 0;
    out->body = malloc(body_len + 1);
    if (!out->body)
      goto oom;
    /* Second pass: copy the lines, unstuffed, with LF line ends. */
    pos = body_start;
    while (pos < end) {
      const uint8_t *line = data + pos;
      const uint8_t *lf_at = memchr(line, '\n', end - pos);
      size_t ll = (size_t)(lf_at - line);
      size_t cl = content_len(line, ll);
      if (cl == 1 && line[0] == '.')
        break;
      if (cl && line[0] == '.') {
        line++;
        cl--;
        ll--;
      }
      memcpy(out->body + w, line, cl);
      w += cl;
      out->body[w++] = '\n';
      pos = (size_t)(line - data) + ll + 1;
    }
    out->body[w] = '\0';
    out->body_len = w;
  }
  *consumed = end;
  return CONTROL_READ_COMMAND;

 oom:
  control_cmd_clear(out);
  *err = "Out of memory";
  return CONTROL_READ_BAD;

 incomplete:
  if (len >= max_len) {
    *err = "Command too long";
    return CONTROL_READ_TOO_LONG;
  }
  return CONTROL_READ_NEED_MORE;
}

void
control_cmd_clear(control_cmd_t *cmd)
{
  if (!cmd)
    return;
  free(cmd->args);
  free(cmd->body);
  memset(cmd, 0, sizeof(*cmd));
}

/* ---- QuotedStrings ---- */

static int
hex_val(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

long
control_unquote(const char *s, size_t len, char **out, size_t *out_len)
{
  size_t i, w = 0, close = 0;
  char *v;

  *out = NULL;
  *out_len = 0;
  if (len < 2 || s[0] != '"')
    return -1;
  /* Find the closing quote first: the value is never longer than what
   * lies between the quotes. */
  for (i = 1; i < len; i++) {
    if (s[i] == '\\') {
      i++;
    } else if (s[i] == '"') {
      close = i;
      break;
    }
  }
  if (!close)
    return -1;
  v = malloc(close);
  if (!v)
    return -1;
  for (i = 1; i < close; i++) {
    char c = s[i];
    if (c != '\\') {
      v[w++] = c;
      continue;
    }
    c = s[++i]; /* i < close: the scan above skipped escaped bytes */
    switch (c) {
    case 'n': v[w++] = '\n'; break;
    case 'r': v[w++] = '\r'; break;
    case 't': v[w++] = '\t'; break;
    case 'x':
      if (i + 2 < close && hex_val(s[i + 1]) >= 0 && hex_val(s[i + 2]) >= 0) {
        v[w++] = (char)(hex_val(s[i + 1]) * 16 + hex_val(s[i + 2]));
        i += 2;
      } else {
        v[w++] = 'x';
      }
      break;
    case '0': case '1': case '2': case '3':
    case '4': case '5': case '6': case '7': {
      unsigned n = (unsigned)(c - '0');
      int digits = 1;
      while (digits < 3 && i + 1 < close && s[i + 1] >= '0' &&
             s[i + 1] <= '7' && n * 8 + (unsigned)(s[i + 1] - '0') <= 0377) {
        n = n * 8 + (unsigned)(s[++i] - '0');
        digits++;
      }
      v[w++] = (char)n;
      break;
    }
    default:
      v[w++] = c;  /* \" \\ and any other character stand for themselves */
      break;
    }
  }
  v[w] = '\0';
  *out = v;
  *out_len = w;
  return (long)(close + 1);
}

/* ---- arguments ---- */

static int
args_push(control_args_t *a, int *cap, char *key, char *value,
          size_t value_len, int quoted)
{
  if (a->n == *cap) {
    int ncap = *cap ? *cap * 2 : 8;
    control_arg_t *na;
    if (ncap > CONTROL_MAX_ARGS)
      ncap = CONTROL_MAX_ARGS;
    na = realloc(a->args, (size_t)ncap * sizeof(*na));
    if (!na)
      return -1;
    a->args = na;
    *cap = ncap;
  }
  a->args[a->n].key = key;
  a->args[a->n].value = value;
  a->args[a->n].value_len = value_len;
  a->args[a->n].quoted = quoted;
  a->n++;
  return 0;
}

control_args_t *
control_args_parse(const char *s, size_t len, unsigned flags, const char **err)
{
  control_args_t *a = calloc(1, sizeof(*a));
  int cap = 0;
  size_t pos = 0;

  *err = NULL;
  if (!a) {
    *err = "Out of memory";
    return NULL;
  }
  while (pos < len && s[pos] == ' ')
    pos++;
  while (pos < len) {
    char *key = NULL, *value = NULL;
    size_t value_len = 0;
    int quoted = 0;
    const char *sp, *eq = NULL;
    size_t wend;

    if (a->n >= CONTROL_MAX_ARGS) {
      *err = "Too many arguments";
      goto fail;
    }
    sp = memchr(s + pos, ' ', len - pos);
    wend = sp ? (size_t)(sp - s) : len;
    if ((flags & CONTROL_ARGS_KV) && s[pos] != '"') {
      eq = memchr(s + pos, '=', wend - pos);
      if (eq == s + pos)
        eq = NULL; /* "=x" has no key: positional */
    }
    if (eq) {
      size_t klen = (size_t)(eq - (s + pos));
      key = dup_bytes((const uint8_t *)s + pos, klen);
      if (!key)
        goto oom;
      pos += klen + 1;
    }
    if (pos < len && s[pos] == '"') {
      long used = control_unquote(s + pos, len - pos, &value, &value_len);
      if (used < 0) {
        free(key);
        *err = "Unterminated quoted string";
        goto fail;
      }
      pos += (size_t)used;
      if (pos < len && s[pos] != ' ') {
        free(key);
        free(value);
        *err = "Quoted string not followed by space";
        goto fail;
      }
      quoted = 1;
    } else {
      value_len = wend - pos;
      value = dup_bytes((const uint8_t *)s + pos, value_len);
      if (!value) {
        free(key);
        goto oom;
      }
      pos = wend;
    }
    if (args_push(a, &cap, key, value, value_len, quoted) < 0) {
      free(key);
      free(value);
      goto oom;
    }
    while (pos < len && s[pos] == ' ')
      pos++;
  }
  return a;

 oom:
  *err = "Out of memory";
 fail:
  control_args_free(a);
  return NULL;
}

void
control_args_free(control_args_t *args)
{
  if (!args)
    return;
  for (int i = 0; i < args->n; i++) {
    free(args->args[i].key);
    free(args->args[i].value);
  }
  free(args->args);
  free(args);
}

const control_arg_t *
control_args_get(const control_args_t *args, const char *key)
{
  if (!args || !key)
    return NULL;
  for (int i = 0; i < args->n; i++) {
    if (args->args[i].key && !strcasecmp(args->args[i].key, key))
      return &args->args[i];
  }
  return NULL;
}

/* ---- replies ---- */

/* Appends s[0..len) with every CR and LF turned into a space. */
static void
add_one_line(struct evbuffer *out, const char *s, size_t len)
{
  size_t start = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '\r' || s[i] == '\n') {
      if (i > start)
        evbuffer_add(out, s + start, i - start);
      evbuffer_add(out, " ", 1);
      start = i + 1;
    }
  }
  if (len > start)
    evbuffer_add(out, s + start, len - start);
}

static void
write_line(struct evbuffer *out, int code, char sep, const char *text,
           size_t len)
{
  evbuffer_add_printf(out, "%03d%c", code, sep);
  add_one_line(out, text, len);
  evbuffer_add(out, "\r\n", 2);
}

void
control_write_mid(struct evbuffer *out, int code, const char *text)
{
  write_line(out, code, '-', text ? text : "", text ? strlen(text) : 0);
}

void
control_write_end(struct evbuffer *out, int code, const char *text)
{
  write_line(out, code, ' ', text ? text : "", text ? strlen(text) : 0);
}

static void write_linev(struct evbuffer *out, int code, char sep,
                        const char *fmt, va_list ap)
  __attribute__((format(printf, 4, 0)));

static void
write_linev(struct evbuffer *out, int code, char sep, const char *fmt,
            va_list ap)
{
  char stackbuf[512];
  char *buf = stackbuf;
  va_list ap2;
  int n;

  va_copy(ap2, ap);
  n = vsnprintf(stackbuf, sizeof(stackbuf), fmt, ap);
  if (n < 0) {
    va_end(ap2);
    return;
  }
  if ((size_t)n >= sizeof(stackbuf)) {
    buf = malloc((size_t)n + 1);
    if (!buf) {
      va_end(ap2);
      return;
    }
    vsnprintf(buf, (size_t)n + 1, fmt, ap2);
  }
  va_end(ap2);
  write_line(out, code, sep, buf, (size_t)n);
  if (buf != stackbuf)
    free(buf);
}

void
control_write_midf(struct evbuffer *out, int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  write_linev(out, code, '-', fmt, ap);
  va_end(ap);
}

void
control_write_endf(struct evbuffer *out, int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  write_linev(out, code, ' ', fmt, ap);
  va_end(ap);
}

void
control_write_data(struct evbuffer *out, int code, const char *head,
                   const char *data, size_t len)
{
  size_t pos = 0;
  write_line(out, code, '+', head ? head : "", head ? strlen(head) : 0);
  while (pos < len) {
    const char *lf = memchr(data + pos, '\n', len - pos);
    size_t ll = lf ? (size_t)(lf - (data + pos)) : len - pos;
    size_t cl = ll;
    if (lf && cl && data[pos + cl - 1] == '\r')
      cl--;
    if (data[pos] == '.')
      evbuffer_add(out, ".", 1);
    if (cl)
      evbuffer_add(out, data + pos, cl);
    evbuffer_add(out, "\r\n", 2);
    pos += ll + (lf ? 1 : 0);
  }
  evbuffer_add(out, ".\r\n", 3);
}

/* Writes the QuotedString form of s[0..len) at buf (room for 4 * len + 2
 * bytes); returns its length. */
static size_t
quote_into(char *buf, const char *s, size_t len)
{
  size_t w = 0;
  buf[w++] = '"';
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
    case '"': buf[w++] = '\\'; buf[w++] = '"'; break;
    case '\\': buf[w++] = '\\'; buf[w++] = '\\'; break;
    case '\r': buf[w++] = '\\'; buf[w++] = 'r'; break;
    case '\n': buf[w++] = '\\'; buf[w++] = 'n'; break;
    case '\t': buf[w++] = '\\'; buf[w++] = 't'; break;
    default:
      if (c < 0x20 || c >= 0x7f) {
        buf[w++] = '\\';
        buf[w++] = (char)('0' + (c >> 6));
        buf[w++] = (char)('0' + ((c >> 3) & 7));
        buf[w++] = (char)('0' + (c & 7));
      } else {
        buf[w++] = (char)c;
      }
      break;
    }
  }
  buf[w++] = '"';
  return w;
}

char *
control_quote(const char *s, size_t len)
{
  char *buf;
  size_t n;
  if (len > (((size_t)-1) - 3) / 4)
    return NULL;
  buf = malloc(4 * len + 3);
  if (!buf)
    return NULL;
  n = quote_into(buf, s, len);
  buf[n] = '\0';
  return buf;
}

void
control_write_quoted(struct evbuffer *out, const char *s, size_t len)
{
  char *q = control_quote(s, len);
  if (!q)
    return;
  evbuffer_add(out, q, strlen(q));
  free(q);
}
