/* tor-bulkperf transfer: Torperf-style timed downloads. Each transfer opens
 * a stream, reads exactly SIZE bytes (the source sends as soon as the
 * stream is up, so no request is written: DATAREQUEST is the moment the
 * SOCKS reply arrived) and closes. Rounds of all sizes start --every apart.
 * Results: .tpf lines, JSON, SQLite. */
#include "orconfig.h"
#include "tools/bulkperf/bp_net.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct xfer {
  const bp_opts_t *o;
  struct event_base *base;
  struct sockaddr_storage sa;
  socklen_t salen;
  uint8_t *buf;
  size_t bufsize;
  int round, idx, ndone, nfailed;
  double round_start;
  unsigned tag;
  bp_conn_t conn;
  int fd;
  struct event *ev, *next_ev, *sig_ev;
  double m_first;          /* monotonic START of this transfer */
  bp_transfer_t cur;
  uint64_t got;
  int nextperc;
  bool active, verify_failed, interrupted;
  FILE *tpf, *json;
  bp_db_t *db;
  int64_t run;
  double cpu0;
  uint64_t all_bytes;
} xfer_t;

static void start_next(xfer_t *x);

static void
finish_transfer(xfer_t *x, const char *error)
{
  const bp_opts_t *o = x->o;
  bp_transfer_t *t = &x->cur;
  if (x->ev) {
    event_free(x->ev);
    x->ev = NULL;
  }
  if (x->fd >= 0) {
    close(x->fd);
    x->fd = -1;
  }
  x->active = false;
  if (error)
    snprintf(t->error, sizeof(t->error), "%s", error);
  t->readbytes = x->conn.rbytes + x->got;
  t->writebytes = x->conn.wbytes;
  x->all_bytes += x->got;
  x->ndone++;
  if (error)
    x->nfailed++;

  char sz[32];
  bp_format_size(t->filesize, sz, sizeof(sz));
  if (!o->quiet) {
    if (t->datacomplete) {
      double total = (double)(t->datacomplete - t->start) / 1e6;
      double fb = (double)(t->dataresponse - t->start) / 1e6;
      double body = (double)(t->datacomplete - t->dataresponse) / 1e6;
      printf("%3d %8s  %8.3f s  (socks %.3f s, first byte %.3f s, %.2f "
             "Mbit/s after the first byte)\n", x->round + 1, sz, total,
             (double)(t->response - t->start) / 1e6, fb,
             body > 0 ? (double)t->filesize * 8 / body / 1e6 : 0.0);
    } else {
      printf("%3d %8s  failed%s: %s\n", x->round + 1, sz,
             t->didtimeout ? " (timeout)" : "", t->error);
    }
    fflush(stdout);
  }
  if (x->tpf) {
    bp_tpf_write_line(x->tpf, t, o->tpf_decimals);
    fflush(x->tpf);
  }
  if (x->json) {
    fprintf(x->json, "%s\n  ", x->ndone > 1 ? "," : "");
    bp_tpf_write_json(x->json, t, o->tpf_decimals);
  }
  if (x->db)
    bp_db_transfer(x->db, x->run, t);
  if (x->verify_failed || x->interrupted) {
    event_base_loopbreak(x->base);
    return;
  }
  start_next(x);
}

