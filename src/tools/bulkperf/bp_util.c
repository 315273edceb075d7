/* tor-bulkperf: small helpers (time, parsing, JSON strings). */
#include "orconfig.h"
#include "tools/bulkperf/bulkperf.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>

double
bp_mono(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t
bp_wall_usec(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

double
bp_cpu_seconds(void)
{
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) < 0)
    return 0;
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

int
bp_parse_duration(const char *s, double *out)
{
  char *end;
  if (!s || !*s)
    return -1;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || v < 0)
    return -1;
  double mult;
  if (!strcmp(end, "") || !strcmp(end, "s"))
    mult = 1;
  else if (!strcmp(end, "ms"))
    mult = 0.001;
  else if (!strcmp(end, "m") || !strcmp(end, "min"))
    mult = 60;
  else if (!strcmp(end, "h"))
    mult = 3600;
  else
    return -1;
  *out = v * mult;
  return 0;
}

int
bp_parse_size(const char *s, uint64_t *out)
{
  static const struct { const char *suffix; uint64_t mult; } units[] = {
    { "", 1 }, { "B", 1 },
    { "KiB", 1ULL << 10 }, { "MiB", 1ULL << 20 }, { "GiB", 1ULL << 30 },
    { "TiB", 1ULL << 40 },
    { "kB", 1000ULL }, { "KB", 1000ULL }, { "MB", 1000000ULL },
    { "GB", 1000000000ULL }, { "TB", 1000000000000ULL },
    { "K", 1ULL << 10 }, { "M", 1ULL << 20 }, { "G", 1ULL << 30 },
  };
  char *end;
  if (!s || !isdigit((unsigned char)*s))
    return -1;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || v < 0)
    return -1;
  for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
    if (!strcmp(end, units[i].suffix)) {
      double r = v * (double)units[i].mult;
      if (r > 1.8e19)
        return -1;
      *out = (uint64_t)(r + 0.5);
      return 0;
    }
  }
  return -1;
}

int
bp_parse_size_list(const char *s, uint64_t *out, int max)
{
  char buf[512];
  int n = 0;
  if (!s || strlen(s) >= sizeof(buf))
    return -1;
  strcpy(buf, s);
  char *save = NULL;
  for (char *tok = strtok_r(buf, ",", &save); tok;
       tok = strtok_r(NULL, ",", &save)) {
    if (n >= max || bp_parse_size(tok, &out[n]) < 0 || out[n] == 0)
      return -1;
    n++;
  }
  return n ? n : -1;
}

int
bp_parse_hostport(const char *s, char *host, size_t hostlen, uint16_t *port)
{
  const char *colon, *h;
  size_t hl;
  if (!s || !*s)
    return -1;
  if (s[0] == '[') {
    const char *rb = strchr(s, ']');
    if (!rb || rb[1] != ':')
      return -1;
    h = s + 1;
    hl = (size_t)(rb - h);
    colon = rb + 1;
  } else {
    colon = strrchr(s, ':');
    if (!colon || strchr(s, ':') != colon)
      return -1;
    h = s;
    hl = (size_t)(colon - s);
  }
  if (hl == 0 || hl >= hostlen)
    return -1;
  for (size_t i = 0; i < hl; i++) {
    unsigned char c = (unsigned char)h[i];
    if (!(isalnum(c) || c == '.' || c == '-' || c == '_' || c == ':'))
      return -1;
  }
  const char *p = colon + 1;
  if (!*p)
    return -1;
  long v = 0;
  for (; *p; p++) {
    if (!isdigit((unsigned char)*p))
      return -1;
    v = v * 10 + (*p - '0');
    if (v > 65535)
      return -1;
  }
  memcpy(host, h, hl);
  host[hl] = '\0';
  *port = (uint16_t)v;
  return 0;
}

void
bp_format_size(uint64_t n, char *buf, size_t len)
{
  if (n && n % (1ULL << 30) == 0)
    snprintf(buf, len, "%lluGiB", (unsigned long long)(n >> 30));
  else if (n && n % (1ULL << 20) == 0)
    snprintf(buf, len, "%lluMiB", (unsigned long long)(n >> 20));
  else if (n && n % (1ULL << 10) == 0)
    snprintf(buf, len, "%lluKiB", (unsigned long long)(n >> 10));
  else
    snprintf(buf, len, "%lluB", (unsigned long long)n);
}

void
bp_json_str(FILE *f, const char *s)
{
  fputc('"', f);
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      fprintf(f, "\\%c", c);
    else if (c < 0x20)
      fprintf(f, "\\u%04x", c);
    else
      fputc(c, f);
  }
  fputc('"', f);
}
