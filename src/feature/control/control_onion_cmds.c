/* ADD_ONION, DEL_ONION and GETINFO onions/current, onions/detached
 * (control-spec §3.27, §3.28): ephemeral onion services whose keys live in
 * memory. The Port= arguments become the same HiddenService* lines a torrc
 * has, parsed by hs_config, so ADD_ONION serves exactly what a torrc can:
 *   Port=VIRT                    127.0.0.1:VIRT
 *   Port=VIRT,TARGET             PORT, ADDR:PORT or unix:PATH
 *   Port=VIRT,bulk[:OPTS]        HiddenServiceBulkSource VIRT OPTS, where
 *                                OPTS is pattern=P,bytes=SIZE,rate=SIZE
 *   Port=VIRT,bulk-sink          HiddenServiceBulkSink VIRT
 * (no spaces, so stem's create_ephemeral_hidden_service passes them in its
 * ports argument: {9000: "bulk:pattern=sequence,bytes=1GB"}). A service
 * goes with the connection that made it unless Flags=Detach. Reply texts
 * are real tor's. */
#include "orconfig.h"
#include "feature/control/control.h"
#include "feature/control/control_onion.h"
#include "feature/hs/hs_config.h"
#include "feature/hs/hs_service.h"
#include "lib/crypt/crypto_util.h"
#include "lib/crypt/onion_address.h"
#include "lib/encoding/base64.h"

#include <ctype.h>
#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_LINES 70

typedef struct line_builder_t {
  config_line_t *head, **tail;
  int n;
} line_builder_t;

static int
add_line(line_builder_t *b, const char *key, const char *value)
{
  if (b->n == MAX_LINES)
    return -1;
  config_line_t *l = config_line_new(key, value, CONFLINE_NORMAL, "ADD_ONION", 0);
  if (!l)
    return -1;
  *b->tail = l;
  b->tail = &l->next;
  b->n++;
  return 0;
}

/* "pattern=sequence,bytes=1GB" to "Pattern=sequence Bytes=1GB". */
static int
bulk_options(const char *opts, char *out, size_t outlen)
{
  size_t len = 0;
  out[0] = '\0';
  while (*opts) {
    const char *end = strchr(opts, ',');
    size_t n = end ? (size_t)(end - opts) : strlen(opts);
    if (n == 0 || len + n + 2 >= outlen)
      return -1;
    out[len++] = ' ';
    memcpy(out + len, opts, n);
    out[len] = (char)toupper((unsigned char)out[len]);
    len += n;
    out[len] = '\0';
    opts += n + (end ? 1 : 0);
  }
  return 0;
}

/* One Port= value as a HiddenService* line; -1 if malformed. */
static int
port_line(line_builder_t *b, const char *value)
{
  char virt[16], line[600];
  const char *comma = strchr(value, ',');
  size_t vlen = comma ? (size_t)(comma - value) : strlen(value);
  if (vlen == 0 || vlen >= sizeof(virt))
    return -1;
  memcpy(virt, value, vlen);
  virt[vlen] = '\0';
  for (size_t i = 0; i < vlen; i++)
    if (!isdigit((unsigned char)virt[i]))
      return -1;
  long port = strtol(virt, NULL, 10);
  if (port < 1 || port > 65535)
    return -1;
  if (!comma)
    return add_line(b, "HiddenServicePort", virt);
  const char *target = comma + 1;
  if (!strcasecmp(target, "bulk-sink"))
    return add_line(b, "HiddenServiceBulkSink", virt);
  if (!strcasecmp(target, "bulk") || !strncasecmp(target, "bulk:", 5)) {
    char opts[512] = "";
    if (target[4] == ':' && bulk_options(target + 5, opts, sizeof(opts)) < 0)
      return -1;
    snprintf(line, sizeof(line), "%s%s", virt, opts);
    return add_line(b, "HiddenServiceBulkSource", line);
  }
  if (!*target || strchr(target, ' '))
    return -1;
  snprintf(line, sizeof(line), "%s %s", virt, target);
  return add_line(b, "HiddenServicePort", line);
}

