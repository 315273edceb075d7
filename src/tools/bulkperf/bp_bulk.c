/* tor-bulkperf bulk / upload: N streams over M circuits (one SOCKS username
 * per circuit, which tor isolates), read (or write) for a duration, one
 * line per interval, then a summary. Reads go straight to the socket with
 * recv() into one large buffer: no bufferevents, no copies. */
#include "orconfig.h"
#include "tools/bulkperf/bp_net.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct stream;

typedef struct bulk {
  const bp_opts_t *o;
  bool upload;
  struct event_base *base;
  struct sockaddr_storage sa;
  socklen_t salen;
  struct stream *s;
  int nstreams, nready, nfailed, nalive;
  double m_begin;          /* first connection attempt */
  double m_meas;           /* measurement start (all streams set up) */
  bool measuring, ended;
  bp_stats_t st;
  uint8_t *buf;            /* read buffer, or shared pattern for upload */
  size_t bufsize;
  struct event *tick_ev, *end_ev, *sig_ev, *sig2_ev;
  int exit_code;
  char first_err[512];
  uint64_t verified;
  bp_db_t *db;
  int64_t run;
  double cpu0;
} bulk_t;

typedef struct stream {
  bulk_t *b;
  int id, circ;
  bp_conn_t conn;
  int fd;
  struct event *ev;
  uint64_t off;            /* payload bytes so far */
  double ttfb;             /* seconds from connection start to 1st byte */
  bool alive;
  char err[512];
  uint8_t *wbuf;           /* upload, sequence pattern: window */
  uint64_t wbase;          /* stream offset of wbuf[0] */
} stream_t;

static void end_run(bulk_t *b);

static void
stream_close(stream_t *s, const char *why)
{
  if (s->ev) {
    event_free(s->ev);
    s->ev = NULL;
  }
  if (s->fd >= 0) {
    close(s->fd);
    s->fd = -1;
  }
  if (s->alive) {
    s->alive = false;
    s->b->nalive--;
  }
  if (why && !s->err[0])
    snprintf(s->err, sizeof(s->err), "%s", why);
}

static double
now_rel(const bulk_t *b, double m)
{
  return b->measuring ? m - b->m_meas : -1;
}

static int
verify_chunk(stream_t *s, const uint8_t *p, size_t n)
{
  bulk_t *b = s->b;
  size_t bad;
  uint8_t want;
  if (b->o->verify == BP_VERIFY_SEQUENCE) {
    bad = bp_seq_check(p, n, s->off);
    want = bp_seq_byte(s->off + bad);
  } else {
    bad = bp_zero_check(p, n);
    want = 0;
  }
  if (bad == n) {
    b->verified += n;
    return 0;
  }
  fprintf(stderr, "tor-bulkperf: verification failed: stream %d (circuit "
          "%d): byte at offset %" PRIu64 " is 0x%02x, expected 0x%02x "
          "(--verify %s)\n", s->id, s->circ, s->off + bad, p[bad], want,
          b->o->verify == BP_VERIFY_SEQUENCE ? "sequence" : "zero");
  printf("verify: FAILED at offset %" PRIu64 " of stream %d\n",
         s->off + bad, s->id);
  b->exit_code = BP_EXIT_VERIFY;
  snprintf(s->err, sizeof(s->err), "verification failed at offset %" PRIu64,
           s->off + bad);
  return -1;
}

/* Account payload bytes; returns -1 when verification failed. */
static int
got_payload(stream_t *s, const uint8_t *p, size_t n, double m)
{
  bulk_t *b = s->b;
  if (s->ttfb < 0)
    s->ttfb = m - s->conn.m_start;
  if (b->o->verify && p && verify_chunk(s, p, n) < 0)
    return -1;
  s->off += n;
  bp_stats_add(&b->st, now_rel(b, m), s->circ, n);
  return 0;
}

