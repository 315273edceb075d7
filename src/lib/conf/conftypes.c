/* Value parsers for torrc option types: see conftypes.h. */
#include "orconfig.h"
#include "lib/conf/conftypes.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct unit_t {
  const char *name;
  uint64_t multiplier;
} unit_t;

static const unit_t interval_units[] = {
  { "", 1 }, { "second", 1 }, { "seconds", 1 }, { "sec", 1 }, { "secs", 1 },
  { "minute", 60 }, { "minutes", 60 }, { "min", 60 }, { "mins", 60 },
  { "hour", 3600 }, { "hours", 3600 },
  { "day", 86400 }, { "days", 86400 },
  { "week", 604800 }, { "weeks", 604800 },
  { "month", 2629728 }, { "months", 2629728 }, /* about 30.437 days */
  { NULL, 0 },
};

static const unit_t msec_units[] = {
  { "", 1 }, { "msec", 1 }, { "millisecond", 1 }, { "milliseconds", 1 },
  { "msecs", 1 }, { "ms", 1 },
  { "second", 1000 }, { "seconds", 1000 }, { "sec", 1000 }, { "secs", 1000 },
  { "minute", 60000 }, { "minutes", 60000 },
  { "hour", 3600000 }, { "hours", 3600000 },
  { "day", 86400000 }, { "days", 86400000 },
  { "week", 604800000 }, { "weeks", 604800000 },
  { NULL, 0 },
};

#define KB (UINT64_C(1) << 10)
#define MB (UINT64_C(1) << 20)
#define GB (UINT64_C(1) << 30)
#define TB (UINT64_C(1) << 40)
static const unit_t memory_units[] = {
  { "", 1 }, { "b", 1 }, { "byte", 1 }, { "bytes", 1 },
  { "kb", KB }, { "kbyte", KB }, { "kbytes", KB }, { "kilobyte", KB },
  { "kilobytes", KB }, { "kib", KB },
  { "kbit", KB / 8 }, { "kbits", KB / 8 }, { "kilobit", KB / 8 }, { "kilobits", KB / 8 },
  { "m", MB }, { "mb", MB }, { "mbyte", MB }, { "mbytes", MB },
  { "megabyte", MB }, { "megabytes", MB }, { "mib", MB },
  { "mbit", MB / 8 }, { "mbits", MB / 8 }, { "megabit", MB / 8 }, { "megabits", MB / 8 },
  { "gb", GB }, { "gbyte", GB }, { "gbytes", GB }, { "gigabyte", GB },
  { "gigabytes", GB }, { "gib", GB },
  { "gbit", GB / 8 }, { "gbits", GB / 8 }, { "gigabit", GB / 8 }, { "gigabits", GB / 8 },
  { "tb", TB }, { "tbyte", TB }, { "tbytes", TB }, { "terabyte", TB },
  { "terabytes", TB }, { "tib", TB },
  { "tbit", TB / 8 }, { "tbits", TB / 8 }, { "terabit", TB / 8 }, { "terabits", TB / 8 },
  { NULL, 0 },
};

static void
trim(const char *value, const char **start, size_t *len)
{
  const char *s = value, *e = value + strlen(value);
  while (*s && isspace((unsigned char)*s))
    s++;
  while (e > s && isspace((unsigned char)e[-1]))
    e--;
  *start = s;
  *len = (size_t)(e - s);
}

int
conf_parse_bool(const char *value, int *out, char *err, size_t errlen)
{
  const char *s;
  size_t n;
  trim(value, &s, &n);
  if (n == 1 && (s[0] == '0' || s[0] == '1')) {
    *out = s[0] == '1';
    return 0;
  }
  snprintf(err, errlen, "Boolean '%s' expected 0 or 1.", value);
  return -1;
}

int
conf_parse_autobool(const char *value, int *out, char *err, size_t errlen)
{
  const char *s;
  size_t n;
  trim(value, &s, &n);
  if (n == 4 && !strncasecmp(s, "auto", 4)) {
    *out = -1;
    return 0;
  }
  if (n == 1 && (s[0] == '0' || s[0] == '1')) {
    *out = s[0] == '1';
    return 0;
  }
  snprintf(err, errlen, "Boolean '%s' expected 0, 1, or 'auto'.", value);
  return -1;
}

