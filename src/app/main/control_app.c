/* The control port's app-layer commands and keys: see control_app.h. */
#include "orconfig.h"
#include "app/main/control_app.h"
#include "app/main/main.h"
#include "app/config/config.h"
#include "feature/control/control.h"
#include "feature/control/control_events.h"
#include "core/mainloop/mainloop.h"
#include "lib/fs/fsutil.h"
#include "lib/log/log.h"

#include <errno.h>
#include <event2/buffer.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- GETCONF ---- */

typedef struct getconf_acc_t {
  struct evbuffer *lines;   /* "K=V" lines, each ending in \n */
  int n;
} getconf_acc_t;

static void
getconf_value(const char *key, const char *value, void *arg)
{
  getconf_acc_t *acc = arg;
  if (value)
    evbuffer_add_printf(acc->lines, "%s=%s\n", key, value);
  else
    evbuffer_add_printf(acc->lines, "%s\n", key);
  acc->n++;
}

/* Writes the accumulated lines as "250-" lines and a "250 " last line (tor
 * ends GETCONF with its last value, without "250 OK"). */
static void
write_value_lines(struct evbuffer *out, getconf_acc_t *acc)
{
  size_t len = evbuffer_get_length(acc->lines);
  char *text = malloc(len + 1);
  if (!text) {
    control_write_end(out, 551, "Out of memory");
    return;
  }
  evbuffer_remove(acc->lines, text, len);
  text[len] = '\0';
  char *line = text;
  for (int i = 0; i < acc->n; i++) {
    char *nl = strchr(line, '\n');
    if (nl)
      *nl = '\0';
    if (i + 1 < acc->n)
      control_write_mid(out, 250, line);
    else
      control_write_end(out, 250, line);
    line = nl ? nl + 1 : line + strlen(line);
  }
  free(text);
}

static void
cmd_getconf(control_conn_t *conn, const control_cmd_t *cmd)
{
  struct evbuffer *out = control_conn_out(conn);
  const char *err = NULL;
  control_args_t *args = control_args_parse(cmd->args, cmd->args_len, 0, &err);
  if (!args) {
    control_write_endf(out, 513, "%s", err);
    return;
  }
  for (int i = 0; i < args->n; i++)
    if (!config_find_var(&options_format, args->args[i].value)) {
      char *q = control_quote(args->args[i].value, strlen(args->args[i].value));
      control_write_endf(out, 552, "Unrecognized configuration key %s", q ? q : "\"\"");
      free(q);
      control_args_free(args);
      return;
    }
  getconf_acc_t acc = { evbuffer_new(), 0 };
  if (!acc.lines) {
    control_args_free(args);
    control_write_end(out, 551, "Out of memory");
    return;
  }
  for (int i = 0; i < args->n; i++)
    config_var_values(&options_format, config_find_var(&options_format, args->args[i].value),
                      get_options(), getconf_value, &acc);
  control_args_free(args);
  if (acc.n == 0)
    control_write_end(out, 250, "OK");
  else
    write_value_lines(out, &acc);
  evbuffer_free(acc.lines);
}

/* ---- SETCONF / RESETCONF ---- */

/* CONF_CHANGED (control-spec §4.1.18): the options whose value differs
 * between old and fresh, as an event ready to send; NULL if none changed or
 * nobody listens. */
static struct evbuffer *
conf_changed_event(const or_options_t *old, const or_options_t *fresh)
{
  if (!control_event_wanted(CEV_CONF_CHANGED))
    return NULL;
  getconf_acc_t acc = { evbuffer_new(), 0 };
  struct evbuffer *ev = evbuffer_new();
  if (!acc.lines || !ev)
    goto fail;
  for (size_t i = 0; i < options_format.n_vars; i++) {
    const config_var_t *var = &options_format.vars[i];
    if (!config_var_equal(var, old, fresh))
      config_var_values(&options_format, var, fresh, getconf_value, &acc);
  }
  if (acc.n == 0)
    goto fail;
  control_write_mid(ev, 650, "CONF_CHANGED");
  size_t len;
  char *line;
  while ((line = evbuffer_readln(acc.lines, &len, EVBUFFER_EOL_LF))) {
    control_write_mid(ev, 650, line);
    free(line);
  }
  control_write_end(ev, 650, "OK");
  evbuffer_free(acc.lines);
  return ev;
fail:
  if (acc.lines)
    evbuffer_free(acc.lines);
  if (ev)
    evbuffer_free(ev);
  return NULL;
}