static void
on_read(evutil_socket_t fd, short what, void *arg)
{
  stream_t *s = arg;
  bulk_t *b = s->b;
  (void)what;
  double m = bp_mono();
  for (int i = 0; i < 16; i++) {
    ssize_t n = recv(fd, b->buf, b->bufsize, b->o->discard ? MSG_TRUNC : 0);
    if (n > 0) {
      if (got_payload(s, b->o->discard ? NULL : b->buf, (size_t)n, m) < 0) {
        end_run(b);
        return;
      }
      if ((size_t)n < b->bufsize)
        break;
      continue;
    }
    if (n == 0) {
      char why[128];
      snprintf(why, sizeof(why), "closed by the server after %" PRIu64
               " bytes", s->off);
      if (!b->o->quiet)
        fprintf(stderr, "tor-bulkperf: stream %d %s\n", s->id, why);
      stream_close(s, why);
    } else if (errno != EAGAIN && errno != EINTR) {
      char why[256];
      snprintf(why, sizeof(why), "read error after %" PRIu64 " bytes: %s",
               s->off, strerror(errno));
      fprintf(stderr, "tor-bulkperf: stream %d: %s\n", s->id, why);
      stream_close(s, why);
    }
    break;
  }
  if (b->nalive == 0 && b->measuring)
    end_run(b);
}

