/* Client TLS channels; see channel_tls.h. The process must ignore SIGPIPE
 * (the daemon does): OpenSSL writes to the socket with write(2). */
#include "orconfig.h"

#include "core/or/channel_tls.h"

#include "core/or/channel_tls_circmap.h"
#include "core/or/link_handshake.h"
#include "core/or/torcert_x509.h"
#include "lib/buf/buf.h"
#include "lib/crypt/crypto_util.h"
#include "lib/log/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Input: big enough for the largest var cell plus one read batch. */
#define CHANNEL_INBUF_MAX (256u << 10)
/* Bytes read per event-loop turn, so that one busy channel cannot starve
 * the others. */
#define CHANNEL_READ_BATCH (64u << 10)
/* How long channel_close() tries to flush before giving up. */
#define CHANNEL_CLOSE_FLUSH_TIMEOUT 5
/* Random circ ids tried before giving up (as tor does). */
#define CHANNEL_CIRC_ID_TRIES 64

typedef enum {
  CH_CONNECTING,      /* TCP connect in progress */
  CH_TLS_HANDSHAKE,
  CH_LINK_HANDSHAKE,
  CH_OPEN,
  CH_CLOSING,         /* flushing before channel_close() completes */
  CH_CLOSED,          /* on_closed called; waiting to be freed */
} channel_state_t;

struct channel_t {
  channel_state_t state;
  struct event_base *base;
  int fd;
  SSL *ssl;
  struct event *read_ev, *write_ev, *timer_ev, *free_ev;
  buf_t *inbuf, *outbuf;
  int flush_wants_read;   /* SSL_write needs the socket readable */
  int half_closed;        /* closing: our side is shut, awaiting the peer's */
  int read_wants_write;   /* SSL_read needs the socket writable */
  link_handshake_t *hs;
  tor_x509_cert_t *peer_cert;
  int link_proto;
  int have_expected_rsa;
  uint8_t expected_rsa[DIGEST_LEN];
  channel_handlers_t handlers;
  void *arg;
  circmap_t circs;
  cell_t scratch;         /* the received fixed cell, never allocated */
  char desc[64];
  channel_t *prev, *next; /* registry */
  uint64_t global_id;     /* the control port's connection ID */
  uint64_t bw_read, bw_written; /* since channel_take_bytes */
  int was_open;
};

static channel_t *all_channels = NULL;
static channel_observer_fn observer;
static uint64_t next_global_id = 1;
static SSL_CTX *client_tls_ctx = NULL;

static void channel_do_flush(channel_t *chan);
static void channel_do_read(channel_t *chan);

const char *
channel_close_reason_str(channel_close_reason_t reason)
{
  switch (reason) {
  case CHANNEL_CLOSE_REQUESTED: return "closed on request";
  case CHANNEL_CLOSE_CONNECT_FAILED: return "connection failed";
  case CHANNEL_CLOSE_TLS_ERROR: return "TLS error";
  case CHANNEL_CLOSE_HANDSHAKE_FAILED: return "link handshake failed";
  case CHANNEL_CLOSE_IDENTITY_MISMATCH: return "wrong relay identity";
  case CHANNEL_CLOSE_PROTOCOL_ERROR: return "protocol error";
  case CHANNEL_CLOSE_REMOTE: return "closed by the peer";
  case CHANNEL_CLOSE_TIMEOUT: return "handshake timed out";
  case CHANNEL_CLOSE_RESOURCE: return "out of buffer space or memory";
  }
  return "unknown";
}

/* ---- TLS context */

static SSL_CTX *
channel_tls_ctx(void)
{
  SSL_CTX *ctx;
  if (client_tls_ctx)
    return client_tls_ctx;
  ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx)
    return NULL;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  /* Relays' certificates are self-signed with random names: they are
   * verified through the CERTS cell, not by a CA. */
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
                        SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                        SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET);
  client_tls_ctx = ctx;
  return ctx;
}

/* The oldest queued OpenSSL error, as text (static buffer). */
static const char *
channel_tls_error_str(void)
{
  static char msg[256];
  unsigned long e = ERR_get_error();
  if (!e)
    return errno ? strerror(errno) : "no details";
  ERR_error_string_n(e, msg, sizeof(msg));
  ERR_clear_error();
  return msg;
}

