/* Control-port events: see control_events.h. */
#include "orconfig.h"
#include "feature/control/control_events.h"
#include "feature/control/control.h"
#include "core/mainloop/bootstrap.h"
#include "core/or/channel_tls.h"
#include "feature/client/socks_port.h"
#include "lib/log/log.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

uint64_t control_events_wanted_;

/* In control_event_t order: every name control-spec §4.1 defines. */
_Static_assert(CEV_N_EVENTS <= 64, "event masks are 64 bits");
static const char *const event_names[CEV_N_EVENTS] = {
  "CIRC", "CIRC_MINOR", "STREAM", "ORCONN", "BW", "DEBUG", "INFO", "NOTICE", "WARN",
  "ERR", "NEWDESC", "ADDRMAP", "DESCCHANGED", "NS", "STATUS_GENERAL", "STATUS_CLIENT",
  "STATUS_SERVER", "GUARD", "STREAM_BW", "CLIENTS_SEEN", "NEWCONSENSUS",
  "BUILDTIMEOUT_SET", "SIGNAL", "CONF_CHANGED", "CONN_BW", "CELL_STATS", "CIRC_BW",
  "TRANSPORT_LAUNCHED", "HS_DESC", "HS_DESC_CONTENT", "NETWORK_LIVENESS",
  "AUTHDIR_NEWDESCS", "TB_EMPTY", "PT_LOG", "PT_STATUS",
};

const char *
control_event_name(control_event_t ev)
{
  return (unsigned)ev < CEV_N_EVENTS ? event_names[ev] : "UNKNOWN";
}

int
control_event_from_name(const char *name)
{
  for (int i = 0; i < CEV_N_EVENTS; i++)
    if (!strcasecmp(name, event_names[i]))
      return i;
  return -1;
}

const char *
control_event_all_names(void)
{
  static char buf[512];
  if (!buf[0]) {
    size_t len = 0;
    /* The names tor lists; SETEVENTS also takes the spec's others. */
    for (int i = 0; i < CEV_AUTHDIR_NEWDESCS; i++)
      len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? " " : "",
                              event_names[i]);
  }
  return buf;
}

/* ---- delivery ---- */

static void
deliver(control_event_t ev, const char *data, size_t len)
{
  for (control_conn_t *c = control_conn_first(); c;) {
    control_conn_t *next = control_conn_next(c);
    control_event_state_t *st = control_conn_event_state(c);
    if ((st->mask >> ev) & 1)
      control_conn_queue_event(c, data, len);
    c = next;
  }
}

void
control_event_send_raw(control_event_t ev, const char *data, size_t len)
{
  if (control_event_wanted(ev) && data)
    deliver(ev, data, len);
}

void
control_event_send(control_event_t ev, const char *body)
{
  if (!control_event_wanted(ev))
    return;
  size_t n = strlen(body);
  char stack[1024];
  char *line = n + 7 <= sizeof(stack) ? stack : malloc(n + 7);
  if (!line)
    return;
  memcpy(line, "650 ", 4);
  for (size_t i = 0; i < n; i++)
    line[4 + i] = (body[i] == '\r' || body[i] == '\n') ? ' ' : body[i];
  memcpy(line + 4 + n, "\r\n", 3);
  deliver(ev, line, n + 6);
  if (line != stack)
    free(line);
}

