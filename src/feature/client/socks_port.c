/* SocksPort: see socks_port.h. */
#include "orconfig.h"
#include "feature/client/socks_port.h"
#include "feature/client/addressmap.h"
#include "feature/client/client.h"
#include "feature/hs/hs_client.h"
#include "core/mainloop/listener.h"
#include "core/or/stream.h"
#include "core/crypto/relay_msg.h"
#include "core/proto/proto_socks.h"
#include "lib/conf/portspec.h"
#include "feature/control/control_events.h"
#include "lib/log/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_LISTENERS 16
/* Application bytes we queue before holding back stream SENDMEs. */
#define APP_OUTBUF_HIGH (256 * 1024)
#define APP_OUTBUF_LOW (64 * 1024)
/* Seconds an onion service stream waits for CONNECTED before we give its
 * rendezvous circuit up: a service that went away may be noticed by the
 * rendezvous point only minutes later. */
#define ONION_CONNECT_TIMEOUT 30
#define MAX_ONION_ATTEMPTS 2

typedef struct socks_listener_t {
  listener_t *listener;
  port_spec_t spec;
} socks_listener_t;

typedef enum {
  SC_HANDSHAKE,
  SC_WAITING_FOR_CIRCUIT,
  SC_CONNECTING,
  SC_OPEN,
  SC_CLOSING,       /* flushing what is left, then closing */
} socks_conn_state_t;

typedef struct socks_conn_t {
  struct socks_conn_t *next, *prev;
  struct bufferevent *bev;
  const socks_listener_t *listener;
  socks_parser_t parser;
  socks_conn_state_t state;
  stream_t *stream;
  char client_addr[64];
  uint16_t client_port;
  unsigned event_id;  /* STREAM events' id; 0 until announced */
  uint64_t bw_written, bw_read; /* since the last STREAM_BW report */
  int closed_announced;
  char target[SOCKS_MAX_HOSTNAME_LEN + 8];
  int attempts;     /* circuits tried for this request */
  int onion;        /* to an onion service: hs_client's circuit */
  struct event *connect_timer;  /* onion streams: ONION_CONNECT_TIMEOUT */
} socks_conn_t;

/* How many circuits a request may try before we give up (tor retries a
 * stream that an exit refused on another circuit, a few times). */
#define MAX_STREAM_ATTEMPTS 6

static socks_listener_t listeners[MAX_LISTENERS];
static int n_listeners;
static socks_conn_t *all_conns;

static void socks_conn_read_cb(struct bufferevent *bev, void *arg);
static void stream_event(socks_conn_t *c, const char *status, const circuit_t *circ,
                         const char *extra);

/* ---- connection life ---- */

static void
socks_conn_free(socks_conn_t *c)
{
  if (c->prev)
    c->prev->next = c->next;
  else
    all_conns = c->next;
  if (c->next)
    c->next->prev = c->prev;
  client_cancel_circuit_request(c);
  hs_client_cancel_request(c);
  if (c->event_id && (c->bw_written || c->bw_read))
    control_event_stream_bw(c->event_id, c->bw_written, c->bw_read);
  if (c->event_id && !c->closed_announced)
    stream_event(c, "CLOSED", c->stream ? stream_circuit(c->stream) : NULL, "REASON=DONE");
  if (c->stream)
    stream_close(c->stream, END_REASON_DONE);
  if (c->connect_timer)
    event_free(c->connect_timer);
  bufferevent_free(c->bev);
  free(c);
}

/* Closes once our output to the application has drained. */
static void
socks_conn_close_after_flush(socks_conn_t *c)
{
  c->state = SC_CLOSING;
  bufferevent_disable(c->bev, EV_READ);
  if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
    socks_conn_free(c);
}