static void
cmd_add_onion(control_conn_t *conn, const control_cmd_t *cmd)
{
  struct evbuffer *out = control_conn_out(conn);
  const char *perr = NULL;
  char err[1024];
  control_args_t *args = control_args_parse(cmd->args, cmd->args_len, CONTROL_ARGS_KV, &perr);
  if (!args) {
    control_write_endf(out, 513, "%s", perr);
    return;
  }
  line_builder_t b = { NULL, &b.head, 0 };
  uint8_t esk[64];
  int have_key = 0, discard_pk = 0, detach = 0, n_ports = 0, ok = 1;
  if (args->n < 1) {
    control_write_end(out, 512, "Bad arguments to ADD_ONION: Need at least 1 argument(s)");
    goto done;
  }
  /* The key: NEW:BEST, NEW:ED25519-V3 or ED25519-V3:<base64>. Base64
   * padding makes the argument parser see "KEY=VALUE": join it back. */
  char keyarg[256];
  const control_arg_t *k0 = &args->args[0];
  snprintf(keyarg, sizeof(keyarg), "%s%s%s", k0->key ? k0->key : "", k0->key ? "=" : "",
           k0->value);
  const char *colon = strchr(keyarg, ':');
  if (!colon) {
    control_write_end(out, 513, "Invalid key type");
    goto done;
  }
  size_t tlen = (size_t)(colon - keyarg);
  const char *blob = colon + 1;
  if (tlen == 3 && !strncasecmp(keyarg, "NEW", 3)) {
    if (strcasecmp(blob, "BEST") && strcasecmp(blob, "ED25519-V3")) {
      control_write_end(out, 513, "Invalid key type");
      goto done;
    }
  } else if (tlen == 10 && !strncasecmp(keyarg, "ED25519-V3", 10)) {
    if (base64_decode(esk, sizeof(esk), blob, strlen(blob)) != 64) {
      control_write_end(out, 512, "Failed to decode ED25519-V3 key");
      goto done;
    }
    have_key = 1;
  } else {
    control_write_end(out, 513, "Invalid key type");
    goto done;
  }
  for (int i = 1; i < args->n && ok; i++) {
    const control_arg_t *a = &args->args[i];
    if (!a->key) {
      control_write_endf(out, 513, "Invalid argument \"%s\"", a->value);
      ok = 0;
    } else if (!strcasecmp(a->key, "Port")) {
      if (port_line(&b, a->value) < 0) {
        control_write_end(out, 512, "Invalid VIRTPORT/TARGET");
        ok = 0;
      }
      n_ports++;
    } else if (!strcasecmp(a->key, "Flags")) {
      char flags[256];
      snprintf(flags, sizeof(flags), "%s", a->value);
      for (char *f = strtok(flags, ","); f && ok; f = strtok(NULL, ",")) {
        if (!strcasecmp(f, "DiscardPK")) {
          discard_pk = 1;
        } else if (!strcasecmp(f, "Detach")) {
          detach = 1;
        } else if (!strcasecmp(f, "MaxStreamsCloseCircuit")) {
          ok = add_line(&b, "HiddenServiceMaxStreamsCloseCircuit", "1") == 0;
        } else if (!strcasecmp(f, "V3Auth") || !strcasecmp(f, "BasicAuth")) {
          control_write_end(out, 512, "Client authorization is not supported by this "
                            "daemon yet");
          ok = 0;
        } else if (!strcasecmp(f, "NonAnonymous")) {
          control_write_end(out, 512, "Tor is in anonymous hidden service mode");
          ok = 0;
        } else {
          control_write_endf(out, 512, "Invalid 'Flags' argument: \"%s\"", f);
          ok = 0;
        }
      }
    } else if (!strcasecmp(a->key, "MaxStreams")) {
      ok = add_line(&b, "HiddenServiceMaxStreams", a->value) == 0;
      if (!ok)
        control_write_end(out, 512, "Invalid MaxStreams");
    } else if (!strcasecmp(a->key, "ClientAuth") || !strcasecmp(a->key, "ClientAuthV3")) {
      control_write_end(out, 512, "Client authorization is not supported by this daemon yet");
      ok = 0;
    } else {
      control_write_endf(out, 513, "Invalid argument \"%s\"", a->key);
      ok = 0;
    }
  }
  if (!ok)
    goto done;
  if (n_ports == 0) {
    control_write_end(out, 512, "Missing 'Port' argument");
    goto done;
  }
  /* The same parser as the torrc's, behind a made-up HiddenServiceDir. */
  config_line_t *dir = config_line_new("HiddenServiceDir", "/ADD_ONION", CONFLINE_NORMAL,
                                       "ADD_ONION", 0);
  if (!dir) {
    control_write_end(out, 551, "Out of memory");
    goto done;
  }
  dir->next = b.head;
  b.head = dir;
  static hs_service_config_t cfg[1];
  int n = hs_config_parse(b.head, cfg, 1, err, sizeof(err));
  if (n != 1) {
    control_write_endf(out, 512, "Invalid VIRTPORT/TARGET: %s", n < 0 ? err : "no port");
    goto done;
  }
  hs_service_keys_t keys;
  int rv = hs_service_add_ephemeral(&cfg[0], have_key ? esk : NULL,
                                    detach ? 0 : control_conn_id(conn), &keys, err,
                                    sizeof(err));
  if (rv == -2) {
    control_write_end(out, 550, "Onion address collision");
    goto done;
  }
  if (rv < 0) {
    control_write_endf(out, 551, "%s", err);
    goto done;
  }
  control_write_midf(out, 250, "ServiceID=%s", keys.address);
  if (!discard_pk && !have_key) {
    char b64[100];
    base64_encode(b64, sizeof(b64), keys.identity_esk, 64, 0);
    control_write_midf(out, 250, "PrivateKey=ED25519-V3:%s", b64);
    memwipe(b64, sizeof(b64));
  }
  memwipe(&keys, sizeof(keys));
  control_write_end(out, 250, "OK");
done:
  memwipe(esk, sizeof(esk));
  config_lines_free(b.head);
  control_args_free(args);
}

