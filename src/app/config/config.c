/* Loading and validating the options: see config.h. */
#include "orconfig.h"
#include "app/config/config.h"
#include "core/or/conflux_cell.h"
#include "feature/hs/hs_client_auth.h"
#include "feature/hs/hs_config.h"
#include "feature/nodelist/dir_servers.h"
#include "lib/crypt/crypto_s2k.h"
#include "lib/fs/fsutil.h"
#include "lib/log/log.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static or_options_t *global_options;
static config_line_t *last_merged;

const or_options_t *
get_options(void)
{
  return global_options;
}

void
set_options(or_options_t *options)
{
  if (global_options && global_options != options)
    options_free(global_options);
  global_options = options;
}

void
options_free(or_options_t *options)
{
  config_free(&options_format, options);
}

const config_line_t *
options_last_merged_lines(void)
{
  return last_merged;
}

const char *
options_default_torrc(void)
{
  return SYSCONFDIR "/tor/torrc";
}

const char *
options_default_defaults_torrc(void)
{
  return SYSCONFDIR "/tor/torrc-defaults";
}

/* Replaces *path with its absolute form. */
static int
make_absolute(char **path, char *err, size_t errlen)
{
  if (!*path || (*path)[0] == '/')
    return 0;
  char *abs = fs_make_path_absolute(*path);
  if (!abs) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  free(*path);
  *path = abs;
  return 0;
}

static int
validate_logs(or_options_t *options, char *err, size_t errlen)
{
  for (config_line_t *l = options->Logs; l; l = l->next) {
    log_sink_spec_t spec;
    char why[512];
    if (log_sink_spec_parse(l->value, &spec, why, sizeof(why)) < 0) {
      snprintf(err, errlen, "%s: Invalid value for Log '%s': %s", config_line_where(l), l->value, why);
      return -1;
    }
    if (spec.kind == LOG_SINK_FILE && spec.path[0] != '/') {
      /* Make the file name absolute, since RunAsDaemon changes directory. */
      char *abs = fs_make_path_absolute(spec.path);
      size_t prefix = (size_t)(strstr(l->value, spec.path) - l->value);
      size_t n = prefix + strlen(abs ? abs : "") + 1;
      char *nv = abs ? malloc(n) : NULL;
      if (!nv) {
        free(abs);
        free(spec.path);
        snprintf(err, errlen, "out of memory");
        return -1;
      }
      snprintf(nv, n, "%.*s%s", (int)prefix, l->value, abs);
      free(l->value);
      l->value = nv;
      free(abs);
    }
    free(spec.path);
  }
  return 0;
}

static int
validate_hidden_services(or_options_t *options, char *err, size_t errlen)
{
  static hs_service_config_t services[HS_CONFIG_MAX_SERVICES];
  /* Directories are made absolute first, since RunAsDaemon changes
   * directory and a service must not be configured twice. */
  for (config_line_t *l = options->HiddenServiceOptions; l; l = l->next) {
    if (strcasecmp(l->key, "HiddenServiceDir"))
      continue;
    if (l->value[0] == '\0') {
      snprintf(err, errlen, "%s: HiddenServiceDir needs a directory", config_line_where(l));
      return -1;
    }
    if (make_absolute(&l->value, err, errlen) < 0)
      return -1;
    for (const config_line_t *p = options->HiddenServiceOptions; p != l; p = p->next)
      if (!strcasecmp(p->key, "HiddenServiceDir") && !strcmp(p->value, l->value)) {
        snprintf(err, errlen, "%s: HiddenServiceDir \"%s\" is configured twice",
                 config_line_where(l), l->value);
        return -1;
      }
  }
  return hs_config_parse(options->HiddenServiceOptions, services, HS_CONFIG_MAX_SERVICES,
                         err, errlen) < 0 ? -1 : 0;
}

