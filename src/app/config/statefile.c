/* The state file: see statefile.h. */
#include "orconfig.h"
#include "app/config/statefile.h"
#include "lib/conf/confline.h"
#include "lib/fs/fsutil.h"
#include "lib/log/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Lines we read but don't interpret, in order. */
static config_line_t *kept_lines;

/* Keys we write ourselves, so we don't keep old copies of them. */
static int
is_ours(const char *key)
{
  return !strcasecmp(key, "Guard") || !strcasecmp(key, "LastWritten") ||
         !strcasecmp(key, "TorVersion");
}

static void
state_path(const char *datadir, const char *name, char *buf, size_t len)
{
  snprintf(buf, len, "%s/%s", datadir, name);
}

static void
move_aside(const char *datadir, const char *why)
{
  char from[4200], to[4200];
  state_path(datadir, "state", from, sizeof(from));
  state_path(datadir, "state.0", to, sizeof(to));
  log_warn(LD_GENERAL, "Unable to parse state in \"%s\" (%s). Moving it aside to \"%s\".",
           from, why, to);
  if (rename(from, to) < 0)
    log_warn(LD_FS, "Couldn't move \"%s\" aside.", from);
}

int
statefile_load(const char *datadir, guard_set_t *guards)
{
  char path[4200], err[1024];
  config_line_t *lines = NULL;
  guards_init(guards);
  statefile_free_all();
  state_path(datadir, "state", path, sizeof(path));
  int r = config_lines_parse_file(path, &lines, err, sizeof(err));
  if (r == -2)
    return 0;
  if (r < 0) {
    move_aside(datadir, err);
    return 0;
  }
  config_line_t **tail = &kept_lines;
  for (config_line_t *l = lines; l; l = l->next) {
    if (!strcasecmp(l->key, "Guard")) {
      if (guards_parse_state_line(guards, l->value, err, sizeof(err)) < 0) {
        char why[1200];
        snprintf(why, sizeof(why), "line %d: %s", l->lineno, err);
        config_lines_free(lines);
        statefile_free_all();
        guards_init(guards);
        move_aside(datadir, why);
        return 0;
      }
    } else if (!is_ours(l->key)) {
      *tail = config_line_new(l->key, l->value, CONFLINE_NORMAL, l->source, l->lineno);
      if (*tail)
        tail = &(*tail)->next;
    }
  }
  config_lines_free(lines);
  log_info(LD_GENERAL, "Loaded %d guard(s) from \"%s\".", guards->n, path);
  return 0;
}

/* A growable text buffer for the file. */
typedef struct text_t {
  char *s;
  size_t len, cap;
  int oom;
} text_t;

static void
text_add(text_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
text_add(text_t *t, const char *fmt, ...)
{
  va_list ap;
  char line[2048];
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  if (n < 0 || t->oom)
    return;
  size_t need = t->len + (size_t)n + 1;
  if (need > t->cap) {
    size_t cap = need * 2;
    char *s = realloc(t->s, cap);
    if (!s) {
      t->oom = 1;
      return;
    }
    t->s = s;
    t->cap = cap;
  }
  memcpy(t->s + t->len, line, (size_t)n + 1);
  t->len += (size_t)n;
}

int
statefile_save(const char *datadir, const guard_set_t *guards, time_t now)
{
  char path[4200], err[1024], when[64], line[1024];
  struct tm tm;
  text_t t = { NULL, 0, 0, 0 };
  gmtime_r(&now, &tm);
  strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
  text_add(&t, "# Tor state file last generated on %s UTC\n", when);
  text_add(&t, "# Other times below are in UTC\n# You *do not* need to edit this file.\n\n");
  for (const config_line_t *l = kept_lines; l; l = l->next)
    text_add(&t, "%s %s\n", l->key, l->value);
  for (int i = 0; i < guards->n; i++) {
    guards_format_state_line(guards, i, line, sizeof(line));
    text_add(&t, "Guard %s\n", line);
  }
  text_add(&t, "LastWritten %s\nTorVersion Tor %s\n", when, TOR_VERSION);
  if (t.oom) {
    free(t.s);
    log_warn(LD_FS, "Out of memory writing the state file.");
    return -1;
  }
  state_path(datadir, "state", path, sizeof(path));
  int rv = fs_write_file_atomic(path, t.s, t.len, 0600, err, sizeof(err));
  free(t.s);
  if (rv < 0)
    log_warn(LD_FS, "Unable to write state to file \"%s\": %s", path, err);
  return rv;
}

void
statefile_free_all(void)
{
  config_lines_free(kept_lines);
  kept_lines = NULL;
}