static void
send_reply(socks_conn_t *c, int ok, uint8_t socks5_rep)
{
  uint8_t out[SOCKS_REPLY_MAX];
  size_t n;
  if (c->parser.req.version == 4)
    n = socks4_reply(out, ok ? SOCKS4_GRANTED : SOCKS4_REJECTED, NULL, 0);
  else
    n = socks5_reply(out, ok ? SOCKS5_SUCCEEDED : socks5_rep, SOCKS_ADDR_IPV4, NULL, 4, 0);
  bufferevent_write(c->bev, out, n);
}

static void
fail_request(socks_conn_t *c, uint8_t socks5_rep)
{
  send_reply(c, 0, socks5_rep);
  socks_conn_close_after_flush(c);
}

/* ---- data both ways ---- */

/* Moves application bytes into the stream as far as the windows allow. */
static void
pump_app_to_stream(socks_conn_t *c)
{
  struct evbuffer *in = bufferevent_get_input(c->bev);
  size_t avail = evbuffer_get_length(in);
  while (avail > 0) {
    size_t room = stream_sendable(c->stream);
    if (room == 0)
      break;
    size_t n = avail < room ? avail : room;
    if (n > 64 * 1024)
      n = 64 * 1024;
    const uint8_t *data = evbuffer_pullup(in, (ev_ssize_t)n);
    long taken = stream_send(c->stream, data, n);
    if (taken <= 0)
      break;
    c->bw_written += (uint64_t)taken;
    evbuffer_drain(in, (size_t)taken);
    avail -= (size_t)taken;
  }
  /* Stop reading while the windows are closed: on_writable resumes. */
  if (avail > 0)
    bufferevent_disable(c->bev, EV_READ);
  else
    bufferevent_enable(c->bev, EV_READ);
}

static void
on_stream_connected(stream_t *s, void *arg)
{
  socks_conn_t *c = arg;
  (void)s;
  c->state = SC_OPEN;
  if (c->connect_timer)
    evtimer_del(c->connect_timer);
  stream_event(c, "SUCCEEDED", stream_circuit(s), NULL);
  send_reply(c, 1, SOCKS5_SUCCEEDED);
  log_info(LD_APP, "Stream to %s is open.", safe_str_client(c->target));
  pump_app_to_stream(c);
}

static void
on_stream_data(stream_t *s, const uint8_t *data, size_t len, void *arg)
{
  socks_conn_t *c = arg;
  c->bw_read += len;
  bufferevent_write(c->bev, data, len);
  if (evbuffer_get_length(bufferevent_get_output(c->bev)) > APP_OUTBUF_HIGH)
    stream_set_consumer_blocked(s, 1);
}

static void
on_stream_writable(stream_t *s, void *arg)
{
  (void)s;
  pump_app_to_stream(arg);
}

static void request_circuit(socks_conn_t *c);
static void request_onion_circuit(socks_conn_t *c);

/* ---- STREAM events (control-spec §4.1.2) ---- */

static const char *
stream_reason_name(uint8_t reason)
{
  static const char *const names[] = {
    "MISC", "MISC", "RESOLVEFAILED", "CONNECTREFUSED", "EXITPOLICY", "DESTROY", "DONE",
    "TIMEOUT", "NOROUTE", "HIBERNATING", "INTERNAL", "RESOURCELIMIT", "CONNRESET",
    "TORPROTOCOL", "NOTDIRECTORY",
  };
  return reason < sizeof(names) / sizeof(names[0]) ? names[reason] : "MISC";
}

/* "STREAM ID STATUS CIRC TARGET [extra]" to controllers that want it. */
static void
stream_event(socks_conn_t *c, const char *status, const circuit_t *circ, const char *extra)
{
  static unsigned next_id = 1;
  if (!c->event_id)
    c->event_id = next_id++;
  if (!control_event_wanted(CEV_STREAM))
    return;
  control_event_sendf(CEV_STREAM, "STREAM %u %s %u %s%s%s", c->event_id, status,
                      circ ? circuit_log_id(circ) : 0, c->target, extra ? " " : "",
                      extra ? extra : "");
}

