/* The daemon's life: see main.h. */
#include "orconfig.h"
#include "app/main/main.h"
#include "app/main/info.h"
#include "app/main/control_app.h"
#include "app/main/hs_workers.h"
#include "feature/control/control.h"
#include "app/config/config.h"
#include "app/config/statefile.h"
#include "core/mainloop/mainloop.h"
#include "core/or/channel_tls.h"
#include "core/or/circuit.h"
#include "core/or/conflux_cell.h"
#include "feature/client/client.h"
#include "feature/client/socks_port.h"
#include "feature/hs/hs_config.h"
#include "feature/hs/hs_client.h"
#include "feature/hs/hs_client_auth.h"
#include "feature/hs/hs_dirop.h"
#include "feature/hs/hs_service.h"
#include "feature/nodelist/default_dirs.h"
#include "feature/nodelist/dir_servers.h"
#include "feature/relay/relay_keys.h"
#include "lib/fs/fsutil.h"
#include "lib/log/log.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static tor_cmdline_t cmdline;
static int lock_fd = -1;
static char *pidfile_written;
static time_t started_at;
static struct event *sigint_shutdown_timer;
static struct event *heartbeat_timer;
static struct event *owner_timer;
static struct event *signal_events[8];
static int n_signal_events;
static int daemon_pipe = -1;
static int dormant;

/* ---- logs ---- */

/* Turns the Log lines (default: "notice stdout") into sinks. */
static int
apply_log_options(const or_options_t *options, char *err, size_t errlen)
{
  log_sink_spec_t specs[32];
  int n = 0, rv = 0;
  config_line_t fallback = { (char *)"Log", (char *)"notice stdout", CONFLINE_NORMAL,
                             (char *)"default", 0, NULL };
  const config_line_t *lines = options->Logs ? options->Logs : &fallback;
  for (const config_line_t *l = lines; l && rv == 0; l = l->next) {
    if (n == 32) {
      snprintf(err, errlen, "too many Log lines (at most 32)");
      rv = -1;
      break;
    }
    if (log_sink_spec_parse(l->value, &specs[n], err, errlen) < 0)
      rv = -1;
    else
      n++;
  }
  if (rv == 0)
    rv = log_configure_sinks(specs, n, err, errlen);
  for (int i = 0; i < n; i++)
    free(specs[i].path);
  if (rv == 0) {
    log_set_time_granularity(options->LogTimeGranularity);
    log_set_safe_logging(options_safe_logging_mode(options));
    log_set_protocol_warnings(options->ProtocolWarnings);
  }
  return rv;
}

/* ---- files ---- */

static void
remove_pidfile(void)
{
  if (pidfile_written) {
    unlink(pidfile_written);
    free(pidfile_written);
    pidfile_written = NULL;
  }
}

static int
write_pidfile(const char *path)
{
  char buf[32], err[512];
  int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
  if (fs_write_file_atomic(path, buf, (size_t)n, 0644, err, sizeof(err)) < 0) {
    log_warn(LD_FS, "Unable to write PidFile: %s", err);
    return -1;
  }
  remove_pidfile();
  pidfile_written = strdup(path);
  return 0;
}

static int
setup_data_directory(const or_options_t *options)
{
  char err[1024], lockpath[4200];
  if (fs_check_private_dir(options->DataDirectory, 1, err, sizeof(err)) < 0) {
    log_warn(LD_FS, "%s", err);
    log_err(LD_FS, "Failed to create/verify DataDirectory \"%s\".", options->DataDirectory);
    return -1;
  }
  snprintf(lockpath, sizeof(lockpath), "%s/lock", options->DataDirectory);
  lock_fd = fs_lock_file(lockpath, err, sizeof(err));
  if (lock_fd < 0) {
    log_err(LD_FS, "%s Exiting.", err);
    return -1;
  }
  return 0;
}

/* ---- daemon mode ---- */

/* Forks; the parent waits until the child says it started (or died) and
 * exits with the matching status, so scripts see startup errors. */
static int
start_daemon(void)
{
  int fds[2];
  if (pipe(fds) < 0) {
    log_err(LD_GENERAL, "pipe failed: %s", strerror(errno));
    return -1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    log_err(LD_GENERAL, "fork failed: %s", strerror(errno));
    return -1;
  }
  if (pid > 0) {
    close(fds[1]);
    char ok = 0;
    ssize_t r;
    do {
      r = read(fds[0], &ok, 1);
    } while (r < 0 && errno == EINTR);
    _exit(r == 1 && ok == '0' ? 0 : 1);
  }
  close(fds[0]);
  daemon_pipe = fds[1];
  setsid();
  return 0;
}

