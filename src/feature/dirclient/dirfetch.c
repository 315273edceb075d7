/* Directory requests: see dirfetch.h. */
#include "orconfig.h"
#include "feature/dirclient/dirfetch.h"
#include "core/or/stream.h"
#include "core/crypto/relay_msg.h"
#include "core/proto/proto_http.h"
#include "lib/log/log.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Headers are small; directory documents are at most max_body. */
#define DIRFETCH_MAX_HEADERS 16384

struct dirfetch_t {
  struct event_base *base;
  struct bufferevent *bev;       /* DirPort transport */
  stream_t *stream;              /* BEGIN_DIR transport */
  char *request;
  size_t request_len;
  size_t max_body;
  http_response_parser_t *parser;
  struct event *timeout_event;
  dirfetch_done_fn done;
  void *arg;
  char what[128];                /* for logs */
  int finished;
};

static void
dirfetch_free(dirfetch_t *f)
{
  if (f->bev)
    bufferevent_free(f->bev);
  if (f->stream)
    stream_close(f->stream, END_REASON_DONE);
  if (f->timeout_event)
    event_free(f->timeout_event);
  http_response_parser_free(f->parser);
  free(f->request);
  free(f);
}

/* Reports the outcome once and frees the fetch. */
static void
dirfetch_finish(dirfetch_t *f, int ok)
{
  const http_response_t *resp = http_response_parser_have_headers(f->parser)
                                ? http_response_parser_response(f->parser) : NULL;
  int status = resp ? resp->status : 0;
  uint8_t *body = NULL;
  size_t body_len = 0;
  if (f->finished)
    return;
  f->finished = 1;
  if (ok && status != 200) {
    log_info(LD_DIR, "%s: HTTP status %d (%s).", f->what, status, resp->reason);
    ok = 0;
  }
  if (ok) {
    size_t raw_len;
    const uint8_t *raw = http_response_parser_body(f->parser, &raw_len);
    if (http_body_decompress(resp, raw, raw_len, f->max_body, &body, &body_len) < 0) {
      log_protocol_warn(LD_DIR, "%s: could not decompress the response.", f->what);
      ok = 0;
    }
  }
  f->done(ok, status, ok ? body : NULL, ok ? body_len : 0, f->arg);
  free(body);
  dirfetch_free(f);
}

/* Feeds response bytes; finishes when the response is complete or bad. */
static void
dirfetch_feed(dirfetch_t *f, const uint8_t *data, size_t len, int eof)
{
  http_parse_status_t st = http_response_parser_feed(f->parser, data, len, eof);
  if (st == HTTP_PARSE_ERROR) {
    log_protocol_warn(LD_DIR, "%s: malformed HTTP response.", f->what);
    dirfetch_finish(f, 0);
  } else if (st == HTTP_PARSE_DONE) {
    dirfetch_finish(f, 1);
  } else if (eof) {
    dirfetch_finish(f, 0);
  }
}

static void
dirfetch_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
  dirfetch_t *f = arg;
  (void)fd; (void)what;
  log_info(LD_DIR, "%s: timed out.", f->what);
  dirfetch_finish(f, 0);
}

/* A GET of path, or a POST of body (body_len bytes) when body is set. */
static char *
make_request(const char *host, const char *path, const uint8_t *body, size_t body_len)
{
  if (!body)
    return http_dir_get_new(host, path, 0, NULL);
  char *head = http_dir_post_head_new(host, path, body_len, NULL);
  if (!head)
    return NULL;
  size_t hl = strlen(head);
  char *req = malloc(hl + body_len + 1);
  if (req) {
    memcpy(req, head, hl);
    memcpy(req + hl, body, body_len);
    req[hl + body_len] = '\0';
  }
  free(head);
  return req;
}

static dirfetch_t *
dirfetch_new(struct event_base *base, const char *host, const char *path, const uint8_t *body,
             size_t body_len, size_t max_body, dirfetch_done_fn done, void *arg)
{
  dirfetch_t *f = calloc(1, sizeof(*f));
  if (!f)
    return NULL;
  f->base = base;
  f->max_body = max_body;
  f->done = done;
  f->arg = arg;
  f->request = make_request(host, path, body, body_len);
  /* Bodies are text (descriptors), so the request is a C string. */
  f->request_len = f->request ? strlen(f->request) : 0;
  f->parser = http_response_parser_new(DIRFETCH_MAX_HEADERS, max_body);
  f->timeout_event = evtimer_new(base, dirfetch_timeout_cb, f);
  if (!f->request || !f->parser || !f->timeout_event) {
    dirfetch_free(f);
    return NULL;
  }
  struct timeval tv = { DIRFETCH_TIMEOUT, 0 };
  evtimer_add(f->timeout_event, &tv);
  return f;
}

/* ---- DirPort ---- */

