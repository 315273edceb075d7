/* Client streams: see stream.h. */
#include "orconfig.h"
#include "core/or/stream.h"
#include "core/or/stream_flow.h"
#include "core/crypto/relay_msg.h"
#include "core/crypto/sendme.h"
#include "lib/crypt/crypto_util.h"
#include "lib/log/log.h"

#include <stdlib.h>
#include <string.h>

typedef enum { STREAM_CONNECTING, STREAM_OPEN, STREAM_RESOLVING } stream_state_t;

struct stream_t {
  stream_t *next, *prev;      /* all_streams */
  circuit_t *circ;
  uint16_t id;
  stream_state_t state;
  int linked;                 /* in all_streams */
  int consumer_blocked;
  stream_flow_t flow;         /* windows, or XON/XOFF: stream_flow.h */
  stream_handlers_t handlers;
  void *arg;
};

/* Few streams per process for a client; a list is enough for lookups. */
static stream_t *all_streams;

static void
stream_unlink(stream_t *s)
{
  if (!s->linked)
    return;
  s->linked = 0;
  if (s->prev)
    s->prev->next = s->next;
  else
    all_streams = s->next;
  if (s->next)
    s->next->prev = s->prev;
  s->next = s->prev = NULL;
}

static void
stream_free(stream_t *s)
{
  stream_unlink(s);
  free(s);
}

static stream_t *
stream_find(const circuit_t *circ, uint16_t id)
{
  for (stream_t *s = all_streams; s; s = s->next)
    if (s->circ == circ && s->id == id)
      return s;
  return NULL;
}

/* A fresh random stream id, unused on circ. */
static uint16_t
pick_stream_id(const circuit_t *circ)
{
  for (int tries = 0; tries < 64; tries++) {
    uint16_t id;
    crypto_rand_bytes(&id, sizeof(id));
    if (id != 0 && !stream_find(circ, id))
      return id;
  }
  return 0;
}

/* Sends the first cell of a new stream and registers it. */
static stream_t *
stream_start(circuit_t *circ, uint8_t command, const uint8_t *body, size_t len,
             stream_state_t state, const stream_handlers_t *handlers, void *arg)
{
  stream_t *s = calloc(1, sizeof(*s));
  if (!s)
    return NULL;
  s->circ = circ;
  s->id = pick_stream_id(circ);
  s->state = state;
  stream_flow_init(&s->flow, circ);
  s->handlers = *handlers;
  s->arg = arg;
  if (!s->id || circuit_send_relay(circ, -1, command, s->id, body, len) < 0) {
    free(s);
    return NULL;
  }
  s->next = all_streams;
  if (all_streams)
    all_streams->prev = s;
  all_streams = s;
  s->linked = 1;
  return s;
}

stream_t *
stream_resolve(circuit_t *circ, const char *hostname, const stream_handlers_t *handlers,
               void *arg)
{
  size_t n = strlen(hostname);
  if (!circuit_is_open(circ) || n == 0 || n + 1 > RELAY_DATA_MAX)
    return NULL;
  return stream_start(circ, RELAY_COMMAND_RESOLVE, (const uint8_t *)hostname, n + 1,
                      STREAM_RESOLVING, handlers, arg);
}

stream_t *
stream_open(circuit_t *circ, const char *target, const stream_handlers_t *handlers, void *arg)
{
  uint8_t body[RELAY_DATA_MAX];
  size_t len = 0;
  if (!circuit_is_open(circ))
    return NULL;
  if (target) {
    size_t tl = strlen(target);
    /* "ADDRPORT" NUL, then a 4-byte FLAGS field of zero. */
    if (tl + 1 + 4 > sizeof(body))
      return NULL;
    memcpy(body, target, tl + 1);
    memset(body + tl + 1, 0, 4);
    len = tl + 1 + 4;
  }
  return stream_start(circ, target ? RELAY_COMMAND_BEGIN : RELAY_COMMAND_BEGIN_DIR, body, len,
                      STREAM_CONNECTING, handlers, arg);
}

/* May DATA go out on this stream (the circuit aside)? */
static int
stream_may_package(const stream_t *s)
{
  return stream_flow_may_package(&s->flow);
}

size_t
stream_sendable(const stream_t *s)
{
  if (s->state != STREAM_OPEN || !stream_may_package(s) || !circuit_can_package(s->circ))
    return 0;
  /* Under congestion control the circuit's window is the bound; a
   * stream window's worth is what we offer per call. */
  return (size_t)(s->flow.cc ? STREAMWINDOW_START : s->flow.package_window) * RELAY_DATA_MAX;
}

long
stream_send(stream_t *s, const uint8_t *data, size_t len)
{
  size_t taken = 0;
  if (s->state != STREAM_OPEN)
    return -1;
  while (taken < len && stream_may_package(s)) {
    size_t chunk = len - taken < RELAY_DATA_MAX ? len - taken : RELAY_DATA_MAX;
    int r = circuit_send_relay(s->circ, -1, RELAY_COMMAND_DATA, s->id, data + taken, chunk);
    if (r == -2)
      break;       /* the circuit window is closed */
    if (r < 0)
      return taken ? (long)taken : -1;
    stream_flow_packaged(&s->flow);
    taken += chunk;
  }
  return (long)taken;
}

