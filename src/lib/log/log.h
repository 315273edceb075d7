/* Logging as tor does it: lines "Nov 22 12:34:56.789 [notice] text" sent to
 * sinks (stdout, stderr, files, syslog), each sink taking, per severity, a
 * set of domains. A log call whose severity and domain no sink wants costs one
 * array lookup and a mask test: the arguments are never formatted.
 *
 * Until log_configure_sinks() is called, notice and above go to stdout (as
 * tor before it has read its torrc). Severities use syslog's numbering. */
#ifndef TOR_LIB_LOG_LOG_H
#define TOR_LIB_LOG_LOG_H

#include <stdarg.h>
#include <stdint.h>
#include <time.h>

#define LOG_ERR 3
#define LOG_WARN 4
#define LOG_NOTICE 5
#define LOG_INFO 6
#define LOG_DEBUG 7

typedef uint64_t log_domain_mask_t;
#define LD_GENERAL (UINT64_C(1) << 0)
#define LD_CRYPTO (UINT64_C(1) << 1)
#define LD_NET (UINT64_C(1) << 2)
#define LD_CONFIG (UINT64_C(1) << 3)
#define LD_FS (UINT64_C(1) << 4)
#define LD_PROTOCOL (UINT64_C(1) << 5)
#define LD_MM (UINT64_C(1) << 6)
#define LD_HTTP (UINT64_C(1) << 7)
#define LD_APP (UINT64_C(1) << 8)
#define LD_CONTROL (UINT64_C(1) << 9)
#define LD_CIRC (UINT64_C(1) << 10)
#define LD_REND (UINT64_C(1) << 11)
#define LD_BUG (UINT64_C(1) << 12)
#define LD_DIR (UINT64_C(1) << 13)
#define LD_DIRSERV (UINT64_C(1) << 14)
#define LD_OR (UINT64_C(1) << 15)
#define LD_EDGE (UINT64_C(1) << 16)
#define LD_ACCT (UINT64_C(1) << 17)
#define LD_HIST (UINT64_C(1) << 18)
#define LD_HANDSHAKE (UINT64_C(1) << 19)
#define LD_HEARTBEAT (UINT64_C(1) << 20)
#define LD_CHANNEL (UINT64_C(1) << 21)
#define LD_SCHED (UINT64_C(1) << 22)
#define LD_GUARD (UINT64_C(1) << 23)
#define LD_CONSDIFF (UINT64_C(1) << 24)
#define LD_DOS (UINT64_C(1) << 25)
#define LD_PROCESS (UINT64_C(1) << 26)
#define LD_PT (UINT64_C(1) << 27)
#define LD_BTRACK (UINT64_C(1) << 28)
#define LD_MESG (UINT64_C(1) << 29)
#define LD_BULK (UINT64_C(1) << 30)
#define LD_ALL_DOMAINS ((UINT64_C(1) << 31) - 1)
/* Flag, not a domain: never prefix this message with its function name. */
#define LD_NOFUNCNAME (UINT64_C(1) << 63)

/* Which domains are on, per severity, over all sinks; indexed by severity. */
extern log_domain_mask_t log_enabled_domains_[LOG_DEBUG + 1];

static inline int
log_is_enabled(int severity, log_domain_mask_t domain)
{
  return (log_enabled_domains_[severity] & domain & LD_ALL_DOMAINS) != 0;
}

void log_fn_(int severity, log_domain_mask_t domain, const char *funcname,
             const char *format, ...) __attribute__((format(printf, 4, 5)));
void log_fn_v_(int severity, log_domain_mask_t domain, const char *funcname,
               const char *format, va_list ap) __attribute__((format(printf, 4, 0)));

#define log_fn(severity, domain, ...)                                     \
  do {                                                                    \
    if (log_is_enabled((severity), (domain)))                             \
      log_fn_((severity), (domain), __func__, __VA_ARGS__);               \
  } while (0)
