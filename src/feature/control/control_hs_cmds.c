/* HSFETCH, HSPOST and GETINFO hs/client/desc/id/: see control_hs_cmds.h. */
#include "orconfig.h"
#include "feature/control/control_hs_cmds.h"
#include "feature/client/client.h"
#include "feature/control/control.h"
#include "feature/dirclient/dirstate.h"
#include "feature/hs/hs_descriptor.h"
#include "feature/hs/hs_dirop.h"
#include "lib/crypt/onion_address.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* A 56-character v3 address (no ".onion"), as tor's hs_address_is_valid. */
static int
valid_v3_address(const char *s, size_t len)
{
  uint8_t pk[32];
  return len == ONION_ADDRESS_LEN && !memchr(s, '.', len) &&
         onion_address_decode(pk, s, len, NULL) == 0;
}

static int
find_server(const nodelist_t *nl, const char *spec, uint8_t id[20])
{
  char nick[20];
  if (hs_dirop_parse_server(spec, strlen(spec), id, nick) < 0 || !nl)
    return -1;
  const node_t *node = nodelist_find(nl, id);
  if (!node || (nick[0] && strcasecmp(nick, node->nickname)))
    return -1;
  return 0;
}

int
control_hs_parse_args(const char *args, size_t len, int is_post, const nodelist_t *nl,
                      control_hs_args_t *out, char *err, size_t errlen)
{
  const char *cmd = is_post ? "HSPOST" : "HSFETCH";
  const char *perr = NULL;
  int rv = -1;
  memset(out, 0, sizeof(*out));
  control_args_t *a = control_args_parse(args, len, CONTROL_ARGS_KV, &perr);
  if (!a) {
    snprintf(err, errlen, "512 Bad arguments to %s: Cannot parse keyword argument(s)", cmd);
    return -1;
  }
  int first_kw = is_post ? 0 : 1;
  /* Syntax first (tor's argument parser runs before the handler). */
  if (!is_post && a->n < 1) {
    snprintf(err, errlen, "512 Bad arguments to %s: Need at least 1 argument(s)", cmd);
    goto done;
  }
  for (int i = first_kw; i < a->n; i++) {
    const control_arg_t *arg = &a->args[i];
    if (!arg->key) {
      snprintf(err, errlen, "512 Bad arguments to %s: Cannot parse keyword argument(s)", cmd);
      goto done;
    }
    if (strcasecmp(arg->key, "SERVER") && (!is_post || strcasecmp(arg->key, "HSADDRESS"))) {
      char *q = control_quote(arg->key, strlen(arg->key));
      snprintf(err, errlen, "512 Bad arguments to %s: Unrecognized keyword argument %s", cmd,
               q ? q : "\"\"");
      free(q);
      goto done;
    }
  }
  if (!is_post) {
    /* The address is positional even if it holds '=' (rejoin the split). */
    char first[256];
    const control_arg_t *arg = &a->args[0];
    if (arg->key)
      snprintf(first, sizeof(first), "%s=%s", arg->key, arg->value);
    else
      snprintf(first, sizeof(first), "%s", arg->value);
    if (!valid_v3_address(first, strlen(first))) {
      snprintf(err, errlen, "513 Invalid argument \"%s\"", first);
      goto done;
    }
    memcpy(out->addr, first, ONION_ADDRESS_LEN + 1);
  }
  for (int i = first_kw; i < a->n; i++) {
    const control_arg_t *arg = &a->args[i];
    if (!strcasecmp(arg->key, "SERVER")) {
      uint8_t id[20];
      if (find_server(nl, arg->value, id) < 0) {
        snprintf(err, errlen, "552 Server \"%s\" not found", arg->value);
        goto done;
      }
      if (out->n_servers < CONTROL_HS_MAX_SERVERS)
        memcpy(out->servers[out->n_servers++], id, 20);
    } else {
      if (!valid_v3_address(arg->value, arg->value_len)) {
        snprintf(err, errlen, "512 Malformed onion address");
        goto done;
      }
      memcpy(out->addr, arg->value, ONION_ADDRESS_LEN + 1);
    }
  }
  rv = 0;
 done:
  control_args_free(a);
  return rv;
}

static const nodelist_t *
client_nodes(void)
{
  const dirstate_t *ds = client_dirstate();
  return ds ? ds->nodes : NULL;
}

static void
cmd_hsfetch(control_conn_t *conn, const control_cmd_t *cmd)
{
  struct evbuffer *out = control_conn_out(conn);
  control_hs_args_t a;
  char err[512];
  if (control_hs_parse_args(cmd->args, cmd->args_len, 0, client_nodes(), &a, err,
                            sizeof(err)) < 0) {
    control_write_end(out, atoi(err), err + 4);
    return;
  }
  /* The reply goes first: events may follow at once. */
  control_write_end(out, 250, "OK");
  hs_dirop_fetch(a.addr, (const uint8_t (*)[20])a.servers, a.n_servers);
}

static void
cmd_hspost(control_conn_t *conn, const control_cmd_t *cmd)
{
  struct evbuffer *out = control_conn_out(conn);
  control_hs_args_t a;
  char err[512];
  if (control_hs_parse_args(cmd->args, cmd->args_len, 1, client_nodes(), &a, err,
                            sizeof(err)) < 0) {
    control_write_end(out, atoi(err), err + 4);
    return;
  }
  const char *body = cmd->body ? cmd->body : "";
  size_t body_len = cmd->body ? cmd->body_len : 0;
  hs_desc_t *d = hs_desc_parse_outer(body, body_len, time(NULL), NULL);
  if (!d) {
    /* Real tor answers nothing without HSADDRESS; we answer 554 then too. */
    control_write_end(out, 554, "Invalid descriptor");
    return;
  }
  int rv = hs_dirop_post(body, body_len, d->blinded_pk, a.addr[0] ? a.addr : NULL,
                         (const uint8_t (*)[20])a.servers, a.n_servers);
  hs_desc_free(d);
  if (rv < 0)
    control_write_end(out, 551, "Too many descriptor uploads in progress");
  else
    control_write_end(out, 250, "OK");
}

static int
gi_hs_client_desc(const char *key, char **answer, const char **errmsg)
{
  static const char prefix[] = "hs/client/desc/id/";
  *answer = NULL;
  if (strncmp(key, prefix, sizeof(prefix) - 1))
    return 0;
  const char *addr = key + sizeof(prefix) - 1;
  if (!valid_v3_address(addr, strlen(addr))) {
    *errmsg = "Invalid address";
    return -1;
  }
  const char *desc = hs_dirop_cached(addr);
  if (!desc) {
    *errmsg = "Not found in cache";
    return -1;
  }
  *answer = strdup(desc);
  if (!*answer) {
    *errmsg = "Out of memory";
    return -1;
  }
  return 0;
}

void
control_hs_register(void)
{
  control_register_command("HSFETCH", cmd_hsfetch);
  control_register_command("HSPOST", cmd_hspost);
  control_register_getinfo("hs/client/desc/id/", 1,
                           "The cached v3 descriptor of an onion address (HSFETCH).",
                           gi_hs_client_desc);
}