/* ---- teardown */

static void
channel_free_cb(evutil_socket_t fd, short what, void *arg)
{
  channel_t *chan = arg;
  (void)fd;
  (void)what;
  if (chan->prev)
    chan->prev->next = chan->next;
  else
    all_channels = chan->next;
  if (chan->next)
    chan->next->prev = chan->prev;
  event_free(chan->free_ev);
  circmap_clear(&chan->circs);
  link_handshake_free(chan->hs);
  tor_x509_cert_free(chan->peer_cert);
  buf_free(chan->inbuf);
  buf_free(chan->outbuf);
  free(chan);
}

/* Release the connection, tell the owner, and free the channel on the
 * next loop turn (the caller may be deep in a callback of this channel). */
static void
channel_finish(channel_t *chan, channel_close_reason_t reason)
{
  if (chan->state == CH_CLOSED)
    return;
  chan->state = CH_CLOSED;
  if (observer && chan->global_id)   /* 0: never launched */
    observer(chan, chan->was_open ? CHANNEL_EVENT_CLOSED : CHANNEL_EVENT_FAILED, reason);
  if (chan->read_ev)
    event_free(chan->read_ev);
  if (chan->write_ev)
    event_free(chan->write_ev);
  if (chan->timer_ev)
    event_free(chan->timer_ev);
  chan->read_ev = chan->write_ev = chan->timer_ev = NULL;
  if (chan->ssl) {
    if (reason == CHANNEL_CLOSE_REQUESTED && !chan->half_closed)
      (void)SSL_shutdown(chan->ssl);
    ERR_clear_error();
    SSL_free(chan->ssl);
    chan->ssl = NULL;
  }
  if (chan->fd >= 0)
    close(chan->fd);
  chan->fd = -1;
  log_info(LD_CHANNEL, "Channel to %s closed: %s", chan->desc,
           channel_close_reason_str(reason));
  if (chan->handlers.on_closed)
    chan->handlers.on_closed(chan, reason, chan->arg);
  event_active(chan->free_ev, EV_TIMEOUT, 0);
}

static void
channel_schedule_flush(channel_t *chan)
{
  if (chan->write_ev && buf_datalen(chan->outbuf) > 0 &&
      !chan->flush_wants_read)
    event_add(chan->write_ev, NULL);
}

/* ---- cells in */

/* A cell while the handshake runs. */
static void
channel_handshake_cell(channel_t *chan, const var_cell_t *var)
{
  const char *err = "unknown error";
  link_hs_result_t r;
  if (var)
    r = link_handshake_handle_var_cell(chan->hs, var, time(NULL),
                                       chan->outbuf, &err);
  else
    r = link_handshake_handle_cell(chan->hs, &chan->scratch, chan->outbuf,
                                   &err);
  if (r == LINK_HS_ERROR) {
    log_protocol_warn(LD_PROTOCOL, "Link handshake with %s failed: %s",
                      chan->desc, err);
    channel_finish(chan, link_handshake_identity_mismatch(chan->hs)
                   ? CHANNEL_CLOSE_IDENTITY_MISMATCH
                   : CHANNEL_CLOSE_HANDSHAKE_FAILED);
    return;
  }
  channel_schedule_flush(chan);
  if (r == LINK_HS_OPEN) {
    chan->link_proto = link_handshake_link_proto(chan->hs);
    chan->state = CH_OPEN;
    chan->was_open = 1;
    event_del(chan->timer_ev);
    log_info(LD_CHANNEL, "Channel to %s open, link protocol %d",
             chan->desc, chan->link_proto);
    if (observer)
      observer(chan, CHANNEL_EVENT_CONNECTED, CHANNEL_CLOSE_REQUESTED);
    if (chan->handlers.on_open)
      chan->handlers.on_open(chan, chan->arg);
  }
}

