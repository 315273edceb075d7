/* MAPADDRESS and RESOLVE (control-spec §3.8, §3.18), and GETINFO
 * address-mappings/...: the client's address map (feature/client/addressmap)
 * and name lookups at an exit, answered by ADDRMAP events. */
#include "orconfig.h"
#include "feature/control/control.h"
#include "feature/control/control_addr.h"
#include "feature/control/control_events.h"
#include "core/crypto/relay_msg.h"
#include "core/or/stream.h"
#include "feature/client/addressmap.h"
#include "feature/client/client.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- MAPADDRESS ---- */

static void
cmd_mapaddress(control_conn_t *conn, const control_cmd_t *cmd)
{
  struct evbuffer *out = control_conn_out(conn);
  const char *err = NULL;
  control_args_t *args = control_args_parse(cmd->args, cmd->args_len, CONTROL_ARGS_KV, &err);
  if (!args) {
    control_write_endf(out, 513, "%s", err);
    return;
  }
  for (int i = 0; i < args->n; i++)
    if (!args->args[i].key) {
      control_write_end(out, 512, "Bad arguments to MAPADDRESS: Cannot parse keyword "
                        "argument(s)");
      control_args_free(args);
      return;
    }
  if (args->n == 0) {
    control_write_end(out, 512, "Bad arguments to MAPADDRESS: Need at least 1 "
                      "argument(s)");
    control_args_free(args);
    return;
  }
  /* One reply line per mapping; a bad one is answered in place (tor). */
  for (int i = 0; i < args->n; i++) {
    const control_arg_t *a = &args->args[i];
    char from[ADDRESSMAP_ADDR_MAX + 1];
    int last = i + 1 == args->n;
    if (addressmap_set(a->key, a->value, from, sizeof(from)) < 0) {
      if (last)
        control_write_endf(out, 451, "Resource exhausted or bad address: %s", a->key);
      else
        control_write_midf(out, 451, "Resource exhausted or bad address: %s", a->key);
    } else if (last) {
      control_write_endf(out, 250, "%s=%s", from, a->value);
    } else {
      control_write_midf(out, 250, "%s=%s", from, a->value);
    }
  }
  control_args_free(args);
}

static int
gi_address_mappings(const char *key, char **answer, const char **errmsg)
{
  (void)errmsg;
  /* Only controller mappings exist: config and cache are empty. */
  if (!strcmp(key, "address-mappings/all") || !strcmp(key, "address-mappings/control"))
    *answer = addressmap_list();
  else
    *answer = strdup("");
  return 0;
}

/* ---- RESOLVE ---- */

typedef struct resolve_t {
  struct resolve_t *next;
  char host[256];
  stream_t *stream;
} resolve_t;

static resolve_t *pending;

static void
resolve_free(resolve_t *r)
{
  for (resolve_t **p = &pending; *p; p = &(*p)->next)
    if (*p == r) {
      *p = r->next;
      break;
    }
  client_cancel_circuit_request(r);
  free(r);
}

static void
addrmap_event(const char *host, const char *result, uint32_t ttl, int error)
{
  if (!control_event_wanted(CEV_ADDRMAP))
    return;
  if (error) {
    control_event_sendf(CEV_ADDRMAP, "ADDRMAP %s <error> NEVER error=yes CACHED=\"NO\"",
                        host);
    return;
  }
  char local[32], utc[32];
  time_t t = time(NULL) + (time_t)ttl;
  struct tm tm;
  localtime_r(&t, &tm);
  strftime(local, sizeof(local), "%Y-%m-%d %H:%M:%S", &tm);
  gmtime_r(&t, &tm);
  strftime(utc, sizeof(utc), "%Y-%m-%d %H:%M:%S", &tm);
  control_event_sendf(CEV_ADDRMAP, "ADDRMAP %s %s \"%s\" EXPIRES=\"%s\" CACHED=\"NO\"", host,
                      result, local, utc);
}

static void
on_resolved(stream_t *s, uint8_t type, const uint8_t *addr, size_t len, uint32_t ttl,
            void *arg)
{
  resolve_t *r = arg;
  char text[INET6_ADDRSTRLEN];
  (void)s;
  r->stream = NULL;   /* freed by the stream module */
  if ((type == RESOLVED_TYPE_IPV4 && len == 4 &&
       inet_ntop(AF_INET, addr, text, sizeof(text))) ||
      (type == RESOLVED_TYPE_IPV6 && len == 16 &&
       inet_ntop(AF_INET6, addr, text, sizeof(text))))
    addrmap_event(r->host, text, ttl, 0);
  else
    addrmap_event(r->host, NULL, 0, 1);
  resolve_free(r);
}

static void
on_end(stream_t *s, uint8_t reason, void *arg)
{
  resolve_t *r = arg;
  (void)s; (void)reason;
  r->stream = NULL;
  addrmap_event(r->host, NULL, 0, 1);
  resolve_free(r);
}

static const stream_handlers_t resolve_handlers = {
  .on_end = on_end, .on_resolved = on_resolved,
};

static void
on_circuit(circuit_t *circ, void *arg)
{
  resolve_t *r = arg;
  if (circ)
    r->stream = stream_resolve(circ, r->host, &resolve_handlers, r);
  if (!r->stream) {
    addrmap_event(r->host, NULL, 0, 1);
    resolve_free(r);
  }
}

static void
cmd_resolve(control_conn_t *conn, const control_cmd_t *cmd)
{
  struct evbuffer *out = control_conn_out(conn);
  const char *err = NULL;
  control_args_t *args = control_args_parse(cmd->args, cmd->args_len, CONTROL_ARGS_KV, &err);
  if (!args) {
    control_write_endf(out, 513, "%s", err);
    return;
  }
  const control_arg_t *mode = control_args_get(args, "mode");
  if (mode && !strcasecmp(mode->value, "reverse")) {
    control_write_end(out, 552, "Reverse lookups are not supported by this daemon");
    control_args_free(args);
    return;
  }
  /* tor answers first, then one ADDRMAP event per name. */
  control_write_end(out, 250, "OK");
  for (int i = 0; i < args->n; i++) {
    if (args->args[i].key || strlen(args->args[i].value) >= sizeof(pending->host))
      continue;
    resolve_t *r = calloc(1, sizeof(*r));
    if (!r)
      break;
    snprintf(r->host, sizeof(r->host), "%s", args->args[i].value);
    r->next = pending;
    pending = r;
    /* RESOLVEs from the control port share circuits among themselves. */
    client_get_exit_circuit((const uint8_t *)"control-resolve", 15, 0, on_circuit, r);
  }
  control_args_free(args);
}

void
control_addr_register(void)
{
  control_register_command("MAPADDRESS", cmd_mapaddress);
  control_register_command("RESOLVE", cmd_resolve);
  control_register_getinfo("address-mappings/all", 0, "Current address mappings.",
                           gi_address_mappings);
  control_register_getinfo("address-mappings/cache", 0, "Current cached DNS replies.",
                           gi_address_mappings);
  control_register_getinfo("address-mappings/config", 0, "Current address mappings from "
                           "configuration.", gi_address_mappings);
  control_register_getinfo("address-mappings/control", 0, "Current address mappings "
                           "from controller.", gi_address_mappings);
}

void
control_addr_stop(void)
{
  while (pending) {
    if (pending->stream)
      stream_close(pending->stream, END_REASON_DONE);
    resolve_free(pending);
  }
  addressmap_clear();
}