static void
cmd_del_onion(control_conn_t *conn, const control_cmd_t *cmd)
{
  struct evbuffer *out = control_conn_out(conn);
  const char *perr = NULL;
  control_args_t *args = control_args_parse(cmd->args, cmd->args_len, 0, &perr);
  if (!args) {
    control_write_endf(out, 513, "%s", perr);
    return;
  }
  if (args->n < 1) {
    control_write_end(out, 512, "Bad arguments to DEL_ONION: Need at least 1 argument(s)");
  } else {
    const char *id = args->args[0].value;
    uint8_t pk[32];
    const char *why = NULL;
    if (strlen(id) != ONION_ADDRESS_LEN || onion_address_decode(pk, id, strlen(id), &why) < 0)
      control_write_end(out, 512, "Malformed Onion Service id");
    else if (hs_service_remove(id) < 0)
      control_write_end(out, 552, "Unknown Onion Service id");
    else
      control_write_end(out, 250, "OK");
  }
  control_args_free(args);
}

static int
gi_onions(const char *key, char **answer, const char **errmsg)
{
  const char *list[256];
  int detached = !strcmp(key, "onions/detached");
  control_conn_t *conn = control_current_conn();
  (void)errmsg;
  size_t n = hs_service_list(conn ? control_conn_id(conn) : 0, detached, list, 256);
  if (!detached && !conn)
    n = 0;
  size_t cap = n * (ONION_ADDRESS_LEN + 1) + 1;
  char *s = malloc(cap);
  if (!s)
    return -1;
  s[0] = '\0';
  size_t len = 0;
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(s + len, cap - len, "%s%s", i ? "\n" : "", list[i]);
  *answer = s;
  return 0;
}

void
control_onion_register(void)
{
  control_register_command("ADD_ONION", cmd_add_onion);
  control_register_command("DEL_ONION", cmd_del_onion);
  control_register_getinfo("onions/current", 0, "Onion services owned by the current "
                           "control connection.", gi_onions);
  control_register_getinfo("onions/detached", 0, "Onion services detached from the "
                           "control connection.", gi_onions);
}

void
control_onion_conn_closed(control_conn_t *conn)
{
  hs_service_owner_gone(control_conn_id(conn));
}