static void
finish_daemon(void)
{
  if (daemon_pipe < 0)
    return;
  if (chdir("/") < 0)
    log_warn(LD_GENERAL, "chdir to / failed: %s", strerror(errno));
  int null = open("/dev/null", O_RDWR);
  if (null >= 0) {
    dup2(null, STDIN_FILENO);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    if (null > STDERR_FILENO)
      close(null);
  }
  ssize_t w;
  do {
    w = write(daemon_pipe, "0", 1);
  } while (w < 0 && errno == EINTR);
  close(daemon_pipe);
  daemon_pipe = -1;
}

/* ---- periodic events ---- */

static void
format_uptime(char *buf, size_t len, long secs)
{
  long days = secs / 86400, hours = (secs % 86400) / 3600, mins = (secs % 3600) / 60;
  if (days)
    snprintf(buf, len, "%ld day%s %ld:%02ld hours", days, days == 1 ? "" : "s", hours, mins);
  else
    snprintf(buf, len, "%ld:%02ld hours", hours, mins);
}

static void
heartbeat_cb(evutil_socket_t fd, short what, void *arg)
{
  char up[64];
  (void)fd; (void)what; (void)arg;
  format_uptime(up, sizeof(up), (long)(time(NULL) - started_at));
  log_notice(LD_HEARTBEAT, "Heartbeat: Tor's uptime is %s, with %zu circuits open.", up,
             circuit_count());
  hs_services_log_stats();
  hs_workers_log_heartbeat();
}

static void
owner_check_cb(evutil_socket_t fd, short what, void *arg)
{
  const or_options_t *options = get_options();
  (void)fd; (void)what; (void)arg;
  if (!options->OwningControllerProcess)
    return;
  pid_t pid = (pid_t)strtol(options->OwningControllerProcess, NULL, 10);
  if (kill(pid, 0) < 0 && errno == ESRCH) {
    log_warn(LD_CONFIG, "Owning controller process has vanished -- exiting now.");
    mainloop_exit(0);
  }
}

/* (Re)arms the timers that depend on options. */
static void
schedule_periodic_events(const or_options_t *options)
{
  struct event_base *base = mainloop_get_base();
  if (!heartbeat_timer)
    heartbeat_timer = event_new(base, -1, EV_PERSIST, heartbeat_cb, NULL);
  if (!owner_timer)
    owner_timer = event_new(base, -1, EV_PERSIST, owner_check_cb, NULL);
  event_del(heartbeat_timer);
  if (options->HeartbeatPeriod > 0) {
    struct timeval tv = { options->HeartbeatPeriod, 0 };
    event_add(heartbeat_timer, &tv);
  }
  event_del(owner_timer);
  if (options->OwningControllerProcess) {
    struct timeval tv = { 1, 0 };
    event_add(owner_timer, &tv);
  }
}

/* ---- signals ---- */

/* Installs fresh options (taking ownership): the Log lines, the PidFile,
 * the timers. -1 (fresh freed, old kept) if the Log lines fail. */
static int
install_options(or_options_t *fresh, char *err, size_t errlen)
{
  const or_options_t *old = get_options();
  if (apply_log_options(fresh, err, errlen) < 0) {
    options_free(fresh);
    return -1;
  }
  log_reopen_files();
  if (fresh->PidFile && (!old->PidFile || strcmp(fresh->PidFile, old->PidFile)))
    write_pidfile(fresh->PidFile);
  set_options(fresh);
  schedule_periodic_events(fresh);
  /* Reread the client authorization files (a failure is logged and keeps
   * the credentials we had). */
  hs_client_auth_load_dir(fresh->ClientOnionAuthDir);
  return 0;
}