/* A cell on an open channel. */
static void
channel_open_cell(channel_t *chan, const var_cell_t *var)
{
  if (var) {
    if (var->command == CELL_VPADDING || var->command == CELL_VERSIONS)
      return;
    if (chan->handlers.on_var_cell)
      chan->handlers.on_var_cell(chan, var, chan->arg);
    return;
  }
  if (chan->scratch.command == CELL_PADDING ||
      chan->scratch.command == CELL_NETINFO)
    return;
  if (chan->handlers.on_cell)
    chan->handlers.on_cell(chan, &chan->scratch,
                           circmap_get(&chan->circs, chan->scratch.circ_id),
                           chan->arg);
}

static int
channel_current_proto(const channel_t *chan)
{
  return chan->state == CH_LINK_HANDSHAKE
    ? link_handshake_link_proto(chan->hs) : chan->link_proto;
}

/* Decode and dispatch every whole cell in the input buffer. The framing
 * is recomputed per cell: VERSIONS changes the circ id width. */
static void
channel_process_inbuf(channel_t *chan)
{
  while (chan->state == CH_LINK_HANDSHAKE || chan->state == CH_OPEN) {
    size_t len, frame_len = 0;
    const uint8_t *data = buf_peek(chan->inbuf, &len);
    int proto = channel_current_proto(chan);
    cell_frame_t fr = cell_frame_peek(data, len, proto, &frame_len);
    var_cell_t *var = NULL;
    if (fr == CELL_FRAME_INCOMPLETE)
      return;
    if (fr == CELL_FRAME_FIXED) {
      cell_unpack(&chan->scratch, data, proto);
    } else {
      var = var_cell_unpack(data, frame_len, proto);
      if (!var) {
        channel_finish(chan, CHANNEL_CLOSE_RESOURCE);
        return;
      }
    }
    buf_drain(chan->inbuf, frame_len);
    if (chan->state == CH_LINK_HANDSHAKE)
      channel_handshake_cell(chan, var);
    else
      channel_open_cell(chan, var);
    var_cell_free(var);
  }
  if (chan->state == CH_CLOSING)
    buf_clear(chan->inbuf);   /* the owner asked to close: discard */
}

/* ---- I/O */

static uint64_t total_read, total_written;

void
channel_total_bytes(uint64_t *read, uint64_t *written)
{
  *read = total_read;
  *written = total_written;
}

static void
channel_do_read(channel_t *chan)
{
  buf_io_status_t st;
  chan->read_wants_write = 0;
  size_t n = buf_read_from_ssl(chan->inbuf, chan->ssl, CHANNEL_READ_BATCH, &st);
  total_read += n;
  chan->bw_read += n;
  channel_process_inbuf(chan);
  if (chan->state == CH_CLOSED)
    return;
  switch (st) {
  case BUF_IO_OK:           /* batch limit: more may wait inside TLS */
    event_active(chan->read_ev, EV_READ, 0);
    break;
  case BUF_IO_WANT_READ:
    break;
  case BUF_IO_WANT_WRITE:
    chan->read_wants_write = 1;
    event_add(chan->write_ev, NULL);
    break;
  case BUF_IO_FULL:
    log_protocol_warn(LD_PROTOCOL, "Input from %s overflowed its buffer",
                      chan->desc);
    channel_finish(chan, CHANNEL_CLOSE_RESOURCE);
    break;
  case BUF_IO_EOF:
    channel_finish(chan, chan->state == CH_CLOSING ? CHANNEL_CLOSE_REQUESTED
                   : chan->state == CH_OPEN ? CHANNEL_CLOSE_REMOTE
                   : CHANNEL_CLOSE_HANDSHAKE_FAILED);
    break;
  case BUF_IO_ERROR:
    /* While closing, a peer that hangs up without close_notify is normal. */
    if (chan->state != CH_CLOSING)
      log_info(LD_CHANNEL, "Read from %s failed: %s", chan->desc,
               channel_tls_error_str());
    ERR_clear_error();
    channel_finish(chan, chan->state == CH_CLOSING ? CHANNEL_CLOSE_REQUESTED
                   : CHANNEL_CLOSE_TLS_ERROR);
    break;
  }
}

/* Everything queued has been written on a closing channel: send TLS
 * close_notify and a TCP FIN, then wait (reading and discarding) for the
 * peer to close its side. Closing the socket at once would make the kernel
 * answer unread incoming bytes with a reset, and the peer could lose our
 * last cells. */