/* END reasons after which another exit may well succeed. */
static int
end_reason_is_retryable(uint8_t reason)
{
  return reason != END_REASON_DONE && reason != END_REASON_CONNECTREFUSED &&
         reason != END_REASON_TORPROTOCOL;
}

static void
on_stream_end(stream_t *s, uint8_t reason, void *arg)
{
  socks_conn_t *c = arg;
  circuit_t *circ = stream_circuit(s);
  c->stream = NULL; /* freed by the stream module */
  /* A rendezvous circuit that went away before CONNECTED (the service
   * restarted, say): another one, as tor re-attaches such streams. Other
   * ENDs come from the service itself, and another circuit would get the
   * same answer. */
  if (c->state == SC_CONNECTING && c->onion && reason == END_REASON_DESTROY &&
      c->attempts < MAX_ONION_ATTEMPTS) {
    log_info(LD_APP, "Rendezvous circuit for %s closed; trying another.",
             safe_str_client(c->target));
    stream_event(c, "DETACHED", circ, "REASON=END REMOTE_REASON=DESTROY");
    request_onion_circuit(c);
    return;
  }
  if (c->state == SC_CONNECTING && !c->onion && end_reason_is_retryable(reason) &&
      c->attempts < MAX_STREAM_ATTEMPTS) {
    log_info(LD_APP, "Stream to %s failed (%s); trying another circuit.",
             safe_str_client(c->target), end_reason_name(reason));
    char why[64];
    snprintf(why, sizeof(why), "REASON=END REMOTE_REASON=%s", stream_reason_name(reason));
    stream_event(c, "DETACHED", circ, why);
    client_retire_circuit(circ);
    request_circuit(c);
    return;
  }
  if (c->state == SC_CONNECTING) {
    log_info(LD_APP, "Stream to %s failed: %s.", safe_str_client(c->target),
             end_reason_name(reason));
    char why[64];
    snprintf(why, sizeof(why), "REASON=END REMOTE_REASON=%s", stream_reason_name(reason));
    stream_event(c, "FAILED", circ, why);
    stream_event(c, "CLOSED", circ, why);
    c->closed_announced = 1;
    fail_request(c, socks5_rep_from_end_reason(reason));
    return;
  }
  char why[64];
  snprintf(why, sizeof(why), "REASON=END REMOTE_REASON=%s", stream_reason_name(reason));
  stream_event(c, "CLOSED", circ, why);
  c->closed_announced = 1;
  socks_conn_close_after_flush(c);
}

static void
on_stream_resolved(stream_t *s, uint8_t type, const uint8_t *addr, size_t len, uint32_t ttl,
                   void *arg)
{
  socks_conn_t *c = arg;
  uint8_t out[SOCKS_REPLY_MAX];
  size_t n;
  (void)s; (void)ttl;
  c->stream = NULL; /* freed by the stream module */
  int ok = (type == RESOLVED_TYPE_IPV4 && len == 4) || (type == RESOLVED_TYPE_IPV6 && len == 16);
  if (c->parser.req.version == 4)
    n = socks4_reply(out, ok && len == 4 ? SOCKS4_GRANTED : SOCKS4_REJECTED,
                     ok && len == 4 ? addr : NULL, 0);
  else if (ok)
    n = socks5_reply(out, SOCKS5_SUCCEEDED, len == 4 ? SOCKS_ADDR_IPV4 : SOCKS_ADDR_IPV6,
                     addr, len, 0);
  else {
    /* What tor 0.4.9 sends for a failed RESOLVE: address type 0 and ten
     * bytes in all. */
    static const uint8_t failed[10] = { 5, SOCKS5_HOST_UNREACHABLE, 0, 0 };
    memcpy(out, failed, sizeof(failed));
    n = sizeof(failed);
  }
  bufferevent_write(c->bev, out, n);
  socks_conn_close_after_flush(c);
}