static void
reload_configuration(void)
{
  char err[2048];
  const or_options_t *old = get_options();
  log_notice(LD_GENERAL, "Received reload signal (hup). Reloading config and resetting "
             "internal state.");
  or_options_t *fresh = options_load(&cmdline, err, sizeof(err));
  if (!fresh) {
    log_warn(LD_CONFIG, "Failed to parse/validate config: %s", err);
    log_warn(LD_CONFIG, "Reloading the configuration failed; keeping the old one.");
    return;
  }
  /* Options that cannot change while running keep their old values. */
  for (size_t i = 0; i < options_format.n_vars; i++) {
    const config_var_t *var = &options_format.vars[i];
    if (!(var->flags & CVFLAG_NO_RELOAD) || config_var_equal(var, old, fresh))
      continue;
    log_warn(LD_CONFIG, "While Tor is running, changing %s is not allowed; "
             "keeping the old value until restart.", var->name);
    if (var->type == CONFIG_TYPE_FILENAME || var->type == CONFIG_TYPE_STRING) {
      char *tmp_new = *(char **)((char *)fresh + var->offset);
      char *const *old_val = (char *const *)((const char *)old + var->offset);
      free(tmp_new);
      *(char **)((char *)fresh + var->offset) = *old_val ? strdup(*old_val) : NULL;
    } else if (var->type == CONFIG_TYPE_LINELIST || var->type == CONFIG_TYPE_PORT ||
               var->type == CONFIG_TYPE_LINELIST_GROUP) {
      config_line_t **slot = (config_line_t **)((char *)fresh + var->offset);
      config_lines_free(*slot);
      *slot = config_lines_dup(*(config_line_t *const *)((const char *)old + var->offset));
    } else {
      memcpy((char *)fresh + var->offset, (const char *)old + var->offset, sizeof(int));
    }
  }
  if (install_options(fresh, err, sizeof(err)) < 0) {
    log_warn(LD_CONFIG, "Couldn't apply the new Log lines (%s); keeping the old "
             "configuration.", err);
    return;
  }
  options_report_inert(options_last_merged_lines());
}

const tor_cmdline_t *
tor_cmdline(void)
{
  return &cmdline;
}

int
tor_install_changed_options(or_options_t *fresh, config_line_t *merged, char *err,
                            size_t errlen)
{
  if (install_options(fresh, err, errlen) < 0) {
    config_lines_free(merged);
    return -1;
  }
  options_adopt_merged_lines(merged);
  return 0;
}

static void
sigint_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
  (void)fd; (void)what; (void)arg;
  log_notice(LD_GENERAL, "Clean shutdown finished. Exiting.");
  mainloop_exit(0);
}

void
tor_process_signal(int sig)
{
  switch (sig) {
    case SIGTERM:
      log_notice(LD_GENERAL, "Catching signal TERM, exiting cleanly.");
      hs_workers_signal(SIGTERM);
      mainloop_exit(0);
      break;
    case SIGINT: {
      int wait = get_options()->ShutdownWaitLength;
      hs_workers_signal(SIGINT);
      if (sigint_shutdown_timer || wait <= 0) {
        log_notice(LD_GENERAL, sigint_shutdown_timer ? "Second sigint received; exiting now."
                   : "Interrupt: exiting cleanly.");
        mainloop_exit(0);
        break;
      }
      log_notice(LD_GENERAL, "Interrupt: we have stopped accepting new connections, and "
                 "will shut down in %d seconds. Interrupt again to exit now.", wait);
      sigint_shutdown_timer = evtimer_new(mainloop_get_base(), sigint_deadline_cb, NULL);
      struct timeval tv = { wait, 0 };
      evtimer_add(sigint_shutdown_timer, &tv);
      break;
    }
    case SIGHUP:
      reload_configuration();
      hs_workers_signal(SIGHUP);
      break;
    case SIGUSR1: {
      char up[64];
      format_uptime(up, sizeof(up), (long)(time(NULL) - started_at));
      log_notice(LD_GENERAL, "Dumping stats: uptime %s, %zu circuits.", up, circuit_count());
      hs_services_log_stats();
      hs_workers_signal(SIGUSR1);
      break;
    }
    case SIGUSR2:
      hs_workers_signal(SIGUSR2);
      log_notice(LD_GENERAL, "Caught USR2, going to loglevel debug. Send HUP to change back.");
      {
        log_sink_spec_t spec;
        char err[256];
        memset(&spec, 0, sizeof(spec));
        for (int s = LOG_ERR; s <= LOG_DEBUG; s++)
          spec.domains[s] = LD_ALL_DOMAINS;
        spec.kind = LOG_SINK_STDOUT;
        log_configure_sinks(&spec, 1, err, sizeof(err));
      }
      break;
    case TOR_SIGNAL_HALT:
      log_notice(LD_GENERAL, "Exiting now at the controller's request.");
      mainloop_exit(0);
      break;
    case TOR_SIGNAL_HEARTBEAT:
      heartbeat_cb(-1, 0, NULL);
      break;
    case TOR_SIGNAL_NEWNYM:
      client_newnym();
      break;
    case TOR_SIGNAL_DORMANT:
      if (!dormant)
        log_notice(LD_GENERAL, "Going dormant because of controller request.");
      dormant = 1;
      break;
    case TOR_SIGNAL_ACTIVE:
      if (dormant)
        log_notice(LD_GENERAL, "Tor is no longer dormant.");
      dormant = 0;
      break;
    case TOR_SIGNAL_CLEARDNSCACHE:
      break;   /* we keep no DNS cache */
  }
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
  (void)what; (void)arg;
  tor_process_signal((int)sig);
}