/* Installs options made for SETCONF/RESETCONF/LOADCONF (taking both),
 * answers 250 OK, then sends CONF_CHANGED; or answers code with prefix. */
static void
install_and_reply(struct evbuffer *out, or_options_t *fresh, config_line_t *merged,
                  int code, const char *prefix)
{
  char err[1024];
  /* The old options are freed when the new ones go in: compare first. */
  struct evbuffer *event = conf_changed_event(get_options(), fresh);
  if (tor_install_changed_options(fresh, merged, err, sizeof(err)) < 0) {
    if (event)
      evbuffer_free(event);
    control_write_endf(out, code, "%s: %s", prefix, err);
    return;
  }
  control_write_end(out, 250, "OK");
  if (event) {
    size_t n = evbuffer_get_length(event);
    control_event_send_raw(CEV_CONF_CHANGED, (const char *)evbuffer_pullup(event, -1), n);
    evbuffer_free(event);
  }
}

static void
set_or_reset(control_conn_t *conn, const control_cmd_t *cmd)
{
  struct evbuffer *out = control_conn_out(conn);
  const char *perr = NULL;
  char err[1024];
  control_args_t *args = control_args_parse(cmd->args, cmd->args_len, CONTROL_ARGS_KV, &perr);
  if (!args) {
    control_write_endf(out, 513, "%s", perr);
    return;
  }
  config_line_t *changes = NULL, **tail = &changes;
  for (int i = 0; i < args->n; i++) {
    const control_arg_t *a = &args->args[i];
    /* "Key" alone: back to the default; "Key=Value": that value. */
    *tail = a->key ? config_line_new(a->key, a->value, CONFLINE_NORMAL, "controller", 0)
                   : config_line_new(a->value, "", CONFLINE_CLEAR, "controller", 0);
    if (!*tail)
      break;
    tail = &(*tail)->next;
  }
  control_args_free(args);
  if (!changes) {
    control_write_end(out, 250, "OK");
    return;
  }
  int code = 0;
  config_line_t *merged = NULL;
  or_options_t *fresh = options_with_changes(changes, &merged, &code, err, sizeof(err));
  config_lines_free(changes);
  if (!fresh) {
    control_write_endf(out, code, "%s: %s",
                       code == 552 ? "Unrecognized option"
                       : code == 553 ? "Transition not allowed"
                       : code == 513 ? "Unacceptable option value" : "Internal error", err);
    return;
  }
  install_and_reply(out, fresh, merged, 513, "Unacceptable option value");
}

static void
cmd_setconf(control_conn_t *conn, const control_cmd_t *cmd)
{
  set_or_reset(conn, cmd);
}

/* ---- LOADCONF ---- */

static void
cmd_loadconf(control_conn_t *conn, const control_cmd_t *cmd)
{
  struct evbuffer *out = control_conn_out(conn);
  char err[1024];
  int code = 0;
  config_line_t *merged = NULL;
  const char *text = cmd->body ? cmd->body : "";
  or_options_t *fresh = options_from_torrc_text(tor_cmdline(), text, cmd->body_len, &merged,
                                                &code, err, sizeof(err));
  if (!fresh) {
    control_write_endf(out, code, "%s: %s",
                       code == 553 ? "Transition not allowed" : "Invalid config file", err);
    return;
  }
  install_and_reply(out, fresh, merged, 552, "Invalid config file");
}

/* ---- SAVECONF ---- */