static int
validate_nickname(const char *nick, char *err, size_t errlen)
{
  size_t n = strlen(nick);
  int ok = n >= 1 && n <= 19;
  for (size_t i = 0; ok && i < n; i++)
    ok = isalnum((unsigned char)nick[i]);
  if (!ok) {
    snprintf(err, errlen, "Nickname '%s', nicknames must be between 1 and 19 characters "
             "inclusive, and must contain only the characters [a-zA-Z0-9].", nick);
    return -1;
  }
  return 0;
}

static int
default_data_directory(or_options_t *options, char *err, size_t errlen)
{
  const char *home = getenv("HOME");
  char buf[4096];
  if (home && home[0] && strcmp(home, "/"))
    snprintf(buf, sizeof(buf), "%s/.tor", home);
  else
    snprintf(buf, sizeof(buf), "%s/lib/tor", LOCALSTATEDIR);
  options->DataDirectory = strdup(buf);
  if (!options->DataDirectory) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  return 0;
}

int
options_safe_logging_mode(const or_options_t *options)
{
  const char *v = options->SafeLogging;
  if (!v || !strcmp(v, "0") || !v[0])
    return 0; /* tor treats an empty SafeLogging as 0 */
  if (!strcmp(v, "1"))
    return 1;
  if (!strcasecmp(v, "relay"))
    return 2;
  return -1;
}

int
options_dir_servers(const or_options_t *options, dir_servers_t *out, char *err, size_t errlen)
{
  dir_servers_config_t cfg = {
    .dir_authorities = options->DirAuthorities,
    .alternate_dir_authorities = options->AlternateDirAuthorities,
    .alternate_bridge_authorities = options->AlternateBridgeAuthorities,
    .fallback_dirs = options->FallbackDirs,
    .use_default_fallback_dirs = options->UseDefaultFallbackDirs,
  };
  return dir_servers_select(&cfg, out, err, errlen);
}

int
options_validate(or_options_t *options, char *err, size_t errlen)
{
  if (!options->DataDirectory && default_data_directory(options, err, errlen) < 0)
    return -1;
  if (make_absolute(&options->DataDirectory, err, errlen) < 0 ||
      make_absolute(&options->PidFile, err, errlen) < 0 ||
      make_absolute(&options->CookieAuthFile, err, errlen) < 0 ||
      make_absolute(&options->ControlPortWriteToFile, err, errlen) < 0 ||
      make_absolute(&options->ClientOnionAuthDir, err, errlen) < 0)
    return -1;
  /* As tor: a ClientOnionAuthDir that is no directory of ours makes the
   * configuration invalid (a reload keeps the old one). */
  if (options->ClientOnionAuthDir &&
      hs_client_auth_check_dir(options->ClientOnionAuthDir, err, errlen) < 0)
    return -1;
  if (validate_logs(options, err, errlen) < 0)
    return -1;
  if (options_safe_logging_mode(options) < 0) {
    snprintf(err, errlen, "Unrecognized value '%s' in SafeLogging (expected 0, 1 or relay)",
             options->SafeLogging);
    return -1;
  }
  if (options->LogTimeGranularity <= 0) {
    snprintf(err, errlen, "LogTimeGranularity must be positive.");
    return -1;
  }
  if (options->Nickname && validate_nickname(options->Nickname, err, errlen) < 0)
    return -1;
  if (options->OwningControllerProcess) {
    char *end;
    long pid = strtol(options->OwningControllerProcess, &end, 10);
    if (*end || pid <= 0) {
      snprintf(err, errlen, "__OwningControllerProcess '%s' is not a process ID",
               options->OwningControllerProcess);
      return -1;
    }
  }
  dir_servers_t dir_servers;
  if (options_dir_servers(options, &dir_servers, err, errlen) < 0)
    return -1;
  dir_servers_clear(&dir_servers);
  if (options->TestingTorNetwork && !options->DirAuthorities &&
      !(options->AlternateDirAuthorities && options->AlternateBridgeAuthorities)) {
    snprintf(err, errlen, "TestingTorNetwork may only be configured in combination with "
             "a non-default set of DirAuthority or both of AlternateDirAuthority and "
             "AlternateBridgeAuthority configured.");
    return -1;
  }
  double p = options->PathsNeededToBuildCircuits;
  if (p != -1 && (p < 0.25 || p > 0.95)) {
    log_warn(LD_CONFIG, "PathsNeededToBuildCircuits is too %s; clipping it to %.2f.",
             p < 0.25 ? "low" : "high", p < 0.25 ? 0.25 : 0.95);
    options->PathsNeededToBuildCircuits = p < 0.25 ? 0.25 : 0.95;
  }
  if (options->ConfluxClientUX && conflux_ux_from_name(options->ConfluxClientUX) < 0) {
    snprintf(err, errlen, "ConfluxClientUX must be 'latency', 'throughput', "
             "'latency_lowmem', or 'throughput_lowmem'");
    return -1;
  }
  if (validate_hidden_services(options, err, errlen) < 0)
    return -1;
  if (options->HiddenServiceSingleHopMode || options->HiddenServiceNonAnonymousMode) {
    snprintf(err, errlen, "HiddenServiceSingleHopMode and HiddenServiceNonAnonymousMode "
             "are not supported by this daemon (single onion services); set them to 0.");
    return -1;
  }
  for (const config_line_t *l = options->HashedControlPasswords; l; l = l->next) {
    /* Checking an empty password tells a malformed hash from a good one. */
    if (s2k_hashed_password_check(l->value, (const uint8_t *)"", 0) < 0) {
      snprintf(err, errlen, "%s: Bad HashedControlPassword: wrong length or bad encoding",
               config_line_where(l));
      return -1;
    }
  }
  return 0;
}

