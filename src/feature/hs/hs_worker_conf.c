/* Onion service workers' torrc and log lines: see hs_worker_conf.h. */
#include "orconfig.h"
#include "feature/hs/hs_worker_conf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Options a worker never inherits: the parent's own files, listeners and
 * control port. (Onion service lines are dropped by prefix, below.) */
static const char *const parent_only[] = {
  "DataDirectory", "RunAsDaemon", "PidFile", "__OwningControllerProcess", "Log",
  "SocksPort", "ControlPort", "ControlSocket", "CookieAuthentication", "CookieAuthFile",
  "CookieAuthFileGroupReadable", "HashedControlPassword", "ControlPortWriteToFile",
  "ControlPortFileGroupReadable", "ORPort", "DirPort", NULL,
};

/* HiddenServiceDir and the lines that configure a service (tor's group);
 * the two global HiddenService* options are not in it. */
static int
is_service_line(const char *key)
{
  return !strncasecmp(key, "HiddenService", 13) &&
         strcasecmp(key, "HiddenServiceSingleHopMode") &&
         strcasecmp(key, "HiddenServiceNonAnonymousMode");
}

static int
is_parent_only(const char *key)
{
  for (const char *const *k = parent_only; *k; k++)
    if (!strcasecmp(key, *k))
      return 1;
  return is_service_line(key);
}

typedef struct text_t {
  char *buf;
  size_t len, cap;
  int oom;
} text_t;

static void
put(text_t *t, const char *key, const char *value)
{
  char quoted[4200];
  config_value_quote(value, quoted, sizeof(quoted));
  size_t need = strlen(key) + 1 + strlen(quoted) + 2;
  if (t->oom)
    return;
  if (t->len + need > t->cap) {
    size_t cap = (t->cap ? t->cap * 2 : 1024) + need;
    char *b = realloc(t->buf, cap);
    if (!b) {
      t->oom = 1;
      return;
    }
    t->buf = b;
    t->cap = cap;
  }
  t->len += (size_t)snprintf(t->buf + t->len, t->cap - t->len, "%s %s\n", key, quoted);
}

/* "SEV file PATH" -> "SEV file datadir/basename(PATH)"; other Log lines
 * (stdout, stderr, syslog) are the parent's alone. */
static void
put_file_log(text_t *t, const char *value, const char *datadir)
{
  const char *file = strstr(value, " file ");
  if (!file)
    return;
  const char *path = file + 6;
  while (*path == ' ')
    path++;
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  if (!*base)
    return;
  char line[4200];
  snprintf(line, sizeof(line), "%.*s file %s/%s", (int)(file - value), value, datadir, base);
  put(t, "Log", line);
}

char *
hs_worker_torrc(const config_line_t *merged, int service_index, const char *datadir,
                const char *hsdir, long parent_pid)
{
  text_t t = { NULL, 0, 0, 0 };
  char pid[32];
  int found = 0;
  put(&t, "DataDirectory", datadir);
  put(&t, "Log", "notice stdout");
  for (const config_line_t *l = merged; l; l = l->next)
    if (l->command != CONFLINE_CLEAR && !strcasecmp(l->key, "Log"))
      put_file_log(&t, l->value, datadir);
  put(&t, "SocksPort", "0");
  snprintf(pid, sizeof(pid), "%ld", parent_pid);
  put(&t, "__OwningControllerProcess", pid);
  for (const config_line_t *l = merged; l; l = l->next)
    if (l->command != CONFLINE_CLEAR && !is_parent_only(l->key))
      put(&t, l->key, l->value);
  /* The service's block: from its HiddenServiceDir to the next one. */
  int index = -1;
  for (const config_line_t *l = merged; l; l = l->next) {
    if (!is_service_line(l->key) || l->command == CONFLINE_CLEAR)
      continue;
    if (!strcasecmp(l->key, "HiddenServiceDir")) {
      if (++index == service_index) {
        put(&t, "HiddenServiceDir", hsdir);
        put(&t, "HiddenServiceOnionBalanceInstance", "1");
        found = 1;
      }
      continue;
    }
    if (index == service_index && strcasecmp(l->key, "HiddenServiceNumWorkers") &&
        strcasecmp(l->key, "HiddenServiceOnionBalanceInstance"))
      put(&t, l->key, l->value);
  }
  if (t.oom || !found) {
    free(t.buf);
    return NULL;
  }
  return t.buf;
}

