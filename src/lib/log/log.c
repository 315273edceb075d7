/* Tor-style logging: see log.h. */
#include "orconfig.h"
#include "lib/log/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <syslog.h>
#include <unistd.h>

#define MAX_SINKS 32
#define MAX_LINE 10240

typedef struct log_sink_t {
  log_domain_mask_t domains[LOG_DEBUG + 1];
  log_sink_kind_t kind;
  int fd;          /* -1 for syslog */
  char *path;      /* files only; owned */
} log_sink_t;

log_domain_mask_t log_enabled_domains_[LOG_DEBUG + 1];
int log_protocol_warn_severity_ = LOG_INFO;

static log_sink_t sinks[MAX_SINKS];
static int n_sinks;
static int configured;
static int time_granularity_msec = 1;
static int safe_logging_mode = 1;
static int syslog_open;

static const char *const severity_names[] = {
  [LOG_ERR] = "err", [LOG_WARN] = "warn", [LOG_NOTICE] = "notice",
  [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

static const char *const domain_names[] = {
  "general", "crypto", "net", "config", "fs", "protocol", "mm", "http",
  "app", "control", "circ", "rend", "bug", "dir", "dirserv", "or", "edge",
  "acct", "hist", "handshake", "heartbeat", "channel", "sched", "guard",
  "consdiff", "dos", "process", "pt", "btrack", "mesg", "bulk",
};

int
log_severity_from_name(const char *name)
{
  for (int s = LOG_ERR; s <= LOG_DEBUG; s++)
    if (!strcasecmp(name, severity_names[s]))
      return s;
  return -1;
}

const char *
log_severity_name(int severity)
{
  if (severity < LOG_ERR || severity > LOG_DEBUG)
    return "?";
  return severity_names[severity];
}

log_domain_mask_t
log_domain_from_name(const char *name)
{
  if (!strcmp(name, "*"))
    return LD_ALL_DOMAINS;
  for (size_t i = 0; i < sizeof(domain_names) / sizeof(domain_names[0]); i++)
    if (!strcasecmp(name, domain_names[i]))
      return UINT64_C(1) << i;
  return 0;
}

static log_hook_fn hook_fn;
static log_domain_mask_t hook_domains[LOG_DEBUG + 1];
static int in_hook;

/* Recomputes the summary masks that the log macros test. */
static void
recompute_enabled(void)
{
  memset(log_enabled_domains_, 0, sizeof(log_enabled_domains_));
  for (int i = 0; i < n_sinks; i++)
    for (int s = LOG_ERR; s <= LOG_DEBUG; s++)
      log_enabled_domains_[s] |= sinks[i].domains[s];
  if (hook_fn)
    for (int s = LOG_ERR; s <= LOG_DEBUG; s++)
      log_enabled_domains_[s] |= hook_domains[s];
}

void
log_set_hook(log_hook_fn fn, const log_domain_mask_t domains[LOG_DEBUG + 1])
{
  hook_fn = fn;
  memset(hook_domains, 0, sizeof(hook_domains));
  if (fn && domains)
    memcpy(hook_domains, domains, sizeof(hook_domains));
  recompute_enabled();
}

static void
set_startup_sink(int min_severity)
{
  n_sinks = 0;
  if (min_severity >= LOG_ERR) {
    log_sink_t *s = &sinks[n_sinks++];
    memset(s, 0, sizeof(*s));
    s->kind = LOG_SINK_STDOUT;
    s->fd = STDOUT_FILENO;
    for (int sev = LOG_ERR; sev <= min_severity && sev <= LOG_DEBUG; sev++)
      s->domains[sev] = LD_ALL_DOMAINS;
  }
  recompute_enabled();
}

/* Until something configures logging, behave as tor does at startup. */
__attribute__((constructor)) static void
log_init_defaults(void)
{
  if (!configured && n_sinks == 0)
    set_startup_sink(LOG_NOTICE);
}

void
log_set_startup_severity(int min_severity)
{
  if (!configured)
    set_startup_sink(min_severity);
}

void
log_set_protocol_warnings(int on)
{
  log_protocol_warn_severity_ = on ? LOG_WARN : LOG_INFO;
}

void
log_set_time_granularity(int msec)
{
  time_granularity_msec = msec > 0 ? msec : 1;
}

void
log_set_safe_logging(int mode)
{
  safe_logging_mode = mode;
}

const char *
safe_str(const char *address)
{
  return safe_logging_mode == 1 ? "[scrubbed]" : address;
}

const char *
safe_str_client(const char *address)
{
  return safe_logging_mode != 0 ? "[scrubbed]" : address;
}

/* Writes the "Mon DD HH:MM:SS.mmm " prefix; returns its length. */
static size_t
format_timestamp(char *buf, size_t buflen)
{
  struct timeval tv;
  struct tm tm;
  gettimeofday(&tv, NULL);
  long long ms = (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
  ms -= ms % time_granularity_msec;
  time_t t = (time_t)(ms / 1000);
  localtime_r(&t, &tm);
  size_t n = strftime(buf, buflen, "%b %d %H:%M:%S", &tm);
  int m = snprintf(buf + n, buflen - n, ".%03d ", (int)(ms % 1000));
  return n + (m > 0 ? (size_t)m : 0);
}

static int
wants_function_name(int severity, log_domain_mask_t domain)
{
  if (domain & LD_NOFUNCNAME)
    return 0;
  /* Debug and info messages come from interesting places; for notices and
   * warnings only bugs say where they happened. */
  if (severity >= LOG_INFO)
    return 1;
  return (domain & LD_BUG) != 0;
}

static void
write_all(int fd, const char *p, size_t n)
{
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      return;
    }
    p += w;
    n -= (size_t)w;
  }
}

void
log_fn_v_(int severity, log_domain_mask_t domain, const char *funcname,
          const char *format, va_list ap)
{
  char line[MAX_LINE];
  size_t prefix_len, body_start, len;
  static const char truncated[] = "[...truncated]";

  if (severity < LOG_ERR || severity > LOG_DEBUG || !log_is_enabled(severity, domain))
    return;
  prefix_len = format_timestamp(line, sizeof(line));
  int n = snprintf(line + prefix_len, sizeof(line) - prefix_len, "[%s] ",
                   severity_names[severity]);
  body_start = prefix_len + (size_t)n;
  len = body_start;
  if (funcname && wants_function_name(severity, domain)) {
    n = snprintf(line + len, sizeof(line) - len, "%s(): ", funcname);
    len += (size_t)n;
  }
  n = vsnprintf(line + len, sizeof(line) - len - 1, format, ap);
  if (n < 0)
    n = 0;
  if ((size_t)n >= sizeof(line) - len - 1) {
    len = sizeof(line) - 2 - (sizeof(truncated) - 1);
    memcpy(line + len, truncated, sizeof(truncated) - 1);
    len += sizeof(truncated) - 1;
  } else {
    len += (size_t)n;
  }
  line[len++] = '\n';

  for (int i = 0; i < n_sinks; i++) {
    log_sink_t *s = &sinks[i];
    if (!(s->domains[severity] & domain & LD_ALL_DOMAINS))
      continue;
    if (s->kind == LOG_SINK_SYSLOG) {
      static const int prio[] = { [LOG_ERR] = 3, [LOG_WARN] = 4,
        [LOG_NOTICE] = 5, [LOG_INFO] = 6, [LOG_DEBUG] = 7 };
      syslog(prio[severity], "%.*s", (int)(len - 1 - prefix_len), line + prefix_len);
    } else {
      write_all(s->fd, line, len);
    }
  }
  if (hook_fn && !in_hook && (hook_domains[severity] & domain & LD_ALL_DOMAINS)) {
    in_hook = 1;
    hook_fn(severity, domain, line + body_start, len - 1 - body_start);
    in_hook = 0;
  }
}

void
log_fn_(int severity, log_domain_mask_t domain, const char *funcname,
        const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  log_fn_v_(severity, domain, funcname, format, ap);
  va_end(ap);
}

void
log_fn_ratelim_(log_ratelim_t *rl, int severity, log_domain_mask_t domain,
                const char *funcname, const char *format, ...)
{
  time_t now = time(NULL);
  if (rl->last_allowed && now < rl->last_allowed + rl->interval) {
    rl->suppressed++;
    return;
  }
  char msg[MAX_LINE];
  va_list ap;
  va_start(ap, format);
  vsnprintf(msg, sizeof(msg), format, ap);
  va_end(ap);
  if (rl->suppressed)
    log_fn_(severity, domain, funcname,
            "%s [%u similar message(s) suppressed in last %d seconds]",
            msg, rl->suppressed, (int)(now - rl->last_allowed));
  else
    log_fn_(severity, domain, funcname, "%s", msg);
  rl->last_allowed = now;
  rl->suppressed = 0;
}

/* Parses "[dom,~dom]" (optional) and "sev[-sev]" from one word into masks. */
static int
parse_severity_word(const char *word, log_domain_mask_t *domains,
                    char *err, size_t errlen)
{
  log_domain_mask_t mask = LD_ALL_DOMAINS;
  const char *sev = word;
  if (word[0] == '[') {
    const char *close = strchr(word, ']');
    if (!close) {
      snprintf(err, errlen, "missing ']' in \"%s\"", word);
      return -1;
    }
    log_domain_mask_t on = 0, off = 0;
    char list[256];
    size_t n = (size_t)(close - word - 1);
    if (n >= sizeof(list)) {
      snprintf(err, errlen, "domain list too long in \"%s\"", word);
      return -1;
    }
    memcpy(list, word + 1, n);
    list[n] = '\0';
    char *save = NULL;
    for (char *d = strtok_r(list, ",", &save); d; d = strtok_r(NULL, ",", &save)) {
      int negate = d[0] == '~';
      log_domain_mask_t m = log_domain_from_name(d + negate);
      if (!m) {
        snprintf(err, errlen, "unknown logging domain \"%s\"", d + negate);
        return -1;
      }
      if (negate)
        off |= m;
      else
        on |= m;
    }
    mask = (on ? on : LD_ALL_DOMAINS) & ~off;
    sev = close + 1;
  }
  char lo[32], hi[32];
  const char *dash = strchr(sev, '-');
  if (dash) {
    snprintf(lo, sizeof(lo), "%.*s", (int)(dash - sev), sev);
    snprintf(hi, sizeof(hi), "%s", dash + 1);
  } else {
    snprintf(lo, sizeof(lo), "%s", sev);
    snprintf(hi, sizeof(hi), "err");
  }
  int least = log_severity_from_name(lo), most = log_severity_from_name(hi);
  if (least < 0 || most < 0) {
    snprintf(err, errlen, "unrecognized log severity \"%s\" (expected one of "
             "debug, info, notice, warn, err)", least < 0 ? lo : hi);
    return -1;
  }
  /* "info-err" covers info, notice, warn and err: numbers most..least. */
  for (int s = most; s <= least; s++)
    domains[s] |= mask;
  return 0;
}

int
log_sink_spec_parse(const char *value, log_sink_spec_t *out, char *err, size_t errlen)
{
  char buf[1024];
  char *words[64];
  size_t word_at[64];  /* offset of each word in value */
  int n = 0;
  memset(out, 0, sizeof(*out));
  size_t vlen = strlen(value);
  if (vlen >= sizeof(buf)) {
    snprintf(err, errlen, "value too long");
    return -1;
  }
  memcpy(buf, value, vlen + 1);
  for (size_t p = 0; p < vlen && n < 64;) {
    while (p < vlen && (buf[p] == ' ' || buf[p] == '\t'))
      p++;
    if (p == vlen)
      break;
    word_at[n] = p;
    words[n++] = buf + p;
    while (p < vlen && buf[p] != ' ' && buf[p] != '\t')
      p++;
    buf[p++] = '\0';
  }
  if (n == 0) {
    snprintf(err, errlen, "empty Log line");
    return -1;
  }
  int i = 0;
  for (; i < n; i++) {
    const char *w = words[i];
    if (!strcasecmp(w, "stdout") || !strcasecmp(w, "stderr") ||
        !strcasecmp(w, "file") || !strcasecmp(w, "syslog"))
      break;
    if (parse_severity_word(w, out->domains, err, errlen) < 0)
      return -1;
  }
  if (i == 0) {
    snprintf(err, errlen, "no severity before \"%s\"", words[0]);
    return -1;
  }
  if (i == n) {
    /* tor: a bare severity means stdout. */
    out->kind = LOG_SINK_STDOUT;
    return 0;
  }
  const char *kind = words[i];
  if (!strcasecmp(kind, "file")) {
    if (i + 1 >= n) {
      snprintf(err, errlen, "\"file\" needs a file name");
      return -1;
    }
    /* The file name is the rest of the line, spaces included. */
    const char *p = value + word_at[i + 1];
    out->kind = LOG_SINK_FILE;
    out->path = strdup(p);
    if (!out->path) {
      snprintf(err, errlen, "out of memory");
      return -1;
    }
    size_t pl = strlen(out->path);
    while (pl > 0 && (out->path[pl - 1] == ' ' || out->path[pl - 1] == '\t'))
      out->path[--pl] = '\0';
    return 0;
  }
  if (i + 1 != n) {
    snprintf(err, errlen, "unexpected \"%s\" after \"%s\"", words[i + 1], kind);
    return -1;
  }
  if (!strcasecmp(kind, "stdout"))
    out->kind = LOG_SINK_STDOUT;
  else if (!strcasecmp(kind, "stderr"))
    out->kind = LOG_SINK_STDERR;
  else
    out->kind = LOG_SINK_SYSLOG;
  return 0;
}

static void
close_sink(log_sink_t *s)
{
  if (s->kind == LOG_SINK_FILE && s->fd >= 0)
    close(s->fd);
  free(s->path);
  s->path = NULL;
  s->fd = -1;
}

int
log_configure_sinks(const log_sink_spec_t *specs, int n_specs, char *err, size_t errlen)
{
  log_sink_t fresh[MAX_SINKS];
  if (n_specs > MAX_SINKS) {
    snprintf(err, errlen, "too many Log lines (at most %d)", MAX_SINKS);
    return -1;
  }
  for (int i = 0; i < n_specs; i++) {
    log_sink_t *s = &fresh[i];
    memcpy(s->domains, specs[i].domains, sizeof(s->domains));
    s->kind = specs[i].kind;
    s->path = NULL;
    s->fd = -1;
    if (s->kind == LOG_SINK_STDOUT)
      s->fd = STDOUT_FILENO;
    else if (s->kind == LOG_SINK_STDERR)
      s->fd = STDERR_FILENO;
    else if (s->kind == LOG_SINK_FILE) {
      s->fd = open(specs[i].path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      s->path = strdup(specs[i].path);
      if (s->fd < 0 || !s->path) {
        snprintf(err, errlen, "Couldn't open file for 'Log %s file %s': %s",
                 "...", specs[i].path, strerror(errno));
        if (s->fd >= 0)
          close(s->fd);
        free(s->path);
        for (int k = 0; k < i; k++)
          close_sink(&fresh[k]);
        return -1;
      }
    } else if (!syslog_open) {
      openlog("Tor", LOG_PID | LOG_NDELAY, LOG_DAEMON);
      syslog_open = 1;
    }
  }
  for (int i = 0; i < n_sinks; i++)
    close_sink(&sinks[i]);
  memcpy(sinks, fresh, sizeof(log_sink_t) * (size_t)n_specs);
  n_sinks = n_specs;
  configured = 1;
  recompute_enabled();
  return 0;
}

void
log_reopen_files(void)
{
  for (int i = 0; i < n_sinks; i++) {
    log_sink_t *s = &sinks[i];
    if (s->kind != LOG_SINK_FILE)
      continue;
    int fd = open(s->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
      continue; /* keep writing to the old file rather than losing lines */
    close(s->fd);
    s->fd = fd;
  }
}

void
log_shutdown(void)
{
  for (int i = 0; i < n_sinks; i++)
    close_sink(&sinks[i]);
  n_sinks = 0;
  recompute_enabled();
  if (syslog_open)
    closelog();
  syslog_open = 0;
}