static void
channel_half_close(channel_t *chan)
{
  if (chan->half_closed)
    return;
  chan->half_closed = 1;
  ERR_clear_error();
  (void)SSL_shutdown(chan->ssl);  /* best effort; non-blocking */
  ERR_clear_error();
  (void)shutdown(chan->fd, SHUT_WR);
}

static void
channel_do_flush(channel_t *chan)
{
  buf_io_status_t st;
  chan->flush_wants_read = 0;
  if (buf_datalen(chan->outbuf) == 0) {
    if (chan->state == CH_CLOSING)
      channel_half_close(chan);
    return;
  }
  size_t n = buf_flush_to_ssl(chan->outbuf, chan->ssl, &st);
  total_written += n;
  chan->bw_written += n;
  switch (st) {
  case BUF_IO_OK:
    if (chan->state == CH_CLOSING)
      channel_half_close(chan);
    break;
  case BUF_IO_WANT_WRITE:
    event_add(chan->write_ev, NULL);
    break;
  case BUF_IO_WANT_READ:
    chan->flush_wants_read = 1;
    break;
  default:
    log_info(LD_CHANNEL, "Write to %s failed: %s", chan->desc,
             channel_tls_error_str());
    channel_finish(chan, chan->state == CH_CLOSING ? CHANNEL_CLOSE_REQUESTED
                   : CHANNEL_CLOSE_TLS_ERROR);
    break;
  }
}

/* TLS is up: learn the peer's certificate and send VERSIONS. */
static void
channel_tls_established(channel_t *chan)
{
  uint8_t digest[32];
  chan->peer_cert = tor_x509_cert_from_ssl_peer(chan->ssl);
  if (!chan->peer_cert || tor_x509_cert_sha256(chan->peer_cert, digest)) {
    log_protocol_warn(LD_PROTOCOL, "%s presented no usable TLS certificate",
                      chan->desc);
    channel_finish(chan, CHANNEL_CLOSE_HANDSHAKE_FAILED);
    return;
  }
  link_handshake_set_peer_tls_cert_digest(chan->hs, digest);
  if (link_handshake_start(chan->hs, chan->outbuf) < 0) {
    channel_finish(chan, CHANNEL_CLOSE_RESOURCE);
    return;
  }
  log_info(LD_CHANNEL, "TLS to %s up (%s); sending VERSIONS", chan->desc,
           SSL_get_version(chan->ssl));
  chan->state = CH_LINK_HANDSHAKE;
  channel_schedule_flush(chan);
  /* Records that arrived with the handshake may already sit in TLS. */
  event_active(chan->read_ev, EV_READ, 0);
}

static void
channel_tls_step(channel_t *chan)
{
  int r;
  ERR_clear_error();
  r = SSL_connect(chan->ssl);
  if (r == 1) {
    channel_tls_established(chan);
    return;
  }
  switch (SSL_get_error(chan->ssl, r)) {
  case SSL_ERROR_WANT_READ:
    break;                    /* the read event is always armed */
  case SSL_ERROR_WANT_WRITE:
    event_add(chan->write_ev, NULL);
    break;
  default:
    log_info(LD_CHANNEL, "TLS handshake with %s failed: %s", chan->desc,
             channel_tls_error_str());
    channel_finish(chan, CHANNEL_CLOSE_TLS_ERROR);
    break;
  }
}

/* TCP connected (or failed): start TLS. */
static void
channel_connect_done(channel_t *chan)
{
  int err = 0;
  socklen_t errlen = sizeof(err);
  SSL_CTX *ctx;
  if (getsockopt(chan->fd, SOL_SOCKET, SO_ERROR, &err, &errlen) < 0)
    err = errno;
  if (err) {
    log_info(LD_CHANNEL, "Connection to %s failed: %s", chan->desc,
             strerror(err));
    channel_finish(chan, CHANNEL_CLOSE_CONNECT_FAILED);
    return;
  }
  ctx = channel_tls_ctx();
  chan->ssl = ctx ? SSL_new(ctx) : NULL;
  if (!chan->ssl || SSL_set_fd(chan->ssl, chan->fd) != 1) {
    channel_finish(chan, CHANNEL_CLOSE_RESOURCE);
    return;
  }
  SSL_set_connect_state(chan->ssl);
  chan->state = CH_TLS_HANDSHAKE;
  event_add(chan->read_ev, NULL);
  channel_tls_step(chan);
}

