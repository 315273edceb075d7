/* tor-bulkperf: command-line parsing. Errors are one plain sentence. */
#include "orconfig.h"
#include "tools/bulkperf/bulkperf.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
bp_usage(FILE *f)
{
  fputs(
"usage:\n"
"  tor-bulkperf bulk --socks HOST:PORT|none --target ADDR:PORT [--streams N]\n"
"      [--circuits M] [--duration 60s] [--interval 1s]\n"
"      [--verify sequence|zero|none] [--discard] [--json FILE] [--db FILE]\n"
"      [--quiet] [--buffer SIZE]\n"
"  tor-bulkperf transfer --socks HOST:PORT|none --target ADDR:PORT\n"
"      [--size 50KiB,1MiB,5MiB] [--every 60s] [--count K] [--timeout 120s]\n"
"      [--isolate] [--source NAME] [--tpf FILE] [--tpf-decimals 2]\n"
"      [--verify sequence|zero|none] [--json FILE] [--db FILE]\n"
"  tor-bulkperf upload --socks HOST:PORT|none --target ADDR:PORT\n"
"      [--streams N] [--circuits M] (--duration 60s | --size SIZE)\n"
"      [--pattern zero|random|sequence] [--interval 1s] [--json FILE] [--db FILE]\n"
"  tor-bulkperf serve --listen ADDR:PORT [--pattern zero|random|sequence]\n"
"      [--sink [--verify sequence|zero|none]] [--threads N] [--buffer SIZE]\n"
"  tor-bulkperf report --db FILE [--run ID]\n"
"\n"
"Exit status: 0 success, 1 measurement failed (proxy, SOCKS, network),\n"
"2 bad usage, 3 data verification failed.\n", f);
}

enum {
  O_SOCKS = 256, O_TARGET, O_STREAMS, O_CIRCUITS, O_DURATION, O_INTERVAL,
  O_VERIFY, O_JSON, O_DB, O_SIZE, O_EVERY, O_COUNT, O_TPF, O_LISTEN,
  O_PATTERN, O_SINK, O_CORRUPT, O_SOURCE, O_TPFDEC, O_TIMEOUT, O_CTIMEOUT,
  O_ISOLATE, O_QUIET, O_BUFFER, O_RUN, O_THREADS, O_DISCARD, O_HELP
};

static const struct option longopts[] = {
  { "socks", required_argument, NULL, O_SOCKS },
  { "target", required_argument, NULL, O_TARGET },
  { "streams", required_argument, NULL, O_STREAMS },
  { "circuits", required_argument, NULL, O_CIRCUITS },
  { "duration", required_argument, NULL, O_DURATION },
  { "interval", required_argument, NULL, O_INTERVAL },
  { "verify", required_argument, NULL, O_VERIFY },
  { "json", required_argument, NULL, O_JSON },
  { "db", required_argument, NULL, O_DB },
  { "size", required_argument, NULL, O_SIZE },
  { "every", required_argument, NULL, O_EVERY },
  { "count", required_argument, NULL, O_COUNT },
  { "tpf", required_argument, NULL, O_TPF },
  { "listen", required_argument, NULL, O_LISTEN },
  { "pattern", required_argument, NULL, O_PATTERN },
  { "sink", no_argument, NULL, O_SINK },
  { "corrupt-at", required_argument, NULL, O_CORRUPT },  /* test fixture */
  { "source", required_argument, NULL, O_SOURCE },
  { "tpf-decimals", required_argument, NULL, O_TPFDEC },
  { "timeout", required_argument, NULL, O_TIMEOUT },
  { "connect-timeout", required_argument, NULL, O_CTIMEOUT },
  { "isolate", no_argument, NULL, O_ISOLATE },
  { "quiet", no_argument, NULL, O_QUIET },
  { "buffer", required_argument, NULL, O_BUFFER },
  { "run", required_argument, NULL, O_RUN },
  { "threads", required_argument, NULL, O_THREADS },
  { "discard", no_argument, NULL, O_DISCARD },
  { "help", no_argument, NULL, O_HELP },
  { NULL, 0, NULL, 0 }
};

