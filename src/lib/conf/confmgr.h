/* Table-driven options: a table of config_var_t (name, type, where in the
 * options struct, default, description) turns configuration lines from
 * several sources (defaults torrc, torrc, command line) into a filled
 * struct, with tor's merge rules:
 *   - a later source's lines for an option replace the earlier sources'
 *     lines, unless written "+Option" (append);
 *   - "/Option" clears the option, defaults included;
 *   - within one source, repeated lines of a list option accumulate, and for
 *     a single-valued option the last one wins (every one is still checked).
 * Option names are case-insensitive. Vars that share a group (the
 * HiddenService* options) are kept as one ordered line list. */
#ifndef TOR_LIB_CONF_CONFMGR_H
#define TOR_LIB_CONF_CONFMGR_H

#include <stddef.h>
#include <stdint.h>

#include "lib/conf/confline.h"

typedef enum {
  CONFIG_TYPE_STRING,        /* char * */
  CONFIG_TYPE_FILENAME,      /* char *, "~/" expanded */
  CONFIG_TYPE_INT,           /* int in [min, max] */
  CONFIG_TYPE_BOOL,          /* int 0/1 */
  CONFIG_TYPE_AUTOBOOL,      /* int -1 (auto)/0/1 */
  CONFIG_TYPE_INTERVAL,      /* int seconds */
  CONFIG_TYPE_MSEC_INTERVAL, /* int milliseconds */
  CONFIG_TYPE_MEMUNIT,       /* uint64_t bytes */
  CONFIG_TYPE_DOUBLE,        /* double in [min, max] */
  CONFIG_TYPE_CSV,           /* char *, comma separated, kept as written */
  CONFIG_TYPE_LINELIST,      /* config_line_t * */
  CONFIG_TYPE_PORT,          /* config_line_t *, each value a port spec */
  CONFIG_TYPE_LINELIST_GROUP,/* config_line_t * at the group's offset */
} config_type_t;

/* Accepted but without effect yet in this daemon: a notice says so. */
#define CVFLAG_INERT      (1u << 0)
/* Cannot change while running (SIGHUP keeps the old value and says so). */
#define CVFLAG_NO_RELOAD  (1u << 1)
/* Not listed by --help, --list-torrc-options or the man page. */
#define CVFLAG_HIDDEN     (1u << 2)

typedef struct config_var_t {
  const char *name;
  config_type_t type;
  size_t offset;            /* in the options struct */
  const char *default_value;/* NULL: no default (empty / 0) */
  const char *description;
  unsigned flags;
  double min, max;          /* INT, DOUBLE */
  /* PORT only */
  const char *port_default_address;
  uint32_t port_allowed_flags, port_default_flags;
} config_var_t;

typedef struct config_format_t {
  const config_var_t *vars;
  size_t n_vars;
  size_t struct_size;
} config_format_t;

/* A new options struct with every var at its default. NULL on OOM or if a
 * table default is malformed (a programming error, reported in err). */
void *config_new(const config_format_t *fmt, char *err, size_t errlen);
void config_free(const config_format_t *fmt, void *options);

/* The var called `name` (case-insensitive), or NULL. */
const config_var_t *config_find_var(const config_format_t *fmt, const char *name);

/* Merges the sources (in order: lowest priority first) into one list of
 * effective lines by the rules above. Unknown options fail with tor's
 * "Unknown option 'X'.  Failing." and the file and line. The result is a
 * new list the caller frees with config_lines_free(). */
int config_merge_sources(const config_format_t *fmt,
                         const config_line_t *const *sources, int n_sources,
                         config_line_t **merged_out, char *err, size_t errlen);

/* Assigns merged lines onto a struct made by config_new(). A bad value
 * fails with the option, the value, what is accepted, and where. */
int config_assign(const config_format_t *fmt, void *options,
                  const config_line_t *merged, char *err, size_t errlen);

/* The lines of merged that set var (by name), in order; for groups, lines
 * of any var of the group. Used for CVFLAG_INERT notices. */
int config_var_is_set(const config_format_t *fmt, const config_var_t *var,
                      const config_line_t *merged);

/* Whether var has the same value in a and b (lists compare line by line). */
int config_var_equal(const config_var_t *var, const void *a, const void *b);

/* The options as torrc lines ("Name value\n"), sorted by name, each value
 * in canonical form (intervals in seconds, sizes in bytes), as tor's
 * --dump-config. With defaults non-NULL, only options whose value differs
 * from it. A new string (free()), or NULL when out of memory. */
char *config_dump(const config_format_t *fmt, const void *options, const void *defaults);

/* The value of one option as GETCONF shows it: fn(key, value, arg) once
 * per line of a list (key: the line's own option name, for groups), once
 * for a scalar in canonical form (as config_dump), and once with value NULL
 * when the option is unset (no lines, or a string without a default). */
typedef void (*config_value_fn)(const char *key, const char *value, void *arg);
void config_var_values(const config_format_t *fmt, const config_var_t *var,
                       const void *options, config_value_fn fn, void *arg);

/* Human-readable type name ("Boolean", "Interval", ...). */
const char *config_type_name(config_type_t type);

#endif