void
control_event_sendf(control_event_t ev, const char *fmt, ...)
{
  if (!control_event_wanted(ev))
    return;
  char buf[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  control_event_send(ev, buf);
}

void
control_event_send_data(control_event_t ev, const char *head, const char *data,
                        size_t len)
{
  if (!control_event_wanted(ev))
    return;
  struct evbuffer *b = evbuffer_new();
  if (!b)
    return;
  control_write_data(b, 650, head, data, len);
  control_write_end(b, 650, "OK");
  size_t n = evbuffer_get_length(b);
  const char *p = (const char *)evbuffer_pullup(b, -1);
  if (p)
    deliver(ev, p, n);
  evbuffer_free(b);
}

/* ---- log events ---- */

static const control_event_t severity_event[LOG_DEBUG + 1] = {
  [LOG_ERR] = CEV_ERR, [LOG_WARN] = CEV_WARN, [LOG_NOTICE] = CEV_NOTICE,
  [LOG_INFO] = CEV_INFO, [LOG_DEBUG] = CEV_DEBUG,
};

static void
log_hook(int severity, log_domain_mask_t domain, const char *msg, size_t len)
{
  (void)domain;
  if (severity < LOG_ERR || severity > LOG_DEBUG)
    return;
  control_event_t ev = severity_event[severity];
  if (!control_event_wanted(ev))
    return;
  char buf[2048];
  snprintf(buf, sizeof(buf), "%s %.*s", event_names[ev], (int)len, msg);
  control_event_send(ev, buf);
}

/* ---- bootstrap ---- */

static void
bootstrap_observer(int percent, const char *tag, const char *summary)
{
  control_event_bootstrap(percent, tag, summary);
}

void
control_event_bootstrap(int percent, const char *tag, const char *summary)
{
  if (!control_event_wanted(CEV_STATUS_CLIENT))
    return;
  char *q = control_quote(summary, strlen(summary));
  control_event_sendf(CEV_STATUS_CLIENT, "STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=%d "
                      "TAG=%s SUMMARY=%s", percent, tag, q ? q : "\"\"");
  free(q);
}

void
control_event_build_timeout_set(int timeout_ms, int total_times)
{
  /* Our timeout is fixed, not learned: no Pareto fit, nothing timed out. */
  control_event_sendf(CEV_BUILDTIMEOUT_SET, "BUILDTIMEOUT_SET COMPUTED TOTAL_TIMES=%d "
                      "TIMEOUT_MS=%d XM=0 ALPHA=0.000000 CUTOFF_QUANTILE=0.800000 "
                      "TIMEOUT_RATE=0.000000 CLOSE_MS=%d CLOSE_RATE=0.000000", total_times,
                      timeout_ms, timeout_ms);
}

void
control_event_status(control_event_t ev, const char *severity, const char *action_args)
{
  control_event_sendf(ev, "%s %s %s", control_event_name(ev), severity, action_args);
}

/* ---- the mask and the BW timer ---- */

void
control_events_update(void)
{
  uint64_t all = 0;
  for (control_conn_t *c = control_conn_first(); c; c = control_conn_next(c))
    all |= control_conn_event_state(c)->mask;
  control_events_wanted_ = all;
  log_domain_mask_t domains[LOG_DEBUG + 1];
  int any = 0;
  memset(domains, 0, sizeof(domains));
  for (int s = LOG_ERR; s <= LOG_DEBUG; s++)
    if ((all >> severity_event[s]) & 1) {
      domains[s] = LD_ALL_DOMAINS;
      any = 1;
    }
  log_set_hook(any ? log_hook : NULL, domains);
}

static struct event *bw_timer;
static uint64_t last_read, last_written;

void
control_event_stream_bw(unsigned id, uint64_t written, uint64_t read)
{
  if (!control_event_wanted(CEV_STREAM_BW))
    return;
  char when[40];
  struct timeval tv;
  gettimeofday(&tv, NULL);
  struct tm tm;
  time_t t = tv.tv_sec;
  gmtime_r(&t, &tm);
  snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%06ld", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)tv.tv_usec);
  control_event_sendf(CEV_STREAM_BW, "STREAM_BW %u %llu %llu %s", id,
                      (unsigned long long)written, (unsigned long long)read, when);
}

static void
stream_bw(unsigned id, uint64_t written, uint64_t read, void *arg)
{
  (void)arg;
  control_event_stream_bw(id, written, read);
}

static void
bw_cb(evutil_socket_t fd, short what, void *arg)
{
  uint64_t r, w;
  (void)fd; (void)what; (void)arg;
  channel_total_bytes(&r, &w);
  if (control_event_wanted(CEV_BW))
    control_event_sendf(CEV_BW, "BW %llu %llu", (unsigned long long)(r - last_read),
                        (unsigned long long)(w - last_written));
  last_read = r;
  last_written = w;
  /* Per-stream counts are reset every second whether or not anybody
   * listens, so a new listener sees this second only. */
  socks_ports_report_stream_bw(stream_bw, NULL);
  control_events_circ_bw_tick();
  control_events_conn_bw_tick();
}

void
control_events_start(struct event_base *base)
{
  if (!bw_timer) {
    bw_timer = event_new(base, -1, EV_PERSIST, bw_cb, NULL);
    struct timeval one = { 1, 0 };
    if (bw_timer)
      event_add(bw_timer, &one);
  }
  channel_total_bytes(&last_read, &last_written);
  bootstrap_set_observer(bootstrap_observer);
  circuit_set_observer(control_circuit_observer);
  channel_set_observer(control_channel_observer);
}

void
control_events_stop(void)
{
  if (bw_timer)
    event_free(bw_timer);
  bw_timer = NULL;
  bootstrap_set_observer(NULL);
  circuit_set_observer(NULL);
  channel_set_observer(NULL);
  control_events_wanted_ = 0;
  log_set_hook(NULL, NULL);
}
