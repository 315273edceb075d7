/* synthnet core: the packet pool, links, the random number generator and
 * argument parsing. */
#include "orconfig.h"
#include "src/tools/synthnet/synthnet.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>

/* ------------------------------------------------------------------ pool */

struct sn_pool sn_pool;

int
sn_pool_init(size_t n)
{
  sn_pool_destroy();
  if (n == 0)
    return -1;
  size_t bytes = n * sizeof(struct sn_packet);
  void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED)
    return -1;
  struct sn_packet **fl = malloc(n * sizeof(*fl));
  if (!fl) {
    munmap(mem, bytes);
    return -1;
  }
  sn_pool.mem = mem;
  sn_pool.freelist = fl;
  sn_pool.size = n;
  /* Hand out low addresses first: the stack is popped from the top. */
  for (size_t i = 0; i < n; i++)
    fl[i] = &sn_pool.mem[n - 1 - i];
  sn_pool.nfree = n;
  sn_pool.alloc_failures = 0;
  return 0;
}

void
sn_pool_destroy(void)
{
  if (sn_pool.mem)
    munmap(sn_pool.mem, sn_pool.size * sizeof(struct sn_packet));
  free(sn_pool.freelist);
  memset(&sn_pool, 0, sizeof(sn_pool));
}

struct sn_packet *
sn_packet_clone(const struct sn_packet *p)
{
  struct sn_packet *c = sn_packet_alloc();
  if (c) {
    c->length = p->length;
    memcpy(c->data, p->data, p->length);
  }
  return c;
}

/* ----------------------------------------------------------------- links */

struct sn_link *
sn_link_new(const char *name)
{
  struct sn_link *l = calloc(1, sizeof(*l));
  if (l && name)
    snprintf(l->name, sizeof(l->name), "%s", name);
  return l;
}

void
sn_link_free(struct sn_link *l)
{
  if (!l)
    return;
  while (!sn_link_empty(l))
    sn_packet_free(sn_link_receive(l));
  free(l);
}

/* ------------------------------------------------------------------- rng */

