/* ORCONN, CONN_BW and NETWORK_LIVENESS events, GETINFO orconn-status and
 * network-liveness (control-spec §4.1.3, §4.1.23, §4.1.27, §3.9), from
 * the core's channel observer. A channel is named as tor names an OR
 * connection: "$FP~nick" when the relay is in our consensus, "$FP" when
 * only its identity is known, else "address:port". */
#include "orconfig.h"
#include "feature/control/control_events.h"
#include "feature/control/control.h"
#include "feature/client/client.h"
#include "feature/nodelist/nodelist.h"
#include "feature/dirclient/dirstate.h"
#include "core/or/channel_tls.h"
#include "lib/encoding/base16.h"

#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Open channels, for NETWORK_LIVENESS: the network is up while we have
 * at least one. */
static int n_open_channels;

static void
channel_name(char *out, size_t outlen, const channel_t *chan)
{
  const uint8_t *id = channel_rsa_id(chan);
  if (!id) {
    snprintf(out, outlen, "%s", channel_peer_description(chan));
    return;
  }
  char fp[41];
  base16_encode(fp, sizeof(fp), id, 20);
  const dirstate_t *ds = client_dirstate();
  const node_t *node = ds && ds->nodes ? nodelist_find(ds->nodes, id) : NULL;
  if (node && node->nickname[0])
    snprintf(out, outlen, "$%s~%s", fp, node->nickname);
  else
    snprintf(out, outlen, "$%s", fp);
}

/* tor's OR connection end reasons (control-spec §4.1.3). */
static const char *
orconn_reason(channel_close_reason_t reason)
{
  switch (reason) {
    case CHANNEL_CLOSE_REQUESTED: return "DONE";
    case CHANNEL_CLOSE_CONNECT_FAILED: return "CONNECTREFUSED";
    case CHANNEL_CLOSE_TLS_ERROR: return "IOERROR";
    case CHANNEL_CLOSE_HANDSHAKE_FAILED: return "MISC";
    case CHANNEL_CLOSE_IDENTITY_MISMATCH: return "IDENTITY";
    case CHANNEL_CLOSE_PROTOCOL_ERROR: return "MISC";
    case CHANNEL_CLOSE_REMOTE: return "DONE";
    case CHANNEL_CLOSE_TIMEOUT: return "TIMEOUT";
    case CHANNEL_CLOSE_RESOURCE: return "RESOURCELIMIT";
  }
  return "MISC";
}

void
control_channel_observer(const channel_t *chan, channel_event_t ev,
                         channel_close_reason_t reason)
{
  static const char *const names[] = {
    [CHANNEL_EVENT_LAUNCHED] = "LAUNCHED", [CHANNEL_EVENT_CONNECTED] = "CONNECTED",
    [CHANNEL_EVENT_FAILED] = "FAILED", [CHANNEL_EVENT_CLOSED] = "CLOSED",
  };
  int was_up = n_open_channels > 0;
  if (ev == CHANNEL_EVENT_CONNECTED)
    n_open_channels++;
  else if (ev == CHANNEL_EVENT_CLOSED && n_open_channels > 0)
    n_open_channels--;
  if (was_up != (n_open_channels > 0))
    control_event_sendf(CEV_NETWORK_LIVENESS, "NETWORK_LIVENESS %s",
                        n_open_channels > 0 ? "UP" : "DOWN");
  if (!control_event_wanted(CEV_ORCONN))
    return;
  char name[128];
  channel_name(name, sizeof(name), chan);
  unsigned long long id = (unsigned long long)channel_global_id(chan);
  if (ev == CHANNEL_EVENT_FAILED || ev == CHANNEL_EVENT_CLOSED) {
    char ncircs[32] = "";
    size_t n = channel_n_circs(chan);
    if (n)
      snprintf(ncircs, sizeof(ncircs), " NCIRCS=%zu", n);
    control_event_sendf(CEV_ORCONN, "ORCONN %s %s REASON=%s%s ID=%llu", name, names[ev],
                        orconn_reason(reason), ncircs, id);
  } else {
    control_event_sendf(CEV_ORCONN, "ORCONN %s %s ID=%llu", name, names[ev], id);
  }
}

void
control_events_conn_bw_tick(void)
{
  int wanted = control_event_wanted(CEV_CONN_BW);
  for (channel_t *c = channel_first(); c; c = channel_next(c)) {
    uint64_t r, w;
    channel_take_bytes(c, &r, &w);
    if (wanted && (r || w))
      control_event_sendf(CEV_CONN_BW, "CONN_BW ID=%llu TYPE=OR READ=%llu WRITTEN=%llu",
                          (unsigned long long)channel_global_id(c), (unsigned long long)r,
                          (unsigned long long)w);
  }
}

int
control_getinfo_orconn_status(const char *key, char **answer, const char **errmsg)
{
  (void)key; (void)errmsg;
  struct evbuffer *b = evbuffer_new();
  if (!b)
    return -1;
  for (const channel_t *c = channel_first(); c; c = channel_next(c)) {
    char name[128];
    channel_name(name, sizeof(name), c);
    evbuffer_add_printf(b, "%s %s\n", name, channel_is_open(c) ? "CONNECTED" : "LAUNCHED");
  }
  char *s = control_evbuffer_to_answer(b);
  *answer = s;
  return s ? 0 : -1;
}

int
control_getinfo_network_liveness(const char *key, char **answer, const char **errmsg)
{
  (void)key; (void)errmsg;
  *answer = strdup(n_open_channels > 0 ? "up" : "down");
  return *answer ? 0 : -1;
}
