/* Onion service streams: see hs_stream.h. */
#include "orconfig.h"
#include "feature/hs/hs_stream.h"
#include "core/crypto/relay_msg.h"
#include "core/or/stream_flow.h"
#include "core/crypto/sendme.h"
#include "feature/bulk/bulk_source.h"
#include "lib/log/log.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

/* Local bytes queued toward a TCP target before we hold back SENDMEs. */
#define TARGET_OUTBUF_HIGH (256 * 1024)
#define TARGET_OUTBUF_LOW (64 * 1024)

typedef struct hs_stream_t {
  struct hs_stream_t *next, *prev;
  circuit_t *circ;
  uint16_t id;
  const hs_port_config_t *port;
  hs_stream_stats_t *stats;
  int connected;
  bulk_source_t source;           /* BULK_SOURCE */
  struct event *rate_timer;       /* BULK_SOURCE with Rate= */
  struct bufferevent *bev;        /* TCP / unix target */
  int target_blocked;
  stream_flow_t flow;             /* windows, or XON/XOFF: stream_flow.h */
} hs_stream_t;

static struct event_base *stream_base;
static hs_stream_t *all_streams;
static size_t n_streams;

static uint64_t
now_usec(void)
{
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

void
hs_stream_init(struct event_base *base)
{
  stream_base = base;
}

static hs_stream_t *
find_stream(const circuit_t *circ, uint16_t id)
{
  for (hs_stream_t *s = all_streams; s; s = s->next)
    if (s->circ == circ && s->id == id)
      return s;
  return NULL;
}

static void
stream_free(hs_stream_t *s)
{
  if (s->prev)
    s->prev->next = s->next;
  else
    all_streams = s->next;
  if (s->next)
    s->next->prev = s->prev;
  n_streams--;
  if (s->rate_timer)
    event_free(s->rate_timer);
  if (s->bev)
    bufferevent_free(s->bev);
  bulk_source_clear(&s->source);
  free(s);
}

/* Sends END (if the circuit can still carry it) and frees the stream. */
static void
stream_end(hs_stream_t *s, uint8_t reason)
{
  if (circuit_is_open(s->circ))
    circuit_send_relay(s->circ, -1, RELAY_COMMAND_END, s->id, &reason, 1);
  stream_free(s);
}

/* May s send another DATA cell as far as the stream is concerned? */
static int
stream_may_send(const hs_stream_t *s)
{
  return stream_flow_may_package(&s->flow);
}

static void
note_cell_sent(hs_stream_t *s, size_t n)
{
  (void)n;
  stream_flow_packaged(&s->flow);
  s->stats->bytes_sent += (uint64_t)n;
}

/* ---- bulk source ---- */

static size_t
fill_from_source(uint8_t *out, size_t max, void *arg)
{
  hs_stream_t *s = arg;
  /* Only a rate cap reads the clock. */
  return bulk_source_fill(&s->source, out, max, s->source.rate ? now_usec() : 0);
}

/* Sends generated DATA cells while every window allows. */
static void
pump_bulk_source(hs_stream_t *s)
{
  while (stream_may_send(s)) {
    if (bulk_source_finished(&s->source)) {
      stream_end(s, END_REASON_DONE);
      return;
    }
    int n = circuit_send_data_generated(s->circ, s->id, fill_from_source, s);
    if (n == -2)
      return;   /* the circuit window: on_writable resumes us */
    if (n < 0)
      return;   /* the circuit is closing; its close frees us */
    if (n == 0) {
      /* The rate cap: come back when a cell's worth is allowed. */
      uint64_t wait = bulk_source_wait_usec(&s->source, RELAY_DATA_MAX, now_usec());
      struct timeval tv = { (time_t)(wait / 1000000u), (suseconds_t)(wait % 1000000u) };
      evtimer_add(s->rate_timer, &tv);
      return;
    }
    note_cell_sent(s, (size_t)n);
  }
}

static void
rate_timer_cb(evutil_socket_t fd, short what, void *arg)
{
  (void)fd; (void)what;
  pump_bulk_source(arg);
}

/* ---- TCP / unix targets ---- */

static void pump_target_to_stream(hs_stream_t *s);

static void
target_read_cb(struct bufferevent *bev, void *arg)
{
  (void)bev;
  pump_target_to_stream(arg);
}

static void reopen_client_window(hs_stream_t *s);

static void
target_write_cb(struct bufferevent *bev, void *arg)
{
  hs_stream_t *s = arg;
  if (evbuffer_get_length(bufferevent_get_output(bev)) > TARGET_OUTBUF_LOW)
    return;
  s->target_blocked = 0;
  reopen_client_window(s);
}

static void
target_event_cb(struct bufferevent *bev, short events, void *arg)
{
  hs_stream_t *s = arg;
  (void)bev;
  if (events & BEV_EVENT_CONNECTED) {
    s->connected = 1;
    circuit_send_relay(s->circ, -1, RELAY_COMMAND_CONNECTED, s->id, NULL, 0);
    return;
  }
  if (events & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
    uint8_t reason = s->connected ? END_REASON_DONE : END_REASON_CONNECTREFUSED;
    stream_end(s, reason);
  }
}

static void
pump_target_to_stream(hs_stream_t *s)
{
  struct evbuffer *in = bufferevent_get_input(s->bev);
  while (stream_may_send(s) && evbuffer_get_length(in) > 0) {
    size_t n = evbuffer_get_length(in);
    if (n > RELAY_DATA_MAX)
      n = RELAY_DATA_MAX;
    const uint8_t *data = evbuffer_pullup(in, (ev_ssize_t)n);
    int r = circuit_send_relay(s->circ, -1, RELAY_COMMAND_DATA, s->id, data, n);
    if (r < 0)
      break;
    evbuffer_drain(in, n);
    note_cell_sent(s, n);
  }
  if (evbuffer_get_length(in) > 0)
    bufferevent_disable(s->bev, EV_READ);
  else
    bufferevent_enable(s->bev, EV_READ);
}

static int
connect_target(hs_stream_t *s)
{
  struct sockaddr_storage ss;
  socklen_t len;
  memset(&ss, 0, sizeof(ss));
  if (s->port->kind == HS_PORT_UNIX) {
    struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
    sun->sun_family = AF_UNIX;
    snprintf(sun->sun_path, sizeof(sun->sun_path), "%s", s->port->unix_path);
    len = sizeof(*sun);
  } else {
    struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, s->port->target_address, &sin->sin_addr) == 1) {
      sin->sin_family = AF_INET;
      sin->sin_port = htons(s->port->target_port);
      len = sizeof(*sin);
    } else if (inet_pton(AF_INET6, s->port->target_address, &sin6->sin6_addr) == 1) {
      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = htons(s->port->target_port);
      len = sizeof(*sin6);
    } else {
      return -1;
    }
  }
  s->bev = bufferevent_socket_new(stream_base, -1, BEV_OPT_CLOSE_ON_FREE);
  if (!s->bev)
    return -1;
  bufferevent_setcb(s->bev, target_read_cb, target_write_cb, target_event_cb, s);
  bufferevent_setwatermark(s->bev, EV_WRITE, TARGET_OUTBUF_LOW, 0);
  if (bufferevent_socket_connect(s->bev, (struct sockaddr *)&ss, (int)len) < 0)
    return -1;
  bufferevent_enable(s->bev, EV_READ);
  return 0;
}