static void
channel_read_cb(evutil_socket_t fd, short what, void *arg)
{
  channel_t *chan = arg;
  (void)fd;
  (void)what;
  if (chan->state == CH_TLS_HANDSHAKE) {
    channel_tls_step(chan);
    return;
  }
  if (chan->state < CH_LINK_HANDSHAKE || chan->state == CH_CLOSED)
    return;
  channel_do_read(chan);
  if (chan->state != CH_CLOSED && chan->flush_wants_read)
    channel_do_flush(chan);
}

static void
channel_write_cb(evutil_socket_t fd, short what, void *arg)
{
  channel_t *chan = arg;
  (void)fd;
  (void)what;
  switch (chan->state) {
  case CH_CONNECTING:
    channel_connect_done(chan);
    return;
  case CH_TLS_HANDSHAKE:
    channel_tls_step(chan);
    return;
  case CH_CLOSED:
    return;
  default:
    break;
  }
  if (chan->read_wants_write) {
    channel_do_read(chan);
    if (chan->state == CH_CLOSED)
      return;
  }
  channel_do_flush(chan);
}

static void
channel_timer_cb(evutil_socket_t fd, short what, void *arg)
{
  channel_t *chan = arg;
  (void)fd;
  (void)what;
  if (chan->state == CH_CLOSING) {
    channel_finish(chan, CHANNEL_CLOSE_REQUESTED);
    return;
  }
  log_info(LD_CHANNEL, "Handshake with %s timed out", chan->desc);
  channel_finish(chan, CHANNEL_CLOSE_TIMEOUT);
}

/* ---- setup */

/* Parse an IP literal into sa and the NETINFO form of the address. */
static int
channel_parse_address(const char *address, uint16_t port,
                      struct sockaddr_storage *ss, socklen_t *sslen,
                      netinfo_addr_t *na)
{
  struct sockaddr_in *sin = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
  memset(ss, 0, sizeof(*ss));
  memset(na, 0, sizeof(*na));
  if (inet_pton(AF_INET, address, &sin->sin_addr) == 1) {
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    *sslen = sizeof(*sin);
    na->type = NETINFO_ADDR_IPV4;
    memcpy(na->addr, &sin->sin_addr, 4);
    return 0;
  }
  if (inet_pton(AF_INET6, address, &sin6->sin6_addr) == 1) {
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    *sslen = sizeof(*sin6);
    na->type = NETINFO_ADDR_IPV6;
    memcpy(na->addr, &sin6->sin6_addr, 16);
    return 0;
  }
  return -1;
}

static channel_t *
channel_alloc(struct event_base *base, const char *address, uint16_t port,
              const netinfo_addr_t *na, const uint8_t *expected_rsa_id,
              const uint8_t *expected_ed_id)
{
  channel_t *chan = calloc(1, sizeof(*chan));
  if (!chan)
    return NULL;
  chan->fd = -1;
  chan->base = base;
  snprintf(chan->desc, sizeof(chan->desc),
           strchr(address, ':') ? "[%s]:%u" : "%s:%u", address,
           (unsigned)port);
  chan->inbuf = buf_new(CHANNEL_INBUF_MAX);
  chan->outbuf = buf_new(CHANNEL_OUTBUF_MAX);
  chan->hs = link_handshake_new(na, expected_rsa_id, expected_ed_id);
  chan->free_ev = event_new(base, -1, 0, channel_free_cb, chan);
  if (expected_rsa_id) {
    chan->have_expected_rsa = 1;
    memcpy(chan->expected_rsa, expected_rsa_id, DIGEST_LEN);
  }
  if (!chan->inbuf || !chan->outbuf || !chan->hs || !chan->free_ev) {
    if (chan->free_ev)
      event_free(chan->free_ev);
    link_handshake_free(chan->hs);
    buf_free(chan->inbuf);
    buf_free(chan->outbuf);
    free(chan);
    return NULL;
  }
  return chan;
}