static int
install_signal_handlers(void)
{
  static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2 };
  signal(SIGPIPE, SIG_IGN);
  for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
    struct event *ev = evsignal_new(mainloop_get_base(), sigs[i], signal_cb, NULL);
    if (!ev || evsignal_add(ev, NULL) < 0) {
      log_err(LD_GENERAL, "Couldn't install signal handler for signal %d.", sigs[i]);
      return -1;
    }
    signal_events[n_signal_events++] = ev;
  }
  return 0;
}

static void
free_events(void)
{
  for (int i = 0; i < n_signal_events; i++)
    event_free(signal_events[i]);
  n_signal_events = 0;
  if (sigint_shutdown_timer)
    event_free(sigint_shutdown_timer);
  if (heartbeat_timer)
    event_free(heartbeat_timer);
  if (owner_timer)
    event_free(owner_timer);
  sigint_shutdown_timer = heartbeat_timer = owner_timer = NULL;
}

/* ---- the client role ---- */

static guard_set_t guards;
static dir_servers_t dir_servers;   /* client_config points into it */
static client_config_t client_config;
static int client_running;

static void
save_guards(const guard_set_t *g)
{
  const or_options_t *options = get_options();
  statefile_save(options->DataDirectory, g, time(NULL));
}

static void
client_fatal(void)
{
  mainloop_exit(1);
}

/* Opens the SocksPorts and starts bootstrapping. Returns 0, or -1 when a
 * listener could not be opened (tor exits then too). */
static int
start_client(const or_options_t *options)
{
  if (options->DisableNetwork) {
    log_notice(LD_GENERAL, "DisableNetwork is set: not connecting to the network.");
    return 0;
  }
  memset(&client_config, 0, sizeof(client_config));
  char err[1024];
  dir_servers_clear(&dir_servers);
  if (options_dir_servers(options, &dir_servers, err, sizeof(err)) < 0) {
    log_err(LD_CONFIG, "%s", err);
    return -1;
  }
  /* Bridge authorities serve no consensus: they are not directory sources. */
  for (size_t i = 0; i < dir_servers.n_authorities; i++)
    if (!dir_servers.authorities[i].is_bridge &&
        client_config.n_authorities < CLIENT_MAX_AUTHORITIES)
      client_config.authorities[client_config.n_authorities++] = dir_servers.authorities[i];
  client_config.fallbacks = dir_servers.fallbacks;
  client_config.n_fallbacks = dir_servers.n_fallbacks;
  client_config.authority_fallback_rate = options->DirAuthorityFallbackRate;
  if (dir_servers.default_dir_authorities)
    log_notice(LD_DIR, "No DirAuthority lines: joining the public Tor network, with tor "
               "%s's default directory authorities.", DEFAULT_DIRS_TOR_VERSION);
  if (dir_servers.n_fallbacks)
    log_info(LD_DIR, "%zu fallback directories (%zu usable, %zu with a DirPort; the others "
             "are reached on their ORPort through a one-hop CREATE_FAST circuit).",
             dir_servers.n_fallbacks,
             dir_servers_count_usable_fallbacks(dir_servers.fallbacks, dir_servers.n_fallbacks),
             dir_servers_count_dirport_fallbacks(dir_servers.fallbacks, dir_servers.n_fallbacks));
  if (client_config.n_authorities == 0) {
    log_warn(LD_CONFIG, "No directory authority other than bridge authorities: "
             "not connecting to any network.");
    return 0;
  }
  statefile_load(options->DataDirectory, &guards);
  client_config.datadir = options->DataDirectory;
  client_config.paths_needed = options->PathsNeededToBuildCircuits;
  client_config.conflux_enabled = options->ConfluxEnabled;
  client_config.conflux_ux = options->ConfluxClientUX
                             ? conflux_ux_from_name(options->ConfluxClientUX)
                             : CONFLUX_UX_HIGH_THROUGHPUT;
  if (client_config.conflux_ux < 0)
    client_config.conflux_ux = CONFLUX_UX_HIGH_THROUGHPUT;
  client_config.distinct_subnets = !options->TestingTorNetwork;
  client_config.guards = &guards;
  client_config.save_guards = save_guards;
  client_config.fatal = client_fatal;
  if (socks_ports_open(mainloop_get_base(), options->SocksPorts) < 0) {
    log_err(LD_NET, "Failed to bind one of the listener ports.");
    return -1;
  }
  if (client_start(mainloop_get_base(), &client_config) < 0) {
    socks_ports_close();
    return -1;
  }
  client_running = 1;
  return 0;
}

