/* The torrc lexer: see confline.h. */
#include "orconfig.h"
#include "lib/conf/confline.h"
#include "lib/fs/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct lexer_t {
  const char *p, *end;
  const char *source;
  int lineno;
  int depth;
  char *err;
  size_t errlen;
} lexer_t;

static int parse_text(const char *text, size_t len, const char *source,
                      int depth, config_line_t ***tail, char *err, size_t errlen);
static int parse_file_at_depth(const char *path, int depth,
                               config_line_t ***tail, char *err, size_t errlen);

static int
lex_error(lexer_t *lx, const char *fmt, ...)
{
  va_list ap;
  int n = snprintf(lx->err, lx->errlen, "%s:%d: ", lx->source, lx->lineno);
  if (n < 0 || (size_t)n >= lx->errlen)
    return -1;
  va_start(ap, fmt);
  vsnprintf(lx->err + n, lx->errlen - (size_t)n, fmt, ap);
  va_end(ap);
  return -1;
}

config_line_t *
config_line_new(const char *key, const char *value, confline_command_t command,
                const char *source, int lineno)
{
  config_line_t *line = calloc(1, sizeof(*line));
  if (!line)
    return NULL;
  line->key = strdup(key);
  line->value = strdup(value ? value : "");
  line->source = strdup(source ? source : "");
  line->command = command;
  line->lineno = lineno;
  if (!line->key || !line->value || !line->source) {
    config_lines_free(line);
    return NULL;
  }
  return line;
}

config_line_t *
config_lines_dup(const config_line_t *lines)
{
  config_line_t *head = NULL, **tail = &head;
  for (const config_line_t *l = lines; l; l = l->next) {
    config_line_t *copy = config_line_new(l->key, l->value, l->command, l->source,
                                          l->lineno);
    if (!copy) {
      config_lines_free(head);
      return NULL;
    }
    *tail = copy;
    tail = &copy->next;
  }
  return head;
}

void
config_lines_free(config_line_t *lines)
{
  while (lines) {
    config_line_t *next = lines->next;
    free(lines->key);
    free(lines->value);
    free(lines->source);
    free(lines);
    lines = next;
  }
}

const char *
config_line_where(const config_line_t *line)
{
  static char buf[1100];
  if (line->lineno > 0)
    snprintf(buf, sizeof(buf), "%s:%d", line->source, line->lineno);
  else
    snprintf(buf, sizeof(buf), "%s", line->source);
  return buf;
}

/* A growable string for values. */
typedef struct strbuf_t {
  char *s;
  size_t len, cap;
} strbuf_t;

static int
sb_put(strbuf_t *sb, char c)
{
  if (sb->len + 1 >= sb->cap) {
    size_t cap = sb->cap ? sb->cap * 2 : 64;
    char *s = realloc(sb->s, cap);
    if (!s)
      return -1;
    sb->s = s;
    sb->cap = cap;
  }
  sb->s[sb->len++] = c;
  sb->s[sb->len] = '\0';
  return 0;
}

static int
is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

