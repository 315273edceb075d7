/* The torrc lexer: text in tor's configuration syntax to a list of
 * (keyword, value, where) lines. It knows the syntax, not the options:
 *   Keyword value            # comment
 *   Keyword "quoted \"value\"\n"
 *   Keyword a long \
 *     value continued         (comment lines inside a continuation are skipped)
 *   +Keyword value            append to the defaults' lines instead of replacing
 *   /Keyword                  clear the option, defaults included
 *   %include path             a file, or every non-dot file of a directory, sorted
 * Every line remembers the file and line number it came from. */
#ifndef TOR_LIB_CONF_CONFLINE_H
#define TOR_LIB_CONF_CONFLINE_H

#include <stddef.h>

typedef enum {
  CONFLINE_NORMAL = 0,
  CONFLINE_APPEND, /* "+Keyword" */
  CONFLINE_CLEAR,  /* "/Keyword" */
} confline_command_t;

typedef struct config_line_t {
  char *key;                 /* owned; without the +// prefix */
  char *value;               /* owned; "" when absent */
  confline_command_t command;
  char *source;              /* owned; file name or "command line" */
  int lineno;                /* 0 when not from a file */
  struct config_line_t *next;
} config_line_t;

/* Largest file the lexer reads, and deepest %include nesting. */
#define CONFLINE_MAX_FILE_SIZE (16 * 1024 * 1024)
#define CONFLINE_MAX_INCLUDE_DEPTH 31

/* Parses len bytes of text named `source` (used in messages and to resolve
 * relative %include paths from its directory). Appends the lines to *out
 * (which may already hold lines). On error returns -1, leaves *out as it
 * was, and writes "source:line: reason" into err. */
int config_lines_parse(const char *text, size_t len, const char *source,
                       config_line_t **out, char *err, size_t errlen);

/* Reads and parses a file. A missing file returns -2 (err says so) so the
 * caller can decide whether that is fatal. */
int config_lines_parse_file(const char *path, config_line_t **out,
                            char *err, size_t errlen);

/* A new line; copies its arguments. NULL only when out of memory. */
config_line_t *config_line_new(const char *key, const char *value,
                               confline_command_t command,
                               const char *source, int lineno);
void config_lines_free(config_line_t *lines);
/* A copy of the whole list (NULL for NULL, or when out of memory). */
config_line_t *config_lines_dup(const config_line_t *lines);
/* value as a torrc line's value reads back: as it is, or (when it starts
 * with a quote or holds '#', control or non-ASCII bytes) a quoted string
 * with C escapes, as tor's --dump-config writes it. Truncated to fit
 * outlen. */
void config_value_quote(const char *value, char *out, size_t outlen);
/* "file:line" or the source alone, for messages; static buffer. */
const char *config_line_where(const config_line_t *line);

#endif
