/* Circuit and stream commands (control-spec §3.10-3.15): EXTENDCIRCUIT 0
 * (a new circuit, on a given path or one chosen as for streams; extending
 * an existing circuit is not supported), SETCIRCUITPURPOSE, CLOSECIRCUIT,
 * CLOSESTREAM, and ATTACHSTREAM (our streams are always attached by the
 * daemon, so it only tells known from unknown streams). Circuit and stream
 * ids are those of CIRC and STREAM events. Reply texts are real tor's. */
#include "orconfig.h"
#include "feature/control/control.h"
#include "feature/control/control_circ.h"
#include "core/or/circuit.h"
#include "feature/client/client.h"
#include "feature/client/socks_port.h"
#include "feature/dirclient/dirstate.h"
#include "lib/encoding/base16.h"

#include <ctype.h>
#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void
reply_unknown(struct evbuffer *out, const char *what, const char *id)
{
  char *q = control_quote(id, strlen(id));
  control_write_endf(out, 552, "Unknown %s %s", what, q ? q : "\"\"");
  free(q);
}

/* A decimal id; 0 if not one. */
static unsigned long
parse_id(const char *s)
{
  if (!*s || strlen(s) > 9)
    return 0;
  for (const char *p = s; *p; p++)
    if (!isdigit((unsigned char)*p))
      return 0;
  return strtoul(s, NULL, 10);
}

static circuit_t *
find_circuit(const char *id)
{
  unsigned long n = parse_id(id);
  for (circuit_t *c = circuit_first(); c && n; c = circuit_next(c))
    if (circuit_log_id(c) == n)
      return c;
  return NULL;
}

/* Parses the arguments; answers 512 and returns NULL when fewer than min. */
static control_args_t *
args_at_least(control_conn_t *conn, const control_cmd_t *cmd, int min, unsigned flags)
{
  struct evbuffer *out = control_conn_out(conn);
  const char *err = NULL;
  control_args_t *args = control_args_parse(cmd->args, cmd->args_len, flags, &err);
  if (!args) {
    control_write_endf(out, 513, "%s", err);
    return NULL;
  }
  int positional = 0;
  for (int i = 0; i < args->n; i++)
    positional += args->args[i].key == NULL;
  if (positional < min) {
    control_write_endf(out, 512, "Bad arguments to %s: Need at least %d argument(s)",
                       cmd->keyword, min);
    control_args_free(args);
    return NULL;
  }
  return args;
}

static void
cmd_closecircuit(control_conn_t *conn, const control_cmd_t *cmd)
{
  control_args_t *args = args_at_least(conn, cmd, 1, 0);
  if (!args)
    return;
  circuit_t *c = find_circuit(args->args[0].value);
  if (!c) {
    reply_unknown(control_conn_out(conn), "circuit", args->args[0].value);
  } else {
    /* IfUnused (and any other flag) is accepted; we close it either way
     * once it has no stream, which is always true of controller circuits. */
    circuit_close(c, CIRCUIT_CLOSE_REQUESTED);
    control_write_end(control_conn_out(conn), 250, "OK");
  }
  control_args_free(args);
}

static void
cmd_setcircuitpurpose(control_conn_t *conn, const control_cmd_t *cmd)
{
  control_args_t *args = args_at_least(conn, cmd, 1, CONTROL_ARGS_KV);
  if (!args)
    return;
  struct evbuffer *out = control_conn_out(conn);
  circuit_t *c = find_circuit(args->args[0].value);
  const control_arg_t *p = control_args_get(args, "purpose");
  if (!c) {
    reply_unknown(out, "circuit", args->args[0].value);
  } else if (!p || (strcasecmp(p->value, "general") && strcasecmp(p->value, "controller"))) {
    char *q = p ? control_quote(p->value, strlen(p->value)) : NULL;
    control_write_endf(out, 552, "Unknown purpose %s", q ? q : "\"\"");
    free(q);
  } else {
    circuit_set_purpose(c, strcasecmp(p->value, "general") ? "CONTROLLER" : "GENERAL",
                        NULL, NULL);
    control_write_end(out, 250, "OK");
  }
  control_args_free(args);
}

