/* Exit policy summaries: see policy_summary.h. */
#include "orconfig.h"
#include "feature/nodelist/policy_summary.h"

#include <string.h>

void
policy_summary_reject_all(policy_summary_t *out)
{
  memset(out, 0, sizeof(*out));
  out->is_accept = 0;
  out->n_ranges = 1;
  out->ranges[0].lo = 1;
  out->ranges[0].hi = 65535;
}

/* Reads a decimal port 1..65535 at *p (before end); advances *p. */
static int
read_port(const char **p, const char *end, uint16_t *out)
{
  unsigned long v = 0;
  const char *start = *p;
  while (*p < end && **p >= '0' && **p <= '9' && *p - start < 6) {
    v = v * 10 + (unsigned long)(**p - '0');
    (*p)++;
  }
  if (*p == start || v < 1 || v > 65535)
    return -1;
  *out = (uint16_t)v;
  return 0;
}

int
policy_summary_parse(const char *s, size_t len, policy_summary_t *out)
{
  const char *p = s, *end = s + len;
  memset(out, 0, sizeof(*out));
  if (len >= 7 && !memcmp(s, "accept ", 7))
    out->is_accept = 1;
  else if (len >= 7 && !memcmp(s, "reject ", 7))
    out->is_accept = 0;
  else
    goto bad;
  p += 7;
  while (p < end) {
    uint16_t lo, hi;
    if (read_port(&p, end, &lo) < 0)
      goto bad;
    hi = lo;
    if (p < end && *p == '-') {
      p++;
      if (read_port(&p, end, &hi) < 0 || hi < lo)
        goto bad;
    }
    if (out->n_ranges < POLICY_SUMMARY_MAX_RANGES) {
      out->ranges[out->n_ranges].lo = lo;
      out->ranges[out->n_ranges].hi = hi;
      out->n_ranges++;
    } else if (!out->is_accept) {
      goto bad;
    }
    if (p < end) {
      if (*p != ',')
        goto bad;
      p++;
      if (p == end)
        goto bad;
    }
  }
  if (out->n_ranges == 0)
    goto bad;
  return 0;
bad:
  policy_summary_reject_all(out);
  return -1;
}

int
policy_summary_allows_port(const policy_summary_t *p, uint16_t port)
{
  int listed = 0;
  for (unsigned i = 0; i < p->n_ranges && !listed; i++)
    listed = port >= p->ranges[i].lo && port <= p->ranges[i].hi;
  return p->is_accept ? listed : !listed;
}

int
policy_summary_allows_any(const policy_summary_t *p)
{
  if (p->is_accept)
    return p->n_ranges > 0;
  /* A reject list allows something unless it covers 1..65535. */
  uint32_t next = 1;
  for (int progress = 1; progress && next <= 65535;) {
    progress = 0;
    for (unsigned i = 0; i < p->n_ranges; i++)
      if (p->ranges[i].lo <= next && p->ranges[i].hi >= next) {
        next = (uint32_t)p->ranges[i].hi + 1;
        progress = 1;
      }
  }
  return next <= 65535;
}
