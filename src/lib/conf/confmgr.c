/* Table-driven options: see confmgr.h. */
#include "orconfig.h"
#include "lib/conf/confmgr.h"
#include "lib/conf/conftypes.h"
#include "lib/conf/portspec.h"
#include "lib/log/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FIELD(options, var, type) ((type *)((char *)(options) + (var)->offset))
#define CFIELD(options, var, type) ((const type *)((const char *)(options) + (var)->offset))

const config_var_t *
config_find_var(const config_format_t *fmt, const char *name)
{
  for (size_t i = 0; i < fmt->n_vars; i++)
    if (!strcasecmp(fmt->vars[i].name, name))
      return &fmt->vars[i];
  return NULL;
}

const char *
config_type_name(config_type_t type)
{
  switch (type) {
    case CONFIG_TYPE_STRING: return "String";
    case CONFIG_TYPE_FILENAME: return "Filename";
    case CONFIG_TYPE_INT: return "Integer";
    case CONFIG_TYPE_BOOL: return "Boolean";
    case CONFIG_TYPE_AUTOBOOL: return "Boolean+Auto";
    case CONFIG_TYPE_INTERVAL: return "TimeInterval";
    case CONFIG_TYPE_MSEC_INTERVAL: return "TimeMsecInterval";
    case CONFIG_TYPE_MEMUNIT: return "DataSize";
    case CONFIG_TYPE_DOUBLE: return "Float";
    case CONFIG_TYPE_CSV: return "CommaList";
    case CONFIG_TYPE_LINELIST: return "LineList";
    case CONFIG_TYPE_PORT: return "Port";
    case CONFIG_TYPE_LINELIST_GROUP: return "Dependent";
  }
  return "?";
}

static int
is_list_type(config_type_t t)
{
  return t == CONFIG_TYPE_LINELIST || t == CONFIG_TYPE_PORT || t == CONFIG_TYPE_LINELIST_GROUP;
}

/* Vars of one group share an offset; merging treats them as one option. */
static size_t
merge_slot(const config_format_t *fmt, const config_var_t *var)
{
  if (var->type == CONFIG_TYPE_LINELIST_GROUP)
    for (size_t i = 0; i < fmt->n_vars; i++)
      if (fmt->vars[i].type == CONFIG_TYPE_LINELIST_GROUP && fmt->vars[i].offset == var->offset)
        return i;
  return (size_t)(var - fmt->vars);
}

static void
clear_field(const config_var_t *var, void *options)
{
  switch (var->type) {
    case CONFIG_TYPE_STRING:
    case CONFIG_TYPE_FILENAME:
    case CONFIG_TYPE_CSV:
      free(*FIELD(options, var, char *));
      *FIELD(options, var, char *) = NULL;
      break;
    case CONFIG_TYPE_LINELIST:
    case CONFIG_TYPE_PORT:
    case CONFIG_TYPE_LINELIST_GROUP:
      config_lines_free(*FIELD(options, var, config_line_t *));
      *FIELD(options, var, config_line_t *) = NULL;
      break;
    case CONFIG_TYPE_MEMUNIT:
      *FIELD(options, var, uint64_t) = 0;
      break;
    case CONFIG_TYPE_DOUBLE:
      *FIELD(options, var, double) = 0;
      break;
    default:
      *FIELD(options, var, int) = 0;
      break;
  }
}

static char *
expand_home(const char *path)
{
  if (path[0] == '~' && (path[1] == '/' || path[1] == '\0')) {
    const char *home = getenv("HOME");
    if (home) {
      size_t n = strlen(home) + strlen(path);
      char *out = malloc(n);
      if (out)
        snprintf(out, n, "%s%s", home, path + 1);
      return out;
    }
  }
  return strdup(path);
}

