/* PROTOCOLINFO, AUTHCHALLENGE, AUTHENTICATE: see control_auth_state.h.
 * Reply texts are tor's (control-spec §3.5, §3.21, §3.24; stem matches
 * several of them literally). */
#include "orconfig.h"
#include "feature/control/control_auth_state.h"
#include "feature/control/control_auth.h"
#include "lib/crypt/crypto_s2k.h"
#include "lib/crypt/crypto_util.h"
#include "lib/encoding/base16.h"
#include "lib/log/log.h"

#include <ctype.h>
#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static uint8_t cookie[CONTROL_COOKIE_LEN];
static int have_cookie;
static char cookie_path[4200];

int
control_auth_setup(void)
{
  const control_config_t *cfg = control_get_config();
  char err[512];
  have_cookie = 0;
  if (!cfg->cookie_auth)
    return 0;
  if (cfg->cookie_file)
    snprintf(cookie_path, sizeof(cookie_path), "%s", cfg->cookie_file);
  else
    snprintf(cookie_path, sizeof(cookie_path), "%s/control_auth_cookie",
             cfg->datadir ? cfg->datadir : ".");
  if (control_cookie_create(cookie_path, cfg->cookie_group_readable, cookie, err,
                            sizeof(err)) < 0) {
    log_warn(LD_FS, "Error writing authentication cookie to %s: %s", cookie_path, err);
    return -1;
  }
  have_cookie = 1;
  return 0;
}

void
control_auth_teardown(void)
{
  memwipe(cookie, sizeof(cookie));
  have_cookie = 0;
}

static int
passwords_configured(void)
{
  return control_get_config()->hashed_passwords != NULL;
}

static void
fail_and_close(control_conn_t *conn, int code, const char *text)
{
  control_write_end(control_conn_out(conn), code, text);
  control_conn_close_after_flush(conn);
}

/* ---- PROTOCOLINFO ---- */

static void
cmd_protocolinfo(control_conn_t *conn, const control_cmd_t *cmd)
{
  control_auth_state_t *st = control_conn_auth_state(conn);
  struct evbuffer *out = control_conn_out(conn);
  const control_config_t *cfg = control_get_config();
  if (!st->authenticated && (st->sent_protocolinfo || st->got_challenge)) {
    /* Once per connection before authenticating, as tor. */
    fail_and_close(conn, 514, "Authentication required.");
    return;
  }
  /* Every argument must be a protocol version number; we speak version 1. */
  const char *err = NULL;
  control_args_t *args = control_args_parse(cmd->args, cmd->args_len, 0, &err);
  if (!args) {
    control_write_endf(out, 513, "%s", err);
    return;
  }
  for (int i = 0; i < args->n; i++) {
    const char *v = args->args[i].value;
    int digits = *v != '\0';
    for (const char *p = v; *p; p++)
      if (!isdigit((unsigned char)*p))
        digits = 0;
    if (!digits) {
      char *q = control_quote(v, strlen(v));
      control_write_endf(out, 513, "No such version %s", q ? q : "\"\"");
      free(q);
      control_args_free(args);
      if (!st->authenticated)
        control_conn_close_after_flush(conn);
      return;
    }
  }
  control_args_free(args);
  st->sent_protocolinfo = 1;

  char methods[64] = "";
  if (have_cookie)
    strcat(methods, "COOKIE,SAFECOOKIE");
  if (passwords_configured())
    strcat(methods, methods[0] ? ",HASHEDPASSWORD" : "HASHEDPASSWORD");
  if (!methods[0])
    strcpy(methods, "NULL");
  control_write_mid(out, 250, "PROTOCOLINFO 1");
  evbuffer_add_printf(out, "250-AUTH METHODS=%s", methods);
  if (have_cookie) {
    evbuffer_add_printf(out, " COOKIEFILE=");
    control_write_quoted(out, cookie_path, strlen(cookie_path));
  }
  evbuffer_add(out, "\r\n", 2);
  evbuffer_add_printf(out, "250-VERSION Tor=");
  control_write_quoted(out, cfg->version, strlen(cfg->version));
  evbuffer_add(out, "\r\n", 2);
  control_write_end(out, 250, "OK");
}

/* ---- AUTHCHALLENGE ---- */

/* A client nonce given as hex or as a QuotedString: 0, or -1 after
 * answering. */
static int
decode_secret(control_conn_t *conn, const char *s, size_t len, uint8_t **out,
              size_t *out_len, int is_nonce)
{
  while (len && s[len - 1] == ' ')
    len--;
  if (len && s[0] == '"') {
    char *v = NULL;
    size_t vlen = 0;
    long used = control_unquote(s, len, &v, &vlen);
    if (used < 0 || (size_t)used != len) {
      free(v);
      fail_and_close(conn, 513, is_nonce ? "Invalid quoted client nonce"
                     : "Invalid quoted string.  You need to put the password in "
                       "double quotes.");
      return -1;
    }
    *out = (uint8_t *)v;
    *out_len = vlen;
    return 0;
  }
  uint8_t *bin = malloc(len / 2 + 1);
  if (!bin)
    return -1;
  int n = len ? base16_decode(bin, len / 2 + 1, s, len) : 0;
  if (n < 0) {
    free(bin);
    fail_and_close(conn, is_nonce ? 513 : 551, is_nonce ? "Invalid base16 client nonce"
                   : "Invalid hexadecimal encoding.  Maybe you tried a plain text "
                     "password?  If so, the standard requires that you put it in "
                     "double quotes.");
    return -1;
  }
  *out = bin;
  *out_len = (size_t)n;
  return 0;
}