/* ---- messages from the client ---- */

/* The virtual port of a BEGIN body "ADDRESS:PORT" NUL [FLAGS]. */
static int
begin_port(const uint8_t *data, size_t len, uint16_t *port)
{
  const uint8_t *nul = memchr(data, 0, len);
  if (!nul)
    return -1;
  const char *colon = strrchr((const char *)data, ':');
  if (!colon)
    return -1;
  char *end;
  long p = strtol(colon + 1, &end, 10);
  if (end == colon + 1 || *end || p < 1 || p > 65535)
    return -1;
  *port = (uint16_t)p;
  return 0;
}

static size_t
count_on_circuit(const circuit_t *circ)
{
  size_t n = 0;
  for (const hs_stream_t *s = all_streams; s; s = s->next)
    n += s->circ == circ;
  return n;
}

static void
handle_begin(circuit_t *circ, const hs_service_config_t *svc, hs_stream_stats_t *stats,
             uint16_t id, const uint8_t *data, size_t len)
{
  uint16_t port;
  if (id == 0 || find_stream(circ, id) || begin_port(data, len, &port) < 0) {
    log_protocol_warn(LD_REND, "Malformed BEGIN on a rendezvous circuit.");
    uint8_t reason = END_REASON_TORPROTOCOL;
    if (id)
      circuit_send_relay(circ, -1, RELAY_COMMAND_END, id, &reason, 1);
    return;
  }
  if (svc->max_streams && count_on_circuit(circ) >= (size_t)svc->max_streams) {
    if (svc->max_streams_close_circuit) {
      log_info(LD_REND, "Too many streams on a rendezvous circuit; closing it.");
      circuit_close(circ, CIRCUIT_CLOSE_RESOURCE);
    } else {
      log_info(LD_REND, "Too many streams on a rendezvous circuit; refusing one.");
      uint8_t reason = END_REASON_RESOURCELIMIT;
      circuit_send_relay(circ, -1, RELAY_COMMAND_END, id, &reason, 1);
    }
    return;
  }
  const hs_port_config_t *pc = hs_config_find_port(svc, port);
  if (!pc) {
    log_info(LD_REND, "BEGIN for virtual port %u, which this service does not serve.", port);
    uint8_t reason = END_REASON_CONNECTREFUSED;
    circuit_send_relay(circ, -1, RELAY_COMMAND_END, id, &reason, 1);
    return;
  }
  hs_stream_t *s = calloc(1, sizeof(*s));
  if (!s)
    return;
  s->circ = circ;
  s->id = id;
  s->port = pc;
  s->stats = stats;
  stream_flow_init(&s->flow, circ);
  s->next = all_streams;
  if (all_streams)
    all_streams->prev = s;
  all_streams = s;
  n_streams++;
  stats->streams++;
  switch (pc->kind) {
    case HS_PORT_BULK_SOURCE:
      s->rate_timer = evtimer_new(stream_base, rate_timer_cb, s);
      if (!s->rate_timer ||
          bulk_source_init(&s->source, pc->pattern, pc->bytes, pc->rate, now_usec()) < 0) {
        stream_end(s, END_REASON_RESOURCELIMIT);
        return;
      }
      /* fall through */
    case HS_PORT_BULK_SINK:
      s->connected = 1;
      circuit_send_relay(circ, -1, RELAY_COMMAND_CONNECTED, id, NULL, 0);
      if (pc->kind == HS_PORT_BULK_SOURCE)
        pump_bulk_source(s);
      return;
    case HS_PORT_TCP:
    case HS_PORT_UNIX:
      if (connect_target(s) < 0)
        stream_end(s, END_REASON_CONNECTREFUSED);
      return;
  }
}