static void
dirport_read_cb(struct bufferevent *bev, void *arg)
{
  dirfetch_t *f = arg;
  struct evbuffer *in = bufferevent_get_input(bev);
  size_t n = evbuffer_get_length(in);
  uint8_t *data = evbuffer_pullup(in, (ev_ssize_t)n);
  /* Copy out before feeding: feeding may finish and free f and bev. */
  uint8_t *copy = malloc(n ? n : 1);
  if (!copy) {
    dirfetch_finish(f, 0);
    return;
  }
  memcpy(copy, data, n);
  evbuffer_drain(in, n);
  dirfetch_feed(f, copy, n, 0);
  free(copy);
}

static void
dirport_event_cb(struct bufferevent *bev, short events, void *arg)
{
  dirfetch_t *f = arg;
  (void)bev;
  if (events & BEV_EVENT_CONNECTED) {
    log_debug(LD_DIR, "%s: connected.", f->what);
    return;
  }
  if (events & BEV_EVENT_EOF) {
    dirfetch_feed(f, NULL, 0, 1);
    return;
  }
  if (events & (BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT)) {
    log_info(LD_DIR, "%s: connection failed.", f->what);
    dirfetch_finish(f, 0);
  }
}

dirfetch_t *
dirfetch_via_dirport(struct event_base *base, const char *address, uint16_t dir_port,
                     const char *path, size_t max_body, dirfetch_done_fn done, void *arg)
{
  struct sockaddr_in sin;
  char host[80];
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_port = htons(dir_port);
  if (inet_pton(AF_INET, address, &sin.sin_addr) != 1)
    return NULL;
  snprintf(host, sizeof(host), "%s:%u", address, dir_port);
  dirfetch_t *f = dirfetch_new(base, host, path, NULL, 0, max_body, done, arg);
  if (!f)
    return NULL;
  snprintf(f->what, sizeof(f->what), "GET %.60s from %s", path, host);
  f->bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
  if (!f->bev) {
    dirfetch_free(f);
    return NULL;
  }
  bufferevent_setcb(f->bev, dirport_read_cb, NULL, dirport_event_cb, f);
  bufferevent_write(f->bev, f->request, f->request_len);
  if (bufferevent_socket_connect(f->bev, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
      bufferevent_enable(f->bev, EV_READ) < 0) {
    dirfetch_free(f);
    return NULL;
  }
  log_info(LD_DIR, "Starting %s.", f->what);
  return f;
}

/* ---- BEGIN_DIR ---- */

static void
dirstream_connected(stream_t *s, void *arg)
{
  dirfetch_t *f = arg;
  size_t len = f->request_len;
  if (stream_send(s, (const uint8_t *)f->request, len) != (long)len) {
    /* A GET or a descriptor POST fits the first windows; anything else is
     * a broken stream. */
    dirfetch_finish(f, 0);
  }
}

static void
dirstream_data(stream_t *s, const uint8_t *data, size_t len, void *arg)
{
  (void)s;
  dirfetch_feed(arg, data, len, 0);
}

static void
dirstream_end(stream_t *s, uint8_t reason, void *arg)
{
  dirfetch_t *f = arg;
  (void)s;
  f->stream = NULL; /* the stream module frees it */
  if (reason != END_REASON_DONE)
    log_info(LD_DIR, "%s: stream ended (%s).", f->what, end_reason_name(reason));
  dirfetch_feed(f, NULL, 0, 1);
}

static const stream_handlers_t dirstream_handlers = {
  .on_connected = dirstream_connected, .on_data = dirstream_data, .on_end = dirstream_end,
};

static dirfetch_t *
dirfetch_over_circuit(struct event_base *base, circuit_t *circ, const char *method,
                      const char *path, const uint8_t *body, size_t body_len, size_t max_body,
                      dirfetch_done_fn done, void *arg)
{
  const circuit_hop_info_t *last = circuit_hop_info(circ, circuit_n_hops(circ) - 1);
  dirfetch_t *f = dirfetch_new(base, last->address, path, body, body_len, max_body, done, arg);
  if (!f)
    return NULL;
  snprintf(f->what, sizeof(f->what), "%s %.60s %s %s over BEGIN_DIR", method, path,
           body ? "to" : "from", last->nickname);
  f->stream = stream_open(circ, NULL, &dirstream_handlers, f);
  if (!f->stream) {
    dirfetch_free(f);
    return NULL;
  }
  log_info(LD_DIR, "Starting %s.", f->what);
  return f;
}

dirfetch_t *
dirfetch_via_circuit(struct event_base *base, circuit_t *circ, const char *path,
                     size_t max_body, dirfetch_done_fn done, void *arg)
{
  return dirfetch_over_circuit(base, circ, "GET", path, NULL, 0, max_body, done, arg);
}

dirfetch_t *
dirfetch_post_via_circuit(struct event_base *base, circuit_t *circ, const char *path,
                          const uint8_t *body, size_t body_len, dirfetch_done_fn done, void *arg)
{
  return dirfetch_over_circuit(base, circ, "POST", path, body, body_len, 64 * 1024, done, arg);
}

void
dirfetch_cancel(dirfetch_t *f)
{
  if (f && !f->finished) {
    f->finished = 1;
    dirfetch_free(f);
  }
}