static int
hex_digit(char c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Reads a quoted value starting at the opening quote, C escapes allowed. */
static int
lex_quoted(lexer_t *lx, strbuf_t *val)
{
  lx->p++; /* opening quote */
  while (lx->p < lx->end && *lx->p != '"') {
    char c = *lx->p;
    if (c == '\n')
      return lex_error(lx, "unterminated quoted value");
    if (c != '\\') {
      if (sb_put(val, c) < 0)
        return lex_error(lx, "out of memory");
      lx->p++;
      continue;
    }
    if (lx->p + 1 >= lx->end)
      return lex_error(lx, "unterminated quoted value");
    char e = lx->p[1];
    int out;
    lx->p += 2;
    switch (e) {
      case 'n': out = '\n'; break;
      case 't': out = '\t'; break;
      case 'r': out = '\r'; break;
      case '"': case '\'': case '\\': out = e; break;
      case 'x':
        if (lx->end - lx->p < 2 || hex_digit(lx->p[0]) < 0 || hex_digit(lx->p[1]) < 0)
          return lex_error(lx, "bad \\x escape in quoted value");
        out = hex_digit(lx->p[0]) * 16 + hex_digit(lx->p[1]);
        lx->p += 2;
        break;
      case '0': case '1': case '2': case '3':
      case '4': case '5': case '6': case '7':
        if (lx->end - lx->p < 2 || lx->p[0] < '0' || lx->p[0] > '7' ||
            lx->p[1] < '0' || lx->p[1] > '7')
          return lex_error(lx, "bad octal escape in quoted value");
        out = (e - '0') * 64 + (lx->p[0] - '0') * 8 + (lx->p[1] - '0');
        lx->p += 2;
        break;
      default:
        return lex_error(lx, "unknown escape \\%c in quoted value", e);
    }
    if (out == 0)
      return lex_error(lx, "NUL escape in quoted value");
    if (sb_put(val, (char)out) < 0)
      return lex_error(lx, "out of memory");
  }
  if (lx->p >= lx->end)
    return lex_error(lx, "unterminated quoted value");
  lx->p++; /* closing quote */
  while (lx->p < lx->end && is_space(*lx->p))
    lx->p++;
  if (lx->p < lx->end && *lx->p == '#')
    while (lx->p < lx->end && *lx->p != '\n')
      lx->p++;
  if (lx->p < lx->end && *lx->p != '\n')
    return lex_error(lx, "excess data after quoted value");
  return 0;
}

/* Reads an unquoted value to the end of its (possibly continued) line. A '#'
 * always starts a comment (real tor keeps a backslash before it literally); a '\' before the newline continues the value, skipping
 * comment-only lines that follow it. Trailing white space is trimmed only at
 * the very end of the value. */
static int
lex_unquoted(lexer_t *lx, strbuf_t *val)
{
  for (;;) {
    while (lx->p < lx->end && *lx->p != '\n' && *lx->p != '#') {
      if (sb_put(val, *lx->p) < 0)
        return lex_error(lx, "out of memory");
      lx->p++;
    }
    int had_comment = lx->p < lx->end && *lx->p == '#';
    while (lx->p < lx->end && *lx->p != '\n')
      lx->p++;
    if (had_comment || val->len == 0 || val->s[val->len - 1] != '\\') {
      while (val->len > 0 && is_space(val->s[val->len - 1]))
        val->s[--val->len] = '\0';
      return 0;
    }
    /* Continuation: drop the backslash and go on with the next line, whose
     * leading white space is kept (as tor does). */
    val->s[--val->len] = '\0';
    if (lx->p >= lx->end)
      return 0;
    lx->p++;
    lx->lineno++;
    for (;;) {
      const char *q = lx->p;
      while (q < lx->end && is_space(*q))
        q++;
      if (q < lx->end && *q == '#') {
        while (q < lx->end && *q != '\n')
          q++;
        if (q < lx->end) {
          lx->p = q + 1;
          lx->lineno++;
          continue;
        }
        lx->p = q;
      }
      break;
    }
  }
}

static int
compare_names(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* %include of a directory: its regular files, sorted, dotfiles skipped. */
static int
include_directory(lexer_t *lx, const char *dir, config_line_t ***tail)
{
  DIR *d = opendir(dir);
  if (!d)
    return lex_error(lx, "cannot open %%include directory \"%s\": %s", dir, strerror(errno));
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rv = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.')
      continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 16;
      char **nn = realloc(names, cap * sizeof(*names));
      if (!nn) { rv = lex_error(lx, "out of memory"); break; }
      names = nn;
    }
    if (!(names[n] = strdup(de->d_name))) { rv = lex_error(lx, "out of memory"); break; }
    n++;
  }
  closedir(d);
  if (rv == 0)
    qsort(names, n, sizeof(*names), compare_names);
  for (size_t i = 0; i < n; i++) {
    char path[4096];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
    if (rv == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
      int r = parse_file_at_depth(path, lx->depth + 1, tail, lx->err, lx->errlen);
      if (r < 0)
        rv = -1;
    }
    free(names[i]);
  }
  free(names);
  return rv;
}

