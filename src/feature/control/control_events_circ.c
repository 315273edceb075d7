/* CIRC events and GETINFO circuit-status (control-spec §4.1.1, §3.9): one
 * line per circuit, "ID STATUS [PATH] BUILD_FLAGS= PURPOSE= [HS_STATE=]
 * [REND_QUERY=] TIME_CREATED= [REASON=]", with the path as $FP~nick of the
 * hops open so far, from the core's circuit observer. */
#include "orconfig.h"
#include "feature/control/control_events.h"
#include "feature/control/control.h"
#include "core/or/circuit.h"
#include "lib/encoding/base16.h"

#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *
reason_name(circuit_close_reason_t reason)
{
  switch (reason) {
    case CIRCUIT_CLOSE_REQUESTED: return "FINISHED";
    case CIRCUIT_CLOSE_CHANNEL_FAILED: return "CHANNEL_CLOSED";
    case CIRCUIT_CLOSE_HANDSHAKE_FAILED: return "TORPROTOCOL";
    case CIRCUIT_CLOSE_DESTROYED: return "DESTROYED";
    case CIRCUIT_CLOSE_TRUNCATED: return "DESTROYED";
    case CIRCUIT_CLOSE_PROTOCOL: return "TORPROTOCOL";
    case CIRCUIT_CLOSE_TIMEOUT: return "TIMEOUT";
    case CIRCUIT_CLOSE_RESOURCE: return "RESOURCELIMIT";
  }
  return "NONE";
}

/* "ID STATUS PATH KEYWORDS" without REASON, into out. */
static void
format_circuit(char *out, size_t outlen, const circuit_t *circ, const char *status,
               int with_path)
{
  size_t len = (size_t)snprintf(out, outlen, "%u %s", circuit_log_id(circ), status);
  int n_open = circuit_n_open_hops(circ);
  for (int i = 0; with_path && i < n_open && len < outlen; i++) {
    const circuit_hop_info_t *h = circuit_hop_info(circ, i);
    char fp[41];
    base16_encode(fp, sizeof(fp), h->rsa_id, 20);
    len += (size_t)snprintf(out + len, outlen - len, "%s$%s~%s", i ? "," : " ", fp,
                            h->nickname);
  }
  const char *purpose = circuit_purpose(circ);
  const char *flags = circuit_n_hops(circ) == 1 ? "ONEHOP_TUNNEL,IS_INTERNAL,NEED_CAPACITY"
                      : strncmp(purpose, "HS_", 3) ? "NEED_CAPACITY"
                      : "IS_INTERNAL,NEED_CAPACITY";
  if (len < outlen)
    len += (size_t)snprintf(out + len, outlen - len, " BUILD_FLAGS=%s PURPOSE=%s", flags,
                            purpose);
  if (circuit_hs_state(circ)[0] && len < outlen)
    len += (size_t)snprintf(out + len, outlen - len, " HS_STATE=%s", circuit_hs_state(circ));
  if (circuit_rend_query(circ)[0] && len < outlen)
    len += (size_t)snprintf(out + len, outlen - len, " REND_QUERY=%s",
                            circuit_rend_query(circ));
  long sec, usec;
  circuit_launched_at(circ, &sec, &usec);
  time_t t = (time_t)sec;
  struct tm tm;
  gmtime_r(&t, &tm);
  if (len < outlen)
    snprintf(out + len, outlen - len, " TIME_CREATED=%04d-%02d-%02dT%02d:%02d:%02d.%06ld",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             usec);
}

void
control_circuit_observer(const circuit_t *circ, circuit_event_t ev,
                         circuit_close_reason_t reason)
{
  static const char *const names[] = {
    [CIRCUIT_EVENT_LAUNCHED] = "LAUNCHED", [CIRCUIT_EVENT_EXTENDED] = "EXTENDED",
    [CIRCUIT_EVENT_BUILT] = "BUILT", [CIRCUIT_EVENT_FAILED] = "FAILED",
    [CIRCUIT_EVENT_CLOSED] = "CLOSED",
  };
  if (!control_event_wanted(CEV_CIRC))
    return;
  char line[1536];
  format_circuit(line, sizeof(line), circ, names[ev], ev != CIRCUIT_EVENT_LAUNCHED);
  if (ev == CIRCUIT_EVENT_FAILED || ev == CIRCUIT_EVENT_CLOSED)
    control_event_sendf(CEV_CIRC, "CIRC %s REASON=%s", line, reason_name(reason));
  else
    control_event_sendf(CEV_CIRC, "CIRC %s", line);
}

int
control_getinfo_circuit_status(const char *key, char **answer, const char **errmsg)
{
  (void)key; (void)errmsg;
  struct evbuffer *b = evbuffer_new();
  if (!b)
    return -1;
  for (const circuit_t *c = circuit_first(); c; c = circuit_next(c)) {
    char line[1536];
    const char *status = circuit_is_open(c) ? "BUILT"
                         : circuit_n_open_hops(c) ? "EXTENDED" : "LAUNCHED";
    format_circuit(line, sizeof(line), c, status, 1);
    evbuffer_add_printf(b, "%s\n", line);
  }
  size_t len = evbuffer_get_length(b);
  char *s = malloc(len + 1);
  if (s) {
    evbuffer_remove(b, s, len);
    s[len] = '\0';
  }
  evbuffer_free(b);
  *answer = s;
  return 0;
}