/* Parses one value of var into the struct (appending for list types). */
static int
assign_value(const config_var_t *var, void *options, const config_line_t *line,
             const char *value, char *err, size_t errlen)
{
  char why[512];
  why[0] = '\0';
  int rv = 0;
  switch (var->type) {
    case CONFIG_TYPE_STRING:
    case CONFIG_TYPE_CSV:
    case CONFIG_TYPE_FILENAME: {
      char *copy = var->type == CONFIG_TYPE_FILENAME ? expand_home(value) : strdup(value);
      if (!copy) {
        snprintf(why, sizeof(why), "out of memory");
        rv = -1;
        break;
      }
      free(*FIELD(options, var, char *));
      *FIELD(options, var, char *) = copy;
      break;
    }
    case CONFIG_TYPE_INT: {
      long long v;
      rv = conf_parse_int(value, (long long)var->min, (long long)var->max, &v, why, sizeof(why));
      if (rv == 0)
        *FIELD(options, var, int) = (int)v;
      break;
    }
    case CONFIG_TYPE_BOOL:
      rv = conf_parse_bool(value, FIELD(options, var, int), why, sizeof(why));
      break;
    case CONFIG_TYPE_AUTOBOOL:
      rv = conf_parse_autobool(value, FIELD(options, var, int), why, sizeof(why));
      break;
    case CONFIG_TYPE_INTERVAL:
      rv = conf_parse_interval(value, FIELD(options, var, int), why, sizeof(why));
      break;
    case CONFIG_TYPE_MSEC_INTERVAL:
      rv = conf_parse_msec_interval(value, FIELD(options, var, int), why, sizeof(why));
      break;
    case CONFIG_TYPE_MEMUNIT:
      rv = conf_parse_memunit(value, FIELD(options, var, uint64_t), why, sizeof(why));
      break;
    case CONFIG_TYPE_DOUBLE:
      rv = conf_parse_double(value, var->min, var->max, FIELD(options, var, double), why, sizeof(why));
      break;
    case CONFIG_TYPE_PORT: {
      port_spec_t spec;
      rv = port_spec_parse(var->name, value, var->port_default_address,
                           var->port_allowed_flags, var->port_default_flags,
                           &spec, why, sizeof(why));
      if (rv < 0)
        break;
    } /* fall through: stored as lines */
    /* FALLTHROUGH */
    case CONFIG_TYPE_LINELIST:
    case CONFIG_TYPE_LINELIST_GROUP: {
      config_line_t **tail = FIELD(options, var, config_line_t *);
      while (*tail)
        tail = &(*tail)->next;
      *tail = config_line_new(var->name, value, CONFLINE_NORMAL,
                              line ? line->source : "defaults", line ? line->lineno : 0);
      if (!*tail) {
        snprintf(why, sizeof(why), "out of memory");
        rv = -1;
      }
      break;
    }
  }
  if (rv < 0) {
    if (line)
      snprintf(err, errlen, "%s: Invalid value for %s '%s': %s", config_line_where(line),
               var->name, value, why);
    else
      snprintf(err, errlen, "Invalid default for %s '%s': %s", var->name, value, why);
  }
  return rv;
}

static int
assign_default(const config_var_t *var, void *options, char *err, size_t errlen)
{
  clear_field(var, options);
  if (!var->default_value)
    return 0;
  return assign_value(var, options, NULL, var->default_value, err, errlen);
}

void *
config_new(const config_format_t *fmt, char *err, size_t errlen)
{
  void *options = calloc(1, fmt->struct_size);
  if (!options) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  for (size_t i = 0; i < fmt->n_vars; i++) {
    if (assign_default(&fmt->vars[i], options, err, errlen) < 0) {
      config_free(fmt, options);
      return NULL;
    }
  }
  return options;
}

void
config_free(const config_format_t *fmt, void *options)
{
  if (!options)
    return;
  for (size_t i = 0; i < fmt->n_vars; i++) {
    /* Group members share one list: free it once. */
    if (fmt->vars[i].type == CONFIG_TYPE_LINELIST_GROUP &&
        merge_slot(fmt, &fmt->vars[i]) != i)
      continue;
    clear_field(&fmt->vars[i], options);
  }
  free(options);
}

