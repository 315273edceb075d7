/* CIRC and CIRC_MINOR events and GETINFO circuit-status (control-spec
 * §4.1.1, §4.1.13, §3.9): one line per circuit, "ID STATUS [PATH]
 * BUILD_FLAGS= PURPOSE= [HS_STATE=] [REND_QUERY=] TIME_CREATED= [REASON=]",
 * with the path as $FP~nick of the hops open so far, from the core's
 * circuit observer; and CIRC_BW every second from the circuits' counters. */
#include "orconfig.h"
#include "feature/control/control_events.h"
#include "feature/control/control.h"
#include "core/or/circuit.h"
#include "lib/encoding/base16.h"

#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
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
    /* A hop known by identity only (a fallback directory: its "nickname"
     * is "$" and hex digits) is "$FP", as tor writes it. */
    int named = h->nickname[0] && h->nickname[0] != '$';
    len += (size_t)snprintf(out + len, outlen - len, "%s$%s%s%s", i ? "," : " ", fp,
                            named ? "~" : "", named ? h->nickname : "");
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
  char line[1536];
  if (ev == CIRCUIT_EVENT_PURPOSE_CHANGED) {
    if (!control_event_wanted(CEV_CIRC_MINOR))
      return;
    format_circuit(line, sizeof(line), circ, "PURPOSE_CHANGED", 1);
    const char *old_state = circuit_old_hs_state(circ);
    control_event_sendf(CEV_CIRC_MINOR, "CIRC_MINOR %s OLD_PURPOSE=%s%s%s", line,
                        circuit_old_purpose(circ), old_state[0] ? " OLD_HS_STATE=" : "",
                        old_state);
    return;
  }
  if (!control_event_wanted(CEV_CIRC))
    return;
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
  char *s = control_evbuffer_to_answer(b);
  *answer = s;
  return 0;
}

void
control_events_circ_bw_tick(void)
{
  int wanted = control_event_wanted(CEV_CIRC_BW);
  struct timeval tv;
  gettimeofday(&tv, NULL);
  struct tm tm;
  time_t t = tv.tv_sec;
  gmtime_r(&t, &tm);
  char when[40];
  snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%06ld", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)tv.tv_usec);
  /* Counters restart every second whether or not anybody listens, so a
   * new listener sees this second only. */
  for (circuit_t *c = circuit_first(); c; c = circuit_next(c)) {
    circuit_bw_t bw;
    circuit_take_bw(c, &bw);
    if (!wanted || (!bw.read && !bw.written))
      continue;
    char cc[128] = "";
    if (bw.has_cc)
      snprintf(cc, sizeof(cc), " SS=%d CWND=%lld RTT=%llu MIN_RTT=%llu", bw.in_slow_start ? 1 : 0,
               (long long)bw.cwnd, (unsigned long long)bw.rtt_msec,
               (unsigned long long)bw.min_rtt_msec);
    control_event_sendf(CEV_CIRC_BW, "CIRC_BW ID=%u READ=%llu WRITTEN=%llu TIME=%s "
                        "DELIVERED_READ=%llu OVERHEAD_READ=%llu DELIVERED_WRITTEN=%llu "
                        "OVERHEAD_WRITTEN=%llu%s", circuit_log_id(c),
                        (unsigned long long)bw.read, (unsigned long long)bw.written, when,
                        (unsigned long long)bw.delivered_read,
                        (unsigned long long)bw.overhead_read,
                        (unsigned long long)bw.delivered_written,
                        (unsigned long long)bw.overhead_written, cc);
  }
}