int
conf_parse_int(const char *value, long long min, long long max,
               long long *out, char *err, size_t errlen)
{
  const char *s;
  size_t n;
  char buf[64];
  trim(value, &s, &n);
  if (n == 0 || n >= sizeof(buf))
    goto bad;
  memcpy(buf, s, n);
  buf[n] = '\0';
  char *end;
  errno = 0;
  long long v = strtoll(buf, &end, 10);
  if (errno || *end || v < min || v > max)
    goto bad;
  *out = v;
  return 0;
bad:
  snprintf(err, errlen, "Integer '%s' is malformed or out of bounds (expected %lld to %lld).",
           value, min, max);
  return -1;
}

int
conf_parse_double(const char *value, double min, double max,
                  double *out, char *err, size_t errlen)
{
  const char *s;
  size_t n;
  char buf[64];
  trim(value, &s, &n);
  if (n == 0 || n >= sizeof(buf))
    goto bad;
  memcpy(buf, s, n);
  buf[n] = '\0';
  char *end;
  errno = 0;
  double v = strtod(buf, &end);
  if (errno || *end || isnan(v) || v < min || v > max)
    goto bad;
  *out = v;
  return 0;
bad:
  snprintf(err, errlen, "Number '%s' is malformed or out of bounds (expected %g to %g).",
           value, min, max);
  return -1;
}

/* "<number>[ ]<unit>" with a unit from the table; the number may have a
 * fraction. Returns the product, or -1 with a reason. */
static int
parse_with_units(const char *value, const unit_t *units, uint64_t limit,
                 uint64_t *out, const char *what, char *err, size_t errlen)
{
  const char *s;
  size_t n;
  char buf[128];
  trim(value, &s, &n);
  if (n == 0 || n >= sizeof(buf))
    goto bad;
  memcpy(buf, s, n);
  buf[n] = '\0';
  if (!isdigit((unsigned char)buf[0]))
    goto bad;
  char *end;
  errno = 0;
  uint64_t whole = strtoull(buf, &end, 10);
  double fraction = 0;
  if (errno)
    goto bad;
  if (*end == '.') {
    char *fend;
    fraction = strtod(end, &fend);
    end = fend;
  }
  while (isspace((unsigned char)*end))
    end++;
  for (const unit_t *u = units; u->name; u++) {
    if (strcasecmp(end, u->name))
      continue;
    if (whole > limit / u->multiplier)
      goto bad;
    double extra = fraction * (double)u->multiplier;
    uint64_t total = whole * u->multiplier + (uint64_t)extra;
    if (total > limit)
      goto bad;
    *out = total;
    return 0;
  }
  snprintf(err, errlen, "Unknown unit in %s '%s'.", what, value);
  return -1;
bad:
  snprintf(err, errlen, "%s '%s' is malformed or out of bounds.", what, value);
  if (err[0] >= 'a' && err[0] <= 'z')
    err[0] = (char)(err[0] - 'a' + 'A');
  return -1;
}

int
conf_parse_interval(const char *value, int *seconds_out, char *err, size_t errlen)
{
  uint64_t v;
  if (parse_with_units(value, interval_units, INT32_MAX, &v, "interval", err, errlen) < 0)
    return -1;
  *seconds_out = (int)v;
  return 0;
}

int
conf_parse_msec_interval(const char *value, int *msec_out, char *err, size_t errlen)
{
  uint64_t v;
  if (parse_with_units(value, msec_units, INT32_MAX, &v, "msec interval", err, errlen) < 0)
    return -1;
  *msec_out = (int)v;
  return 0;
}

int
conf_parse_memunit(const char *value, uint64_t *bytes_out, char *err, size_t errlen)
{
  return parse_with_units(value, memory_units, INT64_MAX, bytes_out, "memory unit", err, errlen);
}