static const stream_handlers_t socks_stream_handlers = {
  .on_connected = on_stream_connected, .on_data = on_stream_data,
  .on_writable = on_stream_writable, .on_end = on_stream_end,
  .on_resolved = on_stream_resolved,
};

/* ---- the request ---- */

/* No CONNECTED on the rendezvous circuit in time: another circuit once,
 * then tor's answer to a timed-out stream. */
static void
onion_connect_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
  socks_conn_t *c = arg;
  (void)fd; (void)what;
  if (c->state != SC_CONNECTING || !c->stream)
    return;
  circuit_t *circ = stream_circuit(c->stream);
  log_info(LD_APP, "Stream to %s got no answer in %d s.", safe_str_client(c->target),
           ONION_CONNECT_TIMEOUT);
  stream_close(c->stream, END_REASON_TIMEOUT);
  c->stream = NULL;
  hs_client_retire_circuit(circ);
  if (c->attempts < MAX_ONION_ATTEMPTS) {
    stream_event(c, "DETACHED", NULL, "REASON=TIMEOUT");
    request_onion_circuit(c);
    return;
  }
  stream_event(c, "FAILED", NULL, "REASON=TIMEOUT");
  stream_event(c, "CLOSED", NULL, "REASON=TIMEOUT");
  c->closed_announced = 1;
  fail_request(c, SOCKS5_TTL_EXPIRED);
}

/* A rendezvous circuit (or why there is none) for an onion address. */
static void
on_onion_circuit_ready(circuit_t *circ, hs_client_status_t status, void *arg)
{
  socks_conn_t *c = arg;
  char begin[16];
  if (!circ) {
    fail_request(c, hs_client_socks5_reply(status));
    return;
  }
  /* Onion services get an empty address: the service knows who it is. */
  snprintf(begin, sizeof(begin), ":%u", c->parser.req.port);
  c->stream = stream_open(circ, begin, &socks_stream_handlers, c);
  if (!c->stream) {
    fail_request(c, SOCKS5_GENERAL_FAILURE);
    return;
  }
  c->state = SC_CONNECTING;
  if (!c->connect_timer)
    c->connect_timer = evtimer_new(bufferevent_get_base(c->bev), onion_connect_timeout_cb, c);
  struct timeval tv = { ONION_CONNECT_TIMEOUT, 0 };
  if (c->connect_timer)
    evtimer_add(c->connect_timer, &tv);
  stream_event(c, "SENTCONNECT", circ, NULL);
}

static void
on_circuit_ready(circuit_t *circ, void *arg)
{
  socks_conn_t *c = arg;
  if (!circ) {
    log_info(LD_APP, "No circuit for %s.", safe_str_client(c->target));
    fail_request(c, SOCKS5_GENERAL_FAILURE);
    return;
  }
  if (c->parser.req.command == SOCKS_CMD_RESOLVE)
    c->stream = stream_resolve(circ, c->parser.req.address, &socks_stream_handlers, c);
  else
    c->stream = stream_open(circ, c->target, &socks_stream_handlers, c);
  if (!c->stream) {
    fail_request(c, SOCKS5_GENERAL_FAILURE);
    return;
  }
  c->state = SC_CONNECTING;
  stream_event(c, c->parser.req.command == SOCKS_CMD_RESOLVE ? "SENTRESOLVE" : "SENTCONNECT",
               circ, NULL);
}

