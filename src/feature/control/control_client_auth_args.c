/* ONION_CLIENT_AUTH_* argument checks: see control_client_auth.h. Pure:
 * no state; every input is (pointer, length). */
#include "orconfig.h"
#include "feature/control/control_client_auth.h"
#include "feature/control/control_hs_cmds.h"
#include "core/proto/proto_control.h"
#include "lib/crypt/crypto_util.h"
#include "lib/encoding/base64.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_WORDS 2

/* Splits off up to max leading words of s[0..len) (runs of spaces
 * separate them); *rest is what follows. Returns how many. */
static int
split_words(const char *s, size_t len, int max, const char **w, size_t *wl,
            const char **rest, size_t *rest_len)
{
  size_t p = 0;
  int n = 0;

  while (n < max) {
    while (p < len && s[p] == ' ')
      p++;
    if (p == len)
      break;
    size_t start = p;
    while (p < len && s[p] != ' ')
      p++;
    w[n] = s + start;
    wl[n++] = p - start;
  }
  *rest = s + p;
  *rest_len = len - p;
  return n;
}

/* err = "<code> <text> \"<quoted s[0..n)>\"" as tor quotes it. */
static void
err_quoted(char *err, size_t errlen, const char *head, const char *s, size_t n)
{
  char *q = control_quote(s, n);
  snprintf(err, errlen, "%s %s", head, q ? q : "\"\"");
  free(q);
}

static int
check_addr(const char *w, size_t n, char addr[57], char *err, size_t errlen)
{
  if (!control_hs_valid_address(w, n)) {
    err_quoted(err, errlen, "512 Invalid v3 address", w, n);
    return -1;
  }
  memcpy(addr, w, n);
  addr[n] = '\0';
  return 0;
}

/* "x25519:<base64>" into sk. */
static int
parse_key(const char *w, size_t n, uint8_t sk[32], char *err, size_t errlen)
{
  const char *colon = memchr(w, ':', n);
  uint8_t buf[64];
  int r;

  if (!colon) {
    snprintf(err, errlen, "512 Invalid key type/blob");
    return -1;
  }
  size_t tlen = (size_t)(colon - w);
  const char *blob = colon + 1;
  size_t blen = n - tlen - 1;
  if (tlen != 6 || strncasecmp(w, "x25519", 6)) {
    err_quoted(err, errlen, "552 Unrecognized key type", w, tlen);
    return -1;
  }
  if (base64_decoded_maxlen(blen) > sizeof(buf) ||
      (r = base64_decode(buf, sizeof(buf), blob, blen)) != 32) {
    memwipe(buf, sizeof(buf));
    snprintf(err, errlen, "512 Failed to decode x25519 private key");
    return -1;
  }
  memcpy(sk, buf, 32);
  memwipe(buf, sizeof(buf));
  static const uint8_t zero[32];
  if (crypto_memeq(sk, zero, 32)) {
    err_quoted(err, errlen, "553 Invalid private key", blob, blen);
    return -1;
  }
  return 0;
}

/* Flags=F1,F2...: only Permanent. */
static int
parse_flags(const control_arg_t *a, int *permanent, char *err, size_t errlen)
{
  const char *s = a->value;
  size_t n = a->value_len, p = 0;

  while (p <= n) {
    size_t start = p;
    while (p < n && s[p] != ',')
      p++;
    if (p - start == 9 && !strncasecmp(s + start, "Permanent", 9)) {
      *permanent = 1;
    } else {
      err_quoted(err, errlen, "512 Invalid 'Flags' argument:", s + start, p - start);
      return -1;
    }
    p++;
  }
  return 0;
}

int
control_client_auth_parse_add(const char *args, size_t len,
                              control_client_auth_add_t *out, char *err,
                              size_t errlen)
{
  const char *w[MAX_WORDS], *rest, *perr = NULL;
  size_t wl[MAX_WORDS], rest_len;
  control_args_t *kw = NULL;
  int rv = -1;

  memset(out, 0, sizeof(*out));
  int n = split_words(args, len, MAX_WORDS, w, wl, &rest, &rest_len);
  kw = control_args_parse(rest, rest_len, CONTROL_ARGS_KV, &perr);
  int bad_kw = !kw;
  for (int i = 0; kw && i < kw->n; i++)
    if (!kw->args[i].key || kw->args[i].quoted)
      bad_kw = 1;
  if (bad_kw) {
    snprintf(err, errlen, "512 Bad arguments to ONION_CLIENT_AUTH_ADD: Cannot parse "
             "keyword argument(s)");
    goto done;
  }
  if (n < 2) {
    snprintf(err, errlen, "512 Incomplete ONION_CLIENT_AUTH_ADD command");
    goto done;
  }
  if (check_addr(w[0], wl[0], out->addr, err, errlen) < 0 ||
      parse_key(w[1], wl[1], out->sk, err, errlen) < 0)
    goto done;
  const control_arg_t *name = control_args_get(kw, "ClientName");
  if (name) {
    if (name->value_len > 16) {
      snprintf(err, errlen, "512 ClientName longer than 16 chars");
      goto done;
    }
    if (memchr(name->value, '\0', name->value_len)) {
      snprintf(err, errlen, "512 Bad arguments to ONION_CLIENT_AUTH_ADD: Cannot parse "
               "keyword argument(s)");
      goto done;
    }
    memcpy(out->name, name->value, name->value_len);
    out->name[name->value_len] = '\0';
  }
  const control_arg_t *flags = control_args_get(kw, "Flags");
  if (flags && parse_flags(flags, &out->permanent, err, errlen) < 0)
    goto done;
  rv = 0;
 done:
  if (rv < 0)
    memwipe(out->sk, sizeof(out->sk));
  control_args_free(kw);
  return rv;
}

int
control_client_auth_parse_addr(const char *args, size_t len, const char *cmd,
                               int required, char addr[57], char *err,
                               size_t errlen)
{
  const char *w[1], *rest;
  size_t wl[1], rest_len, p = 0;

  addr[0] = '\0';
  int n = split_words(args, len, 1, w, wl, &rest, &rest_len);
  while (p < rest_len && rest[p] == ' ')
    p++;
  if (p < rest_len) {
    snprintf(err, errlen, "512 Bad arguments to %s: Cannot parse keyword argument(s)",
             cmd);
    return -1;
  }
  if (n == 0) {
    if (!required)
      return 0;
    snprintf(err, errlen, "512 Incomplete %s command", cmd);
    return -1;
  }
  return check_addr(w[0], wl[0], addr, err, errlen);
}