#define log_debug(domain, ...) log_fn(LOG_DEBUG, (domain), __VA_ARGS__)
#define log_info(domain, ...) log_fn(LOG_INFO, (domain), __VA_ARGS__)
#define log_notice(domain, ...) log_fn(LOG_NOTICE, (domain), __VA_ARGS__)
#define log_warn(domain, ...) log_fn(LOG_WARN, (domain), __VA_ARGS__)
#define log_err(domain, ...) log_fn(LOG_ERR, (domain), __VA_ARGS__)

/* Other parties' protocol violations: logged at info, or at warn when the
 * ProtocolWarnings option is 1 (log_set_protocol_warnings()). */
extern int log_protocol_warn_severity_;
#define log_protocol_warn(domain, ...) \
  log_fn(log_protocol_warn_severity_, (domain), __VA_ARGS__)
void log_set_protocol_warnings(int on);

/* Rate limiting: at most one message per `interval` seconds from one
 * ratelim; the next one that passes says how many were suppressed. */
typedef struct log_ratelim_t {
  int interval;
  time_t last_allowed;
  unsigned suppressed;
} log_ratelim_t;
#define LOG_RATELIM_INIT(interval) { (interval), 0, 0 }
void log_fn_ratelim_(log_ratelim_t *rl, int severity, log_domain_mask_t domain,
                     const char *funcname, const char *format, ...)
  __attribute__((format(printf, 5, 6)));
#define log_fn_ratelim(rl, severity, domain, ...)                         \
  do {                                                                    \
    if (log_is_enabled((severity), (domain)))                             \
      log_fn_ratelim_((rl), (severity), (domain), __func__, __VA_ARGS__); \
  } while (0)

/* Severity names as tor spells them ("debug" ... "err"); -1 if unknown. */
int log_severity_from_name(const char *name);
const char *log_severity_name(int severity);
/* Domain name ("net", "circ", "*"...) to mask; 0 if unknown. */
log_domain_mask_t log_domain_from_name(const char *name);

/* A parsed "Log" line: per-severity domains, a kind and, for files, a path. */
typedef enum { LOG_SINK_STDOUT, LOG_SINK_STDERR, LOG_SINK_FILE, LOG_SINK_SYSLOG } log_sink_kind_t;
typedef struct log_sink_spec_t {
  log_domain_mask_t domains[LOG_DEBUG + 1];
  log_sink_kind_t kind;
  char *path;  /* owned; files only */
} log_sink_spec_t;

/* Parses a Log value such as "info file /var/log/tor.log" or
 * "[handshake]debug [~net,~mm]info notice stderr". On error returns -1 and
 * writes a reason into err. The caller frees out->path with free(). */
int log_sink_spec_parse(const char *value, log_sink_spec_t *out,
                        char *err, size_t errlen);

/* Replaces the active sinks with these (opening files first: if one cannot
 * be opened, nothing changes and -1 is returned with the reason in err). */
int log_configure_sinks(const log_sink_spec_t *specs, int n_specs,
                        char *err, size_t errlen);
/* Before configuration: only messages at `min_severity` or more severe go
 * to stdout (--quiet: LOG_ERR; --hush: LOG_WARN; default LOG_NOTICE).
 * Use -1 to send nothing at all. */
void log_set_startup_severity(int min_severity);
/* Log timestamps are rounded down to this many milliseconds. */
void log_set_time_granularity(int msec);
/* SafeLogging: 0 off, 1 on (scrub all addresses), 2 "relay" (scrub only
 * client addresses). */
void log_set_safe_logging(int mode);
/* An address to print in a log: "[scrubbed]" when SafeLogging says so. */
const char *safe_str(const char *address);
const char *safe_str_client(const char *address);
/* A hook that gets every message some severity of `domains` asks for,
 * besides the sinks (the control port's log events): msg is the text
 * without timestamp and severity (function name included, as in the log
 * files), len its length without a line end. A message logged from inside
 * the hook is not passed to it again. fn NULL removes the hook. */
typedef void (*log_hook_fn)(int severity, log_domain_mask_t domain, const char *msg,
                            size_t len);
void log_set_hook(log_hook_fn fn, const log_domain_mask_t domains[LOG_DEBUG + 1]);

/* Closes and reopens log files (SIGHUP, logrotate). */
void log_reopen_files(void);
/* Flushes and closes every sink. */
void log_shutdown(void);

#endif