/* Tells the far end what the owner can take (SENDMEs, or XOFF/XON). */
static void
stream_maybe_send_sendme(stream_t *s)
{
  (void)stream_flow_update(&s->flow, s->circ, s->id, s->consumer_blocked);
}

void
stream_set_consumer_blocked(stream_t *s, int blocked)
{
  s->consumer_blocked = blocked;
  if (!blocked || s->flow.cc)
    stream_maybe_send_sendme(s);
}

void
stream_close(stream_t *s, uint8_t reason)
{
  if (circuit_is_open(s->circ))
    circuit_send_relay(s->circ, -1, RELAY_COMMAND_END, s->id, &reason, 1);
  stream_free(s);
}

circuit_t *
stream_circuit(const stream_t *s)
{
  return s->circ;
}

uint16_t
stream_id(const stream_t *s)
{
  return s->id;
}

size_t
stream_count_on_circuit(const circuit_t *circ)
{
  size_t n = 0;
  for (stream_t *s = all_streams; s; s = s->next)
    n += s->circ == circ;
  return n;
}

/* Tells the owner the stream is over and frees it. The stream leaves the
 * list first, so whatever the handler does (close the circuit, say, which
 * ends that circuit's other streams) cannot reach it again. */
static void
stream_end(stream_t *s, uint8_t reason)
{
  stream_unlink(s);
  if (s->handlers.on_end)
    s->handlers.on_end(s, reason, s->arg);
  free(s);
}

void
stream_circuit_relay(circuit_t *circ, uint8_t command, uint16_t id,
                     const uint8_t *data, size_t len)
{
  stream_t *s = stream_find(circ, id);
  if (!s) {
    /* Cells for a stream we closed may still be in flight. */
    log_debug(LD_EDGE, "Relay %s for unknown stream %u on circuit %u.",
              relay_command_name(command), id, circuit_log_id(circ));
    return;
  }
  switch (command) {
    case RELAY_COMMAND_CONNECTED:
      if (s->state != STREAM_CONNECTING) {
        log_protocol_warn(LD_PROTOCOL, "Unexpected CONNECTED on stream %u.", id);
        return;
      }
      s->state = STREAM_OPEN;
      if (s->handlers.on_connected)
        s->handlers.on_connected(s, s->arg);
      return;
    case RELAY_COMMAND_DATA:
      if (stream_flow_data_received(&s->flow) < 0) {
        log_protocol_warn(LD_PROTOCOL, "Stream %u overran its window; closing it.", id);
        stream_close(s, END_REASON_TORPROTOCOL);
        return;
      }
      if (s->handlers.on_data)
        s->handlers.on_data(s, data, len, s->arg);
      /* The handler may have closed the stream. */
      if (stream_find(circ, id) == s)
        stream_maybe_send_sendme(s);
      return;
    case RELAY_COMMAND_XOFF:
    case RELAY_COMMAND_XON:
    case RELAY_COMMAND_SENDME: {
      int r = stream_flow_control_received(&s->flow, command, data, len, id);
      if (r < 0) {
        stream_close(s, END_REASON_TORPROTOCOL);
        return;
      }
      if (r == 1 && s->state == STREAM_OPEN && s->handlers.on_writable &&
          circuit_can_package(circ))
        s->handlers.on_writable(s, s->arg);
      return;
    }
    case RELAY_COMMAND_END:
      stream_end(s, relay_end_reason(data, len));
      return;
    case RELAY_COMMAND_RESOLVED: {
      /* Answers: TYPE 1 | LEN 1 | VALUE LEN | TTL 4; we use the first. */
      if (s->state != STREAM_RESOLVING || len < 2 || (size_t)data[1] + 6 > len) {
        log_protocol_warn(LD_PROTOCOL, "Malformed RESOLVED on stream %u.", id);
        stream_end(s, END_REASON_TORPROTOCOL);
        return;
      }
      const uint8_t *v = data + 2;
      size_t vlen = data[1];
      uint32_t ttl = (uint32_t)v[vlen] << 24 | (uint32_t)v[vlen + 1] << 16 |
                     (uint32_t)v[vlen + 2] << 8 | v[vlen + 3];
      stream_unlink(s);
      if (s->handlers.on_resolved)
        s->handlers.on_resolved(s, data[0], v, vlen, ttl, s->arg);
      free(s);
      return;
    }
    default:
      log_protocol_warn(LD_PROTOCOL, "Unexpected relay %s on stream %u.",
                        relay_command_name(command), id);
      return;
  }
}

void
stream_circuit_writable(circuit_t *circ)
{
  for (stream_t *s = all_streams, *next; s; s = next) {
    next = s->next;
    if (s->circ == circ && s->state == STREAM_OPEN && stream_may_package(s) &&
        s->handlers.on_writable)
      s->handlers.on_writable(s, s->arg);
  }
}

void
stream_circuit_closed(circuit_t *circ)
{
  for (stream_t *s = all_streams, *next; s; s = next) {
    next = s->next;
    if (s->circ == circ)
      stream_end(s, END_REASON_DESTROY);
  }
}