/* Tells the client what the target can take: stream SENDMEs, or XOFF
 * while the target lags and XON when it caught up (a sink takes all). */
static void
reopen_client_window(hs_stream_t *s)
{
  (void)stream_flow_update(&s->flow, s->circ, s->id, s->target_blocked);
}

static void
handle_data(hs_stream_t *s, const uint8_t *data, size_t len)
{
  if (stream_flow_data_received(&s->flow) < 0) {
    log_protocol_warn(LD_REND, "Client overran stream %u's window; closing it.", s->id);
    stream_end(s, END_REASON_TORPROTOCOL);
    return;
  }
  s->stats->bytes_received += len;
  if (s->bev) {
    bufferevent_write(s->bev, data, len);
    if (evbuffer_get_length(bufferevent_get_output(s->bev)) > TARGET_OUTBUF_HIGH)
      s->target_blocked = 1;
  }
  reopen_client_window(s);   /* SENDMEs, or an XOFF if the target lags */
}

static void
resume(hs_stream_t *s)
{
  if (s->port->kind == HS_PORT_BULK_SOURCE)
    pump_bulk_source(s);
  else if (s->bev && s->connected)
    pump_target_to_stream(s);
}

void
hs_stream_circuit_relay(circuit_t *circ, const hs_service_config_t *svc,
                        hs_stream_stats_t *stats, uint8_t command, uint16_t stream_id,
                        const uint8_t *data, size_t len)
{
  if (command == RELAY_COMMAND_BEGIN) {
    handle_begin(circ, svc, stats, stream_id, data, len);
    return;
  }
  hs_stream_t *s = find_stream(circ, stream_id);
  if (!s)
    return; /* a stream we already ended */
  switch (command) {
    case RELAY_COMMAND_DATA:
      handle_data(s, data, len);
      return;
    case RELAY_COMMAND_XOFF:
    case RELAY_COMMAND_XON:
    case RELAY_COMMAND_SENDME: {
      int r = stream_flow_control_received(&s->flow, command, data, len, stream_id);
      if (r < 0) {
        stream_end(s, END_REASON_TORPROTOCOL);
        return;
      }
      if (r == 1 && circuit_can_package(circ))
        resume(s);
      return;
    }
    case RELAY_COMMAND_END:
      stream_free(s);
      return;
    default:
      log_protocol_warn(LD_REND, "Unexpected relay %s on onion service stream %u.",
                        relay_command_name(command), stream_id);
      return;
  }
}

void
hs_stream_circuit_writable(circuit_t *circ)
{
  for (hs_stream_t *s = all_streams, *next; s; s = next) {
    next = s->next;
    if (s->circ == circ && stream_may_send(s))
      resume(s);
  }
}

void
hs_stream_circuit_closed(circuit_t *circ)
{
  for (hs_stream_t *s = all_streams, *next; s; s = next) {
    next = s->next;
    if (s->circ == circ)
      stream_free(s);
  }
}

size_t
hs_stream_count(void)
{
  return n_streams;
}

void
hs_stream_close_all(void)
{
  while (all_streams)
    stream_end(all_streams, END_REASON_DONE);
}