/* Loads the onion services' keys (their hostname files appear at once)
 * and starts them; they publish once the client has bootstrapped. */
static int
start_onion_services(const or_options_t *options)
{
  static hs_service_config_t configs[HS_CONFIG_MAX_SERVICES];
  char err[1024];
  int n = hs_config_parse(options->HiddenServiceOptions, configs, HS_CONFIG_MAX_SERVICES,
                          err, sizeof(err));
  if (n < 0) {
    log_err(LD_CONFIG, "%s", err);
    return -1;
  }
  hs_dirop_set_testing_network(options->TestingTorNetwork);
  if (hs_workers_prepare(mainloop_get_base(), options, configs, n) < 0)
    return -1;
  return hs_services_start(mainloop_get_base(), configs, n, options->TestingTorNetwork);
}

static void
stop_client(void)
{
  if (!client_running)
    return;
  socks_ports_close();
  client_stop();
  channel_close_all_now();
  save_guards(&guards);
  statefile_free_all();
  dir_servers_clear(&dir_servers);
  client_running = 0;
}

/* ---- main ---- */

static int
run_tor(void)
{
  const or_options_t *options = get_options();
  char err[2048];
  int status = 1;

  if (options->RunAsDaemon && start_daemon() < 0)
    return 1;
  /* Signals are handled from the start, so an early SIGHUP or SIGTERM is
   * never taken by the default action. */
  if (mainloop_init() < 0 || install_signal_handlers() < 0)
    goto done;
  if (apply_log_options(options, err, sizeof(err)) < 0) {
    log_err(LD_CONFIG, "Failed to init Log options: %s", err);
    goto done;
  }
  log_notice(LD_GENERAL, "Tor %s running on %s.", TOR_VERSION, tor_platform_summary());
  options_report_inert(options_last_merged_lines());
  if (options->Sandbox)
    log_warn(LD_CONFIG, "Sandbox 1 is not available in this daemon; running without it.");
  if (options->DisableDebuggerAttachment)
    prctl(PR_SET_DUMPABLE, 0);
  if (setup_data_directory(options) < 0)
    goto done;
  finish_daemon();
  if (options->PidFile && write_pidfile(options->PidFile) < 0)
    goto done;
  started_at = time(NULL);
  schedule_periodic_events(options);
  if (control_app_start(mainloop_get_base(), options) < 0) {
    log_err(LD_NET, "Failed to bind one of the listener ports.");
    goto done;
  }
  if (hs_client_auth_load_dir(options->ClientOnionAuthDir) < 0) {
    log_err(LD_CONFIG, "Failed to load the client authorization files of ClientOnionAuthDir.");
    goto done;
  }
  if (start_onion_services(options) < 0 || start_client(options) < 0)
    goto done;
  status = mainloop_run() == 0 ? 0 : 1;
done:
  hs_workers_stop();
  control_stop();
  hs_client_stop();
  hs_client_auth_free_all();
  hs_dirop_stop();
  hs_services_stop();
  stop_client();
  free_events();
  remove_pidfile();
  mainloop_free();
  if (lock_fd >= 0)
    close(lock_fd);
  lock_fd = -1;
  return status;
}

const char *
tor_torrc_path(void)
{
  return cmdline.torrc_path ? cmdline.torrc_path : options_default_torrc();
}

char *
tor_config_text(void)
{
  char err[2048];
  or_options_t *defaults = options_load_sources(&cmdline, 1, err, sizeof(err));
  if (!defaults)
    return NULL;
  char *text = config_dump(&options_format, get_options(), defaults);
  options_free(defaults);
  return text;
}

/* --list-fingerprint, as tor and chutney use it: a relay's keys made (or
 * loaded) in the DataDirectory, the fingerprint files written, and
 * "NICKNAME XXXX XXXX ..." printed. Only relays (an ORPort) have them. */