static void
cmd_authchallenge(control_conn_t *conn, const control_cmd_t *cmd)
{
  control_auth_state_t *st = control_conn_auth_state(conn);
  struct evbuffer *out = control_conn_out(conn);
  const char *a = cmd->args;
  size_t len = cmd->args_len;
  if (!st->authenticated && st->got_challenge) {
    fail_and_close(conn, 514, "Authentication required.");
    return;
  }
  if (len == 0) {
    /* The one AUTHCHALLENGE error after which tor keeps the connection. */
    control_write_end(out, 512, "Bad arguments to AUTHCHALLENGE: Need at least 1 "
                      "argument(s)");
    return;
  }
  const char *sp = memchr(a, ' ', len);
  size_t wlen = sp ? (size_t)(sp - a) : len;
  if (wlen != 10 || strncasecmp(a, "SAFECOOKIE", 10)) {
    fail_and_close(conn, 513, "AUTHCHALLENGE only supports SAFECOOKIE authentication");
    return;
  }
  if (!have_cookie) {
    fail_and_close(conn, 515, "Cookie authentication is disabled");
    return;
  }
  const char *nonce = a + wlen;
  size_t nlen = len - wlen;
  while (nlen && *nonce == ' ') {
    nonce++;
    nlen--;
  }
  if (nlen == 0) {
    fail_and_close(conn, 512, "Wrong number of arguments for AUTHCHALLENGE");
    return;
  }
  uint8_t *client_nonce = NULL;
  size_t cn_len = 0;
  if (decode_secret(conn, nonce, nlen, &client_nonce, &cn_len, 1) < 0)
    return;
  uint8_t server_nonce[32], server_hash[32];
  crypto_rand_bytes(server_nonce, sizeof(server_nonce));
  control_safecookie_hashes(cookie, client_nonce, cn_len, server_nonce, server_hash,
                            st->client_hash);
  free(client_nonce);
  st->got_challenge = 1;
  char sh[65], sn[65];
  base16_encode(sh, sizeof(sh), server_hash, 32);
  base16_encode(sn, sizeof(sn), server_nonce, 32);
  control_write_endf(out, 250, "AUTHCHALLENGE SERVERHASH=%s SERVERNONCE=%s", sh, sn);
}

/* ---- AUTHENTICATE ---- */

static void
authenticated(control_conn_t *conn)
{
  control_auth_state_t *st = control_conn_auth_state(conn);
  st->authenticated = 1;
  memwipe(st->client_hash, sizeof(st->client_hash));
  log_info(LD_CONTROL, "Authenticated control connection %u", control_conn_id(conn));
  control_write_end(control_conn_out(conn), 250, "OK");
}

static void
cmd_authenticate(control_conn_t *conn, const control_cmd_t *cmd)
{
  control_auth_state_t *st = control_conn_auth_state(conn);
  int use_cookie = have_cookie, use_password = passwords_configured();
  char msg[256];
  if (st->authenticated) {
    /* tor accepts a second AUTHENTICATE on an authenticated connection. */
    control_write_end(control_conn_out(conn), 250, "OK");
    return;
  }
  uint8_t *secret = NULL;
  size_t slen = 0;
  if (decode_secret(conn, cmd->args, cmd->args_len, &secret, &slen, 0) < 0)
    return;
  if (st->got_challenge) {
    int ok = slen == 32 && crypto_memeq(secret, st->client_hash, 32);
    free(secret);
    if (!ok) {
      log_warn(LD_CONTROL, "Authentication failed: Safe cookie response did not match "
               "expected value.");
      fail_and_close(conn, 515, "Authentication failed: Safe cookie response did not "
                     "match expected value.");
      return;
    }
    authenticated(conn);
    return;
  }
  if (!use_cookie && !use_password) {
    free(secret);
    authenticated(conn);
    return;
  }
  int ok = 0;
  const char *why = NULL;
  if (use_cookie) {
    if (slen == CONTROL_COOKIE_LEN && crypto_memeq(secret, cookie, CONTROL_COOKIE_LEN))
      ok = 1;
    else if (slen != CONTROL_COOKIE_LEN)
      why = "Wrong length on authentication cookie.";
    else
      why = "Authentication cookie did not match expected value.";
  }
  if (!ok && use_password) {
    for (const config_line_t *l = control_get_config()->hashed_passwords; l && !ok;
         l = l->next)
      if (s2k_hashed_password_check(l->value, secret, slen) == 1)
        ok = 1;
    if (!ok)
      why = use_cookie ? "Password did not match HashedControlPassword *or* "
                         "authentication cookie."
                       : "Password did not match HashedControlPassword value from "
                         "configuration";
  }
  memwipe(secret, slen);
  free(secret);
  if (ok) {
    authenticated(conn);
    return;
  }
  snprintf(msg, sizeof(msg), "Authentication failed: %s", why);
  log_warn(LD_CONTROL, "%s", msg);
  fail_and_close(conn, 515, msg);
}

void
control_auth_register(void)
{
  control_register_command("PROTOCOLINFO", cmd_protocolinfo);
  control_register_command("AUTHCHALLENGE", cmd_authchallenge);
  control_register_command("AUTHENTICATE", cmd_authenticate);
}
