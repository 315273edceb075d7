/* tor-bulkperf: Torperf result lines (.tpf, "@type torperf 1.1" as
 * CollecTor publishes them: one line of space-separated KEY=VALUE pairs per
 * transfer, keys in alphabetical order, timestamps in seconds since the
 * epoch with a fractional part) and the same record as JSON. */
#include "orconfig.h"
#include "tools/bulkperf/bulkperf.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void
bp_tpf_ts(char *buf, size_t len, int64_t usec, int decimals)
{
  if (decimals < 1)
    decimals = 1;
  if (decimals > 6)
    decimals = 6;
  int64_t div = 1;
  for (int i = decimals; i < 6; i++)
    div *= 10;
  int64_t scale = 1;
  for (int i = 0; i < decimals; i++)
    scale *= 10;
  if (usec < 0)
    usec = 0;
  int64_t units = (usec + div / 2) / div;   /* rounded half up */
  snprintf(buf, len, "%" PRId64 ".%0*" PRId64, units / scale, decimals,
           units % scale);
}

enum kind { K_TS, K_U64, K_STR, K_BOOL };

struct kv {
  const char *key;
  int kind;
  int64_t ts;
  uint64_t u;
  const char *s;
};

static int
cmp_kv(const void *a, const void *b)
{
  return strcmp(((const struct kv *)a)->key, ((const struct kv *)b)->key);
}

/* Collects the record's key/value pairs, sorted by key. */
static size_t
collect(const bp_transfer_t *t, struct kv *kv)
{
  size_t n = 0;
#define TS(k, v) do { kv[n].key = k; kv[n].kind = K_TS; kv[n].ts = v; n++; } while (0)
#define U64(k, v) do { kv[n].key = k; kv[n].kind = K_U64; kv[n].u = v; n++; } while (0)
#define STR(k, v) do { if ((v)[0]) { kv[n].key = k; kv[n].kind = K_STR; kv[n].s = v; n++; } } while (0)
  TS("START", t->start);
  TS("SOCKET", t->socket);
  TS("CONNECT", t->connect);
  TS("NEGOTIATE", t->negotiate);
  TS("REQUEST", t->request);
  TS("RESPONSE", t->response);
  TS("DATAREQUEST", t->datarequest);
  TS("DATARESPONSE", t->dataresponse);
  TS("DATACOMPLETE", t->datacomplete);
  static const char *const perc_keys[BP_NPERC] = {
    "DATAPERC10", "DATAPERC20", "DATAPERC30", "DATAPERC40", "DATAPERC50",
    "DATAPERC60", "DATAPERC70", "DATAPERC80", "DATAPERC90" };
  for (int i = 0; i < BP_NPERC; i++) {
    kv[n].key = perc_keys[i];
    kv[n].kind = K_TS;
    kv[n].ts = t->dataperc[i];
    n++;
  }
  U64("FILESIZE", t->filesize);
  U64("READBYTES", t->readbytes);
  U64("WRITEBYTES", t->writebytes);
  kv[n].key = "DIDTIMEOUT"; kv[n].kind = K_BOOL; kv[n].u = t->didtimeout; n++;
  STR("SOURCE", t->source[0] ? t->source : "bulkperf");
  STR("ENDPOINTLOCAL", t->endpointlocal);
  STR("ENDPOINTPROXY", t->endpointproxy);
  STR("ENDPOINTREMOTE", t->endpointremote);
  STR("HOSTNAMELOCAL", t->hostnamelocal);
#undef TS
#undef U64
#undef STR
  qsort(kv, n, sizeof(*kv), cmp_kv);
  return n;
}

/* .tpf values may contain neither spaces nor '='. */
static void
put_clean(FILE *f, const char *s)
{
  for (; *s; s++)
    fputc((*s == ' ' || *s == '=' || *s == '\n' || *s == '\r') ? '_' : *s, f);
}

void
bp_tpf_write_line(FILE *f, const bp_transfer_t *t, int decimals)
{
  struct kv kv[48];
  size_t n = collect(t, kv);
  char buf[48];
  for (size_t i = 0; i < n; i++) {
    if (i)
      fputc(' ', f);
    fprintf(f, "%s=", kv[i].key);
    switch (kv[i].kind) {
    case K_TS:
      bp_tpf_ts(buf, sizeof(buf), kv[i].ts, decimals);
      fputs(buf, f);
      break;
    case K_U64:
    case K_BOOL:
      fprintf(f, "%" PRIu64, kv[i].u);
      break;
    default:
      put_clean(f, kv[i].s);
    }
  }
  fputc('\n', f);
}

void
bp_tpf_write_json(FILE *f, const bp_transfer_t *t, int decimals)
{
  struct kv kv[48];
  size_t n = collect(t, kv);
  char buf[48];
  fputc('{', f);
  for (size_t i = 0; i < n; i++) {
    if (i)
      fputs(", ", f);
    bp_json_str(f, kv[i].key);
    fputs(": ", f);
    switch (kv[i].kind) {
    case K_TS:
      bp_tpf_ts(buf, sizeof(buf), kv[i].ts, decimals);
      fputs(buf, f);
      break;
    case K_U64:
    case K_BOOL:
      fprintf(f, "%" PRIu64, kv[i].u);
      break;
    default:
      bp_json_str(f, kv[i].s);
    }
  }
  fputc('}', f);
}