channel_t *
channel_tls_connect(struct event_base *base, const char *address,
                    uint16_t port, const uint8_t *expected_rsa_id,
                    const uint8_t *expected_ed_id,
                    const channel_handlers_t *handlers, void *arg)
{
  struct sockaddr_storage ss;
  socklen_t sslen;
  netinfo_addr_t na;
  channel_t *chan;
  struct timeval tv = { CHANNEL_HANDSHAKE_TIMEOUT, 0 };

  if (channel_parse_address(address, port, &ss, &sslen, &na) < 0) {
    log_warn(LD_CHANNEL, "Not an IP address: \"%s\"", address);
    return NULL;
  }
  chan = channel_alloc(base, address, port, &na, expected_rsa_id,
                       expected_ed_id);
  if (!chan)
    return NULL;
  chan->handlers = *handlers;
  chan->arg = arg;
  chan->next = all_channels;
  if (all_channels)
    all_channels->prev = chan;
  all_channels = chan;

  chan->state = CH_CONNECTING;
  chan->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    0);
  if (chan->fd >= 0) {
    chan->read_ev = event_new(base, chan->fd, EV_READ | EV_PERSIST,
                              channel_read_cb, chan);
    chan->write_ev = event_new(base, chan->fd, EV_WRITE, channel_write_cb,
                               chan);
    chan->timer_ev = event_new(base, -1, 0, channel_timer_cb, chan);
  }
  if (chan->fd < 0 || !chan->read_ev || !chan->write_ev || !chan->timer_ev ||
      (connect(chan->fd, (struct sockaddr *)&ss, sslen) < 0 &&
       errno != EINPROGRESS)) {
    log_info(LD_CHANNEL, "Cannot connect to %s: %s", chan->desc,
             strerror(errno));
    /* Nothing started: the caller learns it from NULL, not on_closed. */
    chan->handlers.on_closed = NULL;
    channel_finish(chan, CHANNEL_CLOSE_CONNECT_FAILED);
    event_del(chan->free_ev);
    channel_free_cb(-1, 0, chan);
    return NULL;
  }
  event_add(chan->write_ev, NULL);
  event_add(chan->timer_ev, &tv);
  log_info(LD_CHANNEL, "Connecting to %s", chan->desc);
  chan->global_id = next_global_id++;
  if (observer)
    observer(chan, CHANNEL_EVENT_LAUNCHED, CHANNEL_CLOSE_REQUESTED);
  return chan;
}

/* ---- queries */

channel_t *
channel_find_by_rsa_id(const uint8_t rsa_id[DIGEST_LEN])
{
  channel_t *c;
  for (c = all_channels; c; c = c->next) {
    const uint8_t *id;
    if (c->state == CH_CLOSING || c->state == CH_CLOSED)
      continue;
    if (c->state == CH_OPEN)
      id = link_handshake_peer_ids(c->hs)->rsa_id_digest;
    else if (c->have_expected_rsa)
      id = c->expected_rsa;
    else
      continue;
    if (!memcmp(id, rsa_id, DIGEST_LEN))
      return c;
  }
  return NULL;
}

int
channel_is_open(const channel_t *chan)
{
  return chan->state == CH_OPEN;
}

int
channel_link_proto(const channel_t *chan)
{
  return chan->hs ? link_handshake_link_proto(chan->hs) : 0;
}

const link_peer_ids_t *
channel_peer_ids(const channel_t *chan)
{
  return link_handshake_peer_ids(chan->hs);
}

const char *
channel_peer_description(const channel_t *chan)
{
  return chan->desc;
}

/* ---- cells out */

int
channel_send_cell(channel_t *chan, const cell_t *cell)
{
  uint8_t *dst;
  if (chan->state != CH_OPEN)
    return -1;
  dst = buf_reserve(chan->outbuf, cell_network_size(chan->link_proto));
  if (!dst)
    return -1;
  buf_commit(chan->outbuf, cell_pack(dst, cell, chan->link_proto));
  channel_schedule_flush(chan);
  return 0;
}

