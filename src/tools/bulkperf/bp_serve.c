/* tor-bulkperf serve: a TCP bulk sender (or sink) meant to stand behind a
 * tor HiddenServicePort. Sends start at accept and never end; each send()
 * hands the kernel a large slice of a prefilled buffer. For the sequence
 * pattern each connection has its own window of the stream, regenerated a
 * word at a time when it has been sent (8 bytes of work per 8 bytes). */
#include "orconfig.h"
#include "tools/bulkperf/bp_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct server;

/* Connections are spread over worker threads, each with its own event
 * loop: on loopback the sender also pays for most of the TCP work, so one
 * core is not enough for the sender. Worker 0 is the main thread. */
typedef struct worker {
  struct server *srv;
  int idx;
  struct event_base *base;
  int pipefd[2];         /* accepted fds (int) from the main thread */
  struct event *pev;
  uint8_t *rbuf;         /* sink: read buffer */
  pthread_t th;
} worker_t;

typedef struct server {
  const bp_opts_t *o;
  struct event_base *base;
  int lfd;
  struct event *lev, *sig_ev, *sig2_ev;
  uint8_t *shared;       /* zero/random pattern */
  size_t bufsize;
  unsigned nconns;
  worker_t *w;
  int nworkers;
} server_t;

typedef struct sconn {
  server_t *srv;
  worker_t *w;
  int fd;
  struct event *ev;
  unsigned id;
  uint64_t off;
  uint8_t *win;          /* own window (sequence, or when corrupting) */
  uint64_t wbase;
  char peer[64];
  double m_start;
} sconn_t;

static void
fill_window(sconn_t *c)
{
  server_t *s = c->srv;
  const bp_opts_t *o = s->o;
  if (o->pattern == BP_PATTERN_SEQUENCE)
    bp_seq_fill(c->win, s->bufsize, c->wbase);
  else
    memcpy(c->win, s->shared, s->bufsize);
  if (o->corrupt_at >= 0 && (uint64_t)o->corrupt_at >= c->wbase &&
      (uint64_t)o->corrupt_at < c->wbase + s->bufsize)
    c->win[(uint64_t)o->corrupt_at - c->wbase] ^= 0x5A;
}

static void
sconn_close(sconn_t *c, const char *why)
{
  server_t *s = c->srv;
  if (!s->o->quiet) {
    double dt = bp_mono() - c->m_start;
    fprintf(stderr, "tor-bulkperf serve: connection %u from %s: %s after "
            "%" PRIu64 " bytes in %.2f s (%.2f Mbit/s)\n", c->id, c->peer,
            why, c->off, dt, dt > 0 ? (double)c->off * 8 / dt / 1e6 : 0.0);
  }
  event_free(c->ev);
  close(c->fd);
  free(c->win);
  free(c);
}