/* The bytes that decide which circuits this request may share. */
static size_t
isolation_key(const socks_conn_t *c, uint8_t *key, size_t cap)
{
  const socks_request_t *r = &c->parser.req;
  uint32_t flags = c->listener->spec.flags;
  size_t n = 0;
#define ADD(p, len)                                                   \
  do {                                                                \
    size_t l_ = (len);                                                \
    if (n + l_ + 2 <= cap) {                                          \
      key[n++] = (uint8_t)(l_ >> 8);                                  \
      key[n++] = (uint8_t)l_;                                         \
      memcpy(key + n, (p), l_);                                       \
      n += l_;                                                        \
    }                                                                 \
  } while (0)
  ADD(&c->listener, sizeof(c->listener)); /* SessionGroup: per listener */
  if (flags & PORTFLAG_ISOLATE_CLIENT_ADDR)
    ADD(c->client_addr, strlen(c->client_addr));
  if ((flags & PORTFLAG_ISOLATE_SOCKS_AUTH) && r->got_auth) {
    if (!r->prop351_format0)
      ADD(r->username, r->username_len);
    ADD(r->password, r->password_len);
  }
  if (flags & PORTFLAG_ISOLATE_DEST_PORT)
    ADD(&r->port, sizeof(r->port));
  if (flags & PORTFLAG_ISOLATE_DEST_ADDR)
    ADD(r->address, strlen(r->address));
  if (flags & PORTFLAG_ISOLATE_CLIENT_PROTO)
    ADD(&r->version, 1);
#undef ADD
  return n;
}

static int
is_onion_address(const char *addr)
{
  size_t n = strlen(addr);
  return n > 6 && !strcasecmp(addr + n - 6, ".onion");
}

static void
handle_request(socks_conn_t *c)
{
  const socks_request_t *r = &c->parser.req;
  if (r->command == SOCKS_CMD_RESOLVE_PTR) {
    log_info(LD_APP, "SOCKS RESOLVE_PTR is not supported yet; refusing it.");
    fail_request(c, SOCKS5_COMMAND_NOT_SUPPORTED);
    return;
  }
  uint8_t literal[16];
  int v4 = inet_pton(AF_INET, r->address, literal) == 1;
  if (r->command == SOCKS_CMD_RESOLVE && (v4 || inet_pton(AF_INET6, r->address, literal) == 1)) {
    /* An address literal resolves to itself, without asking an exit. */
    on_stream_resolved(NULL, v4 ? RESOLVED_TYPE_IPV4 : RESOLVED_TYPE_IPV6, literal,
                       v4 ? 4 : 16, 0, c);
    return;
  }
  /* MAPADDRESS: the controller's mapping replaces the address asked for. */
  const char *mapped = addressmap_lookup(r->address);
  if (mapped && strlen(mapped) < sizeof(c->parser.req.address)) {
    log_info(LD_APP, "Address %s is mapped to %s.", safe_str_client(r->address),
             safe_str_client(mapped));
    snprintf(c->parser.req.address, sizeof(c->parser.req.address), "%s", mapped);
    c->parser.req.addr_type = strchr(mapped, ':') ? SOCKS_ADDR_IPV6 : SOCKS_ADDR_HOSTNAME;
  }
  if (is_onion_address(r->address) && r->command == SOCKS_CMD_RESOLVE) {
    log_info(LD_APP, "Resolving an onion address is pointless; refusing it.");
    on_stream_resolved(NULL, RESOLVED_TYPE_ERROR, NULL, 0, 0, c);
    return;
  }
  if (r->addr_type == SOCKS_ADDR_IPV6)
    snprintf(c->target, sizeof(c->target), "[%s]:%u", r->address, r->port);
  else
    snprintf(c->target, sizeof(c->target), "%s:%u", r->address, r->port);
  char extra[128];
  snprintf(extra, sizeof(extra), "SOURCE_ADDR=%s:%u PURPOSE=USER", c->client_addr,
           c->client_port);
  stream_event(c, r->command == SOCKS_CMD_RESOLVE ? "NEWRESOLVE" : "NEW", NULL, extra);
  if (is_onion_address(r->address)) {
    c->onion = 1;
    request_onion_circuit(c);
    return;
  }
  request_circuit(c);
}

