/* tor-bulkperf: a measuring client for bulk transfers through a SOCKS proxy
 * (usually tor), a bulk sender/sink to stand behind an onion service, and
 * the result keeping (Torperf .tpf lines, JSON, SQLite).
 *
 * This header declares the testable pieces (libbulkperf.a). Nothing here
 * depends on the daemon's code: the tool is self-contained. */
#ifndef TOOLS_BULKPERF_BULKPERF_H
#define TOOLS_BULKPERF_BULKPERF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes. */
#define BP_EXIT_OK 0
#define BP_EXIT_FAIL 1      /* measurement failed: proxy, SOCKS, network */
#define BP_EXIT_USAGE 2     /* bad command line */
#define BP_EXIT_VERIFY 3    /* data verification failed */

/* ---------------------------------------------------------------- util */

/* Monotonic time in seconds. */
double bp_mono(void);
/* Wall-clock time in microseconds since the epoch. */
int64_t bp_wall_usec(void);
/* CPU seconds (user + system) this process has used so far. */
double bp_cpu_seconds(void);

/* "30s", "1m", "500ms", "2h", "1.5" (seconds). -1 on error. */
int bp_parse_duration(const char *s, double *out);
/* "50KiB", "1MiB", "5MiB", "1GiB", "1000", "10kB" (1000), "2GB". */
int bp_parse_size(const char *s, uint64_t *out);
/* Comma-separated list of sizes; at most max entries. Returns count or -1. */
int bp_parse_size_list(const char *s, uint64_t *out, int max);
/* "HOST:PORT", "[v6]:PORT". Host may be a name. -1 on error. */
int bp_parse_hostport(const char *s, char *host, size_t hostlen,
                      uint16_t *port);
/* Human name for a byte count in binary units ("5MiB"), for labels. */
void bp_format_size(uint64_t n, char *buf, size_t len);

/* JSON string escaping into f (with the quotes). */
void bp_json_str(FILE *f, const char *s);

/* ------------------------------------------------------ sequence pattern */

/* The bulk source's sequence pattern: 64-bit big-endian counters 0,1,2,...
 * concatenated, so the byte at stream offset k is byte (k mod 8) of the
 * big-endian encoding of k/8. */
static inline uint8_t
bp_seq_byte(uint64_t k)
{
  return (uint8_t)((k >> 3) >> (8 * (7 - (k & 7))));
}

/* Fill buf with the pattern bytes for stream offsets [off, off+len). */
void bp_seq_fill(uint8_t *buf, size_t len, uint64_t off);
/* Check buf against the pattern at stream offset off. Returns the index in
 * buf of the first byte that differs, or len when all match. */
size_t bp_seq_check(const uint8_t *buf, size_t len, uint64_t off);
/* Index of the first non-zero byte, or len. */
size_t bp_zero_check(const uint8_t *buf, size_t len);

enum bp_verify { BP_VERIFY_NONE = 0, BP_VERIFY_SEQUENCE, BP_VERIFY_ZERO };
enum bp_pattern { BP_PATTERN_ZERO = 0, BP_PATTERN_RANDOM, BP_PATTERN_SEQUENCE };

/* ---------------------------------------------------------- statistics */

/* Linear interpolation between closest ranks over sorted values:
 * position p*(n-1) (p in [0,1]). 0 when n == 0. */
double bp_percentile_sorted(const double *sorted, size_t n, double p);
/* Same on unsorted values (copies and sorts). */
double bp_percentile(const double *values, size_t n, double p);

typedef struct bp_interval {
  double t_begin, t_end;     /* seconds since measurement start */
  uint64_t bytes;
  double mbps;               /* total Mbit/s (10^6 bits/s) */
  int ncircuits;
  double *circ_mbps;         /* per circuit, owned by the stats object */
  int streams_alive;
} bp_interval_t;