int
channel_send_var_cell(channel_t *chan, const var_cell_t *cell)
{
  size_t n;
  uint8_t *dst;
  if (chan->state != CH_OPEN)
    return -1;
  n = var_cell_network_size(cell, chan->link_proto);
  dst = buf_reserve(chan->outbuf, n);
  if (!dst)
    return -1;
  buf_commit(chan->outbuf, var_cell_pack(dst, n, cell, chan->link_proto));
  channel_schedule_flush(chan);
  return 0;
}

size_t
channel_outbuf_len(const channel_t *chan)
{
  return buf_datalen(chan->outbuf);
}

/* ---- circuits */

uint32_t
channel_circ_attach(channel_t *chan, void *circ)
{
  int i;
  if (chan->state != CH_OPEN || !circ)
    return 0;
  for (i = 0; i < CHANNEL_CIRC_ID_TRIES; i++) {
    uint32_t id;
    if (crypto_rand_bytes(&id, sizeof(id)) < 0)
      return 0;
    /* We initiated the connection: our ids have the high bit set. */
    id |= CIRC_ID_INITIATOR_BIT;
    if (circmap_get(&chan->circs, id))
      continue;
    if (circmap_put(&chan->circs, id, circ) < 0)
      return 0;
    return id;
  }
  return 0;
}

void *
channel_circ_get(const channel_t *chan, uint32_t circ_id)
{
  return circmap_get(&chan->circs, circ_id);
}

void
channel_circ_detach(channel_t *chan, uint32_t circ_id)
{
  circmap_remove(&chan->circs, circ_id);
}

size_t
channel_n_circs(const channel_t *chan)
{
  return chan->circs.n;
}

/* ---- closing */

void
channel_close(channel_t *chan)
{
  struct timeval tv = { CHANNEL_CLOSE_FLUSH_TIMEOUT, 0 };
  if (chan->state == CH_CLOSING || chan->state == CH_CLOSED)
    return;
  if (chan->state != CH_OPEN) {
    channel_finish(chan, CHANNEL_CLOSE_REQUESTED);
    return;
  }
  chan->state = CH_CLOSING;
  event_del(chan->timer_ev);
  event_add(chan->timer_ev, &tv);
  if (buf_datalen(chan->outbuf) == 0)
    channel_half_close(chan);
  else
    channel_schedule_flush(chan);
}

void
channel_close_all_now(void)
{
  channel_t *c, *next;
  for (c = all_channels; c; c = next) {
    next = c->next;
    channel_finish(c, CHANNEL_CLOSE_REQUESTED);
    /* Free now: the loop may not run again. */
    event_del(c->free_ev);
    channel_free_cb(-1, 0, c);
  }
}

/* ---- for the control port */

void
channel_set_observer(channel_observer_fn fn)
{
  observer = fn;
}

uint64_t
channel_global_id(const channel_t *chan)
{
  return chan->global_id;
}

const uint8_t *
channel_rsa_id(const channel_t *chan)
{
  if (chan->was_open)
    return link_handshake_peer_ids(chan->hs)->rsa_id_digest;
  return chan->have_expected_rsa ? chan->expected_rsa : NULL;
}

void
channel_take_bytes(channel_t *chan, uint64_t *read, uint64_t *written)
{
  *read = chan->bw_read;
  *written = chan->bw_written;
  chan->bw_read = chan->bw_written = 0;
}

static channel_t *
skip_finished(channel_t *c)
{
  while (c && (c->state == CH_CLOSING || c->state == CH_CLOSED))
    c = c->next;
  return c;
}

channel_t *
channel_first(void)
{
  return skip_finished(all_channels);
}

channel_t *
channel_next(const channel_t *chan)
{
  return skip_finished(chan->next);
}

/* ---- diagnostics */

const uint8_t *
channel_peer_tls_cert_der(const channel_t *chan, size_t *len)
{
  *len = 0;
  return chan->peer_cert ? tor_x509_cert_get_der(chan->peer_cert, len)
                         : NULL;
}

const uint8_t *
channel_peer_certs_payload(const channel_t *chan, size_t *len)
{
  return link_handshake_certs_payload(chan->hs, len);
}