static void
cmd_saveconf(control_conn_t *conn, const control_cmd_t *cmd)
{
  struct evbuffer *out = control_conn_out(conn);
  const char *path = tor_torrc_path();
  char err[512];
  (void)cmd;
  if (!path || !strcmp(path, "-")) {
    control_write_end(out, 551, "Unable to write configuration to disk.");
    return;
  }
  char *text = tor_config_text();
  if (!text) {
    control_write_end(out, 551, "Unable to write configuration to disk.");
    return;
  }
  static const char header[] = "# This file was generated by Tor; if you edit it, "
                               "comments will not be preserved\n"
                               "# The old torrc file was renamed to torrc.orig.1, and "
                               "Tor will ignore it\n\n";
  size_t hlen = sizeof(header) - 1, tlen = strlen(text);
  char *all = malloc(hlen + tlen + 1);
  int rv = -1;
  if (all) {
    memcpy(all, header, hlen);
    memcpy(all + hlen, text, tlen + 1);
    /* As tor: a torrc written by hand is kept as torrc.orig.1 the first
     * time; one we wrote ourselves is just replaced. */
    size_t old_len = 0;
    int missing = 0;
    char *old = fs_read_file(path, 1 << 20, &old_len, &missing, err, sizeof(err));
    if (old && strncmp(old, header, 40)) {
      char orig[4200];
      snprintf(orig, sizeof(orig), "%s.orig.1", path);
      if (rename(path, orig) < 0)
        log_warn(LD_CONFIG, "Couldn't rename %s to %s: %s", path, orig, strerror(errno));
    }
    free(old);
    rv = fs_write_file_atomic(path, all, hlen + tlen, 0600, err, sizeof(err));
    free(all);
  }
  free(text);
  if (rv < 0) {
    log_warn(LD_CONFIG, "Couldn't write the configuration to %s: %s", path, err);
    control_write_end(out, 551, "Unable to write configuration to disk.");
    return;
  }
  control_write_end(out, 250, "OK");
}

/* ---- SIGNAL ---- */

typedef struct signal_name_t {
  const char *name;
  int sig;
} signal_name_t;

static const signal_name_t signal_names[] = {
  { "RELOAD", SIGHUP }, { "HUP", SIGHUP }, { "SHUTDOWN", SIGINT }, { "DUMP", SIGUSR1 },
  { "USR1", SIGUSR1 }, { "DEBUG", SIGUSR2 }, { "USR2", SIGUSR2 },
  { "HALT", TOR_SIGNAL_HALT }, { "TERM", SIGTERM }, { "INT", SIGINT },
  { "NEWNYM", TOR_SIGNAL_NEWNYM }, { "CLEARDNSCACHE", TOR_SIGNAL_CLEARDNSCACHE },
  { "HEARTBEAT", TOR_SIGNAL_HEARTBEAT }, { "ACTIVE", TOR_SIGNAL_ACTIVE },
  { "DORMANT", TOR_SIGNAL_DORMANT },
};
#define N_SIGNALS (sizeof(signal_names) / sizeof(signal_names[0]))

static void
cmd_signal(control_conn_t *conn, const control_cmd_t *cmd)
{
  struct evbuffer *out = control_conn_out(conn);
  const char *err = NULL;
  control_args_t *args = control_args_parse(cmd->args, cmd->args_len, 0, &err);
  if (!args) {
    control_write_endf(out, 513, "%s", err);
    return;
  }
  if (args->n < 1) {
    control_args_free(args);
    control_write_end(out, 512, "Bad arguments to SIGNAL: Need at least 1 argument(s)");
    return;
  }
  const signal_name_t *found = NULL;
  for (size_t i = 0; i < N_SIGNALS && !found; i++)
    if (!strcasecmp(args->args[0].value, signal_names[i].name))
      found = &signal_names[i];
  if (!found) {
    char *q = control_quote(args->args[0].value, strlen(args->args[0].value));
    control_write_endf(out, 552, "Unrecognized signal code %s", q ? q : "\"\"");
    free(q);
    control_args_free(args);
    return;
  }
  control_args_free(args);
  /* The reply goes out before the signal acts (HALT exits at once). */
  control_write_end(out, 250, "OK");
  control_conn_flush_now(conn);
  /* SIGNAL events name the canonical signal. */
  const char *canon = found->name;
  for (size_t i = 0; i < N_SIGNALS; i++)
    if (signal_names[i].sig == found->sig) {
      canon = signal_names[i].name;
      break;
    }
  if (found->sig != SIGTERM && found->sig != SIGINT)
    control_event_sendf(CEV_SIGNAL, "SIGNAL %s", canon);
  tor_process_signal(found->sig);
}