static uint64_t
splitmix64(uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void
sn_rng_seed(struct sn_rng *r, uint64_t seed)
{
  uint64_t x = seed;
  for (int i = 0; i < 4; i++)
    r->s[i] = splitmix64(&x);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

uint64_t
sn_rng_next(struct sn_rng *r)
{
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double
sn_rng_uniform(struct sn_rng *r)
{
  return (double)(sn_rng_next(r) >> 11) * 0x1.0p-53;
}

int
sn_rng_chance(struct sn_rng *r, double p)
{
  if (p <= 0)
    return 0;
  if (p >= 1)
    return 1;
  return sn_rng_uniform(r) < p;
}

uint64_t
sn_rng_below(struct sn_rng *r, uint64_t n)
{
  /* Rejection sampling: no modulo bias. */
  uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do {
    x = sn_rng_next(r);
  } while (x >= limit);
  return x % n;
}

double
sn_rng_normal(struct sn_rng *r)
{
  /* Box-Muller; one of the pair is thrown away, simplicity over speed. */
  double u1 = 1.0 - sn_rng_uniform(r); /* (0, 1] */
  double u2 = sn_rng_uniform(r);
  return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

double
sn_rng_exponential(struct sn_rng *r)
{
  return -log(1.0 - sn_rng_uniform(r));
}

double
sn_rng_pareto(struct sn_rng *r, double alpha)
{
  return pow(1.0 - sn_rng_uniform(r), -1.0 / alpha);
}

/* ------------------------------------------------------------------ args */

void
sn_args_clear(struct sn_args *a)
{
  for (int i = 0; i < a->n; i++) {
    free(a->key[i]);
    free(a->val[i]);
  }
  memset(a, 0, sizeof(*a));
}

int
sn_args_parse(struct sn_args *a, const char *text)
{
  memset(a, 0, sizeof(*a));
  const char *s = text ? text : "";
  while (*s) {
    while (isspace((unsigned char)*s))
      s++;
    if (!*s)
      break;
    const char *start = s;
    while (*s && !isspace((unsigned char)*s))
      s++;
    size_t len = (size_t)(s - start);
    const char *eq = memchr(start, '=', len);
    if (!eq || eq == start) {
      snprintf(a->err, sizeof(a->err), "argument \"%.*s\" is not key=value",
               (int)len, start);
      return -1;
    }
    if (a->n == SN_MAX_ARGS) {
      snprintf(a->err, sizeof(a->err), "too many arguments");
      return -1;
    }
    a->key[a->n] = strndup(start, (size_t)(eq - start));
    a->val[a->n] = strndup(eq + 1, (size_t)(s - eq - 1));
    if (!a->key[a->n] || !a->val[a->n]) {
      snprintf(a->err, sizeof(a->err), "out of memory");
      return -1;
    }
    a->n++;
  }
  return 0;
}

static const char *
args_get(struct sn_args *a, const char *key)
{
  const char *v = NULL;
  for (int i = 0; i < a->n; i++) {
    if (!strcasecmp(a->key[i], key)) {
      a->used[i] = 1;
      v = a->val[i]; /* the last one wins */
    }
  }
  return v;
}

static void
args_bad(struct sn_args *a, const char *key, const char *v, const char *what)
{
  if (!a->err[0])
    snprintf(a->err, sizeof(a->err), "%s=%s: expected %s", key, v, what);
}

const char *
sn_args_str(struct sn_args *a, const char *key, const char *def)
{
  const char *v = args_get(a, key);
  return v ? v : def;
}

double
sn_args_double(struct sn_args *a, const char *key, double def)
{
  const char *v = args_get(a, key);
  if (!v)
    return def;
  char *end;
  errno = 0;
  double d = strtod(v, &end);
  if (errno || end == v || *end || !isfinite(d)) {
    args_bad(a, key, v, "a number");
    return def;
  }
  return d;
}

uint64_t
sn_args_u64(struct sn_args *a, const char *key, uint64_t def)
{
  const char *v = args_get(a, key);
  if (!v)
    return def;
  char *end;
  errno = 0;
  unsigned long long x = strtoull(v, &end, 0);
  if (errno || end == v || *end || v[0] == '-') {
    args_bad(a, key, v, "a non-negative integer");
    return def;
  }
  return x;
}

int
sn_args_bool(struct sn_args *a, const char *key, int def)
{
  const char *v = args_get(a, key);
  if (!v)
    return def;
  if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1") ||
      !strcasecmp(v, "on"))
    return 1;
  if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0") ||
      !strcasecmp(v, "off"))
    return 0;
  args_bad(a, key, v, "yes or no");
  return def;
}

/* A number followed by a unit from table; returns 0 or -1. */
struct unit {
  const char *suffix;
  double mult;
};

static int
parse_with_units(const char *s, const struct unit *units, double bare,
                 double *out)
{
  char *end;
  errno = 0;
  double d = strtod(s, &end);
  if (errno || end == s || !isfinite(d) || d < 0)
    return -1;
  if (!*end) {
    *out = d * bare;
    return 0;
  }
  for (const struct unit *u = units; u->suffix; u++) {
    if (!strcasecmp(end, u->suffix)) {
      *out = d * u->mult;
      return 0;
    }
  }
  return -1;
}

int
sn_parse_duration_ns(const char *s, uint64_t *out)
{
  static const struct unit units[] = {
    { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "sec", 1e9 },
    { NULL, 0 } };
  double d;
  if (parse_with_units(s, units, 1e6, &d) < 0 || d > 1e18)
    return -1;
  *out = (uint64_t)llround(d);
  return 0;
}

int
sn_parse_rate_bps(const char *s, double *out)
{
  static const struct unit units[] = {
    { "bit", 1 }, { "kbit", 1e3 }, { "mbit", 1e6 }, { "gbit", 1e9 },
    { "bps", 8 }, { "kbps", 8e3 }, { "mbps", 8e6 }, { "gbps", 8e9 },
    { NULL, 0 } };
  return parse_with_units(s, units, 1, out);
}

int
sn_parse_prob(const char *s, double *out)
{
  static const struct unit units[] = { { "%", 0.01 }, { NULL, 0 } };
  double d;
  if (parse_with_units(s, units, 1, &d) < 0 || d > 1)
    return -1;
  *out = d;
  return 0;
}

int
sn_parse_bytes(const char *s, uint64_t *out)
{
  static const struct unit units[] = {
    { "b", 1 }, { "k", 1024 }, { "kb", 1024 }, { "m", 1048576 },
    { "mb", 1048576 }, { NULL, 0 } };
  double d;
  if (parse_with_units(s, units, 1, &d) < 0 || d > 1e15)
    return -1;
  *out = (uint64_t)llround(d);
  return 0;
}

uint64_t
sn_args_duration_ns(struct sn_args *a, const char *key, uint64_t def)
{
  const char *v = args_get(a, key);
  uint64_t x;
  if (!v)
    return def;
  if (sn_parse_duration_ns(v, &x) < 0) {
    args_bad(a, key, v, "a duration such as 40ms");
    return def;
  }
  return x;
}

double
sn_args_rate_bps(struct sn_args *a, const char *key, double def)
{
  const char *v = args_get(a, key);
  double x;
  if (!v)
    return def;
  if (sn_parse_rate_bps(v, &x) < 0) {
    args_bad(a, key, v, "a rate such as 100mbit");
    return def;
  }
  return x;
}

double
sn_args_prob(struct sn_args *a, const char *key, double def)
{
  const char *v = args_get(a, key);
  double x;
  if (!v)
    return def;
  if (sn_parse_prob(v, &x) < 0) {
    args_bad(a, key, v, "a probability such as 1% or 0.01");
    return def;
  }
  return x;
}

uint64_t
sn_args_bytes(struct sn_args *a, const char *key, uint64_t def)
{
  const char *v = args_get(a, key);
  uint64_t x;
  if (!v)
    return def;
  if (sn_parse_bytes(v, &x) < 0) {
    args_bad(a, key, v, "a size such as 1500 or 64k");
    return def;
  }
  return x;
}

/* ----------------------------------------------------------------- clock */

uint64_t
sn_monotonic_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t
sn_realtime_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}
