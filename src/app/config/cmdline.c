/* The command line: tor's flags, and any option as "--Name value" or
 * "Name value" (overriding the torrc). */
#include "orconfig.h"
#include "app/config/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum { ARG_NONE, ARG_REQUIRED } arg_need_t;

typedef struct cmdline_flag_t {
  const char *name;
  arg_need_t need;
  int id;
} cmdline_flag_t;

enum {
  F_TORRC, F_DEFAULTS, F_IGNORE_MISSING, F_VERIFY, F_VERSION, F_LIBVERSIONS,
  F_HELP, F_LIST_OPTIONS, F_LIST_DEPRECATED, F_LIST_MODULES, F_QUIET, F_HUSH,
  F_NT_SERVICE, F_DUMP_MANPAGE, F_DUMP_CONFIG, F_HASH_PASSWORD, F_LIST_FINGERPRINT,
};

static const cmdline_flag_t flags[] = {
  { "-f", ARG_REQUIRED, F_TORRC },
  { "--torrc-file", ARG_REQUIRED, F_TORRC },
  { "--defaults-torrc", ARG_REQUIRED, F_DEFAULTS },
  { "--ignore-missing-torrc", ARG_NONE, F_IGNORE_MISSING },
  { "--allow-missing-torrc", ARG_NONE, F_IGNORE_MISSING },
  { "--verify-config", ARG_NONE, F_VERIFY },
  { "--version", ARG_NONE, F_VERSION },
  { "--library-versions", ARG_NONE, F_LIBVERSIONS },
  { "-h", ARG_NONE, F_HELP },
  { "--help", ARG_NONE, F_HELP },
  { "--list-torrc-options", ARG_NONE, F_LIST_OPTIONS },
  { "--list-deprecated-options", ARG_NONE, F_LIST_DEPRECATED },
  { "--list-modules", ARG_NONE, F_LIST_MODULES },
  { "--quiet", ARG_NONE, F_QUIET },
  { "--hush", ARG_NONE, F_HUSH },
  { "--nt-service", ARG_NONE, F_NT_SERVICE },
  { "--dump-manpage-options", ARG_NONE, F_DUMP_MANPAGE },
  { "--dump-config", ARG_NONE, F_DUMP_CONFIG },
  { "--hash-password", ARG_REQUIRED, F_HASH_PASSWORD },
  { "--list-fingerprint", ARG_NONE, F_LIST_FINGERPRINT },
  { NULL, ARG_NONE, 0 },
};

static void
set_command(tor_cmdline_t *out, tor_command_t cmd)
{
  /* Informational commands win over running; the first one given wins.
   * As in tor, --hash-password gives way to --version, --help, --list-*
   * wherever they are, and itself wins over --verify-config and
   * --dump-config. */
  int informational = cmd != CMD_VERIFY_CONFIG && cmd != CMD_DUMP_CONFIG &&
                      cmd != CMD_HASH_PASSWORD && cmd != CMD_LIST_FINGERPRINT;
  if (out->command == CMD_RUN_TOR ||
      (out->command == CMD_HASH_PASSWORD && informational) ||
      (cmd == CMD_HASH_PASSWORD &&
       (out->command == CMD_VERIFY_CONFIG || out->command == CMD_DUMP_CONFIG)))
    out->command = cmd;
}

int
cmdline_parse(int argc, char **argv, tor_cmdline_t *out, char *err, size_t errlen)
{
  memset(out, 0, sizeof(*out));
  config_line_t **tail = &out->option_lines;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    const cmdline_flag_t *f = NULL;
    for (const cmdline_flag_t *c = flags; c->name; c++)
      if (!strcmp(arg, c->name) || (c->name[1] == '-' && !strcasecmp(arg, c->name)))
        f = c;
    if (f) {
      const char *value = NULL;
      if (f->need == ARG_REQUIRED) {
        if (i + 1 >= argc) {
          snprintf(err, errlen, "Command-line option '%s' with no value. Failing.", arg);
          cmdline_clear(out);
          return -1;
        }
        value = argv[++i];
      }
      switch (f->id) {
        case F_TORRC: out->torrc_path = value; break;
        case F_DEFAULTS: out->defaults_path = value; break;
        case F_IGNORE_MISSING: out->ignore_missing_torrc = 1; break;
        case F_VERIFY: set_command(out, CMD_VERIFY_CONFIG); break;
        case F_VERSION: set_command(out, CMD_VERSION); break;
        case F_LIBVERSIONS: set_command(out, CMD_LIBRARY_VERSIONS); break;
        case F_HELP: set_command(out, CMD_HELP); break;
        case F_LIST_OPTIONS: set_command(out, CMD_LIST_TORRC_OPTIONS); break;
        case F_LIST_DEPRECATED: set_command(out, CMD_LIST_DEPRECATED_OPTIONS); break;
        case F_LIST_MODULES: set_command(out, CMD_LIST_MODULES); break;
        case F_QUIET: out->quiet_level = 2; break;
        case F_HUSH: if (out->quiet_level < 1) out->quiet_level = 1; break;
        case F_NT_SERVICE: break;
        case F_HASH_PASSWORD:
          out->hash_password = value; /* tor hashes the last one */
          set_command(out, CMD_HASH_PASSWORD);
          break;
        case F_DUMP_MANPAGE: set_command(out, CMD_DUMP_MANPAGE_OPTIONS); break;
        case F_LIST_FINGERPRINT: set_command(out, CMD_LIST_FINGERPRINT); break;
        case F_DUMP_CONFIG:
          /* tor: --dump-config [short|full|non-builtin] */
          set_command(out, CMD_DUMP_CONFIG);
          if (i + 1 < argc && (!strcasecmp(argv[i + 1], "short") ||
                               !strcasecmp(argv[i + 1], "full") ||
                               !strcasecmp(argv[i + 1], "non-builtin")))
            out->dump_full = !strcasecmp(argv[++i], "full");
          break;
      }
      continue;
    }
    /* Anything else is an option: "--Name value", "Name value", with the
     * torrc's "+Name" and "/Name" forms allowed too. */
    const char *key = arg;
    while (*key == '-')
      key++;
    if (*key == '\0') {
      snprintf(err, errlen, "Unrecognized command-line argument '%s'. Failing.", arg);
      cmdline_clear(out);
      return -1;
    }
    confline_command_t cmd = CONFLINE_NORMAL;
    if (*key == '+') { cmd = CONFLINE_APPEND; key++; }
    else if (*key == '/') { cmd = CONFLINE_CLEAR; key++; }
    const char *value = "";
    if (cmd != CONFLINE_CLEAR) {
      if (i + 1 >= argc) {
        snprintf(err, errlen, "Command-line option '%s' with no value. Failing.", arg);
        cmdline_clear(out);
        return -1;
      }
      value = argv[++i];
    }
    config_line_t *line = config_line_new(key, value, cmd, "command line", 0);
    if (!line) {
      snprintf(err, errlen, "out of memory");
      cmdline_clear(out);
      return -1;
    }
    *tail = line;
    tail = &line->next;
  }
  return 0;
}

void
cmdline_clear(tor_cmdline_t *cmdline)
{
  config_lines_free(cmdline->option_lines);
  cmdline->option_lines = NULL;
}