/* ---- GETINFO keys about the options ---- */

static int
gi_config(const char *key, char **answer, const char **errmsg)
{
  (void)errmsg;
  if (!strcmp(key, "config-file")) {
    const char *p = tor_torrc_path();
    *answer = strdup(p ? p : "");
  } else if (!strcmp(key, "config-text")) {
    *answer = tor_config_text();
  } else if (!strcmp(key, "config/names") || !strcmp(key, "config/defaults")) {
    struct evbuffer *b = evbuffer_new();
    if (!b)
      return 0;
    for (size_t i = 0; i < options_format.n_vars; i++) {
      const config_var_t *var = &options_format.vars[i];
      if (var->flags & CVFLAG_HIDDEN)
        continue;
      if (!strcmp(key, "config/names"))
        evbuffer_add_printf(b, "%s %s\n", var->name, config_type_name(var->type));
      else if (var->default_value)
        evbuffer_add_printf(b, "%s %s\n", var->name, var->default_value);
    }
    char *s = control_evbuffer_to_answer(b);
    size_t len = s ? strlen(s) : 0;
    if (len && s[len - 1] == '\n')
      s[len - 1] = '\0';
    *answer = s;
  } else if (!strcmp(key, "dormant")) {
    /* SIGNAL DORMANT is acknowledged and logged, but this daemon never
     * stops working: it is never dormant (real tor also answers 0 right
     * after SIGNAL DORMANT). */
    *answer = strdup("0");
  } else if (!strcmp(key, "signal/names")) {
    char buf[512];
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < N_SIGNALS; i++)
      len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? " " : "",
                              signal_names[i].name);
    *answer = strdup(buf);
  }
  return 0;
}

/* ---- start ---- */

static void
owner_gone(void)
{
  mainloop_exit(0);
}

int
control_app_start(struct event_base *base, const or_options_t *options)
{
  control_register_command("GETCONF", cmd_getconf);
  control_register_command("SETCONF", cmd_setconf);
  control_register_command("RESETCONF", cmd_setconf);
  control_register_command("SAVECONF", cmd_saveconf);
  control_register_command("LOADCONF", cmd_loadconf);
  control_register_command("SIGNAL", cmd_signal);
  control_register_getinfo("config-file", 0, "Current location of the \"torrc\" file.",
                           gi_config);
  control_register_getinfo("config-text", 0, "Return the string that would be written "
                           "by a saveconf command.", gi_config);
  control_register_getinfo("config/names", 0, "List of configuration options, types, "
                           "and documentation.", gi_config);
  control_register_getinfo("config/defaults", 0, "List of default values for "
                           "configuration options. See also config/names", gi_config);
  control_register_getinfo("dormant", 0, "Is Tor dormant (not building circuits because "
                           "it's idle)?", gi_config);
  control_register_getinfo("signal/names", 0, "Signal names recognized by the SIGNAL "
                           "command", gi_config);
  control_config_t cfg;
  memset(&cfg, 0, sizeof(cfg));
  cfg.ports = options->ControlPorts;
  cfg.sockets = options->ControlSockets;
  cfg.cookie_auth = options->CookieAuthentication;
  cfg.cookie_file = options->CookieAuthFile;
  cfg.cookie_group_readable = options->CookieAuthFileGroupReadable;
  cfg.hashed_passwords = options->HashedControlPasswords;
  cfg.port_write_to_file = options->ControlPortWriteToFile;
  cfg.port_file_group_readable = options->ControlPortFileGroupReadable;
  cfg.datadir = options->DataDirectory;
  cfg.version = TOR_VERSION;
  cfg.owner_gone = owner_gone;
  return control_start(base, &cfg);
}