static void
on_send(evutil_socket_t fd, short what, void *arg)
{
  sconn_t *c = arg;
  server_t *s = c->srv;
  (void)what;
  for (int i = 0; i < 32; i++) {
    const uint8_t *p;
    size_t len;
    if (c->win) {
      if (c->off - c->wbase >= s->bufsize) {
        c->wbase = c->off;
        fill_window(c);
      }
      p = c->win + (c->off - c->wbase);
      len = s->bufsize - (size_t)(c->off - c->wbase);
    } else {
      size_t at = (size_t)(c->off % s->bufsize);
      p = s->shared + at;
      len = s->bufsize - at;
    }
    ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
    if (n > 0) {
      c->off += (uint64_t)n;
      if ((size_t)n < len)
        return;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
      return;
    sconn_close(c, n < 0 && errno != EPIPE && errno != ECONNRESET
                ? strerror(errno) : "closed by the client");
    return;
  }
}

static void
on_sink(evutil_socket_t fd, short what, void *arg)
{
  sconn_t *c = arg;
  server_t *s = c->srv;
  const bp_opts_t *o = s->o;
  (void)what;
  for (int i = 0; i < 16; i++) {
    uint8_t *rb = c->w->rbuf;
    ssize_t n = recv(fd, rb, s->bufsize, 0);
    if (n > 0) {
      if (o->verify) {
        size_t bad = o->verify == BP_VERIFY_SEQUENCE
          ? bp_seq_check(rb, (size_t)n, c->off)
          : bp_zero_check(rb, (size_t)n);
        if (bad != (size_t)n) {
          char why[160];
          snprintf(why, sizeof(why), "verification FAILED at offset %"
                   PRIu64, c->off + bad);
          c->off += bad;
          sconn_close(c, why);
          return;
        }
      }
      c->off += (uint64_t)n;
      if ((size_t)n < s->bufsize)
        return;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
      return;
    sconn_close(c, n == 0 ? (o->verify ? "closed by the client, data "
                             "verified" : "closed by the client")
                : strerror(errno));
    return;
  }
}

static void
add_conn(worker_t *w, int fd, unsigned id, const char *peer)
{
  server_t *s = w->srv;
  const bp_opts_t *o = s->o;
  sconn_t *c = calloc(1, sizeof(*c));
  if (!c) {
    close(fd);
    return;
  }
  c->srv = s;
  c->w = w;
  c->fd = fd;
  c->id = id;
  c->m_start = bp_mono();
  snprintf(c->peer, sizeof(c->peer), "%s", peer);
  if (!o->sink && (o->pattern == BP_PATTERN_SEQUENCE || o->corrupt_at >= 0)) {
    c->win = aligned_alloc(4096, s->bufsize);
    if (!c->win) {
      close(fd);
      free(c);
      return;
    }
    c->wbase = 0;
    fill_window(c);
  }
  c->ev = event_new(w->base, fd, (o->sink ? EV_READ : EV_WRITE) | EV_PERSIST,
                    o->sink ? on_sink : on_send, c);
  event_add(c->ev, NULL);
}

struct handoff {
  int fd;
  unsigned id;
  char peer[64];
};

static void
on_handoff(evutil_socket_t pfd, short what, void *arg)
{
  worker_t *w = arg;
  struct handoff h;
  (void)what;
  for (;;) {
    ssize_t n = read(pfd, &h, sizeof(h));
    if (n != (ssize_t)sizeof(h))
      return;
    if (h.fd < 0) {
      event_base_loopbreak(w->base);
      return;
    }
    add_conn(w, h.fd, h.id, h.peer);
  }
}

static void *
worker_main(void *arg)
{
  worker_t *w = arg;
  event_base_dispatch(w->base);
  return NULL;
}

static void
on_accept(evutil_socket_t lfd, short what, void *arg)
{
  server_t *s = arg;
  (void)what;
  for (int i = 0; i < 64; i++) {
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    int fd = accept(lfd, (struct sockaddr *)&ss, &sl);
    if (fd < 0) {
      if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
        fprintf(stderr, "tor-bulkperf serve: accept: %s\n", strerror(errno));
      return;
    }
    bp_sock_tune(fd);
    struct handoff h;
    memset(&h, 0, sizeof(h));
    h.fd = fd;
    h.id = ++s->nconns;
    char ip[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (ss.ss_family == AF_INET) {
      inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, ip,
                sizeof(ip));
      port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    } else if (ss.ss_family == AF_INET6) {
      inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, ip,
                sizeof(ip));
      port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    snprintf(h.peer, sizeof(h.peer), "%s:%u", ip, port);
    worker_t *w = &s->w[(h.id - 1) % (unsigned)s->nworkers];
    if (w->idx == 0 || write(w->pipefd[1], &h, sizeof(h)) != sizeof(h))
      add_conn(&s->w[0], h.fd, h.id, h.peer);
  }
}

static void
on_signal(evutil_socket_t fd, short what, void *arg)
{
  server_t *s = arg;
  (void)fd; (void)what;
  event_base_loopbreak(s->base);
}

int
bp_run_serve(const bp_opts_t *o)
{
  server_t S, *s = &S;
  char err[512];
  struct sockaddr_storage ss;
  socklen_t sl;
  memset(s, 0, sizeof(*s));
  s->o = o;
  s->bufsize = o->bufsize;
  signal(SIGPIPE, SIG_IGN);
  if (bp_resolve(o->listen_host, o->listen_port, &ss, &sl, err,
                 sizeof(err)) < 0) {
    fprintf(stderr, "tor-bulkperf serve: --listen %s\n", err);
    return BP_EXIT_FAIL;
  }
  s->lfd = socket(ss.ss_family, SOCK_STREAM, 0);
  int one = 1;
  if (s->lfd < 0 ||
      setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
      bind(s->lfd, (struct sockaddr *)&ss, sl) < 0 ||
      listen(s->lfd, 1024) < 0) {
    fprintf(stderr, "tor-bulkperf serve: cannot listen on %s:%u: %s\n",
            o->listen_host, o->listen_port, strerror(errno));
    return BP_EXIT_FAIL;
  }
  bp_sock_tune(s->lfd);
  s->shared = aligned_alloc(4096, s->bufsize);
  if (!s->shared) {
    fprintf(stderr, "tor-bulkperf serve: out of memory\n");
    return BP_EXIT_FAIL;
  }
  if (o->pattern == BP_PATTERN_RANDOM && !o->sink) {
    uint64_t x = (uint64_t)bp_wall_usec() | 1;
    for (size_t i = 0; i < s->bufsize; i++) {
      x ^= x << 13; x ^= x >> 7; x ^= x << 17;
      s->shared[i] = (uint8_t)(x >> 24);
    }
  } else {
    memset(s->shared, 0, s->bufsize);
  }
  /* print the real address (port 0 picks a free one) for scripts */
  char local[128];
  struct sockaddr_storage bound;
  socklen_t bl = sizeof(bound);
  unsigned port = o->listen_port;
  if (getsockname(s->lfd, (struct sockaddr *)&bound, &bl) == 0)
    port = ntohs(bound.ss_family == AF_INET
                 ? ((struct sockaddr_in *)&bound)->sin_port
                 : ((struct sockaddr_in6 *)&bound)->sin6_port);
  snprintf(local, sizeof(local), "%s%s%s:%u",
           strchr(o->listen_host, ':') ? "[" : "", o->listen_host,
           strchr(o->listen_host, ':') ? "]" : "", port);
  static const char *const pnames[] = { "zero", "random", "sequence" };
  printf("listening on %s, %s%s\n", local,
         o->sink ? "sink" : "pattern ", o->sink ? "" : pnames[o->pattern]);
  fflush(stdout);

  s->base = event_base_new();
  s->nworkers = o->threads > 0 ? o->threads : 1;
  s->w = calloc((size_t)s->nworkers, sizeof(worker_t));
  if (!s->w)
    return BP_EXIT_FAIL;
  for (int i = 0; i < s->nworkers; i++) {
    worker_t *w = &s->w[i];
    w->srv = s;
    w->idx = i;
    w->pipefd[0] = w->pipefd[1] = -1;
    if (o->sink && !(w->rbuf = aligned_alloc(4096, s->bufsize)))
      return BP_EXIT_FAIL;
    if (i == 0) {
      w->base = s->base;
      continue;
    }
    w->base = event_base_new();
    if (pipe(w->pipefd) < 0)
      return BP_EXIT_FAIL;
    bp_sock_tune(w->pipefd[0]);   /* non-blocking read end */
    w->pev = event_new(w->base, w->pipefd[0], EV_READ | EV_PERSIST,
                       on_handoff, w);
    event_add(w->pev, NULL);
    if (pthread_create(&w->th, NULL, worker_main, w) != 0) {
      fprintf(stderr, "tor-bulkperf serve: cannot start a thread\n");
      return BP_EXIT_FAIL;
    }
  }
  s->lev = event_new(s->base, s->lfd, EV_READ | EV_PERSIST, on_accept, s);
  s->sig_ev = evsignal_new(s->base, SIGINT, on_signal, s);
  s->sig2_ev = evsignal_new(s->base, SIGTERM, on_signal, s);
  event_add(s->lev, NULL);
  event_add(s->sig_ev, NULL);
  event_add(s->sig2_ev, NULL);
  event_base_dispatch(s->base);
  for (int i = 1; i < s->nworkers; i++) {
    struct handoff h;
    memset(&h, 0, sizeof(h));
    h.fd = -1;
    if (write(s->w[i].pipefd[1], &h, sizeof(h)) == sizeof(h))
      pthread_join(s->w[i].th, NULL);
  }
  event_free(s->lev);
  event_free(s->sig_ev);
  event_free(s->sig2_ev);
  event_base_free(s->base);
  close(s->lfd);
  free(s->shared);
  return BP_EXIT_OK;
}