typedef struct bp_stats {
  int ncircuits;
  double last_tick;          /* t_end of the last interval */
  uint64_t cur_bytes;        /* bytes in the current interval */
  uint64_t *cur_circ;        /* per-circuit bytes in the current interval */
  uint64_t total_bytes;      /* bytes at t >= 0 */
  uint64_t warmup_bytes;     /* bytes before the measurement started */
  uint64_t *circ_total;
  /* bytes per whole second since start, for stall counting */
  uint64_t *sec_bytes;
  size_t nsec, seccap;
  /* finished intervals */
  bp_interval_t *iv;
  size_t niv, ivcap;
} bp_stats_t;

typedef struct bp_summary {
  double elapsed;            /* measured seconds */
  uint64_t bytes;
  double mean_mbps;          /* bytes*8/elapsed/1e6 */
  double median_mbps;        /* of the per-interval rates */
  double p10_mbps, p90_mbps;
  int stall_seconds;         /* whole seconds with zero bytes */
  int intervals;
} bp_summary_t;

int bp_stats_init(bp_stats_t *st, int ncircuits);
void bp_stats_free(bp_stats_t *st);
/* n bytes arrived at time t (seconds since measurement start; t < 0 is
 * before the start and counted as warm-up) on circuit circ. */
void bp_stats_add(bp_stats_t *st, double t, int circ, uint64_t n);
/* Close the interval ending at t. Returns the interval (valid until the
 * next call that adds an interval). */
const bp_interval_t *bp_stats_tick(bp_stats_t *st, double t,
                                   int streams_alive);
/* Summary over [0, t_end]. Stalls count the whole seconds in [0, t_end)
 * with no byte. */
void bp_stats_summary(const bp_stats_t *st, double t_end, bp_summary_t *out);

/* -------------------------------------------------------------- SOCKS5 */

enum bp_socks_state {
  BP_SOCKS_METHOD = 0,   /* greeting sent, waiting for the method choice */
  BP_SOCKS_AUTH,         /* username/password sent, waiting for status */
  BP_SOCKS_REPLY,        /* CONNECT sent, waiting for the reply */
  BP_SOCKS_DONE,
  BP_SOCKS_FAILED
};

/* What bp_socks_feed reports. */
enum bp_socks_event {
  BP_SOCKS_EV_MORE = 0,     /* need more input */
  BP_SOCKS_EV_NEGOTIATED,   /* method chosen (and authenticated): the
                               CONNECT request is in out[] to send */
  BP_SOCKS_EV_SEND,         /* auth request is in out[] to send */
  BP_SOCKS_EV_DONE,         /* connected; remaining input is payload */
  BP_SOCKS_EV_ERROR         /* see err */
};

typedef struct bp_socks {
  int state;
  char host[256];
  uint16_t port;
  char user[256], pass[256];
  bool auth;
  uint8_t out[1024];
  size_t outlen;
  uint8_t in[300];
  size_t inlen;
  int reply;               /* SOCKS reply code, -1 until known */
  char err[320];
} bp_socks_t;

/* Start a SOCKS5 CONNECT to host:port; with user (non-NULL, non-empty) the
 * username/password method is offered (tor isolates streams by it). The
 * greeting is left in out[]/outlen. -1 if host/user/pass are too long. */
int bp_socks_begin(bp_socks_t *s, const char *host, uint16_t port,
                   const char *user, const char *pass);
/* Feed bytes read from the proxy. *used is set to how many were consumed;
 * after BP_SOCKS_EV_DONE, the rest is payload. After an event that leaves
 * bytes in out[], send them (and set outlen = 0). */
int bp_socks_feed(bp_socks_t *s, const uint8_t *data, size_t len,
                  size_t *used);
/* Plain-text meaning of a SOCKS5 reply code, including tor's extended
 * onion-service codes (0xF0-0xF7). */
const char *bp_socks_reply_str(int code);

/* ------------------------------------------------- Torperf transfer record */

#define BP_NPERC 9   /* DATAPERC10 ... DATAPERC90 */