static void
request_onion_circuit(socks_conn_t *c)
{
  uint8_t key[600];
  size_t key_len = isolation_key(c, key, sizeof(key));
  c->state = SC_WAITING_FOR_CIRCUIT;
  c->attempts++;
  bufferevent_disable(c->bev, EV_READ);
  hs_client_get_circuit(c->parser.req.address, key, key_len, on_onion_circuit_ready, c);
}

static void
request_circuit(socks_conn_t *c)
{
  const socks_request_t *r = &c->parser.req;
  uint8_t key[600];
  size_t key_len = isolation_key(c, key, sizeof(key));
  c->state = SC_WAITING_FOR_CIRCUIT;
  c->attempts++;
  bufferevent_disable(c->bev, EV_READ);
  /* A RESOLVE needs an exit that allows some port; a CONNECT one that
   * allows the target port. */
  client_get_exit_circuit(key, key_len, r->command == SOCKS_CMD_RESOLVE ? 0 : r->port,
                          on_circuit_ready, c);
}

/* Runs the SOCKS handshake over what the application sent so far. */
static void
advance_handshake(socks_conn_t *c)
{
  struct evbuffer *in = bufferevent_get_input(c->bev);
  for (;;) {
    size_t len = evbuffer_get_length(in), consumed = 0;
    const uint8_t *data = evbuffer_pullup(in, (ev_ssize_t)len);
    socks_status_t st = socks_parse(&c->parser, data, len, &consumed);
    if (st == SOCKS_NEED_MORE)
      return;
    if (c->parser.reply_len)
      bufferevent_write(c->bev, c->parser.reply, c->parser.reply_len);
    evbuffer_drain(in, consumed);
    if (st == SOCKS_ERROR) {
      log_info(LD_APP, "Bad SOCKS request from %s; closing.", safe_str_client(c->client_addr));
      socks_conn_close_after_flush(c);
      return;
    }
    if (st == SOCKS_DONE) {
      handle_request(c);
      return;
    }
  }
}

static void
socks_conn_read_cb(struct bufferevent *bev, void *arg)
{
  socks_conn_t *c = arg;
  (void)bev;
  if (c->state == SC_HANDSHAKE)
    advance_handshake(c);
  else if (c->state == SC_OPEN)
    pump_app_to_stream(c);
}

static void
socks_conn_write_cb(struct bufferevent *bev, void *arg)
{
  socks_conn_t *c = arg;
  size_t left = evbuffer_get_length(bufferevent_get_output(bev));
  if (c->state == SC_CLOSING && left == 0) {
    socks_conn_free(c);
    return;
  }
  if (c->stream && left <= APP_OUTBUF_LOW)
    stream_set_consumer_blocked(c->stream, 0);
}

static void
socks_conn_event_cb(struct bufferevent *bev, short events, void *arg)
{
  socks_conn_t *c = arg;
  (void)bev;
  if (events & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
    /* The application is gone (or closed its side): end the stream. */
    if (c->stream) {
      stream_close(c->stream, END_REASON_DONE);
      c->stream = NULL;
    }
    socks_conn_free(c);
  }
}

/* ---- listeners ---- */

static void
accept_cb(struct event_base *base, int fd, const char *peer, uint16_t peer_port,
          void *arg)
{
  const socks_listener_t *sl = arg;
  socks_conn_t *c = calloc(1, sizeof(*c));
  if (!c) {
    close(fd);
    return;
  }
  c->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
  if (!c->bev) {
    close(fd);
    free(c);
    return;
  }
  c->listener = sl;
  snprintf(c->client_addr, sizeof(c->client_addr), "%s", peer);
  c->client_port = peer_port;
  unsigned opts = (sl->spec.flags & PORTFLAG_ISOLATE_SOCKS_AUTH) ? SOCKS_OPT_ISOLATE_AUTH : 0;
  if (sl->spec.flags & PORTFLAG_PREFER_SOCKS_NO_AUTH)
    opts |= SOCKS_OPT_PREFER_NO_AUTH;
  socks_parser_init(&c->parser, opts);
  c->next = all_conns;
  if (all_conns)
    all_conns->prev = c;
  all_conns = c;
  bufferevent_setcb(c->bev, socks_conn_read_cb, socks_conn_write_cb, socks_conn_event_cb, c);
  bufferevent_setwatermark(c->bev, EV_WRITE, APP_OUTBUF_LOW, 0);
  bufferevent_enable(c->bev, EV_READ);
}

