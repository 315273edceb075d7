/* HSFETCH / HSPOST argument checks: see control_hs_cmds.h. Pure: no
 * network, no state; every input is (pointer, length). */
#include "orconfig.h"
#include "feature/control/control_hs_cmds.h"
#include "core/proto/proto_control.h"
#include "lib/crypt/onion_address.h"
#include "lib/encoding/base16.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int
control_hs_parse_server(const char *s, size_t len, uint8_t rsa_id[20], char nick[20])
{
  nick[0] = '\0';
  if (!s)
    return -1;
  if (len > 0 && s[0] == '$') {
    s++;
    len--;
  }
  if (len < 40 || base16_decode(rsa_id, 20, s, 40) != 20)
    return -1;
  if (len == 40)
    return 0;
  if (s[40] != '~')
    return -1;   /* "=nick" (Named) or trailing junk */
  size_t n = len - 41;
  if (n < 1 || n > 19)
    return -1;
  for (size_t i = 0; i < n; i++) {
    if (!isalnum((unsigned char)s[41 + i]))
      return -1;
    nick[i] = s[41 + i];
  }
  nick[n] = '\0';
  return 0;
}

int
control_hs_valid_address(const char *s, size_t len)
{
  uint8_t pk[32];
  return len == ONION_ADDRESS_LEN && !memchr(s, '.', len) &&
         onion_address_decode(pk, s, len, NULL) == 0;
}

static int
find_server(const control_arg_t *spec, control_hs_server_known_fn known, void *arg,
            uint8_t id[20])
{
  char nick[20];
  if (control_hs_parse_server(spec->value, spec->value_len, id, nick) < 0 || !known ||
      !known(id, nick, arg))
    return -1;
  return 0;
}

int
control_hs_parse_args(const char *args, size_t len, int is_post,
                      control_hs_server_known_fn known, void *arg,
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
    const control_arg_t *kw = &a->args[i];
    if (!kw->key) {
      snprintf(err, errlen, "512 Bad arguments to %s: Cannot parse keyword argument(s)", cmd);
      goto done;
    }
    if (strcasecmp(kw->key, "SERVER") && (!is_post || strcasecmp(kw->key, "HSADDRESS"))) {
      char *q = control_quote(kw->key, strlen(kw->key));
      snprintf(err, errlen, "512 Bad arguments to %s: Unrecognized keyword argument %s", cmd,
               q ? q : "\"\"");
      free(q);
      goto done;
    }
  }
  if (!is_post) {
    /* The address is positional even if it holds '=' (rejoin the split). */
    char first[256];
    const control_arg_t *kw = &a->args[0];
    if (kw->key)
      snprintf(first, sizeof(first), "%s=%s", kw->key, kw->value);
    else
      snprintf(first, sizeof(first), "%s", kw->value);
    /* with a key it holds '=', never in an address */
    if (kw->key || !control_hs_valid_address(kw->value, kw->value_len)) {
      snprintf(err, errlen, "513 Invalid argument \"%s\"", first);
      goto done;
    }
    memcpy(out->addr, first, ONION_ADDRESS_LEN + 1);
  }
  for (int i = first_kw; i < a->n; i++) {
    const control_arg_t *kw = &a->args[i];
    if (!strcasecmp(kw->key, "SERVER")) {
      uint8_t id[20];
      if (find_server(kw, known, arg, id) < 0) {
        snprintf(err, errlen, "552 Server \"%s\" not found", kw->value);
        goto done;
      }
      if (out->n_servers < CONTROL_HS_MAX_SERVERS)
        memcpy(out->servers[out->n_servers++], id, 20);
    } else {
      if (!control_hs_valid_address(kw->value, kw->value_len)) {
        snprintf(err, errlen, "512 Malformed onion address");
        goto done;
      }
      memcpy(out->addr, kw->value, ONION_ADDRESS_LEN + 1);
    }
  }
  rv = 0;
 done:
  control_args_free(a);
  return rv;
}