/* "$FP", "$FP~nick", "$FP=nick" or a nickname, in the consensus. */
static const node_t *
find_node(const nodelist_t *nl, const char *spec)
{
  if (spec[0] == '$') {
    uint8_t id[20];
    if (strlen(spec) < 41 || base16_decode(id, sizeof(id), spec + 1, 40) != 20 ||
        (spec[41] && spec[41] != '~' && spec[41] != '='))
      return NULL;
    return nodelist_find(nl, id);
  }
  for (size_t i = 0; i < nl->n_nodes; i++)
    if (!strcasecmp(nl->nodes[i].nickname, spec))
      return &nl->nodes[i];
  return NULL;
}

static void
cmd_extendcircuit(control_conn_t *conn, const control_cmd_t *cmd)
{
  control_args_t *args = args_at_least(conn, cmd, 1, CONTROL_ARGS_KV);
  if (!args)
    return;
  struct evbuffer *out = control_conn_out(conn);
  const char *id = args->args[0].value;
  circuit_hop_info_t hops[CIRCUIT_MAX_HOPS];
  int n_hops = 0;
  const control_arg_t *purpose = control_args_get(args, "purpose");
  if (strcmp(id, "0")) {
    if (!find_circuit(id))
      reply_unknown(out, "circuit", id);
    else
      control_write_end(out, 551, "Extending an existing circuit is not supported by this "
                        "daemon");
    goto done;
  }
  if (purpose && strcasecmp(purpose->value, "general") &&
      strcasecmp(purpose->value, "controller")) {
    char *q = control_quote(purpose->value, strlen(purpose->value));
    control_write_endf(out, 552, "Unknown purpose %s", q ? q : "\"\"");
    free(q);
    goto done;
  }
  const struct dirstate_t *ds = client_dirstate();
  if (args->n > 1 && !args->args[1].key) {
    char path[2048];
    snprintf(path, sizeof(path), "%s", args->args[1].value);
    for (char *tok = strtok(path, ","); tok; tok = strtok(NULL, ",")) {
      const node_t *n = ds && ds->nodes ? find_node(ds->nodes, tok) : NULL;
      if (!n) {
        char *q = control_quote(tok, strlen(tok));
        control_write_endf(out, 552, "No such router %s", q ? q : "\"\"");
        free(q);
        goto done;
      }
      if (n_hops == CIRCUIT_MAX_HOPS) {
        control_write_end(out, 512, "Too many hops");
        goto done;
      }
      node_get_hop_info(n, &hops[n_hops++]);
    }
  }
  circuit_t *c = client_launch_controller_circuit(
      hops, n_hops, purpose && !strcasecmp(purpose->value, "controller") ? "CONTROLLER" : NULL);
  if (!c) {
    control_write_end(out, 551, "Couldn't start circuit");
    goto done;
  }
  control_write_endf(out, 250, "EXTENDED %u", circuit_log_id(c));
done:
  control_args_free(args);
}

static void
cmd_closestream(control_conn_t *conn, const control_cmd_t *cmd)
{
  control_args_t *args = args_at_least(conn, cmd, 2, 0);
  if (!args)
    return;
  unsigned long id = parse_id(args->args[0].value);
  if (!id || socks_ports_close_stream((unsigned)id) < 0)
    reply_unknown(control_conn_out(conn), "stream", args->args[0].value);
  else
    control_write_end(control_conn_out(conn), 250, "OK");
  control_args_free(args);
}

static void
cmd_attachstream(control_conn_t *conn, const control_cmd_t *cmd)
{
  control_args_t *args = args_at_least(conn, cmd, 2, CONTROL_ARGS_KV);
  if (!args)
    return;
  unsigned long id = parse_id(args->args[0].value);
  if (!id || !socks_ports_has_stream((unsigned)id))
    reply_unknown(control_conn_out(conn), "stream", args->args[0].value);
  else
    control_write_end(control_conn_out(conn), 555, "Connection is not managed by "
                      "controller.");
  control_args_free(args);
}

void
control_circ_register(void)
{
  control_register_command("EXTENDCIRCUIT", cmd_extendcircuit);
  control_register_command("SETCIRCUITPURPOSE", cmd_setcircuitpurpose);
  control_register_command("CLOSECIRCUIT", cmd_closecircuit);
  control_register_command("CLOSESTREAM", cmd_closestream);
  control_register_command("ATTACHSTREAM", cmd_attachstream);
}