static int
open_listener(struct event_base *base, const char *value)
{
  char err[512];
  socks_listener_t *sl = &listeners[n_listeners];
  if (port_spec_parse("SocksPort", value, "127.0.0.1", PORTFLAGS_SOCKS_ALLOWED,
                      PORTFLAGS_SOCKS_DEFAULT, &sl->spec, err, sizeof(err)) < 0) {
    log_warn(LD_CONFIG, "%s", err);
    return -1;
  }
  if (sl->spec.port == 0)
    return 0;
  if (n_listeners >= MAX_LISTENERS) {
    log_warn(LD_CONFIG, "Too many SocksPort lines (at most %d).", MAX_LISTENERS);
    return -1;
  }
  sl->listener = listener_open(base, "Socks", &sl->spec, accept_cb, sl);
  if (!sl->listener)
    return -1;
  n_listeners++;
  return 1;
}

int
socks_ports_open(struct event_base *base, const config_line_t *lines)
{
  int opened = 0;
  for (const config_line_t *l = lines; l; l = l->next) {
    int r = open_listener(base, l->value);
    if (r < 0) {
      socks_ports_close();
      return -1;
    }
    opened += r;
  }
  return opened;
}

void
socks_ports_close(void)
{
  while (all_conns)
    socks_conn_free(all_conns);
  for (int i = 0; i < n_listeners; i++)
    listener_close(listeners[i].listener);
  n_listeners = 0;
}

int
socks_ports_addresses(const char **out, int max)
{
  int n = 0;
  for (int i = 0; i < n_listeners && n < max; i++)
    out[n++] = listener_address(listeners[i].listener);
  return n;
}

int
socks_ports_close_stream(unsigned event_id)
{
  for (socks_conn_t *c = all_conns; c; c = c->next)
    if (c->event_id == event_id && c->state != SC_CLOSING) {
      socks_conn_free(c);
      return 0;
    }
  return -1;
}

int
socks_ports_has_stream(unsigned event_id)
{
  for (socks_conn_t *c = all_conns; c; c = c->next)
    if (c->event_id == event_id)
      return 1;
  return 0;
}

char *
socks_ports_stream_status(void)
{
  size_t cap = 1, len = 0;
  for (socks_conn_t *c = all_conns; c; c = c->next)
    cap += strlen(c->target) + 48;
  char *out = malloc(cap);
  if (!out)
    return NULL;
  out[0] = '\0';
  for (socks_conn_t *c = all_conns; c; c = c->next) {
    if (!c->event_id || c->state == SC_CLOSING)
      continue;
    const char *status = c->state == SC_OPEN ? "SUCCEEDED"
                         : c->state == SC_CONNECTING ? "SENTCONNECT" : "NEW";
    circuit_t *circ = c->stream ? stream_circuit(c->stream) : NULL;
    len += (size_t)snprintf(out + len, cap - len, "%s%u %s %u %s", len ? "\n" : "",
                            c->event_id, status, circ ? circuit_log_id(circ) : 0, c->target);
  }
  return out;
}

void
socks_ports_report_stream_bw(socks_stream_bw_fn fn, void *arg)
{
  for (socks_conn_t *c = all_conns; c; c = c->next) {
    if (c->event_id && (c->bw_written || c->bw_read))
      fn(c->event_id, c->bw_written, c->bw_read, arg);
    c->bw_written = c->bw_read = 0;
  }
}