int
config_merge_sources(const config_format_t *fmt, const config_line_t *const *sources,
                     int n_sources, config_line_t **merged_out, char *err, size_t errlen)
{
  /* Per merge slot: the lines in effect, and which source set them. */
  config_line_t **slot_lines = calloc(fmt->n_vars, sizeof(*slot_lines));
  int *slot_source = calloc(fmt->n_vars, sizeof(*slot_source));
  int rv = -1;
  if (!slot_lines || !slot_source) {
    snprintf(err, errlen, "out of memory");
    goto done;
  }
  for (size_t i = 0; i < fmt->n_vars; i++)
    slot_source[i] = -1;
  for (int s = 0; s < n_sources; s++) {
    for (const config_line_t *l = sources[s]; l; l = l->next) {
      const config_var_t *var = config_find_var(fmt, l->key);
      if (!var) {
        snprintf(err, errlen, "Unknown option '%s'.  Failing. (%s)", l->key, config_line_where(l));
        goto done;
      }
      if (l->command != CONFLINE_CLEAR && l->value[0] == '\0' && is_list_type(var->type)) {
        /* As tor: an empty line of a list option is ignored altogether. */
        log_warn(LD_CONFIG, "Linelist option '%s' has no value. Skipping. (%s)",
                 var->name, config_line_where(l));
        continue;
      }
      size_t slot = merge_slot(fmt, var);
      if (l->command == CONFLINE_CLEAR ||
          (l->command == CONFLINE_NORMAL && slot_source[slot] < s)) {
        config_lines_free(slot_lines[slot]);
        slot_lines[slot] = NULL;
      }
      slot_source[slot] = s;
      if (l->command == CONFLINE_CLEAR) {
        /* Keep a marker so the option counts as set (to empty). */
        continue;
      }
      config_line_t *copy = config_line_new(var->name, l->value, CONFLINE_NORMAL, l->source, l->lineno);
      if (!copy) {
        snprintf(err, errlen, "out of memory");
        goto done;
      }
      config_line_t **tail = &slot_lines[slot];
      while (*tail)
        tail = &(*tail)->next;
      *tail = copy;
    }
  }
  /* Concatenate, in table order, slots that were touched; a cleared slot
   * becomes one line with an empty value so assign resets it. */
  config_line_t *merged = NULL, **tail = &merged;
  for (size_t i = 0; i < fmt->n_vars; i++) {
    if (slot_source[i] < 0)
      continue;
    if (!slot_lines[i]) {
      slot_lines[i] = config_line_new(fmt->vars[i].name, "", CONFLINE_CLEAR, "", 0);
      if (!slot_lines[i]) {
        config_lines_free(merged);
        snprintf(err, errlen, "out of memory");
        goto done;
      }
    }
    *tail = slot_lines[i];
    while (*tail)
      tail = &(*tail)->next;
    slot_lines[i] = NULL;
  }
  *merged_out = merged;
  rv = 0;
done:
  if (slot_lines)
    for (size_t i = 0; i < fmt->n_vars; i++)
      config_lines_free(slot_lines[i]);
  free(slot_lines);
  free(slot_source);
  return rv;
}

int
config_assign(const config_format_t *fmt, void *options, const config_line_t *merged,
              char *err, size_t errlen)
{
  /* Each touched option starts again from empty (lists) or its default
   * (single values), then takes its lines in order. */
  for (const config_line_t *l = merged; l; l = l->next) {
    const config_var_t *var = config_find_var(fmt, l->key);
    if (!var) {
      snprintf(err, errlen, "Unknown option '%s'.  Failing. (%s)", l->key, config_line_where(l));
      return -1;
    }
    int first_of_slot = 1;
    for (const config_line_t *p = merged; p != l; p = p->next) {
      const config_var_t *pv = config_find_var(fmt, p->key);
      if (pv && merge_slot(fmt, pv) == merge_slot(fmt, var))
        first_of_slot = 0;
    }
    if (first_of_slot) {
      if (is_list_type(var->type))
        clear_field(var, options);
      else if (assign_default(var, options, err, errlen) < 0)
        return -1;
    }
    if (l->command == CONFLINE_CLEAR)
      continue; /* cleared: list empty, or value at its default */
    if (l->value[0] == '\0') {
      /* As tor: "Option" with no value clears a single value (to 0 or
       * empty, not to the default) and is ignored for a list. */
      if (is_list_type(var->type))
        log_warn(LD_CONFIG, "Linelist option '%s' has no value. Skipping. (%s)",
                 var->name, config_line_where(l));
      else
        clear_field(var, options);
      continue;
    }
    if (assign_value(var, options, l, l->value, err, errlen) < 0)
      return -1;
  }
  return 0;
}

int
config_var_is_set(const config_format_t *fmt, const config_var_t *var,
                  const config_line_t *merged)
{
  for (const config_line_t *l = merged; l; l = l->next)
    if (!strcasecmp(l->key, var->name) && l->command != CONFLINE_CLEAR)
      return 1;
  (void)fmt;
  return 0;
}

int
config_var_equal(const config_var_t *var, const void *a, const void *b)
{
  switch (var->type) {
    case CONFIG_TYPE_STRING:
    case CONFIG_TYPE_FILENAME:
    case CONFIG_TYPE_CSV: {
      const char *x = *CFIELD(a, var, char *), *y = *CFIELD(b, var, char *);
      return (!x && !y) || (x && y && !strcmp(x, y));
    }
    case CONFIG_TYPE_LINELIST:
    case CONFIG_TYPE_PORT:
    case CONFIG_TYPE_LINELIST_GROUP: {
      const config_line_t *x = *CFIELD(a, var, config_line_t *);
      const config_line_t *y = *CFIELD(b, var, config_line_t *);
      for (; x && y; x = x->next, y = y->next)
        if (strcasecmp(x->key, y->key) || strcmp(x->value, y->value))
          return 0;
      return !x && !y;
    }
    case CONFIG_TYPE_MEMUNIT:
      return *CFIELD(a, var, uint64_t) == *CFIELD(b, var, uint64_t);
    case CONFIG_TYPE_DOUBLE:
      return *CFIELD(a, var, double) == *CFIELD(b, var, double);
    default:
      return *CFIELD(a, var, int) == *CFIELD(b, var, int);
  }
}

