/* tor-bulkperf: interval statistics (per-interval rates, percentiles,
 * stalls). Pure bookkeeping: times are passed in by the caller. */
#include "orconfig.h"
#include "tools/bulkperf/bulkperf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int
cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double
bp_percentile_sorted(const double *v, size_t n, double p)
{
  if (n == 0)
    return 0;
  if (p <= 0)
    return v[0];
  if (p >= 1)
    return v[n - 1];
  double pos = p * (double)(n - 1);
  size_t lo = (size_t)floor(pos);
  double frac = pos - (double)lo;
  if (lo + 1 >= n)
    return v[n - 1];
  return v[lo] + (v[lo + 1] - v[lo]) * frac;
}

double
bp_percentile(const double *values, size_t n, double p)
{
  if (n == 0)
    return 0;
  double *c = malloc(n * sizeof(double));
  if (!c)
    return 0;
  memcpy(c, values, n * sizeof(double));
  qsort(c, n, sizeof(double), cmp_double);
  double r = bp_percentile_sorted(c, n, p);
  free(c);
  return r;
}

int
bp_stats_init(bp_stats_t *st, int ncircuits)
{
  memset(st, 0, sizeof(*st));
  if (ncircuits < 1)
    ncircuits = 1;
  st->ncircuits = ncircuits;
  st->cur_circ = calloc((size_t)ncircuits, sizeof(uint64_t));
  st->circ_total = calloc((size_t)ncircuits, sizeof(uint64_t));
  if (!st->cur_circ || !st->circ_total)
    return -1;
  return 0;
}

void
bp_stats_free(bp_stats_t *st)
{
  for (size_t i = 0; i < st->niv; i++)
    free(st->iv[i].circ_mbps);
  free(st->iv);
  free(st->cur_circ);
  free(st->circ_total);
  free(st->sec_bytes);
  memset(st, 0, sizeof(*st));
}

void
bp_stats_add(bp_stats_t *st, double t, int circ, uint64_t n)
{
  if (t < 0) {
    st->warmup_bytes += n;
    return;
  }
  if (circ < 0 || circ >= st->ncircuits)
    circ = 0;
  st->cur_bytes += n;
  st->cur_circ[circ] += n;
  st->total_bytes += n;
  st->circ_total[circ] += n;
  size_t sec = (size_t)t;
  if (sec >= st->seccap) {
    size_t nc = st->seccap ? st->seccap * 2 : 64;
    while (nc <= sec)
      nc *= 2;
    uint64_t *nb = realloc(st->sec_bytes, nc * sizeof(uint64_t));
    if (!nb)
      return;
    memset(nb + st->seccap, 0, (nc - st->seccap) * sizeof(uint64_t));
    st->sec_bytes = nb;
    st->seccap = nc;
  }
  st->sec_bytes[sec] += n;
  if (sec + 1 > st->nsec)
    st->nsec = sec + 1;
}

const bp_interval_t *
bp_stats_tick(bp_stats_t *st, double t, int streams_alive)
{
  if (st->niv == st->ivcap) {
    size_t nc = st->ivcap ? st->ivcap * 2 : 64;
    bp_interval_t *n = realloc(st->iv, nc * sizeof(*n));
    if (!n)
      return NULL;
    st->iv = n;
    st->ivcap = nc;
  }
  bp_interval_t *iv = &st->iv[st->niv];
  memset(iv, 0, sizeof(*iv));
  iv->t_begin = st->last_tick;
  iv->t_end = t;
  iv->bytes = st->cur_bytes;
  double dt = t - st->last_tick;
  iv->mbps = dt > 0 ? (double)st->cur_bytes * 8.0 / dt / 1e6 : 0;
  iv->ncircuits = st->ncircuits;
  iv->circ_mbps = calloc((size_t)st->ncircuits, sizeof(double));
  if (!iv->circ_mbps)
    return NULL;
  for (int c = 0; c < st->ncircuits; c++) {
    iv->circ_mbps[c] = dt > 0 ? (double)st->cur_circ[c] * 8.0 / dt / 1e6 : 0;
    st->cur_circ[c] = 0;
  }
  iv->streams_alive = streams_alive;
  st->cur_bytes = 0;
  st->last_tick = t;
  st->niv++;
  return iv;
}

void
bp_stats_summary(const bp_stats_t *st, double t_end, bp_summary_t *out)
{
  memset(out, 0, sizeof(*out));
  out->elapsed = t_end;
  out->bytes = st->total_bytes;
  out->mean_mbps = t_end > 0 ? (double)st->total_bytes * 8.0 / t_end / 1e6 : 0;
  out->intervals = (int)st->niv;
  if (st->niv) {
    double *r = malloc(st->niv * sizeof(double));
    if (r) {
      for (size_t i = 0; i < st->niv; i++)
        r[i] = st->iv[i].mbps;
      qsort(r, st->niv, sizeof(double), cmp_double);
      out->median_mbps = bp_percentile_sorted(r, st->niv, 0.5);
      out->p10_mbps = bp_percentile_sorted(r, st->niv, 0.1);
      out->p90_mbps = bp_percentile_sorted(r, st->niv, 0.9);
      free(r);
    }
  }
  /* whole seconds [s, s+1) entirely inside [0, t_end) with no byte */
  size_t whole = (size_t)floor(t_end + 1e-9);
  int stalls = 0;
  for (size_t s = 0; s < whole; s++) {
    if (s >= st->nsec || st->sec_bytes[s] == 0)
      stalls++;
  }
  out->stall_seconds = stalls;
}
