/* The daemon's life: command line, options, logs, data directory, the main
 * loop and its signals. tor_run_main() returns the process exit status, as
 * tor's: 0 on success, 1 on a configuration or startup error. */
#ifndef TOR_APP_MAIN_MAIN_H
#define TOR_APP_MAIN_MAIN_H

#include <signal.h>
#include <stddef.h>

#include "app/config/config.h"

int tor_run_main(int argc, char **argv);

/* What a signal (SIGHUP, SIGINT, SIGTERM, SIGUSR1, SIGUSR2) or a control
 * port SIGNAL command asks for; the codes below have no Unix signal. */
#define TOR_SIGNAL_HALT 1001
#define TOR_SIGNAL_NEWNYM 1002
#define TOR_SIGNAL_CLEARDNSCACHE 1003
#define TOR_SIGNAL_HEARTBEAT 1004
#define TOR_SIGNAL_ACTIVE 1005
#define TOR_SIGNAL_DORMANT 1006
void tor_process_signal(int sig);

/* Installs options made by options_with_changes() (SETCONF), taking both.
 * -1 with the reason in err (nothing changed) if they cannot be applied. */
/* The command line the daemon was started with. */
const tor_cmdline_t *tor_cmdline(void);
/* The torrc in use ("-" for standard input). */
const char *tor_torrc_path(void);
/* The options that differ from the defaults, as torrc lines (SAVECONF,
 * GETINFO config-text); a new string, NULL when out of memory. */
char *tor_config_text(void);
int tor_install_changed_options(or_options_t *fresh, config_line_t *merged, char *err,
                                size_t errlen);

#endif
