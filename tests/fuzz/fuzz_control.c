/* libFuzzer target: the control protocol reader, argument parser,
 * QuotedString functions and reply writers on arbitrary controller bytes.
 * The first byte picks max_len and the chunk size the input arrives in;
 * the rest is fed as a connection would get it, consumed bytes dropped.
 * Checks: consumed never exceeds what was given or max_len, NEED_MORE /
 * BAD / TOO_LONG consume nothing, a command is not complete one byte
 * earlier, keywords are bounded, args and bodies are NUL-terminated with
 * no NUL or LF inside; arguments are well-formed; quoting round-trips;
 * reply lines hold no stray CR/LF; every body written with
 * control_write_data reads back as the same body.
 * FUZZ_EXTRA_SOURCES: src/core/proto/proto_control.c
 */
#include "orconfig.h"
#include "core/proto/proto_control.h"

#include <event2/buffer.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

/* The body that data[0..len) (no NUL) gives after a trip through
 * control_write_data and control_read_command: each CR LF becomes LF and a
 * last line without LF gets one. Written independently of the module. */
static char *
expected_round_trip(const char *d, size_t len, size_t *out_len)
{
  char *e = malloc(len + 2);
  size_t w = 0;
  CHECK(e != NULL);
  for (size_t i = 0; i < len; i++) {
    if (d[i] == '\r' && i + 1 < len && d[i + 1] == '\n')
      continue;
    e[w++] = d[i];
  }
  if (w && e[w - 1] != '\n')
    e[w++] = '\n';
  e[w] = '\0';
  *out_len = w;
  return e;
}

static void
check_round_trip(const char *body, size_t len)
{
  struct evbuffer *b = evbuffer_new();
  control_cmd_t cmd;
  size_t consumed, n, want_len;
  const char *err;
  const uint8_t *wire;
  char *want;
  CHECK(b != NULL);
  control_write_data(b, 250, "X", body, len);
  n = evbuffer_get_length(b);
  wire = evbuffer_pullup(b, -1);
  CHECK(n >= 3 + 3 + 3 && !memcmp(wire, "250+X\r\n", 7));
  CHECK(!memcmp(wire + n - 3, ".\r\n", 3));
  /* Every LF on the wire is part of a CRLF. */
  for (size_t i = 0; i < n; i++)
    if (wire[i] == '\n')
      CHECK(i > 0 && wire[i - 1] == '\r');
  CHECK(control_read_command(wire + 3, n - 3, n, &cmd, &consumed, &err) ==
        CONTROL_READ_COMMAND);
  CHECK(consumed == n - 3);
  CHECK(cmd.is_data && !strcmp(cmd.keyword, "X") && cmd.args_len == 0);
  want = expected_round_trip(body, len, &want_len);
  CHECK(cmd.body_len == want_len && !memcmp(cmd.body, want, want_len));
  free(want);
  control_cmd_clear(&cmd);
  evbuffer_free(b);
}

static void
check_quote(const char *s, size_t len)
{
  char *q = control_quote(s, len), *v;
  size_t qlen, vl;
  CHECK(q != NULL);
  qlen = strlen(q);
  CHECK(qlen >= 2 && q[0] == '"' && q[qlen - 1] == '"');
  for (size_t i = 0; i < qlen; i++)
    CHECK((unsigned char)q[i] >= 0x20 && (unsigned char)q[i] < 0x7f);
  CHECK(control_unquote(q, qlen, &v, &vl) == (long)qlen);
  CHECK(vl == len && !memcmp(v, s, len) && v[vl] == '\0');
  free(v);
  free(q);
}

static void
check_args(const char *s, size_t len, unsigned flags)
{
  const char *err = NULL;
  control_args_t *a = control_args_parse(s, len, flags, &err);
  if (!a) {
    CHECK(err != NULL);
    return;
  }
  CHECK(a->n >= 0 && a->n <= 1024);
  for (int i = 0; i < a->n; i++) {
    const control_arg_t *arg = &a->args[i];
    CHECK(arg->value != NULL && arg->value[arg->value_len] == '\0');
    CHECK(arg->value_len <= len);
    if (arg->key) {
      CHECK(flags & CONTROL_ARGS_KV);
      CHECK(arg->key[0] != '\0' && arg->key[0] != '"');
      CHECK(!strchr(arg->key, ' ') && !strchr(arg->key, '='));
      CHECK(control_args_get(a, arg->key) != NULL);
    }
    if (!arg->quoted) {
      CHECK(arg->value_len == 0 || arg->key || arg->value[0] != '"');
      CHECK(!memchr(arg->value, ' ', arg->value_len));
      if (!(flags & CONTROL_ARGS_KV))
        CHECK(arg->value_len > 0);
    } else {
      check_quote(arg->value, arg->value_len);
    }
  }
  control_args_free(a);
}

static void
check_reply_line(const char *text)
{
  struct evbuffer *b = evbuffer_new();
  size_t n;
  const uint8_t *p;
  CHECK(b != NULL);
  control_write_mid(b, 250, text);
  control_write_endf(b, 552, "Unrecognized key \"%s\"", text);
  n = evbuffer_get_length(b);
  p = evbuffer_pullup(b, -1);
  /* Exactly two lines. */
  {
    int crlf = 0;
    for (size_t i = 0; i < n; i++) {
      if (p[i] == '\r' || p[i] == '\n') {
        CHECK(p[i] == '\r' && i + 1 < n && p[i + 1] == '\n');
        crlf++;
        i++;
      }
    }
    CHECK(crlf == 2);
  }
  CHECK(!memcmp(p, "250-", 4) && p[n - 2] == '\r' && p[n - 1] == '\n');
  evbuffer_free(b);
}