static int
include_path(lexer_t *lx, const char *value, config_line_t ***tail)
{
  char path[4096];
  if (lx->depth >= CONFLINE_MAX_INCLUDE_DEPTH)
    return lex_error(lx, "%%include nested more than %d deep", CONFLINE_MAX_INCLUDE_DEPTH);
  if (value[0] == '\0')
    return lex_error(lx, "%%include needs a path");
  if (value[0] == '/') {
    snprintf(path, sizeof(path), "%s", value);
  } else {
    /* Relative paths are relative to the including file's directory. */
    const char *slash = strrchr(lx->source, '/');
    if (slash)
      snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - lx->source), lx->source, value);
    else
      snprintf(path, sizeof(path), "%s", value);
  }
  if (strpbrk(path, "*?[")) {
    glob_t g;
    int r = glob(path, 0, NULL, &g);
    if (r == GLOB_NOMATCH)
      return 0;
    if (r != 0)
      return lex_error(lx, "cannot expand %%include pattern \"%s\"", path);
    int rv = 0;
    for (size_t i = 0; i < g.gl_pathc && rv == 0; i++) {
      const char *base = strrchr(g.gl_pathv[i], '/');
      base = base ? base + 1 : g.gl_pathv[i];
      if (base[0] == '.')
        continue;
      rv = parse_file_at_depth(g.gl_pathv[i], lx->depth + 1, tail, lx->err, lx->errlen) < 0 ? -1 : 0;
    }
    globfree(&g);
    return rv;
  }
  struct stat st;
  if (stat(path, &st) < 0)
    return lex_error(lx, "cannot %%include \"%s\": %s", path, strerror(errno));
  if (S_ISDIR(st.st_mode))
    return include_directory(lx, path, tail);
  if (parse_file_at_depth(path, lx->depth + 1, tail, lx->err, lx->errlen) < 0)
    return -1;
  return 0;
}

static int
parse_text(const char *text, size_t len, const char *source, int depth,
           config_line_t ***tail, char *err, size_t errlen)
{
  lexer_t lx = { text, text + len, source, 0, depth, err, errlen };
  strbuf_t key = { 0 }, val = { 0 };
  int rv = 0;

  while (lx.p < lx.end && rv == 0) {
    lx.lineno++;
    key.len = val.len = 0;
    if (key.s) key.s[0] = '\0';
    if (val.s) val.s[0] = '\0';
    while (lx.p < lx.end && is_space(*lx.p))
      lx.p++;
    if (lx.p < lx.end && memchr(lx.p, '\0', 1)) {
      rv = lex_error(&lx, "NUL byte in configuration");
      break;
    }
    if (lx.p >= lx.end)
      break;
    if (*lx.p == '\n') { lx.p++; continue; }
    if (*lx.p == '#') {
      while (lx.p < lx.end && *lx.p != '\n')
        lx.p++;
      if (lx.p < lx.end) lx.p++;
      continue;
    }
    int first_line = lx.lineno;
    while (lx.p < lx.end && !is_space(*lx.p) && *lx.p != '\n' && *lx.p != '#') {
      if (*lx.p == '\0') { rv = lex_error(&lx, "NUL byte in configuration"); break; }
      if (sb_put(&key, *lx.p++) < 0) { rv = lex_error(&lx, "out of memory"); break; }
    }
    if (rv) break;
    while (lx.p < lx.end && is_space(*lx.p))
      lx.p++;
    if (lx.p < lx.end && *lx.p == '"')
      rv = lex_quoted(&lx, &val);
    else
      rv = lex_unquoted(&lx, &val);
    if (rv) break;
    if (val.s && memchr(val.s, '\0', val.len)) {
      rv = lex_error(&lx, "NUL byte in configuration");
      break;
    }
    if (lx.p < lx.end && *lx.p == '\n')
      lx.p++;

    if (!strcmp(key.s, "%include")) {
      int saved = lx.lineno;
      lx.lineno = first_line;
      rv = include_path(&lx, val.s ? val.s : "", tail);
      lx.lineno = saved;
      continue;
    }
    confline_command_t cmd = CONFLINE_NORMAL;
    const char *k = key.s;
    if (k[0] == '+') { cmd = CONFLINE_APPEND; k++; }
    else if (k[0] == '/') { cmd = CONFLINE_CLEAR; k++; }
    if (k[0] == '\0') {
      lx.lineno = first_line;
      rv = lex_error(&lx, "missing keyword");
      break;
    }
    config_line_t *line = config_line_new(k, val.s ? val.s : "", cmd, source, first_line);
    if (!line) { rv = lex_error(&lx, "out of memory"); break; }
    **tail = line;
    *tail = &line->next;
  }
  free(key.s);
  free(val.s);
  return rv;
}