static void
on_read(evutil_socket_t fd, short what, void *arg)
{
  xfer_t *x = arg;
  const bp_opts_t *o = x->o;
  bp_transfer_t *t = &x->cur;
  if (what & EV_TIMEOUT) {
    t->didtimeout = true;
    char msg[128];
    snprintf(msg, sizeof(msg), "timed out after %.0f s with %" PRIu64
             " of %" PRIu64 " bytes", o->timeout, x->got, t->filesize);
    finish_transfer(x, msg);
    return;
  }
  for (int i = 0; i < 16; i++) {
    size_t want = x->bufsize;
    if (want > t->filesize - x->got)
      want = (size_t)(t->filesize - x->got);
    ssize_t n = recv(fd, x->buf, want, 0);
    if (n > 0) {
      int64_t now = bp_wall_usec();
      if (!t->dataresponse)
        t->dataresponse = now;
      if (o->verify) {
        size_t bad = o->verify == BP_VERIFY_SEQUENCE
          ? bp_seq_check(x->buf, (size_t)n, x->got)
          : bp_zero_check(x->buf, (size_t)n);
        if (bad != (size_t)n) {
          char msg[160];
          snprintf(msg, sizeof(msg), "verification failed at offset %"
                   PRIu64, x->got + bad);
          fprintf(stderr, "tor-bulkperf: %s: byte is 0x%02x, expected "
                  "0x%02x\n", msg, x->buf[bad],
                  o->verify == BP_VERIFY_SEQUENCE
                  ? bp_seq_byte(x->got + bad) : 0);
          x->verify_failed = true;
          x->got += bad;
          finish_transfer(x, msg);
          return;
        }
      }
      x->got += (uint64_t)n;
      while (x->nextperc < BP_NPERC &&
             x->got * 10 >= t->filesize * (uint64_t)(x->nextperc + 1))
        t->dataperc[x->nextperc++] = now;
      if (x->got >= t->filesize) {
        t->datacomplete = now;
        finish_transfer(x, NULL);
        return;
      }
      if ((size_t)n < want)
        return;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
      return;
    char msg[160];
    snprintf(msg, sizeof(msg), "%s after %" PRIu64 " of %" PRIu64 " bytes",
             n == 0 ? "closed by the server" : strerror(errno), x->got,
             t->filesize);
    finish_transfer(x, msg);
    return;
  }
}

static void
on_ready(bp_conn_t *c, int ok, const char *err)
{
  xfer_t *x = c->arg;
  const bp_opts_t *o = x->o;
  bp_transfer_t *t = &x->cur;
  t->socket = c->t_socket;
  t->connect = c->t_connect;
  t->negotiate = c->t_negotiate;
  t->request = c->t_request;
  t->response = c->t_response;
  if (!ok) {
    fprintf(stderr, "tor-bulkperf: %s\n", err);
    x->fd = -1;
    if (strstr(err, "timed out"))
      t->didtimeout = true;
    finish_transfer(x, err);
    return;
  }
  x->fd = c->fd;
  bp_sock_local(x->fd, t->endpointlocal, sizeof(t->endpointlocal));
  t->datarequest = t->response;   /* the source needs no request */
  if (c->nextra) {
    /* payload that came with the SOCKS reply (at most sizeof extra) */
    size_t n = c->nextra;
    if (n > t->filesize)
      n = (size_t)t->filesize;
    t->dataresponse = t->response;
    if (o->verify == BP_VERIFY_SEQUENCE && bp_seq_check(c->extra, n, 0) != n)
      x->verify_failed = true;
    x->got = n;
  }
  struct timeval tv;
  double left = o->timeout - (bp_mono() - x->m_first);
  if (left < 0.001)
    left = 0.001;
  tv.tv_sec = (time_t)left;
  tv.tv_usec = (suseconds_t)((left - (double)tv.tv_sec) * 1e6);
  x->ev = event_new(x->base, x->fd, EV_READ | EV_PERSIST, on_read, x);
  event_add(x->ev, &tv);
  if (x->verify_failed)
    finish_transfer(x, "verification failed in the first bytes");
}

static void
begin_transfer(xfer_t *x)
{
  const bp_opts_t *o = x->o;
  bp_transfer_t *t = &x->cur;
  memset(t, 0, sizeof(*t));
  snprintf(t->source, sizeof(t->source), "%s", o->source ? o->source :
           "bulkperf");
  t->filesize = o->sizes[x->idx];
  gethostname(t->hostnamelocal, sizeof(t->hostnamelocal) - 1);
  if (!o->socks_none)
    snprintf(t->endpointproxy, sizeof(t->endpointproxy), "%s:%s:%u",
             o->socks_host, o->socks_host, o->socks_port);
  snprintf(t->endpointremote, sizeof(t->endpointremote), "%s:0.0.0.0:%u",
           o->target_host, o->target_port);
  x->got = 0;
  x->nextperc = 0;
  x->active = true;
  x->m_first = bp_mono();
  char user[64];
  if (o->isolate)
    snprintf(user, sizeof(user), "bulkperf-%x-t%d", x->tag, x->ndone);
  else
    snprintf(user, sizeof(user), "bulkperf-%x", x->tag);
  bp_conn_start(&x->conn, x->base, &x->sa, x->salen, o, user, on_ready, x);
  t->start = x->conn.t_start;
}

static void
on_next(evutil_socket_t fd, short what, void *arg)
{
  (void)fd; (void)what;
  xfer_t *x = arg;
  x->round_start = bp_mono();
  begin_transfer(x);
}

static void
start_next(xfer_t *x)
{
  const bp_opts_t *o = x->o;
  x->idx++;
  if (x->idx < o->nsizes) {
    begin_transfer(x);
    return;
  }
  x->idx = 0;
  x->round++;
  if (x->round >= o->count) {
    event_base_loopbreak(x->base);
    return;
  }
  double wait = x->round_start + o->every - bp_mono();
  if (wait < 0)
    wait = 0;
  struct timeval tv;
  tv.tv_sec = (time_t)wait;
  tv.tv_usec = (suseconds_t)((wait - (double)tv.tv_sec) * 1e6);
  evtimer_add(x->next_ev, &tv);
}

static void
on_signal(evutil_socket_t fd, short what, void *arg)
{
  xfer_t *x = arg;
  (void)fd; (void)what;
  x->interrupted = true;
  fprintf(stderr, "tor-bulkperf: interrupted\n");
  event_base_loopbreak(x->base);
}

int
bp_run_transfer(const bp_opts_t *o)
{
  xfer_t X, *x = &X;
  char err[512];
  memset(x, 0, sizeof(*x));
  x->o = o;
  x->fd = -1;
  x->bufsize = o->bufsize;
  signal(SIGPIPE, SIG_IGN);
  const char *host = o->socks_none ? o->target_host : o->socks_host;
  uint16_t port = o->socks_none ? o->target_port : o->socks_port;
  if (bp_resolve(host, port, &x->sa, &x->salen, err, sizeof(err)) < 0) {
    fprintf(stderr, "tor-bulkperf: %s %s\n", o->socks_none ? "target:" :
            "SOCKS proxy:", err);
    return BP_EXIT_FAIL;
  }
  x->buf = malloc(x->bufsize);
  if (!x->buf)
    return BP_EXIT_FAIL;
  if (o->tpf) {
    x->tpf = fopen(o->tpf, "a");
    if (!x->tpf) {
      fprintf(stderr, "tor-bulkperf: cannot write %s: %s\n", o->tpf,
              strerror(errno));
      return BP_EXIT_FAIL;
    }
    if (ftell(x->tpf) == 0)
      fputs(BP_TPF_HEADER, x->tpf);
  }
  if (o->json) {
    x->json = fopen(o->json, "w");
    if (!x->json) {
      fprintf(stderr, "tor-bulkperf: cannot write %s: %s\n", o->json,
              strerror(errno));
      return BP_EXIT_FAIL;
    }
    fprintf(x->json, "{\"mode\": \"transfer\", \"type\": \"torperf 1.1\", "
            "\"transfers\": [");
  }
  if (o->db) {
    x->db = bp_db_open(o->db, err, sizeof(err));
    if (!x->db) {
      fprintf(stderr, "tor-bulkperf: %s\n", err);
      return BP_EXIT_FAIL;
    }
    x->run = bp_db_run_begin(x->db, o, "transfer");
  }
  x->tag = (unsigned)(bp_wall_usec() % 1000000007) ^ (unsigned)getpid();
  x->base = event_base_new();
  x->next_ev = evtimer_new(x->base, on_next, x);
  x->sig_ev = evsignal_new(x->base, SIGINT, on_signal, x);
  event_add(x->sig_ev, NULL);
  x->cpu0 = bp_cpu_seconds();
  if (!o->quiet) {
    printf("%3s %8s  %10s\n", "#", "size", "time");
    fflush(stdout);
  }
  x->round_start = bp_mono();
  begin_transfer(x);
  event_base_dispatch(x->base);
  if (x->active) {
    bp_conn_abort(&x->conn);
    if (x->ev)
      event_free(x->ev);
    if (x->fd >= 0)
      close(x->fd);
  }

  double cpu = bp_cpu_seconds() - x->cpu0;
  if (!o->quiet) {
    printf("summary (transfer): %d transfers, %d failed, %" PRIu64
           " bytes", x->ndone, x->nfailed, x->all_bytes);
    if (x->all_bytes >= 1000000)
      printf("; own cost: %.3f CPU s per GB", cpu / ((double)x->all_bytes /
                                                     1e9));
    printf("\n");
  }
  if (x->json) {
    fprintf(x->json, "]}\n");
    fclose(x->json);
  }
  if (x->tpf)
    fclose(x->tpf);
  const char *result = x->verify_failed ? "verify-failed" :
    x->nfailed ? "failed" : "ok";
  if (x->db) {
    bp_summary_t sm;
    memset(&sm, 0, sizeof(sm));
    sm.bytes = x->all_bytes;
    bp_db_run_end(x->db, x->run, &sm,
                  x->all_bytes >= 1000000 ? cpu / ((double)x->all_bytes / 1e9)
                  : -1, result);
    bp_db_close(x->db);
  }
  event_free(x->next_ev);
  event_free(x->sig_ev);
  event_base_free(x->base);
  free(x->buf);
  if (x->verify_failed)
    return BP_EXIT_VERIFY;
  return x->nfailed ? BP_EXIT_FAIL : BP_EXIT_OK;
}