static void
on_write(evutil_socket_t fd, short what, void *arg)
{
  stream_t *s = arg;
  bulk_t *b = s->b;
  const bp_opts_t *o = b->o;
  (void)what;
  double m = bp_mono();
  for (int i = 0; i < 16; i++) {
    const uint8_t *p;
    size_t len;
    if (s->wbuf) {
      if (s->off - s->wbase >= b->bufsize) {
        s->wbase = s->off;
        bp_seq_fill(s->wbuf, b->bufsize, s->wbase);
      }
      p = s->wbuf + (s->off - s->wbase);
      len = b->bufsize - (size_t)(s->off - s->wbase);
    } else {
      size_t at = (size_t)(s->off % b->bufsize);
      p = b->buf + at;
      len = b->bufsize - at;
    }
    if (o->upload_size && len > o->upload_size - s->off)
      len = (size_t)(o->upload_size - s->off);
    ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
    if (n > 0) {
      got_payload(s, NULL, (size_t)n, m);
      if (o->upload_size && s->off >= o->upload_size) {
        shutdown(fd, SHUT_WR);
        stream_close(s, NULL);
        break;
      }
      if ((size_t)n < len)
        break;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
      break;
    char why[256];
    snprintf(why, sizeof(why), "write error after %" PRIu64 " bytes: %s",
             s->off, n < 0 ? strerror(errno) : "closed");
    fprintf(stderr, "tor-bulkperf: stream %d: %s\n", s->id, why);
    stream_close(s, why);
    break;
  }
  if (b->nalive == 0 && b->measuring)
    end_run(b);
}

static void
print_interval(bulk_t *b, const bp_interval_t *iv)
{
  if (b->o->quiet)
    return;
  printf("%8.2f s %11.2f Mbit/s ", iv->t_end, iv->mbps);
  if (iv->ncircuits <= 8) {
    printf(" [");
    for (int c = 0; c < iv->ncircuits; c++)
      printf("%s%.2f", c ? " " : "", iv->circ_mbps[c]);
    printf("]");
  } else {
    double lo = iv->circ_mbps[0], hi = lo;
    for (int c = 1; c < iv->ncircuits; c++) {
      lo = fmin(lo, iv->circ_mbps[c]);
      hi = fmax(hi, iv->circ_mbps[c]);
    }
    printf(" [circuits min %.2f med %.2f max %.2f]", lo,
           bp_percentile(iv->circ_mbps, (size_t)iv->ncircuits, 0.5), hi);
  }
  printf("  %d/%d streams\n", b->nalive, b->nstreams);
  fflush(stdout);
}

static void
do_tick(bulk_t *b, double t)
{
  const bp_interval_t *iv = bp_stats_tick(&b->st, t, b->nalive);
  if (!iv)
    return;
  print_interval(b, iv);
  if (b->db)
    bp_db_interval(b->db, b->run, iv);
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
  bulk_t *b = arg;
  (void)fd; (void)what;
  double t = bp_mono() - b->m_meas;
  if (b->o->duration > 0 && t > b->o->duration)
    t = b->o->duration;
  if (t - b->st.last_tick > 1e-3)
    do_tick(b, t);
}

static void
on_end(evutil_socket_t fd, short what, void *arg)
{
  (void)fd; (void)what;
  end_run(arg);
}

static void
end_run(bulk_t *b)
{
  if (b->ended)
    return;
  b->ended = true;
  event_base_loopbreak(b->base);
}

static void
start_measuring(bulk_t *b)
{
  const bp_opts_t *o = b->o;
  double m = bp_mono();
  b->measuring = true;
  b->m_meas = m;
  if (!o->quiet) {
    printf("%s: %d/%d streams over %d circuits set up in %.2f s%s; "
           "measuring %s\n", o->socks_none ? "direct" : "SOCKS",
           b->nready, b->nstreams, o->circuits, m - b->m_begin,
           b->nfailed ? " (some failed)" : "",
           o->duration > 0 ? "" : "until the size is sent");
    printf("%8s   %11s         %s  %s\n", "elapsed", "total",
           "[per circuit Mbit/s]", "streams");
    fflush(stdout);
  }
  struct timeval tv;
  tv.tv_sec = (time_t)o->interval;
  tv.tv_usec = (suseconds_t)((o->interval - (double)tv.tv_sec) * 1e6);
  b->tick_ev = event_new(b->base, -1, EV_PERSIST, on_tick, b);
  event_add(b->tick_ev, &tv);
  if (o->duration > 0) {
    tv.tv_sec = (time_t)o->duration;
    tv.tv_usec = (suseconds_t)((o->duration - (double)tv.tv_sec) * 1e6);
    b->end_ev = event_new(b->base, -1, 0, on_end, b);
    event_add(b->end_ev, &tv);
  }
}

static void
on_ready(bp_conn_t *c, int ok, const char *err)
{
  stream_t *s = c->arg;
  bulk_t *b = s->b;
  if (!ok) {
    snprintf(s->err, sizeof(s->err), "%s", err);
    if (!b->first_err[0])
      snprintf(b->first_err, sizeof(b->first_err), "%s", err);
    fprintf(stderr, "tor-bulkperf: stream %d (circuit %d): %s\n", s->id,
            s->circ, err);
    b->nfailed++;
  } else {
    b->nready++;
    b->nalive++;
    s->alive = true;
    s->fd = c->fd;
    if (b->upload) {
      s->ev = event_new(b->base, s->fd, EV_WRITE | EV_PERSIST, on_write, s);
    } else {
      s->ev = event_new(b->base, s->fd, EV_READ | EV_PERSIST, on_read, s);
      if (c->nextra && got_payload(s, c->extra, c->nextra, bp_mono()) < 0) {
        end_run(b);
        return;
      }
    }
    event_add(s->ev, NULL);
  }
  if (b->nready + b->nfailed == b->nstreams) {
    if (b->nready == 0)
      end_run(b);
    else
      start_measuring(b);
  }
}

static void
on_signal(evutil_socket_t fd, short what, void *arg)
{
  bulk_t *b = arg;
  (void)fd; (void)what;
  fprintf(stderr, "tor-bulkperf: interrupted; summarising what was "
          "measured\n");
  end_run(b);
}

static void
print_summary(bulk_t *b, const bp_summary_t *sm, double cpu_per_gb,
              double cpu)
{
  const bp_opts_t *o = b->o;
  double *tt = calloc((size_t)b->nstreams, sizeof(double));
  size_t ntt = 0;
  for (int i = 0; i < b->nstreams; i++)
    if (b->s[i].ttfb >= 0 && tt)
      tt[ntt++] = b->s[i].ttfb;
  printf("summary (%s): %.2f s, %" PRIu64 " bytes (%.1f MiB), %d/%d streams "
         "over %d circuits\n", b->upload ? "upload" : "bulk", sm->elapsed,
         sm->bytes, (double)sm->bytes / 1048576.0, b->nready, b->nstreams,
         o->circuits);
  printf("  Mbit/s: mean %.2f, median %.2f, p10 %.2f, p90 %.2f (of %d "
         "intervals of %.2f s)\n", sm->mean_mbps, sm->median_mbps,
         sm->p10_mbps, sm->p90_mbps, sm->intervals, o->interval);
  printf("  stalls: %d s with no data\n", sm->stall_seconds);
  if (!b->upload) {
    if (ntt)
      printf("  time to first byte: min %.3f s, median %.3f s, max %.3f s\n",
             bp_percentile(tt, ntt, 0), bp_percentile(tt, ntt, 0.5),
             bp_percentile(tt, ntt, 1));
    printf("  per stream (ttfb s/MiB):");
    for (int i = 0; i < b->nstreams; i++)
      printf(" %d:%.3f/%.1f", i, b->s[i].ttfb,
             (double)b->s[i].off / 1048576.0);
    printf("\n");
    if (b->st.warmup_bytes)
      printf("  before the measurement started: %" PRIu64 " bytes (not "
             "counted)\n", b->st.warmup_bytes);
  }
  if (o->verify && !b->upload)
    printf("  verify %s: %" PRIu64 " bytes checked, %s\n",
           o->verify == BP_VERIFY_SEQUENCE ? "sequence" : "zero",
           b->verified, b->exit_code == BP_EXIT_VERIFY ? "FAILED" : "ok");
  if (cpu_per_gb >= 0)
    printf("  own cost: %.3f CPU s per GB (%.2f CPU s in all)\n",
           cpu_per_gb, cpu);
  else
    printf("  own cost: %.2f CPU s in all\n", cpu);
  free(tt);
}

static void
write_json(bulk_t *b, const bp_summary_t *sm, double cpu_per_gb,
           const char *result)
{
  const bp_opts_t *o = b->o;
  FILE *f = fopen(o->json, "w");
  if (!f) {
    fprintf(stderr, "tor-bulkperf: cannot write %s: %s\n", o->json,
            strerror(errno));
    return;
  }
  fprintf(f, "{\"mode\": \"%s\", \"target\": ", b->upload ? "upload" : "bulk");
  char tg[300];
  snprintf(tg, sizeof(tg), "%s:%u", o->target_host, o->target_port);
  bp_json_str(f, tg);
  fprintf(f, ", \"socks\": ");
  if (o->socks_none) {
    fprintf(f, "null");
  } else {
    snprintf(tg, sizeof(tg), "%s:%u", o->socks_host, o->socks_port);
    bp_json_str(f, tg);
  }
  fprintf(f, ", \"streams\": %d, \"circuits\": %d, \"interval\": %.3f,"
          " \"result\": ", b->nstreams, o->circuits, o->interval);
  bp_json_str(f, result);
  fprintf(f, ",\n \"intervals\": [");
  for (size_t i = 0; i < b->st.niv; i++) {
    const bp_interval_t *iv = &b->st.iv[i];
    fprintf(f, "%s\n  {\"t_begin\": %.6f, \"t_end\": %.6f, \"bytes\": %"
            PRIu64 ", \"mbps\": %.6f, \"streams_alive\": %d, "
            "\"circuit_mbps\": [", i ? "," : "", iv->t_begin, iv->t_end,
            iv->bytes, iv->mbps, iv->streams_alive);
    for (int c = 0; c < iv->ncircuits; c++)
      fprintf(f, "%s%.6f", c ? ", " : "", iv->circ_mbps[c]);
    fprintf(f, "]}");
  }
  fprintf(f, "],\n \"streams\": [");
  for (int i = 0; i < b->nstreams; i++) {
    stream_t *s = &b->s[i];
    fprintf(f, "%s\n  {\"stream\": %d, \"circuit\": %d, \"bytes\": %" PRIu64
            ", \"ttfb\": ", i ? "," : "", s->id, s->circ, s->off);
    if (s->ttfb >= 0)
      fprintf(f, "%.6f", s->ttfb);
    else
      fprintf(f, "null");
    fprintf(f, ", \"error\": ");
    if (s->err[0])
      bp_json_str(f, s->err);
    else
      fprintf(f, "null");
    fprintf(f, "}");
  }
  fprintf(f, "],\n \"summary\": {\"elapsed\": %.6f, \"bytes\": %" PRIu64
          ", \"mean_mbps\": %.6f, \"median_mbps\": %.6f, \"p10_mbps\": %.6f,"
          " \"p90_mbps\": %.6f, \"stall_seconds\": %d, \"warmup_bytes\": %"
          PRIu64 ", \"verified_bytes\": %" PRIu64 ", \"cpu_s_per_gb\": ",
          sm->elapsed, sm->bytes, sm->mean_mbps, sm->median_mbps,
          sm->p10_mbps, sm->p90_mbps, sm->stall_seconds, b->st.warmup_bytes,
          b->verified);
  if (cpu_per_gb >= 0)
    fprintf(f, "%.6f", cpu_per_gb);
  else
    fprintf(f, "null");
  fprintf(f, "}}\n");
  fclose(f);
}

int
bp_run_bulk(const bp_opts_t *o)
{
  bulk_t B, *b = &B;
  char err[512];
  memset(b, 0, sizeof(*b));
  b->o = o;
  b->upload = o->mode == BP_MODE_UPLOAD;
  b->nstreams = o->streams;
  b->bufsize = o->bufsize;
  b->exit_code = BP_EXIT_OK;
  signal(SIGPIPE, SIG_IGN);

  const char *host = o->socks_none ? o->target_host : o->socks_host;
  uint16_t port = o->socks_none ? o->target_port : o->socks_port;
  if (bp_resolve(host, port, &b->sa, &b->salen, err, sizeof(err)) < 0) {
    fprintf(stderr, "tor-bulkperf: %s %s\n", o->socks_none ? "target:" :
            "SOCKS proxy:", err);
    return BP_EXIT_FAIL;
  }
  if (o->db) {
    b->db = bp_db_open(o->db, err, sizeof(err));
    if (!b->db) {
      fprintf(stderr, "tor-bulkperf: %s\n", err);
      return BP_EXIT_FAIL;
    }
    b->run = bp_db_run_begin(b->db, o, b->upload ? "upload" : "bulk");
  }
  b->buf = aligned_alloc(4096, b->bufsize);
  b->s = calloc((size_t)b->nstreams, sizeof(stream_t));
  if (!b->buf || !b->s || bp_stats_init(&b->st, o->circuits) < 0) {
    fprintf(stderr, "tor-bulkperf: out of memory\n");
    return BP_EXIT_FAIL;
  }
  if (b->upload) {
    if (o->pattern == BP_PATTERN_RANDOM) {
      uint64_t x = (uint64_t)bp_wall_usec() | 1;
      for (size_t i = 0; i < b->bufsize; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        b->buf[i] = (uint8_t)(x >> 24);
      }
    } else {
      memset(b->buf, 0, b->bufsize);
    }
  }
  b->base = event_base_new();
  b->sig_ev = evsignal_new(b->base, SIGINT, on_signal, b);
  b->sig2_ev = evsignal_new(b->base, SIGTERM, on_signal, b);
  event_add(b->sig_ev, NULL);
  event_add(b->sig2_ev, NULL);

  b->cpu0 = bp_cpu_seconds();
  b->m_begin = bp_mono();
  /* one SOCKS username per circuit: tor puts streams with different
   * credentials on different circuits (IsolateSOCKSAuth, on by default) */
  unsigned tag = (unsigned)(bp_wall_usec() % 1000000007) ^ (unsigned)getpid();
  for (int i = 0; i < b->nstreams; i++) {
    stream_t *s = &b->s[i];
    s->b = b;
    s->id = i;
    s->circ = i % o->circuits;
    s->fd = -1;
    s->ttfb = -1;
    if (b->upload && o->pattern == BP_PATTERN_SEQUENCE) {
      s->wbuf = aligned_alloc(4096, b->bufsize);
      if (!s->wbuf) {
        fprintf(stderr, "tor-bulkperf: out of memory\n");
        return BP_EXIT_FAIL;
      }
      bp_seq_fill(s->wbuf, b->bufsize, 0);
    }
    char user[64];
    snprintf(user, sizeof(user), "bulkperf-%x-c%d", tag, s->circ);
    bp_conn_start(&s->conn, b->base, &b->sa, b->salen, o, user, on_ready, s);
  }
  if (b->nready + b->nfailed < b->nstreams || b->measuring)
    event_base_dispatch(b->base);

  double m_end = bp_mono();
  double t_end = b->measuring ? m_end - b->m_meas : 0;
  if (o->duration > 0 && t_end > o->duration)
    t_end = o->duration;
  if (b->measuring && t_end - b->st.last_tick > 0.05 * o->interval)
    do_tick(b, t_end);      /* the last, partial interval */
  else if (b->measuring)
    t_end = b->st.last_tick > 0 ? b->st.last_tick : t_end;

  for (int i = 0; i < b->nstreams; i++) {
    bp_conn_abort(&b->s[i].conn);
    stream_close(&b->s[i], NULL);
  }

  bp_summary_t sm;
  bp_stats_summary(&b->st, t_end, &sm);
  double cpu = bp_cpu_seconds() - b->cpu0;
  uint64_t all = b->st.total_bytes + b->st.warmup_bytes;
  double cpu_per_gb = all >= 1000000 ? cpu / ((double)all / 1e9) : -1;

  const char *result = "ok";
  if (b->nready == 0) {
    fprintf(stderr, "tor-bulkperf: no stream could be set up: %s\n",
            b->first_err);
    b->exit_code = BP_EXIT_FAIL;
    result = "failed";
  } else {
    if (b->nfailed && b->exit_code == BP_EXIT_OK) {
      fprintf(stderr, "tor-bulkperf: %d of %d streams could not be set up "
              "(first: %s)\n", b->nfailed, b->nstreams, b->first_err);
      b->exit_code = BP_EXIT_FAIL;
    }
    if (b->exit_code == BP_EXIT_VERIFY)
      result = "verify-failed";
    else if (b->exit_code != BP_EXIT_OK)
      result = "failed";
    print_summary(b, &sm, cpu_per_gb, cpu);
  }
  if (o->json)
    write_json(b, &sm, cpu_per_gb, result);
  if (b->db) {
    for (int i = 0; i < b->nstreams; i++)
      bp_db_stream(b->db, b->run, i, b->s[i].circ, b->s[i].ttfb,
                   b->s[i].off, b->s[i].err);
    bp_db_run_end(b->db, b->run, &sm, cpu_per_gb, result);
    bp_db_close(b->db);
    if (!o->quiet)
      printf("  saved as run %" PRId64 " in %s\n", b->run, o->db);
  }
  fflush(stdout);

  for (int i = 0; i < b->nstreams; i++)
    free(b->s[i].wbuf);
  free(b->s);
  free(b->buf);
  bp_stats_free(&b->st);
  if (b->tick_ev) event_free(b->tick_ev);
  if (b->end_ev) event_free(b->end_ev);
  event_free(b->sig_ev);
  event_free(b->sig2_ev);
  event_base_free(b->base);
  return b->exit_code;
}
