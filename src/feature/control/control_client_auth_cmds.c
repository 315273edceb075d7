/* ONION_CLIENT_AUTH_ADD, _REMOVE and _VIEW: see control_client_auth.h. */
#include "orconfig.h"
#include "feature/control/control_client_auth.h"
#include "feature/control/control.h"
#include "feature/hs/hs_client.h"
#include "feature/hs/hs_client_auth.h"
#include "lib/crypt/crypto_util.h"
#include "lib/encoding/base64.h"

#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes "512 Invalid..." style reply lines made by the parsers. */
static void
reply_err(struct evbuffer *out, const char *line)
{
  control_write_end(out, atoi(line), line + 4);
}

static void
reply_quoted(struct evbuffer *out, int code, const char *head, const char *s)
{
  char *q = control_quote(s, strlen(s));
  control_write_endf(out, code, "%s %s", head, q ? q : "\"\"");
  free(q);
}

static void
cmd_add(control_conn_t *conn, const control_cmd_t *cmd)
{
  struct evbuffer *out = control_conn_out(conn);
  control_client_auth_add_t a;
  char err[512];

  if (control_client_auth_parse_add(cmd->args, cmd->args_len, &a, err, sizeof(err)) < 0) {
    reply_err(out, err);
    return;
  }
  hs_client_auth_add_t r = hs_client_auth_add(a.addr, a.sk, a.name[0] ? a.name : NULL,
                                              a.permanent);
  memwipe(&a.sk, sizeof(a.sk));
  switch (r) {
    case HS_CLIENT_AUTH_FULL:
      control_write_end(out, 451, "We reached authorized client capacity");
      return;
    case HS_CLIENT_AUTH_STORE_FAILED:
      reply_quoted(out, 553, "Unable to store creds for", a.addr);
      return;
    default:
      break;
  }
  const hs_client_auth_cred_t *c = hs_client_auth_find(a.addr);
  if (c && hs_client_cached_desc_decrypts_now(c->addr))
    control_write_end(out, 252, "Registered client and decrypted desc");
  else if (r == HS_CLIENT_AUTH_REPLACED)
    control_write_end(out, 251, "Client for onion existed and replaced");
  else
    control_write_end(out, 250, "OK");
}

static void
cmd_remove(control_conn_t *conn, const control_cmd_t *cmd)
{
  struct evbuffer *out = control_conn_out(conn);
  char addr[57], err[512];

  if (control_client_auth_parse_addr(cmd->args, cmd->args_len, "ONION_CLIENT_AUTH_REMOVE",
                                     1, addr, err, sizeof(err)) < 0) {
    reply_err(out, err);
    return;
  }
  if (hs_client_auth_remove(addr) < 0)
    reply_quoted(out, 251, "No credentials for", addr);
  else
    control_write_end(out, 250, "OK");
}

static void
view_one(struct evbuffer *out, const hs_client_auth_cred_t *c)
{
  char b64[64];
  if (base64_encode(b64, sizeof(b64), c->sk, 32, 0) < 0)
    return;
  evbuffer_add_printf(out, "250-CLIENT %s x25519:%s%s", c->addr, b64,
                      c->permanent ? " Flags=Permanent" : "");
  memwipe(b64, sizeof(b64));
  if (c->name[0]) {
    evbuffer_add_printf(out, " ClientName=");
    /* tor writes the name as given; one with a space or quote comes back
     * quoted so that the line still parses */
    if (strpbrk(c->name, " \"\\"))
      control_write_quoted(out, c->name, strlen(c->name));
    else
      evbuffer_add(out, c->name, strlen(c->name));
  }
  evbuffer_add(out, "\r\n", 2);
}

static void
cmd_view(control_conn_t *conn, const control_cmd_t *cmd)
{
  struct evbuffer *out = control_conn_out(conn);
  char addr[57], err[512];

  if (control_client_auth_parse_addr(cmd->args, cmd->args_len, "ONION_CLIENT_AUTH_VIEW",
                                     0, addr, err, sizeof(err)) < 0) {
    reply_err(out, err);
    return;
  }
  if (addr[0]) {
    evbuffer_add_printf(out, "250-ONION_CLIENT_AUTH_VIEW %s\r\n", addr);
    const hs_client_auth_cred_t *c = hs_client_auth_find(addr);
    if (c)
      view_one(out, c);
  } else {
    evbuffer_add_printf(out, "250-ONION_CLIENT_AUTH_VIEW\r\n");
    for (size_t i = 0; i < hs_client_auth_count(); i++)
      view_one(out, hs_client_auth_get(i));
  }
  control_write_end(out, 250, "OK");
}

void
control_client_auth_register(void)
{
  control_register_command("ONION_CLIENT_AUTH_ADD", cmd_add);
  control_register_command("ONION_CLIENT_AUTH_REMOVE", cmd_remove);
  control_register_command("ONION_CLIENT_AUTH_VIEW", cmd_view);
}