void
options_report_inert(const config_line_t *merged)
{
  for (size_t i = 0; i < options_format.n_vars; i++) {
    const config_var_t *var = &options_format.vars[i];
    if (!(var->flags & CVFLAG_INERT) || !config_var_is_set(&options_format, var, merged))
      continue;
    log_notice(LD_CONFIG, "Option '%s' is accepted for compatibility but has no effect "
               "yet in this daemon.", var->name);
  }
}

/* "-f -": the torrc comes from standard input. It is read once, at the
 * first load, and kept for reloads (stdin is at its end by then). */
#define TORRC_STDIN_MAX_LEN (4 * 1024 * 1024)
#define TORRC_STDIN_SOURCE "<stdin>"
static char *stdin_torrc;
static size_t stdin_torrc_len;

static int
read_stdin_torrc(char *err, size_t errlen)
{
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  if (!buf) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (;;) {
    if (cap - len < 2) {
      if (cap > TORRC_STDIN_MAX_LEN) {
        free(buf);
        snprintf(err, errlen, "The configuration on standard input is longer than %d bytes; "
                 "refusing to read it.", TORRC_STDIN_MAX_LEN);
        return -1;
      }
      char *bigger = realloc(buf, cap * 2);
      if (!bigger) {
        free(buf);
        snprintf(err, errlen, "out of memory");
        return -1;
      }
      buf = bigger;
      cap *= 2;
    }
    ssize_t r = read(STDIN_FILENO, buf + len, cap - len - 1);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      snprintf(err, errlen, "Unable to read the configuration from standard input: %s",
               strerror(errno));
      free(buf);
      return -1;
    }
    if (r == 0)
      break;
    len += (size_t)r;
    if (len > TORRC_STDIN_MAX_LEN) {
      free(buf);
      snprintf(err, errlen, "The configuration on standard input is longer than %d bytes; "
               "refusing to read it.", TORRC_STDIN_MAX_LEN);
      return -1;
    }
  }
  buf[len] = '\0';
  stdin_torrc = buf;
  stdin_torrc_len = len;
  return 0;
}

/* Reads one torrc into *lines; a missing file is fine when allowed, and
 * path "-" is standard input when allow_stdin (for -f, as in tor). */