static void
check_command(const control_cmd_t *cmd, const uint8_t *buf, size_t consumed,
              size_t max_len)
{
  size_t klen = strlen(cmd->keyword);
  CHECK(consumed > 0 && consumed <= max_len);
  CHECK(buf[consumed - 1] == '\n');
  CHECK(klen <= CONTROL_MAX_KEYWORD);
  CHECK(!memchr(cmd->keyword, ' ', klen) && !memchr(cmd->keyword, '\n', klen));
  CHECK(cmd->args != NULL && cmd->args[cmd->args_len] == '\0');
  CHECK(strlen(cmd->args) == cmd->args_len);
  CHECK(!memchr(cmd->args, '\n', cmd->args_len));
  CHECK(cmd->args_len == 0 || cmd->args[0] != ' ');
  CHECK(cmd->args_len < consumed);
  CHECK(cmd->is_data == (buf[0] == '+'));
  if (cmd->is_data) {
    CHECK(cmd->body != NULL && cmd->body[cmd->body_len] == '\0');
    CHECK(strlen(cmd->body) == cmd->body_len);
    CHECK(cmd->body_len < consumed);
    CHECK(cmd->body_len == 0 || cmd->body[cmd->body_len - 1] == '\n');
  } else {
    CHECK(cmd->body == NULL && cmd->body_len == 0);
  }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const size_t max_lens[8] = { 0, 1, 16, 64, 256, 1024, 4096, 65536 };
  size_t max_len, chunk, have = 0, pos = 1;
  uint8_t *buf;
  if (size < 1)
    return 0;
  max_len = max_lens[data[0] & 7];
  chunk = (data[0] >> 3) ? (size_t)(data[0] >> 3) * 7 : size;
  buf = malloc(size);
  CHECK(buf != NULL);

  /* Raw input as a data body (NUL bytes cut off). */
  {
    const uint8_t *nul = memchr(data + 1, 0, size - 1);
    size_t rl = nul ? (size_t)(nul - (data + 1)) : size - 1;
    check_round_trip((const char *)data + 1, rl);
  }

  for (int rounds = 0; rounds < 10000; rounds++) {
    control_cmd_t cmd;
    size_t consumed = 12345;
    const char *err = NULL;
    control_read_status_t rv;
    size_t piece = size - pos;
    if (piece > chunk)
      piece = chunk;
    memcpy(buf + have, data + pos, piece);
    have += piece;
    pos += piece;
    rv = control_read_command(buf, have, max_len, &cmd, &consumed, &err);
    CHECK(consumed <= have);
    if (rv != CONTROL_READ_COMMAND) {
      CHECK(consumed == 0);
      CHECK(cmd.args == NULL && cmd.body == NULL);
    }
    if (rv == CONTROL_READ_NEED_MORE) {
      CHECK(have < max_len);
      if (pos == size)
        break;
      continue;
    }
    if (rv == CONTROL_READ_BAD || rv == CONTROL_READ_TOO_LONG) {
      CHECK(err != NULL);
      if (rv == CONTROL_READ_TOO_LONG)
        CHECK(have >= max_len);
      break;
    }
    CHECK(rv == CONTROL_READ_COMMAND);
    check_command(&cmd, buf, consumed, max_len);
    /* One byte less is not a command yet; exactly the bytes are. */
    {
      control_cmd_t c2;
      size_t cons2;
      const char *err2;
      CHECK(control_read_command(buf, consumed - 1, max_len, &c2, &cons2,
                                 &err2) == CONTROL_READ_NEED_MORE);
      CHECK(cons2 == 0);
      CHECK(control_read_command(buf, consumed, max_len, &c2, &cons2,
                                 &err2) == CONTROL_READ_COMMAND);
      CHECK(cons2 == consumed && c2.args_len == cmd.args_len &&
            !strcmp(c2.keyword, cmd.keyword) &&
            !memcmp(c2.args, cmd.args, cmd.args_len) &&
            c2.body_len == cmd.body_len &&
            (!cmd.body || !memcmp(c2.body, cmd.body, cmd.body_len)));
      control_cmd_clear(&c2);
    }
    check_args(cmd.args, cmd.args_len, 0);
    check_args(cmd.args, cmd.args_len, CONTROL_ARGS_KV);
    if (cmd.args_len && cmd.args[0] == '"') {
      char *v;
      size_t vl;
      long r = control_unquote(cmd.args, cmd.args_len, &v, &vl);
      if (r >= 0) {
        CHECK(r >= 2 && (size_t)r <= cmd.args_len && cmd.args[r - 1] == '"');
        CHECK(v != NULL && v[vl] == '\0' && vl <= (size_t)r - 2);
        free(v);
      } else {
        CHECK(v == NULL);
      }
    }
    check_quote(cmd.args, cmd.args_len);
    check_reply_line(cmd.args);
    if (cmd.is_data)
      check_round_trip(cmd.body, cmd.body_len);
    control_cmd_clear(&cmd);
    memmove(buf, buf + consumed, have - consumed);
    have -= consumed;
    if (pos == size && have == 0)
      break;
  }
  free(buf);
  return 0;
}
