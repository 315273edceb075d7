/* HSFETCH, HSPOST and GETINFO hs/client/desc/id/: see control_hs_cmds.h. */
#include "orconfig.h"
#include "feature/control/control_hs_cmds.h"
#include "feature/client/client.h"
#include "feature/control/control.h"
#include "feature/dirclient/dirstate.h"
#include "feature/hs/hs_descriptor.h"
#include "feature/hs/hs_dirop.h"
#include "feature/hs/hs_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Servers are relays of the client's consensus. */
static int
server_known(const uint8_t rsa_id[20], const char *nick, void *arg)
{
  const dirstate_t *ds = client_dirstate();
  (void)arg;
  const node_t *node = ds && ds->nodes ? nodelist_find(ds->nodes, rsa_id) : NULL;
  return node && (!nick[0] || !strcasecmp(nick, node->nickname));
}

static void
cmd_hsfetch(control_conn_t *conn, const control_cmd_t *cmd)
{
  struct evbuffer *out = control_conn_out(conn);
  control_hs_args_t a;
  char err[512];
  if (control_hs_parse_args(cmd->args, cmd->args_len, 0, server_known, NULL, &a, err,
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
  if (control_hs_parse_args(cmd->args, cmd->args_len, 1, server_known, NULL, &a, err,
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
  if (!control_hs_valid_address(addr, strlen(addr))) {
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

static int
gi_hs_service_desc(const char *key, char **answer, const char **errmsg)
{
  static const char prefix[] = "hs/service/desc/id/";
  *answer = NULL;
  if (strncmp(key, prefix, sizeof(prefix) - 1))
    return 0;
  const char *addr = key + sizeof(prefix) - 1;
  if (!control_hs_valid_address(addr, strlen(addr))) {
    *errmsg = "Invalid address";
    return -1;
  }
  const char *desc = hs_service_current_descriptor(addr);
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
  /* tor lists the family without its last '/' (hs/client/desc/id*). */
  control_register_getinfo("hs/client/desc/id", 1,
                           "Hidden Service descriptor in client's cache by onion.",
                           gi_hs_client_desc);
  control_register_getinfo("hs/service/desc/id/", 1,
                           "Hidden Service descriptor in services's cache by onion.",
                           gi_hs_service_desc);
}
