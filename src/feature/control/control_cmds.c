/* The control commands that need nothing from the app layer: GETINFO,
 * SETEVENTS, USEFEATURE, TAKEOWNERSHIP, DROPOWNERSHIP, QUIT (and, through
 * control_auth_register(), the authentication commands). Replies follow
 * control-spec §3 and tor's texts. */
#include "orconfig.h"
#include "feature/control/control.h"
#include "feature/control/control_addr.h"
#include "feature/control/control_auth_state.h"
#include "feature/control/control_events.h"
#include "feature/control/control_circ.h"
#include "feature/control/control_client_auth.h"
#include "feature/control/control_hs_cmds.h"
#include "feature/control/control_ns.h"
#include "feature/control/control_onion.h"

#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Writes `552 Unrecognized <what> "<word>"` with the word quoted as tor
 * quotes it. */
static void
reply_unrecognized(struct evbuffer *out, const char *what, const char *word)
{
  char *q = control_quote(word, strlen(word));
  control_write_endf(out, 552, "Unrecognized %s %s", what, q ? q : "\"\"");
  free(q);
}

static void
cmd_getinfo(control_conn_t *conn, const control_cmd_t *cmd)
{
  struct evbuffer *out = control_conn_out(conn);
  const char *err = NULL;
  control_args_t *args = control_args_parse(cmd->args, cmd->args_len, 0, &err);
  if (!args) {
    control_write_endf(out, 513, "%s", err);
    return;
  }
  char **answers = calloc((size_t)args->n + 1, sizeof(char *));
  if (!answers) {
    control_args_free(args);
    control_write_end(out, 551, "Out of memory");
    return;
  }
  int ok = 1;
  /* Every key is answered before anything is written: one unknown key
   * means no partial answer. */
  for (int i = 0; i < args->n && ok; i++) {
    const char *key = args->args[i].value;
    const char *errmsg = NULL;
    if (control_getinfo_answer(key, &answers[i], &errmsg) < 0) {
      control_write_endf(out, 551, "%s", errmsg ? errmsg : "Internal error");
      ok = 0;
    } else if (!answers[i]) {
      reply_unrecognized(out, "key", key);
      ok = 0;
    }
  }
  if (ok) {
    for (int i = 0; i < args->n; i++) {
      const char *key = args->args[i].value;
      const char *v = answers[i];
      if (strchr(v, '\n')) {
        char head[256];
        snprintf(head, sizeof(head), "%s=", key);
        control_write_data(out, 250, head, v, strlen(v));
      } else {
        evbuffer_add_printf(out, "250-%s=%s\r\n", key, v);
      }
    }
    control_write_end(out, 250, "OK");
  }
  for (int i = 0; i < args->n; i++)
    free(answers[i]);
  free(answers);
  control_args_free(args);
}

static void
cmd_setevents(control_conn_t *conn, const control_cmd_t *cmd)
{
  struct evbuffer *out = control_conn_out(conn);
  const char *err = NULL;
  control_args_t *args = control_args_parse(cmd->args, cmd->args_len, 0, &err);
  if (!args) {
    control_write_endf(out, 513, "%s", err);
    return;
  }
  uint64_t mask = 0;
  for (int i = 0; i < args->n; i++) {
    const char *name = args->args[i].value;
    if (!strcasecmp(name, "EXTENDED"))
      continue;   /* always on since tor 0.2.2.1-alpha */
    int ev = control_event_from_name(name);
    if (ev < 0) {
      reply_unrecognized(out, "event", name);
      control_args_free(args);
      return;
    }
    mask |= UINT64_C(1) << ev;
  }
  control_args_free(args);
  control_conn_event_state(conn)->mask = mask;
  control_events_update();
  control_write_end(out, 250, "OK");
}

static void
cmd_usefeature(control_conn_t *conn, const control_cmd_t *cmd)
{
  struct evbuffer *out = control_conn_out(conn);
  const char *err = NULL;
  control_args_t *args = control_args_parse(cmd->args, cmd->args_len, 0, &err);
  if (!args) {
    control_write_endf(out, 513, "%s", err);
    return;
  }
  for (int i = 0; i < args->n; i++) {
    const char *f = args->args[i].value;
    /* Both are always on in tor since 0.2.2.1-alpha. */
    if (strcasecmp(f, "EXTENDED_EVENTS") && strcasecmp(f, "VERBOSE_NAMES")) {
      reply_unrecognized(out, "feature", f);
      control_args_free(args);
      return;
    }
  }
  control_args_free(args);
  control_write_end(out, 250, "OK");
}

static void
cmd_takeownership(control_conn_t *conn, const control_cmd_t *cmd)
{
  (void)cmd;
  control_conn_set_owner(conn, 1);
  control_write_end(control_conn_out(conn), 250, "OK");
}

static void
cmd_dropownership(control_conn_t *conn, const control_cmd_t *cmd)
{
  (void)cmd;
  control_conn_set_owner(conn, 0);
  control_write_end(control_conn_out(conn), 250, "OK");
}

static void
cmd_quit(control_conn_t *conn, const control_cmd_t *cmd)
{
  (void)cmd;
  control_write_end(control_conn_out(conn), 250, "closing connection");
  control_conn_close_after_flush(conn);
}

void
control_cmds_register(void)
{
  control_auth_register();
  control_onion_register();
  control_circ_register();
  control_ns_register();
  control_addr_register();
  control_register_command("GETINFO", cmd_getinfo);
  control_register_command("SETEVENTS", cmd_setevents);
  control_register_command("USEFEATURE", cmd_usefeature);
  control_register_command("TAKEOWNERSHIP", cmd_takeownership);
  control_register_command("DROPOWNERSHIP", cmd_dropownership);
  control_register_command("QUIT", cmd_quit);
  control_hs_register();
  control_client_auth_register();
}
