/* tor-bulkperf: connection set-up through a SOCKS5 proxy (or direct). */
#include "orconfig.h"
#include "tools/bulkperf/bp_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <unistd.h>

enum { PH_CONNECTING = 0, PH_SOCKS, PH_READY, PH_DONE };

int
bp_resolve(const char *host, uint16_t port, struct sockaddr_storage *ss,
           socklen_t *len, char *err, size_t errlen)
{
  struct addrinfo hints, *res = NULL;
  char ps[8];
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  snprintf(ps, sizeof(ps), "%u", port);
  int rc = getaddrinfo(host, ps, &hints, &res);
  if (rc != 0 || !res) {
    snprintf(err, errlen, "cannot resolve '%s': %s", host, gai_strerror(rc));
    return -1;
  }
  memcpy(ss, res->ai_addr, res->ai_addrlen);
  *len = res->ai_addrlen;
  freeaddrinfo(res);
  return 0;
}

void
bp_sock_tune(int fd)
{
  int fl = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, fl | O_NONBLOCK);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

void
bp_sock_local(int fd, char *buf, size_t len)
{
  struct sockaddr_storage ss;
  socklen_t sl = sizeof(ss);
  char ip[INET6_ADDRSTRLEN] = "0.0.0.0";
  unsigned port = 0;
  if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
    if (ss.ss_family == AF_INET) {
      struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
      inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
      port = ntohs(s4->sin_port);
    } else if (ss.ss_family == AF_INET6) {
      struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
      inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
      port = ntohs(s6->sin6_port);
    }
  }
  snprintf(buf, len, "localhost:%s:%u", ip, port);
}

static void
finish(bp_conn_t *c, int ok, const char *err)
{
  if (c->ev) {
    event_free(c->ev);
    c->ev = NULL;
  }
  if (!ok && c->fd >= 0) {
    close(c->fd);
    c->fd = -1;
  }
  c->phase = ok ? PH_READY : PH_DONE;
  c->m_ready = bp_mono();
  c->cb(c, ok, err);
}

static void
fail_errno(bp_conn_t *c, const char *what, int e)
{
  char msg[512];
  const bp_opts_t *o = c->o;
  if (o->socks_none)
    snprintf(msg, sizeof(msg), "cannot connect to %s:%u: %s", o->target_host,
             o->target_port, strerror(e));
  else if (c->phase == PH_CONNECTING)
    snprintf(msg, sizeof(msg), "cannot connect to the SOCKS proxy %s:%u: %s"
             "%s", o->socks_host, o->socks_port, strerror(e),
             e == ECONNREFUSED ? " (is tor running, with its SocksPort "
             "there?)" : "");
  else
    snprintf(msg, sizeof(msg), "SOCKS proxy %s:%u: %s %s", o->socks_host,
             o->socks_port, what, strerror(e));
  finish(c, 0, msg);
}

static int
flush_out(bp_conn_t *c)
{
  size_t off = 0;
  while (off < c->socks.outlen) {
    ssize_t n = send(c->fd, c->socks.out + off, c->socks.outlen - off,
                     MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      /* a few bytes on a fresh connection: EAGAIN would be very odd */
      fail_errno(c, "write failed:", errno);
      return -1;
    }
    off += (size_t)n;
  }
  c->wbytes += c->socks.outlen;
  c->socks.outlen = 0;
  return 0;
}

static void on_event(evutil_socket_t fd, short what, void *arg);

static void
rearm(bp_conn_t *c, short what)
{
  struct timeval tv;
  double left = c->o->connect_timeout - (bp_mono() - c->m_start);
  if (left < 0.001)
    left = 0.001;
  tv.tv_sec = (time_t)left;
  tv.tv_usec = (suseconds_t)((left - (double)tv.tv_sec) * 1e6);
  event_del(c->ev);
  event_assign(c->ev, c->base, c->fd, what, on_event, c);
  event_add(c->ev, &tv);
}