static int
err_out(char *err, size_t len, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static int
err_out(char *err, size_t len, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, len, fmt, ap);
  va_end(ap);
  return -1;
}

static int
parse_int(const char *s, long lo, long hi, long *out)
{
  char *end;
  long v = strtol(s, &end, 10);
  if (!*s || *end || v < lo || v > hi)
    return -1;
  *out = v;
  return 0;
}

static int
parse_verify(const char *s, int *out)
{
  if (!strcmp(s, "sequence")) *out = BP_VERIFY_SEQUENCE;
  else if (!strcmp(s, "zero")) *out = BP_VERIFY_ZERO;
  else if (!strcmp(s, "none")) *out = BP_VERIFY_NONE;
  else return -1;
  return 0;
}

static int
parse_pattern(const char *s, int *out)
{
  if (!strcmp(s, "sequence")) *out = BP_PATTERN_SEQUENCE;
  else if (!strcmp(s, "zero")) *out = BP_PATTERN_ZERO;
  else if (!strcmp(s, "random")) *out = BP_PATTERN_RANDOM;
  else return -1;
  return 0;
}

int
bp_opts_parse(bp_opts_t *o, int argc, char **argv, char *err, size_t errlen)
{
  memset(o, 0, sizeof(*o));
  o->streams = 1;
  o->circuits = 1;
  o->duration = 60;
  o->interval = 1;
  o->every = 60;
  o->count = 1;
  o->timeout = 120;
  o->connect_timeout = 120;
  o->pattern = BP_PATTERN_SEQUENCE;
  o->corrupt_at = -1;
  o->tpf_decimals = 2;
  o->bufsize = 1 << 20;
  bool have_socks = false, have_target = false, have_duration = false;
  bool have_size = false, have_listen = false, have_circuits = false;

  if (argc < 2)
    return err_out(err, errlen, "no mode given (bulk, transfer, upload, "
                   "serve or report); try --help");
  const char *mode = argv[1];
  if (!strcmp(mode, "bulk")) o->mode = BP_MODE_BULK;
  else if (!strcmp(mode, "transfer")) o->mode = BP_MODE_TRANSFER;
  else if (!strcmp(mode, "upload")) o->mode = BP_MODE_UPLOAD;
  else if (!strcmp(mode, "serve")) o->mode = BP_MODE_SERVE;
  else if (!strcmp(mode, "report")) o->mode = BP_MODE_REPORT;
  else if (!strcmp(mode, "--help") || !strcmp(mode, "-h")) return 1;
  else
    return err_out(err, errlen, "unknown mode '%s' (expected bulk, transfer,"
                   " upload, serve or report)", mode);

  size_t cl = 0;
  for (int i = 0; i < argc && cl + 2 < sizeof(o->cmdline); i++) {
    int w = snprintf(o->cmdline + cl, sizeof(o->cmdline) - cl, "%s%s",
                     i ? " " : "", argv[i]);
    if (w < 0)
      break;
    cl += (size_t)w;
  }

  optind = 0;   /* full re-initialisation (glibc), so we can parse twice */
  opterr = 0;
  int c;
  long v;
  while ((c = getopt_long(argc - 1, argv + 1, "+:h", longopts, NULL)) != -1) {
    const char *a = optarg;
    switch (c) {
    case O_SOCKS:
      have_socks = true;
      if (!strcmp(a, "none")) {
        o->socks_none = true;
      } else if (bp_parse_hostport(a, o->socks_host, sizeof(o->socks_host),
                                   &o->socks_port) < 0 || !o->socks_port) {
        return err_out(err, errlen, "malformed --socks '%s': expected "
                       "HOST:PORT (e.g. 127.0.0.1:9050) or 'none'", a);
      }
      break;
    case O_TARGET:
      have_target = true;
      if (bp_parse_hostport(a, o->target_host, sizeof(o->target_host),
                            &o->target_port) < 0 || !o->target_port)
        return err_out(err, errlen, "malformed --target '%s': expected "
                       "ADDR:PORT (e.g. xyz.onion:80 or 127.0.0.1:5000)", a);
      break;
    case O_STREAMS:
      if (parse_int(a, 1, 100000, &v) < 0)
        return err_out(err, errlen, "--streams must be a number from 1 to "
                       "100000, not '%s'", a);
      o->streams = (int)v;
      break;
    case O_CIRCUITS:
      if (parse_int(a, 1, 100000, &v) < 0)
        return err_out(err, errlen, "--circuits must be a number from 1 to "
                       "100000, not '%s'", a);
      o->circuits = (int)v;
      have_circuits = true;
      break;
    case O_DURATION:
      if (bp_parse_duration(a, &o->duration) < 0 || o->duration <= 0)
        return err_out(err, errlen, "malformed --duration '%s' (e.g. 30s, "
                       "2m)", a);
      have_duration = true;
      break;
    case O_INTERVAL:
      if (bp_parse_duration(a, &o->interval) < 0 || o->interval < 0.01)
        return err_out(err, errlen, "malformed --interval '%s' (e.g. 1s, "
                       "500ms; at least 10ms)", a);
      break;
    case O_EVERY:
      if (bp_parse_duration(a, &o->every) < 0)
        return err_out(err, errlen, "malformed --every '%s' (e.g. 60s)", a);
      break;
    case O_TIMEOUT:
      if (bp_parse_duration(a, &o->timeout) < 0 || o->timeout <= 0)
        return err_out(err, errlen, "malformed --timeout '%s'", a);
      break;
    case O_CTIMEOUT:
      if (bp_parse_duration(a, &o->connect_timeout) < 0 ||
          o->connect_timeout <= 0)
        return err_out(err, errlen, "malformed --connect-timeout '%s'", a);
      break;
    case O_VERIFY:
      if (parse_verify(a, &o->verify) < 0)
        return err_out(err, errlen, "--verify must be sequence, zero or "
                       "none, not '%s'", a);
      break;
    case O_PATTERN:
      if (parse_pattern(a, &o->pattern) < 0)
        return err_out(err, errlen, "--pattern must be zero, random or "
                       "sequence, not '%s'", a);
      break;
    case O_SIZE:
      have_size = true;
      o->nsizes = bp_parse_size_list(a, o->sizes, BP_MAX_SIZES);
      if (o->nsizes < 0)
        return err_out(err, errlen, "malformed --size '%s' (e.g. "
                       "50KiB,1MiB,5MiB)", a);
      o->upload_size = o->sizes[0];
      break;
    case O_COUNT:
      if (parse_int(a, 1, 100000000, &v) < 0)
        return err_out(err, errlen, "--count must be a positive number, "
                       "not '%s'", a);
      o->count = (int)v;
      break;
    case O_LISTEN:
      have_listen = true;
      if (bp_parse_hostport(a, o->listen_host, sizeof(o->listen_host),
                            &o->listen_port) < 0)
        return err_out(err, errlen, "malformed --listen '%s': expected "
                       "ADDR:PORT (port 0 picks a free one)", a);
      break;
    case O_SINK: o->sink = true; break;
    case O_CORRUPT:
      if (parse_int(a, 0, 0x7fffffffL, &v) < 0) {
        char *end;
        long long ll = strtoll(a, &end, 10);
        if (!*a || *end || ll < 0)
          return err_out(err, errlen, "--corrupt-at takes a byte offset");
        o->corrupt_at = ll;
      } else {
        o->corrupt_at = v;
      }
      break;
    case O_SOURCE: o->source = a; break;
    case O_TPFDEC:
      if (parse_int(a, 1, 6, &v) < 0)
        return err_out(err, errlen, "--tpf-decimals must be 1 to 6");
      o->tpf_decimals = (int)v;
      break;
    case O_ISOLATE: o->isolate = true; break;
    case O_QUIET: o->quiet = true; break;
    case O_DISCARD: o->discard = true; break;
    case O_BUFFER: {
      uint64_t b;
      if (bp_parse_size(a, &b) < 0 || b < 4096 || b > (1ULL << 30))
        return err_out(err, errlen, "--buffer must be a size from 4KiB to "
                       "1GiB");
      o->bufsize = (size_t)b;
      break;
    }
    case O_RUN:
      if (parse_int(a, 1, 0x7fffffffL, &v) < 0)
        return err_out(err, errlen, "--run takes a run id");
      o->run_id = (int)v;
      break;
    case O_THREADS:
      if (parse_int(a, 1, 64, &v) < 0)
        return err_out(err, errlen, "--threads must be 1 to 64");
      o->threads = (int)v;
      break;
    case O_JSON: o->json = a; break;
    case O_TPF: o->tpf = a; break;
    case O_DB: o->db = a; break;
    case 'h':
    case O_HELP:
      return 1;
    case ':':
      return err_out(err, errlen, "option %s needs a value",
                     argv[optind] ? argv[optind] : "");
    default:
      return err_out(err, errlen, "unknown option '%s' for %s; try --help",
                     argv[optind] ? argv[optind] : "?", mode);
    }
  }
  if (optind + 1 < argc)
    return err_out(err, errlen, "unexpected argument '%s'", argv[optind + 1]);

  switch (o->mode) {
  case BP_MODE_BULK:
  case BP_MODE_UPLOAD:
  case BP_MODE_TRANSFER:
    if (!have_socks)
      return err_out(err, errlen, "%s needs --socks HOST:PORT (tor's "
                     "SocksPort) or --socks none", mode);
    if (!have_target)
      return err_out(err, errlen, "%s needs --target ADDR:PORT", mode);
    if (o->circuits > o->streams) {
      if (have_circuits)
        return err_out(err, errlen, "--circuits %d is more than --streams %d;"
                       " each circuit needs at least one stream",
                       o->circuits, o->streams);
      o->circuits = o->streams;
    }
    if (o->mode == BP_MODE_TRANSFER) {
      if (!have_size) {
        o->nsizes = 3;
        o->sizes[0] = 50 << 10;
        o->sizes[1] = 1 << 20;
        o->sizes[2] = 5 << 20;
      }
    } else if (o->mode == BP_MODE_UPLOAD) {
      if (have_size && o->nsizes != 1)
        return err_out(err, errlen, "upload takes a single --size");
      if (have_size && !have_duration)
        o->duration = 0;   /* until the size is sent */
      if (!have_size)
        o->upload_size = 0;
    } else if (have_size) {
      return err_out(err, errlen, "bulk reads for --duration; use transfer "
                     "for timed downloads of a --size");
    }
    if (o->discard && (o->verify || o->mode != BP_MODE_BULK))
      return err_out(err, errlen, "--discard (data dropped unread) is for "
                     "bulk without --verify");
    if (o->interval > 0 && o->duration > 0 && o->interval > o->duration)
      o->interval = o->duration;
    break;
  case BP_MODE_SERVE:
    if (!have_listen)
      return err_out(err, errlen, "serve needs --listen ADDR:PORT");
    if (o->threads == 0) {
      long n = sysconf(_SC_NPROCESSORS_ONLN);
      o->threads = n < 1 ? 1 : n > 8 ? 8 : (int)n;
    }
    break;
  case BP_MODE_REPORT:
    if (!o->db)
      return err_out(err, errlen, "report needs --db FILE");
    break;
  default:
    break;
  }
  return 0;
}