/* Appends text to a growing string; returns -1 when out of memory. */
static int
append(char **buf, size_t *len, size_t *cap, const char *text)
{
  size_t n = strlen(text);
  if (*len + n + 1 > *cap) {
    size_t ncap = (*cap + n + 1) * 2;
    char *nb = realloc(*buf, ncap);
    if (!nb)
      return -1;
    *buf = nb;
    *cap = ncap;
  }
  memcpy(*buf + *len, text, n + 1);
  *len += n;
  return 0;
}

static void
format_scalar(const config_var_t *var, const void *options, char *out, size_t outlen)
{
  switch (var->type) {
    case CONFIG_TYPE_STRING:
    case CONFIG_TYPE_FILENAME:
    case CONFIG_TYPE_CSV: {
      const char *v = *CFIELD(options, var, char *);
      snprintf(out, outlen, "%s", v ? v : "");
      break;
    }
    case CONFIG_TYPE_AUTOBOOL: {
      int v = *CFIELD(options, var, int);
      snprintf(out, outlen, "%s", v < 0 ? "auto" : v ? "1" : "0");
      break;
    }
    case CONFIG_TYPE_MEMUNIT:
      snprintf(out, outlen, "%llu", (unsigned long long)*CFIELD(options, var, uint64_t));
      break;
    case CONFIG_TYPE_DOUBLE:
      snprintf(out, outlen, "%f", *CFIELD(options, var, double));
      break;
    default:
      snprintf(out, outlen, "%d", *CFIELD(options, var, int));
      break;
  }
}


static int
compare_var_names(const void *a, const void *b)
{
  const config_var_t *x = *(const config_var_t *const *)a, *y = *(const config_var_t *const *)b;
  return strcasecmp(x->name, y->name);
}

char *
config_dump(const config_format_t *fmt, const void *options, const void *defaults)
{
  const config_var_t **order = calloc(fmt->n_vars ? fmt->n_vars : 1, sizeof(*order));
  char *buf = NULL;
  size_t len = 0, cap = 0;
  int oom = !order || append(&buf, &len, &cap, "") < 0;
  size_t n = 0;
  for (size_t i = 0; !oom && i < fmt->n_vars; i++) {
    const config_var_t *var = &fmt->vars[i];
    /* Like tor, never dump the "__" options a controller sets. */
    if ((var->flags & CVFLAG_HIDDEN) || !strncmp(var->name, "__", 2) ||
        (var->type == CONFIG_TYPE_LINELIST_GROUP && merge_slot(fmt, var) != i))
      continue;
    if (defaults && config_var_equal(var, options, defaults))
      continue;
    order[n++] = var;
  }
  if (!oom)
    qsort(order, n, sizeof(*order), compare_var_names);
  for (size_t i = 0; !oom && i < n; i++) {
    const config_var_t *var = order[i];
    char line[4096];
    if (is_list_type(var->type)) {
      for (const config_line_t *l = *CFIELD(options, var, config_line_t *); l && !oom; l = l->next) {
        char quoted[3500];
        config_value_quote(l->value, quoted, sizeof(quoted));
        snprintf(line, sizeof(line), "%s %s\n", l->key, quoted);
        oom = append(&buf, &len, &cap, line) < 0;
      }
    } else {
      char value[1700], quoted[3500];
      format_scalar(var, options, value, sizeof(value));
      config_value_quote(value, quoted, sizeof(quoted));
      snprintf(line, sizeof(line), value[0] ? "%s %s\n" : "%s%s\n", var->name, quoted);
      oom = append(&buf, &len, &cap, line) < 0;
    }
  }
  free(order);
  if (oom) {
    free(buf);
    return NULL;
  }
  return buf;
}

void
config_var_values(const config_format_t *fmt, const config_var_t *var,
                  const void *options, config_value_fn fn, void *arg)
{
  (void)fmt;
  if (is_list_type(var->type)) {
    const config_line_t *l = *CFIELD(options, var, config_line_t *);
    if (!l)
      fn(var->name, NULL, arg);
    for (; l; l = l->next)
      fn(var->type == CONFIG_TYPE_LINELIST_GROUP ? l->key : var->name, l->value, arg);
    return;
  }
  if (var->type == CONFIG_TYPE_STRING || var->type == CONFIG_TYPE_FILENAME ||
      var->type == CONFIG_TYPE_CSV) {
    /* Strings whole, whatever their length. */
    fn(var->name, *CFIELD(options, var, char *), arg);
    return;
  }
  char value[1700];
  format_scalar(var, options, value, sizeof(value));
  fn(var->name, value, arg);
}