int
config_lines_parse(const char *text, size_t len, const char *source,
                   config_line_t **out, char *err, size_t errlen)
{
  config_line_t *fresh = NULL, **tail = &fresh;
  if (parse_text(text, len, source, 0, &tail, err, errlen) < 0) {
    config_lines_free(fresh);
    return -1;
  }
  config_line_t **end = out;
  while (*end)
    end = &(*end)->next;
  *end = fresh;
  return 0;
}

static int
parse_file_at_depth(const char *path, int depth, config_line_t ***tail, char *err, size_t errlen)
{
  size_t len;
  int missing;
  char why[512];
  char *text = fs_read_file(path, CONFLINE_MAX_FILE_SIZE, &len, &missing, why, sizeof(why));
  if (!text) {
    snprintf(err, errlen, missing ? "Unable to open configuration file \"%s\"." : "%s",
             missing ? path : why);
    return missing ? -2 : -1;
  }
  int rv = parse_text(text, len, path, depth, tail, err, errlen);
  free(text);
  return rv;
}

int
config_lines_parse_file(const char *path, config_line_t **out, char *err, size_t errlen)
{
  config_line_t *fresh = NULL, **tail = &fresh;
  int rv = parse_file_at_depth(path, 0, &tail, err, errlen);
  if (rv < 0) {
    config_lines_free(fresh);
    return rv;
  }
  config_line_t **end = out;
  while (*end)
    end = &(*end)->next;
  *end = fresh;
  return 0;
}

/* A value that would not read back the same unquoted (it starts with a
 * quote, or holds '#', a line break or an unprintable byte) is written as a
 * quoted string with C escapes, as tor's --dump-config does. */
void
config_value_quote(const char *value, char *out, size_t outlen)
{
  int needs = value[0] == '"';
  for (const char *p = value; *p && !needs; p++)
    needs = *p == '#' || *p == '\r' || *p == '\n' || (unsigned char)*p < 0x20 ||
            (unsigned char)*p >= 0x7f;
  if (!needs) {
    snprintf(out, outlen, "%s", value);
    return;
  }
  size_t n = 0;
  if (outlen < 8) {
    out[0] = '\0';
    return;
  }
  out[n++] = '"';
  for (const unsigned char *p = (const unsigned char *)value; *p && n + 6 < outlen; p++) {
    switch (*p) {
      case '"': out[n++] = '\\'; out[n++] = '"'; break;
      case '\\': out[n++] = '\\'; out[n++] = '\\'; break;
      case '\n': out[n++] = '\\'; out[n++] = 'n'; break;
      case '\r': out[n++] = '\\'; out[n++] = 'r'; break;
      case '\t': out[n++] = '\\'; out[n++] = 't'; break;
      default:
        if (*p < 0x20 || *p >= 0x7f)
          n += (size_t)snprintf(out + n, outlen - n, "\\x%02x", *p);
        else
          out[n++] = (char)*p;
    }
  }
  out[n++] = '"';
  out[n] = '\0';
}