typedef struct bp_transfer {
  char source[64];        /* SOURCE */
  uint64_t filesize;      /* FILESIZE */
  /* microseconds since the epoch; 0 = did not happen */
  int64_t start, socket, connect, negotiate, request, response;
  int64_t datarequest, dataresponse, datacomplete;
  int64_t dataperc[BP_NPERC];   /* 10%, 20%, ..., 90% */
  uint64_t readbytes, writebytes;
  bool didtimeout;
  /* optional OnionPerf 1.1 keys; empty = omitted */
  char endpointlocal[128], endpointproxy[128], endpointremote[300];
  char hostnamelocal[128];
  char error[160];         /* our own note, not written to .tpf */
} bp_transfer_t;

/* Format a timestamp the way .tpf files do: seconds since the epoch with
 * `decimals` decimal places (rounded half up); "0.00"-style when usec==0.*/
void bp_tpf_ts(char *buf, size_t len, int64_t usec, int decimals);
/* Write one .tpf result line (keys in alphabetical order, ending "\n"). */
void bp_tpf_write_line(FILE *f, const bp_transfer_t *t, int decimals);
/* Header that starts a .tpf file. */
#define BP_TPF_HEADER "@type torperf 1.1\n"
/* Write the transfer as a JSON object with the same keys and numbers. */
void bp_tpf_write_json(FILE *f, const bp_transfer_t *t, int decimals);

/* -------------------------------------------------------------- options */

enum bp_mode {
  BP_MODE_BULK = 1, BP_MODE_TRANSFER, BP_MODE_UPLOAD, BP_MODE_SERVE,
  BP_MODE_REPORT
};

#define BP_MAX_SIZES 16

typedef struct bp_opts {
  int mode;
  bool socks_none;
  char socks_host[256];
  uint16_t socks_port;
  char target_host[256];
  uint16_t target_port;
  int streams, circuits;
  double duration, interval, every, timeout, connect_timeout;
  int verify;                 /* enum bp_verify */
  uint64_t sizes[BP_MAX_SIZES];
  int nsizes;
  int count;
  uint64_t upload_size;       /* upload: stop after this many bytes */
  int pattern;                /* enum bp_pattern */
  char listen_host[256];
  uint16_t listen_port;
  bool sink;                  /* serve: read and discard instead of sending */
  int threads;                /* serve: event loops (threads); 0 = CPUs */
  int64_t corrupt_at;         /* serve: hidden test option, -1 = off */
  const char *json, *tpf, *db;
  const char *source;         /* SOURCE= in .tpf */
  int tpf_decimals;
  bool isolate;               /* transfer: a new circuit per transfer */
  bool quiet;
  bool discard;               /* bulk: let the kernel drop the data unread */
  size_t bufsize;
  int run_id;                 /* report/plot: only this run */
  char cmdline[1024];
} bp_opts_t;

/* Parse argv (argv[1] is the mode). On error, writes a plain message to
 * err and returns -1; returns 1 for --help (usage written to err). */
int bp_opts_parse(bp_opts_t *o, int argc, char **argv, char *err,
                  size_t errlen);
void bp_usage(FILE *f);

/* --------------------------------------------------------------- SQLite */

typedef struct bp_db bp_db_t;

bp_db_t *bp_db_open(const char *path, char *err, size_t errlen);
void bp_db_close(bp_db_t *db);
/* Start a run; returns its id (> 0) or -1. */
int64_t bp_db_run_begin(bp_db_t *db, const bp_opts_t *o, const char *mode);
void bp_db_interval(bp_db_t *db, int64_t run, const bp_interval_t *iv);
void bp_db_stream(bp_db_t *db, int64_t run, int stream, int circuit,
                  double ttfb, uint64_t bytes, const char *error);
void bp_db_transfer(bp_db_t *db, int64_t run, const bp_transfer_t *t);
void bp_db_run_end(bp_db_t *db, int64_t run, const bp_summary_t *s,
                   double cpu_per_gb, const char *result);
/* The report table; returns 0 or -1. */
int bp_db_report(const char *path, int run_id, FILE *out, char *err,
                 size_t errlen);

/* ---------------------------------------------------------------- modes */

int bp_run_bulk(const bp_opts_t *o);      /* bulk and upload */
int bp_run_transfer(const bp_opts_t *o);
int bp_run_serve(const bp_opts_t *o);

#endif