static int
list_fingerprint(const or_options_t *options)
{
  char err[1024], fp[50], spaced[50], ed[44];
  int is_relay = 0;
  for (const config_line_t *l = options->ORPorts; l; l = l->next)
    if (strcmp(l->value, "0"))
      is_relay = 1;
  if (!is_relay) {
    log_err(LD_CONFIG, "Clients don't have long-term identity keys. Exiting.");
    return 1;
  }
  const char *nick = options->Nickname ? options->Nickname : "Unnamed";
  relay_keys_t k;
  if (fs_check_private_dir(options->DataDirectory, 1, err, sizeof(err)) < 0 ||
      relay_keys_load_or_create(options->DataDirectory, time(NULL), &k, err, sizeof(err)) < 0) {
    log_err(LD_GENERAL, "%s", err);
    log_err(LD_GENERAL, "Error initializing keys; exiting.");
    return 1;
  }
  int rv = relay_keys_write_fingerprints(options->DataDirectory, nick, &k, err, sizeof(err));
  if (rv < 0) {
    log_err(LD_FS, "Error writing fingerprint files: %s", err);
  } else {
    relay_keys_format_fingerprint(k.fingerprint, 0, fp);
    relay_keys_format_fingerprint(k.fingerprint, 1, spaced);
    relay_keys_format_ed25519(k.master_pk, ed);
    log_notice(LD_GENERAL, "Your Tor server's identity key fingerprint is '%s %s'", nick, fp);
    log_notice(LD_GENERAL, "Your Tor server's identity key ed25519 fingerprint is '%s %s'",
               nick, ed);
    printf("%s %s\n", nick, spaced);
    fflush(stdout);
  }
  relay_keys_clear(&k);
  return rv < 0 ? 1 : 0;
}

/* --dump-config: "full" prints every option; "short" those that differ
 * from the built-in defaults plus the defaults torrc, as tor does. */
static int
dump_config(const or_options_t *options, int full)
{
  char err[2048];
  or_options_t *defaults = NULL;
  if (!full) {
    defaults = options_load_sources(&cmdline, 1, err, sizeof(err));
    if (!defaults) {
      log_err(LD_CONFIG, "%s", err);
      return 1;
    }
  }
  char *text = config_dump(&options_format, options, defaults);
  if (defaults)
    options_free(defaults);
  if (!text)
    return 1;
  fputs(text, stdout);
  free(text);
  return 0;
}

int
tor_run_main(int argc, char **argv)
{
  char err[2048];
  int status;

  if (cmdline_parse(argc, argv, &cmdline, err, sizeof(err)) < 0) {
    log_warn(LD_CONFIG, "%s", err);
    return 1;
  }
  /* Informational commands print only what they are asked for. */
  switch (cmdline.command) {
    case CMD_VERSION: print_version(); status = 0; goto out;
    case CMD_LIBRARY_VERSIONS: print_library_versions(); status = 0; goto out;
    case CMD_HELP: print_help(); status = 0; goto out;
    case CMD_LIST_TORRC_OPTIONS: print_torrc_options(); status = 0; goto out;
    case CMD_LIST_DEPRECATED_OPTIONS: status = 0; goto out;
    case CMD_LIST_MODULES: print_modules(); status = 0; goto out;
    case CMD_DUMP_CONFIG: cmdline.quiet_level = 2; break;
    case CMD_DUMP_MANPAGE_OPTIONS: print_manpage_options(); status = 0; goto out;
    case CMD_HASH_PASSWORD: status = print_hashed_password(cmdline.hash_password); goto out;
    default: break;
  }
  log_set_startup_severity(cmdline.quiet_level == 2 ? LOG_ERR
                           : cmdline.quiet_level == 1 ? LOG_WARN : LOG_NOTICE);
  or_options_t *options = options_load(&cmdline, err, sizeof(err));
  if (!options) {
    log_warn(LD_CONFIG, "Failed to parse/validate config: %s", err);
    log_err(LD_CONFIG, "Reading config failed--see warnings above.");
    status = 1;
    goto out;
  }
  set_options(options);
  if (cmdline.command == CMD_DUMP_CONFIG) {
    status = dump_config(options, cmdline.dump_full);
    goto out;
  }
  if (cmdline.command == CMD_LIST_FINGERPRINT) {
    status = list_fingerprint(options);
    goto out;
  }
  if (cmdline.command == CMD_VERIFY_CONFIG) {
    printf("Configuration was valid\n");
    status = 0;
    goto out;
  }
  status = run_tor();
out:
  set_options(NULL);
  cmdline_clear(&cmdline);
  log_shutdown();
  return status;
}