static int
read_torrc(const char *path, int missing_ok, int allow_stdin, const char *what,
           config_line_t **lines, char *err, size_t errlen)
{
  char why[1024];
  if (allow_stdin && !strcmp(path, "-")) {
    /* Relative %include paths in it are relative to the working directory. */
    if (!stdin_torrc && read_stdin_torrc(err, errlen) < 0)
      return -1;
    if (config_lines_parse(stdin_torrc, stdin_torrc_len, TORRC_STDIN_SOURCE, lines,
                           why, sizeof(why)) < 0) {
      snprintf(err, errlen, "%s", why);
      return -1;
    }
    log_info(LD_CONFIG, "Read configuration from standard input.");
    return 0;
  }
  int r = config_lines_parse_file(path, lines, why, sizeof(why));
  if (r == -2 && missing_ok) {
    log_info(LD_CONFIG, "%s \"%s\" not present, using reasonable defaults.", what, path);
    return 0;
  }
  if (r < 0) {
    snprintf(err, errlen, "%s", why);
    return -1;
  }
  log_notice(LD_CONFIG, "Read configuration file \"%s\".", path);
  return 0;
}

or_options_t *
options_load(const tor_cmdline_t *cmdline, char *err, size_t errlen)
{
  return options_load_sources(cmdline, 0, err, errlen);
}

or_options_t *
options_load_sources(const tor_cmdline_t *cmdline, int defaults_only, char *err, size_t errlen)
{
  config_line_t *defaults = NULL, *torrc = NULL, *merged = NULL;
  or_options_t *options = NULL;
  const char *defaults_path = cmdline->defaults_path ? cmdline->defaults_path
                                                     : options_default_defaults_torrc();
  const char *torrc_path = cmdline->torrc_path ? cmdline->torrc_path : options_default_torrc();
  /* tor: a missing torrc is fine unless it was named with -f; the defaults
   * file may always be missing. */
  int torrc_missing_ok = !cmdline->torrc_path || cmdline->ignore_missing_torrc;

  if (read_torrc(defaults_path, 1, 0, "Default configuration file", &defaults,
                 err, errlen) < 0 ||
      (!defaults_only &&
       read_torrc(torrc_path, torrc_missing_ok, 1, "Configuration file", &torrc,
                  err, errlen) < 0))
    goto fail;
  const config_line_t *sources[3] = { defaults, torrc, cmdline->option_lines };
  if (config_merge_sources(&options_format, sources, defaults_only ? 1 : 3, &merged, err, errlen) < 0)
    goto fail;
  options = config_new(&options_format, err, errlen);
  if (!options)
    goto fail;
  if (config_assign(&options_format, options, merged, err, errlen) < 0 ||
      options_validate(options, err, errlen) < 0)
    goto fail;
  config_lines_free(defaults);
  config_lines_free(torrc);
  if (defaults_only) {
    config_lines_free(merged);
  } else {
    config_lines_free(last_merged);
    last_merged = merged;
  }
  return options;
fail:
  config_lines_free(defaults);
  config_lines_free(torrc);
  config_lines_free(merged);
  if (options)
    options_free(options);
  return NULL;
}

/* Whether line sets var (groups: any option of the group). */
static int
line_sets_var(const config_var_t *var, const config_line_t *line)
{
  const config_var_t *lv = config_find_var(&options_format, line->key);
  if (!lv)
    return 0;
  if (lv == var)
    return 1;
  return var->type == CONFIG_TYPE_LINELIST_GROUP && lv->type == CONFIG_TYPE_LINELIST_GROUP &&
         lv->offset == var->offset;
}

/* -1 (reason in err) if fresh changes an option that cannot change while
 * running. */
static int
check_transition(const or_options_t *old, const or_options_t *fresh, char *err,
                 size_t errlen)
{
  for (size_t i = 0; old && i < options_format.n_vars; i++) {
    const config_var_t *var = &options_format.vars[i];
    if ((var->flags & CVFLAG_NO_RELOAD) && !config_var_equal(var, old, fresh)) {
      snprintf(err, errlen, "While Tor is running, changing %s is not allowed", var->name);
      return -1;
    }
  }
  return 0;
}