static void
on_event(evutil_socket_t fd, short what, void *arg)
{
  bp_conn_t *c = arg;
  const bp_opts_t *o = c->o;
  (void)fd;
  if (what & EV_TIMEOUT) {
    char msg[512];
    if (c->phase == PH_CONNECTING)
      snprintf(msg, sizeof(msg), "timed out after %.0f s connecting to %s",
               o->connect_timeout, o->socks_none ? "the target" :
               "the SOCKS proxy");
    else
      snprintf(msg, sizeof(msg), "timed out after %.0f s waiting for the "
               "SOCKS proxy to connect to %s:%u", o->connect_timeout,
               o->target_host, o->target_port);
    finish(c, 0, msg);
    return;
  }
  if (c->phase == PH_CONNECTING) {
    int e = 0;
    socklen_t el = sizeof(e);
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &el);
    if (e) {
      fail_errno(c, "", e);
      return;
    }
    c->t_connect = bp_wall_usec();
    if (o->socks_none) {
      c->t_negotiate = c->t_request = c->t_response = c->t_connect;
      finish(c, 1, NULL);
      return;
    }
    c->phase = PH_SOCKS;
    if (flush_out(c) < 0)
      return;
    rearm(c, EV_READ);
    return;
  }
  /* PH_SOCKS: read only what is there; the reply may carry payload */
  uint8_t buf[sizeof(c->extra)];
  ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) {
      rearm(c, EV_READ);
      return;
    }
    fail_errno(c, "read failed:", errno);
    return;
  }
  if (n == 0) {
    char msg[400];
    snprintf(msg, sizeof(msg), "the SOCKS proxy %s:%u closed the connection "
             "during the SOCKS handshake", o->socks_host, o->socks_port);
    finish(c, 0, msg);
    return;
  }
  c->rbytes += (uint64_t)n;
  size_t pos = 0;
  while (pos < (size_t)n) {
    size_t used = 0;
    int ev = bp_socks_feed(&c->socks, buf + pos, (size_t)n - pos, &used);
    pos += used;
    switch (ev) {
    case BP_SOCKS_EV_MORE:
      break;
    case BP_SOCKS_EV_SEND:
      if (flush_out(c) < 0)
        return;
      break;
    case BP_SOCKS_EV_NEGOTIATED:
      c->t_negotiate = bp_wall_usec();
      if (flush_out(c) < 0)
        return;
      c->t_request = bp_wall_usec();
      break;
    case BP_SOCKS_EV_DONE:
      c->t_response = bp_wall_usec();
      c->nextra = (size_t)n - pos;
      memcpy(c->extra, buf + pos, c->nextra);
      c->rbytes -= c->nextra;    /* payload, counted by the caller */
      finish(c, 1, NULL);
      return;
    default: {
      char msg[400];
      snprintf(msg, sizeof(msg), "%s", c->socks.err);
      finish(c, 0, msg);
      return;
    }
    }
    if (ev == BP_SOCKS_EV_MORE)
      break;
  }
  rearm(c, EV_READ);    /* the event is one-shot: wait for the next reply */
}

int
bp_conn_start(bp_conn_t *c, struct event_base *base,
              const struct sockaddr_storage *sa, socklen_t salen,
              const bp_opts_t *o, const char *user, bp_conn_cb cb, void *arg)
{
  memset(c, 0, sizeof(*c));
  c->base = base;
  c->o = o;
  c->cb = cb;
  c->arg = arg;
  c->fd = -1;
  c->m_start = bp_mono();
  c->t_start = bp_wall_usec();
  if (!o->socks_none &&
      bp_socks_begin(&c->socks, o->target_host, o->target_port, user,
                     "bulkperf") < 0) {
    finish(c, 0, "target name or SOCKS username too long");
    return -1;
  }
  c->fd = socket(sa->ss_family, SOCK_STREAM, 0);
  if (c->fd < 0) {
    fail_errno(c, "", errno);
    return -1;
  }
  c->t_socket = bp_wall_usec();
  bp_sock_tune(c->fd);
  c->ev = event_new(base, c->fd, EV_WRITE, on_event, c);
  if (connect(c->fd, (const struct sockaddr *)sa, salen) < 0 &&
      errno != EINPROGRESS) {
    fail_errno(c, "", errno);
    return -1;
  }
  rearm(c, EV_WRITE);
  return 0;
}

void
bp_conn_abort(bp_conn_t *c)
{
  if (c->ev) {
    event_free(c->ev);
    c->ev = NULL;
  }
  if (c->phase < PH_READY && c->fd >= 0) {
    close(c->fd);
    c->fd = -1;
  }
  c->phase = PH_DONE;
}