/* The number after prefix in s[0..len), or -1. */
static int
number_after(const char *s, size_t len, const char *prefix, uint64_t *out)
{
  size_t plen = strlen(prefix);
  for (size_t i = 0; i + plen <= len; i++) {
    if (memcmp(s + i, prefix, plen))
      continue;
    size_t j = i + plen;
    if (j >= len || s[j] < '0' || s[j] > '9')
      return -1;
    uint64_t v = 0;
    for (; j < len && s[j] >= '0' && s[j] <= '9'; j++) {
      uint64_t d = (uint64_t)(s[j] - '0');
      if (v > (UINT64_MAX - d) / 10)
        return -1;
      v = v * 10 + d;
    }
    *out = v;
    return 0;
  }
  return -1;
}

static int
starts_with(const char *s, size_t len, const char *prefix)
{
  size_t plen = strlen(prefix);
  return len >= plen && !memcmp(s, prefix, plen);
}

void
hs_worker_line_parse(const char *line, size_t len, hs_worker_line_t *out)
{
  memset(out, 0, sizeof(*out));
  while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    len--;
  /* "Mon DD HH:MM:SS.mmm [severity] message" */
  const char *open = memchr(line, '[', len);
  if (!open)
    return;
  size_t rest = len - (size_t)(open - line);
  const char *close = memchr(open, ']', rest);
  if (!close || (size_t)(close - line) + 2 > len || close[1] != ' ')
    return;
  const char *sev = open + 1;
  size_t sevlen = (size_t)(close - sev);
  const char *msg = close + 2;
  size_t mlen = len - (size_t)(msg - line);
  out->message = msg;
  out->message_len = mlen;
  if ((sevlen == 4 && !memcmp(sev, "warn", 4)) || (sevlen == 3 && !memcmp(sev, "err", 3))) {
    out->kind = HS_WORKER_LINE_PROBLEM;
    out->is_err = sevlen == 3;
    return;
  }
  if (!(sevlen == 6 && !memcmp(sev, "notice", 6)))
    return;
  uint64_t a, b, c;
  if (starts_with(msg, mlen, "Bootstrapped ") && number_after(msg, mlen, "Bootstrapped ", &a) == 0
      && a <= 100) {
    out->kind = HS_WORKER_LINE_BOOTSTRAP;
    out->percent = (int)a;
    return;
  }
  if ((starts_with(msg, mlen, "Heartbeat: ") && number_after(msg, mlen, ", with ", &a) == 0) ||
      (starts_with(msg, mlen, "Dumping stats: ") && number_after(msg, mlen, ", ", &a) == 0)) {
    out->kind = HS_WORKER_LINE_CIRCUITS;
    out->circuits = a;
    /* "uptime 0:05 hours, 12 circuits.": the number after the last ", ". */
    if (starts_with(msg, mlen, "Dumping stats: ")) {
      const char *last = NULL;
      for (size_t i = 0; i + 2 <= mlen; i++)
        if (msg[i] == ',' && msg[i + 1] == ' ')
          last = msg + i;
      if (!last || number_after(last, mlen - (size_t)(last - msg), ", ", &a) < 0) {
        out->kind = HS_WORKER_LINE_OTHER;
        return;
      }
      out->circuits = a;
    }
    return;
  }
  if (starts_with(msg, mlen, "Onion service ") &&
      number_after(msg, mlen, ".onion: ", &a) == 0 &&
      number_after(msg, mlen, " stream(s) served, ", &b) == 0 &&
      number_after(msg, mlen, " bytes sent, ", &c) == 0) {
    out->kind = HS_WORKER_LINE_SERVICE;
    out->streams = a;
    out->bytes_sent = b;
    out->bytes_received = c;
  }
}