or_options_t *
options_from_torrc_text(const tor_cmdline_t *cmdline, const char *text, size_t len,
                        config_line_t **merged_out, int *code, char *err, size_t errlen)
{
  config_line_t *defaults = NULL, *torrc = NULL, *merged = NULL;
  or_options_t *fresh = NULL;
  const char *defaults_path = cmdline->defaults_path ? cmdline->defaults_path
                                                     : options_default_defaults_torrc();
  *merged_out = NULL;
  *code = 552;
  if (read_torrc(defaults_path, 1, 0, "Default configuration file", &defaults, err,
                 errlen) < 0 ||
      config_lines_parse(text, len, "LOADCONF", &torrc, err, errlen) < 0)
    goto fail;
  const config_line_t *sources[3] = { defaults, torrc, cmdline->option_lines };
  if (config_merge_sources(&options_format, sources, 3, &merged, err, errlen) < 0)
    goto fail;
  fresh = config_new(&options_format, err, errlen);
  if (!fresh || config_assign(&options_format, fresh, merged, err, errlen) < 0 ||
      options_validate(fresh, err, errlen) < 0)
    goto fail;
  if (check_transition(get_options(), fresh, err, errlen) < 0) {
    *code = 553;
    goto fail;
  }
  config_lines_free(defaults);
  config_lines_free(torrc);
  *merged_out = merged;
  return fresh;
fail:
  config_lines_free(defaults);
  config_lines_free(torrc);
  config_lines_free(merged);
  if (fresh)
    options_free(fresh);
  return NULL;
}

or_options_t *
options_with_changes(const config_line_t *changes, config_line_t **merged_out,
                     int *code, char *err, size_t errlen)
{
  const or_options_t *old = get_options();
  config_line_t *merged = NULL, **tail = &merged;
  or_options_t *fresh = NULL;
  *merged_out = NULL;
  for (const config_line_t *c = changes; c; c = c->next)
    if (!config_find_var(&options_format, c->key)) {
      *code = 552;
      snprintf(err, errlen, "Unknown option '%s'.  Failing.", c->key);
      return NULL;
    }
  /* The lines in force, without those of every option the changes name,
   * then the changes' own lines in order (a CLEAR line only removes). */
  for (const config_line_t *l = last_merged; l; l = l->next) {
    int replaced = 0;
    for (const config_line_t *c = changes; c && !replaced; c = c->next)
      replaced = line_sets_var(config_find_var(&options_format, c->key), l);
    if (replaced)
      continue;
    *tail = config_line_new(l->key, l->value, l->command, l->source, l->lineno);
    if (!*tail)
      goto oom;
    tail = &(*tail)->next;
  }
  for (const config_line_t *c = changes; c; c = c->next) {
    if (c->command == CONFLINE_CLEAR)
      continue;
    const config_var_t *var = config_find_var(&options_format, c->key);
    *tail = config_line_new(var->type == CONFIG_TYPE_LINELIST_GROUP ? c->key : var->name,
                            c->value, CONFLINE_NORMAL, "controller", 0);
    if (!*tail)
      goto oom;
    tail = &(*tail)->next;
  }
  fresh = config_new(&options_format, err, errlen);
  if (!fresh)
    goto oom;
  if (config_assign(&options_format, fresh, merged, err, errlen) < 0 ||
      options_validate(fresh, err, errlen) < 0) {
    *code = 513;
    goto fail;
  }
  if (check_transition(old, fresh, err, errlen) < 0) {
    *code = 553;
    goto fail;
  }
  *merged_out = merged;
  return fresh;
oom:
  *code = 551;
  snprintf(err, errlen, "Out of memory");
fail:
  config_lines_free(merged);
  if (fresh)
    options_free(fresh);
  return NULL;
}

void
options_adopt_merged_lines(config_line_t *merged)
{
  config_lines_free(last_merged);
  last_merged = merged;
}
